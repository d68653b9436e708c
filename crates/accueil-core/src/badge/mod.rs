//! Badges as PDF: the only user of printpdf. Layout (pure geometry, measured
//! with the shipped font's real glyph advances) is in [`layout`]; this module
//! draws it, with the fonts embedded and subset and the QR code as vector
//! rectangles.

pub mod layout;
pub mod sheet;

use std::sync::OnceLock;

use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle,
    PdfPage, PdfSaveOptions, Point, Pt, RawImage, Rect, Rgb, TextItem, XObjectId, XObjectTransform,
};
use qrcode::{EcLevel, QrCode};

pub use layout::{BadgeLayout, BadgeText, Elements, Face, Format, LayoutError, Measure};

static REGULAR_TTF: &[u8] = include_bytes!("../../../../fonts/NotoSans-Regular.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../../../../fonts/NotoSans-Bold.ttf");

#[derive(Debug, thiserror::Error)]
pub enum BadgeError {
    #[error(transparent)]
    Layout(#[from] LayoutError),
    #[error(
        "QR code impossible pour « {content} » : {source} — raccourcissez son contenu ([badge] qr)"
    )]
    Qr {
        content: String,
        source: qrcode::types::QrError,
    },
    #[error("police embarquée illisible ({0}) — le binaire est endommagé, réinstallez accueil")]
    Font(&'static str),
    #[error("logo illisible ({0}) — donnez un PNG ou un JPEG dans [badge] logo")]
    Logo(String),
}

/// An event logo, decoded once per document.
pub struct Logo {
    image: RawImage,
}

impl Logo {
    pub fn decode(bytes: &[u8]) -> Result<Logo, BadgeError> {
        let image =
            RawImage::decode_from_bytes(bytes, &mut Vec::new()).map_err(BadgeError::Logo)?;
        if image.width == 0 || image.height == 0 {
            return Err(BadgeError::Logo("image vide".into()));
        }
        Ok(Logo { image })
    }
}

/// One person's badge: what it says and what its QR code holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Badge {
    pub text: BadgeText,
    pub qr_content: String,
}

/// The badge font (Noto Sans, shipped in fonts/), parsed once.
pub struct Fonts {
    regular: ParsedFont,
    bold: ParsedFont,
}

impl Fonts {
    pub fn get() -> Result<&'static Fonts, BadgeError> {
        static FONTS: OnceLock<Option<Fonts>> = OnceLock::new();
        FONTS
            .get_or_init(|| {
                Some(Fonts {
                    regular: ParsedFont::from_bytes(REGULAR_TTF, 0, &mut Vec::new())?,
                    bold: ParsedFont::from_bytes(BOLD_TTF, 0, &mut Vec::new())?,
                })
            })
            .as_ref()
            .ok_or(BadgeError::Font("NotoSans"))
    }

    fn face(&self, face: Face) -> &ParsedFont {
        match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
        }
    }
}

impl Measure for Fonts {
    fn advance(&self, face: Face, c: char) -> f32 {
        let font = self.face(face);
        let units = f32::from(font.pdf_font_metrics.units_per_em.max(1));
        // A character the font lacks is drawn as the .notdef box: measure that.
        let gid = font.lookup_glyph_index(c as u32).unwrap_or(0);
        f32::from(font.get_horizontal_advance(gid)) / units
    }
    fn ascent(&self, face: Face) -> f32 {
        let font = self.face(face);
        f32::from(font.hhea_table.ascender) / f32::from(font.pdf_font_metrics.units_per_em.max(1))
    }
    fn descent(&self, face: Face) -> f32 {
        let font = self.face(face);
        -f32::from(font.hhea_table.descender) / f32::from(font.pdf_font_metrics.units_per_em.max(1))
    }
}

/// The QR code of a content: dark modules, row by row.
pub struct QrMatrix {
    pub width: usize,
    dark: Vec<bool>,
}

