package org.fieldbook.desktop.keys

import com.github.javakeyring.Keyring
import com.github.javakeyring.PasswordAccessException
import org.fieldbook.ffi.PlatformKeyException
import java.util.Base64
import java.util.concurrent.Callable
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.TimeoutException

/**
 * Platform keys in the operating system's key store, through java-keyring:
 * the Secret Service on Linux (GNOME Keyring, KWallet), the Keychain on
 * macOS, the Credential Manager on Windows (whose secrets DPAPI protects).
 * Each key is one entry, service `org.fieldbook.desktop`, account
 * [account] and the label; the store keeps it encrypted under the person's
 * login.
 */
class OsKeyring(private val account: String) : KeySlots {
    override fun read(label: String): ByteArray? = withKeyring { keyring ->
        try {
            Base64.getDecoder().decode(keyring.getPassword(SERVICE, entry(label)))
        } catch (e: PasswordAccessException) {
            // java-keyring says "not found" and "cannot reach" alike: ask whether the store answers at all.
            if (reachable(keyring)) null else throw PlatformKeyException.Unavailable()
        }
    }

    override fun write(label: String, key: ByteArray) {
        withKeyring { it.setPassword(SERVICE, entry(label), Base64.getEncoder().encodeToString(key)) }
    }

    override fun delete(label: String) {
        withKeyring { keyring ->
            try {
                keyring.deletePassword(SERVICE, entry(label))
            } catch (e: PasswordAccessException) {
                if (!reachable(keyring)) throw PlatformKeyException.Unavailable()
                // Nothing under that label: already gone.
            }
        }
    }

    private fun entry(label: String) = "$account/$label"

    private fun reachable(keyring: Keyring): Boolean = try {
        keyring.setPassword(SERVICE, PROBE, "probe")
        keyring.deletePassword(SERVICE, PROBE)
        true
    } catch (e: PasswordAccessException) {
        false
    }

    /** A key store that does not answer in time is unavailable, not a missing key (which would read as erased). */
    private fun <T> withKeyring(block: (Keyring) -> T): T {
        val call = executor.submit(Callable { Keyring.create().use(block) })
        return try {
            call.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
        } catch (e: TimeoutException) {
            call.cancel(true)
            throw PlatformKeyException.Unavailable()
        } catch (e: java.util.concurrent.ExecutionException) {
            when (val cause = e.cause) {
                is PlatformKeyException -> throw cause
                is com.github.javakeyring.BackendNotSupportedException -> throw PlatformKeyException.Unavailable()
                else -> throw PlatformKeyException.Failed("OS key store: " + (cause?.javaClass?.simpleName ?: "failed"))
            }
        }
    }

    companion object {
        const val SERVICE = "org.fieldbook.desktop"
        private const val PROBE = "probe"
        private const val TIMEOUT_SECONDS = 20L
        private val executor = Executors.newSingleThreadExecutor { r -> Thread(r, "os-keyring").apply { isDaemon = true } }

        /** Whether an OS key store answers here now: it can keep an entry and give it back. */
        fun available(): Boolean {
            val call = executor.submit(Callable {
                Keyring.create().use { keyring ->
                    keyring.setPassword(SERVICE, PROBE, "probe")
                    val back = keyring.getPassword(SERVICE, PROBE)
                    keyring.deletePassword(SERVICE, PROBE)
                    back == "probe"
                }
            })
            return try {
                call.get(PROBE_SECONDS, TimeUnit.SECONDS)
            } catch (e: Exception) {
                call.cancel(true)
                false
            }
        }

        private const val PROBE_SECONDS = 10L
    }
}
