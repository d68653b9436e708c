//! Typed columns: a row's values read as their Rust types and written from
//! them, each kind of value in one place — a timestamp (fixed-width UTC
//! text, so that text order is time order, read by a fast parser), an id
//! (UUID text), a day (`YYYY-MM-DD`), a name a strum enum is stored under,
//! a JSON payload. A value its column's type cannot read (an outside tool
//! wrote it) is [`StoreError::Corrupt`](super::StoreError::Corrupt), named
//! by the column the reader says it read ([`Typed::at`]).

use std::str::FromStr;

use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use uuid::Uuid;

/// A UTC timestamp as stored: `YYYY-MM-DDTHH:MM:SS.mmmZ`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp(pub Timestamp);

/// An id as stored: its hyphenated text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Uid(pub Uuid);

/// A day as stored: `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Day(pub Date);

/// An enum stored under its strum name (`arrival`, `cancelled`…).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Named<T>(pub T);

/// A value stored as JSON text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Json<T>(pub T);

/// What a column held that its type could not read.
#[derive(Debug)]
pub(crate) struct Unreadable {
    pub column: &'static str,
    pub value: String,
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} : « {} »", self.column, self.value)
    }
}

impl std::error::Error for Unreadable {}

fn text<'a>(value: ValueRef<'a>) -> FromSqlResult<&'a str> {
    value.as_str()
}

fn unreadable(_: impl std::fmt::Debug) -> FromSqlError {
    FromSqlError::InvalidType
}

impl FromSql for Stamp {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        parse_timestamp(text(value)?)
            .map(Stamp)
            .ok_or(FromSqlError::InvalidType)
    }
}

impl ToSql for Stamp {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(timestamp_text(self.0)))
    }
}

impl FromSql for Uid {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        Uuid::parse_str(text(value)?).map(Uid).map_err(unreadable)
    }
}

impl ToSql for Uid {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.0.to_string()))
    }
}

impl FromSql for Day {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        text(value)?.parse().map(Day).map_err(unreadable)
    }
}

impl ToSql for Day {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.0.to_string()))
    }
}

impl<T: FromStr> FromSql for Named<T> {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        text(value)?
            .parse()
            .map(Named)
            .map_err(|_| FromSqlError::InvalidType)
    }
}

impl<T: serde::de::DeserializeOwned> FromSql for Json<T> {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        serde_json::from_str(text(value)?)
            .map(Json)
            .map_err(unreadable)
    }
}

/// A row's typed reads, each naming its column for the error a damaged
/// value gives.
pub(crate) trait Typed {
    /// The value at `idx`, read as `T`; a value `T` cannot read (or a NULL
    /// where one is not allowed) is an error naming `column` and the value.
    fn at<T: FromSql>(&self, idx: usize, column: &'static str) -> rusqlite::Result<T>;
}

impl Typed for rusqlite::Row<'_> {
    fn at<T: FromSql>(&self, idx: usize, column: &'static str) -> rusqlite::Result<T> {
        self.get(idx).map_err(|e| match e {
            rusqlite::Error::FromSqlConversionFailure(..)
            | rusqlite::Error::InvalidColumnType(..) => {
                let value = match self.get_ref(idx) {
                    Ok(ValueRef::Null) => "NULL".to_owned(),
                    Ok(ValueRef::Integer(i)) => i.to_string(),
                    Ok(ValueRef::Real(r)) => r.to_string(),
                    Ok(ValueRef::Text(t) | ValueRef::Blob(t)) => {
                        String::from_utf8_lossy(t).into_owned()
                    }
                    Err(_) => String::new(),
                };
                rusqlite::Error::FromSqlConversionFailure(
                    idx,
                    rusqlite::types::Type::Text,
                    Box::new(Unreadable { column, value }),
                )
            }
            other => other,
        })
    }
}