impl QrMatrix {
    pub fn encode(content: &str) -> Result<QrMatrix, BadgeError> {
        let code = QrCode::with_error_correction_level(content.as_bytes(), EcLevel::M).map_err(
            |source| BadgeError::Qr {
                content: content.to_owned(),
                source,
            },
        )?;
        let width = code.width();
        let dark = code
            .to_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect();
        Ok(QrMatrix { width, dark })
    }

    /// The code as an SVG image for a web page: its runs as rectangles,
    /// with the four-module quiet zone readers need around it.
    pub fn svg(&self) -> String {
        let size = self.width + 8;
        let mut path = String::new();
        for (row, col, len) in self.runs() {
            path.push_str(&format!("M{} {}h{len}v1h-{len}z", col + 4, row + 4));
        }
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" shape-rendering=\"crispEdges\" aria-hidden=\"true\" focusable=\"false\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>"
        )
    }

    /// Horizontal runs of dark modules: (row, first column, length). Drawing
    /// runs rather than modules keeps the PDF small.
    pub fn runs(&self) -> Vec<(usize, usize, usize)> {
        let mut runs = Vec::new();
        for row in 0..self.width {
            let mut col = 0;
            while col < self.width {
                if self.dark[row * self.width + col] {
                    let start = col;
                    while col < self.width && self.dark[row * self.width + col] {
                        col += 1;
                    }
                    runs.push((row, start, col - start));
                } else {
                    col += 1;
                }
            }
        }
        runs
    }
}

/// Lays out one badge (for previews and checks).
pub fn lay_out(
    badge: &Badge,
    format: Format,
    elements: Elements,
) -> Result<(BadgeLayout, Option<QrMatrix>), BadgeError> {
    let fonts = Fonts::get()?;
    let qr = if elements.qr && !badge.qr_content.is_empty() {
        Some(QrMatrix::encode(&badge.qr_content)?)
    } else {
        None
    };
    let text = BadgeText {
        qr_modules: qr.as_ref().map_or(0, |q| q.width),
        ..badge.text.clone()
    };
    Ok((layout::layout(format, elements, &text, fonts)?, qr))
}

fn rgb(hex: &str) -> Color {
    // Config validated the colours: black only for what it let through.
    let rgb = crate::domain::colour::rgb(hex).unwrap_or([0, 0, 0]);
    let c = |i: usize| f32::from(rgb[i]) / 255.0;
    Color::Rgb(Rgb {
        r: c(0),
        g: c(1),
        b: c(2),
        icc_profile: None,
    })
}

/// How to render a set of badges.
pub struct Style<'a> {
    pub format: Format,
    pub elements: Elements,
    pub logo: Option<&'a Logo>,
    /// The PDF's title.
    pub title: &'a str,
    /// Black only ([`BadgeLayout::in_black`]): the printer has no colour.
    pub monochrome: bool,
}

