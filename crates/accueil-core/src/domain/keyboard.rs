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
    /// QWERTY, United Kingdom.
    Uk,
    /// AZERTY, France (PC).
    Fr,
    /// AZERTY, France (Mac).
    FrMac,
    /// AZERTY, Belgium.
    Be,
    /// QWERTZ, Germany.
    De,
    /// QWERTZ, Switzerland (German).
    Ch,
    /// QWERTZ, Switzerland (French).
    ChFr,
    /// QWERTY, Spain.
    Es,
    /// QWERTY, Italy.
    It,
    /// QWERTY, Portugal.
    Pt,
    /// QWERTY, Latin America.
    Latam,
    /// QWERTY, Canada (French).
    CaFr,
    /// Dvorak (United States).
    Dvorak,
    /// BÉPO (France).
    Bepo,
}

/// Key positions, in the order of the tables below: the number row (13
/// keys from the one left of 1), the top letter row (12, then the key above
/// or beside Enter), the home row (11), the bottom row (10), then the extra
/// key of ISO keyboards left of the bottom row. `\0` marks a key that gives
/// no character by itself (a dead accent) or does not exist. The tables are
/// X11's (`xkeyboard-config`'s `symbols/`), level 1 and 2 only: a scanner
/// never presses AltGr.
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
const UK: Table = Table {
    plain: "`1234567890-=qwertyuiop[]#asdfghjkl;'zxcvbnm,./\\",
    shifted: "¬!\"£$%^&*()_+QWERTYUIOP{}~ASDFGHJKL:@ZXCVBNM<>?|",
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
const CH_FR: Table = Table {
    plain: "§1234567890'\0qwertzuiopè\0$asdfghjkléàyxcvbnm,.-<",
    shifted: "°+\"*ç%&/()=?\0QWERTZUIOPü!£ASDFGHJKLöäYXCVBNM;:_>",
};
const ES: Table = Table {
    plain: "º1234567890'¡qwertyuiop\0+çasdfghjklñ\0zxcvbnm,.-<",
    shifted: "ª!\"·$%&/()=?¿QWERTYUIOP\0*ÇASDFGHJKLÑ\0ZXCVBNM;:_>",
};
const IT: Table = Table {
    plain: "\\1234567890'ìqwertyuiopè+ùasdfghjklòàzxcvbnm,.-<",
    shifted: "|!\"£$%&/()=?^QWERTYUIOPé*§ASDFGHJKLç°ZXCVBNM;:_>",
};
const PT: Table = Table {
    plain: "\\1234567890'«qwertyuiop+\0\0asdfghjklçºzxcvbnm,.-<",
    shifted: "|!\"#$%&/()=?»QWERTYUIOP*\0\0ASDFGHJKLÇªZXCVBNM;:_>",
};
const LATAM: Table = Table {
    plain: "|1234567890'¿qwertyuiop\0+}asdfghjklñ{zxcvbnm,.-<",
    shifted: "°!\"#$%&/()=?¡QWERTYUIOP\0*]ASDFGHJKLÑ[ZXCVBNM;:_>",
};
/// Shift and `.` give `.` again: left out, so that `.` reads back as one key.
const CA_FR: Table = Table {
    plain: "#1234567890-=qwertyuiop\0\0<asdfghjkl;\0zxcvbnm,.é«",
    shifted: "|!\"/$%?&*()_+QWERTYUIOP\0\0>ASDFGHJKL:\0ZXCVBNM'\0É»",
};
const DVORAK: Table = Table {
    plain: "`1234567890[]',.pyfgcrl/=\\aoeuidhtns-;qjkxbmwvz\0",
    shifted: "~!@#$%^&*(){}\"<>PYFGCRL?+|AOEUIDHTNS_:QJKXBMWVZ\0",
};
const BEPO: Table = Table {
    plain: "$\"«»()@+-/*=%bépoè\0vdljzwçauie,ctsrnmàyx.k'qghfê",
    shifted: "#1234567890°`BÉPOÈ!VDLJZWÇAUIE;CTSRNMÀYX:K?QGHFÊ",
};

impl Layout {
    pub const ALL: [Layout; 15] = [
        Layout::Us,
        Layout::Uk,
        Layout::Fr,
        Layout::FrMac,
        Layout::Be,
        Layout::De,
        Layout::Ch,
        Layout::ChFr,
        Layout::Es,
        Layout::It,
        Layout::Pt,
        Layout::Latam,
        Layout::CaFr,
        Layout::Dvorak,
        Layout::Bepo,
    ];

    /// The name used in kiosk.toml (`us`, `fr`, `fr-mac`, `be`, `ch-de`…).
    pub fn key(self) -> &'static str {
        match self {
            Layout::Us => "us",
            Layout::Uk => "uk",
            Layout::Fr => "fr",
            Layout::FrMac => "fr-mac",
            Layout::Be => "be",
            Layout::De => "de",
            Layout::Ch => "ch-de",
            Layout::ChFr => "ch-fr",
            Layout::Es => "es",
            Layout::It => "it",
            Layout::Pt => "pt",
            Layout::Latam => "latam",
            Layout::CaFr => "ca-fr",
            Layout::Dvorak => "dvorak",
            Layout::Bepo => "bepo",
        }
    }

    /// A name of kiosk.toml; `ch`, the name before Swiss French was known,
    /// is Swiss German.
    pub fn from_key(key: &str) -> Option<Layout> {
        match key {
            "ch" => Some(Layout::Ch),
            "bépo" => Some(Layout::Bepo),
            _ => Layout::ALL.into_iter().find(|l| l.key() == key),
        }
    }

    /// "QWERTY (États-Unis)", for messages.
    pub fn label(self) -> &'static str {
        match self {
            Layout::Us => "QWERTY (États-Unis)",
            Layout::Uk => "QWERTY (Royaume-Uni)",
            Layout::Fr => "AZERTY (France)",
            Layout::FrMac => "AZERTY (France, Mac)",
            Layout::Be => "AZERTY (Belgique)",
            Layout::De => "QWERTZ (Allemagne)",
            Layout::Ch => "QWERTZ (Suisse alémanique)",
            Layout::ChFr => "QWERTZ (Suisse romande)",
            Layout::Es => "QWERTY (Espagne)",
            Layout::It => "QWERTY (Italie)",
            Layout::Pt => "QWERTY (Portugal)",
            Layout::Latam => "QWERTY (Amérique latine)",
            Layout::CaFr => "QWERTY (Canada français)",
            Layout::Dvorak => "Dvorak (États-Unis)",
            Layout::Bepo => "BÉPO",
        }
    }

    /// The family a scanner's manual names: "QWERTY", "AZERTY", "QWERTZ"…
    pub fn family(self) -> &'static str {
        match self {
            Layout::Fr | Layout::FrMac | Layout::Be => "AZERTY",
            Layout::De | Layout::Ch | Layout::ChFr => "QWERTZ",
            Layout::Dvorak => "Dvorak",
            Layout::Bepo => "BÉPO",
            Layout::Us
            | Layout::Uk
            | Layout::Es
            | Layout::It
            | Layout::Pt
            | Layout::Latam
            | Layout::CaFr => "QWERTY",
        }
    }

    fn table(self) -> &'static Table {
        match self {
            Layout::Us => &US,
            Layout::Uk => &UK,
            Layout::Fr => &FR,
            Layout::FrMac => &FR_MAC,
            Layout::Be => &BE,
            Layout::De => &DE,
            Layout::Ch => &CH,
            Layout::ChFr => &CH_FR,
            Layout::Es => &ES,
            Layout::It => &IT,
            Layout::Pt => &PT,
            Layout::Latam => &LATAM,
            Layout::CaFr => &CA_FR,
            Layout::Dvorak => &DVORAK,
            Layout::Bepo => &BEPO,
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
    /// The mix-ups tried on every scan, most common first: a scanner in
    /// its factory US mode on the computers met in French-, Spanish-,
    /// Italian- and Portuguese-speaking countries and on the alternative
    /// layouts, then an AZERTY scanner on a QWERTY or QWERTZ computer.
    pub const ALL: [Mix; 20] = [
        Mix::new(Layout::Us, Layout::Fr),
        Mix::new(Layout::Us, Layout::FrMac),
        Mix::new(Layout::Us, Layout::Be),
        Mix::new(Layout::Us, Layout::ChFr),
        Mix::new(Layout::Us, Layout::Ch),
        Mix::new(Layout::Us, Layout::De),
        Mix::new(Layout::Us, Layout::Uk),
        Mix::new(Layout::Us, Layout::Es),
        Mix::new(Layout::Us, Layout::It),
        Mix::new(Layout::Us, Layout::Pt),
        Mix::new(Layout::Us, Layout::Latam),
        Mix::new(Layout::Us, Layout::CaFr),
        Mix::new(Layout::Us, Layout::Dvorak),
        Mix::new(Layout::Us, Layout::Bepo),
        Mix::new(Layout::Fr, Layout::Us),
        Mix::new(Layout::Fr, Layout::Uk),
        Mix::new(Layout::Fr, Layout::De),
        Mix::new(Layout::Fr, Layout::Ch),
        Mix::new(Layout::Fr, Layout::ChFr),
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
        // A QWERTY scanner is already « QWERTY »: a Spanish computer needs
        // the Spanish setting, which manuals list by country.
        let code = if self.host.family() == self.scanner.family() {
            "celui de ce pays".to_owned()
        } else {
            format!("« {} »", self.host.family())
        };
        format!(
            "réglez le lecteur sur le clavier {} (code de configuration : {code}, dans sa notice) ou indiquez scanner_layout = \"{}\" dans kiosk.toml [kiosk]",
            self.host.label(),
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

    /// Every code a scan can stand for, each with the mix-ups that explain
    /// it (`None`: the scan as read): as read first, then in the order of
    /// [`Mix::ALL`] with `remembered` (the mix that matched last) first.
    /// A code appears once, with all its explanations.
    pub fn readings(self, read: &str, remembered: Option<Mix>) -> Vec<Reading> {
        let mixes: Vec<Mix> = match self {
            ScannerLayout::AsRead => Vec::new(),
            ScannerLayout::Pinned(mix) => vec![mix],
            ScannerLayout::Auto => remembered
                .into_iter()
                .chain(Mix::ALL.into_iter().filter(|m| Some(*m) != remembered))
                .collect(),
        };
        let mut out = vec![Reading {
            code: read.to_owned(),
            mixes: vec![None],
        }];
        for mix in mixes {
            let Some(code) = mix.recover(read) else {
                continue;
            };
            match out.iter_mut().find(|r| r.code == code) {
                Some(reading) => reading.mixes.push(Some(mix)),
                None => out.push(Reading {
                    code,
                    mixes: vec![Some(mix)],
                }),
            }
        }
        out
    }

    /// The codes a scan can stand for once a mix-up is undone, other than
    /// what was read, each with the first mix that explains it.
    pub fn candidates(self, read: &str, remembered: Option<Mix>) -> Vec<(Mix, String)> {
        self.readings(read, remembered)
            .into_iter()
            .filter(|r| r.code != read)
            .filter_map(|r| Some((r.mixes.into_iter().flatten().next()?, r.code)))
            .collect()
    }
}

/// One code a scan can stand for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    pub code: String,
    /// What explains it: `None` for the scan as read, else the mix-ups
    /// (none of them before `None`).
    pub mixes: Vec<Option<Mix>>,
}

/// What a scan says about the scanner before any ticket matches: the
/// codes what was read turns into under some mix-up when it is a plausible
/// code (letters, digits and `-`, `_`, `.`, `/`, `:` only) while what was
/// read itself is not one — each with every mix-up that explains it, so
/// that staff are never sent to one layout when several read the scan
/// differently. For the « Tester le lecteur » screen.
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
        .readings(read, None)
        .into_iter()
        .filter(|r| plausible(&r.code))
        .flat_map(|r| {
            r.mixes
                .into_iter()
                .flatten()
                .map(move |m| (m, r.code.clone()))
        })
        .collect()
}

