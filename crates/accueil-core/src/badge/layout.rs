//! Where everything goes on a badge: pure geometry, no PDF. Units are
//! millimetres, origin at the top left of the badge, y downwards.

use serde::Serialize;

/// One typographic point in millimetres.
pub const PT: f32 = 25.4 / 72.0;

/// Smallest QR module the scanners at session doors read reliably.
pub const MIN_QR_MODULE_MM: f32 = 0.5;
/// The standard quiet zone around a QR code, in modules.
pub const QR_QUIET_ZONE: usize = 4;

/// Badge formats: a badge size, and for sheet formats how badges tile an A4
/// page for organisers who pre-print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Format {
    /// 105 × 148 mm portrait.
    A6,
    /// 4 × 3 in landscape: the North-American badge holder.
    FourByThree,
    /// Brother QL 62 mm continuous roll, 62 × 100 mm.
    Roll62,
    /// ID card, 85.6 × 54 mm.
    Cr80,
    /// DYMO 99014 name-badge labels, 54 × 101 mm (LabelWriter).
    Dymo99014,
    /// DYMO 30857 (and 30364) badge labels, 59 × 102 mm.
    Dymo30857,
    /// Brother DK-11234 die-cut badge labels, 60 × 86 mm.
    Dk11234,
    /// Brother DK-11202 die-cut shipping labels, 62 × 100 mm.
    Dk11202,
    /// 4 × 6 in labels (Zebra, Epson, Brother TD), portrait.
    FourBySix,
    /// A4 sheet of 2 × 2 A6 badges.
    A4By2x2,
    /// A4 sheet of 2 × 4 badges of 105 × 74 mm.
    A4By2x4,
}

/// How badges tile a page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sheet {
    pub page: (f32, f32),
    pub columns: usize,
    pub rows: usize,
}

impl Format {
    pub const ALL: [Format; 11] = [
        Format::A6,
        Format::FourByThree,
        Format::Roll62,
        Format::Cr80,
        Format::Dymo99014,
        Format::Dymo30857,
        Format::Dk11234,
        Format::Dk11202,
        Format::FourBySix,
        Format::A4By2x2,
        Format::A4By2x4,
    ];

    /// The name in kiosk.toml and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::A6 => "a6",
            Format::FourByThree => "4x3in",
            Format::Roll62 => "62mm-roll",
            Format::Cr80 => "cr80",
            Format::Dymo99014 => "dymo-99014",
            Format::Dymo30857 => "dymo-30857",
            Format::Dk11234 => "dk-11234",
            Format::Dk11202 => "dk-11202",
            Format::FourBySix => "4x6in",
            Format::A4By2x2 => "a4-2x2",
            Format::A4By2x4 => "a4-2x4",
        }
    }

    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name.trim())
    }

    /// Width and height of one badge, in mm.
    pub fn badge_size(self) -> (f32, f32) {
        match self {
            Format::A6 | Format::A4By2x2 => (105.0, 148.0),
            Format::FourByThree => (101.6, 76.2),
            Format::Roll62 => (62.0, 100.0),
            Format::Cr80 => (85.6, 54.0),
            Format::Dymo99014 => (54.0, 101.0),
            Format::Dymo30857 => (59.0, 102.0),
            Format::Dk11234 => (60.0, 86.0),
            Format::Dk11202 => (62.0, 100.0),
            Format::FourBySix => (101.6, 152.4),
            Format::A4By2x4 => (105.0, 74.0),
        }
    }

    /// The A4 tiling of sheet formats; `None` for one badge per page.
    pub fn sheet(self) -> Option<Sheet> {
        match self {
            Format::A4By2x2 => Some(Sheet {
                page: (210.0, 297.0),
                columns: 2,
                rows: 2,
            }),
            Format::A4By2x4 => Some(Sheet {
                page: (210.0, 297.0),
                columns: 2,
                rows: 4,
            }),
            _ => None,
        }
    }

    /// The page size this format prints on.
    pub fn page_size(self) -> (f32, f32) {
        self.sheet().map_or(self.badge_size(), |s| s.page)
    }

    /// The strip at the top of the label its printer never prints, in mm:
    /// the DYMO LabelWriter driver prints only the label's imageable area
    /// (its PPD: `*ImageableArea w154h286.1/99014 Name Badge Label: "4.32
    /// 4.32 150.24 270.48"` — 15.5 pt short of the 286 pt top — and 16.8 pt
    /// for 30857), and drops whatever is drawn above it. Other sides: a
    /// millimetre and a half at most, inside every badge's margin.
    pub fn unprintable_top(self) -> f32 {
        match self {
            Format::Dymo99014 => 5.5,
            Format::Dymo30857 => 5.9,
            _ => 0.0,
        }
    }
}

