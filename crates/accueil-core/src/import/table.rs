//! Decoding a file into rows of text, whatever its format: CSV in any of the
//! encodings and separators French spreadsheets write, or every sheet of a
//! workbook. Which row holds the headers is decided later, by the profiles.

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader};

use super::{ImportError, ImportSettings, xlsx};

/// The text encoding of a CSV file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Encoding {
    /// BOM if any, else UTF-8 if valid, else Windows-1252 or Mac Roman,
    /// whichever reads as French.
    #[default]
    Auto,
    Utf8,
    Windows1252,
    /// What Excel for Mac writes as « CSV (Macintosh) ».
    MacRoman,
}

/// The rows of one CSV file or one sheet, each with the line (CSV) or row
/// (sheet) number people see when they open the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub rows: Vec<(usize, Vec<String>)>,
    /// The CSV separator, when the source is CSV.
    pub separator: Option<u8>,
    /// The sheet's name, when the source is a workbook.
    pub sheet: Option<String>,
    /// How the file was read, for the report ("CSV, séparateur « ; », UTF-8").
    pub format: String,
}

/// Reads a file into tables: one for CSV; one per sheet for a workbook
/// (only `[import] sheet` when set).
pub fn read(
    path: &Path,
    bytes: &[u8],
    settings: &ImportSettings,
) -> Result<Vec<Table>, ImportError> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        return read_workbook(path, bytes, settings);
    }
    read_csv(path, bytes, settings).map(|t| vec![t])
}

fn read_csv(path: &Path, bytes: &[u8], settings: &ImportSettings) -> Result<Table, ImportError> {
    let (mut text, encoding) =
        decode(bytes, settings.encoding).map_err(|e| ImportError::Encoding {
            path: path.to_owned(),
            problem: e,
        })?;
    // Classic Mac files end lines with a lone CR.
    if !text.contains('\n') && text.contains('\r') {
        text = text.replace('\r', "\n");
    }
    let separator = settings
        .separator
        .unwrap_or_else(|| detect_separator(&text));
    if let Some((line, closed)) = open_quote(&text, separator) {
        return Err(ImportError::OpenQuote {
            path: path.to_owned(),
            line,
            closed,
        });
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    // The csv crate counts a CRLF line's LF as the start of the next
    // record: lines are counted here, from the record's first byte.
    let bytes = text.as_bytes();
    let (mut counted_to, mut line) = (0usize, 1usize);
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let mut start = record.position().map_or(0, |p| p.byte() as usize);
                while bytes.get(start).is_some_and(|b| *b == b'\r' || *b == b'\n') {
                    start += 1;
                }
                let start = start.min(bytes.len());
                if start > counted_to {
                    line += bytes[counted_to..start]
                        .iter()
                        .filter(|&&b| b == b'\n')
                        .count();
                    counted_to = start;
                }
                rows.push((line, record.iter().map(str::to_owned).collect()));
            }
            Err(source) => {
                return Err(ImportError::Csv {
                    path: path.to_owned(),
                    line: source.position().map_or(0, |p| p.line()),
                    source,
                });
            }
        }
    }
    let sep_name = match separator {
        b'\t' => "tabulation".to_owned(),
        s => format!("« {} »", char::from(s)),
    };
    Ok(Table {
        rows,
        separator: Some(separator),
        sheet: None,
        format: format!("CSV, séparateur {sep_name}, {encoding}"),
    })
}

