//! A line chart of the headline indicators over the months of the period,
//! as SVG, for the monthly report.

use fieldbook_core::reports::Indicators;
use fieldbook_core::{Error, Lang, Result};
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use std::path::Path;

use super::rows::{headline, label};

/// The lines drawn: counts of people and events on one scale (rates and
/// medians would need another axis).
const SERIES: [&str; 6] = [
    "unique_clients_reached",
    "new_clients",
    "contacts",
    "referrals_made",
    "referrals_completed",
    "meetings",
];

/// Only SVG: its text needs no font files on the machine.
pub fn check_format(lang: Lang, file: &Path) -> Result<()> {
    let svg = file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"));
    if svg {
        Ok(())
    } else {
        Err(Error::InvalidInput(format!(
            "{}: {}",
            file.display(),
            lang.pick(
                "biểu đồ chỉ ghi được dạng .svg",
                "charts are written as .svg only"
            )
        )))
    }
}

/// Renders the chart in memory and writes it to `file` in one go.
pub fn write(file: &Path, lang: Lang, months: &[Indicators]) -> Result<()> {
    let svg = render(lang, months).map_err(|e| Error::InvalidInput(format!("chart: {e}")))?;
    std::fs::write(file, svg)?;
    Ok(())
}

fn render(
    lang: Lang,
    months: &[Indicators],
) -> std::result::Result<String, Box<dyn std::error::Error>> {
    let series: Vec<(&'static str, Vec<u64>)> = SERIES
        .iter()
        .map(|key| {
            let values = months
                .iter()
                .map(|m| {
                    headline(m)
                        .into_iter()
                        .find(|(k, _)| k == key)
                        .and_then(|(_, v)| v)
                        .unwrap_or(0)
                })
                .collect();
            (*key, values)
        })
        .collect();
    let top = series
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let names: Vec<String> = months
        .iter()
        .map(|m| m.period.from.format("%Y-%m").to_string())
        .collect();
    let title = match (months.first(), months.last()) {
        (Some(first), Some(last)) => format!(
            "{} {} – {}",
            lang.pick("Chỉ số theo tháng", "Indicators by month"),
            first.period.from,
            last.period.to
        ),
        _ => lang
            .pick("Chỉ số theo tháng", "Indicators by month")
            .to_string(),
    };

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (1000, 560)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 22))
            .margin(16)
            .x_label_area_size(36)
            .y_label_area_size(56)
            .build_cartesian_2d(
                (0..months.len() as i32).into_segmented(),
                0..top + top / 10 + 1,
            )?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(months.len().max(1))
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => names.get(*i as usize).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .draw()?;
        for (i, (key, values)) in series.iter().enumerate() {
            let color = Palette99::pick(i).to_rgba();
            let points: Vec<(SegmentValue<i32>, u64)> = values
                .iter()
                .enumerate()
                .map(|(m, v)| (SegmentValue::CenterOf(m as i32), *v))
                .collect();
            chart
                .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))?
                .label(label(lang, key))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
                });
            chart.draw_series(
                points
                    .into_iter()
                    .map(|p| Circle::new(p, 3, color.filled())),
            )?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()?;
        root.present()?;
    }
    Ok(svg)
}
