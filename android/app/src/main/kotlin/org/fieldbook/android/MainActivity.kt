package org.fieldbook.android

import android.content.res.Configuration
import android.os.Build
import android.os.Bundle
import android.view.WindowManager
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import androidx.activity.enableEdgeToEdge
import androidx.compose.foundation.isSystemInDarkTheme
import androidx.compose.foundation.layout.safeDrawingPadding
import androidx.compose.material3.dynamicDarkColorScheme
import androidx.compose.material3.dynamicLightColorScheme
import androidx.compose.ui.Modifier
import org.fieldbook.ffi.Language
import org.fieldbook.ui.FieldbookApp
import org.fieldbook.ui.FieldbookTheme

/**
 * Needs Google's Maven (androidx.activity): built on a machine with the
 * Android SDK only. The screens are the shared ones (android/ui); this
 * adds what is Android's: FLAG_SECURE, the phone's own colours, and the
 * language of the system (or of the per-app setting).
 */
class MainActivity : ComponentActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        // No screenshots, no screen recording, a blank thumbnail in the recent apps.
        window.setFlags(WindowManager.LayoutParams.FLAG_SECURE, WindowManager.LayoutParams.FLAG_SECURE)
        enableEdgeToEdge()
        val app = application as FieldbookApplication
        app.container.session.setLanguage(languageOf(resources.configuration))
        setContent {
            val dark = isSystemInDarkTheme()
            val colors = if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.S) {
                if (dark) dynamicDarkColorScheme(this) else dynamicLightColorScheme(this)
            } else {
                null
            }
            if (colors != null) {
                FieldbookTheme(dark = dark, colors = colors) { FieldbookApp(app.services, Modifier.safeDrawingPadding()) }
            } else {
                FieldbookTheme(dark = dark) { FieldbookApp(app.services, Modifier.safeDrawingPadding()) }
            }
        }
    }

    /**
     * The manifest keeps the activity through rotation, size and language
     * changes (the screens' state lives in the composition, never in a
     * saved-state bundle): a new language reaches the screens and the core here.
     */
    override fun onConfigurationChanged(newConfig: Configuration) {
        super.onConfigurationChanged(newConfig)
        (application as FieldbookApplication).container.session.setLanguage(languageOf(newConfig))
    }

    /** Vietnamese unless the person chose English: the program's default language. */
    private fun languageOf(configuration: Configuration): Language =
        if (configuration.locales[0].language == "en") Language.ENGLISH else Language.VIETNAMESE
}
