package org.fieldbook.desktop.keys

import org.fieldbook.ffi.PlatformKeyException
import org.fieldbook.ffi.PlatformKeyStore
import java.security.GeneralSecurityException
import java.security.SecureRandom
import javax.crypto.AEADBadTagException
import javax.crypto.Cipher
import javax.crypto.Mac
import javax.crypto.spec.GCMParameterSpec
import javax.crypto.spec.SecretKeySpec

/** Where a platform key's 32 bytes live: the OS key store, or a key file. */
interface KeySlots {
    /** The key under [label]; `null` when there is none. Throws [PlatformKeyException.Unavailable] when the store cannot be reached. */
    fun read(label: String): ByteArray?

    fun write(label: String, key: ByteArray)

    fun delete(label: String)
}

/**
 * The platform key the core wraps its vault key with: an AES-256-GCM key
 * per label, kept in [slots], used with the JDK's AES-GCM (a random 12-byte
 * nonce in front of ciphertext and tag), as the Android Keystore key is.
 * The key bytes leave the slot only for one wrap or unwrap and are wiped
 * right after.
 */
class AesGcmKeyStore(private val slots: KeySlots) : PlatformKeyStore {
    private val random = SecureRandom()

    override fun wrap(keyLabel: String, plaintext: ByteArray): ByteArray = guarded {
        val key = slots.read(keyLabel) ?: ByteArray(KEY_BYTES).also(random::nextBytes).also { slots.write(keyLabel, it) }
        try {
            val nonce = ByteArray(NONCE_BYTES).also(random::nextBytes)
            val cipher = Cipher.getInstance(TRANSFORMATION)
            cipher.init(Cipher.ENCRYPT_MODE, SecretKeySpec(key, "AES"), GCMParameterSpec(TAG_BITS, nonce))
            nonce + cipher.doFinal(plaintext)
        } finally {
            key.fill(0)
        }
    }

    override fun unwrap(keyLabel: String, wrapped: ByteArray): ByteArray = guarded {
        if (wrapped.size < NONCE_BYTES + TAG_BITS / 8) throw PlatformKeyException.Failed("wrapped value too short")
        val key = slots.read(keyLabel) ?: throw PlatformKeyException.NotFound()
        try {
            val cipher = Cipher.getInstance(TRANSFORMATION)
            cipher.init(Cipher.DECRYPT_MODE, SecretKeySpec(key, "AES"), GCMParameterSpec(TAG_BITS, wrapped, 0, NONCE_BYTES))
            cipher.doFinal(wrapped, NONCE_BYTES, wrapped.size - NONCE_BYTES)
        } finally {
            key.fill(0)
        }
    }

    /**
     * The PIN binding, as the Android app does it with a Keystore HMAC key:
     * HMAC-SHA256 of the core's challenge under a second key of the label,
     * made on first use and kept in the same slots. On a desktop that key is
     * software, so it binds guesses to this computer's key store only as far
     * as the slots keep it (see the README's known limit).
     */
    override fun bindPin(keyLabel: String, challenge: ByteArray): ByteArray = guarded {
        val label = bindingLabel(keyLabel)
        val key = slots.read(label) ?: ByteArray(KEY_BYTES).also(random::nextBytes).also { slots.write(label, it) }
        try {
            Mac.getInstance(MAC).run {
                init(SecretKeySpec(key, MAC))
                doFinal(challenge)
            }
        } finally {
            key.fill(0)
        }
    }

    /** Deleting both keys is the crypto-erase: whatever they wrapped or bound is unreadable for good. */
    override fun destroy(keyLabel: String) = guarded {
        slots.delete(keyLabel)
        slots.delete(bindingLabel(keyLabel))
    }

    private fun bindingLabel(keyLabel: String) = "$keyLabel.pin-binding"

    /** The core's error kinds; messages name the failure, never key material. */
    private inline fun <T> guarded(block: () -> T): T = try {
        block()
    } catch (e: PlatformKeyException) {
        throw e
    } catch (e: AEADBadTagException) {
        throw PlatformKeyException.Failed("wrapped value does not open")
    } catch (e: GeneralSecurityException) {
        throw PlatformKeyException.Failed(e.javaClass.simpleName)
    } catch (e: java.io.IOException) {
        throw PlatformKeyException.Failed("key store: " + e.javaClass.simpleName)
    }

    private companion object {
        const val TRANSFORMATION = "AES/GCM/NoPadding"
        const val MAC = "HmacSHA256"
        const val KEY_BYTES = 32
        const val NONCE_BYTES = 12
        const val TAG_BITS = 128
    }
}
