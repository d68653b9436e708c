//! The kiosk's colours read by everyone (RGAA 3.2 / WCAG 1.4.3 and
//! 1.4.11): each pair the screens draw — text on its background, the focus
//! ring on the page — has the contrast WCAG AA asks, computed from the
//! theme's own colours (crates/accueil-kiosk/ui/theme.slint), so that a
//! colour changed there is checked here.

use std::collections::BTreeMap;

/// The theme's `out property <color> NAME: #RRGGBB;` lines.
fn theme() -> BTreeMap<String, [u8; 3]> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/crates/accueil-kiosk/ui/theme.slint"
    );
    let source = std::fs::read_to_string(path).unwrap();
    source
        .lines()
        .filter_map(|l| {
            let rest = l.trim().strip_prefix("out property <color> ")?;
            let (name, value) = rest.split_once(':')?;
            let hex = value.trim().strip_prefix('#')?.strip_suffix(';')?;
            Some((name.trim().to_owned(), rgb(hex)?))
        })
        .collect()
}

fn rgb(hex: &str) -> Option<[u8; 3]> {
    let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

/// WCAG's relative luminance.
fn luminance([r, g, b]: [u8; 3]) -> f64 {
    let channel = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
}

fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[test]
fn the_kiosk_s_colours_have_the_contrast_wcag_aa_asks() {
    let theme = theme();
    let colour = |name: &str| {
        *theme
            .get(name)
            .unwrap_or_else(|| panic!("no {name} in theme.slint"))
    };
    let white = [255, 255, 255];
    // The page behind the cards and forms, and the buttons' grey.
    let page = rgb("F4F6F9").unwrap();
    let button = rgb("F2F2F2").unwrap();
    // The default event colour (screen.slint), white text on it.
    let default_accent = rgb("000091").unwrap();
    let mut wrong = Vec::new();
    let mut check = |what: &str, a: [u8; 3], b: [u8; 3], least: f64| {
        let c = contrast(a, b);
        if c < least {
            wrong.push(format!("{what}: {c:.2}:1, {least}:1 asked"));
        }
    };
    for (text, on) in [
        ("ink", white),
        ("ink", page),
        ("ink", button),
        ("muted", white),
        ("muted", page),
    ] {
        check(&format!("{text} text on {on:?}"), colour(text), on, 4.5);
    }
    // The result screen: white words on the outcome's colour.
    for outcome in ["welcome", "warning", "refusal", "neutral"] {
        check(&format!("white on {outcome}"), white, colour(outcome), 4.5);
    }
    // Coloured words on the page (a PIN refused, an arrival already made).
    for words in ["refusal", "warning", "welcome"] {
        check(
            &format!("{words} text on the page"),
            colour(words),
            page,
            4.5,
        );
    }
    check("white on the default accent", white, default_accent, 4.5);
    // Non-text: the focus ring against the page and the buttons.
    check("focus ring on the page", colour("focus"), page, 3.0);
    check("focus ring on a button", colour("focus"), button, 3.0);
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert!(theme.len() >= 8, "the theme's colours read: {theme:?}");
}

#[test]
fn the_contrast_formula_is_wcag_s() {
    assert!((contrast([0, 0, 0], [255, 255, 255]) - 21.0).abs() < 1e-9);
    assert!((contrast([119, 119, 119], [255, 255, 255]) - 4.48).abs() < 0.01);
}
