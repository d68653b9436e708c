//! Barcode scanners type like a keyboard: they press the keys that would
//! produce the code *on the layout they are set to*, and the computer reads
//! those keys *with its own layout*. A scanner left in its factory US mode
//! on a French (AZERTY) laptop turns `NEC-0123` into `NEC)à&é"`; one set to
//! AZERTY on a QWERTY host turns `A-1` into `Q6!`.
//!
//! This module knows the printable keys of the layouts met at French-speaking
//! events and undoes such a mix-up: [`Mix::recover`] gives back the code as
//! it was meant. Keys are named by their position (the US engraving), i.e.
//! the scan code the scanner sends, so every layout is one table.

use std::fmt;

/// A keyboard layout: what each key gives, alone and with Shift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layout {
    /// QWERTY, United States: every scanner's factory setting.
    Us,
    /// AZERTY, France (PC).
    Fr,
    /// AZERTY, France (Mac).
    FrMac,
    /// AZERTY, Belgium.
    Be,
    /// QWERTZ, Germany.
    De,
    /// QWERTZ, Switzerland.
    Ch,
}

/// Key positions, in the order of the tables below: the number row (13
/// keys from the one left of 1), the top letter row (12, then the key above
/// or beside Enter), the home row (11), the bottom row (10), then the extra
/// key of ISO keyboards left of the bottom row. `\0` marks a key that gives
/// no character by itself (a dead accent) or does not exist.
#[cfg(test)]
const KEYS: usize = 48;

struct Table {
    plain: &'static str,
    shifted: &'static str,
}

const US: Table = Table {
    plain: "`1234567890-=qwertyuiop[]\\asdfghjkl;'zxcvbnm,./\0",
    shifted: "~!@#$%^&*()_+QWERTYUIOP{}|ASDFGHJKL:\"ZXCVBNM<>?\0",
};
const FR: Table = Table {
    plain: "²&é\"'(-è_çà)=azertyuiop\0$*qsdfghjklmùwxcvbn,;:!<",
    shifted: "\u{0}1234567890°+AZERTYUIOP\0£µQSDFGHJKLM%WXCVBN?./§>",
};
const FR_MAC: Table = Table {
    plain: "@&é\"'(§è!çà)-azertyuiop\0$\0qsdfghjklmùwxcvbn,;:=<",
    shifted: "#1234567890°_AZERTYUIOP\0*£QSDFGHJKLM%WXCVBN?./+>",
};
const BE: Table = Table {
    plain: "²&é\"'(§è!çà)-azertyuiop\0$µqsdfghjklmùwxcvbn,;:=<",
    shifted: "³1234567890°_AZERTYUIOP\0*£QSDFGHJKLM%WXCVBN?./+>",
};
const DE: Table = Table {
    plain: "\u{0}1234567890ß\0qwertzuiopü+#asdfghjklöäyxcvbnm,.-<",
    shifted: "°!\"§$%&/()=?\0QWERTZUIOPÜ*'ASDFGHJKLÖÄYXCVBNM;:_>",
};
const CH: Table = Table {
    plain: "§1234567890'\0qwertzuiopü\0$asdfghjklöäyxcvbnm,.-<",
    shifted: "°+\"*ç%&/()=?\0QWERTZUIOPè!£ASDFGHJKLéàYXCVBNM;:_>",
};

impl Layout {
    pub const ALL: [Layout; 6] = [
        Layout::Us,
        Layout::Fr,
        Layout::FrMac,
        Layout::Be,
        Layout::De,
        Layout::Ch,
    ];

