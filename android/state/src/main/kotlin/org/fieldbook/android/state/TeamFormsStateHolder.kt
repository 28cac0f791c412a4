package org.fieldbook.android.state

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import org.fieldbook.ffi.FieldbookException
import org.fieldbook.ffi.FormVersionInfo
import org.fieldbook.ffi.RecordKind
import org.fieldbook.ffi.RefusedFormInfo
import java.io.File
import java.io.IOException

/** How the last import went. */
sealed interface FormImportStatus {
    data object Idle : FormImportStatus
    data object Working : FormImportStatus

    /** Signed into the roster: every device draws it after its next sync. */
    data class Published(val kind: RecordKind, val version: UInt, val title: String) : FormImportStatus

    /** The workbook has mistakes, each at its sheet, row and column (the core's words, in the store's language); nothing changed. */
    data class Refused(val problems: List<String>) : FormImportStatus

    /** The file could not be read. */
    data class Unreadable(val path: String) : FormImportStatus

    /** The core refused for another reason (not a supervisor, no hub), in the store's language. */
    data class Failed(val error: ErrorInfo) : FormImportStatus
}

data class TeamFormsState(
    val loading: Boolean = true,
    /** Every form version this device knows, the ones in use marked. */
    val versions: List<FormVersionInfo> = emptyList(),
    /** Published forms this device refused, with the core's reason. */
    val refused: List<RefusedFormInfo> = emptyList(),
    /** This device's id: a form it signed is shown as signed here. */
    val thisDevice: String? = null,
    val import: FormImportStatus = FormImportStatus.Idle,
    /** The last workbook written by an export. */
    val exported: File? = null,
    /** An export that could not be written (the folder's path). */
    val exportFailed: String? = null,
    val error: ErrorInfo? = null,
)

/**
 * The team's forms, on the supervisor's laptop: every version the device
 * knows and who signed it, a form taken out as an XLSForm workbook for a
 * program officer to edit in Excel, and a workbook read back, signed and
 * published to the team. The core reads and checks the workbook; a
 * workbook with mistakes changes nothing.
 */
class TeamFormsStateHolder(
    private val session: StoreSession,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher,
) {
    private val _state = MutableStateFlow(TeamFormsState())
    val state: StateFlow<TeamFormsState> = _state.asStateFlow()

    fun load() {
        scope.launch {
            try {
                val language = session.language.value
                val (versions, refused, me) = session.call {
                    Triple(it.formVersions(language), it.refusedForms(), it.identity().deviceId)
                }
                _state.update { it.copy(loading = false, versions = versions, refused = refused, thisDevice = me, error = null) }
            } catch (e: Exception) {
                _state.update { it.copy(loading = false, error = errorOf(e)) }
            }
        }
    }

    /** Reads the workbook at [path], then signs and publishes it to the team. */
    fun import(path: String) {
        if (_state.value.import == FormImportStatus.Working) return
        _state.update { it.copy(import = FormImportStatus.Working) }
        scope.launch {
            val file = File(path.trim())
            val bytes = try {
                withContext(io) { file.readBytes() }
            } catch (e: IOException) {
                _state.update { it.copy(import = FormImportStatus.Unreadable(file.path)) }
                return@launch
            }
            val status = try {
                val language = session.language.value
                val form = session.call { it.publishFormWorkbook(bytes, language) }
                session.formsChanged()
                FormImportStatus.Published(form.kind, form.version, form.title)
            } catch (e: FieldbookException.Invalid) {
                FormImportStatus.Refused(e.detail.lines().filter { it.isNotBlank() })
            } catch (e: Exception) {
                FormImportStatus.Failed(errorOf(e))
            }
            _state.update { it.copy(import = status) }
            load()
        }
    }

    /** Writes the form of [kind] in use to [folder] as `<kind>-v<version>.xlsx`. */
    fun export(kind: RecordKind, folder: String) {
        scope.launch {
            try {
                val version = _state.value.versions.firstOrNull { it.kind == kind && it.inUse }?.version
                val bytes = session.call { it.formWorkbook(kind) }
                val file = File(folder.trim(), "${kind.name.lowercase()}-v$version.xlsx")
                try {
                    withContext(io) { file.writeBytes(bytes) }
                    _state.update { it.copy(exported = file, exportFailed = null) }
                } catch (e: IOException) {
                    _state.update { it.copy(exported = null, exportFailed = file.parent ?: folder) }
                }
            } catch (e: Exception) {
                _state.update { it.copy(error = errorOf(e)) }
            }
        }
    }
}
