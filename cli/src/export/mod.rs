//! Writing reports out: the indicators as rows (for CSV and the workbook), a
//! CSV writer, an XLSX workbook and an SVG chart. Each writes only the file
//! it is given, in one go, with no temporary file beside it.

pub mod chart;
pub mod csv;
pub mod rows;
pub mod xlsx;

use fieldbook_core::{Error, Lang, Result};
use std::path::Path;

/// Refuses an export inside the data directory: the store keeps nothing in
/// clear there, and an export is plain text.
pub fn check_destination(lang: Lang, file: &Path, data_dir: &Path) -> Result<()> {
    let parent = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::env::current_dir()?,
    };
    let parent = parent.canonicalize().map_err(|e| {
        Error::InvalidInput(format!(
            "{}: {} ({e})",
            file.display(),
            lang.pick("không có thư mục này", "no such folder")
        ))
    })?;
    if let Ok(data) = data_dir.canonicalize() {
        if parent.starts_with(&data) {
            return Err(Error::InvalidInput(format!(
                "{}: {}",
                file.display(),
                lang.pick(
                    "không ghi báo cáo vào thư mục dữ liệu (dữ liệu ở đó luôn được mã hóa)",
                    "reports are not written into the data directory (everything there stays encrypted)"
                )
            )));
        }
    }
    Ok(())
}
