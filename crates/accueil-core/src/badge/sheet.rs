//! A4 documents from the badge engine (same fonts, embedded and subset;
//! texts measured with the font's own advances, shrunk to fit their box,
//! never outside the page): a session's attendance sheet (« feuille
//! d'émargement ») and per-person attendance certificates (« attestation de
//! présence »).

use printpdf::{Line, LinePoint, Mm, Op, PdfDocument, PdfPage, PdfSaveOptions, Point, Pt};

use super::layout::{Area, Face, Measure, PT, TextLine, fit};
use super::{BadgeError, Fonts, Logo, place_image, pt};

const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
/// Margins on every side: inside what office printers print.
pub const MARGIN: f32 = 15.0;
const INK: &str = "#1A1A1A";
const MUTED: &str = "#555555";

/// One row of an attendance sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetRow {
    pub last_name: String,
    pub first_name: String,
    pub organisation: String,
    /// « 09:32 », or empty for someone registered who has not come.
    pub arrived: String,
}

/// The words of a document, in the language asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Words {
    French,
    English,
}

impl Words {
    fn pick(self, fr: &'static str, en: &'static str) -> &'static str {
        match self {
            Words::French => fr,
            Words::English => en,
        }
    }
}

/// A session's attendance sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub event: String,
    pub session: String,
    /// « Salle 2 · 28/09/2022 · 09:30–11:00 ».
    pub when: String,
    pub rows: Vec<SheetRow>,
    /// A column for signatures on paper.
    pub signatures: bool,
    pub words: Words,
    /// « 28/09/2022 11:05 ».
    pub generated: String,
}

/// One session on a certificate.
#[derive(Debug, Clone, PartialEq)]
pub struct Attended {
    pub date: String,
    pub times: String,
    pub title: String,
    pub room: String,
    /// « 1 h 30 ».
    pub duration: String,
}

/// One person's attendance certificate.
#[derive(Debug, Clone, PartialEq)]
pub struct Certificate {
    pub name: String,
    pub organisation: String,
    pub sessions: Vec<Attended>,
    pub total: String,
}

/// Who signs certificates, and where.
pub struct Signatory<'a> {
    pub event: &'a str,
    /// The organising body (« Direction interministérielle du numérique »).
    pub organiser: &'a str,
    /// Who signs (« Marie Curie, directrice »).
    pub name: &'a str,
    /// « Fait à Lyon, le 29/09/2022 » is made of it and `date`.
    pub place: &'a str,
    pub date: &'a str,
    pub signature: Option<&'a Logo>,
    pub words: Words,
}

/// Each column's left edge and width, from its share of `width`.
fn column_spans(shares: impl IntoIterator<Item = f32>, width: f32) -> Vec<(f32, f32)> {
    let mut x = MARGIN;
    shares
        .into_iter()
        .map(|share| {
            let c = (x, share * width);
            x += share * width;
            c
        })
        .collect()
}

/// What is drawn on one page, in millimetres from the top-left corner.
#[derive(Default)]
struct Page {
    text: Vec<TextLine>,
    /// Horizontal and vertical rules: (x1, y1, x2, y2).
    rules: Vec<(f32, f32, f32, f32)>,
    image: Option<Area>,
}

impl Page {
    /// One line of text fitted in a box (shrunk, never cut).
    fn text(&mut self, s: &str, face: Face, max_pt: f32, area: Area, colour: &str, m: &Fonts) {
        self.lines(s, face, max_pt, 1, area, colour, m);
    }

    /// A table cell: on two lines when that is larger.
    fn cell(&mut self, s: &str, max_pt: f32, area: Area, m: &Fonts) {
        self.lines(s, Face::Regular, max_pt, 2, area, INK, m);
    }

    /// A table's headings, in bold, in `head_h` below `y`.
    fn table_head(&mut self, heads: &[&str], xs: &[(f32, f32)], y: f32, head_h: f32, m: &Fonts) {
        for (h, (cx, cw)) in heads.iter().zip(xs) {
            self.text(
                h,
                Face::Bold,
                10.0,
                Area {
                    x: cx + 1.0,
                    y: y + 1.5,
                    w: cw - 2.0,
                    h: head_h,
                },
                INK,
                m,
            );
        }
    }

