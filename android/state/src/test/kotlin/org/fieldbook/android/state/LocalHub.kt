package org.fieldbook.android.state

import java.io.File
import java.nio.file.Files
import java.util.concurrent.TimeUnit

/**
 * A real `fieldbook-hub` on loopback for the sync tests; its binary comes
 * from `-Dfieldbook.hub=` (set by scripts/kotlin-tests.sh and the Gradle build).
 */
class LocalHub private constructor(private val process: Process, val url: String, private val dataDir: File) :
    AutoCloseable {
    /** `fieldbook-hub team create NAME`: its last line is the first supervisor's code. */
    fun createTeam(name: String): String {
        val admin = ProcessBuilder(binary(), "--data", dataDir.path, "team", "create", name)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start()
        val lines = admin.inputStream.bufferedReader().readLines()
        check(admin.waitFor(30, TimeUnit.SECONDS) && admin.exitValue() == 0) { "team create failed" }
        return lines.last().trim()
    }

    /**
     * A breached hub: an attacker who can write the hub's own database
     * (with the `sqlite3` tool) but holds none of the team's keys. What the
     * devices make of it is what the tests check.
     */
    fun breach(sql: String) {
        val tool = ProcessBuilder("sqlite3", File(dataDir, "hub.db").path, sql).redirectErrorStream(true).start()
        val output = tool.inputStream.bufferedReader().readText()
        check(tool.waitFor(30, TimeUnit.SECONDS) && tool.exitValue() == 0) { "sqlite3 failed: $output" }
    }

    /** The attacker lists a device of its own in the team: the hub shows it, no supervisor signed it. */
    fun plantDevice(label: String) = breach(
        "INSERT INTO devices (id, team_id, role, public_key, token_hash, status, created_at, label) " +
            "SELECT randomblob(16), team_id, 'supervisor', randomblob(32), randomblob(32), 'active', " +
            "CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), '$label' FROM devices LIMIT 1",
    )

    /**
     * The hub fails to store roster links (a fault, a full disk) until
     * [acceptRosterWrites]: a founder's genesis posted at enrollment is
     * lost, and its first sync signs the roster instead.
     */
    fun refuseRosterWrites() =
        breach("CREATE TRIGGER refuse_roster BEFORE INSERT ON roster_links BEGIN SELECT RAISE(ABORT, 'refused'); END")

    fun acceptRosterWrites() = breach("DROP TRIGGER refuse_roster")

    /** The attacker hides the team's signed roster: a new device can no longer check whom it joins. */
    fun hideRoster() = breach("DELETE FROM roster_links")

    override fun close() {
        process.destroy()
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly()
        dataDir.deleteRecursively()
    }

    companion object {
        private fun binary(): String =
            System.getProperty("fieldbook.hub") ?: error("run with -Dfieldbook.hub=path/to/fieldbook-hub")

        fun start(): LocalHub {
            val dataDir = Files.createTempDirectory("fieldbook-android-hub").toFile()
            val process = ProcessBuilder(binary(), "--data", dataDir.path, "serve", "--listen", "127.0.0.1:0")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start()
            // The hub names its address on standard error once it listens.
            val log = process.errorStream.bufferedReader()
            val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30)
            var url: String? = null
            while (url == null && System.nanoTime() < deadline) {
                val line = log.readLine() ?: break
                url = Regex("listening on (http://\\S+)").find(line)?.groupValues?.get(1)
            }
            if (url == null) {
                process.destroyForcibly()
                error("the hub did not start")
            }
            // Keep reading its log so it never blocks on a full pipe.
            Thread {
                try {
                    log.forEachLine { }
                } catch (e: java.io.IOException) {
                    // The hub stopped.
                }
            }.apply { isDaemon = true }.start()
            return LocalHub(process, url, dataDir)
        }
    }
}