fn read_workbook(
    path: &Path,
    bytes: &[u8],
    settings: &ImportSettings,
) -> Result<Vec<Table>, ImportError> {
    let workbook_error = |source| ImportError::Workbook {
        path: path.to_owned(),
        source,
    };
    let mut book =
        calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(workbook_error)?;
    let names = book.sheet_names();
    let wanted: Vec<String> = match &settings.sheet {
        Some(wanted) => vec![
            names
                .iter()
                .find(|n| *n == wanted)
                .cloned()
                .ok_or_else(|| ImportError::NoSuchSheet {
                    path: path.to_owned(),
                    sheet: wanted.clone(),
                    available: names.join(", "),
                })?,
        ],
        None => names.clone(),
    };
    if wanted.is_empty() {
        return Err(ImportError::NoHeader {
            path: path.to_owned(),
        });
    }
    // Numbers as Excel stores them (a 23-digit barcode is a float to
    // calamine); only for .xlsx, the format every platform exports.
    let exact = if bytes.starts_with(b"PK\x03\x04") {
        xlsx::exact_numbers(bytes, &wanted).unwrap_or_default()
    } else {
        Default::default()
    };
    let mut tables = Vec::with_capacity(wanted.len());
    for sheet in wanted {
        let scan = exact.get(&sheet);
        // A cell far from the others makes a grid of billions of cells:
        // refused before the grid is built.
        if let Some(scan) = scan
            && scan.area() > MAX_SHEET_CELLS
            && let Some((first, last)) = scan.extent
        {
            return Err(ImportError::SheetTooLarge {
                path: path.to_owned(),
                message: format!(
                    "de {} à {}, {} lignes sur {} colonnes — bien plus qu'une liste : supprimez les lignes et colonnes au-delà de la liste (une cellule tapée très loin suffit), ou enregistrez la feuille en CSV",
                    xlsx::cell_name(first),
                    xlsx::cell_name(last),
                    last.0 - first.0 + 1,
                    last.1 - first.1 + 1
                ),
                sheet,
            });
        }
        let range = book.worksheet_range(&sheet).map_err(workbook_error)?;
        let (first_row, first_col) = range.start().unwrap_or((0, 0));
        let patches = scan.map(|s| &s.exact);
        let rows = range
            .rows()
            .enumerate()
            .map(|(i, cells)| {
                let row = first_row as usize + i;
                let texts = cells
                    .iter()
                    .enumerate()
                    .map(|(j, cell)| {
                        let col = first_col as usize + j;
                        patches
                            .and_then(|p| p.get(&(row, col)))
                            .cloned()
                            .unwrap_or_else(|| cell_text(cell))
                    })
                    .collect();
                (row + 1, texts)
            })
            .collect();
        tables.push(Table {
            rows,
            separator: None,
            format: format!("classeur, feuille « {sheet} »"),
            sheet: Some(sheet),
        });
    }
    Ok(tables)
}

/// The largest grid a sheet may make: 200,000 rows of 100 columns.
const MAX_SHEET_CELLS: usize = 20_000_000;

/// A cell as Excel shows it in a « Standard » cell: whole numbers without a
/// decimal point, others with at most 15 significant digits.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::Float(f) => number_text(*f),
        Data::Int(i) => i.to_string(),
        Data::Bool(true) => "VRAI".into(),
        Data::Bool(false) => "FAUX".into(),
        // As Excel shows a date, a time or both (calamine gives the serial
        // number): « 2026-06-11 », « 09:30 », « 2026-06-11 09:30 ».
        Data::DateTime(d) if d.is_datetime() => {
            let (y, mo, da, h, mi, s, _) = d.to_ymd_hms_milli();
            let v = d.as_f64();
            let time = if s > 0 {
                format!("{h:02}:{mi:02}:{s:02}")
            } else {
                format!("{h:02}:{mi:02}")
            };
            if v < 1.0 {
                time
            } else if v.fract() == 0.0 {
                format!("{y:04}-{mo:02}-{da:02}")
            } else {
                format!("{y:04}-{mo:02}-{da:02} {time}")
            }
        }
        other => other.to_string(),
    }
}

fn number_text(f: f64) -> String {
    if !f.is_finite() {
        return f.to_string();
    }
    // Whole numbers a float holds exactly (up to 2^53) are written out;
    // beyond, the last digits are not in the file any more.
    if f.fract() == 0.0 && f.abs() <= 9_007_199_254_740_992.0 {
        return format!("{}", f as i64);
    }
    // 15 significant digits, as Excel displays, without trailing zeros.
    let text = format!("{f:.14e}");
    match text.parse::<f64>() {
        Ok(rounded) => {
            let plain = format!("{rounded}");
            if plain.len() > 20 {
                excel_exponent(&text)
            } else {
                plain
            }
        }
        Err(_) => f.to_string(),
    }
}

/// Rust's `3.98102345559577e22` as Excel writes it: `3.98102345559577E+22`
/// (a sign, two digits at least), trailing zeros of the mantissa dropped.
fn excel_exponent(text: &str) -> String {
    let Some((mantissa, exponent)) = text.split_once('e') else {
        return text.to_owned();
    };
    let mantissa = if mantissa.contains('.') {
        mantissa.trim_end_matches('0').trim_end_matches('.')
    } else {
        mantissa
    };
    let (sign, digits) = match exponent.strip_prefix('-') {
        Some(d) => ('-', d),
        None => ('+', exponent),
    };
    format!("{mantissa}E{sign}{digits:0>2}")
}

/// Why the bytes of a CSV cannot be read as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// Bytes that are not of the file's encoding (after a UTF-8 BOM, or
    /// with `encoding = "utf-8"`), from this line.
    Invalid { line: usize, encoding: &'static str },
    /// Rows in UTF-8 and rows in another encoding: one line saved by
    /// another tool.
    Mixed { utf8_line: usize, other_line: usize },
}

