package org.fieldbook.desktop.keys

import org.fieldbook.ffi.PlatformKeyException
import org.junit.Assert.assertArrayEquals
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test
import java.io.File
import java.nio.file.Files
import java.util.UUID

/**
 * The OS key store path against a real Secret Service (GNOME Keyring in a
 * private D-Bus session, which scripts/desktop-tests.sh starts for this
 * test): the key kept there, the wrap the core relies on, the crypto-erase,
 * and the choice of the OS store over a key file when one answers.
 */
class OsKeyringTest {
    @Test
    fun aSecretServiceKeepsTheKeyAndLosesItOnDestroy() {
        assertTrue("a Secret Service answers in this session", OsKeyring.available())
        val store = AesGcmKeyStore(OsKeyring("test-" + UUID.randomUUID()))
        val secret = ByteArray(32) { (it * 7).toByte() }
        val wrapped = store.wrap("vault", secret)
        assertArrayEquals(secret, store.unwrap("vault", wrapped))
        store.destroy("vault")
        try {
            store.unwrap("vault", wrapped)
            fail("a destroyed key still opened")
        } catch (e: PlatformKeyException.NotFound) {
            // The crypto-erase.
        }
    }

    @Test
    fun whereOneAnswersTheOsStoreIsChosenAndNoKeyFileWritten() {
        val root = Files.createTempDirectory("fieldbook-os-keys").toFile()
        try {
            val keys = File(root, "keys")
            val (backend, store) = PlatformKeyChoice(File(root, "config"), keys).open()
            assertEquals(KeyBackend.OS_KEY_STORE, backend)
            val wrapped = store.wrap("vault", ByteArray(32) { 1 })
            assertArrayEquals(ByteArray(32) { 1 }, store.unwrap("vault", wrapped))
            assertTrue("no key file", !keys.exists())
            store.destroy("vault")
        } finally {
            root.deleteRecursively()
        }
    }
}