    /// The name used in kiosk.toml (`us`, `fr`, `fr-mac`, `be`, `de`, `ch`).
    pub fn key(self) -> &'static str {
        match self {
            Layout::Us => "us",
            Layout::Fr => "fr",
            Layout::FrMac => "fr-mac",
            Layout::Be => "be",
            Layout::De => "de",
            Layout::Ch => "ch",
        }
    }

    pub fn from_key(key: &str) -> Option<Layout> {
        Layout::ALL.into_iter().find(|l| l.key() == key)
    }

    /// "QWERTY (États-Unis)", for messages.
    pub fn label(self) -> &'static str {
        match self {
            Layout::Us => "QWERTY (États-Unis)",
            Layout::Fr => "AZERTY (France)",
            Layout::FrMac => "AZERTY (France, Mac)",
            Layout::Be => "AZERTY (Belgique)",
            Layout::De => "QWERTZ (Allemagne)",
            Layout::Ch => "QWERTZ (Suisse)",
        }
    }

    /// The family a scanner's manual names: "QWERTY", "AZERTY", "QWERTZ".
    pub fn family(self) -> &'static str {
        match self {
            Layout::Us => "QWERTY",
            Layout::Fr | Layout::FrMac | Layout::Be => "AZERTY",
            Layout::De | Layout::Ch => "QWERTZ",
        }
    }

    fn table(self) -> &'static Table {
        match self {
            Layout::Us => &US,
            Layout::Fr => &FR,
            Layout::FrMac => &FR_MAC,
            Layout::Be => &BE,
            Layout::De => &DE,
            Layout::Ch => &CH,
        }
    }

    /// The character a key gives (`None`: a dead key or no key).
    fn char_at(self, key: usize, shift: bool) -> Option<char> {
        let t = self.table();
        let row = if shift { t.shifted } else { t.plain };
        row.chars().nth(key).filter(|&c| c != '\0')
    }

    /// The key (and Shift) that gives `c`, if one key does.
    fn key_of(self, c: char) -> Option<(usize, bool)> {
        let t = self.table();
        for (shift, row) in [(false, t.plain), (true, t.shifted)] {
            if let Some(i) = row.chars().position(|k| k == c && k != '\0') {
                return Some((i, shift));
            }
        }
        None
    }
}

/// A scanner set to one layout on a computer using another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mix {
    pub scanner: Layout,
    pub host: Layout,
}

impl Mix {
    /// The mix-ups tried on an unknown scan, most common first: a scanner in
    /// its factory US mode on the computers met in French-speaking
    /// countries, then an AZERTY scanner on a QWERTY computer.
    pub const ALL: [Mix; 7] = [
        Mix::new(Layout::Us, Layout::Fr),
        Mix::new(Layout::Us, Layout::FrMac),
        Mix::new(Layout::Us, Layout::Be),
        Mix::new(Layout::Us, Layout::Ch),
        Mix::new(Layout::Us, Layout::De),
        Mix::new(Layout::Fr, Layout::Us),
        Mix::new(Layout::Be, Layout::Us),
    ];

    pub const fn new(scanner: Layout, host: Layout) -> Mix {
        Mix { scanner, host }
    }

    /// `us/fr`: the scanner's layout, then the computer's (kiosk.toml
    /// `[kiosk] scanner_layout`).
    pub fn key(self) -> String {
        format!("{}/{}", self.scanner.key(), self.host.key())
    }

    pub fn from_key(key: &str) -> Option<Mix> {
        let (scanner, host) = key.split_once('/')?;
        let mix = Mix::new(Layout::from_key(scanner)?, Layout::from_key(host)?);
        (mix.scanner != mix.host).then_some(mix)
    }

    /// What arrives when a scanner in this mix types `code`; `None` when the
    /// scanner's layout cannot type one of its characters with one key.
    pub fn garble(self, code: &str) -> Option<String> {
        code.chars()
            .map(|c| {
                let (key, shift) = self.scanner.key_of(c)?;
                self.host.char_at(key, shift)
            })
            .collect()
    }

    /// The code as the scanner meant it, from what the computer read;
    /// `None` when something read could not come from this mix.
    pub fn recover(self, read: &str) -> Option<String> {
        read.chars()
            .map(|c| {
                let (key, shift) = self.host.key_of(c)?;
                self.scanner.char_at(key, shift)
            })
            .collect()
    }

    /// What to tell staff: the scanner types `family` on a `host` computer.
    pub fn describe(self) -> String {
        format!(
            "le lecteur tape en {} sur un poste {}",
            self.scanner.label(),
            self.host.label()
        )
    }

    /// How to fix it, in a sentence.
    pub fn advice(self) -> String {
        format!(
            "réglez le lecteur sur le clavier {} (code de configuration « {} » dans sa notice) ou indiquez scanner_layout = \"{}\" dans kiosk.toml [kiosk]",
            self.host.label(),
            self.host.family(),
            self.key()
        )
    }
}