/// Which elements a badge shows (kiosk.toml `[badge] elements`). First and
/// last names always appear.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elements {
    pub event: bool,
    pub organisation: bool,
    pub category: bool,
    pub qr: bool,
    pub logo: bool,
}

impl Default for Elements {
    fn default() -> Self {
        Elements {
            event: true,
            organisation: true,
            category: true,
            qr: true,
            logo: false,
        }
    }
}

/// The two faces of the badge font.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Face {
    Regular,
    Bold,
}

/// Glyph metrics, in ems (1.0 = the font size).
pub trait Measure {
    fn advance(&self, face: Face, c: char) -> f32;
    /// Height above the baseline and depth below it (positive), in ems.
    fn ascent(&self, face: Face) -> f32;
    fn descent(&self, face: Face) -> f32;

    fn width_em(&self, face: Face, text: &str) -> f32 {
        text.chars().map(|c| self.advance(face, c)).sum()
    }
}

/// A box, in mm.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Area {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl Area {
    pub fn within(&self, outer: &Area) -> bool {
        const EPS: f32 = 1e-3;
        self.x >= outer.x - EPS
            && self.y >= outer.y - EPS
            && self.x + self.w <= outer.x + outer.w + EPS
            && self.y + self.h <= outer.y + outer.h + EPS
    }
}

/// A line of text placed on the badge.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TextLine {
    pub text: String,
    pub face: Face,
    pub size_pt: f32,
    /// Left end of the baseline.
    pub x: f32,
    pub baseline: f32,
    /// The line's ink box (advance width × ascent + descent).
    pub area: Area,
    /// `#RRGGBB`.
    pub colour: String,
}

/// Everything to draw on one badge.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BadgeLayout {
    pub size: (f32, f32),
    pub text: Vec<TextLine>,
    /// The category band, filled with the category colour.
    pub band: Option<(Area, String)>,
    /// The QR code area, quiet zone included, and the module size.
    pub qr: Option<(Area, f32)>,
    pub logo: Option<Area>,
}

impl BadgeLayout {
    /// The same badge for a printer without colour (a thermal label
    /// printer): black text, no grey to be dithered, and the category band
    /// black with its name in white — the category reads by its name, not
    /// by a colour the printer cannot show.
    pub fn in_black(mut self) -> BadgeLayout {
        let band = self.band.as_mut().map(|(area, colour)| {
            *colour = "#000000".to_owned();
            *area
        });
        for line in &mut self.text {
            let on_band = band.is_some_and(|b| line.area.within(&b));
            line.colour = if on_band { "#FFFFFF" } else { "#000000" }.to_owned();
        }
        self
    }
}

/// What a badge says.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BadgeText {
    pub event: String,
    pub first_name: String,
    pub last_name: String,
    pub organisation: String,
    pub category: String,
    /// `#RRGGBB`.
    pub category_colour: String,
    /// Modules per side of the QR code, quiet zone excluded (0: no QR).
    pub qr_modules: usize,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LayoutError {
    #[error(
        "QR code trop dense pour le format {format} : modules de {module:.2} mm (0,5 mm au moins) — raccourcissez son contenu ([badge] qr) ou choisissez un format plus grand"
    )]
    QrTooSmall { format: &'static str, module: f32 },
}

const INK: &str = "#1A1A1A";
const MUTED: &str = "#4A4A4A";

