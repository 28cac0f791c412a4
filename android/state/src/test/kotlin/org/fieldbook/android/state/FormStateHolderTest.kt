package org.fieldbook.android.state

import kotlinx.coroutines.runBlocking
import org.fieldbook.ffi.FieldValue
import org.fieldbook.ffi.Language
import org.fieldbook.ffi.RecordKind
import org.fieldbook.ffi.Role
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test

class FormStateHolderTest {
    private val devices = mutableListOf<TestDevice>()

    @After
    fun tearDown() = devices.forEach(TestDevice::close)

    private fun device(language: Language = Language.ENGLISH) =
        TestDevice(language).create(Role.SUPERVISOR).also(devices::add)

    private fun FormStateHolder.keys() = state.value.fields.map { it.spec.key }

    private fun FormStateHolder.messages(key: String) = state.value.fields.first { it.spec.key == key }.messages

    @Test
    fun skipLogicShowsAndHidesFieldsAsValuesChange() {
        val device = device()
        val form = FormStateHolder(device.session, device.scope, RecordKind.CLIENT)
        form.load()
        assertEquals("Client", form.state.value.title)
        assertTrue(form.keys().containsAll(listOf("alias", "sex", "birth_year", "consent_date")))
        assertFalse("hidden until a consent date is given", "consent_scope" in form.keys())
        assertFalse("the client code is the core's", "uic" in form.keys())

        form.setText("consent_date", "2026-11-01")
        assertTrue("consent_scope" in form.keys())
        form.setText("consent_date", "")
        assertFalse("consent_scope" in form.keys())
    }

    @Test
    fun aNewLanguageKeepsWhatWasTyped() {
        val device = device(Language.VIETNAMESE)
        val form = FormStateHolder(device.session, device.scope, RecordKind.CLIENT)
        form.load()
        assertEquals("Hồ sơ khách hàng", form.state.value.title)
        form.setText("alias", "Tuấn")
        form.setText("birth_year", "19x0")
        assertTrue(form.messages("birth_year").single().contains("Năm sinh"))

        device.session.setLanguage(Language.ENGLISH)
        form.relabel()
        assertEquals("Client", form.state.value.title)
        assertEquals("Tuấn", form.state.value.fields.first { it.spec.key == "alias" }.text)
        assertEquals("Alias", form.state.value.fields.first { it.spec.key == "alias" }.spec.label)
        assertTrue(form.messages("birth_year").single().contains("Birth year"))
    }

    @Test
    fun validationMessagesInEnglishThenSave() {
        val device = device()
        val form = FormStateHolder(device.session, device.scope, RecordKind.CLIENT)
        form.load()
        assertTrue("nothing is flagged before the person acts", form.state.value.fields.all { it.messages.isEmpty() })

        form.setText("birth_year", "19x5")
        assertTrue(form.messages("birth_year").single().contains("Birth year"))
        assertTrue("untouched fields wait for save", form.messages("alias").isEmpty())

        form.setText("birth_year", "1985")
        assertTrue(form.messages("birth_year").isEmpty())
        form.save()
        assertNull(form.state.value.savedId)
        assertTrue(form.messages("alias").single().contains("Alias"))

        form.setText("alias", "Anh Tuấn")
        form.setValue("sex", FieldValue.Choice("male"))
        form.save()
        val id = form.state.value.savedId
        assertNotNull(id)
        val saved = runBlocking { device.session.call { it.get(id!!).record } }
        assertEquals(FieldValue.Text("Anh Tuấn"), saved.values["alias"])
        assertEquals(FieldValue.Integer(1985), saved.values["birth_year"])
        assertEquals("the form's default is written", FieldValue.Choice("active"), saved.values["status"])
    }

    @Test
    fun validationMessagesInVietnamese() {
        val device = device(Language.VIETNAMESE)
        val form = FormStateHolder(device.session, device.scope, RecordKind.CLIENT)
        form.load()
        assertEquals("Hồ sơ khách hàng", form.state.value.title)
        form.save()
        assertTrue(form.messages("alias").single().contains("Tên gọi"))
        assertNull(form.state.value.savedId)
        assertTrue(runBlocking { device.session.call { it.clients().clients.isEmpty() } })
    }

    @Test
    fun editingAReferralClearsWhatSkipLogicHides() {
        val device = device()
        val client = runBlocking {
            device.session.call { it.add(RecordKind.CLIENT, mapOf("alias" to FieldValue.Text("Minh")), false) }
        }
        val add = FormStateHolder(
            device.session, device.scope, RecordKind.REFERRAL, prefill = mapOf("client_id" to FieldValue.Link(client)),
        )
        add.load()
        val clientField = add.state.value.fields.first { it.spec.key == "client_id" }
        assertEquals(listOf(client), clientField.linkOptions.map { it.id })
        assertFalse("completed_date" in add.keys())
        add.setValue("service", FieldValue.Choice("methadone"))
        add.setValue("status", FieldValue.Choice("completed"))
        assertTrue("completed_date" in add.keys())
        add.setText("date", "2026-11-01")
        add.setText("completed_date", "2026-11-10")
        add.save()
        val id = add.state.value.savedId!!

        val edit = FormStateHolder(device.session, device.scope, RecordKind.REFERRAL, recordId = id)
        edit.load()
        assertEquals("2026-11-10", edit.state.value.fields.first { it.spec.key == "completed_date" }.text)
        edit.setValue("status", FieldValue.Choice("sent"))
        assertFalse("completed_date" in edit.keys())
        edit.save()
        assertEquals(id, edit.state.value.savedId)
        val record = runBlocking { device.session.call { it.get(id).record } }
        assertEquals(FieldValue.Choice("sent"), record.values["status"])
        assertNull(record.values["completed_date"])
        assertEquals(FieldValue.Link(client), record.values["client_id"])
    }

    @Test
    fun aMeetingFromAClientsTimelineListsThemAsAttendee() {
        val device = device()
        val client = runBlocking {
            device.session.call { it.add(RecordKind.CLIENT, mapOf("alias" to FieldValue.Text("Minh")), false) }
        }
        val form = FormStateHolder(device.session, device.scope, RecordKind.MEETING, clientId = client)
        form.load()
        assertEquals(FieldValue.Links(listOf(client)), form.state.value.fields.first { it.spec.key == "attendee_ids" }.value)
        form.setText("group_name", "Nhóm Hoàng Mai")
        form.save()
        val id = form.state.value.savedId!!
        assertEquals(listOf(id), runBlocking { device.session.call { it.timeline(client) } }.map { it.record.id })
    }

    @Test
    fun aContactStartsNowAndSaves() {
        val device = device()
        val form = FormStateHolder(device.session, device.scope, RecordKind.CONTACT)
        form.load()
        val at = form.state.value.fields.first { it.spec.key == "at" }
        assertTrue("the contact's time starts as now", at.value is FieldValue.Datetime)
        form.setValue("services", FieldValue.Quantities(listOf(org.fieldbook.ffi.Quantity("syringes", 10u))))
        form.save()
        val refused = form.state.value.fields.flatMap { it.messages } + form.state.value.formMessages
        assertNotNull("$refused ${form.state.value.error}", form.state.value.savedId)
    }
}
