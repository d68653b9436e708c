//! What a print queue says it can print, and whether a badge fits it.
//! Pure: the IPP request is in the parent module.
//!
//! Measured on CUPS with the real drivers (Debian 12): a queue's
//! `media-size-supported` lists its drivers' label sizes, plus a range for
//! custom sizes — and that range can promise more than the printer holds
//! (the Brother QL-820NWB queue takes 12.7 mm to 35 m wide, then crops an
//! A6 badge to its 62 mm roll, and CUPS calls the job completed).
//! `media-ready`, on those driver queues, names the driver's defaults, not
//! the roll that is loaded (the cups-pdf queue says A3, A4, A5, DL, and
//! prints A6 well), so it is not used. What is trusted: a listed size, or a
//! custom size no wider than the widest listed one.

/// One dimension a queue accepts, in hundredths of a millimetre (IPP's
/// unit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extent {
    Exactly(i32),
    Between(i32, i32),
}

/// One entry of `media-size-supported`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MediaSize {
    pub width: Extent,
    pub height: Extent,
}

/// What a queue says of itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capabilities {
    /// `media-size-supported`; empty when the queue does not say.
    pub sizes: Vec<MediaSize>,
    /// `color-supported`; `None` when the queue does not say.
    pub colour: Option<bool>,
}

/// How close a listed size must be: drivers round label sizes to points
/// (DYMO 99014 is « w154h286.1 », 54.33 × 100.93 mm).
const TOLERANCE: i32 = 100;

impl Capabilities {
    /// Whether a page of `width` × `height` mm prints whole, neither cut
    /// nor shrunk. A queue that lists no size is taken at its word.
    pub fn fits(&self, width: f32, height: f32) -> bool {
        if self.sizes.is_empty() {
            return true;
        }
        let (w, h) = (hundredths(width), hundredths(height));
        let listed =
            |e: Extent, v: i32| matches!(e, Extent::Exactly(n) if (n - v).abs() <= TOLERANCE);
        if self
            .sizes
            .iter()
            .any(|s| listed(s.width, w) && listed(s.height, h))
        {
            return true;
        }
        let in_range =
            |e: Extent, v: i32| matches!(e, Extent::Between(lo, hi) if lo <= v && v <= hi);
        self.sizes
            .iter()
            .any(|s| in_range(s.width, w) && in_range(s.height, h))
            && self.widest().is_none_or(|widest| w <= widest + TOLERANCE)
    }

    /// The widest listed size, in hundredths of a millimetre.
    fn widest(&self) -> Option<i32> {
        self.sizes
            .iter()
            .filter_map(|s| match s.width {
                Extent::Exactly(n) => Some(n),
                Extent::Between(..) => None,
            })
            .max()
    }

    /// How wide the queue really prints, in millimetres, for messages:
    /// the widest listed size, or less when its custom range stops short
    /// of it (the DYMO LabelWriter 450 lists labels up to 61.9 mm and its
    /// driver's custom range stops at 56.9 mm).
    pub fn widest_mm(&self) -> Option<f32> {
        let custom = self
            .sizes
            .iter()
            .filter_map(|s| match s.width {
                Extent::Between(_, hi) => Some(hi),
                Extent::Exactly(_) => None,
            })
            .max();
        let widest = match (self.widest(), custom) {
            (Some(listed), Some(custom)) => listed.min(custom),
            (listed, _) => listed?,
        };
        Some(widest as f32 / 100.0)
    }
}

fn hundredths(mm: f32) -> i32 {
    (mm * 100.0).round() as i32
}

