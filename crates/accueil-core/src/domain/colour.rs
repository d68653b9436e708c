//! `#RRGGBB` colours and their contrast (WCAG 2 relative luminance): which
//! ink reads on a badge's category band, whether the event's colour can
//! carry white text on screen.

/// The red, green and blue of a `#RRGGBB` colour; `None` if it is not
/// written that way (the one parser of colours: config, badge, screen).
pub fn rgb(hex: &str) -> Option<[u8; 3]> {
    let digits = hex.strip_prefix('#')?;
    if digits.len() != 6 || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |i: usize| u8::from_str_radix(&digits[i..i + 2], 16).ok();
    Some([channel(0)?, channel(2)?, channel(4)?])
}

/// Relative luminance of a `#RRGGBB` colour (0 black … 1 white); `None` if
/// it is not written that way.
pub fn luminance(hex: &str) -> Option<f32> {
    let rgb = rgb(hex)?;
    let channel = |i: usize| {
        let c = f32::from(rgb[i]) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    Some(0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2))
}

/// Contrast ratio of white text on a background (1 … 21); 1 when the
/// colour is unreadable.
pub fn contrast_with_white(background: &str) -> f32 {
    luminance(background).map_or(1.0, |l| 1.05 / (l + 0.05))
}

/// The contrast WCAG AA asks of normal text.
pub const AA: f32 = 4.5;

/// Black or white, whichever contrasts more with a `#RRGGBB` background.
pub fn readable_on(background: &str) -> &'static str {
    let l = luminance(background).unwrap_or(0.0);
    if 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 {
        "#FFFFFF"
    } else {
        "#000000"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ink_and_contrast() {
        assert_eq!(readable_on("#1F6FB2"), "#FFFFFF");
        assert_eq!(readable_on("#F5D000"), "#000000");
        assert_eq!(readable_on("#B3261E"), "#FFFFFF");
        assert!((contrast_with_white("#000000") - 21.0).abs() < 0.01);
        assert!((contrast_with_white("#FFFFFF") - 1.0).abs() < 0.01);
        assert!(contrast_with_white("#1F4E8C") >= AA);
        assert!(contrast_with_white("#F2B705") < AA);
        assert_eq!(luminance("bleu"), None);
    }

    #[test]
    fn colours_are_read_only_when_written_as_rrggbb() {
        assert_eq!(rgb("#1F6fB2"), Some([0x1F, 0x6F, 0xB2]));
        for wrong in [
            "1F6FB2", "#1F6FB", "#1F6FB22", "#GGGGGG", "#1F6FBé", "", "#",
        ] {
            assert_eq!(rgb(wrong), None, "{wrong:?}");
        }
    }
}
