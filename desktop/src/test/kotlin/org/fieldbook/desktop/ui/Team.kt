package org.fieldbook.desktop.ui

import kotlinx.coroutines.runBlocking
import org.fieldbook.android.state.LocalHub
import org.fieldbook.ffi.FieldValue
import org.fieldbook.ffi.Language
import org.fieldbook.ffi.RecordKind
import org.fieldbook.ffi.Role
import kotlin.time.Duration
import kotlin.time.Duration.Companion.hours

/** A real hub on loopback and the team's supervisor, who hands out codes; what each test adds to them is its own. */
class Team(private val syncEvery: Duration = 24.hours) : AutoCloseable {
    val hub: LocalHub = LocalHub.start()
    val supervisor = TestComputer(syncEvery = syncEvery).enroll(hub.createTeam("Hải Phòng"), hub.url, "Máy văn phòng")

    /** A one-time code for a new device, as the supervisor's devices screen would show it. */
    fun invite(role: Role): String = runBlocking { supervisor.session.call { it.invite(role, 7u) }.code }

    /** A teammate set up outside the screens under test. */
    fun member(role: Role, label: String, language: Language = Language.VIETNAMESE): TestComputer =
        TestComputer(language, syncEvery).enroll(invite(role), hub.url, label)

    override fun close() {
        supervisor.close()
        hub.close()
    }
}

fun TestComputer.add(kind: RecordKind, vararg values: Pair<String, FieldValue>): String =
    runBlocking { session.call { it.add(kind, values.toMap(), true) } }

fun TestComputer.syncNow() = runBlocking { app.sync.sync() }

fun text(value: String) = FieldValue.Text(value)
fun date(value: String) = FieldValue.Date(value)
fun choice(value: String) = FieldValue.Choice(value)
fun link(id: String) = FieldValue.Link(id)
