//! The kiosk screen speaks French, and English on request: every phrase of
//! the views (crates/accueil-kiosk/ui/**/*.slint, but the defaults of the
//! adapter globals, which are the Slint viewer's preview data) is a French
//! @tr() source with an English
//! translation in
//! crates/accueil-kiosk/ui/translations/en/LC_MESSAGES/accueil-kiosk.po. Slint falls back to the French
//! silently when a translation is missing, so this test is what keeps
//! French out of the English screen (and French phrases out of Rust).

use std::collections::BTreeSet;

/// A string literal starting at `s[0] == '"'`: its content and its length.
fn literal(s: &str) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut chars = s.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                if let Some((_, e)) = chars.next() {
                    out.push(match e {
                        'n' => '\n',
                        other => other,
                    });
                }
            }
            '"' => return Some((out, i + 1)),
            c => out.push(c),
        }
    }
    None
}

/// The @tr() sources (singular and plural forms), and every other literal.
fn slint_strings(source: &str) -> (BTreeSet<String>, Vec<String>) {
    let mut translated = BTreeSet::new();
    let mut others = Vec::new();
    for line in source.lines() {
        if line.starts_with("import ") {
            continue;
        }
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        let mut in_tr = false;
        while let Some(pos) = rest.find(['"', '@']) {
            let tail = &rest[pos..];
            if let Some(after) = tail.strip_prefix("@tr(") {
                in_tr = true;
                rest = after;
                continue;
            }
            if let Some(after) = tail.strip_prefix('@') {
                rest = after;
                continue;
            }
            let Some((text, len)) = literal(tail) else {
                break;
            };
            if in_tr {
                translated.insert(text);
                // A plural form follows `|`; anything else ends the sources.
                let after = tail[len..].trim_start();
                in_tr = after.starts_with('|');
            } else {
                others.push(text);
            }
            rest = &tail[len..];
        }
    }
    (translated, others)
}

/// msgid (and msgid_plural) → translated? (every msgstr non-empty).
fn po_entries(po: &str) -> Vec<(String, bool)> {
    let mut entries = Vec::new();
    // The entry being read: its ids, and whether all its msgstr are there.
    let mut ids: Vec<String> = Vec::new();
    let mut translated = true;
    let mut flush = |ids: &mut Vec<String>, translated: &mut bool| {
        for id in ids.drain(..).filter(|id| !id.is_empty()) {
            entries.push((id, *translated));
        }
        *translated = true;
    };
    for line in po.lines().map(str::trim) {
        let value = || {
            line.find('"')
                .and_then(|i| literal(&line[i..]))
                .map(|(t, _)| t)
        };
        if line.starts_with("msgid ") {
            flush(&mut ids, &mut translated);
            ids.extend(value());
        } else if line.starts_with("msgid_plural ") {
            ids.extend(value());
        } else if line.starts_with("msgstr") {
            translated &= value().is_some_and(|t| !t.trim().is_empty());
        }
    }
    flush(&mut ids, &mut translated);
    entries
}

/// A view's source split in two: the adapter globals (`export global … {`
/// to the `}` that closes it at the start of a line), whose literals are
/// the Slint viewer's preview data (Rust sets them) but whose @tr() are
/// phrases like any other; and the rest.
fn split_globals(source: &str) -> (String, String) {
    let (mut globals, mut rest) = (String::new(), String::new());
    let mut in_global = false;
    for line in source.lines() {
        if line.starts_with("export global ") {
            in_global = !line.trim_end().ends_with('}');
        } else if in_global {
            in_global = line != "}";
            globals.push_str(line);
            globals.push('\n');
        } else {
            rest.push_str(line);
            rest.push('\n');
        }
    }
    (globals, rest)
}

/// Every .slint file under `dir`, one after the other.
fn slint_sources(dir: &std::path::Path) -> String {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    let mut all = String::new();
    for path in paths {
        if path.is_dir() {
            all.push_str(&slint_sources(&path));
        } else if path.extension().is_some_and(|e| e == "slint") {
            all.push_str(&std::fs::read_to_string(&path).unwrap());
            all.push('\n');
        }
    }
    all
}

#[test]
fn every_phrase_on_screen_has_its_english() {
    let root = env!("CARGO_MANIFEST_DIR");
    let source = slint_sources(&std::path::Path::new(root).join("crates/accueil-kiosk/ui"));
    let po = std::fs::read_to_string(format!(
        "{root}/crates/accueil-kiosk/ui/translations/en/LC_MESSAGES/accueil-kiosk.po"
    ))
    .unwrap();
    let (globals, views) = split_globals(&source);
    let (mut sources, others) = slint_strings(&views);
    sources.extend(slint_strings(&globals).0);
    assert!(sources.len() > 50, "only {} @tr() found", sources.len());
    let entries = po_entries(&po);

    let missing: Vec<_> = sources
        .iter()
        .filter(|s| !entries.iter().any(|(id, ok)| id == *s && *ok))
        .collect();
    assert!(
        missing.is_empty(),
        "no English in accueil-kiosk.po for {missing:#?}"
    );
    let stale: Vec<_> = entries
        .iter()
        .filter(|(id, _)| !sources.contains(id))
        .map(|(id, _)| id)
        .collect();
    assert!(
        stale.is_empty(),
        "accueil-kiosk.po translates phrases no longer on screen: {stale:#?}"
    );

    // Other literals are codes ("welcome", "no-name"), separators, the
    // language button, named in its own language, keyboard families,
    // named alike in every language, the Tab a scanner test captures, and
    // the font's name; and the on-screen keyboard's keys, one character
    // each, and its « 123 » / « éàç » switch, the same in every language.
    let allowed = [
        "Noto Sans",
        "English",
        "Français",
        "QWERTY",
        "AZERTY",
        "Dvorak",
        "BÉPO",
        "QWERTZ",
        "accueil — ",
        " · ",
        " / ",
        " : ",
        " — ",
        " ",
        "",
        "u{9}",
        "123",
        "éàç",
    ];
    let phrases: Vec<_> = others
        .iter()
        .filter(|s| !allowed.contains(&s.as_str()))
        .filter(|s| s.chars().count() != 1)
        .filter(|s| {
            !s.chars()
                .all(|c| c.is_ascii_lowercase() || c == '-' || c == '_' || c.is_ascii_digit())
        })
        .collect();
    assert!(
        phrases.is_empty(),
        "phrases outside @tr() would stay French in English: {phrases:#?}"
    );
}

#[test]
fn the_scanner_reads_its_own_parser() {
    let (tr, others) = slint_strings(
        r#"text: a ? @tr("Bonjour {}", x) : @tr("{n} badge" | "{n} badges" % n); b: "code"; c: "Un \"mot\""; // "commentaire""#,
    );
    assert_eq!(
        tr,
        ["Bonjour {}", "{n} badge", "{n} badges"]
            .map(String::from)
            .into()
    );
    assert_eq!(others, ["code", "Un \"mot\""]);
    let po = "msgid \"\"\nmsgstr \"h\"\n\nmsgid \"A\"\nmsgstr \"B\"\n\nmsgid \"C\"\nmsgstr \"\"\n\nmsgid \"{n} x\"\nmsgid_plural \"{n} xs\"\nmsgstr[0] \"y\"\nmsgstr[1] \"\"\n";
    assert_eq!(
        po_entries(po),
        [
            ("A".into(), true),
            ("C".into(), false),
            ("{n} x".into(), false),
            ("{n} xs".into(), false)
        ]
    );
}