/// Draws badges into a PDF: one per page, or tiled on A4 sheets (with light
/// cut marks) for sheet formats. `progress` hears how many are drawn.
pub fn render(
    badges: &[Badge],
    style: &Style<'_>,
    progress: &mut dyn FnMut(usize),
) -> Result<Vec<u8>, BadgeError> {
    let (format, elements) = (
        style.format,
        Elements {
            logo: style.logo.is_some() && style.elements.logo,
            ..style.elements
        },
    );
    let fonts = Fonts::get()?;
    let mut doc = PdfDocument::new(style.title);
    let regular = doc.add_font(&fonts.regular);
    let bold = doc.add_font(&fonts.bold);
    let logo = match style.logo {
        Some(l) if elements.logo => Some((doc.add_image(&l.image), l.image.width, l.image.height)),
        _ => None,
    };
    let (page_w, page_h) = format.page_size();
    let (badge_w, badge_h) = format.badge_size();
    let (columns, rows) = format.sheet().map_or((1, 1), |s| (s.columns, s.rows));
    let per_page = columns * rows;
    // Sheets are centred on the page.
    let (off_x, off_y) = (
        (page_w - columns as f32 * badge_w) / 2.0,
        (page_h - rows as f32 * badge_h) / 2.0,
    );
    let mut pages = Vec::new();
    for chunk in badges.chunks(per_page.max(1)) {
        let mut ops = Vec::new();
        for (i, badge) in chunk.iter().enumerate() {
            let origin = (
                off_x + (i % columns) as f32 * badge_w,
                off_y + (i / columns) as f32 * badge_h,
            );
            let (l, qr) = lay_out(badge, format, elements)?;
            let l = if style.monochrome { l.in_black() } else { l };
            draw(&mut ops, &l, qr.as_ref(), origin, page_h, [&regular, &bold]);
            if let (Some(area), Some((id, w, h))) = (l.logo, &logo) {
                ops.push(place_image(id.clone(), (*w, *h), area, origin, page_h));
            }
        }
        progress(pages.len() * per_page + chunk.len());
        if format.sheet().is_some() {
            cut_marks(
                &mut ops,
                columns,
                rows,
                (off_x, off_y),
                (badge_w, badge_h),
                page_h,
            );
        }
        pages.push(PdfPage::new(Mm(page_w), Mm(page_h), ops));
    }
    let mut warnings = Vec::new();
    Ok(doc
        .with_pages(pages)
        .save(&PdfSaveOptions::default(), &mut warnings))
}

/// Fits an image in an area, keeping its proportions, centred.
fn place_image(
    id: XObjectId,
    px: (usize, usize),
    area: layout::Area,
    origin: (f32, f32),
    page_h: f32,
) -> Op {
    let mm_per_px = (area.w / px.0 as f32).min(area.h / px.1 as f32);
    let (w, h) = (px.0 as f32 * mm_per_px, px.1 as f32 * mm_per_px);
    let x = origin.0 + area.x + (area.w - w) / 2.0;
    let bottom = origin.1 + area.y + (area.h + h) / 2.0;
    Op::UseXobject {
        id,
        transform: XObjectTransform {
            translate_x: Some(pt(x)),
            translate_y: Some(pt(page_h - bottom)),
            dpi: Some(25.4 / mm_per_px),
            ..XObjectTransform::default()
        },
    }
}

fn pt(mm: f32) -> Pt {
    Mm(mm).into_pt()
}

fn draw(
    ops: &mut Vec<Op>,
    l: &BadgeLayout,
    qr: Option<&QrMatrix>,
    origin: (f32, f32),
    page_h: f32,
    fonts: [&FontId; 2],
) {
    // From layout space (top-left origin, y down) to PDF (bottom-left, y up).
    let to_pdf = |x: f32, y: f32| (pt(origin.0 + x), pt(page_h - origin.1 - y));
    let fill_rect = |ops: &mut Vec<Op>, x: f32, y: f32, w: f32, h: f32, colour: &str| {
        let (px, py) = to_pdf(x, y + h);
        ops.push(Op::SetFillColor { col: rgb(colour) });
        ops.push(Op::DrawRectangle {
            rectangle: Rect {
                mode: Some(PaintMode::Fill),
                ..Rect::from_xywh(px, py, pt(w), pt(h))
            },
        });
    };
    if let Some((area, colour)) = &l.band {
        fill_rect(ops, area.x, area.y, area.w, area.h, colour);
    }
    if let (Some((area, module)), Some(q)) = (&l.qr, qr) {
        let quiet = layout::QR_QUIET_ZONE as f32 * module;
        for (row, col, len) in q.runs() {
            fill_rect(
                ops,
                area.x + quiet + col as f32 * module,
                area.y + quiet + row as f32 * module,
                len as f32 * module,
                *module,
                "#000000",
            );
        }
    }
    for line in &l.text {
        let (x, y) = to_pdf(line.x, line.baseline);
        let font = match line.face {
            Face::Regular => fonts[0],
            Face::Bold => fonts[1],
        };
        ops.extend([
            Op::StartTextSection,
            Op::SetFillColor {
                col: rgb(&line.colour),
            },
            Op::SetFont {
                font: PdfFontHandle::External(font.clone()),
                size: Pt(line.size_pt),
            },
            Op::SetTextCursor {
                pos: Point { x, y },
            },
            Op::ShowText {
                items: vec![TextItem::Text(line.text.clone())],
            },
            Op::EndTextSection,
        ]);
    }
}

