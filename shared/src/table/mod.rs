//! Spreadsheets in and out, without IO: [`csv`] (RFC 4180) and [`xlsx`] (the
//! Office Open XML workbook Excel, WPS and LibreOffice save). Both read into
//! and write from plain [`Rows`] of text; what the cells mean is up to the
//! caller (see [`crate::model::household_table`]).

pub mod csv;
pub mod xlsx;

/// A sheet: rows of cells, all text.
pub type Rows = Vec<Vec<String>>;

/// Why a file could not be read as a table. Messages are English; the app
/// maps each variant to its own words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    #[error("the file is neither UTF-8 text (CSV) nor an .xlsx workbook")]
    Unreadable,
    #[error("an .xls or password-protected workbook: save it as .xlsx or CSV")]
    OldExcel,
    #[error("not a zip archive, so not an .xlsx workbook")]
    NotZip,
    #[error("the workbook is damaged: {0}")]
    Corrupt(&'static str),
    #[error("the workbook uses an unsupported feature: {0}")]
    Unsupported(&'static str),
    #[error("the workbook has no worksheet")]
    NoWorksheet,
    #[error("bad XML in {part}: {what}")]
    BadXml { part: String, what: &'static str },
    #[error("{0} is too large")]
    TooLarge(String),
    #[error("more than {0} rows")]
    TooManyRows(usize),
    #[error("the quoted field opened on line {line} is never closed")]
    UnterminatedQuote { line: usize },
}

/// Reads an uploaded file: an .xlsx workbook (its first sheet) or UTF-8 CSV.
/// CSV in another encoding (Excel's "CSV" on Chinese Windows is GBK) gives
/// [`TableError::Unreadable`]: decode it to text first and call
/// [`csv::parse`].
pub fn read(bytes: &[u8]) -> Result<Rows, TableError> {
    if bytes.starts_with(b"PK") {
        xlsx::read(bytes)
    } else if bytes.starts_with(&[0xd0, 0xcf, 0x11, 0xe0]) {
        Err(TableError::OldExcel)
    } else {
        csv::parse(std::str::from_utf8(bytes).map_err(|_| TableError::Unreadable)?)
    }
}

/// A table from string literals (tests).
#[cfg(test)]
pub(crate) fn rows(v: &[&[&str]]) -> Rows {
    v.iter()
        .map(|r| r.iter().map(|s| (*s).to_owned()).collect())
        .collect()
}
