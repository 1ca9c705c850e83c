//! The .xlsx workbook (Office Open XML): a zip of XML parts. [`write()`] makes
//! the smallest one Excel, WPS and LibreOffice open; [`read`] takes the first
//! sheet of one saved by any of them (or openpyxl, or [`write()`]).
//!
//! Reading needs only a zip directory, inflate (flate2, which automerge
//! already brings) and a small XML tokenizer, written here rather than
//! pulled in: every dependency is bytes in the phone's download.
//!
//! Long because reading and writing .xlsx by hand (a zip of a few XML parts, no
//! dependency) is one idea; its host tests, with workbooks from other writers,
//! are the last 220 lines.

use std::{fmt::Write as _, io::Read as _};

use super::{Rows, TableError};

/// Largest part inflated: a workbook of households is far below it.
const MAX_PART: usize = 50 << 20;
const MAX_ROWS: usize = 100_000;
/// Cells held, counting the empty ones filling gaps.
const MAX_CELLS: usize = 2_000_000;
/// Excel's last column, XFD.
const MAX_COLS: usize = 16_384;

const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;
const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#;
const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;
/// Style 1: bold (the header); style 2: text format `@`, so a phone number
/// edited in Excel stays text.
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyNumberFormat="1"/><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#;

/// A workbook of one sheet named `sheet_name` (cut to what Excel allows)
/// holding `rows` as text cells, the first row bold. Empty cells are left
/// out.
pub fn write(sheet_name: &str, rows: &Rows) -> Vec<u8> {
    let name: String = sheet_name
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c) && !c.is_control())
        .take(31)
        .collect();
    let name = match name.trim_matches('\'') {
        "" => "Sheet1",
        n => n,
    };
    let mut workbook = format!(
        r#"{HEAD}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name=""#
    );
    escape(&mut workbook, name);
    workbook.push_str(r#"" sheetId="1" r:id="rId1"/></sheets></workbook>"#);

    let mut sheet = format!(
        r#"{HEAD}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#
    );
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    if width > 0 {
        let _ = write!(
            sheet,
            r#"<cols><col min="1" max="{width}" width="16" customWidth="1"/></cols>"#
        );
    }
    sheet.push_str("<sheetData>");
    for (r, row) in rows.iter().enumerate() {
        let r = r + 1;
        let _ = write!(sheet, r#"<row r="{r}">"#);
        for (c, v) in row.iter().enumerate().filter(|(_, v)| !v.is_empty()) {
            let style = if r == 1 { 1 } else { 2 };
            let _ = write!(
                sheet,
                r#"<c r="{}{r}" s="{style}" t="inlineStr"><is><t xml:space="preserve">"#,
                column_name(c)
            );
            escape(&mut sheet, v);
            sheet.push_str("</t></is></c>");
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");

    zip(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("xl/workbook.xml", &workbook),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        ("xl/styles.xml", STYLES),
        ("xl/worksheets/sheet1.xml", &sheet),
    ])
}

/// `A`, …, `Z`, `AA`, … for a 0-based column.
fn column_name(mut c: usize) -> String {
    let mut s = String::new();
    loop {
        s.insert(0, char::from(b'A' + (c % 26) as u8));
        if c < 26 {
            return s;
        }
        c = c / 26 - 1;
    }
}

/// Appends XML-escaped text, leaving out characters XML 1.0 cannot hold
/// (control characters; a CR would come back as LF anyway).
fn escape(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
}

/// A zip of uncompressed entries with UTF-8 names.
fn zip(files: &[(&str, &str)]) -> Vec<u8> {
    fn le(v: &mut Vec<u8>, x: usize, n: usize) {
        v.extend(x.to_le_bytes().iter().take(n));
    }
    let (mut out, mut dir) = (Vec::new(), Vec::new());
    for (name, data) in files {
        let mut crc = flate2::Crc::new();
        crc.update(data.as_bytes());
        // Shared by the local header and the directory entry: version 2.0,
        // flags (UTF-8 names), method (stored), time, date (1980-01-01), CRC,
        // sizes, name length, extra length.
        let mut common = Vec::with_capacity(26);
        for (x, n) in [(20, 2), (0x800, 2), (0, 2), (0, 2), (0x21, 2)] {
            le(&mut common, x, n);
        }
        le(&mut common, crc.sum() as usize, 4);
        for (x, n) in [(data.len(), 4), (data.len(), 4), (name.len(), 2), (0, 2)] {
            le(&mut common, x, n);
        }
        dir.extend(b"PK\x01\x02\x14\x00");
        dir.extend(&common);
        dir.extend([0; 10]);
        le(&mut dir, out.len(), 4);
        dir.extend(name.as_bytes());
        out.extend(b"PK\x03\x04");
        out.extend(&common);
        out.extend(name.as_bytes());
        out.extend(data.as_bytes());
    }
    let at = out.len();
    out.extend(&dir);
    out.extend(b"PK\x05\x06\0\0\0\0");
    for (x, n) in [
        (files.len(), 2),
        (files.len(), 2),
        (dir.len(), 4),
        (at, 4),
        (0, 2),
    ] {
        le(&mut out, x, n);
    }
    out
}

/// The first worksheet's cells as text. Numbers read as written (`3.0` as
/// `3`), booleans as `TRUE`/`FALSE`; gaps are filled with empty cells, and
/// trailing empty cells and rows are dropped.
pub fn read(bytes: &[u8]) -> Result<Rows, TableError> {
    let zip = Zip::open(bytes)?;
    let mut target = None;
    const BOOK: &str = "xl/workbook.xml";
    const RELS: &str = "xl/_rels/workbook.xml.rels";
    if let (Some(book), Some(rels)) = (zip.text(BOOK)?, zip.text(RELS)?)
        && let Some(id) = find(&book, BOOK, "sheet", None, "id")?
    {
        target = find(&rels, RELS, "Relationship", Some(("Id", &id)), "Target")?.map(|t| {
            match t.strip_prefix('/') {
                Some(t) => t.to_owned(),
                None => format!("xl/{t}"),
            }
        });
    }
    let mut sheet = None;
    for part in target
        .iter()
        .map(String::as_str)
        .chain(["xl/worksheets/sheet1.xml"])
    {
        if let Some(xml) = zip.text(part)? {
            sheet = Some((part, xml));
            break;
        }
    }
    let (part, sheet) = sheet.ok_or(TableError::NoWorksheet)?;
    const STRINGS: &str = "xl/sharedStrings.xml";
    let strings = match zip.text(STRINGS)? {
        Some(xml) => walk(&xml, STRINGS, &[])?.1,
        None => Vec::new(),
    };
    Ok(walk(&sheet, part, &strings)?.0)
}

fn bad_xml(part: &str) -> impl Fn(&'static str) -> TableError + '_ {
    move |what| TableError::BadXml {
        part: part.to_owned(),
        what,
    }
}

/// The `want` attribute of the first `elem` element (whose `key` attribute
/// has the given value, if any).
fn find(
    xml: &str,
    part: &str,
    elem: &str,
    key: Option<(&str, &str)>,
    want: &str,
) -> Result<Option<String>, TableError> {
    let mut x = Xml(xml);
    while let Some(t) = x.tok().map_err(bad_xml(part))? {
        if let Tok::Start(name, attrs, _) = t
            && name == elem
            && key.is_none_or(|(k, v)| attr(attrs, k).as_deref() == Some(v))
        {
            return Ok(attr(attrs, want));
        }
    }
    Ok(None)
}

/// Reads a worksheet's cells, or a shared-strings part's strings: both keep
/// text in `<t>` runs (phonetic guides, `<rPh>`, aside) or `<v>`, and `</si>`
/// ends a shared string as `</c>` ends a cell.
fn walk(xml: &str, part: &str, shared: &[String]) -> Result<(Rows, Vec<String>), TableError> {
    let bad = bad_xml(part);
    let too_large = || TableError::TooLarge(part.to_owned());
    let (mut rows, mut row, mut strings) = (Rows::new(), Vec::new(), Vec::new());
    let (mut text, mut kind, mut col, mut cells) = (String::new(), String::new(), 0, 0);
    let (mut capture, mut phonetic) = (false, false);
    let mut x = Xml(xml);
    while let Some(tok) = x.tok().map_err(&bad)? {
        let (name, attrs, start, end) = match tok {
            Tok::Text(t, raw) => {
                if capture && !phonetic {
                    if raw {
                        text.push_str(t);
                    } else {
                        unescape(&mut text, t);
                    }
                }
                continue;
            }
            Tok::Start(name, attrs, empty) => (name, attrs, true, empty),
            Tok::End(name) => (name, "", false, true),
        };
        if start {
            match name {
                "row" => {
                    let r = attr(attrs, "r").and_then(|r| r.trim().parse().ok());
                    let r = r.unwrap_or(rows.len() + 1);
                    if r > MAX_ROWS {
                        return Err(TableError::TooManyRows(MAX_ROWS));
                    }
                    while rows.len() + 1 < r {
                        rows.push(Vec::new());
                    }
                }
                "c" => {
                    col = attr(attrs, "r")
                        .and_then(|r| column_index(&r))
                        .unwrap_or(row.len());
                    kind = attr(attrs, "t").unwrap_or_default();
                    text.clear();
                }
                "si" => text.clear(),
                "v" | "t" => capture = true,
                "rPh" => phonetic = true,
                _ => {}
            }
        }
        if end {
            match name {
                "v" | "t" => capture = false,
                "rPh" => phonetic = false,
                "si" => {
                    strings.push(std::mem::take(&mut text));
                    if strings.len() > MAX_CELLS {
                        return Err(too_large());
                    }
                }
                "c" => {
                    let value = match kind.as_str() {
                        _ if text.is_empty() => String::new(),
                        "s" => text
                            .trim()
                            .parse::<usize>()
                            .ok()
                            .and_then(|i| shared.get(i))
                            .ok_or_else(|| bad("shared string index"))?
                            .clone(),
                        "b" => (if text.trim() == "1" { "TRUE" } else { "FALSE" }).to_owned(),
                        "" | "n" => number(&text),
                        _ => std::mem::take(&mut text),
                    };
                    if col >= MAX_COLS {
                        return Err(bad("cell reference"));
                    }
                    if row.len() <= col {
                        cells += col + 1 - row.len();
                        if cells > MAX_CELLS {
                            return Err(too_large());
                        }
                        row.resize(col + 1, String::new());
                    }
                    if let Some(cell) = row.get_mut(col) {
                        *cell = value;
                    }
                }
                "row" => {
                    while row.last().is_some_and(String::is_empty) {
                        row.pop();
                    }
                    rows.push(std::mem::take(&mut row));
                    if rows.len() > MAX_ROWS {
                        return Err(TableError::TooManyRows(MAX_ROWS));
                    }
                }
                _ => {}
            }
        }
    }
    while rows.last().is_some_and(Vec::is_empty) {
        rows.pop();
    }
    Ok((rows, strings))
}

/// A number cell as people typed it: integral values without a fraction or
/// an exponent (`3.0` and `3E+0` read `3`, and a phone number stored as a
/// number comes back whole); others as written. Worked on the digits, not
/// as a float, so no float parsing enters the download.
fn number(v: &str) -> String {
    let v = v.trim();
    integral(v).unwrap_or_else(|| v.to_owned())
}

fn integral(v: &str) -> Option<String> {
    let (sign, v) = match v.strip_prefix('-') {
        Some(v) => ("-", v),
        None => ("", v),
    };
    let (mantissa, exp) = match v.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i32>().ok()?),
        None => (v, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = format!("{int}{frac}");
    if int.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Where the decimal point falls in `digits`, at most 18 digits out.
    let point = usize::try_from(i32::try_from(int.len()).ok()?.checked_add(exp)?).unwrap_or(0);
    let (whole, rest) = digits.split_at(point.min(digits.len()));
    if point > 18 || rest.bytes().any(|b| b != b'0') {
        return None;
    }
    let whole = format!("{whole:0<point$}");
    Some(match whole.trim_start_matches('0') {
        "" => "0".to_owned(),
        n => format!("{sign}{n}"),
    })
}

/// The 0-based column of a reference such as `AB12`.
fn column_index(r: &str) -> Option<usize> {
    let mut n = 0usize;
    for b in r.trim().bytes().take_while(u8::is_ascii_alphabetic) {
        n = n
            .checked_mul(26)?
            .checked_add(usize::from(b.to_ascii_uppercase() - b'A') + 1)?;
    }
    n.checked_sub(1)
}

/// What the tokenizer meets: a start tag (local name, raw attributes,
/// self-closing), an end tag, or text (raw if from CDATA, else escaped).
enum Tok<'a> {
    Start(&'a str, &'a str, bool),
    End(&'a str),
    Text(&'a str, bool),
}

/// Just enough XML for spreadsheet parts: tags, attributes, text, CDATA;
/// declarations, comments and processing instructions are skipped, and
/// nesting is not checked. Names lose their namespace prefix.
struct Xml<'a>(&'a str);

impl<'a> Xml<'a> {
    fn tok(&mut self) -> Result<Option<Tok<'a>>, &'static str> {
        'next: loop {
            let s = self.0;
            if s.is_empty() {
                return Ok(None);
            }
            let Some(rest) = s.strip_prefix('<') else {
                let end = s.find('<').unwrap_or(s.len());
                self.0 = &s[end..];
                return Ok(Some(Tok::Text(&s[..end], false)));
            };
            for (open, close) in [("!--", "-->"), ("![CDATA[", "]]>"), ("?", "?>"), ("!", ">")] {
                if let Some(r) = rest.strip_prefix(open) {
                    let i = r.find(close).ok_or("unterminated markup")?;
                    self.0 = &r[i + close.len()..];
                    if open == "![CDATA[" {
                        return Ok(Some(Tok::Text(&r[..i], true)));
                    }
                    continue 'next;
                }
            }
            // The tag ends at the first `>` outside a quoted attribute value.
            let mut quote = None;
            let end = rest
                .bytes()
                .position(|b| match quote {
                    Some(q) => {
                        if b == q {
                            quote = None;
                        }
                        false
                    }
                    None if b == b'"' || b == b'\'' => {
                        quote = Some(b);
                        false
                    }
                    None => b == b'>',
                })
                .ok_or("unterminated tag")?;
            let tag = &rest[..end];
            self.0 = &rest[end + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                return Ok(Some(Tok::End(local(name.trim()))));
            }
            let (tag, empty) = match tag.strip_suffix('/') {
                Some(tag) => (tag, true),
                None => (tag, false),
            };
            let n = tag
                .find(|c: char| c.is_ascii_whitespace())
                .unwrap_or(tag.len());
            return Ok(Some(Tok::Start(local(&tag[..n]), &tag[n..], empty)));
        }
    }
}

/// A name without its namespace prefix.
fn local(name: &str) -> &str {
    name.rfind(':').map_or(name, |i| &name[i + 1..])
}

/// The value of attribute `want` (matched without prefix; namespace
/// declarations are not attributes) in a tag's raw attributes.
fn attr(mut s: &str, want: &str) -> Option<String> {
    loop {
        let eq = s.find('=')?;
        let name = s[..eq].trim();
        let r = s[eq + 1..].trim_start();
        let q = r.chars().next().filter(|q| *q == '"' || *q == '\'')?;
        let r = &r[1..];
        let end = r.find(q)?;
        if local(name) == want && !name.starts_with("xmlns") {
            let mut v = String::new();
            unescape(&mut v, &r[..end]);
            return Some(v);
        }
        s = &r[end + 1..];
    }
}

/// Appends text with XML's five named entities and character references
/// decoded; anything else after `&` is kept as it is.
fn unescape(out: &mut String, mut s: &str) {
    while let Some(i) = s.find('&') {
        out.push_str(&s[..i]);
        s = &s[i..];
        let entity = s.find(';').and_then(|j| {
            let c = match &s[1..j] {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                e => {
                    let n = e.strip_prefix('#')?;
                    let n = match n.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => n.parse().ok()?,
                    };
                    char::from_u32(n)?
                }
            };
            Some((c, j))
        });
        match entity {
            Some((c, j)) => {
                out.push(c);
                s = &s[j + 1..];
            }
            None => {
                out.push('&');
                s = &s[1..];
            }
        }
    }
    out.push_str(s);
}

/// A zip archive's central directory: entry sizes come from it, so entries
/// written with data descriptors read like any other.
struct Zip<'a> {
    data: &'a [u8],
    entries: Vec<Entry<'a>>,
}

