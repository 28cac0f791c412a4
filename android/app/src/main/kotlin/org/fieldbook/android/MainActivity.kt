package org.fieldbook.android

import android.content.res.Configuration
import android.os.Bundle
import android.view.WindowManager
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import androidx.activity.enableEdgeToEdge
import org.fieldbook.android.ui.FieldbookApp
import org.fieldbook.android.ui.theme.FieldbookTheme
import org.fieldbook.ffi.Language

class MainActivity : ComponentActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        // No screenshots, no screen recording, a blank thumbnail in the recent apps.
        window.setFlags(WindowManager.LayoutParams.FLAG_SECURE, WindowManager.LayoutParams.FLAG_SECURE)
        enableEdgeToEdge()
        val container = (application as FieldbookApplication).container
        // The core's labels and messages follow the app's language (recreated on a change).
        container.session.setLanguage(languageOf(resources.configuration))
        setContent {
            FieldbookTheme {
                FieldbookApp(container)
            }
        }
    }

    /** Vietnamese unless the person chose English: the program's default language. */
    private fun languageOf(configuration: Configuration): Language =
        if (configuration.locales[0].language == "en") Language.ENGLISH else Language.VIETNAMESE
}
