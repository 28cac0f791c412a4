package org.fieldbook.android.state

import org.fieldbook.ffi.PlatformKeyException
import org.fieldbook.ffi.PlatformKeyStore
import java.io.File
import java.security.SecureRandom
import javax.crypto.AEADBadTagException
import javax.crypto.Cipher
import javax.crypto.Mac
import javax.crypto.spec.GCMParameterSpec
import javax.crypto.spec.SecretKeySpec

/**
 * The tests' stand-in for the Android Keystore: one AES-256 key per label in
 * [dir], used with AES-GCM exactly as AndroidKeystoreKeyStore uses its key
 * (12-byte nonce in front of the ciphertext and tag).
 */
class FileKeyStore(private val dir: File) : PlatformKeyStore {
    private fun file(label: String) = File(dir, label.replace(Regex("[^A-Za-z0-9_.-]"), "_") + ".key")

    private fun key(label: String, create: Boolean): SecretKeySpec {
        val file = file(label)
        if (!file.exists()) {
            if (!create) throw PlatformKeyException.NotFound()
            dir.mkdirs()
            file.writeBytes(ByteArray(32).also(SecureRandom()::nextBytes))
        }
        return SecretKeySpec(file.readBytes(), "AES")
    }

    override fun wrap(keyLabel: String, plaintext: ByteArray): ByteArray {
        val nonce = ByteArray(12).also(SecureRandom()::nextBytes)
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.ENCRYPT_MODE, key(keyLabel, create = true), GCMParameterSpec(128, nonce))
        return nonce + cipher.doFinal(plaintext)
    }

    override fun unwrap(keyLabel: String, wrapped: ByteArray): ByteArray {
        if (wrapped.size < 28) throw PlatformKeyException.Failed("wrapped value too short")
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.DECRYPT_MODE, key(keyLabel, create = false), GCMParameterSpec(128, wrapped, 0, 12))
        return try {
            cipher.doFinal(wrapped, 12, wrapped.size - 12)
        } catch (e: AEADBadTagException) {
            throw PlatformKeyException.Failed("wrapped value does not open")
        }
    }

    /**
     * The PIN binding as the Android app does it with a Keystore HMAC key:
     * HMAC-SHA256 of the challenge under a second key of the label, which
     * here lives in [dir] beside the wrapping key.
     */
    override fun bindPin(keyLabel: String, challenge: ByteArray): ByteArray {
        val file = file("$keyLabel.binding")
        if (!file.exists()) {
            dir.mkdirs()
            file.writeBytes(ByteArray(32).also { SecureRandom().nextBytes(it) })
        }
        val mac = Mac.getInstance("HmacSHA256")
        mac.init(SecretKeySpec(file.readBytes(), "HmacSHA256"))
        return mac.doFinal(challenge)
    }

    override fun destroy(keyLabel: String) {
        file(keyLabel).delete()
        file("$keyLabel.binding").delete()
    }
}
