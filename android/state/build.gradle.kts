// The screens' state holders: pure Kotlin over the generated bindings, so the
// same sources compile and are tested on the JVM (scripts/kotlin-tests.sh).
plugins {
    alias(libs.plugins.android.library)
    alias(libs.plugins.kotlin.android)
}

// Written by scripts/build-native.sh from the built library; never committed.
val generatedBindings = layout.projectDirectory.dir("src/generated/kotlin")
val repoRoot = rootDir.parentFile

android {
    namespace = "org.fieldbook.android.state"
    compileSdk = 36

    defaultConfig {
        minSdk = 28
        consumerProguardFiles("consumer-rules.pro")
    }

    sourceSets {
        getByName("main").java.srcDir(generatedBindings)
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    testOptions {
        unitTests.all {
            // The JVM tests run against the host-built core and a real hub,
            // as scripts/kotlin-tests.sh runs them.
            it.systemProperty("jna.library.path", File(repoRoot, "target/debug").path)
            it.systemProperty("fieldbook.hub", File(repoRoot, "target/debug/fieldbook-hub").path)
        }
    }
}

kotlin {
    jvmToolchain(17)
}

val checkBindings by tasks.registering {
    val file = generatedBindings.file("org/fieldbook/ffi/fieldbook.kt").asFile
    doLast {
        check(file.exists()) {
            "Missing generated bindings ($file): run android/scripts/build-native.sh first"
        }
    }
}
tasks.named("preBuild") { dependsOn(checkBindings) }

dependencies {
    // The Android flavour of JNA ships its native dispatch library per ABI.
    implementation(libs.jna) { artifact { type = "aar" } }
    api(libs.kotlinx.coroutines.core)

    // On the JVM the plain JNA jar loads the host-built libfieldbook.
    testImplementation(libs.jna)
    testImplementation(libs.junit)
}
