package org.fieldbook.tests

import java.io.File
import java.nio.file.Files
import java.util.concurrent.TimeUnit

/**
 * A real `fieldbook-hub` on loopback, on its embedded SQLite store, started
 * the way the README starts it. Its binary comes from `-Dfieldbook.hub=`.
 */
class HubProcess private constructor(private val process: Process, val url: String, val dataDir: File) :
    AutoCloseable {
    companion object {
        private fun binary(): String =
            System.getProperty("fieldbook.hub") ?: error("run with -Dfieldbook.hub=path/to/fieldbook-hub")

        fun start(): HubProcess {
            val dataDir = Files.createTempDirectory("fieldbook-hub").toFile()
            val process = ProcessBuilder(binary(), "--data", dataDir.path, "serve", "--listen", "127.0.0.1:0")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start()
            // The hub says where it listens on standard error once it is ready.
            val reader = process.errorStream.bufferedReader()
            val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30)
            var url: String? = null
            while (url == null && System.nanoTime() < deadline) {
                val line = reader.readLine() ?: break
                url = Regex("listening on (http://\\S+)").find(line)?.groupValues?.get(1)
            }
            if (url == null) {
                process.destroyForcibly()
                error("the hub did not start")
            }
            // Keep draining its log so it never blocks on a full pipe.
            Thread {
                try {
                    reader.forEachLine { }
                } catch (e: java.io.IOException) {
                    // The hub stopped: its pipe closed.
                }
            }.apply { isDaemon = true }.start()
            return HubProcess(process, url, dataDir)
        }
    }

    /** `fieldbook-hub team create NAME`: the last line is the first supervisor's code. */
    fun createTeam(name: String): String {
        val admin = ProcessBuilder(binary(), "--data", dataDir.path, "team", "create", name)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start()
        val lines = admin.inputStream.bufferedReader().readLines()
        check(admin.waitFor(30, TimeUnit.SECONDS) && admin.exitValue() == 0) { "team create failed" }
        return lines.last().trim()
    }

    override fun close() {
        process.destroy()
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly()
        dataDir.deleteRecursively()
    }
}
