//! Text folding for search: one function serves indexing and querying, so
//! "helene", "HÉLÈNE" and "Hélène" meet on the same tokens.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds text to lowercase ASCII-ish form: accents removed (é→e, ş→s, ğ→g),
/// letters without a decomposition spelled out (ł→l, ø→o, ß→ss, æ→ae, œ→oe),
/// everything that is not a letter or digit turned into a space.
pub fn fold(text: &str) -> String {
    // Most names, e-mails and codes are plain ASCII: no decomposition.
    if text.is_ascii() {
        return text
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() {
                    char::from(b.to_ascii_lowercase())
                } else {
                    ' '
                }
            })
            .collect();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            'ł' | 'Ł' => out.push('l'),
            'ø' | 'Ø' => out.push('o'),
            'đ' | 'Đ' | 'ð' | 'Ð' => out.push('d'),
            'ß' | 'ẞ' => out.push_str("ss"),
            'æ' | 'Æ' => out.push_str("ae"),
            'œ' | 'Œ' => out.push_str("oe"),
            'þ' | 'Þ' => out.push_str("th"),
            'ı' => out.push('i'),
            c if c.is_alphanumeric() => out.extend(c.to_lowercase()),
            _ => out.push(' '),
        }
    }
    out
}

/// Characters that have no business in a name or a ticket code: control
/// characters (an ESC sequence would drive the terminal that prints the
/// name) and invisible formatting ones (zero-width spaces pasted from a web
/// form, bidi overrides that reverse what a screen shows, soft hyphens).
pub fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{061C}' | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}')
}

/// `s` without invisible characters (tabs and line breaks become spaces);
/// `None` when there were none.
pub fn without_invisible(s: &str) -> Option<String> {
    // Printable ASCII, most cells of most files: nothing to look up.
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) || !s.chars().any(is_invisible) {
        return None;
    }
    Some(
        s.chars()
            .filter_map(|c| match c {
                '\t' | '\n' | '\r' => Some(' '),
                c if is_invisible(c) => None,
                c => Some(c),
            })
            .collect(),
    )
}

/// A cell as a spreadsheet may be given it: one starting with `=`, `+`,
/// `-`, `@` is a formula to Excel (an attendee typing `=HYPERLINK(…)` as
/// organisation must not run in the organiser's spreadsheet), so it gets a
/// leading apostrophe. [`undefused`] takes it off again.
pub fn defused(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_owned(),
    }
}

/// A cell read back from a file [`defused`] wrote (accueil's export, or a
/// spreadsheet that protects formulas the same way): the apostrophe off.
pub fn undefused(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
        _ => s,
    }
}

