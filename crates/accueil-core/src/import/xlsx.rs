//! Numbers as an .xlsx file stores them. calamine reads every number cell
//! as a float, and a float holds 15 to 17 digits: a 23-digit Eventbrite
//! barcode written as a number comes out as 39810234554957710000000. The
//! file itself has the digits; this reads them back for the cells that
//! need it, so that a barcode is never rounded.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::Event;

/// What the file says of one sheet.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct SheetScan {
    /// Cell (row, column), 0-based → its exact text.
    pub exact: HashMap<(usize, usize), String>,
    /// The first and last rows and columns holding a cell, 0-based.
    pub extent: Option<((usize, usize), (usize, usize))>,
}

impl SheetScan {
    /// How many cells a reader of the sheet as a grid must hold.
    pub fn area(&self) -> usize {
        self.extent.map_or(0, |((r0, c0), (r1, c1))| {
            (r1 - r0 + 1).saturating_mul(c1 - c0 + 1)
        })
    }
}

/// Per sheet name.
pub type ExactNumbers = HashMap<String, SheetScan>;

#[derive(Debug)]
pub struct Unreadable;

/// The number cells of `sheets` whose stored text is a whole number too
/// long for a float (16 digits or more). Anything unexpected gives up
/// quietly: calamine's reading stands.
pub fn exact_numbers(bytes: &[u8], sheets: &[String]) -> Result<ExactNumbers, Unreadable> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| Unreadable)?;
    let workbook = entry(&mut zip, "xl/workbook.xml")?;
    let rels = entry(&mut zip, "xl/_rels/workbook.xml.rels")?;
    let targets = relationship_targets(&rels)?;
    let mut out = ExactNumbers::new();
    for (name, rel) in sheet_relations(&workbook)? {
        if !sheets.contains(&name) {
            continue;
        }
        let Some(target) = targets.get(&rel) else {
            continue;
        };
        let path = match target.strip_prefix('/') {
            Some(absolute) => absolute.to_owned(),
            None => format!("xl/{target}"),
        };
        let xml = entry(&mut zip, &path)?;
        out.insert(name, scan_sheet(&xml)?);
    }
    Ok(out)
}

