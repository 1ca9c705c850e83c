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
/// Whether bytes can be a text table at all (CSV, in any encoding a
/// spreadsheet saves): no NUL and almost no other control characters. A
/// picture, a PDF or an archive fails this and is called what it is — not a
/// spreadsheet — instead of being read as text with missing columns.
pub fn could_be_text(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(4096)];
    let control = sample
        .iter()
        .filter(|b| **b < 0x20 && !matches!(**b, b'\t' | b'\n' | b'\r' | 0x0c))
        .count();
    !sample.contains(&0) && control * 100 <= sample.len()
}

pub fn read(bytes: &[u8]) -> Result<Rows, TableError> {
    if bytes.starts_with(b"PK") {
        xlsx::read(bytes)
    } else if bytes.starts_with(&[0xd0, 0xcf, 0x11, 0xe0]) {
        Err(TableError::OldExcel)
    } else if !could_be_text(bytes) {
        Err(TableError::Unreadable)
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

#[cfg(test)]
mod tests {
    #[test]
    fn pictures_and_documents_are_not_text_tables() {
        use super::*;
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01";
        let pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00\x01\x02\x03";
        assert!(!could_be_text(png));
        assert!(!could_be_text(pdf));
        assert!(matches!(read(png), Err(TableError::Unreadable)));
        assert!(could_be_text("单元,房号,人数\r\n1单元,101,2\n".as_bytes()));
        // GBK text (not UTF-8) is still text: the app decodes it.
        assert!(could_be_text(&[
            0xb5, 0xa5, 0xd4, 0xaa, b',', 0xb7, 0xbf, 0xba, 0xc5
        ]));
    }
}
