package org.fieldbook.tests

import org.fieldbook.ffi.PlatformKeyException
import org.fieldbook.ffi.PlatformKeyStore
import java.io.File
import java.security.SecureRandom
import java.util.concurrent.atomic.AtomicInteger
import javax.crypto.AEADBadTagException
import javax.crypto.Cipher
import javax.crypto.Mac
import javax.crypto.spec.GCMParameterSpec
import javax.crypto.spec.SecretKeySpec

/**
 * A platform key store written in Kotlin, as the apps write theirs: one
 * AES-256 key per label, used with AES-GCM through the JVM's own crypto. On
 * a phone the key lives in the Keystore/Keychain; here it lives in [dir],
 * which stands for the secure hardware.
 */
class TestKeyStore(private val dir: File) : PlatformKeyStore {
    val wraps = AtomicInteger()
    val unwraps = AtomicInteger()
    /** PIN bindings done: one per PIN tried, so one per guess. */
    val bindings = AtomicInteger()
    @Volatile var unavailable = false

    private fun keyFile(label: String): File {
        require(label.matches(Regex("[A-Za-z0-9_.-]+"))) { "unexpected key label" }
        return File(dir, "$label.key")
    }

    private fun key(label: String, create: Boolean): SecretKeySpec {
        val file = keyFile(label)
        if (!file.exists()) {
            if (!create) throw PlatformKeyException.NotFound()
            dir.mkdirs()
            file.writeBytes(ByteArray(32).also { SecureRandom().nextBytes(it) })
        }
        return SecretKeySpec(file.readBytes(), "AES")
    }

    override fun wrap(keyLabel: String, plaintext: ByteArray): ByteArray {
        if (unavailable) throw PlatformKeyException.Unavailable()
        wraps.incrementAndGet()
        val nonce = ByteArray(12).also { SecureRandom().nextBytes(it) }
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.ENCRYPT_MODE, key(keyLabel, create = true), GCMParameterSpec(128, nonce))
        return nonce + cipher.doFinal(plaintext)
    }

    override fun unwrap(keyLabel: String, wrapped: ByteArray): ByteArray {
        if (unavailable) throw PlatformKeyException.Unavailable()
        unwraps.incrementAndGet()
        if (wrapped.size < 12 + 16) throw PlatformKeyException.Failed("wrapped value too short")
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(
            Cipher.DECRYPT_MODE,
            key(keyLabel, create = false),
            GCMParameterSpec(128, wrapped.copyOfRange(0, 12)),
        )
        try {
            return cipher.doFinal(wrapped.copyOfRange(12, wrapped.size))
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
        if (unavailable) throw PlatformKeyException.Unavailable()
        bindings.incrementAndGet()
        val file = keyFile("$keyLabel.binding")
        if (!file.exists()) {
            dir.mkdirs()
            file.writeBytes(ByteArray(32).also { SecureRandom().nextBytes(it) })
        }
        val mac = Mac.getInstance("HmacSHA256")
        mac.init(SecretKeySpec(file.readBytes(), "HmacSHA256"))
        return mac.doFinal(challenge)
    }

    override fun destroy(keyLabel: String) {
        for (file in listOf(keyFile(keyLabel), keyFile("$keyLabel.binding"))) {
            if (file.exists()) {
                file.writeBytes(ByteArray(file.length().toInt()))
                file.delete()
            }
        }
    }
}