impl fmt::Display for Mix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key())
    }
}

/// Which mix-ups an unknown scan is tried against (kiosk.toml `[kiosk]
/// scanner_layout`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ScannerLayout {
    /// Every mix of [`Mix::ALL`], the one seen last first.
    #[default]
    Auto,
    /// Codes are taken as read.
    AsRead,
    /// This mix only (a known, permanent setting).
    Pinned(Mix),
}

impl ScannerLayout {
    pub fn parse(s: &str) -> Option<ScannerLayout> {
        match s {
            "auto" => Some(ScannerLayout::Auto),
            "none" | "same" => Some(ScannerLayout::AsRead),
            other => Mix::from_key(other).map(ScannerLayout::Pinned),
        }
    }

    /// The candidate codes for something read, with the mix each comes
    /// from, in the order to try them: `remembered` (the mix that matched
    /// last) first. Candidates equal to what was read, or to an earlier
    /// candidate, are left out.
    pub fn candidates(self, read: &str, remembered: Option<Mix>) -> Vec<(Mix, String)> {
        let mixes: Vec<Mix> = match self {
            ScannerLayout::AsRead => Vec::new(),
            ScannerLayout::Pinned(mix) => vec![mix],
            ScannerLayout::Auto => remembered
                .into_iter()
                .chain(Mix::ALL.into_iter().filter(|m| Some(*m) != remembered))
                .collect(),
        };
        let mut out: Vec<(Mix, String)> = Vec::with_capacity(mixes.len());
        for mix in mixes {
            if let Some(code) = mix.recover(read)
                && code != read
                && !out.iter().any(|(_, c)| *c == code)
            {
                out.push((mix, code));
            }
        }
        out
    }
}