    /// One row of a table at `y`: its cells in `cell_h`, then the rule
    /// under it, `row_h` lower. Returns where the next row starts.
    #[allow(clippy::too_many_arguments)]
    fn table_row(
        &mut self,
        cells: &[&str],
        xs: &[(f32, f32)],
        y: f32,
        cell_h: f32,
        row_h: f32,
        width: f32,
        m: &Fonts,
    ) -> f32 {
        for (cell, (cx, cw)) in cells.iter().zip(xs) {
            self.cell(
                cell,
                10.0,
                Area {
                    x: cx + 1.0,
                    y: y + 0.6,
                    w: cw - 2.0,
                    h: cell_h - 1.2,
                },
                m,
            );
        }
        let y = y + row_h;
        self.rules.push((MARGIN, y, MARGIN + width, y));
        y
    }

    #[allow(clippy::too_many_arguments)]
    fn lines(
        &mut self,
        s: &str,
        face: Face,
        max_pt: f32,
        max_lines: usize,
        area: Area,
        colour: &str,
        m: &Fonts,
    ) {
        self.text.extend(
            fit(s, face, max_pt, max_lines, area, colour, m)
                .into_iter()
                .map(|mut l| {
                    // Left-aligned: `fit` centres.
                    let shift = l.x - area.x;
                    l.x -= shift;
                    l.area.x -= shift;
                    l
                }),
        );
    }

    /// A paragraph at `size_pt`, broken at spaces to fit `width`; returns
    /// the height it took.
    fn paragraph(
        &mut self,
        s: &str,
        face: Face,
        size_pt: f32,
        (x, y): (f32, f32),
        width: f32,
        m: &Fonts,
    ) -> f32 {
        let line_h = (m.ascent(face) + m.descent(face)) * size_pt * PT * 1.15;
        let mut lines: Vec<String> = Vec::new();
        for word in s.split_whitespace() {
            match lines.last_mut() {
                Some(l) if m.width_em(face, &format!("{l} {word}")) * size_pt * PT <= width => {
                    l.push(' ');
                    l.push_str(word);
                }
                _ => lines.push(word.to_owned()),
            }
        }
        for (i, l) in lines.iter().enumerate() {
            let area = Area {
                x,
                y: y + i as f32 * line_h,
                w: width,
                h: line_h,
            };
            self.text(l, face, size_pt, area, INK, m);
        }
        lines.len() as f32 * line_h
    }
}

fn render(title: &str, pages: Vec<Page>, signature: Option<&Logo>) -> Result<Vec<u8>, BadgeError> {
    let fonts = Fonts::get()?;
    let mut doc = PdfDocument::new(title);
    let regular = doc.add_font(&fonts.regular);
    let bold = doc.add_font(&fonts.bold);
    let image = signature.map(|l| (doc.add_image(&l.image), l.image.width, l.image.height));
    let mut out = Vec::new();
    for page in pages {
        let mut ops = Vec::new();
        let layout = super::BadgeLayout {
            size: (PAGE_W, PAGE_H),
            text: page.text,
            band: None,
            qr: None,
            logo: None,
        };
        super::draw(
            &mut ops,
            &layout,
            None,
            (0.0, 0.0),
            PAGE_H,
            [&regular, &bold],
        );
        ops.push(Op::SetOutlineColor {
            col: super::rgb("#9E9E9E"),
        });
        ops.push(Op::SetOutlineThickness { pt: Pt(0.4) });
        for (x1, y1, x2, y2) in page.rules {
            let p = |x: f32, y: f32| LinePoint {
                p: Point {
                    x: pt(x),
                    y: pt(PAGE_H - y),
                },
                bezier: false,
            };
            ops.push(Op::DrawLine {
                line: Line {
                    points: vec![p(x1, y1), p(x2, y2)],
                    is_closed: false,
                },
            });
        }
        if let (Some(area), Some((id, w, h))) = (page.image, &image) {
            ops.push(place_image(id.clone(), (*w, *h), area, (0.0, 0.0), PAGE_H));
        }
        out.push(PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), ops));
    }
    let mut warnings = Vec::new();
    Ok(doc
        .with_pages(out)
        .save(&PdfSaveOptions::default(), &mut warnings))
}

