// The screens' state holders: plain Kotlin over the generated bindings, for
// the Android app and the desktop app alike. Kotlin Multiplatform with two
// JVM targets (Android, desktop) that share one source set, jvmShared: the
// code uses the JDK and JNA, which both have but Kotlin's common code does
// not (KT-42466). scripts/kotlin-build.sh compiles the same sources here.
plugins {
    alias(libs.plugins.kotlin.multiplatform)
    alias(libs.plugins.android.library)
}

// Written by scripts/build-native.sh from the built library; never committed.
val generatedBindings = layout.projectDirectory.dir("src/generated/kotlin")
val repoRoot = rootDir.parentFile

kotlin {
    jvmToolchain(17)
    androidTarget()
    jvm("desktop")

    sourceSets {
        val jvmShared by creating {
            dependsOn(commonMain.get())
            kotlin.srcDir("src/main/kotlin")
            kotlin.srcDir(generatedBindings)
            dependencies {
                api(libs.kotlinx.coroutines.core)
            }
        }
        androidMain {
            dependsOn(jvmShared)
            dependencies {
                // The Android flavour of JNA ships its native dispatch library per ABI.
                implementation(libs.jna) { artifact { type = "aar" } }
            }
        }
        val desktopMain by getting {
            dependsOn(jvmShared)
            dependencies { implementation(libs.jna) }
        }
        // The JVM tests run on the desktop target against the host-built core and a real hub.
        val desktopTest by getting {
            kotlin.srcDir("src/test/kotlin")
            dependencies {
                implementation(libs.jna)
                implementation(libs.junit)
            }
        }
    }
}

android {
    namespace = "org.fieldbook.android.state"
    compileSdk = 36
    defaultConfig {
        minSdk = 28
        consumerProguardFiles("consumer-rules.pro")
    }
    sourceSets["main"].manifest.srcFile("src/main/AndroidManifest.xml")
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
}

tasks.withType<Test>().configureEach {
    // As scripts/kotlin-tests.sh runs them.
    systemProperty("jna.library.path", File(repoRoot, "target/debug").path)
    systemProperty("fieldbook.hub", File(repoRoot, "target/debug/fieldbook-hub").path)
}

val checkBindings by tasks.registering {
    val file = generatedBindings.file("org/fieldbook/ffi/fieldbook.kt").asFile
    doLast {
        check(file.exists()) {
            "Missing generated bindings ($file): run android/scripts/build-native.sh first"
        }
    }
}
tasks.matching { it.name.startsWith("compile") }.configureEach { dependsOn(checkBindings) }
