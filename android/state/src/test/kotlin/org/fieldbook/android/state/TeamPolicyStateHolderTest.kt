package org.fieldbook.android.state

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runBlocking
import org.fieldbook.ffi.Language
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test

/**
 * The team's security policy over a real hub: a supervisor signs shorter
 * offline days and longer PINs, an outreach phone follows them after its
 * sync and cannot sign one itself, and values out of their bounds or not
 * numbers are refused before anything is signed.
 */
class TeamPolicyStateHolderTest {
    private val hub = LocalHub.start()
    private val supervisor = TestDevice(Language.VIETNAMESE)
    private val outreach = TestDevice()

    @After
    fun tearDown() {
        outreach.close()
        supervisor.close()
        hub.close()
    }

    private fun enrollTeam() = hub.enrollTeam(supervisor, outreach)

    private fun policyOf(device: TestDevice) = TeamPolicyStateHolder(device.session, device.scope).apply { load() }

    @Test
    fun aSupervisorSignsThePolicyAndAnOutreachPhoneFollowsIt() {
        enrollTeam()
        val policy = policyOf(supervisor)
        with(policy.state.value) {
            assertNull(error)
            assertTrue(canSign)
            assertNull("no policy signed yet: the default", this.policy!!.signedBy)
            assertEquals("30", text(PolicySetting.OFFLINE_ERASE_DAYS))
            assertEquals("6", text(PolicySetting.MIN_PIN_DIGITS))
        }

        policy.edit(PolicySetting.OFFLINE_ERASE_DAYS, "14")
        policy.edit(PolicySetting.MIN_PIN_DIGITS, " 8 ")
        policy.sign()
        with(policy.state.value) {
            assertEquals(PolicySignStatus.Signed, status)
            assertTrue(signedHere)
            assertEquals(14u, this.policy!!.team.offlineEraseDays)
            assertEquals(8u, this.policy!!.team.minPinDigits)
            assertEquals("the rest kept the team's values", 10u, this.policy!!.team.maxFailedUnlocks)
            assertTrue(drafts.isEmpty())
        }

        // The phone follows it once its sync verifies the new roster link.
        assertEquals(30u, policyOf(outreach).state.value.policy!!.effective.offlineEraseDays)
        assertTrue((runBlocking { SyncStateHolder(outreach.session, Dispatchers.Unconfined).sync() } as SyncResult.Finished).summary.ok)
        val followed = policyOf(outreach).state.value
        assertEquals(14u, followed.policy!!.effective.offlineEraseDays)
        assertEquals(8u, followed.policy!!.effective.minPinDigits)
        assertFalse("an outreach phone reads the policy, never signs one", followed.canSign)
        assertFalse(followed.signedHere)
        assertEquals(policy.state.value.policy!!.signedBy, followed.policy!!.signedBy)
    }

    @Test
    fun valuesOutOfBoundsOrNotNumbersAreRefusedAndNothingIsSigned() {
        enrollTeam()
        val policy = policyOf(supervisor)

        policy.edit(PolicySetting.OFFLINE_ERASE_DAYS, "365")
        policy.sign()
        val refused = policy.state.value.status
        assertTrue("$refused", refused is PolicySignStatus.Failed)
        val detail = (refused as PolicySignStatus.Failed).error.detail!!
        assertTrue("in the supervisor's Vietnamese: $detail", detail.contains("từ 3 đến 90"))

        policy.edit(PolicySetting.OFFLINE_ERASE_DAYS, "mười")
        policy.sign()
        assertEquals(PolicySignStatus.NotANumber(PolicySetting.OFFLINE_ERASE_DAYS), policy.state.value.status)

        policy.edit(PolicySetting.OFFLINE_ERASE_DAYS, "30")
        policy.sign()
        assertEquals("the team's own value is no change", PolicySignStatus.NoChange, policy.state.value.status)

        policy.load()
        assertNull("still the default: nothing was signed", policy.state.value.policy!!.signedBy)

        // A phone's holder refuses to sign even when asked.
        val phone = policyOf(outreach)
        phone.edit(PolicySetting.OFFLINE_ERASE_DAYS, "5")
        phone.sign()
        assertEquals(PolicySignStatus.Idle, phone.state.value.status)
        assertEquals(30u, runBlocking { supervisor.session.call { it.teamPolicy() } }.team.offlineEraseDays)
    }
}