/// Rows of a sheet's table per page.
const ROW_H_PLAIN: f32 = 8.0;
const ROW_H_SIGNED: f32 = 12.0;

/// A session's attendance sheet: a header on every page, a table of the
/// people (name, first name, organisation, arrival, and a signature
/// column when asked), « page n / N ».
pub fn attendance_sheet(sheet: &Sheet) -> Result<Vec<u8>, BadgeError> {
    let pages = sheet_pages(sheet, Fonts::get()?);
    render(
        sheet.words.pick("Feuille d'émargement", "Attendance sheet"),
        pages,
        None,
    )
}

fn sheet_pages(sheet: &Sheet, m: &Fonts) -> Vec<Page> {
    let w = sheet.words;
    let width = PAGE_W - 2.0 * MARGIN;
    let row_h = if sheet.signatures {
        ROW_H_SIGNED
    } else {
        ROW_H_PLAIN
    };
    // Column shares of the width.
    let mut columns: Vec<(&str, f32)> = vec![
        (w.pick("Nom", "Last name"), 0.24),
        (w.pick("Prénom", "First name"), 0.19),
        (w.pick("Organisation", "Organisation"), 0.33),
        (w.pick("Arrivée", "Arrived"), 0.10),
    ];
    if sheet.signatures {
        columns = vec![
            (w.pick("Nom", "Last name"), 0.2),
            (w.pick("Prénom", "First name"), 0.16),
            (w.pick("Organisation", "Organisation"), 0.26),
            (w.pick("Arrivée", "Arrived"), 0.1),
            (w.pick("Signature", "Signature"), 0.28),
        ];
    }
    let header_h = 36.0;
    let table_top = MARGIN + header_h;
    let footer = PAGE_H - MARGIN - 6.0;
    let per_page = (((footer - table_top) / row_h) as usize)
        .saturating_sub(1)
        .max(1);
    let chunks: Vec<&[SheetRow]> = if sheet.rows.is_empty() {
        vec![&[]]
    } else {
        sheet.rows.chunks(per_page).collect()
    };
    let total = chunks.len();
    let mut pages = Vec::new();
    for (n, rows) in chunks.iter().enumerate() {
        let mut p = Page::default();
        let at = |y: f32, h: f32| Area {
            x: MARGIN,
            y,
            w: width,
            h,
        };
        p.text(&sheet.event, Face::Regular, 11.0, at(MARGIN, 6.0), MUTED, m);
        p.text(
            w.pick("Feuille d'émargement", "Attendance sheet"),
            Face::Bold,
            18.0,
            at(MARGIN + 6.0, 9.0),
            INK,
            m,
        );
        p.text(
            &sheet.session,
            Face::Bold,
            13.0,
            at(MARGIN + 16.0, 7.0),
            INK,
            m,
        );
        p.text(
            &sheet.when,
            Face::Regular,
            11.0,
            at(MARGIN + 23.5, 6.0),
            MUTED,
            m,
        );
        // The table: headers, then one row per person.
        let xs = column_spans(columns.iter().map(|(_, share)| *share), width);
        let heads: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
        p.table_head(&heads, &xs, table_top, row_h.min(8.0) - 3.0, m);
        let mut y = table_top;
        p.rules.push((MARGIN, y, MARGIN + width, y));
        y += row_h.min(8.0);
        p.rules.push((MARGIN, y, MARGIN + width, y));
        for r in *rows {
            let cells = [&*r.last_name, &r.first_name, &r.organisation, &r.arrived];
            y = p.table_row(&cells, &xs, y, ROW_H_PLAIN, row_h, width, m);
        }
        for (cx, _) in &xs {
            p.rules.push((*cx, table_top, *cx, y));
        }
        p.rules.push((MARGIN + width, table_top, MARGIN + width, y));
        let foot = format!(
            "{} {} / {} · {} · {} {}",
            w.pick("page", "page"),
            n + 1,
            total,
            match w {
                Words::French => format!("{} personne(s)", sheet.rows.len()),
                Words::English => format!("{} people", sheet.rows.len()),
            },
            w.pick("édité par accueil le", "made by accueil on"),
            sheet.generated
        );
        p.text(&foot, Face::Regular, 9.0, at(footer + 1.0, 5.0), MUTED, m);
        pages.push(p);
    }
    pages
}

