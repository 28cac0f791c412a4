package org.fieldbook.desktop.export

import org.dhatim.fastexcel.Workbook
import org.fieldbook.android.state.ExportFormat
import org.fieldbook.android.state.MonthlyReport
import org.fieldbook.android.state.ReportWriter
import org.fieldbook.ui.strings.Strings
import java.io.File
import java.io.OutputStream
import java.nio.file.Files
import java.nio.file.StandardCopyOption

/**
 * Writes the monthly report as the CLI does: a workbook with the period's
 * indicators and the headline figures month by month, or the indicators as
 * CSV. The file appears whole or not at all (written beside it, then
 * renamed).
 */
class ReportFiles : ReportWriter {
    override fun write(report: MonthlyReport, format: ExportFormat, file: File) {
        val partial = File(file.parentFile, "." + file.name + ".partial")
        try {
            partial.outputStream().buffered().use { out ->
                when (format) {
                    ExportFormat.XLSX -> workbook(report, out)
                    ExportFormat.CSV -> csv(report, out)
                }
            }
            Files.move(partial.toPath(), file.toPath(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE)
        } finally {
            partial.delete()
        }
    }

    private fun workbook(report: MonthlyReport, out: OutputStream) {
        val strings = Strings.of(report.language)
        val ind = report.totals
        val book = Workbook(out, "Fieldbook", "1.0")
        val sheet = book.newWorksheet("indicators")
        header(sheet, listOf("from", "to", "worker", "indicator", "label", "dimension", "category", "value"))
        IndicatorRows.rows(ind).forEachIndexed { i, row ->
            val r = i + 1
            sheet.value(r, 0, ind.from)
            sheet.value(r, 1, ind.to)
            sheet.value(r, 2, ind.worker.orEmpty())
            sheet.value(r, 3, row.indicator)
            sheet.value(r, 4, IndicatorRows.label(strings, row.indicator))
            sheet.value(r, 5, row.dimension)
            sheet.value(r, 6, row.category)
            when (val cell = row.value) {
                is IndicatorRows.Cell.Count -> sheet.value(r, 7, cell.value)
                is IndicatorRows.Cell.Ratio -> sheet.value(r, 7, cell.value)
                IndicatorRows.Cell.Empty -> Unit
            }
        }
        widths(sheet, listOf(12.0, 12.0, 12.0, 28.0, 36.0, 12.0, 16.0, 10.0))

        val months = book.newWorksheet("months")
        val names = report.months.firstOrNull()?.let { IndicatorRows.headline(it).map { (k, _) -> k } } ?: emptyList()
        header(months, listOf("from", "to") + names)
        report.months.forEachIndexed { i, month ->
            val r = i + 1
            months.value(r, 0, month.from)
            months.value(r, 1, month.to)
            IndicatorRows.headline(month).forEachIndexed { c, (_, value) -> value?.let { months.value(r, c + 2, it) } }
        }
        widths(months, listOf(12.0, 12.0) + names.map { maxOf(12.0, it.length + 2.0) })
        book.finish()
    }

    private fun header(sheet: org.dhatim.fastexcel.Worksheet, names: List<String>) {
        names.forEachIndexed { c, name ->
            sheet.value(0, c, name)
            sheet.style(0, c).bold().set()
        }
        sheet.freezePane(0, 1)
    }

    private fun widths(sheet: org.dhatim.fastexcel.Worksheet, widths: List<Double>) =
        widths.forEachIndexed { c, w -> sheet.width(c, w) }

    /** RFC 4180: one row per figure, the period in each row, UTF-8. */
    private fun csv(report: MonthlyReport, out: OutputStream) {
        val ind = report.totals
        val writer = out.bufferedWriter(Charsets.UTF_8)
        writer.write(line(listOf("from", "to", "worker", "indicator", "dimension", "category", "value")))
        IndicatorRows.rows(ind).forEach { row ->
            writer.write(line(listOf(ind.from, ind.to, ind.worker.orEmpty(), row.indicator, row.dimension, row.category, IndicatorRows.text(row.value))))
        }
        writer.flush()
    }

    private fun line(fields: List<String>): String = fields.joinToString(",", postfix = "\n") { field ->
        if (field.any { it == ',' || it == '"' || it == '\n' || it == '\r' }) "\"" + field.replace("\"", "\"\"") + "\"" else field
    }
}
