package org.fieldbook.desktop.sync

import org.fieldbook.android.state.LastSyncStore
import org.fieldbook.android.state.SyncResult
import org.fieldbook.android.state.SyncResultCodec
import java.io.File
import java.nio.file.Files
import java.nio.file.StandardCopyOption
import java.util.Properties

/** The last sync's result between runs, as SyncResultCodec's entries in a properties file (counts and messages, never contents). */
class FileLastSyncStore(private val file: File) : LastSyncStore {
    override fun load(): SyncResult? {
        if (!file.exists()) return null
        val props = Properties().apply { file.inputStream().use(::load) }
        return SyncResultCodec.decode(props.stringPropertyNames().associateWith(props::getProperty))
    }

    override fun save(result: SyncResult) {
        file.parentFile?.mkdirs()
        val props = Properties().apply { SyncResultCodec.encode(result).forEach { (k, v) -> setProperty(k, v) } }
        val partial = File(file.parentFile, file.name + ".partial")
        partial.outputStream().use { props.store(it, null) }
        Files.move(partial.toPath(), file.toPath(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE)
    }

    override fun clear() {
        Files.deleteIfExists(file.toPath())
    }
}