/// One certificate per person, a page each.
pub fn certificates(people: &[Certificate], by: &Signatory<'_>) -> Result<Vec<u8>, BadgeError> {
    let pages = certificate_pages(people, by, Fonts::get()?);
    render(
        by.words
            .pick("Attestations de présence", "Certificates of attendance"),
        pages,
        by.signature,
    )
}

fn certificate_pages(people: &[Certificate], by: &Signatory<'_>, m: &Fonts) -> Vec<Page> {
    let w = by.words;
    let width = PAGE_W - 2.0 * MARGIN;
    let mut pages = Vec::new();
    for c in people {
        let mut p = Page::default();
        let at = |y: f32, h: f32| Area {
            x: MARGIN,
            y,
            w: width,
            h,
        };
        p.text(by.organiser, Face::Bold, 12.0, at(MARGIN, 7.0), MUTED, m);
        p.text(
            w.pick("Attestation de présence", "Certificate of attendance"),
            Face::Bold,
            22.0,
            at(MARGIN + 20.0, 11.0),
            INK,
            m,
        );
        let who = if c.organisation.is_empty() {
            c.name.clone()
        } else {
            format!("{} ({})", c.name, c.organisation)
        };
        let text = match w {
            Words::French => format!(
                "Je soussigné·e, {}, atteste que {who} a assisté aux séances suivantes de « {} » :",
                by.name, by.event
            ),
            Words::English => format!(
                "I, the undersigned, {}, certify that {who} attended the following sessions of “{}”:",
                by.name, by.event
            ),
        };
        let mut y = MARGIN + 40.0;
        y += p.paragraph(&text, Face::Regular, 12.0, (MARGIN, y), width, m) + 6.0;
        let cols = [0.17, 0.17, 0.36, 0.18, 0.12];
        let heads = [
            w.pick("Date", "Date"),
            w.pick("Horaire", "Time"),
            w.pick("Séance", "Session"),
            w.pick("Salle", "Room"),
            w.pick("Durée", "Duration"),
        ];
        let xs = column_spans(cols, width);
        let row_h = 8.0;
        let signature_h = 45.0;
        let limit = PAGE_H - MARGIN - signature_h - 2.0 * row_h;
        p.rules.push((MARGIN, y, MARGIN + width, y));
        p.table_head(&heads, &xs, y, row_h - 3.0, m);
        y += row_h;
        p.rules.push((MARGIN, y, MARGIN + width, y));
        // A certificate is one page: beyond what fits, the last row says how many more.
        let fits = (((limit - y) / row_h) as usize).max(1);
        let shown = if c.sessions.len() > fits {
            fits - 1
        } else {
            c.sessions.len()
        };
        for s in &c.sessions[..shown] {
            let cells = [&*s.date, &s.times, &s.title, &s.room, &s.duration];
            y = p.table_row(&cells, &xs, y, row_h, row_h, width, m);
        }
        if shown < c.sessions.len() {
            let more = match w {
                Words::French => format!("… et {} autre(s) séance(s)", c.sessions.len() - shown),
                Words::English => format!("… and {} more session(s)", c.sessions.len() - shown),
            };
            p.text(
                &more,
                Face::Regular,
                10.0,
                Area {
                    x: MARGIN + 1.0,
                    y: y + 1.5,
                    w: width - 2.0,
                    h: 5.0,
                },
                MUTED,
                m,
            );
            y += row_h;
        }
        let total = format!("{} {}", w.pick("Total :", "Total:"), c.total);
        p.text(
            &total,
            Face::Bold,
            12.0,
            Area {
                x: MARGIN,
                y: y + 3.0,
                w: width,
                h: 6.0,
            },
            INK,
            m,
        );
        let bottom = PAGE_H - MARGIN - signature_h;
        let done = match w {
            Words::French => format!("Fait à {}, le {}", by.place, by.date),
            Words::English => format!("{}, {}", by.place, by.date),
        };
        let right = MARGIN + width / 2.0;
        p.text(
            &done,
            Face::Regular,
            11.0,
            Area {
                x: right,
                y: bottom,
                w: width / 2.0,
                h: 6.0,
            },
            INK,
            m,
        );
        if by.signature.is_some() {
            p.image = Some(Area {
                x: right,
                y: bottom + 8.0,
                w: width / 2.0,
                h: 28.0,
            });
        }
        p.text(
            by.name,
            Face::Regular,
            11.0,
            Area {
                x: right,
                y: bottom + 38.0,
                w: width / 2.0,
                h: 6.0,
            },
            INK,
            m,
        );
        pages.push(p);
    }
    pages
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inside(pages: &[Page]) -> Vec<String> {
        let mut out = Vec::new();
        for (n, p) in pages.iter().enumerate() {
            for t in &p.text {
                let a = &t.area;
                let ok = a.x >= MARGIN - 0.01
                    && a.x + a.w <= PAGE_W - MARGIN + 0.01
                    && a.y >= MARGIN - 0.01
                    && a.y + a.h <= PAGE_H - MARGIN + 0.01
                    && t.size_pt >= 5.0;
                if !ok {
                    out.push(format!(
                        "page {}: « {} » at {a:?}, {} pt",
                        n + 1,
                        t.text,
                        t.size_pt
                    ));
                }
            }
        }
        out
    }

    fn long_sheet(signatures: bool) -> Sheet {
        Sheet {
            event: "Journées nationales de l'innovation publique, édition des territoires 2022".into(),
            session: "Atelier « Écrire pour être compris : le langage clair dans les courriers administratifs »".into(),
            when: "Salle Marianne · 28/09/2022 · 09:30–11:00".into(),
            rows: (0..95)
                .map(|i| SheetRow {
                    last_name: format!("Çavuşoğlu-Lefèvre de la Tour d'Auvergne {i}"),
                    first_name: "Marie-Hélène".into(),
                    organisation: "Direction départementale de l'emploi, du travail et des solidarités du Rhône".into(),
                    arrived: "09:32".into(),
                })
                .collect(),
            signatures,
            words: Words::French,
            generated: "28/09/2022 11:05".into(),
        }
    }

    #[test]
    fn every_text_of_a_long_sheet_stays_inside_the_margins_and_legible() {
        let m = Fonts::get().unwrap();
        for signatures in [false, true] {
            let pages = sheet_pages(&long_sheet(signatures), m);
            assert!(pages.len() >= 3, "95 people over several pages");
            assert_eq!(inside(&pages), Vec::<String>::new());
            let names: usize = pages
                .iter()
                .flat_map(|p| &p.text)
                .filter(|t| t.text.starts_with("Çavuşoğlu"))
                .count();
            assert_eq!(names, 95, "everyone once");
        }
    }

    #[test]
    fn a_certificate_is_one_page_whatever_it_lists() {
        let m = Fonts::get().unwrap();
        let sessions: Vec<Attended> = (0..60)
            .map(|i| Attended {
                date: "28/09/2022".into(),
                times: "09:30–11:00".into(),
                title: format!("Atelier numéro {i} sur un sujet dont le titre est très long"),
                room: "Salle Marianne".into(),
                duration: "1 h 30".into(),
            })
            .collect();
        let people = vec![Certificate {
            name: "Marie-Hélène Çavuşoğlu-Lefèvre".into(),
            organisation: "Direction départementale de l'emploi, du travail et des solidarités"
                .into(),
            sessions,
            total: "90 h".into(),
        }];
        let by = Signatory {
            event: "Journées",
            organiser: "Direction interministérielle",
            name: "Marie Curie, directrice",
            place: "Lyon",
            date: "29/09/2022",
            signature: None,
            words: Words::French,
        };
        let pages = certificate_pages(&people, &by, m);
        assert_eq!(pages.len(), 1);
        assert_eq!(inside(&pages), Vec::<String>::new());
        assert!(
            pages[0]
                .text
                .iter()
                .any(|t| t.text.contains("autre(s) séance(s)"))
        );
    }
}
