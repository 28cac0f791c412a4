package org.fieldbook.desktop.ui

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.onAllNodesWithTag
import kotlinx.coroutines.runBlocking
import org.fieldbook.android.state.LocalHub
import org.fieldbook.android.state.SessionState
import org.fieldbook.ffi.Language
import org.fieldbook.ffi.Role
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test

/**
 * What the screens tell people of the team's signed roster, against the
 * real core and a real hub, which first loses the founder's roster and is
 * then breached (an attacker writing the hub's database, holding none of
 * the team's keys): the supervisor's sync says it signed the roster on
 * first use; the devices screen shows the team's fingerprint and marks a
 * device no supervisor signed; a phone set up through a hub that hides the
 * roster is refused, in Vietnamese and in English, and nothing is created.
 */
@OptIn(ExperimentalTestApi::class)
class TrustTest {
    private val hub = LocalHub.start()
    private val supervisor = TestComputer()
    private val phones = mutableListOf<TestComputer>()

    @After
    fun tearDown() {
        phones.forEach(TestComputer::close)
        supervisor.close()
        hub.close()
    }

    @Test
    fun warningsFingerprintUnverifiedDevicesAndAnUntrustedHub() {
        val founderCode = hub.createTeam("Hải Phòng")
        hub.refuseRosterWrites()
        supervisor.enroll(founderCode, hub.url, "Máy văn phòng")
        hub.acceptRosterWrites()
        assertNull("no roster yet", runBlocking { supervisor.session.call { it.teamFingerprint() } })

        onScreen(supervisor, LAPTOP_WIDTH, LAPTOP_HEIGHT) {
            // The first sync signs the roster and says so, fingerprint included.
            tapTag("nav-sync")
            tapTag("sync-now")
            waitForTag("sync-warnings")
            assertTrue(has("Cần biết"))
            val fingerprint = runBlocking { supervisor.session.call { it.teamFingerprint() } }!!
            assertTrue(has(fingerprint))

            // The hub lists a device of the attacker's: marked, beside the team's fingerprint.
            hub.plantDevice("Máy lạ")
            tapTag("nav-devices")
            waitForText("Máy lạ")
            waitForTag("team-fingerprint")
            assertTrue(has("Vân tay của nhóm"))
            waitForText(fingerprint)
            val marked = onAllNodes(labelled("Chưa xác minh")).fetchSemanticsNodes()
            assertEquals("the planted device, and only it, is marked", 1, marked.size)
        }

        // A hub that hides the roster: setting up a phone is refused, in either language.
        val codes = List(2) { runBlocking { supervisor.session.call { it.invite(Role.OUTREACH, 7u) }.code } }
        hub.hideRoster()
        val untrusted = mapOf(
            Language.VIETNAMESE to "Máy chủ văn phòng gửi một thông tin không được giám sát viên nào của nhóm ký",
            Language.ENGLISH to "The office hub sent something no supervisor of your team signed",
        )
        for ((language, code) in untrusted.keys.zip(codes)) {
            val phone = TestComputer(language).also(phones::add)
            onScreen(phone, PHONE_WIDTH, PHONE_HEIGHT) {
                type("setup-code", code)
                type("setup-hub", hub.url)
                type("setup-pin", TestComputer.PIN)
                type("setup-pin-again", TestComputer.PIN)
                tapTag("setup-enroll")
                waitForTag("error")
                waitForText(untrusted.getValue(language))
                assertTrue("the phone did not join", onAllNodesWithTag("nav-today").fetchSemanticsNodes().isEmpty())
            }
            assertEquals("nothing was created", SessionState.NoStore, phone.session.state.value)
        }
    }
}
