//! What a search query means and how results rank, independent of storage.

use super::text::tokens;

/// A query word: typed as a prefix ("hel" finds "Hélène"), or a whole word
/// put in by typo tolerance ("dupont" for "dupnot").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub text: String,
    pub prefix: bool,
}

impl Term {
    fn matches_word(&self, word: &str) -> bool {
        if self.prefix {
            word.starts_with(&self.text)
        } else {
            word == self.text
        }
    }
}

/// Every group must match some word of the registrant; a group matches when
/// any of its terms does (a typed word and its near spellings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub groups: Vec<Vec<Term>>,
}

/// How well a registrant matches, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rank {
    /// The last name starts with a query word ("dup" → Dupont).
    LastName,
    /// The first name starts with a query word.
    FirstName,
    /// Another word of the name ("tour" → de La Tour).
    NameWord,
    /// Organisation, e-mail or code.
    Elsewhere,
}

impl Query {
    /// Each folded word of the text, as a prefix.
    pub fn parse(text: &str) -> Query {
        Query {
            groups: tokens(text)
                .into_iter()
                .map(|text| vec![Term { text, prefix: true }])
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// The FTS5 MATCH expression: terms quoted, so no user input is syntax.
    pub fn fts(&self) -> String {
        self.fts_groups()
    }

    /// The same expression restricted to some FTS columns ("first last").
    pub fn fts_in(&self, columns: &str) -> String {
        format!("{{{columns}}} : ({})", self.fts_groups())
    }

    fn fts_groups(&self) -> String {
        self.groups
            .iter()
            .map(|g| {
                let alts: Vec<String> = g
                    .iter()
                    .map(|t| {
                        let quoted = format!("\"{}\"", t.text.replace('"', "\"\""));
                        if t.prefix {
                            format!("{quoted}*")
                        } else {
                            quoted
                        }
                    })
                    .collect();
                format!("({})", alts.join(" OR "))
            })
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    /// Whether every group matches one of the words.
    pub fn matches<'a>(&self, words: impl Iterator<Item = &'a str> + Clone) -> bool {
        self.groups
            .iter()
            .all(|g| words.clone().any(|w| g.iter().any(|t| t.matches_word(w))))
    }

    /// The rank of a registrant with these folded names (see [`Rank`]).
    pub fn rank(&self, first_key: &str, last_key: &str) -> Rank {
        let terms = || self.groups.iter().flatten();
        let first_word = |key: &str| key.split(' ').next().unwrap_or("").to_owned();
        let (last0, first0) = (first_word(last_key), first_word(first_key));
        if terms().any(|t| t.matches_word(&last0)) {
            Rank::LastName
        } else if terms().any(|t| t.matches_word(&first0)) {
            Rank::FirstName
        } else if terms().any(|t| {
            last_key
                .split(' ')
                .chain(first_key.split(' '))
                .any(|w| t.matches_word(w))
        }) {
            Rank::NameWord
        } else {
            Rank::Elsewhere
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fts_expression_quotes_input() {
        assert_eq!(Query::parse("Hél cav").fts(), "(\"hel\"*) AND (\"cav\"*)");
        // Quotes and FTS operators are folded away or quoted.
        assert_eq!(
            Query::parse("a\" OR b").fts(),
            "(\"a\"*) AND (\"or\"*) AND (\"b\"*)"
        );
        let q = Query {
            groups: vec![vec![
                Term {
                    text: "dupnot".into(),
                    prefix: true,
                },
                Term {
                    text: "dupont".into(),
                    prefix: false,
                },
            ]],
        };
        assert_eq!(q.fts(), "(\"dupnot\"* OR \"dupont\")");
        assert_eq!(
            q.fts_in("first last"),
            "{first last} : ((\"dupnot\"* OR \"dupont\"))"
        );
    }

    #[test]
    fn matching_needs_every_word() {
        let q = Query::parse("hel cav");
        assert!(q.matches(["helene", "cavusoglu", "mairie"].into_iter()));
        assert!(!q.matches(["helene", "dupont"].into_iter()));
    }

    #[test]
    fn last_name_prefix_ranks_first() {
        let q = Query::parse("mar");
        assert_eq!(q.rank("jean", "martin"), Rank::LastName);
        assert_eq!(q.rank("marie", "dupont"), Rank::FirstName);
        assert_eq!(q.rank("anne", "de la mare"), Rank::NameWord);
        assert_eq!(q.rank("anne", "durand"), Rank::Elsewhere);
        assert!(Rank::LastName < Rank::FirstName && Rank::NameWord < Rank::Elsewhere);
    }
}
