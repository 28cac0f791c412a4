package org.fieldbook.android.state

import kotlinx.coroutines.runBlocking
import org.fieldbook.ffi.FieldValue
import org.fieldbook.ffi.RecordKind
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Test

class ClientsStateHolderTest {
    private val device = TestDevice().create()

    @After
    fun tearDown() = device.close()

    private val person = mapOf(
        "alias" to FieldValue.Text("Anh Tuấn Xe Ôm"),
        "sex" to FieldValue.Choice("male"),
        "birth_year" to FieldValue.Integer(1985),
        "uic_mother_name" to FieldValue.Text("Hương"),
        "uic_father_name" to FieldValue.Text("Dũng"),
    )

    @Test
    fun searchByAliasPrefixAndByCode() {
        val tuan = runBlocking { device.session.call { it.add(RecordKind.CLIENT, person, false) } }
        runBlocking { device.session.call { it.add(RecordKind.CLIENT, mapOf("alias" to FieldValue.Text("Chị Hoa")), false) } }
        val clients = ClientsStateHolder(device.session, device.scope)
        clients.refresh()
        assertEquals(listOf("Anh Tuấn Xe Ôm", "Chị Hoa"), clients.state.value.clients.map { it.headline })

        clients.setQuery("tuan")
        assertEquals(listOf(tuan), clients.state.value.clients.map { it.id })

        val code = clients.state.value.clients.single().details.first()
        clients.setQuery("hoa")
        assertEquals(listOf("Chị Hoa"), clients.state.value.clients.map { it.headline })
        clients.setQuery(code)
        assertEquals("the identifier code finds its client", listOf(tuan), clients.state.value.clients.map { it.id })
        clients.setQuery("")
        assertEquals(2, clients.state.value.clients.size)
    }

    @Test
    fun addingTheSamePersonAgainWarnsWithTheMatches() {
        val first = runBlocking { device.session.call { it.add(RecordKind.CLIENT, person, false) } }
        val form = FormStateHolder(device.session, device.scope, RecordKind.CLIENT)
        form.load()
        form.setText("alias", "Tuấn")
        form.setValue("sex", FieldValue.Choice("male"))
        form.setText("birth_year", "1985")
        form.setText("uic_mother_name", "Hương")
        assertNull("no code until every input is given", form.state.value.sameCode)
        form.setText("uic_father_name", "Dũng")
        val early = form.state.value.sameCode
        assertNotNull("the warning shows as the person types", early)
        assertEquals(listOf(first), early!!.matches.map { it.id })
        form.save()

        val warning = form.state.value.duplicate
        assertNotNull("the core found the same code", warning)
        assertNull(form.state.value.savedId)
        assertEquals(first, warning!!.existingId)
        assertEquals(listOf("Anh Tuấn Xe Ôm"), warning.matches.map { it.headline })
        assertEquals(early.code, warning.code)

        form.saveAnyway()
        val second = form.state.value.savedId
        assertNotNull(second)
        assertNull(form.state.value.duplicate)
        val sameCode = runBlocking { device.session.call { it.clientsWithCode(warning.code!!) } }
        assertEquals(setOf(first, second), sameCode.map { it.id }.toSet())
    }
}