fn entry(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Result<Vec<u8>, Unreadable> {
    let mut file = zip.by_name(name).map_err(|_| Unreadable)?;
    let mut buf = Vec::new();
    file.read_to_end(&mut buf).map_err(|_| Unreadable)?;
    Ok(buf)
}

fn attr(e: &quick_xml::events::BytesStart<'_>, local: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find_map(|a| (a.key.local_name().as_ref() == local).then(|| a.value.to_string()))
}

/// `<sheet name="…" r:id="rId1"/>` → (name, relation id), in order.
fn sheet_relations(xml: &[u8]) -> Result<Vec<(String, String)>, Unreadable> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut out = Vec::new();
    loop {
        match reader.read_event_into(&mut buf).map_err(|_| Unreadable)? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "sheet" => {
                if let (Some(name), Some(id)) = (attr(&e, "name"), attr(&e, "id")) {
                    out.push((unescape(&name), id));
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}

fn relationship_targets(xml: &[u8]) -> Result<HashMap<String, String>, Unreadable> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut out = HashMap::new();
    loop {
        match reader.read_event_into(&mut buf).map_err(|_| Unreadable)? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "Relationship" => {
                if let (Some(id), Some(target)) = (attr(&e, "Id"), attr(&e, "Target")) {
                    out.insert(id, target);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// "AB12" → (11, 27).
fn cell_ref(r: &str) -> Option<(usize, usize)> {
    let split = r.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = r.split_at(split);
    if letters.is_empty() {
        return None;
    }
    let mut col = 0usize;
    for c in letters.chars() {
        if !c.is_ascii_uppercase() {
            return None;
        }
        col = col * 26 + (c as usize - 'A' as usize + 1);
    }
    let row: usize = digits.parse().ok()?;
    Some((row.checked_sub(1)?, col - 1))
}

/// A whole number with more digits than a float keeps.
fn is_long_integer(v: &str) -> bool {
    let digits = v.strip_prefix('-').unwrap_or(v);
    digits.len() >= 16 && digits.bytes().all(|b| b.is_ascii_digit())
}

fn scan_sheet(xml: &[u8]) -> Result<SheetScan, Unreadable> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut out = HashMap::new();
    let mut extent: Option<((usize, usize), (usize, usize))> = None;
    let mut seen = |at: (usize, usize)| {
        extent = Some(match extent {
            None => (at, at),
            Some(((r0, c0), (r1, c1))) => {
                ((r0.min(at.0), c0.min(at.1)), (r1.max(at.0), c1.max(at.1)))
            }
        });
    };
    let mut row = 0usize;
    let mut next_col = 0usize;
    // The cell being read, when it is a number cell.
    let mut cell: Option<(usize, usize)> = None;
    let mut in_value = false;
    loop {
        match reader.read_event_into(&mut buf).map_err(|_| Unreadable)? {
            Event::Start(e) if e.local_name().as_ref() == "row" => {
                if let Some(r) = attr(&e, "r").and_then(|r| r.parse::<usize>().ok()) {
                    row = r.saturating_sub(1);
                }
                next_col = 0;
            }
            Event::End(e) if e.local_name().as_ref() == "row" => row += 1,
            Event::Start(e) if e.local_name().as_ref() == "c" => {
                let at = attr(&e, "r")
                    .and_then(|r| cell_ref(&r))
                    .unwrap_or((row, next_col));
                next_col = at.1 + 1;
                seen(at);
                let numeric = matches!(attr(&e, "t").as_deref(), None | Some("n"));
                cell = numeric.then_some(at);
            }
            Event::Empty(e) if e.local_name().as_ref() == "c" => {
                let at = attr(&e, "r")
                    .and_then(|r| cell_ref(&r))
                    .unwrap_or((row, next_col));
                next_col = at.1 + 1;
                seen(at);
            }
            Event::End(e) if e.local_name().as_ref() == "c" => cell = None,
            Event::Start(e) if e.local_name().as_ref() == "v" => in_value = cell.is_some(),
            Event::End(e) if e.local_name().as_ref() == "v" => in_value = false,
            Event::Text(t) if in_value => {
                let text = t.as_ref().trim().to_owned();
                if let Some(at) = cell
                    && is_long_integer(&text)
                {
                    out.insert(at, text);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(SheetScan { exact: out, extent })
}

/// "XFD1048576" for (1048575, 16383).
pub fn cell_name(at: (usize, usize)) -> String {
    let mut col = at.1 + 1;
    let mut letters = Vec::new();
    while col > 0 {
        letters.push(char::from(b'A' + ((col - 1) % 26) as u8));
        col = (col - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", letters.into_iter().collect::<String>(), at.0 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references() {
        assert_eq!(cell_ref("A1"), Some((0, 0)));
        assert_eq!(cell_ref("AB12"), Some((11, 27)));
        assert_eq!(cell_ref("12"), None);
    }

    #[test]
    fn long_whole_numbers_are_read_as_written() {
        let xml = br#"<worksheet><sheetData><row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2"><v>39810234554957712040001</v></c><c r="C2"><v>1234</v></c></row></sheetData></worksheet>"#;
        let scan = scan_sheet(xml).unwrap();
        assert_eq!(scan.exact.len(), 1);
        assert_eq!(scan.exact[&(1, 1)], "39810234554957712040001");
        assert_eq!(scan.extent, Some(((1, 0), (1, 2))));
        assert_eq!(scan.area(), 3);
        assert_eq!(cell_name((1_048_575, 16_383)), "XFD1048576");
        assert_eq!(cell_name((0, 0)), "A1");
    }
}
