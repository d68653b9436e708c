//! accueil speaks French, and English on request, from one catalogue:
//! crates/accueil-core/i18n/en/LC_MESSAGES/accueil-kiosk.po, whose msgids
//! are the French phrases of the kiosk's views (`@tr("…")` in
//! crates/accueil-kiosk/ui/**/*.slint, but the defaults of the adapter
//! globals, which are the Slint viewer's preview data), of the Rust
//! messages said in the reader's language (`Text::fr("…")`), and of the
//! organisers' page (`t("…")`, `data-t` and `data-l` in page.html). Slint,
//! `Text` and the page all fall back to the French silently when a
//! translation is missing: this test is what keeps French out of English
//! screens (and French phrases out of Rust).

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

/// Every file under `dir` whose name ends with `ext`, one after the other.
fn sources(dir: &std::path::Path, ext: &str) -> String {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    let mut all = String::new();
    for path in paths {
        if path.is_dir() {
            all.push_str(&sources(&path, ext));
        } else if path.extension().is_some_and(|e| e == ext) {
            all.push_str(&std::fs::read_to_string(&path).unwrap());
            all.push('\n');
        }
    }
    all
}

/// The string literals right after each `marker` in `source`.
fn literals_after(source: &str, marker: &str) -> BTreeSet<String> {
    source
        .match_indices(marker)
        .filter_map(|(at, _)| {
            let rest = source[at + marker.len()..].trim_start();
            rest.starts_with('"').then(|| literal(rest)).flatten()
        })
        .map(|(text, _)| text)
        .collect()
}

/// The French of Rust messages said in the reader's language.
fn rust_phrases(root: &std::path::Path) -> BTreeSet<String> {
    let mut all = String::new();
    for dir in [
        "crates/accueil-core/src",
        "crates/accueil-hub/src",
        "crates/accueil-kiosk/src",
        "src",
    ] {
        all.push_str(&sources(&root.join(dir), "rs"));
    }
    // Not in comments (this very convention is explained in one).
    let code: String = all
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .flat_map(|l| [l, "\n"])
        .collect();
    literals_after(&code, "Text::fr(")
}

/// The French of the organisers' page: its `t("…")` (and the literals of
/// a `t(a ? "…" : "…")`), the text of its `data-t` elements, the
/// `aria-label` of its `data-l` ones, and what a `dataset.t` is set to.
fn page_phrases(page: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (at, _) in page.match_indices("t(") {
        let before = page[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '.' || c == '_') {
            continue;
        }
        // The call's literals, up to its `)` (not one inside a literal).
        let mut rest = &page[at + 2..];
        while let Some(next) = rest.find(['"', ')', '\n']) {
            if !rest[next..].starts_with('"') {
                break;
            }
            let Some((text, len)) = literal(&rest[next..]) else {
                break;
            };
            found.insert(text);
            rest = &rest[next + len..];
        }
    }
    // An element's attributes: from its `<` to its `>`.
    let tag_around = |at: usize| {
        let open = page[..at].rfind('<').unwrap();
        (open, open + page[open..].find('>').unwrap())
    };
    for (at, _) in page
        .match_indices(" data-t")
        .filter(|(at, _)| page[at + " data-t".len()..].starts_with(['>', ' ']))
    {
        let (_, close) = tag_around(at);
        let text = &page[close + 1..];
        found.insert(text[..text.find('<').unwrap()].to_owned());
    }
    for (at, _) in page
        .match_indices(" data-l")
        .filter(|(at, _)| page[at + " data-l".len()..].starts_with(['>', ' ']))
    {
        let (open, close) = tag_around(at);
        let tag = &page[open..close];
        let label = &tag[tag.find("aria-label=").unwrap() + "aria-label=".len()..];
        found.insert(literal(label).unwrap().0);
    }
    found.extend(literals_after(page, "dataset.t = "));
    found
}

#[test]
fn every_phrase_on_screen_in_messages_and_on_the_page_has_its_english() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let source = sources(&root.join("crates/accueil-kiosk/ui"), "slint");
    let (globals, views) = split_globals(&source);
    let (mut slint, others) = slint_strings(&views);
    slint.extend(slint_strings(&globals).0);
    let rust = rust_phrases(root);
    let page = page_phrases(
        &std::fs::read_to_string(root.join("crates/accueil-hub/src/page.html")).unwrap(),
    );
    assert!(slint.len() > 50, "only {} @tr() found", slint.len());
    assert!(rust.len() > 40, "only {} Text::fr() found", rust.len());
    assert!(
        page.len() > 60,
        "only {} phrases found on the page",
        page.len()
    );
    let said: BTreeSet<&String> = slint.iter().chain(&rust).chain(&page).collect();

    let entries = accueil::domain::i18n::english_entries();
    let translated = |id: &str| {
        entries.iter().any(|e| {
            (e.id == id || e.plural.as_deref() == Some(id))
                && !e.translations.is_empty()
                && e.translations.iter().all(|t| !t.trim().is_empty())
        })
    };
    for (whose, phrases) in [("the screen", &slint), ("Rust", &rust), ("the page", &page)] {
        let missing: Vec<_> = phrases.iter().filter(|s| !translated(s)).collect();
        assert!(
            missing.is_empty(),
            "no English in accueil-kiosk.po for these phrases of {whose}: {missing:#?}"
        );
    }
    let stale: Vec<_> = entries
        .iter()
        .flat_map(|e| std::iter::once(&e.id).chain(&e.plural))
        .filter(|id| !id.is_empty() && !said.contains(id))
        .collect();
    assert!(
        stale.is_empty(),
        "accueil-kiosk.po translates phrases no longer said: {stale:#?}"
    );

    // A translation keeps every value of its phrase, and invents none.
    use accueil::domain::i18n::placeholders;
    let mismatched: Vec<_> = entries
        .iter()
        .filter(|e| !e.id.is_empty())
        .filter(|e| {
            let plural = e.plural.as_deref().map(placeholders);
            e.translations.iter().enumerate().any(|(i, t)| {
                let french = match (&plural, i) {
                    (Some(p), 1..) => p.clone(),
                    _ => placeholders(&e.id),
                };
                // A singular form may say « one » instead of `{n}`.
                let english = placeholders(t);
                english != french && !(i == 0 && e.plural.is_some() && english.len() < french.len())
            })
        })
        .map(|e| &e.id)
        .collect();
    assert!(
        mismatched.is_empty(),
        "translations that lose or invent a {{value}}: {mismatched:#?}"
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

    let page = r##"<h2 id="t" data-t>Par jour</h2> <button aria-label="Une de plus" data-l>+ 1</button>
      <a data-t href="#">Absents</a> t("{n} badge(s) en attente").replace("{n}", n);
      fill(x, t("Aucune")); b.textContent = t(e.revoked ? "Réadmettre" : "Révoquer") + text("non");
      $("v").dataset.t = "Toute la page";"##;
    assert_eq!(
        page_phrases(page),
        [
            "Absents",
            "Aucune",
            "Par jour",
            "Réadmettre",
            "Révoquer",
            "Toute la page",
            "Une de plus",
            "{n} badge(s) en attente"
        ]
        .map(String::from)
        .into()
    );
    assert_eq!(
        literals_after(
            r#"Text::fr("a {x}").arg("x", 1); Text::fr(
"b")"#,
            "Text::fr("
        ),
        ["a {x}", "b"].map(String::from).into()
    );
}