/// The line (from 1) of a byte offset.
fn line_of(bytes: &[u8], offset: usize) -> usize {
    1 + bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

/// Decodes text: a BOM wins (UTF-8, UTF-16); otherwise UTF-8 when valid,
/// else Windows-1252 (Excel on Windows in France, « CSV (séparateur :
/// point-virgule) ») or Mac Roman (Excel for Mac), whichever turns the
/// bytes above 127 into letters. Nothing is replaced silently: bytes the
/// encoding cannot hold, or a file whose rows are in two encodings, are
/// refused with the line.
pub fn decode(bytes: &[u8], encoding: Encoding) -> Result<(String, &'static str), DecodeError> {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let body = &bytes[bom_len..];
        return match enc.decode_without_bom_handling_and_without_replacement(body) {
            Some(text) => Ok((text.into_owned(), enc.name())),
            None => Err(DecodeError::Invalid {
                line: if enc == encoding_rs::UTF_8 {
                    first_invalid_utf8(body).map_or(1, |at| line_of(body, at))
                } else {
                    1
                },
                encoding: enc.name(),
            }),
        };
    }
    let chosen = match encoding {
        Encoding::Utf8 => encoding_rs::UTF_8,
        Encoding::Windows1252 => encoding_rs::WINDOWS_1252,
        Encoding::MacRoman => encoding_rs::MACINTOSH,
        Encoding::Auto => match first_invalid_utf8(bytes) {
            None => encoding_rs::UTF_8,
            Some(bad) => {
                // A few real UTF-8 letters elsewhere: another tool saved
                // some rows in UTF-8, others not.
                if let Some(good) = utf8_letters_at(bytes, 2) {
                    return Err(DecodeError::Mixed {
                        utf8_line: line_of(bytes, good),
                        other_line: line_of(bytes, bad),
                    });
                }
                if letters(bytes, encoding_rs::MACINTOSH)
                    > letters(bytes, encoding_rs::WINDOWS_1252)
                {
                    encoding_rs::MACINTOSH
                } else {
                    encoding_rs::WINDOWS_1252
                }
            }
        },
    };
    if chosen == encoding_rs::UTF_8
        && let Some(bad) = first_invalid_utf8(bytes)
    {
        return Err(DecodeError::Invalid {
            line: line_of(bytes, bad),
            encoding: "UTF-8",
        });
    }
    let (text, _) = chosen.decode_without_bom_handling(bytes);
    let name = if chosen == encoding_rs::MACINTOSH {
        "Mac Roman"
    } else {
        chosen.name()
    };
    Ok((text.into_owned(), name))
}

fn first_invalid_utf8(bytes: &[u8]) -> Option<usize> {
    std::str::from_utf8(bytes).err().map(|e| e.valid_up_to())
}

/// Where the `n`th letter written in (multi-byte) UTF-8 starts, if the
/// bytes hold that many.
fn utf8_letters_at(bytes: &[u8], n: usize) -> Option<usize> {
    let mut seen = 0;
    let mut offset = 0;
    for chunk in bytes.utf8_chunks() {
        for (i, c) in chunk.valid().char_indices() {
            // Latin letters with accents (U+00C0–U+017F: é, ç, œ, ł…), as
            // UTF-8 writes them. Other letters are what two bytes of
            // Windows-1252 or Mac Roman often make by chance (« ÿæ » in Mac
            // Roman reads as an Arabic letter in UTF-8).
            if ('\u{C0}'..='\u{17F}').contains(&c) && c.is_alphabetic() {
                seen += 1;
                if seen == n {
                    return Some(offset + i);
                }
            }
        }
        offset += chunk.valid().len() + chunk.invalid().len();
    }
    None
}