/// The size a PWG self-describing media name gives ("iso_a4_210x297mm",
/// "custom_62x100mm_62x100mm", "na_index-4x6_4x6in"), in millimetres.
pub fn pwg_size(name: &str) -> Option<(f32, f32)> {
    let last = name.rsplit('_').next()?;
    let (dims, per_unit) = if let Some(d) = last.strip_suffix("mm") {
        (d, 1.0)
    } else {
        (last.strip_suffix("in")?, 25.4)
    };
    let (w, h) = dims.split_once('x')?;
    let (w, h): (f32, f32) = (w.parse().ok()?, h.parse().ok()?);
    (w > 0.0 && h > 0.0 && w.is_finite() && h.is_finite()).then_some((w * per_unit, h * per_unit))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(w: i32, h: i32) -> MediaSize {
        MediaSize {
            width: Extent::Exactly(w),
            height: Extent::Exactly(h),
        }
    }

    fn custom(w: (i32, i32), h: (i32, i32)) -> MediaSize {
        MediaSize {
            width: Extent::Between(w.0, w.1),
            height: Extent::Between(h.0, h.1),
        }
    }

    /// What the Brother QL-820NWB queue (printer-driver-ptouch) says: label
    /// sizes up to 62 mm wide, and a custom range it cannot honour.
    fn brother_ql() -> Capabilities {
        Capabilities {
            sizes: vec![
                fixed(2893, 8996),
                fixed(5398, 10019),
                fixed(6209, 10019),
                fixed(6209, 2893),
                custom((1270, 3_527_778), (1270, 3_527_778)),
            ],
            colour: Some(false),
        }
    }

    /// The DYMO LabelWriter 450 queue: its labels and a custom range that
    /// stops at 56.9 mm wide.
    fn dymo_450() -> Capabilities {
        Capabilities {
            sizes: vec![
                fixed(5402, 10084),
                fixed(5876, 10160),
                fixed(6191, 10160),
                custom((353, 5690), (353, 270_933)),
            ],
            colour: Some(false),
        }
    }

    #[test]
    fn a_badge_fits_a_listed_label_or_a_custom_size_no_wider_than_the_labels() {
        let ql = brother_ql();
        assert!(ql.fits(62.0, 100.0), "the 62 mm roll");
        assert!(ql.fits(60.0, 86.0), "DK-11234 on a custom length");
        assert!(!ql.fits(105.0, 148.0), "A6 would be cropped to 62 mm");
        assert!(!ql.fits(101.6, 76.2), "4 × 3 in too");
        assert_eq!(ql.widest_mm(), Some(62.09));

        let dymo = dymo_450();
        assert!(dymo.fits(54.0, 101.0), "99014");
        assert!(dymo.fits(59.0, 102.0), "30857");
        assert!(!dymo.fits(105.0, 148.0), "past the custom range");
        assert!(!dymo.fits(62.0, 100.0));
        // Its labels go to 61.9 mm; its driver prints 56.9 mm at most.
        assert_eq!(dymo.widest_mm(), Some(56.9));

        // A queue that says nothing is taken at its word; a sheet printer
        // with a wide custom range prints A6.
        assert!(Capabilities::default().fits(105.0, 148.0));
        let office = Capabilities {
            sizes: vec![
                fixed(21000, 29700),
                custom((1270, 3_527_778), (1270, 3_527_778)),
            ],
            colour: Some(true),
        };
        assert!(office.fits(105.0, 148.0));
        assert!(office.fits(210.0, 297.0));
    }

    #[test]
    fn pwg_names_read_back_to_their_size() {
        assert_eq!(pwg_size("iso_a4_210x297mm"), Some((210.0, 297.0)));
        assert_eq!(pwg_size("custom_105x148mm_105x148mm"), Some((105.0, 148.0)));
        let (w, h) = pwg_size("na_index-4x6_4x6in").unwrap();
        assert!((w - 101.6).abs() < 0.01 && (h - 152.4).abs() < 0.01);
        assert_eq!(
            pwg_size(&super::super::media_name(101.6, 76.2)),
            Some((101.6, 76.2))
        );
        for bad in ["", "a4", "custom_x100mm", "custom_0x0mm", "custom_NaNx5mm"] {
            assert_eq!(pwg_size(bad), None, "{bad}");
        }
    }
}
