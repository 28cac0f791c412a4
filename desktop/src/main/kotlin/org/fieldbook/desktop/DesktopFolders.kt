package org.fieldbook.desktop

import java.io.File

/**
 * Where the desktop app keeps things, following the XDG base directories
 * on Linux (and the user's home elsewhere):
 *  - [store]: the core's encrypted store (`~/.local/share/fieldbook/store`);
 *  - [config]: which key store holds the platform key, the last sync's
 *    counts (`~/.config/fieldbook`);
 *  - [keys]: key files, when no OS key store answers (`~/.config/fieldbook/keys`),
 *    or `--key-dir` on other media;
 *  - [exports]: where reports go unless the person picks another folder.
 */
data class DesktopFolders(val store: File, val config: File, val keys: File, val exports: File) {
    companion object {
        fun of(dataDir: File?, keyDir: File?, env: Map<String, String> = System.getenv()): DesktopFolders {
            val home = File(System.getProperty("user.home"))
            val data = dataDir ?: File(env["XDG_DATA_HOME"]?.let(::File) ?: File(home, ".local/share"), "fieldbook")
            val config = if (dataDir != null) File(dataDir, "config") else File(env["XDG_CONFIG_HOME"]?.let(::File) ?: File(home, ".config"), "fieldbook")
            val documents = File(home, "Documents").takeIf { it.isDirectory } ?: home
            return DesktopFolders(
                store = File(data, "store"),
                config = config,
                keys = keyDir ?: File(config, "keys"),
                exports = documents,
            )
        }
    }
}