/// `s` as a terminal or a log may show it: invisible characters (an ESC
/// sequence a scanner or a hostile file typed) written out as `\u{1b}`,
/// never sent raw.
pub fn shown(s: &str) -> String {
    if !s.chars().any(is_invisible) {
        return s.to_owned();
    }
    s.chars()
        .map(|c| {
            if is_invisible(c) {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Trims and folds inner runs of white space: what people type and what
/// exports pad ("  de  La Tour " → "de La Tour").
pub fn squeeze(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The search tokens of a text: its folded words.
pub fn tokens(text: &str) -> Vec<String> {
    fold(text).split_whitespace().map(str::to_owned).collect()
}

/// Folded words joined by single spaces: the sortable, prefix-comparable form
/// of a name ("de La Tour d'Auvergne" → "de la tour d auvergne").
pub fn sort_key(text: &str) -> String {
    squeeze(&fold(text))
}

/// Optimal-string-alignment distance (Levenshtein plus adjacent
/// transposition), giving up early: returns `None` when the distance exceeds
/// `max`. "dupnot" → "dupont" is 1.
pub fn distance_within(a: &str, b: &str, max: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let width = b.len() + 1;
    let mut prev2 = vec![0usize; width];
    let mut prev: Vec<usize> = (0..width).collect();
    let mut cur = vec![0usize; width];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
            row_min = row_min.min(d);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[b.len()];
    (d <= max).then_some(d)
}

/// Whether a typed (folded) word is one typo away from a vocabulary word,
/// either whole ("dupnot" ~ "dupont") or as a prefix being typed
/// ("dupno" ~ "dupont"). Only words of 5+ letters are typo-tolerant: shorter
/// ones would match half the list.
pub fn is_near(typed: &str, word: &str) -> bool {
    let n = typed.chars().count();
    if n < 5 {
        return false;
    }
    if distance_within(typed, word, 1).is_some() {
        return true;
    }
    // As-you-type: compare with the word's prefixes of about the same length.
    let w: Vec<char> = word.chars().collect();
    [n.saturating_sub(1), n, n + 1]
        .into_iter()
        .filter(|&len| len >= 4 && len < w.len())
        .any(|len| {
            let prefix: String = w[..len].iter().collect();
            distance_within(typed, &prefix, 1).is_some()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_french_and_european_letters() {
        assert_eq!(fold("Hélène"), "helene");
        assert_eq!(fold("HÉLÈNE"), "helene");
        assert_eq!(fold("Çavuşoğlu"), "cavusoglu");
        assert_eq!(fold("Łukasz Øre Straße"), "lukasz ore strasse");
        assert_eq!(fold("Lætitia Œuvray"), "laetitia oeuvray");
        assert_eq!(fold("Zoë Núñez"), "zoe nunez");
    }

    #[test]
    fn tokens_split_hyphens_apostrophes_and_emails() {
        assert_eq!(
            tokens("Marie-Hélène de La Tour d'Auvergne"),
            ["marie", "helene", "de", "la", "tour", "d", "auvergne"]
        );
        assert_eq!(
            tokens("h.dupont@mairie-lyon.fr"),
            ["h", "dupont", "mairie", "lyon", "fr"]
        );
        assert_eq!(sort_key("  Le  Goff "), "le goff");
        assert!(tokens(" - ' ").is_empty());
    }

    #[test]
    fn invisible_characters_are_taken_out() {
        assert_eq!(without_invisible("Hélène"), None);
        assert_eq!(
            without_invisible("H\u{200B}élène\u{202E}\u{1b}[31m").as_deref(),
            Some("Hélène[31m")
        );
        assert_eq!(without_invisible("NEC-1\t").as_deref(), Some("NEC-1 "));
    }

    #[test]
    fn distance_counts_transpositions_as_one() {
        assert_eq!(distance_within("dupnot", "dupont", 1), Some(1));
        assert_eq!(distance_within("dupond", "dupont", 1), Some(1));
        assert_eq!(distance_within("dupon", "dupont", 1), Some(1));
        assert_eq!(distance_within("dupont", "dupont", 1), Some(0));
        assert_eq!(distance_within("dpnot", "dupont", 1), None);
        assert_eq!(distance_within("martin", "dupont", 1), None);
    }

    #[test]
    fn near_only_for_long_words_and_typed_prefixes() {
        assert!(is_near("dupnot", "dupont"));
        assert!(is_near("dupnt", "dupontel"));
        assert!(is_near("lefbvre", "lefebvre"));
        assert!(
            !is_near("dupn", "dupont"),
            "4 letters are not typo-tolerant"
        );
        assert!(!is_near("martin", "dupont"));
    }

    #[test]
    fn what_is_shown_carries_no_control_character() {
        assert_eq!(shown("NEC-000001"), "NEC-000001");
        assert_eq!(shown("AB\u{1b}[31mC\u{7}"), "AB\\u{1b}[31mC\\u{7}");
        assert!(!shown("\u{202e}x").chars().any(is_invisible));
    }

    #[test]
    fn a_defused_cell_reads_back_as_it_was() {
        for cell in [
            "=HYPERLINK(\"x\")",
            "@SUM(A1)",
            "-Mairie",
            "+33 1 23",
            "Mairie de Lyon",
            "'quote",
        ] {
            assert_eq!(undefused(&defused(cell)), cell);
        }
        assert_eq!(defused("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defused("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defused("Mairie de Lyon"), "Mairie de Lyon");
        assert_eq!(undefused("'Arc"), "'Arc", "an apostrophe of a name stays");
    }
}
