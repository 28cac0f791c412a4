// The Compose screens the Android app and the desktop app share: Compose
// Multiplatform, common Compose code with no android.* import, in a source
// set shared by the Android and desktop JVM targets (as :state). The
// desktop app (desktop/) is built on this machine by scripts/desktop-build.sh
// from the same sources; this module is how Android Studio builds them for the phone.
plugins {
    alias(libs.plugins.kotlin.multiplatform)
    alias(libs.plugins.android.library)
    alias(libs.plugins.jetbrains.compose)
    alias(libs.plugins.kotlin.compose)
}

kotlin {
    jvmToolchain(17)
    androidTarget()
    jvm("desktop")

    sourceSets {
        val jvmShared by creating {
            dependsOn(commonMain.get())
            kotlin.srcDir("src/main/kotlin")
            // The string catalog (strings/catalog/{vi,en}.xml), read as a Java resource.
            resources.srcDir("src/main/resources")
            dependencies {
                api(project(":state"))
                implementation(compose.runtime)
                implementation(compose.foundation)
                implementation(compose.material3)
                implementation(libs.compose.icons.core)
                implementation(compose.ui)
                implementation(libs.compose.backhandler)
            }
        }
        androidMain { dependsOn(jvmShared) }
        val desktopMain by getting {
            dependsOn(jvmShared)
            dependencies { implementation(compose.desktop.common) }
        }
        val desktopTest by getting {
            kotlin.srcDir("src/test/kotlin")
            dependencies { implementation(libs.junit) }
        }
    }
}

android {
    namespace = "org.fieldbook.ui"
    compileSdk = 36
    defaultConfig { minSdk = 28 }
    // The catalog travels in the AAR's Java resources too.
    sourceSets["main"].resources.srcDir("src/main/resources")
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
}

tasks.withType<Test>().configureEach {
    // StringCatalogTest reads the screens' sources to check every key they use.
    systemProperty("fieldbook.sources", rootDir.parentFile.path)
}