/// « le lecteur tape en QWERTY (États-Unis) sur un poste AZERTY (France)
/// ou AZERTY (Belgique) »: every mix-up that explains a scan, by scanner.
pub fn describe_all(mixes: &[Mix]) -> String {
    let mut scanners: Vec<Layout> = mixes.iter().map(|m| m.scanner).collect();
    scanners.dedup();
    scanners
        .iter()
        .map(|&s| {
            let hosts: Vec<&str> = mixes
                .iter()
                .filter(|m| m.scanner == s)
                .map(|m| m.host.label())
                .collect();
            format!(
                "le lecteur tape en {} sur un poste {}",
                s.label(),
                hosts.join(" ou ")
            )
        })
        .collect::<Vec<_>>()
        .join(", ou ")
}

/// The one fix all these mix-ups share — setting the scanner to the
/// computer's family (AZERTY for a French, Belgian or Mac computer) — as
/// the first of them; `None` when they call for different settings, or
/// for a country's setting within the scanner's own family (a US scanner
/// on a Spanish or an Italian computer: both « QWERTY »).
pub fn one_fix(mixes: &[Mix]) -> Option<Mix> {
    let first = *mixes.first()?;
    let family = first.host.family();
    (family != first.scanner.family()
        && mixes
            .iter()
            .all(|m| m.scanner == first.scanner && m.host.family() == family))
    .then_some(first)
}

