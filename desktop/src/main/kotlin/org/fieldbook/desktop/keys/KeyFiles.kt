package org.fieldbook.desktop.keys

import java.io.File
import java.nio.file.Files
import java.nio.file.StandardCopyOption
import java.nio.file.attribute.PosixFilePermissions

/**
 * Platform keys as files readable by their owner only (0600 in a 0700
 * folder): where no OS key store answers (a Linux desktop without a
 * Secret Service, a server). Anyone who copies this folder together with
 * the data folder can guess PINs offline, so it belongs on other media
 * where that matters (`--key-dir`).
 */
class KeyFiles(private val dir: File) : KeySlots {
    private val posix = runCatching { Files.getFileAttributeView(dir.toPath().root ?: dir.toPath(), java.nio.file.attribute.PosixFileAttributeView::class.java) != null }.getOrDefault(false)

    private fun file(label: String) = File(dir, label.replace(Regex("[^A-Za-z0-9_.-]"), "_") + ".key")

    override fun read(label: String): ByteArray? {
        val file = file(label)
        if (!file.exists()) return null
        val bytes = file.readBytes()
        if (bytes.size != KEY_BYTES) {
            bytes.fill(0)
            throw java.io.IOException("key file has the wrong size")
        }
        return bytes
    }

    override fun write(label: String, key: ByteArray) {
        createDir()
        val target = file(label).toPath()
        // Created owner-only before a byte is written, then moved into place whole.
        val partial = File(dir, ".${target.fileName}.partial").toPath()
        Files.deleteIfExists(partial)
        if (posix) {
            Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
        } else {
            Files.createFile(partial)
        }
        try {
            java.io.FileOutputStream(partial.toFile()).use { out ->
                out.write(key)
                out.fd.sync()
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE)
        } finally {
            Files.deleteIfExists(partial)
        }
    }

    override fun delete(label: String) {
        val file = file(label)
        if (file.exists()) {
            // Overwritten first: on most file systems the old blocks are then gone too.
            file.writeBytes(ByteArray(KEY_BYTES))
            if (!file.delete()) throw java.io.IOException("key file could not be deleted")
        }
    }

    private fun createDir() {
        if (dir.isDirectory) return
        if (posix) {
            Files.createDirectories(dir.toPath(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
        } else {
            dir.mkdirs()
        }
    }

    private companion object {
        const val KEY_BYTES = 32
    }
}
