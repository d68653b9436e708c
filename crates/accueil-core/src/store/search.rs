//! As-you-type search over the local copy.

use std::collections::HashMap;

use rusqlite::{Row, params};
use serde::Serialize;

use super::{Lookup, REGISTRANT_COLUMNS, RawRegistrant, Result, Store, find_registrant};
use crate::domain::Registrant;
use crate::domain::search::{Query, Rank, Term};
use crate::domain::text::is_near;

/// Results of a search.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResult {
    pub hits: Vec<Registrant>,
    /// True when nothing matched exactly and these are near spellings.
    pub approximate: bool,
}

/// How many name matches a multi-word query ranks at most.
const NAME_CANDIDATES: usize = 500;
/// Near spellings tried per typed word at most.
const MAX_NEAR_TERMS: usize = 20;

/// A candidate with its folded names, as stored: ranking needs no folding.
struct Candidate {
    raw: RawRegistrant,
    first_key: String,
    last_key: String,
}

/// id → (rank, primary sort key, secondary sort key, registrant)
type Found = HashMap<i64, (Rank, String, String, RawRegistrant)>;

fn candidate(r: &Row<'_>) -> rusqlite::Result<Candidate> {
    Ok(Candidate {
        raw: RawRegistrant::from_row(r)?,
        first_key: r.get(11)?,
        last_key: r.get(12)?,
    })
}

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

    /// The best `limit` registrants matching the query, best first.
    ///
    /// One-word queries (the as-you-type case, where 1-3 letters match
    /// thousands) read the best-ranked candidates straight from the name
    /// indexes, in order. Longer queries rank the people whose names hold
    /// every word. Either way, people matched elsewhere (organisation,
    /// e-mail, code) fill the list when names do not.
    fn ranked(&self, query: &Query, limit: usize) -> Result<Vec<Registrant>> {
        let mut found: Found = HashMap::new();
        let keep = |found: &mut Found, c: Candidate| {
            let rank = query.rank(&c.first_key, &c.last_key);
            let (primary, secondary) = match rank {
                Rank::FirstName => (c.first_key, c.last_key),
                _ => (c.last_key, c.first_key),
            };
            found
                .entry(c.raw.id)
                .or_insert((rank, primary, secondary, c.raw));
        };
        let select = format!("SELECT {REGISTRANT_COLUMNS}, first_key, last_key FROM registrant");
        if let [group] = query.groups.as_slice() {
            for term in group {
                // In the indexes' own order, so that LIMIT stops the scan
                // instead of sorting every name that starts with "d".
                for (column, then) in [("last_key", "first_key"), ("first_key", "last_key")] {
                    let sql = format!(
                        "{select} WHERE {column} >= ?1 AND {column} < ?2 ORDER BY {column}, {then} LIMIT ?3"
                    );
                    let upper = format!("{}{}", term.text, char::MAX);
                    let mut stmt = self.conn.prepare_cached(&sql)?;
                    for c in stmt.query_map(params![term.text, upper, limit as i64], candidate)? {
                        let c = c?;
                        let words = c.first_key.split(' ').chain(c.last_key.split(' '));
                        if query.matches(words) {
                            keep(&mut found, c);
                        }
                    }
                }
            }
        } else {
            let sql = format!(
                "{select} WHERE id IN (SELECT rowid FROM registrant_fts WHERE registrant_fts MATCH ?1 LIMIT ?2)"
            );
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(
                params![query.fts_in("first last"), NAME_CANDIDATES as i64],
                candidate,
            )?;
            for c in rows {
                keep(&mut found, c?);
            }
        }
        if found.len() < limit {
            let sql = format!(
                "{select} WHERE id IN (SELECT rowid FROM registrant_fts WHERE registrant_fts MATCH ?1 LIMIT ?2)"
            );
            let mut stmt = self.conn.prepare_cached(&sql)?;
            for c in stmt.query_map(params![query.fts(), (limit * 4) as i64], candidate)? {
                keep(&mut found, c?);
            }
        }
        let mut hits: Vec<_> = found.into_values().collect();
        hits.sort_by(|a, b| (a.0, &a.1, &a.2, a.3.id).cmp(&(b.0, &b.1, &b.2, b.3.id)));
        hits.into_iter()
            .take(limit)
            .map(|h| h.3.into_registrant())
            .collect()
    }
}