/// The mix-up a screen may name for all of these: the only one, or the
/// first of several that share [`one_fix`]; `None` when naming one could
/// send staff to the wrong setting.
pub fn to_name(mixes: &[Mix]) -> Option<Mix> {
    match mixes {
        [one] => Some(*one),
        _ => one_fix(mixes),
    }
}

/// What to do when several mix-ups explain a scan: one of them is the
/// truth, and only staff know the computer's layout.
pub fn advice_all(mixes: &[Mix]) -> String {
    let names = || {
        mixes
            .iter()
            .map(|m| format!("\"{}\"", m.key()))
            .collect::<Vec<_>>()
            .join(" ou ")
    };
    match (mixes, one_fix(mixes)) {
        ([one], _) => one.advice(),
        (_, Some(first)) => format!(
            "réglez le lecteur sur le clavier {family} (code de configuration « {family} » dans sa notice) ou indiquez dans kiosk.toml [kiosk] scanner_layout = {}",
            names(),
            family = first.host.family(),
        ),
        (_, None) => format!(
            "réglez le lecteur sur le clavier de ce poste (sa notice), ou indiquez dans kiosk.toml [kiosk] scanner_layout = {} selon ce poste",
            names()
        ),
    }
}

/// Whom a scan designates among the known tickets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Designation<T> {
    /// No reading of the scan is a known ticket.
    Nobody,
    /// Exactly one known ticket explains the scan, however it is read:
    /// `via` is empty when the scan was read as typed, else the mix-ups
    /// that turn it into that ticket.
    One { who: T, via: Vec<Mix> },
    /// Two readings are two known tickets: nobody is designated; each
    /// ticket comes with one of its explanations (`None`: as read).
    Several(Vec<(Option<Mix>, T)>),
}