/// What a scan says about the scanner before any ticket matches: the mixes
/// under which what was read turns into a plausible code (letters, digits
/// and `-`, `_`, `.`, `/`, `:` only) while what was read itself is not one.
/// For the « Tester le lecteur » screen.
pub fn likely_mixes(read: &str) -> Vec<(Mix, String)> {
    let plausible = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./:".contains(c))
    };
    if plausible(read) {
        return Vec::new();
    }
    ScannerLayout::Auto
        .candidates(read, None)
        .into_iter()
        .filter(|(_, code)| plausible(code))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_has_every_key() {
        for layout in Layout::ALL {
            let t = layout.table();
            assert_eq!(t.plain.chars().count(), KEYS, "{layout:?} plain");
            assert_eq!(t.shifted.chars().count(), KEYS, "{layout:?} shifted");
        }
    }

    #[test]
    fn a_us_scanner_on_a_french_pc() {
        let mix = Mix::new(Layout::Us, Layout::Fr);
        // The digit row, the dash, and the letters AZERTY moves.
        assert_eq!(mix.garble("1234567890").as_deref(), Some("&é\"'(-è_çà"));
        assert_eq!(mix.garble("NEC-0123").as_deref(), Some("NEC)à&é\""));
        assert_eq!(mix.garble("aqzwm").as_deref(), Some("qawz,"));
        assert_eq!(mix.garble("AQZWM").as_deref(), Some("QAWZ?"));
        assert_eq!(mix.recover("NEC)à&é\"").as_deref(), Some("NEC-0123"));
        assert_eq!(mix.recover("qawz,").as_deref(), Some("aqzwm"));
    }

    #[test]
    fn a_us_scanner_on_a_mac_belgian_german_or_swiss_computer() {
        let us = Layout::Us;
        assert_eq!(
            Mix::new(us, Layout::FrMac).garble("6-8").as_deref(),
            Some("§)!")
        );
        assert_eq!(
            Mix::new(us, Layout::FrMac).garble("A_=").as_deref(),
            Some("Q°-")
        );
        assert_eq!(
            Mix::new(us, Layout::Be).garble("1234567890-").as_deref(),
            Some("&é\"'(§è!çà)")
        );
        assert_eq!(
            Mix::new(us, Layout::De).garble("yz-Y_").as_deref(),
            Some("zyßZ?")
        );
        assert_eq!(
            Mix::new(us, Layout::Ch).garble("yz-Y_").as_deref(),
            Some("zy'Z?")
        );
    }

    #[test]
    fn an_azerty_scanner_on_a_qwerty_computer() {
        let mix = Mix::new(Layout::Fr, Layout::Us);
        assert_eq!(mix.garble("A-1").as_deref(), Some("Q6!"));
        assert_eq!(mix.recover("Q6!").as_deref(), Some("A-1"));
        // "@" needs AltGr on AZERTY: not one key, not typeable here.
        assert_eq!(mix.garble("a@b"), None);
    }

    #[test]
    fn recover_undoes_garble_for_every_mix() {
        let codes = [
            "NEC-000123",
            "A-7QZ9M2WXKH",
            "39810234554957712040001",
            "gt8k2mzqwv9xhdp4nr6c3jasef7by5tu",
        ];
        for mix in Mix::ALL {
            for code in codes {
                let read = mix.garble(code).unwrap();
                assert_eq!(mix.recover(&read).as_deref(), Some(code), "{mix} {code}");
            }
        }
    }

    #[test]
    fn candidates_start_with_the_remembered_mix_and_skip_repeats() {
        let read = "NEC)à&é\"";
        let auto = ScannerLayout::Auto.candidates(read, None);
        assert_eq!(
            auto[0],
            (Mix::new(Layout::Us, Layout::Fr), "NEC-0123".into())
        );
        assert!(
            auto.iter().filter(|(_, c)| c == "NEC-0123").count() == 1,
            "{auto:?}"
        );
        let be = Mix::new(Layout::Us, Layout::Be);
        let remembered = ScannerLayout::Auto.candidates(read, Some(be));
        assert_eq!(remembered[0].0, be);
        let pinned = ScannerLayout::Pinned(be).candidates(read, None);
        assert_eq!(pinned.len(), 1);
        assert!(ScannerLayout::AsRead.candidates(read, None).is_empty());
        assert!(ScannerLayout::Auto.candidates("", None).is_empty());
    }

    #[test]
    fn config_names() {
        assert_eq!(
            ScannerLayout::parse("us/fr"),
            Some(ScannerLayout::Pinned(Mix::new(Layout::Us, Layout::Fr)))
        );
        assert_eq!(ScannerLayout::parse("fr/fr"), None);
        assert_eq!(ScannerLayout::parse("azerty"), None);
        for mix in Mix::ALL {
            assert_eq!(Mix::from_key(&mix.key()), Some(mix));
        }
    }

    #[test]
    fn no_key_gives_two_characters_on_one_layout() {
        for layout in Layout::ALL {
            let t = layout.table();
            let mut all: Vec<char> = t
                .plain
                .chars()
                .chain(t.shifted.chars())
                .filter(|&c| c != '\0')
                .collect();
            let n = all.len();
            all.sort_unstable();
            all.dedup();
            assert_eq!(all.len(), n, "{layout:?}");
        }
    }

    proptest::proptest! {
        /// Whatever a scanner can type with one key per character comes
        /// back as it was meant, under every mix-up.
        #[test]
        fn garbling_is_undone(code in "[A-Za-z0-9-]{1,40}", mix in 0..Mix::ALL.len()) {
            let mix = Mix::ALL[mix];
            let read = mix.garble(&code).expect("letters, digits and - are one key everywhere");
            proptest::prop_assert_eq!(mix.recover(&read), Some(code));
        }

        /// Anything read, even nonsense, gives candidates without panicking,
        /// none equal to what was read, none twice.
        #[test]
        fn candidates_never_repeat(read in "\\PC{0,30}") {
            let c = ScannerLayout::Auto.candidates(&read, None);
            for (i, (_, code)) in c.iter().enumerate() {
                proptest::prop_assert!(*code != read);
                proptest::prop_assert!(!c[..i].iter().any(|(_, o)| o == code));
            }
        }
    }

    #[test]
    fn a_garbled_scan_names_its_likely_mix() {
        let likely = likely_mixes("&é\"'(-è_çà");
        assert!(
            likely
                .iter()
                .any(|(m, c)| *m == Mix::new(Layout::Us, Layout::Fr) && c == "1234567890")
        );
        assert!(likely_mixes("NEC-0123").is_empty());
    }
}
