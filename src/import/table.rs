//! Decoding a file into a header row and data rows, whatever its format.

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader};

use super::{ImportError, ImportSettings};

/// The text encoding of a CSV file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Encoding {
    /// BOM if any, else UTF-8 if valid, else Windows-1252.
    #[default]
    Auto,
    Utf8,
    Windows1252,
}

/// Headers, then rows with the line (CSV) or row (sheet) number people see
/// when they open the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
    /// The CSV separator, when the source is CSV.
    pub separator: Option<u8>,
    pub format: String,
}

impl Table {
    pub fn read(
        path: &Path,
        bytes: &[u8],
        settings: &ImportSettings,
    ) -> Result<Table, ImportError> {
        if bytes.starts_with(b"PK\x03\x04") {
            return Table::read_workbook(path, bytes, settings);
        }
        let (text, encoding) = decode(bytes, settings.encoding);
        let separator = settings
            .separator
            .unwrap_or_else(|| detect_separator(&text));
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(separator)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut records = reader.records();
        let csv_error = |source: csv::Error| ImportError::Csv {
            path: path.to_owned(),
            line: source.position().map_or(0, |p| p.line()),
            source,
        };
        let headers: Vec<String> = match records.next() {
            Some(r) => r
                .map_err(csv_error)?
                .iter()
                .map(|h| h.trim().to_owned())
                .collect(),
            None => {
                return Err(ImportError::NoHeader {
                    path: path.to_owned(),
                });
            }
        };
        let mut rows = Vec::new();
        for record in records {
            let record = record.map_err(csv_error)?;
            let line = record.position().map_or(0, |p| p.line() as usize);
            rows.push((line, record.iter().map(str::to_owned).collect()));
        }
        let sep_name = match separator {
            b'\t' => "tabulation".to_owned(),
            s => format!("« {} »", char::from(s)),
        };
        Ok(Table {
            headers,
            rows,
            separator: Some(separator),
            format: format!("CSV, séparateur {sep_name}, {encoding}"),
        })
    }

    fn read_workbook(
        path: &Path,
        bytes: &[u8],
        settings: &ImportSettings,
    ) -> Result<Table, ImportError> {
        let workbook_error = |source| ImportError::Workbook {
            path: path.to_owned(),
            source,
        };
        let mut book =
            calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(workbook_error)?;
        let names = book.sheet_names();
        let sheet = match &settings.sheet {
            Some(wanted) => names
                .iter()
                .find(|n| *n == wanted)
                .cloned()
                .ok_or_else(|| ImportError::NoSuchSheet {
                    path: path.to_owned(),
                    sheet: wanted.clone(),
                    available: names.join(", "),
                })?,
            None => names
                .first()
                .cloned()
                .ok_or_else(|| ImportError::NoHeader {
                    path: path.to_owned(),
                })?,
        };
        let range = book.worksheet_range(&sheet).map_err(workbook_error)?;
        let first_row = range.start().map_or(0, |(r, _)| r as usize);
        let mut rows = range.rows().enumerate().map(|(i, cells)| {
            (
                first_row + i + 1,
                cells.iter().map(cell_text).collect::<Vec<_>>(),
            )
        });
        let headers = loop {
            match rows.next() {
                Some((_, cells)) if cells.iter().all(|c| c.trim().is_empty()) => continue,
                Some((_, cells)) => break cells.into_iter().map(|c| c.trim().to_owned()).collect(),
                None => {
                    return Err(ImportError::NoHeader {
                        path: path.to_owned(),
                    });
                }
            }
        };
        Ok(Table {
            headers,
            rows: rows.collect(),
            separator: None,
            format: format!("classeur, feuille « {sheet} »"),
        })
    }
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        // Ticket numbers typed into Excel become floats: 1234.0 → "1234".
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        other => other.to_string(),
    }
}

/// Decodes text: a BOM wins (UTF-8, UTF-16); otherwise UTF-8 when valid, else
/// Windows-1252, which is what Excel writes in France ("CSV (séparateur :
/// point-virgule)").
fn decode(bytes: &[u8], encoding: Encoding) -> (String, &'static str) {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return (text.into_owned(), enc.name());
    }
    let utf8 = match encoding {
        Encoding::Utf8 => true,
        Encoding::Windows1252 => false,
        Encoding::Auto => std::str::from_utf8(bytes).is_ok(),
    };
    if utf8 {
        let (text, _) = encoding_rs::UTF_8.decode_without_bom_handling(bytes);
        (text.into_owned(), "UTF-8")
    } else {
        let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
        (text.into_owned(), "windows-1252")
    }
}

/// The separator of the header line: the most frequent of `;` `,` and tab
/// outside quotes; `,` when there is none.
fn detect_separator(text: &str) -> u8 {
    let header = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut counts = [(b';', 0usize), (b',', 0), (b'\t', 0)];
    let mut quoted = false;
    for b in header.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for (sep, n) in counts.iter_mut() {
                if b == *sep {
                    *n += 1;
                }
            }
        }
    }
    counts
        .iter()
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| *n > 0)
        .map_or(b',', |(s, _)| *s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_are_detected() {
        assert_eq!(detect_separator("Nom;Prénom;Courriel\n"), b';');
        assert_eq!(detect_separator("Nom,Prénom\n"), b',');
        assert_eq!(detect_separator("Nom\tPrénom\n"), b'\t');
        assert_eq!(detect_separator("\"Nom, usage\";Prénom\n"), b';');
        assert_eq!(detect_separator("Nom\n"), b',');
    }

    #[test]
    fn encodings_are_detected() {
        let cp1252 = b"Nom;Pr\xe9nom\nC\x9cur;H\xe9l\xe8ne\n";
        let (text, enc) = decode(cp1252, Encoding::Auto);
        assert_eq!(enc, "windows-1252");
        assert!(text.contains("Prénom") && text.contains("Cœur") && text.contains("Hélène"));
        let bom = "\u{feff}Nom;Prénom\n".as_bytes();
        let (text, enc) = decode(bom, Encoding::Auto);
        assert_eq!((text.as_str(), enc), ("Nom;Prénom\n", "UTF-8"));
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Nom\tPrénom\n".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&utf16, Encoding::Auto).0, "Nom\tPrénom\n");
    }

    #[test]
    fn csv_lines_are_the_file_lines() {
        let t = Table::read(
            Path::new("x.csv"),
            b"Nom;Pr\xe9nom\nDupont;\"Marie\nH\xe9l\xe8ne\"\nMartin;Jean\n",
            &ImportSettings::default(),
        )
        .unwrap();
        assert_eq!(t.headers, ["Nom", "Prénom"]);
        assert_eq!(t.rows[0].0, 2);
        assert_eq!(t.rows[1], (4, vec!["Martin".to_owned(), "Jean".to_owned()]));
    }
}