/// Lays a badge out. Text is measured with the font's real advances and
/// shrinks, or wraps on two lines, to stay inside its box: nothing ever runs
/// off the badge, whatever the name.
pub fn layout(
    format: Format,
    elements: Elements,
    text: &BadgeText,
    measure: &dyn Measure,
) -> Result<BadgeLayout, LayoutError> {
    let (w, h) = format.badge_size();
    let margin = (0.06 * w.min(h)).max(3.0);
    // Nothing where the printer does not print, with half a millimetre to
    // spare for the label's position on the roll.
    let top = if format.unprintable_top() > 0.0 {
        margin.max(format.unprintable_top() + 0.5)
    } else {
        margin
    };
    let gap = 0.025 * w.min(h);
    let portrait = h >= w;
    let band_h = if elements.category {
        if portrait { 0.10 * h } else { 0.17 * h }
    } else {
        0.0
    };
    let inner_bottom = h - margin - band_h - if band_h > 0.0 { gap } else { 0.0 };

    let band = elements.category.then(|| {
        (
            Area {
                x: margin,
                y: h - margin - band_h,
                w: w - 2.0 * margin,
                h: band_h,
            },
            text.category_colour.clone(),
        )
    });

    // QR: below the names on portrait badges, at the right on landscape ones.
    let qr_side = if !elements.qr || text.qr_modules == 0 {
        0.0
    } else if portrait {
        (w - 2.0 * margin).min(0.34 * h)
    } else {
        (inner_bottom - top).min(0.42 * w)
    };
    let qr = (qr_side > 0.0).then(|| {
        let area = if portrait {
            Area {
                x: (w - qr_side) / 2.0,
                y: inner_bottom - qr_side,
                w: qr_side,
                h: qr_side,
            }
        } else {
            Area {
                x: w - margin - qr_side,
                y: top + (inner_bottom - top - qr_side) / 2.0,
                w: qr_side,
                h: qr_side,
            }
        };
        (area, qr_side / (text.qr_modules + 2 * QR_QUIET_ZONE) as f32)
    });
    if let Some((_, module)) = qr
        && module < MIN_QR_MODULE_MM
    {
        return Err(LayoutError::QrTooSmall {
            format: format.name(),
            module,
        });
    }

    // The text column.
    let column = if portrait {
        Area {
            x: margin,
            y: top,
            w: w - 2.0 * margin,
            h: qr.map_or(inner_bottom, |(a, _)| a.y) - top - gap,
        }
    } else {
        let right = qr.map_or(w - margin, |(a, _)| a.x - gap);
        Area {
            x: margin,
            y: top,
            w: right - margin,
            h: inner_bottom - top,
        }
    };
    let logo = elements.logo.then(|| {
        let side = 0.16 * w.min(h);
        Area {
            x: w - margin - side,
            y: top,
            w: side,
            h: side,
        }
    });

    // Share of the column's height for each block, biggest for the first name.
    let mut blocks: Vec<(&str, Face, f32, f32, usize, &str)> = Vec::new(); // text, face, weight, max pt, lines, colour
    if elements.event && !text.event.is_empty() {
        blocks.push((&text.event, Face::Regular, 0.12, 12.0, 1, MUTED));
    }
    blocks.push((&text.first_name, Face::Bold, 0.36, 60.0, 2, INK));
    blocks.push((&text.last_name, Face::Bold, 0.28, 36.0, 2, INK));
    if elements.organisation && !text.organisation.is_empty() {
        blocks.push((&text.organisation, Face::Regular, 0.24, 18.0, 2, MUTED));
    }
    let total: f32 = blocks.iter().map(|b| b.2).sum();
    let mut lines = Vec::new();
    let mut y = column.y;
    for (content, face, weight, max_pt, max_lines, colour) in blocks {
        let slot_h = column.h * weight / total;
        let mut slot = Area {
            x: column.x,
            y,
            w: column.w,
            h: slot_h,
        };
        // The event name leaves room for the logo beside it.
        if let Some(l) = logo
            && slot.y < l.y + l.h
            && portrait
        {
            slot.w = (l.x - gap - slot.x).max(0.0);
        }
        if !content.trim().is_empty() {
            lines.extend(fit(content, face, max_pt, max_lines, slot, colour, measure));
        }
        y += slot_h;
    }

    if let Some((area, colour)) = &band {
        let label_colour = crate::domain::colour::readable_on(colour);
        let slot = Area {
            x: area.x + gap,
            y: area.y,
            w: area.w - 2.0 * gap,
            h: area.h,
        };
        lines.extend(fit(
            &text.category.to_uppercase(),
            Face::Bold,
            28.0,
            1,
            slot,
            label_colour,
            measure,
        ));
    }

    Ok(BadgeLayout {
        size: (w, h),
        text: lines,
        band,
        qr,
        logo,
    })
}