/// A quote that opens a field and does not close where it should: either
/// never (it swallows the rest of the file), or only lines later, after
/// lines that read as rows of their own. Returns the line it opens on, and
/// the line it closes on (`None`: never).
pub fn open_quote(text: &str, sep: u8) -> Option<(usize, Option<usize>)> {
    let b = text.as_bytes();
    // Separators on a typical line: embedded lines with as many are rows.
    let mut counts: Vec<usize> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(30)
        .map(|l| count_outside_quotes(l, sep))
        .collect();
    counts.sort_unstable();
    let typical = counts.get(counts.len() / 2).copied().unwrap_or(0);
    let (mut line, mut i) = (1usize, 0usize);
    let mut field_start = true;
    while i < b.len() {
        let c = b[i];
        if c == b'"' && field_start {
            let opened = line;
            let mut embedded_seps = 0usize;
            let mut row_like = false;
            i += 1;
            loop {
                match b.get(i) {
                    None => return Some((opened, None)),
                    Some(b'"') if b.get(i + 1) == Some(&b'"') => i += 2,
                    Some(b'"') => break,
                    Some(b'\n') => {
                        line += 1;
                        if typical > 0 && embedded_seps >= typical {
                            row_like = true;
                        }
                        embedded_seps = 0;
                        i += 1;
                    }
                    Some(&x) => {
                        if x == sep {
                            embedded_seps += 1;
                        }
                        i += 1;
                    }
                }
            }
            if row_like || (typical > 0 && line > opened && embedded_seps >= typical) {
                return Some((opened, Some(line)));
            }
            field_start = false;
        } else if c == sep {
            field_start = true;
        } else if c == b'\n' {
            line += 1;
            field_start = true;
        } else if c != b'\r' {
            field_start = false;
        }
        i += 1;
    }
    None
}

/// How many bytes above 127 decode to a letter next to another letter:
/// French text in the right encoding scores high, in the wrong one its
/// accents turn into symbols (« ‚ », « ˇ », « Ž »).
fn letters(bytes: &[u8], encoding: &'static encoding_rs::Encoding) -> usize {
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    let chars: Vec<char> = text.chars().collect();
    let mut score = 0;
    for (i, c) in chars.iter().enumerate() {
        if c.is_ascii() {
            continue;
        }
        let beside_letter = (i > 0 && chars[i - 1].is_alphabetic())
            || chars.get(i + 1).is_some_and(|n| n.is_alphabetic());
        if c.is_alphabetic() && beside_letter {
            score += 1;
        }
    }
    score
}

/// The separator of a CSV file: among `;` `,` and tab (outside quotes), the
/// one whose count is the same on most of the first lines — title lines
/// above the header have none; `,` when no line has any.
fn detect_separator(text: &str) -> u8 {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(30)
        .collect();
    let mut best = (b',', 0usize);
    for sep in [b';', b',', b'\t'] {
        let mut counts: Vec<usize> = lines.iter().map(|l| count_outside_quotes(l, sep)).collect();
        counts.retain(|&n| n > 0);
        counts.sort_unstable();
        // The most frequent count, weighted by how many lines share it.
        let mut score = 0;
        let mut i = 0;
        while i < counts.len() {
            let j = counts[i..].iter().take_while(|&&n| n == counts[i]).count();
            score = score.max(j * counts[i]);
            i += j;
        }
        if score > best.1 {
            best = (sep, score);
        }
    }
    best.0
}