struct Entry<'a> {
    name: &'a [u8],
    flags: usize,
    method: usize,
    size: usize,
    raw_size: usize,
    offset: usize,
}

/// The little-endian number of `n` bytes at `at`, if there.
fn le(b: &[u8], at: usize, n: usize) -> Option<usize> {
    let s = b.get(at..at.checked_add(n)?)?;
    Some(s.iter().rev().fold(0, |a, &x| (a << 8) | usize::from(x)))
}

impl<'a> Zip<'a> {
    fn open(data: &'a [u8]) -> Result<Self, TableError> {
        // The end record: 22 bytes, then a comment of at most 64 KiB.
        let eocd = (0..=data.len().saturating_sub(22))
            .rev()
            .take(0x1_0000)
            .find(|&i| data.get(i..i + 4) == Some(b"PK\x05\x06"))
            .ok_or(TableError::NotZip)?;
        let corrupt = || TableError::Corrupt("central directory");
        let (count, start) = le(data, eocd + 10, 2)
            .zip(le(data, eocd + 16, 4))
            .ok_or_else(corrupt)?;
        if count == 0xffff || start == 0xffff_ffff {
            return Err(TableError::Unsupported("zip64"));
        }
        let mut rest = data.get(start..).ok_or_else(corrupt)?;
        let mut entries = Vec::new();
        for _ in 0..count {
            let field = |at, n| le(rest, at, n).ok_or_else(corrupt);
            if field(0, 4)? != 0x0201_4b50 {
                return Err(corrupt());
            }
            let (n, extra, comment) = (field(28, 2)?, field(30, 2)?, field(32, 2)?);
            entries.push(Entry {
                name: rest.get(46..46 + n).ok_or_else(corrupt)?,
                flags: field(8, 2)?,
                method: field(10, 2)?,
                size: field(20, 4)?,
                raw_size: field(24, 4)?,
                offset: field(42, 4)?,
            });
            rest = rest.get(46 + n + extra + comment..).ok_or_else(corrupt)?;
        }
        Ok(Zip { data, entries })
    }