/// Places a text in a box, centred: the largest size up to `max_pt` at which
/// it fits on one line, or on two lines broken at a space or hyphen when that
/// is larger. Never wider or taller than the box.
pub fn fit(
    content: &str,
    face: Face,
    max_pt: f32,
    max_lines: usize,
    area: Area,
    colour: &str,
    m: &dyn Measure,
) -> Vec<TextLine> {
    let content = content.split_whitespace().collect::<Vec<_>>().join(" ");
    let line_em = m.ascent(face) + m.descent(face);
    let size_for = |lines: &[String]| -> f32 {
        let widest = lines
            .iter()
            .map(|l| m.width_em(face, l))
            .fold(0.0f32, f32::max)
            .max(1e-3);
        let by_width = area.w / (widest * PT);
        let by_height = area.h / (lines.len() as f32 * line_em * PT);
        by_width.min(by_height).min(max_pt)
    };
    let widest = |lines: &[String]| {
        lines
            .iter()
            .map(|l| m.width_em(face, l))
            .fold(0.0f32, f32::max)
    };
    let mut best = vec![content.clone()];
    let mut best_size = size_for(&best);
    if max_lines >= 2 && best_size < max_pt {
        for split in break_points(&content) {
            let (a, b) = content.split_at(split);
            let candidate = vec![a.trim_end().to_owned(), b.trim_start().to_owned()];
            let size = size_for(&candidate);
            // Larger wins; at the same size (both limited by height), the
            // more balanced break reads better.
            let same_size = (size - best_size).abs() < 0.01;
            if size > best_size + 0.01
                || (same_size && best.len() == 2 && widest(&candidate) < widest(&best))
            {
                best = candidate;
                best_size = size;
            }
        }
    }
    let line_h = line_em * best_size * PT;
    let block_h = line_h * best.len() as f32;
    let top = area.y + (area.h - block_h) / 2.0;
    best.into_iter()
        .enumerate()
        .map(|(i, text)| {
            let width = m.width_em(face, &text) * best_size * PT;
            let x = area.x + (area.w - width) / 2.0;
            let line_top = top + i as f32 * line_h;
            TextLine {
                baseline: line_top + m.ascent(face) * best_size * PT,
                area: Area {
                    x,
                    y: line_top,
                    w: width,
                    h: line_h,
                },
                x,
                text,
                face,
                size_pt: best_size,
                colour: colour.to_owned(),
            }
        })
        .collect()
}

