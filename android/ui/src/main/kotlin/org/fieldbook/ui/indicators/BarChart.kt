package org.fieldbook.ui.indicators

import androidx.compose.foundation.Canvas
import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.size
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.geometry.Size
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.TextStyle
import androidx.compose.ui.text.drawText
import androidx.compose.ui.text.rememberTextMeasurer
import androidx.compose.ui.unit.dp
import androidx.compose.ui.unit.sp
import org.fieldbook.android.state.Chart
import org.fieldbook.android.state.Share

/**
 * A grouped bar chart of a monthly series, drawn on a Canvas: one group per
 * month, one bar per measure, the largest value on top of the scale. Its
 * content description reads the values for screen readers.
 */
@Composable
fun BarChart(chart: Chart, names: List<String>, description: String, modifier: Modifier = Modifier) {
    val colors = seriesColors()
    val measurer = rememberTextMeasurer()
    val labelStyle = TextStyle(fontSize = 10.sp, color = MaterialTheme.colorScheme.onSurfaceVariant)
    val axis = MaterialTheme.colorScheme.outline
    val max = chart.max.coerceAtLeast(1)
    Column(modifier) {
        Canvas(Modifier.fillMaxWidth().height(180.dp).semantics { contentDescription = description }) {
            val bottomBand = 18.dp.toPx()
            val topBand = 14.dp.toPx()
            val plotHeight = size.height - bottomBand - topBand
            val baseline = size.height - bottomBand
            drawLine(axis, Offset(0f, baseline), Offset(size.width, baseline), strokeWidth = 1.dp.toPx())
            drawText(measurer, max.toString(), Offset(0f, 0f), labelStyle)
            val months = chart.months.size.coerceAtLeast(1)
            val groupWidth = size.width / months
            val bars = chart.series.size.coerceAtLeast(1)
            val barWidth = groupWidth * 0.7f / bars
            chart.months.forEachIndexed { m, month ->
                val groupStart = m * groupWidth + groupWidth * 0.15f
                chart.series.forEachIndexed { s, series ->
                    val value = series.values.getOrElse(m) { 0 }
                    val height = plotHeight * value / max
                    drawRect(
                        color = colors[s % colors.size],
                        topLeft = Offset(groupStart + s * barWidth, baseline - height),
                        size = Size(barWidth * 0.9f, height),
                    )
                    // The value over its bar, where the bar is wide enough to hold it.
                    if (value > 0) {
                        val text = measurer.measure(value.toString(), labelStyle)
                        if (text.size.width <= barWidth * 1.2f) {
                            drawText(
                                text,
                                topLeft = Offset(groupStart + s * barWidth + (barWidth * 0.9f - text.size.width) / 2, baseline - height - text.size.height),
                            )
                        }
                    }
                }
                // "2026-11" becomes "11/26": short enough for twelve months.
                val label = month.substring(5, 7) + "/" + month.substring(2, 4)
                val measured = measurer.measure(label, labelStyle)
                drawText(
                    measured,
                    topLeft = Offset(m * groupWidth + (groupWidth - measured.size.width) / 2, baseline + 2.dp.toPx()),
                )
            }
        }
        Legend(names, colors)
    }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun Legend(names: List<String>, colors: List<Color>) {
    FlowRow(horizontalArrangement = Arrangement.spacedBy(12.dp)) {
        names.forEachIndexed { i, name ->
            Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(4.dp)) {
                Box(Modifier.size(10.dp).background(colors[i % colors.size]))
                Text(name, style = MaterialTheme.typography.bodySmall)
            }
        }
    }
}

/** Horizontal bars of a breakdown (by sex, by age band, services), scaled to the largest. */
@Composable
fun ShareBars(shares: List<Share>, label: @Composable (Share) -> String) {
    val color = MaterialTheme.colorScheme.primary
    val track = MaterialTheme.colorScheme.surfaceVariant
    val max = shares.maxOfOrNull { it.count }?.coerceAtLeast(1) ?: 1
    Column(verticalArrangement = Arrangement.spacedBy(6.dp)) {
        shares.forEach { share ->
            val name = label(share)
            Text("$name: ${share.count}", style = MaterialTheme.typography.bodySmall)
            Canvas(Modifier.fillMaxWidth().height(10.dp).semantics { contentDescription = "$name ${share.count}" }) {
                drawRect(track, size = size)
                drawRect(color, size = Size(size.width * share.count / max, size.height))
            }
        }
    }
}

@Composable
private fun seriesColors() = listOf(MaterialTheme.colorScheme.primary, MaterialTheme.colorScheme.tertiary, MaterialTheme.colorScheme.secondary)
