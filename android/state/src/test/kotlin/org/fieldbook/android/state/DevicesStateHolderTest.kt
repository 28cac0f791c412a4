package org.fieldbook.android.state

import kotlinx.coroutines.runBlocking
import org.fieldbook.ffi.Language
import org.fieldbook.ffi.Role
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test

/**
 * The supervisor's devices over a real hub, and what the device list and
 * a new device's setup make of a breached hub: the team's fingerprint to
 * compare, a device no supervisor signed marked as such, and a hub that
 * hides the roster refused with the Untrusted error in the person's language.
 */
class DevicesStateHolderTest {
    private val hub = LocalHub.start()
    private val supervisor = TestDevice()
    private val newcomers = mutableListOf<TestDevice>()

    @After
    fun tearDown() {
        newcomers.forEach(TestDevice::close)
        supervisor.close()
        hub.close()
    }

    private fun devices(): DevicesStateHolder {
        runBlocking { supervisor.session.enroll(TestDevice.PIN, hub.createTeam("Hải Phòng"), hub.url, null, "office laptop") }
        return DevicesStateHolder(supervisor.session, supervisor.scope).apply { refresh() }
    }

    private fun invite(devices: DevicesStateHolder, role: Role): String {
        devices.invite(role)
        val code = devices.state.value.invitation?.code
        assertNotNull(devices.state.value.error?.detail, code)
        devices.dismissInvitation()
        return code!!
    }

    @Test
    fun theTeamsFingerprintIsShownAndEveryEnrolledDeviceIsVerified() {
        val devices = devices()
        val fingerprint = devices.state.value.teamFingerprint
        assertNotNull("a team that signed its roster has a fingerprint", fingerprint)
        assertTrue("hex in groups of four: $fingerprint", fingerprint!!.matches(Regex("[0-9a-f]{4}(-[0-9a-f]{4})+")))
        assertEquals(fingerprint, runBlocking { supervisor.session.call { it.teamFingerprint() } })

        val outreach = TestDevice().also(newcomers::add)
        runBlocking { outreach.session.enroll(TestDevice.PIN, invite(devices, Role.OUTREACH), hub.url, null, "outreach phone") }
        assertEquals("the new device verified the same team", fingerprint, runBlocking { outreach.session.call { it.teamFingerprint() } })
        devices.refresh()
        val listed = devices.state.value.devices
        assertEquals(listOf("office laptop", "outreach phone"), listed.mapNotNull { it.label }.sorted())
        assertTrue(listed.toString(), listed.all { it.verified })
    }

    @Test
    fun aDeviceTheHubAddedOnItsOwnIsListedUnverified() {
        val devices = devices()
        hub.plantDevice("máy lạ")
        devices.refresh()
        val state = devices.state.value
        assertNull(state.error)
        val planted = state.devices.single { it.label == "máy lạ" }
        assertFalse("no supervisor signed it", planted.verified)
        assertEquals("listed first, where it cannot be missed", planted, state.devices.first())
        assertTrue(state.devices.filter { it != planted }.all { it.verified })
    }

    @Test
    fun aHubHidingTheRosterIsRefusedAtSetupInBothLanguages() {
        val devices = devices()
        val codes = listOf(invite(devices, Role.OUTREACH), invite(devices, Role.OUTREACH))
        hub.hideRoster()
        val details = listOf(Language.VIETNAMESE, Language.ENGLISH).zip(codes).map { (language, code) ->
            val phone = TestDevice(language).also(newcomers::add)
            val setup = SetupStateHolder(phone.session, phone.scope)
            setup.enroll(TestDevice.PIN, TestDevice.PIN, code, hub.url, "", "phone")
            val error = setup.state.value.error
            assertNotNull("the setup was refused", error)
            assertTrue("refused as untrusted: ${error!!.detail}", error.untrusted)
            assertTrue("nothing was created", phone.session.state.value !is SessionState.Unlocked)
            error.detail!!
        }
        assertTrue(details[0], details[0].startsWith("Danh sách thành viên đã ký của nhóm"))
        assertFalse(details[1], details[1].startsWith("Danh sách"))
        assertTrue(details[1], details[1].contains("roster", ignoreCase = true))
    }
}