/// A UTC timestamp as stored: fixed width, so text order is time order.
pub(crate) fn timestamp_text(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// A stored timestamp: [`timestamp_text`]'s shape by the fast parser,
/// anything else jiff reads (an older version's, a hand-written one) by
/// the general one.
pub(crate) fn parse_timestamp(s: &str) -> Option<Timestamp> {
    parse_stored_shape(s).or_else(|| s.parse().ok())
}

/// [`timestamp_text`]'s own shape, `YYYY-MM-DDTHH:MM:SS.mmmZ`, read
/// without the general parser (a tenth of its time: the entrance's
/// forecast reads a day of check-ins per change); None for anything else.
pub(crate) fn parse_stored_shape(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    if b.len() != 24
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'.'
        || b[23] != b'Z'
    {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<i64> {
        b[from..to].iter().try_fold(0i64, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + i64::from(d - b'0'))
        })
    };
    let date = jiff::civil::Date::new(
        i16::try_from(num(0, 4)?).ok()?,
        i8::try_from(num(5, 7)?).ok()?,
        i8::try_from(num(8, 10)?).ok()?,
    )
    .ok()?;
    let (h, m, sec, ms) = (num(11, 13)?, num(14, 16)?, num(17, 19)?, num(20, 23)?);
    if h > 23 || m > 59 || sec > 59 {
        return None;
    }
    let days = i64::from(date.since(jiff::civil::date(1970, 1, 1)).ok()?.get_days());
    Timestamp::from_millisecond(((days * 24 + h) * 60 + m) * 60_000 + sec * 1000 + ms).ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::domain::RecordKind;
    use rusqlite::Connection;

    #[test]
    fn typed_columns_read_what_they_write_and_name_what_they_cannot() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (at TEXT, id TEXT, day TEXT, kind TEXT, j TEXT)")
            .unwrap();
        let at: Timestamp = "2026-12-06T08:45:03.120Z".parse().unwrap();
        let id = Uuid::now_v7();
        let day: Date = "2026-12-06".parse().unwrap();
        conn.execute(
            "INSERT INTO t VALUES (?1, ?2, ?3, 'arrival', '[1,2]')",
            (Stamp(at), Uid(id), Day(day)),
        )
        .unwrap();
        let read = conn
            .query_row("SELECT at, id, day, kind, j FROM t", [], |r| {
                Ok((
                    r.at::<Stamp>(0, "t.at")?,
                    r.at::<Uid>(1, "t.id")?,
                    r.at::<Day>(2, "t.day")?,
                    r.at::<Named<RecordKind>>(3, "t.kind")?,
                    r.at::<Json<Vec<u8>>>(4, "t.j")?,
                ))
            })
            .unwrap();
        assert_eq!(read.0.0, at);
        assert_eq!(read.1.0, id);
        assert_eq!(read.2.0, day);
        assert_eq!(read.3.0, RecordKind::Arrival);
        assert_eq!(read.4.0, [1, 2]);
        let stored: String = conn
            .query_row("SELECT at FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(stored, "2026-12-06T08:45:03.120Z", "fixed width");

        // An outside tool wrote into the table.
        conn.execute("UPDATE t SET at = 'hier', kind = NULL", [])
            .unwrap();
        for (sql, column, value) in [
            ("SELECT at FROM t", "t.at", "hier"),
            ("SELECT kind FROM t", "t.kind", "NULL"),
        ] {
            let e = conn
                .query_row(sql, [], |r| r.at::<Stamp>(0, column).map(|_| ()))
                .unwrap_err();
            match super::super::StoreError::from(e) {
                super::super::StoreError::Corrupt {
                    column: c,
                    value: v,
                } => {
                    assert_eq!((c, v.as_str()), (column, value));
                }
                other => panic!("{other:?}"),
            }
        }
    }

    /// The fast reading of the stored shape is the general parser's, and
    /// anything else still goes through the general parser.
    #[test]
    fn stored_timestamps_read_back_exactly() {
        let mut t: Timestamp = "1999-12-31T23:59:59.999Z".parse().unwrap();
        for _ in 0..2000 {
            let text = timestamp_text(t);
            assert_eq!(parse_stored_shape(&text), Some(t), "{text}");
            assert_eq!(text.parse::<Timestamp>().unwrap(), t);
            t += jiff::SignedDuration::from_millis(98_765_432_109);
        }
        assert_eq!(parse_stored_shape("2024-02-30T00:00:00.000Z"), None);
        assert_eq!(parse_stored_shape("2024-02-28T24:00:00.000Z"), None);
        assert_eq!(parse_stored_shape("2024-02-28T12:00:00Z"), None);
        assert!(parse_timestamp("2024-02-28T12:00:00Z").is_some());
        assert!(parse_timestamp("2024-02-28T12:00:00+01:00").is_some());
        assert!(parse_timestamp("hier").is_none());
    }
}