/// Reads a scan every way [`ScannerLayout::readings`] can and looks each
/// reading up with `known`: someone is designated only when exactly one
/// reading is a known ticket — never the first that matches. A ticket
/// that matches as read still yields to the doubt when a mix-up reads the
/// scan as another known ticket. Two readings that find the same ticket
/// (codes are matched without case) are one.
pub fn designate<T: PartialEq, E>(
    readings: Vec<Reading>,
    mut known: impl FnMut(&str) -> Result<Option<T>, E>,
) -> Result<Designation<T>, E> {
    let mut found: Vec<(Vec<Option<Mix>>, T)> = Vec::new();
    for reading in readings {
        if let Some(who) = known(&reading.code)? {
            match found.iter_mut().find(|(_, w)| *w == who) {
                Some((mixes, _)) => mixes.extend(reading.mixes),
                None => found.push((reading.mixes, who)),
            }
        }
    }
    if found.len() > 1 {
        return Ok(Designation::Several(
            found
                .into_iter()
                .map(|(mixes, who)| (mixes.first().copied().flatten(), who))
                .collect(),
        ));
    }
    Ok(match found.pop() {
        None => Designation::Nobody,
        Some((mixes, who)) => Designation::One {
            via: if mixes.contains(&None) {
                Vec::new()
            } else {
                mixes.into_iter().flatten().collect()
            },
            who,
        },
    })
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
                let Some(read) = mix.garble(code) else {
                    assert_eq!(mix, Mix::new(Layout::Us, Layout::Bepo), "{code}");
                    continue;
                };
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
        // The name of Swiss German before Swiss French was known.
        assert_eq!(
            ScannerLayout::parse("us/ch"),
            Some(ScannerLayout::Pinned(Mix::new(Layout::Us, Layout::Ch)))
        );
    }

    /// The code families met at the door: pretix secrets, ticketing
    /// platforms' numbers, badge-style codes with a dash, and pairs that
    /// differ only where two layouts disagree (Y/Z, Q/A, M/,, W/Z).
    fn tickets() -> Vec<String> {
        [
            "TEAM-Z7",
            "TEAM-Y7",
            "QA-12",
            "AQ-12",
            "M7-X",
            "ZW-3",
            "WZ-3",
            "YZ",
            "ZY",
            "NEC-000123",
            "NEC/000123",
            "gt8k2mzqwv9xhdp4nr6c3jasef7by5tu",
            "gt8k2myqwv9xhdp4nr6c3jasef7bz5tu",
            "39810234554957712040001",
            "1234567890",
            "A7QZ9M2WXKH",
            "Q7AZ9M2WXKH",
            "12E45",
            "ABC_DEF.42",
        ]
        .map(String::from)
        .to_vec()
    }

    fn designate_among(read: &str, known: &[String]) -> Designation<String> {
        let found: Result<_, std::convert::Infallible> =
            designate(ScannerLayout::Auto.readings(read, None), |code| {
                Ok(known.iter().find(|k| *k == code).cloned())
            });
        match found {
            Ok(d) => d,
            Err(never) => match never {},
        }
    }

    /// Every scanner set right, and every mix-up accueil knows, every code
    /// family: the scan designates its own ticket, or nobody (staff choose)
    /// — never someone else; it is found unless another ticket explains
    /// the scan too. (A mix-up accueil does not know, such as a QWERTZ
    /// scanner on a US computer, can type `NEC-000123` as `NEC/000123`:
    /// if that is another ticket, it is that ticket's.)
    #[test]
    fn never_the_wrong_person() {
        let known = tickets();
        let mut found = 0;
        let mut asked = 0;
        for scanner in Layout::ALL {
            for host in Layout::ALL {
                let mix = Mix::new(scanner, host);
                if scanner != host && !Mix::ALL.contains(&mix) {
                    continue;
                }
                for code in &known {
                    let Some(read) = mix.garble(code) else {
                        continue;
                    };
                    match designate_among(&read, &known) {
                        Designation::One { who, .. } => {
                            assert_eq!(&who, code, "{mix}: {code} read as {read}");
                            found += 1;
                        }
                        Designation::Several(list) => {
                            assert!(list.iter().any(|(_, w)| w == code), "{mix}: {read}");
                            asked += 1;
                        }
                        Designation::Nobody => panic!("{mix}: {code} read as {read} found nobody"),
                    }
                }
            }
        }
        assert!(found > 0 && asked > 0, "found {found}, asked {asked}");
        // Without twins on the list, every scan is found.
        let families = [
            "NEC-000123",
            "gt8k2mzqwv9xhdp4nr6c3jasef7by5tu",
            "39810234554957712040001",
            "A7QZ9M2WXKH",
            "TEAM-Z7",
            "ABC_DEF.42",
        ]
        .map(String::from)
        .to_vec();
        for mix in Mix::ALL {
            for code in &families {
                let Some(read) = mix.garble(code) else {
                    continue;
                };
                let d = designate_among(&read, &families);
                assert!(
                    matches!(&d, Designation::One { who, .. } if who == code),
                    "{mix}: {read} {d:?}"
                );
            }
        }
    }

    /// The case: a US scanner on a Spanish (or Italian,
    /// Portuguese, Latin-American) computer types `-` as `'`; a Swiss
    /// computer would also have swapped Y and Z. `TEAM'Z7` is Diego's
    /// ticket or Yves's: staff choose.
    #[test]
    fn a_dash_typed_as_a_quote_is_asked_not_guessed() {
        let known = vec!["TEAM-Z7".to_owned(), "TEAM-Y7".to_owned()];
        let spanish = Mix::new(Layout::Us, Layout::Es).garble("TEAM-Z7").unwrap();
        assert_eq!(spanish, "TEAM'Z7");
        match designate_among(&spanish, &known) {
            Designation::Several(list) => {
                let mut who: Vec<&str> = list.iter().map(|(_, w)| w.as_str()).collect();
                who.sort_unstable();
                assert_eq!(who, ["TEAM-Y7", "TEAM-Z7"]);
            }
            other => panic!("{other:?}"),
        }
        // Alone on the list, Diego is found, with every layout that
        // explains it named.
        match designate_among(&spanish, &known[..1]) {
            Designation::One { who, via } => {
                assert_eq!(who, "TEAM-Z7");
                for host in [Layout::Es, Layout::It, Layout::Pt, Layout::Latam] {
                    assert!(via.contains(&Mix::new(Layout::Us, host)), "{via:?}");
                }
            }
            other => panic!("{other:?}"),
        }
    }

    /// A ticket read exactly still yields to the doubt when a mix-up reads
    /// the same scan as another ticket.
    #[test]
    fn an_exact_match_is_not_trusted_over_another_ticket() {
        let known = vec!["ZY".to_owned(), "YZ".to_owned()];
        assert!(matches!(
            designate_among("ZY", &known),
            Designation::Several(_)
        ));
        assert_eq!(
            designate_among("ZY", &known[..1]),
            Designation::One {
                who: "ZY".to_owned(),
                via: Vec::new()
            }
        );
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
        /// back as it was meant, under every mix-up; only a dead key of
        /// the computer's (`y` of a US scanner on BÉPO) swallows one.
        #[test]
        fn garbling_is_undone(code in "[A-Za-z0-9-]{1,40}", mix in 0..Mix::ALL.len()) {
            let mix = Mix::ALL[mix];
            match mix.garble(&code) {
                Some(read) => proptest::prop_assert_eq!(mix.recover(&read), Some(code)),
                None => proptest::prop_assert!(
                    mix == Mix::new(Layout::Us, Layout::Bepo) && code.contains('y'),
                    "{} cannot type {}", mix, code
                ),
            }
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