fn count_outside_quotes(line: &str, sep: u8) -> usize {
    let mut quoted = false;
    let mut n = 0;
    for b in line.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted && b == sep {
            n += 1;
        }
    }
    n
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
        // A title line with a comma above a `;` table.
        assert_eq!(
            detect_separator("Inscrits, version 2\nNom;Prénom;Mail\nA;B;c@d.fr\nE;F;g@h.fr\n"),
            b';'
        );
    }

    #[test]
    fn encodings_are_detected() {
        let cp1252 = b"Nom;Pr\xe9nom\nC\x9cur;H\xe9l\xe8ne\n";
        let (text, enc) = decode(cp1252, Encoding::Auto).unwrap();
        assert_eq!(enc, "windows-1252");
        assert!(text.contains("Prénom") && text.contains("Cœur") && text.contains("Hélène"));
        let bom = "\u{feff}Nom;Prénom\n".as_bytes();
        let (text, enc) = decode(bom, Encoding::Auto).unwrap();
        assert_eq!((text.as_str(), enc), ("Nom;Prénom\n", "UTF-8"));
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Nom\tPrénom\n".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&utf16, Encoding::Auto).unwrap().0, "Nom\tPrénom\n");
    }

    #[test]
    fn mac_roman_is_told_from_windows_1252() {
        // « Prénom;Hélène;Françoise;Cœur » as Excel for Mac writes it.
        let (mac, _, _) = encoding_rs::MACINTOSH.encode("Prénom;Hélène;Françoise;Cœur;Éloïse\n");
        let (text, enc) = decode(&mac, Encoding::Auto).unwrap();
        assert_eq!(enc, "Mac Roman");
        assert_eq!(text, "Prénom;Hélène;Françoise;Cœur;Éloïse\n");
        let (win, _, _) = encoding_rs::WINDOWS_1252.encode("Prénom;Hélène;Françoise;Cœur;Éloïse\n");
        assert_eq!(decode(&win, Encoding::Auto).unwrap().1, "windows-1252");
    }

    #[test]
    fn csv_lines_are_the_file_lines_even_with_lone_cr() {
        let t = read_csv(
            Path::new("x.csv"),
            b"Nom;Pr\xe9nom\nDupont;\"Marie\nH\xe9l\xe8ne\"\nMartin;Jean\n",
            &ImportSettings::default(),
        )
        .unwrap();
        assert_eq!(t.rows[0].1, ["Nom", "Prénom"]);
        assert_eq!(t.rows[1].0, 2);
        assert_eq!(t.rows[2], (4, vec!["Martin".to_owned(), "Jean".to_owned()]));
        let mac = read_csv(
            Path::new("x.csv"),
            b"Nom;Prenom\rDupont;Marie\rMartin;Jean\r",
            &ImportSettings::default(),
        )
        .unwrap();
        assert_eq!(mac.rows.len(), 3);
        assert_eq!(
            mac.rows[2],
            (3, vec!["Martin".to_owned(), "Jean".to_owned()])
        );
    }

    #[test]
    fn a_stray_quote_inside_a_field_is_kept() {
        let t = read_csv(
            Path::new("x.csv"),
            "Nom;Adresse;Prénom\nDupont;12 rue du \"Moulin;Marie\n".as_bytes(),
            &ImportSettings::default(),
        )
        .unwrap();
        assert_eq!(t.rows[1].1, ["Dupont", "12 rue du \"Moulin", "Marie"]);
    }

    #[test]
    fn bytes_of_another_encoding_are_refused_with_their_line() {
        // A UTF-8 file with one row saved in Windows-1252.
        let mixed = b"Nom;Pr\xc3\xa9nom\nDupont;H\xc3\xa9l\xc3\xa8ne\nMartin;Andr\xe9\n";
        assert_eq!(
            decode(mixed, Encoding::Auto),
            Err(DecodeError::Mixed {
                utf8_line: 2,
                other_line: 3
            })
        );
        // Invalid bytes after a UTF-8 BOM, or with utf-8 asked for.
        let bom = b"\xef\xbb\xbfNom;Pr\xc3\xa9nom\nDupont;Marie\nMartin;Andr\xe9\n";
        assert_eq!(
            decode(bom, Encoding::Auto),
            Err(DecodeError::Invalid {
                line: 3,
                encoding: "UTF-8"
            })
        );
        assert!(matches!(
            decode(b"Nom\nAndr\xe9\n", Encoding::Utf8),
            Err(DecodeError::Invalid { line: 2, .. })
        ));
        // A whole Mac Roman file whose bytes happen to hold valid UTF-8
        // pairs (« ÿæ » and « œà » read as Arabic and Greek letters): one
        // encoding, read as such.
        let (mac, _, _) = encoding_rs::MACINTOSH.encode("Nom;Prénom\naÿæ;A\nA;ûœà\n");
        assert_eq!(
            decode(&mac, Encoding::Auto),
            Ok(("Nom;Prénom\naÿæ;A\nA;ûœà\n".to_owned(), "Mac Roman"))
        );
    }

    #[test]
    fn a_quote_left_open_is_found() {
        // Never closed: the rest of the file would be one name.
        assert_eq!(
            open_quote(
                "Nom;Prénom\n\"Dupont;Marie\nMartin;Jean\nDurand;Luc\n",
                b';'
            ),
            Some((2, None))
        );
        // Closed lines later, after lines that read as rows.
        assert_eq!(
            open_quote(
                "Nom;Prénom;Ville\n\"Dupont;Marie;Lyon\nMartin;Jean;Brest\nDurand\";Luc;Paris\n",
                b';'
            ),
            Some((2, Some(4)))
        );
        // A real multi-line value, and a quote inside a field, are fine.
        assert_eq!(
            open_quote(
                "Nom;Adresse;Ville\nDupont;\"1 rue X\nbât. B\";Lyon\nMartin;12 \"bis;Brest\n",
                b';'
            ),
            None
        );
    }

    #[test]
    fn numbers_read_as_excel_shows_them() {
        assert_eq!(number_text(1234.0), "1234");
        assert_eq!(number_text(0.1 + 0.2), "0.3");
        assert_eq!(number_text(12.5), "12.5");
        assert_eq!(number_text(1_234_567_890_123_456.0), "1234567890123456");
        assert_eq!(
            number_text(3.981_023_455_495_771e22),
            "3.98102345549577E+22"
        );
        assert_eq!(number_text(1.5e-7), "0.00000015");
        assert_eq!(excel_exponent("1.50000000000000e-7"), "1.5E-07");
    }
}
