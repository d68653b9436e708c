//! As-you-type search over the local copy.

use std::collections::HashMap;

use rusqlite::params;
use serde::Serialize;

use super::{Lookup, REGISTRANT_COLUMNS, RawRegistrant, Result, Store, find_registrant};
use crate::domain::Registrant;
use crate::domain::search::{Query, Rank, Term};
use crate::domain::text::{is_near, tokens};

/// Results of a search.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResult {
    pub hits: Vec<Registrant>,
    /// True when nothing matched exactly and these are near spellings.
    pub approximate: bool,
}

/// How many FTS candidates a multi-word query ranks at most.
const MULTI_WORD_CANDIDATES: usize = 2000;
/// Near spellings tried per typed word at most.
const MAX_NEAR_TERMS: usize = 20;

impl Store {
    /// Searches first name, last name, organisation, e-mail and ticket code:
    /// no case, no accents, every word a prefix, best first (exact ticket
    /// code, then last-name prefix, first-name prefix, other name words, other
    /// fields). When nothing matches, words of 5+ letters get one typo of
    /// tolerance and `approximate` is set.
    pub fn search(&self, text: &str, limit: usize) -> Result<SearchResult> {
        let query = Query::parse(text);
        if query.is_empty() || limit == 0 {
            return Ok(SearchResult {
                hits: Vec::new(),
                approximate: false,
            });
        }
        let mut hits = self.ranked(&query, limit)?;
        if let Some(by_code) = find_registrant(&self.conn, &Lookup::Code(text.to_owned()))? {
            hits.retain(|h| h.id != by_code.id);
            hits.insert(0, by_code);
            hits.truncate(limit);
        }
        if !hits.is_empty() {
            return Ok(SearchResult {
                hits,
                approximate: false,
            });
        }
        let fuzzy = self.with_near_terms(&query)?;
        if fuzzy == query {
            return Ok(SearchResult {
                hits,
                approximate: false,
            });
        }
        Ok(SearchResult {
            hits: self.ranked(&fuzzy, limit)?,
            approximate: true,
        })
    }

    /// Adds to each typed word of 5+ letters the name words one typo away.
    fn with_near_terms(&self, query: &Query) -> Result<Query> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT term FROM name_term WHERE len >= ?1")?;
        let mut groups = Vec::with_capacity(query.groups.len());
        for group in &query.groups {
            let mut group = group.clone();
            let typed = group[0].text.clone();
            let n = typed.chars().count();
            if n >= 5 {
                let rows = stmt.query_map([n as i64 - 1], |r| r.get::<_, String>(0))?;
                for term in rows {
                    let term = term?;
                    if term != typed && is_near(&typed, &term) {
                        group.push(Term {
                            text: term,
                            prefix: false,
                        });
                        if group.len() > MAX_NEAR_TERMS {
                            break;
                        }
                    }
                }
            }
            groups.push(group);
        }
        Ok(Query { groups })
    }

    /// The best `limit` registrants matching the query. One-word queries (the
    /// as-you-type case, where 1-3 letters match thousands) read the
    /// best-ranked candidates straight from the name indexes, in order; longer
    /// queries rank FTS matches.
    fn ranked(&self, query: &Query, limit: usize) -> Result<Vec<Registrant>> {
        // id → (rank, primary sort key, secondary sort key, registrant)
        let mut found: HashMap<i64, (Rank, String, String, Registrant)> = HashMap::new();
        let mut keep = |r: Registrant, query: &Query| {
            let (first, last) = (
                tokens(&r.first_name).join(" "),
                tokens(&r.last_name).join(" "),
            );
            let rank = query.rank(&first, &last);
            let (primary, secondary) = match rank {
                Rank::FirstName => (first, last),
                _ => (last, first),
            };
            found.entry(r.id).or_insert((rank, primary, secondary, r));
        };
        let single = query.groups.len() == 1;
        if single {
            for term in &query.groups[0] {
                for column in ["last_key", "first_key"] {
                    let sql = format!(
                        "SELECT {REGISTRANT_COLUMNS} FROM registrant
                         WHERE {column} >= ?1 AND {column} < ?2 ORDER BY {column}, id LIMIT ?3"
                    );
                    let upper = format!("{}{}", term.text, char::MAX);
                    let mut stmt = self.conn.prepare_cached(&sql)?;
                    let rows = stmt.query_map(
                        params![term.text, upper, limit as i64],
                        RawRegistrant::from_row,
                    )?;
                    for raw in rows {
                        let r = raw?.into_registrant()?;
                        let words = tokens(&r.first_name)
                            .into_iter()
                            .chain(tokens(&r.last_name))
                            .collect::<Vec<_>>();
                        if query.matches(words.iter().map(String::as_str)) {
                            keep(r, query);
                        }
                    }
                }
            }
        }
        let cap = if single {
            limit * 4
        } else {
            MULTI_WORD_CANDIDATES
        };
        let sql = format!(
            "SELECT {REGISTRANT_COLUMNS} FROM registrant WHERE id IN
               (SELECT rowid FROM registrant_fts WHERE registrant_fts MATCH ?1 LIMIT ?2)"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![query.fts(), cap as i64], RawRegistrant::from_row)?;
        for raw in rows {
            keep(raw?.into_registrant()?, query);
        }
        let mut hits: Vec<_> = found.into_values().collect();
        hits.sort_by(|a, b| (a.0, &a.1, &a.2, a.3.id).cmp(&(b.0, &b.1, &b.2, b.3.id)));
        Ok(hits.into_iter().take(limit).map(|h| h.3).collect())
    }
}
