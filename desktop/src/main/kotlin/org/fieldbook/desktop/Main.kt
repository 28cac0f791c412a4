package org.fieldbook.desktop

import androidx.compose.runtime.LaunchedEffect
import androidx.compose.ui.unit.DpSize
import androidx.compose.ui.unit.dp
import androidx.compose.ui.window.Window
import androidx.compose.ui.window.application
import androidx.compose.ui.window.rememberWindowState
import org.fieldbook.ffi.Language
import org.fieldbook.ui.FieldbookApp
import org.fieldbook.ui.FieldbookTheme
import java.io.File
import javax.swing.JFileChooser
import javax.swing.filechooser.FileNameExtensionFilter
import kotlin.system.exitProcess

private const val USAGE = """Usage: fieldbook-desktop [--data DIR] [--key-dir DIR] [--lang vi|en]
  --data DIR      where the encrypted store and the settings live (default ~/.local/share/fieldbook)
  --key-dir DIR   keep the platform key as a 0600 file in DIR (other media) instead of the OS key store
  --lang vi|en    the language of the screens and messages (default: the last chosen in the app, else vi)"""

/** The supervisor's office app: the shared screens in a laptop window. */
fun main(args: Array<String>) {
    val options = parse(args)
    val folders = DesktopFolders.of(options.data, options.keyDir)
    val language = options.language ?: Preferences(File(folders.config, "preferences.properties")).language() ?: Language.VIETNAMESE
    val app = DesktopApp(folders, language, forceKeyFile = options.keyDir != null, chooseFolder = ::chooseFolder, chooseFile = ::chooseWorkbook)
    application {
        val state = rememberWindowState(size = DpSize(1280.dp, 820.dp))
        Window(
            onCloseRequest = {
                app.close()
                exitApplication()
            },
            title = "Fieldbook",
            state = state,
        ) {
            window.minimumSize = java.awt.Dimension(400, 600)
            LaunchedEffect(Unit) { app.start() }
            FieldbookTheme(dark = false) { FieldbookApp(app.services) }
        }
    }
}

private data class Options(val data: File?, val keyDir: File?, val language: Language?)

private fun parse(args: Array<String>): Options {
    var data: File? = null
    var keyDir: File? = null
    var language: Language? = null
    val rest = args.iterator()
    fun value(flag: String): String = if (rest.hasNext()) rest.next() else usage("$flag needs a value")
    while (rest.hasNext()) {
        when (val arg = rest.next()) {
            "--data" -> data = File(value(arg))
            "--key-dir" -> keyDir = File(value(arg))
            "--lang" -> language = when (value(arg)) {
                "vi" -> Language.VIETNAMESE
                "en" -> Language.ENGLISH
                else -> usage("--lang is vi or en")
            }
            "-h", "--help" -> {
                println(USAGE)
                exitProcess(0)
            }
            else -> usage("unknown argument '$arg'")
        }
    }
    return Options(data, keyDir, language)
}

private fun usage(problem: String): Nothing {
    System.err.println("error: $problem\n$USAGE")
    exitProcess(2)
}

/** The system's file dialog, for a form's XLSForm workbook. */
private fun chooseWorkbook(current: File?): File? {
    val chooser = JFileChooser(current).apply {
        fileFilter = FileNameExtensionFilter("XLSForm (.xlsx)", "xlsx")
    }
    return if (chooser.showOpenDialog(null) == JFileChooser.APPROVE_OPTION) chooser.selectedFile else null
}

/** The system's folder dialog, for the export folder. */
private fun chooseFolder(current: File?): File? {
    val chooser = JFileChooser(current).apply { fileSelectionMode = JFileChooser.DIRECTORIES_ONLY }
    return if (chooser.showOpenDialog(null) == JFileChooser.APPROVE_OPTION) chooser.selectedFile else null
}
