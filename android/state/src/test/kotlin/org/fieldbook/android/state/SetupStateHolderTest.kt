package org.fieldbook.android.state

import org.fieldbook.ffi.Language
import org.fieldbook.ffi.Role
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test

/**
 * Choosing a PIN: what the screen says before asking the core (too short,
 * the two differ), and what the core refuses on its own (a run, a PIN
 * everyone tries first), in the person's language; nothing is created
 * until a PIN passes.
 */
class SetupStateHolderTest {
    private val devices = mutableListOf<TestDevice>()

    @After
    fun tearDown() = devices.forEach(TestDevice::close)

    private fun setup(language: Language): Pair<TestDevice, SetupStateHolder> {
        val device = TestDevice(language).also(devices::add)
        return device to SetupStateHolder(device.session, device.scope)
    }

    @Test
    fun aShortOrMismatchedPinIsFlaggedBeforeTheCoreIsAsked() {
        val (device, setup) = setup(Language.ENGLISH)
        setup.createStandalone("2468", "2469", Role.OUTREACH)
        assertEquals(setOf(SetupProblem.PIN_TOO_SHORT, SetupProblem.PINS_DIFFER), setup.state.value.problems)
        assertNull(setup.state.value.error)
        assertTrue(device.session.state.value !is SessionState.Unlocked)
    }

    @Test
    fun theCoreRefusesAPinAnyoneWouldTryInThePersonsLanguage() {
        val refusals = listOf(Language.VIETNAMESE to "123456", Language.ENGLISH to "112233").map { (language, pin) ->
            val (device, setup) = setup(language)
            setup.createStandalone(pin, pin, Role.OUTREACH)
            assertTrue("no problem the screen knows of", setup.state.value.problems.isEmpty())
            assertTrue("nothing was created", device.session.state.value !is SessionState.Unlocked)
            setup.state.value.error?.detail ?: error("no refusal for $pin")
        }
        assertTrue(refusals[0], refusals[0].startsWith("Mã PIN"))
        assertTrue(refusals[1], refusals[1].contains("choose another"))

        val (device, setup) = setup(Language.ENGLISH)
        setup.createStandalone(TestDevice.PIN, TestDevice.PIN, Role.OUTREACH)
        assertNull(setup.state.value.error)
        assertTrue(device.session.state.value is SessionState.Unlocked)
    }
}