/// Byte offsets where a line may break: before a space, after a hyphen.
fn break_points(s: &str) -> Vec<usize> {
    s.char_indices()
        .filter_map(|(i, c)| match c {
            ' ' => Some(i),
            '-' => Some(i + 1),
            _ => None,
        })
        .filter(|&i| i > 0 && i < s.len())
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Every glyph 0.6 em wide, capitals 0.7: close enough to a real sans.
    pub(crate) struct Fake;
    impl Measure for Fake {
        fn advance(&self, face: Face, c: char) -> f32 {
            let base = if c.is_uppercase() { 0.7 } else { 0.6 };
            if face == Face::Bold {
                base * 1.05
            } else {
                base
            }
        }
        fn ascent(&self, _: Face) -> f32 {
            1.07
        }
        fn descent(&self, _: Face) -> f32 {
            0.29
        }
    }

    pub(crate) fn text(first: &str, last: &str, org: &str) -> BadgeText {
        BadgeText {
            event: "Journées nationales de l'innovation publique".into(),
            first_name: first.into(),
            last_name: last.into(),
            organisation: org.into(),
            category: "Intervenant".into(),
            category_colour: "#B3261E".into(),
            qr_modules: 21,
        }
    }

    /// Everything on the part of the label its printer prints.
    pub(crate) fn assert_inside(l: &BadgeLayout) {
        let top = Format::ALL
            .into_iter()
            .find(|f| f.badge_size() == l.size)
            .map_or(0.0, Format::unprintable_top);
        let page = Area {
            x: 0.0,
            y: top,
            w: l.size.0,
            h: l.size.1 - top,
        };
        if let Some((a, _)) = &l.band {
            assert!(a.within(&page), "the band {a:?} leaves {:?}", l.size);
        }
        if let Some(a) = &l.logo {
            assert!(a.within(&page), "the logo {a:?} leaves {:?}", l.size);
        }
        for t in &l.text {
            assert!(
                t.area.within(&page),
                "{:?} runs off the badge {:?}",
                t,
                l.size
            );
        }
        if let Some((a, _)) = l.qr {
            assert!(a.within(&page));
            for t in &l.text {
                let overlap = t.area.x < a.x + a.w
                    && a.x < t.area.x + t.area.w
                    && t.area.y < a.y + a.h
                    && a.y < t.area.y + t.area.h;
                assert!(!overlap, "{} overlaps the QR code", t.text);
            }
        }
    }

    #[test]
    fn long_names_shrink_or_wrap_and_stay_inside_every_format() {
        let names = [
            text(
                "Marie-Hélène",
                "de La Tour d'Auvergne",
                "Conseil départemental du Puy-de-Dôme",
            ),
            text(
                "Jean-François-Xavier-Emmanuel",
                "Çavuşoğlu-Wałęsa de Montmorency-Laval",
                "Ministère de l'Europe et des Affaires étrangères — Direction du numérique",
            ),
            text("Łucja", "Ørsted", ""),
            text(
                "",
                "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW",
                "x",
            ),
            text("Zoé", "Li", "Insee"),
        ];
        for format in Format::ALL {
            for t in &names {
                let l = layout(format, Elements::default(), t, &Fake).unwrap();
                assert_inside(&l);
                assert!(
                    l.text
                        .iter()
                        .any(|line| line.text.contains(t.last_name.split(' ').next().unwrap()))
                );
            }
        }
    }

    #[test]
    fn a_name_wraps_rather_than_becoming_tiny() {
        let a = Area {
            x: 0.0,
            y: 0.0,
            w: 80.0,
            h: 40.0,
        };
        let lines = fit(
            "Marie-Hélène de La Tour d'Auvergne",
            Face::Bold,
            60.0,
            2,
            a,
            INK,
            &Fake,
        );
        assert_eq!(lines.len(), 2);
        assert_eq!(
            (lines[0].text.as_str(), lines[1].text.as_str()),
            ("Marie-Hélène de La", "Tour d'Auvergne")
        );
        let one = fit(
            "Marie-Hélène de La Tour d'Auvergne",
            Face::Bold,
            60.0,
            1,
            a,
            INK,
            &Fake,
        );
        assert!(lines[0].size_pt > one[0].size_pt);
        let short = fit("Zoé", Face::Bold, 60.0, 2, a, INK, &Fake);
        assert_eq!(
            (short.len(), short[0].size_pt),
            (1, 60.0f32.min(short[0].size_pt))
        );
    }

    /// A thermal head has black or nothing: grey text would be dithered
    /// and the category colour lost. In black, the band is black with its
    /// name in white, everything else black, and nothing moves.
    #[test]
    fn a_monochrome_badge_has_no_grey_and_a_black_band_with_white_words() {
        for format in Format::ALL {
            let coloured = layout(
                format,
                Elements::default(),
                &text("Hélène", "Dupont", "Mairie de Lyon"),
                &Fake,
            )
            .unwrap();
            assert!(
                coloured.text.iter().any(|t| t.colour == MUTED),
                "grey before"
            );
            let black = coloured.clone().in_black();
            let (band, colour) = black.band.clone().unwrap();
            assert_eq!(colour, "#000000");
            for t in &black.text {
                let expected = if t.area.within(&band) {
                    "#FFFFFF"
                } else {
                    "#000000"
                };
                assert_eq!(t.colour, expected, "{}: {}", format.name(), t.text);
            }
            assert!(
                black.text.iter().any(|t| t.colour == "#FFFFFF"),
                "{}: the category is written on the band",
                format.name()
            );
            let place = |l: &BadgeLayout| l.text.iter().map(|t| t.area).collect::<Vec<_>>();
            assert_eq!(place(&black), place(&coloured));
            assert_eq!(black.qr, coloured.qr);
        }
    }

    #[test]
    fn the_first_name_is_the_largest_text() {
        let l = layout(
            Format::A6,
            Elements::default(),
            &text("Hélène", "Dupont", "Mairie de Lyon"),
            &Fake,
        )
        .unwrap();
        let size = |s: &str| l.text.iter().find(|t| t.text == s).unwrap().size_pt;
        assert!(size("Hélène") > size("Dupont"));
        assert!(size("Dupont") > size("Mairie de Lyon"));
        assert!(
            size("Hélène") >= 36.0,
            "readable from two metres: {}",
            size("Hélène")
        );
    }

    #[test]
    fn qr_modules_are_never_below_half_a_millimetre() {
        for format in Format::ALL {
            let l = layout(format, Elements::default(), &text("A", "B", ""), &Fake).unwrap();
            let (_, module) = l.qr.unwrap();
            assert!(module >= MIN_QR_MODULE_MM, "{format:?}: {module}");
        }
        let mut dense = text("A", "B", "");
        dense.qr_modules = 177; // version 40
        assert!(matches!(
            layout(Format::Cr80, Elements::default(), &dense, &Fake),
            Err(LayoutError::QrTooSmall { .. })
        ));
    }

    #[test]
    fn band_label_contrast() {}
}
