//! One way to translate: accueil is written in French, and the English is
//! one gettext catalogue, `crates/accueil-core/i18n/en/LC_MESSAGES/
//! accueil-kiosk.po` (named after the kiosk crate because Slint looks its
//! bundled translations up by crate name). Its msgids are the French
//! phrases themselves, wherever they are written:
//! - the kiosk's `.slint` views (`@tr("…")`; Slint bundles the catalogue),
//! - Rust messages shown in the chosen language ([`Text::fr`], here),
//! - the organisers' page (`t("…")` and `data-t` in page.html; the hub
//!   hands it the English of its own phrases, [`english_of`]).
//!
//! A phrase said in two places is one entry. The integration test
//! `translations` fails when a phrase of any of the three has no English,
//! or when a translation loses or invents a `{placeholder}`.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

/// The English catalogue, compiled in: a kiosk has no locale files to lose.
const ENGLISH_PO: &str = include_str!("../../i18n/en/LC_MESSAGES/accueil-kiosk.po");

/// The kiosk screen's (and the doctor's, and the page's) language: French
/// first, English on request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, strum::IntoStaticStr, strum::EnumString)]
pub enum Language {
    #[default]
    #[strum(serialize = "fr")]
    French,
    #[strum(serialize = "en")]
    English,
}

impl Language {
    /// The code used in kiosk.toml and by the UI's translation bundle.
    pub fn code(self) -> &'static str {
        self.into()
    }

    /// The other one: what the on-screen language button switches to.
    pub fn other(self) -> Language {
        match self {
            Language::French => Language::English,
            Language::English => Language::French,
        }
    }
}

/// One entry of a `.po` file: the French (and its plural), and the
/// translations (one, or one per plural form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoEntry {
    pub context: Option<String>,
    pub id: String,
    pub plural: Option<String>,
    pub translations: Vec<String>,
}

/// The entries of a `.po` file, header included (its id is empty). Lenient:
/// a line it does not understand is skipped, never a panic — the catalogue
/// is compiled in, and the `translations` test reads it whole.
pub fn parse_po(po: &str) -> Vec<PoEntry> {
    let mut entries = Vec::new();
    let mut entry: Option<PoEntry> = None;
    // Which string a continuation line ("…" alone) extends.
    #[derive(Clone, Copy)]
    enum Field {
        Context,
        Id,
        Plural,
        Translation,
    }
    let mut field = Field::Id;
    for line in po.lines().map(str::trim) {
        let (keyword, rest) = match line.find('"') {
            Some(i) => (line[..i].trim(), &line[i..]),
            None => continue,
        };
        if keyword.starts_with('#') {
            continue;
        }
        let Some(value) = unquote(rest) else {
            continue;
        };
        let start = |entries: &mut Vec<PoEntry>, entry: &mut Option<PoEntry>| {
            entries.extend(entry.take());
            PoEntry {
                context: None,
                id: String::new(),
                plural: None,
                translations: Vec::new(),
            }
        };
        match keyword {
            "msgctxt" => {
                let mut e = start(&mut entries, &mut entry);
                e.context = Some(value);
                entry = Some(e);
                field = Field::Context;
            }
            "msgid" => {
                let mut e = match entry.take() {
                    // A msgctxt opened this entry.
                    Some(e) if e.id.is_empty() && e.translations.is_empty() => e,
                    other => {
                        entry = other;
                        start(&mut entries, &mut entry)
                    }
                };
                e.id = value;
                entry = Some(e);
                field = Field::Id;
            }
            "msgid_plural" => {
                if let Some(e) = entry.as_mut() {
                    e.plural = Some(value);
                }
                field = Field::Plural;
            }
            k if k.starts_with("msgstr") => {
                if let Some(e) = entry.as_mut() {
                    e.translations.push(value);
                }
                field = Field::Translation;
            }
            "" => {
                let Some(e) = entry.as_mut() else { continue };
                let target = match field {
                    Field::Context => e.context.get_or_insert_with(String::new),
                    Field::Id => &mut e.id,
                    Field::Plural => e.plural.get_or_insert_with(String::new),
                    Field::Translation => match e.translations.last_mut() {
                        Some(t) => t,
                        None => continue,
                    },
                };
                target.push_str(&value);
            }
            _ => {}
        }
    }
    entries.extend(entry);
    entries
}

/// A `"…"` string of a `.po` line, its escapes read.
fn unquote(s: &str) -> Option<String> {
    let inner = s.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        out.push(match chars.next()? {
            'n' => '\n',
            't' => '\t',
            other => other,
        });
    }
    Some(out)
}

/// The English catalogue's entries, as compiled in.
pub fn english_entries() -> Vec<PoEntry> {
    parse_po(ENGLISH_PO)
}

/// French → English, for the phrases with no context (every one: accueil
/// has no phrase that needs two translations). Plural ids map to their
/// plural form.
fn english() -> &'static HashMap<String, String> {
    static ENGLISH: OnceLock<HashMap<String, String>> = OnceLock::new();
    ENGLISH.get_or_init(|| {
        let mut map = HashMap::new();
        for e in english_entries() {
            if e.context.is_some() || e.id.is_empty() {
                continue;
            }
            let mut forms = e.translations.into_iter().filter(|t| !t.is_empty());
            if let Some(one) = forms.next() {
                if let (Some(plural), Some(many)) = (e.plural, forms.next()) {
                    map.insert(plural, many);
                }
                map.insert(e.id, one);
            }
        }
        map
    })
}

