//! The indicators as CSV: one row per figure, with the period in each row so
//! several reports can be joined into one table.

use fieldbook_core::reports::Indicators;
use fieldbook_core::Result;
use std::io::Write;

use super::rows::rows;

pub const HEADER: [&str; 7] = [
    "from",
    "to",
    "worker",
    "indicator",
    "dimension",
    "category",
    "value",
];

pub fn write<W: Write>(out: W, ind: &Indicators) -> Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    let from = ind.period.from.to_string();
    let to = ind.period.to.to_string();
    let worker = ind.worker.map(|w| w.to_string()).unwrap_or_default();
    writer.write_record(HEADER).map_err(csv_error)?;
    for row in rows(ind) {
        writer
            .write_record([
                from.as_str(),
                to.as_str(),
                worker.as_str(),
                row.indicator,
                row.dimension,
                row.category.as_str(),
                row.value.text().as_str(),
            ])
            .map_err(csv_error)?;
    }
    writer.flush()?;
    Ok(())
}

fn csv_error(e: csv::Error) -> fieldbook_core::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io.into(),
        other => fieldbook_core::Error::InvalidInput(format!("CSV: {other:?}")),
    }
}
