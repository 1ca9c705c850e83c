//! CSV as RFC 4180 describes it, read leniently and written for Excel and WPS.

use super::{Rows, TableError};

/// Parses CSV text: `"` quotes fields (`""` is a quote inside one), which
/// may hold commas and line breaks; lines end in CRLF, LF or CR. A leading
/// byte-order mark and trailing blank lines are dropped; blank lines between
/// rows stay (as one empty cell) so row numbers match what a spreadsheet
/// shows.
pub fn parse(text: &str) -> Result<Rows, TableError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (mut rows, mut row, mut field) = (Rows::new(), Vec::new(), String::new());
    // `start`: nothing read yet in this field, so a quote opens a quoted one.
    let (mut quoted, mut start, mut line, mut opened) = (false, true, 1, 0);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.next_if_eq(&'"').is_some() => field.push('"'),
                '"' => quoted = false,
                _ => {
                    line += usize::from(c == '\n');
                    field.push(c);
                }
            }
            continue;
        }
        match c {
            '"' if start => (quoted, start, opened) = (true, false, line),
            ',' => {
                row.push(std::mem::take(&mut field));
                start = true;
            }
            '\r' | '\n' => {
                if c == '\r' {
                    chars.next_if_eq(&'\n');
                }
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
                (start, line) = (true, line + 1);
            }
            _ => {
                field.push(c);
                start = false;
            }
        }
    }
    if quoted {
        return Err(TableError::UnterminatedQuote { line: opened });
    }
    if !start || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    while rows.last().is_some_and(|r| r.iter().all(String::is_empty)) {
        rows.pop();
    }
    Ok(rows)
}

/// Writes CSV that Excel and WPS open with Chinese intact: a UTF-8
/// byte-order mark, CRLF line ends, fields quoted when they must be. A
/// field that a spreadsheet would run as a formula (`=`, `@`, or `+`/`-`
/// not followed by a digit, so `-3` and `+86…` stay as they are) is
/// prefixed with `'`.
pub fn write(rows: &Rows) -> String {
    let mut out = String::from('\u{feff}');
    for row in rows {
        for (i, f) in row.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let mut cs = f.chars();
            let formula = match (cs.next(), cs.next()) {
                (Some('=' | '@' | '\t'), _) => true,
                (Some('+' | '-'), Some(d)) => !d.is_ascii_digit(),
                _ => false,
            };
            let f = if formula { format!("'{f}") } else { f.clone() };
            if f.contains([',', '"', '\r', '\n'])
                || f.starts_with(char::is_whitespace)
                || f.ends_with(char::is_whitespace)
            {
                out.push('"');
                out.push_str(&f.replace('"', "\"\""));
                out.push('"');
            } else {
                out.push_str(&f);
            }
        }
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::rows;
    use proptest::prelude::*;

    #[test]
    fn tricky_fields_round_trip() {
        let t = rows(&[
            &["单元", "房号", "备注"],
            &["1单元", "101", "说 \"你好\", 再见"],
            &["", "a,b", "two\nlines\r\nhere"],
            &[" lead", "trail ", "-3"],
            &["+86 138 0000 0000", "x", ""],
        ]);
        let text = write(&t);
        assert!(text.starts_with('\u{feff}'));
        assert!(text.ends_with("\r\n"));
        assert_eq!(parse(&text).unwrap(), t);
    }

    #[test]
    fn formulas_are_defused() {
        let t = rows(&[&["=1+2", "@SUM(A1)", "+x", "-A1", "-3", "+86", "a=b"]]);
        assert_eq!(write(&t), "\u{feff}'=1+2,'@SUM(A1),'+x,'-A1,-3,+86,a=b\r\n");
    }

    #[test]
    fn parses_what_spreadsheets_and_people_write() {
        assert_eq!(
            parse("a,b\nc,d\n\n").unwrap(),
            rows(&[&["a", "b"], &["c", "d"]])
        );
        assert_eq!(
            parse("\u{feff}a\r\n\r\nb").unwrap(),
            rows(&[&["a"], &[""], &["b"]])
        );
        assert_eq!(parse("a,\n,").unwrap(), rows(&[&["a", ""]]));
        assert_eq!(
            parse("\"x\"\"y\",\"\"\r\n").unwrap(),
            rows(&[&["x\"y", ""]])
        );
        assert_eq!(parse("ab\"c\",d").unwrap(), rows(&[&["ab\"c\"", "d"]]));
        assert_eq!(parse("").unwrap(), Rows::new());
        assert_eq!(
            parse("a\nb,\"c\nd\ne").unwrap_err(),
            TableError::UnterminatedQuote { line: 2 }
        );
    }

    proptest! {
        #[test]
        fn any_text_parses_or_fails_cleanly(s in "[a-c,\"\r\n\u{feff} 单]{0,40}") {
            let _ = parse(&s);
        }

        #[test]
        fn any_rows_round_trip(
            t in prop::collection::vec(prop::collection::vec("[a-c,\"\r\n =+@单-]{0,6}", 1..4), 0..5)
        ) {
            // A row that is one empty cell reads back as a blank line, which is
            // the same; trailing blank rows are dropped by design.
            let mut expect = t.clone();
            while expect.last().is_some_and(|r| r.iter().all(String::is_empty)) {
                expect.pop();
            }
            let back = parse(&write(&t)).unwrap();
            prop_assert_eq!(back.len(), expect.len());
            for (b, e) in back.iter().zip(&expect) {
                let e: Vec<String> = e.iter().map(|f| {
                    let mut cs = f.chars();
                    match (cs.next(), cs.next()) {
                        (Some('=' | '@' | '\t'), _) => format!("'{f}"),
                        (Some('+' | '-'), Some(d)) if !d.is_ascii_digit() => format!("'{f}"),
                        _ => f.clone(),
                    }
                }).collect();
                prop_assert_eq!(b, &e);
            }
        }
    }
}