/// `french` in `language`: itself in French, its English from the
/// catalogue otherwise (or itself, when the catalogue has none — the
/// `translations` test sees that before a user does).
pub fn tr(language: Language, french: &str) -> &str {
    match language {
        Language::French => french,
        Language::English => english().get(french).map_or(french, String::as_str),
    }
}

/// The English of every phrase of the catalogue that `text` contains:
/// what the hub writes into the organisers' page, whose phrases are its
/// French (a short phrase found inside a longer word costs a few bytes,
/// nothing more).
pub fn english_within(text: &str) -> Vec<(&'static str, &'static str)> {
    english()
        .iter()
        .filter(|(french, _)| text.contains(french.as_str()))
        .map(|(french, english)| (french.as_str(), english.as_str()))
        .collect()
}

/// A message said in the reader's language: a French phrase of the
/// catalogue with `{named}` placeholders, and the values that fill them —
/// or words that were never translated (a path, an error from a library:
/// `From<String>`; there is no `From<&str>`, so that a French literal
/// cannot slip past the catalogue).
/// Shown as French by `Display` and in JSON (scripts read the French, as
/// before); in English by [`Text::in_language`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    Phrase {
        french: &'static str,
        /// `{name}` and the words that fill it, the same in every language.
        args: Vec<(&'static str, String)>,
    },
    Verbatim(String),
}

impl Text {
    /// A phrase of the catalogue. The `translations` test finds every
    /// `Text::fr("…")` in the sources and checks that it has its English.
    pub fn fr(french: &'static str) -> Text {
        Text::Phrase {
            french,
            args: Vec::new(),
        }
    }

    /// Fills `{name}` with `value`, said the same in every language.
    pub fn arg(self, name: &'static str, value: impl fmt::Display) -> Text {
        match self {
            Text::Phrase { french, mut args } => {
                args.push((name, value.to_string()));
                Text::Phrase { french, args }
            }
            verbatim => verbatim,
        }
    }

    /// The message in `language`.
    pub fn in_language(&self, language: Language) -> String {
        match self {
            Text::Verbatim(s) => s.clone(),
            Text::Phrase { french, args } => {
                let mut out = tr(language, french).to_owned();
                for (name, value) in args {
                    out = out.replace(&format!("{{{name}}}"), value);
                }
                out
            }
        }
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text::Verbatim(s)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.in_language(Language::French))
    }
}

impl serde::Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The `{name}` placeholders of a phrase, in order (Slint's `{}` and `{0}`
/// included): what a translation must keep.
pub fn placeholders(phrase: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = phrase;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let name = &rest[open + 1..open + close];
        if name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            found.push(name);
        }
        rest = &rest[open + close + 1..];
    }
    found.sort_unstable();
    found
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_po_file_is_read_with_its_continuations_plurals_contexts_and_escapes() {
        let po = r#"
# a comment
msgid ""
msgstr ""
"Language: en\n"

msgid "Bonjour"
msgstr "Hello"

msgctxt "porte"
msgid "Entrée"
msgstr "Entrance"

msgid "{n} badge en attente"
msgid_plural "{n} badges en attente"
msgstr[0] "{n} badge waiting"
msgstr[1] "{n} badges waiting"

msgid ""
"Un « long » "
"message\n"
msgstr "A \"long\" message\n"
"#;
        let entries = parse_po(po);
        assert_eq!(entries.len(), 5, "{entries:#?}");
        assert_eq!(entries[0].translations, ["Language: en\n"]);
        assert_eq!(
            (entries[1].id.as_str(), entries[1].translations[0].as_str()),
            ("Bonjour", "Hello")
        );
        assert_eq!(entries[2].context.as_deref(), Some("porte"));
        assert_eq!(entries[2].id, "Entrée");
        assert_eq!(entries[3].plural.as_deref(), Some("{n} badges en attente"));
        assert_eq!(entries[3].translations.len(), 2);
        assert_eq!(entries[4].id, "Un « long » message\n");
        assert_eq!(entries[4].translations, ["A \"long\" message\n"]);
    }

    #[test]
    fn a_phrase_is_said_in_either_language_with_its_values() {
        let t = Text::fr("{path} intègre").arg("path", "/var/lib/accueil/accueil.sqlite");
        assert_eq!(t.to_string(), "/var/lib/accueil/accueil.sqlite intègre");
        assert_eq!(
            t.in_language(Language::English),
            "/var/lib/accueil/accueil.sqlite is sound"
        );
        assert_eq!(
            serde_json::to_value(&t).unwrap(),
            serde_json::json!("/var/lib/accueil/accueil.sqlite intègre"),
            "scripts read the French, as before"
        );
        // Words that were never translated stay as they are.
        assert_eq!(
            Text::from("disk I/O error".to_owned()).in_language(Language::English),
            "disk I/O error"
        );
    }

    #[test]
    fn the_compiled_in_catalogue_is_read_whole() {
        let entries = english_entries();
        let with_id = entries.iter().filter(|e| !e.id.is_empty()).count();
        let msgids = ENGLISH_PO
            .lines()
            .filter(|l| l.starts_with("msgid \""))
            .count();
        // The header's msgid is empty.
        assert_eq!(with_id, msgids - 1);
        assert_eq!(tr(Language::English, "Annuler"), "Cancel");
        assert_eq!(tr(Language::French, "Annuler"), "Annuler");
        assert_eq!(
            tr(Language::English, "{n} badges en attente"),
            "{n} badges waiting"
        );
    }

    #[test]
    fn placeholders_are_named_or_slints() {
        assert_eq!(placeholders("{k} : {m} min {}"), ["", "k", "m"]);
        assert_eq!(placeholders("« {} » {0}"), ["", "0"]);
        assert!(placeholders("aucun").is_empty());
    }
}
