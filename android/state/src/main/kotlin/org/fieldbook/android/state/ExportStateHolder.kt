package org.fieldbook.android.state

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import org.fieldbook.ffi.Indicators
import org.fieldbook.ffi.Language
import java.io.File
import java.io.IOException
import java.time.Clock
import java.time.LocalDate

enum class ExportFormat(val extension: String) { XLSX("xlsx"), CSV("csv") }

/** What an export writes: the period's indicators and the same figures month by month. */
data class MonthlyReport(val language: Language, val totals: Indicators, val months: List<Indicators>)

/** Writes a report to a file in one format (the desktop's workbook and CSV writers). */
interface ReportWriter {
    /** Writes [report] to [file] whole, or throws and leaves no partial file behind. */
    fun write(report: MonthlyReport, format: ExportFormat, file: File)
}

/** Why an export was refused before anything was written; the screen words each. */
enum class ExportProblem { NO_FOLDER, INSIDE_STORE }

data class ExportState(
    /** `YYYY-MM-DD`, both days included. */
    val from: String,
    val to: String,
    val busy: Boolean = false,
    /** The file the last export wrote. */
    val written: File? = null,
    val problem: ExportProblem? = null,
    val error: ErrorInfo? = null,
    /** The writer failed (disk full, no permission): its message names the file, never a record. */
    val writeFailed: String? = null,
)

/**
 * The supervisor's export of the monthly report (XLSX workbook, CSV), for a
 * period: the core computes the figures on this device, [writer] lays them
 * out. Nothing is written inside the store's folder, which keeps nothing in
 * clear.
 */
class ExportStateHolder(
    private val session: StoreSession,
    private val scope: CoroutineScope,
    private val writer: ReportWriter,
    private val io: CoroutineDispatcher,
    clock: Clock = Clock.systemDefaultZone(),
) {
    private val _state: MutableStateFlow<ExportState>
    val state: StateFlow<ExportState>

    init {
        // Last month, whole: what a monthly report is about.
        val lastMonth = LocalDate.now(clock).withDayOfMonth(1).minusMonths(1)
        _state = MutableStateFlow(ExportState(from = lastMonth.toString(), to = lastMonth.plusMonths(1).minusDays(1).toString()))
        state = _state.asStateFlow()
    }

    fun setPeriod(from: String, to: String) = _state.update { it.copy(from = from.trim(), to = to.trim(), written = null) }

    /** The file name an export gets in the chosen folder. */
    fun fileName(format: ExportFormat): String = "fieldbook-${_state.value.from}-${_state.value.to}.${format.extension}"

    fun export(format: ExportFormat, folder: File?) {
        val current = _state.value
        if (current.busy) return
        val problem = when {
            folder == null || !folder.isDirectory -> ExportProblem.NO_FOLDER
            session.holds(folder) -> ExportProblem.INSIDE_STORE
            else -> null
        }
        _state.update { it.copy(problem = problem, error = null, writeFailed = null, written = null) }
        if (problem != null || folder == null) return
        _state.update { it.copy(busy = true) }
        scope.launch {
            try {
                val report = session.call { store ->
                    MonthlyReport(
                        session.language.value,
                        store.indicators(current.from, current.to, null),
                        store.monthlyIndicators(current.from, current.to, null),
                    )
                }
                val file = File(folder, fileName(format))
                withContext(io) { writer.write(report, format, file) }
                _state.update { it.copy(busy = false, written = file) }
            } catch (e: IOException) {
                _state.update { it.copy(busy = false, writeFailed = e.message ?: e.javaClass.simpleName) }
            } catch (e: Exception) {
                _state.update { it.copy(busy = false, error = errorOf(e)) }
            }
        }
    }
}
