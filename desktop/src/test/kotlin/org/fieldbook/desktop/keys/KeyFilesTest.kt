package org.fieldbook.desktop.keys

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runBlocking
import org.fieldbook.android.state.SessionState
import org.fieldbook.android.state.StoreSession
import org.fieldbook.ffi.FieldbookException
import org.fieldbook.ffi.Language
import org.fieldbook.ffi.PlatformKeyException
import org.fieldbook.ffi.Role
import org.junit.After
import org.junit.Assert.assertArrayEquals
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test
import java.io.File
import java.nio.file.Files
import java.nio.file.attribute.PosixFilePermissions

/** The desktop's key file fallback: owner-only files, the wrap the core relies on, the crypto-erase. */
class KeyFilesTest {
    private val root = Files.createTempDirectory("fieldbook-keys").toFile()
    private val dir = File(root, "keys")

    @After
    fun tearDown() {
        root.deleteRecursively()
    }

    @Test
    fun keysAreOwnerOnlyAndWrapAndUnwrap() {
        val store = AesGcmKeyStore(KeyFiles(dir))
        val secret = ByteArray(32) { it.toByte() }
        val wrapped = store.wrap("vault", secret)
        assertFalse("the wrapped value is not the secret", wrapped.toList().windowed(32).any { it == secret.toList() })
        assertArrayEquals(secret, store.unwrap("vault", wrapped))
        val file = dir.listFiles()!!.single()
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.toPath())))
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.toPath())))
        assertEquals(32L, file.length())
        assertTrue("no partial file left behind", dir.listFiles()!!.none { it.name.endsWith(".partial") })
    }

    @Test
    fun thePinBindingIsStableOwnerOnlyAndGoesWithDestroy() {
        val store = AesGcmKeyStore(KeyFiles(dir))
        val challenge = ByteArray(65) { (it * 3).toByte() }
        val bound = store.bindPin("vault", challenge)
        assertEquals(32, bound.size)
        assertArrayEquals("the same answer each time", bound, store.bindPin("vault", challenge))
        assertFalse("another challenge, another answer", bound.contentEquals(store.bindPin("vault", ByteArray(65))))
        val file = dir.listFiles()!!.single()
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.toPath())))
        store.destroy("vault")
        assertTrue("both keys are gone", dir.listFiles()!!.isEmpty())
        assertFalse("a new binding key, a new answer", bound.contentEquals(store.bindPin("vault", challenge)))
    }

    @Test
    fun aChangedValueOrAMissingKeyIsRefused() {
        val store = AesGcmKeyStore(KeyFiles(dir))
        val wrapped = store.wrap("vault", ByteArray(32) { 7 })
        wrapped[wrapped.size - 1] = (wrapped.last() + 1).toByte()
        try {
            store.unwrap("vault", wrapped)
            fail("a changed value opened")
        } catch (e: PlatformKeyException.Failed) {
            // The core tells a damaged value from a wrong key.
        }
        store.destroy("vault")
        try {
            store.unwrap("vault", store.wrap("other", ByteArray(32)))
            fail("a destroyed key still opened")
        } catch (e: PlatformKeyException.NotFound) {
            // Destroyed: the crypto-erase.
        }
    }

    @Test
    fun theChoiceIsKeptAndAStoreReopensWithIt() {
        val config = File(root, "config")
        val (backend, keyStore) = PlatformKeyChoice(config, dir).open(forceKeyFile = true)
        assertEquals(KeyBackend.KEY_FILE, backend)
        val storeDir = File(root, "store")
        runBlocking { StoreSession(storeDir, keyStore, Language.ENGLISH, Dispatchers.IO).create("580314", Role.SUPERVISOR) }

        // Later runs use the same key store, whatever answers then.
        val (again, reopened) = PlatformKeyChoice(config, dir).open(forceKeyFile = false)
        assertEquals(KeyBackend.KEY_FILE, again)
        val session = StoreSession(storeDir, reopened, Language.ENGLISH, Dispatchers.IO)
        runBlocking {
            session.open()
            assertEquals(SessionState.Locked, session.state.value)
            try {
                session.unlock("111111")
                fail("a wrong PIN opened the store")
            } catch (e: FieldbookException.WrongPin) {
                // Counted by the core.
            }
            session.unlock("580314")
        }
        assertTrue(session.state.value is SessionState.Unlocked)
    }
}
