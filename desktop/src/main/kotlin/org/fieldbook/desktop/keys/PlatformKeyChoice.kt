package org.fieldbook.desktop.keys

import org.fieldbook.ffi.PlatformKeyStore
import java.io.File
import java.util.Properties
import java.util.UUID

/** Where this computer keeps the platform key. */
enum class KeyBackend { OS_KEY_STORE, KEY_FILE }

/**
 * Chooses the platform key's home once, when the first store is made, and
 * remembers the choice in `platform-key.properties`: the OS key store when
 * one answers, else 0600 key files. A store keeps its choice afterwards:
 * should the OS key store not answer one day, its key is reported
 * unavailable (the PIN screen says so) instead of missing, which the core
 * would take for an erased store.
 */
class PlatformKeyChoice(private val configDir: File, private val keyDir: File) {
    private val file = File(configDir, "platform-key.properties")

    /** The key store for this computer; [forceKeyFile] skips the OS key store (tests, `--key-dir`). */
    fun open(forceKeyFile: Boolean = false): Pair<KeyBackend, PlatformKeyStore> {
        val saved = load()
        val backend = saved?.first ?: when {
            forceKeyFile -> KeyBackend.KEY_FILE
            OsKeyring.available() -> KeyBackend.OS_KEY_STORE
            else -> KeyBackend.KEY_FILE
        }
        val account = saved?.second ?: UUID.randomUUID().toString()
        if (saved == null) save(backend, account)
        val slots = when (backend) {
            KeyBackend.OS_KEY_STORE -> OsKeyring(account)
            KeyBackend.KEY_FILE -> KeyFiles(keyDir)
        }
        return backend to AesGcmKeyStore(slots)
    }

    private fun load(): Pair<KeyBackend, String>? {
        if (!file.exists()) return null
        val props = Properties().apply { file.inputStream().use(::load) }
        val backend = props.getProperty("backend")?.let { runCatching { KeyBackend.valueOf(it) }.getOrNull() } ?: return null
        val account = props.getProperty("account") ?: return null
        return backend to account
    }

    private fun save(backend: KeyBackend, account: String) {
        configDir.mkdirs()
        val props = Properties().apply {
            setProperty("backend", backend.name)
            // Names this computer's entries in the OS key store; not a secret.
            setProperty("account", account)
        }
        file.outputStream().use { props.store(it, "Where Fieldbook keeps its platform key (chosen once)") }
    }
}