    /// The text of the entry `name` (matched ignoring ASCII case, as Office
    /// part names are), if the archive has it.
    fn text(&self, name: &str) -> Result<Option<String>, TableError> {
        let Some(e) = self
            .entries
            .iter()
            .find(|e| e.name.eq_ignore_ascii_case(name.as_bytes()))
        else {
            return Ok(None);
        };
        if e.flags & 1 != 0 {
            return Err(TableError::Unsupported("encryption"));
        }
        if e.raw_size > MAX_PART || e.size > MAX_PART {
            return Err(TableError::TooLarge(name.to_owned()));
        }
        let corrupt = || TableError::Corrupt("local header");
        let local = self.data.get(e.offset..).ok_or_else(corrupt)?;
        let header = |at| le(local, at, 2).ok_or_else(corrupt);
        if le(local, 0, 4) != Some(0x0403_4b50) {
            return Err(corrupt());
        }
        let body = local
            .get(30 + header(26)? + header(28)?..)
            .and_then(|b| b.get(..e.size))
            .ok_or(TableError::Corrupt("entry data"))?;
        let bytes = match e.method {
            0 => body.to_vec(),
            8 => inflate(body, MAX_PART, name)?,
            _ => return Err(TableError::Unsupported("compression method")),
        };
        String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| bad_xml(name)("not UTF-8"))
    }
}

