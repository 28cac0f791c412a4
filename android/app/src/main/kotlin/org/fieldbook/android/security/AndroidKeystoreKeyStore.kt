package org.fieldbook.android.security

import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyPermanentlyInvalidatedException
import android.security.keystore.KeyProperties
import android.security.keystore.UserNotAuthenticatedException
import org.fieldbook.ffi.PlatformKeyException
import org.fieldbook.ffi.PlatformKeyStore
import java.security.GeneralSecurityException
import java.security.KeyStore
import java.security.ProviderException
import javax.crypto.AEADBadTagException
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.Mac
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/**
 * The platform key the core wraps its vault key with: an AES-256-GCM key
 * generated inside AndroidKeyStore (in StrongBox where the phone has one),
 * never exportable, so a copy of the app's files alone opens nothing.
 *
 * Not `setUserAuthenticationRequired`: the app's own PIN (Argon2id, counted
 * attempts, erase at the limit) is the person's authentication; binding the
 * key to the lock screen as well would ask for a second prompt at every
 * unlock and make the key vanish when the person changes their lock screen,
 * which would erase the store. `setUnlockedDeviceRequired` instead keeps the
 * key unusable while the phone itself is locked (a seized, locked phone).
 *
 * Wrapped bytes are the 12-byte IV the Keystore chose, then ciphertext and tag.
 *
 * [bindPin] uses a second key under the label, an HMAC-SHA256 key made in
 * the Keystore (StrongBox where present) the same way: every PIN guess needs
 * one HMAC from this phone's secure hardware, so a copy of the app's files,
 * even with the AES layer opened, cannot be searched for the PIN elsewhere.
 * minSdk is 28, so `setUnlockedDeviceRequired` applies to both keys on
 * every supported phone: a locked phone answers neither.
 */
class AndroidKeystoreKeyStore : PlatformKeyStore {
    private val keyStore: KeyStore = KeyStore.getInstance(PROVIDER).apply { load(null) }

    override fun wrap(keyLabel: String, plaintext: ByteArray): ByteArray = guarded {
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.ENCRYPT_MODE, key(keyLabel) ?: generate(keyLabel))
        cipher.iv + cipher.doFinal(plaintext)
    }

    override fun unwrap(keyLabel: String, wrapped: ByteArray): ByteArray = guarded {
        if (wrapped.size < IV_BYTES + TAG_BITS / 8) throw PlatformKeyException.Failed("wrapped value too short")
        val key = key(keyLabel) ?: throw PlatformKeyException.NotFound()
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.DECRYPT_MODE, key, GCMParameterSpec(TAG_BITS, wrapped, 0, IV_BYTES))
        cipher.doFinal(wrapped, IV_BYTES, wrapped.size - IV_BYTES)
    }

    /** HMAC-SHA256 of the core's challenge with this label's Keystore HMAC key. */
    override fun bindPin(keyLabel: String, challenge: ByteArray): ByteArray = guarded {
        val key = keyStore.getKey(bindingAlias(keyLabel), null) as? SecretKey ?: generateBinding(keyLabel)
        Mac.getInstance(KeyProperties.KEY_ALGORITHM_HMAC_SHA256).run {
            init(key)
            doFinal(challenge)
        }
    }

    /** Deleting the entries is the crypto-erase: whatever they wrapped or bound is unreadable for good. */
    override fun destroy(keyLabel: String) = guarded {
        for (alias in listOf(alias(keyLabel), bindingAlias(keyLabel))) {
            if (keyStore.containsAlias(alias)) keyStore.deleteEntry(alias)
        }
    }

    private fun key(label: String): SecretKey? = keyStore.getKey(alias(label), null) as? SecretKey

    private fun generate(label: String): SecretKey = inStrongBoxIfPresent { strongBox ->
        val spec = KeyGenParameterSpec.Builder(alias(label), KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
            .setKeySize(256)
            .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
            .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
            .setRandomizedEncryptionRequired(true)
            .setIsStrongBoxBacked(strongBox)
            .setUnlockedDeviceRequired(true)
            .build()
        KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, PROVIDER).run {
            init(spec)
            generateKey()
        }
    }

    private fun generateBinding(label: String): SecretKey = inStrongBoxIfPresent { strongBox ->
        val spec = KeyGenParameterSpec.Builder(bindingAlias(label), KeyProperties.PURPOSE_SIGN)
            .setDigests(KeyProperties.DIGEST_SHA256)
            .setIsStrongBoxBacked(strongBox)
            .setUnlockedDeviceRequired(true)
            .build()
        KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_HMAC_SHA256, PROVIDER).run {
            init(spec)
            generateKey()
        }
    }

    private inline fun inStrongBoxIfPresent(make: (strongBox: Boolean) -> SecretKey): SecretKey =
        try {
            make(true)
        } catch (e: ProviderException) {
            // StrongBoxUnavailableException is a ProviderException: no secure element, use the TEE.
            make(false)
        }

    /** The core's error kinds; messages name the failure, never key material. */
    private inline fun <T> guarded(block: () -> T): T = try {
        block()
    } catch (e: PlatformKeyException) {
        throw e
    } catch (e: UserNotAuthenticatedException) {
        throw PlatformKeyException.Unavailable()
    } catch (e: KeyPermanentlyInvalidatedException) {
        throw PlatformKeyException.Failed("the Keystore key was invalidated")
    } catch (e: AEADBadTagException) {
        throw PlatformKeyException.Failed("wrapped value does not open")
    } catch (e: GeneralSecurityException) {
        throw PlatformKeyException.Failed(e.javaClass.simpleName)
    }

    private fun alias(label: String) = "org.fieldbook.$label"

    private fun bindingAlias(label: String) = "org.fieldbook.$label.pin-binding"

    private companion object {
        const val PROVIDER = "AndroidKeyStore"
        const val TRANSFORMATION = "AES/GCM/NoPadding"
        const val IV_BYTES = 12
        const val TAG_BITS = 128
    }
}