/// Thin grey lines at the cell edges, outside the badges, to guide the
/// guillotine.
fn cut_marks(
    ops: &mut Vec<Op>,
    columns: usize,
    rows: usize,
    off: (f32, f32),
    cell: (f32, f32),
    page_h: f32,
) {
    ops.push(Op::SetOutlineColor {
        col: rgb("#9E9E9E"),
    });
    ops.push(Op::SetOutlineThickness { pt: Pt(0.3) });
    let line = |x1: f32, y1: f32, x2: f32, y2: f32| Op::DrawLine {
        line: Line {
            points: vec![
                LinePoint {
                    p: Point {
                        x: pt(x1),
                        y: pt(page_h - y1),
                    },
                    bezier: false,
                },
                LinePoint {
                    p: Point {
                        x: pt(x2),
                        y: pt(page_h - y2),
                    },
                    bezier: false,
                },
            ],
            is_closed: false,
        },
    };
    let mark = 4.0f32.min(off.0.max(off.1)).max(2.0);
    let bottom = off.1 + rows as f32 * cell.1;
    let right = off.0 + columns as f32 * cell.0;
    for c in 0..=columns {
        let x = off.0 + c as f32 * cell.0;
        ops.push(line(x, (off.1 - mark).max(0.0), x, off.1));
        ops.push(line(x, bottom, x, bottom + mark));
    }
    for r in 0..=rows {
        let y = off.1 + r as f32 * cell.1;
        ops.push(line((off.0 - mark).max(0.0), y, off.0, y));
        ops.push(line(right, y, right + mark, y));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn badge(first: &str, last: &str) -> Badge {
        Badge {
            text: layout::tests::text(first, last, "Mairie de Lyon"),
            qr_content: "NEC-000042".into(),
        }
    }

    #[test]
    fn the_real_font_measures_accented_names() {
        let f = Fonts::get().unwrap();
        for c in "éèçœæßğşłøåÉŒÇĞŞŁØÅễ".chars() {
            assert!(f.advance(Face::Bold, c) > 0.2, "{c} has a glyph");
        }
        assert!(f.width_em(Face::Bold, "WWW") > f.width_em(Face::Bold, "iii"));
        assert!(f.ascent(Face::Regular) > 0.9 && f.descent(Face::Regular) > 0.1);
    }

    #[test]
    fn every_format_stays_inside_with_the_real_font() {
        for format in Format::ALL {
            for b in [
                badge("Marie-Hélène", "de La Tour d'Auvergne"),
                badge(
                    "Jean-François-Xavier-Emmanuel",
                    "Çavuşoğlu-Wałęsa de Montmorency-Laval",
                ),
            ] {
                let (l, _) = lay_out(&b, format, Elements::default()).unwrap();
                layout::tests::assert_inside(&l);
            }
        }
    }

    #[test]
    fn qr_runs_cover_exactly_the_dark_modules() {
        let q = QrMatrix::encode("NEC-000042").unwrap();
        let dark = q.dark.iter().filter(|d| **d).count();
        assert_eq!(q.runs().iter().map(|r| r.2).sum::<usize>(), dark);
        assert_eq!(q.width, 21);
    }

    #[test]
    fn a_badge_is_a_small_pdf() {
        let style = Style {
            format: Format::A6,
            elements: Elements::default(),
            logo: None,
            title: "Badge",
            monochrome: false,
        };
        let pdf = render(&[badge("Hélène", "Dupont")], &style, &mut |_| {}).unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        assert!(
            pdf.len() < 60_000,
            "{} bytes: fonts must be subset",
            pdf.len()
        );
    }
}