/// Inflates the raw DEFLATE data of entry `name`, stopping past `limit`
/// bytes.
fn inflate(data: &[u8], limit: usize, name: &str) -> Result<Vec<u8>, TableError> {
    let mut out = Vec::new();
    flate2::bufread::DeflateDecoder::new(data)
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|_| TableError::Corrupt("compressed data"))?;
    if out.len() > limit {
        return Err(TableError::TooLarge(name.to_owned()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::rows;
    use proptest::prelude::*;

    #[test]
    fn written_workbooks_read_back() {
        let t = rows(&[
            &["单元", "房号", "人数", "电话", "备注"],
            &["1单元", "101", "3", "13800000000", "<b>&\"x\" 'y' ]]>"],
            &["2单元", "", "1", "+86 010-1234", "  两行\n文字  "],
            &[],
            &[
                "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
                "", "", "", "", "", "", "z",
            ],
        ]);
        let book = write("住户 [台账]: 1/2", &t);
        assert_eq!(read(&book).unwrap(), t);
        assert_eq!(read(&write("", &Rows::new())).unwrap(), Rows::new());
        let zip = Zip::open(&book).unwrap();
        let workbook = zip.text("xl/workbook.xml").unwrap().unwrap();
        assert!(workbook.contains(r#"name="住户 台账 12""#), "{workbook}");
        assert_eq!(column_name(27), "AB");
        assert_eq!(column_index("AB12"), Some(27));
        assert_eq!(column_index("XFD1"), Some(16_383));
        assert_eq!(column_index("12"), None);
        for (v, n) in [
            ("3", "3"),
            ("3.0", "3"),
            ("-3.00", "-3"),
            ("1E+1", "10"),
            ("1.38E+10", "13800000000"),
            ("13800000000", "13800000000"),
            ("0.0", "0"),
            ("-0", "0"),
            ("1200E-2", "12"),
            ("0.25", "0.25"),
            ("1E-1", "1E-1"),
            ("1E+30", "1E+30"),
            (".5", ".5"),
            ("1e", "1e"),
            ("abc", "abc"),
            ("", ""),
        ] {
            assert_eq!(number(v), n, "{v}");
        }
    }

    #[test]
    fn stored_entries_carry_correct_crcs() {
        let book = write("s", &rows(&[&["a"]]));
        let zip = Zip::open(&book).unwrap();
        assert_eq!(zip.entries.len(), 6);
        // CRC-32 of "123456789" is the standard check value.
        let z = super::zip(&[("n", "123456789")]);
        assert_eq!(le(&z, 14, 4), Some(0xcbf4_3926));
    }

    /// A sheet as Excel writes one: shared strings with rich-text runs and
    /// phonetic guides, prefixed names, numbers in several spellings, gaps,
    /// cells without references, booleans, formulas, entities and CDATA.
    #[test]
    fn reads_what_excel_writes() {
        let strings = r#"<?xml version="1.0" encoding="UTF-8"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3">
<si><t>单元</t></si>
<si><r><rPr><b/></rPr><t xml:space="preserve">行动 </t></r><r><t>不便 &amp; 独居</t></r><rPh sb="0" eb="1"><t>xingdong</t></rPh></si>
<si><t/></si></sst>"#;
        let sheet = r#"<?xml version="1.0"?><!-- made by hand -->
<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>
<x:row r="1" spans="1:4"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="C1" t="s"><x:v>1</x:v></x:c><x:c r="D1" s="3"/></x:row>
<x:row r="3"><x:c t="n"><x:v>3.0</x:v></x:c><x:c><x:v>1E+1</x:v></x:c><x:c><x:v>0.25</x:v></x:c><x:c t="b"><x:v>1</x:v></x:c><x:c t="str"><x:f>A3&amp;"x"</x:f><x:v>3x</x:v></x:c><x:c r="H3"><x:v>13800000000</x:v></x:c></x:row>
<x:row><x:c r="b4" t="inlineStr"><x:is><x:t>&lt;&#20013;&#x6587;&gt; &apos;q&apos; &quot;d&quot; &bogus; a&amp;b</x:t></x:is></x:c><x:c r="C4" t="inlineStr"><x:is><x:t><![CDATA[<raw> & more]]></x:t></x:is></x:c><x:c r="D4" t="s"><x:v>2</x:v></x:c></x:row>
</x:sheetData></x:worksheet>"#;
        let book = zip(&[
            (
                "xl/workbook.xml",
                r#"<workbook xmlns:r="urn:r"><sheets><sheet name="b" sheetId="2" r:id="rId7"/></sheets></workbook>"#,
            ),
            (
                "xl/_rels/workbook.xml.rels",
                r#"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/><Relationship Target='/xl/worksheets/other.xml' Id='rId7'/></Relationships>"#,
            ),
            ("xl/worksheets/sheet1.xml", "<worksheet/>"),
            ("xl/worksheets/other.xml", sheet),
            ("xl/sharedStrings.xml", strings),
        ]);
        assert_eq!(
            read(&book).unwrap(),
            rows(&[
                &["单元", "", "行动 不便 & 独居"],
                &[],
                &["3", "10", "0.25", "TRUE", "3x", "", "", "13800000000"],
                &["", "<中文> 'q' \"d\" &bogus; a&b", "<raw> & more"],
            ])
        );
    }

    #[test]
    fn without_a_workbook_part_the_first_sheet_is_sheet1() {
        let book = zip(&[(
            "XL/Worksheets/Sheet1.xml",
            r#"<worksheet><sheetData><row><c t="inlineStr"><is><t>a</t></is></c></row></sheetData></worksheet>"#,
        )]);
        assert_eq!(read(&book).unwrap(), rows(&[&["a"]]));
    }

    #[test]
    fn workbooks_from_other_writers_read() {
        let expect = rows(&[
            &["单元", "房号", "人数", "电话", "特殊人群", "备注"],
            &[
                "1单元",
                "101",
                "1",
                "13800000000",
                "独居老人",
                "行动不便，需送药",
            ],
            &["1单元", "102", "3", "", "婴幼儿、慢性病", "A&B <楼>"],
            &["2单元", "1201", "2", "010-12345678", "", "轮椅 出入"],
        ]);
        for book in [
            &include_bytes!("../../tests/fixtures/households-openpyxl.xlsx")[..],
            &include_bytes!("../../tests/fixtures/households-xlsxwriter.xlsx")[..],
            &include_bytes!("../../tests/fixtures/households-streamed.xlsx")[..],
        ] {
            assert_eq!(read(book).unwrap(), expect);
        }
    }

    #[test]
    fn malformed_workbooks_are_errors() {
        let book = write("s", &rows(&[&["a", "b"], &["c"]]));
        for n in 0..book.len() {
            assert!(read(&book[..n]).is_err(), "truncated at {n}");
        }
        assert_eq!(read(b"hello"), Err(TableError::NotZip));
        assert_eq!(read(&zip(&[("a.txt", "x")])), Err(TableError::NoWorksheet));
        let bad = zip(&[("xl/worksheets/sheet1.xml", "<worksheet><row><c")]);
        assert!(matches!(read(&bad), Err(TableError::BadXml { .. })));
        let bad = zip(&[("xl/worksheets/sheet1.xml", r#"<c t="s"><v>9</v></c>"#)]);
        assert!(matches!(read(&bad), Err(TableError::BadXml { .. })));
        let bad = zip(&[("xl/worksheets/sheet1.xml", r#"<row r="100001"/>"#)]);
        assert_eq!(read(&bad), Err(TableError::TooManyRows(MAX_ROWS)));
        let bad = zip(&[("xl/worksheets/sheet1.xml", r#"<c r="XFE1"><v>1</v></c>"#)]);
        assert!(matches!(read(&bad), Err(TableError::BadXml { .. })));
        let mut cells = String::new();
        for r in 1..200 {
            let _ = write!(cells, r#"<row r="{r}"><c r="XFD{r}"><v>1</v></c></row>"#);
        }
        let bad = zip(&[("xl/worksheets/sheet1.xml", &cells)]);
        assert!(matches!(read(&bad), Err(TableError::TooLarge(_))));

        // An entry declaring a huge size is refused before inflating.
        let mut big = zip(&[("xl/worksheets/sheet1.xml", "<worksheet/>")]);
        let dir = big.len() - 22 - 46 - "xl/worksheets/sheet1.xml".len();
        big[dir + 24..dir + 28].copy_from_slice(&0x7fff_ffffu32.to_le_bytes());
        assert!(matches!(read(&big), Err(TableError::TooLarge(_))));
        // A stream that inflates past the limit stops there.
        let zeros = vec![0u8; 100_000];
        let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut enc, &zeros).unwrap();
        let packed = enc.finish().unwrap();
        assert_eq!(
            inflate(&packed, 10_000, "p"),
            Err(TableError::TooLarge("p".into()))
        );
        assert_eq!(inflate(&packed, 100_000, "p").unwrap(), zeros);
        assert!(inflate(b"\xff\xff\xff", 10, "p").is_err());
    }

    proptest! {
        #[test]
        fn random_bytes_are_errors_not_panics(b in prop::collection::vec(any::<u8>(), 0..300)) {
            let _ = read(&b);
            let mut pk = b"PK\x03\x04".to_vec();
            pk.extend(&b);
            let _ = read(&pk);
        }

        #[test]
        fn damaged_workbooks_are_errors_not_panics(
            hits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)
        ) {
            let mut book = write("s", &rows(&[&["单元", "a&b"], &["1", "<x>"]]));
            for (at, byte) in hits {
                let i = at.index(book.len());
                book[i] = byte;
            }
            let _ = read(&book);
        }

        #[test]
        fn any_xml_text_tokenizes(s in "[<>/=\"'a-c !?\\[\\]&#;x0-9-]{0,60}") {
            let mut x = Xml(&s);
            let mut n = 0;
            while let Ok(Some(_)) = x.tok() {
                n += 1;
                prop_assert!(n <= s.len() + 1);
            }
            let _ = walk(&s, "p", &[]);
            let _ = attr(&s, "a");
        }

        #[test]
        fn any_rows_round_trip(
            t in prop::collection::vec(prop::collection::vec("[a-c&<>\"' \n单]{0,5}", 0..5), 0..6)
        ) {
            let mut expect = t.clone();
            for r in &mut expect {
                while r.last().is_some_and(String::is_empty) {
                    r.pop();
                }
            }
            while expect.last().is_some_and(Vec::is_empty) {
                expect.pop();
            }
            prop_assert_eq!(read(&write("s", &t)).unwrap(), expect);
        }
    }
}
