package org.fieldbook.desktop.window

import kotlinx.coroutines.runBlocking
import org.fieldbook.desktop.DesktopApp
import org.fieldbook.desktop.DesktopFolders
import org.fieldbook.ffi.Role
import java.awt.GraphicsEnvironment
import java.awt.Rectangle
import java.awt.Robot
import java.io.File
import javax.imageio.ImageIO
import kotlin.system.exitProcess

/**
 * The two helpers scripts/desktop-window.sh needs around the real app:
 *  - `store DATA_DIR KEY_DIR`: a store to unlock (a team of one), made as the app makes it;
 *  - `capture OUT.png`: the X display's pixels, the app's window among them.
 */
fun main(args: Array<String>) {
    when (args.firstOrNull()) {
        "store" -> {
            val folders = DesktopFolders.of(File(args[1]), File(args[2]))
            DesktopApp(folders, forceKeyFile = true).use { app ->
                runBlocking {
                    app.session.open()
                    app.session.create(args.getOrElse(3) { "580314" }, Role.SUPERVISOR)
                }
            }
        }
        "capture" -> {
            val screen = GraphicsEnvironment.getLocalGraphicsEnvironment().defaultScreenDevice.defaultConfiguration.bounds
            val image = Robot().createScreenCapture(Rectangle(screen))
            ImageIO.write(image, "png", File(args[1]))
        }
        else -> {
            System.err.println("usage: WindowProof store DATA_DIR KEY_DIR [PIN] | capture OUT.png")
            exitProcess(2)
        }
    }
    exitProcess(0)
}
