//! The entrance before the queue forms: from the day's check-ins (when,
//! at which kiosk) and, when someone counts them, the people joining the
//! queue, how many arrive, how fast each kiosk serves, and the wait that
//! implies for someone joining now.
//!
//! What the log can and cannot tell. Check-ins are people *served*: while
//! the kiosks keep up, they are the arrivals, and the wait follows from
//! queueing theory (M/M/c, Erlang C) on the measured rates. Once every open
//! kiosk is busy without a break, check-ins come at the kiosks' pace
//! whatever the crowd: a queue of 10 and a queue of 200 log the same. Then
//! only a count of the people joining the queue (the door view's « + 1 »,
//! a steward's clicker) tells its length; without one, the forecast says
//! « saturated since » and no number — never a small wait that is wrong.

use crate::domain::i18n::Text;
use jiff::{SignedDuration, Timestamp};

/// Arrival rates are taken over the last five minutes.
pub const RATE_WINDOW: SignedDuration = SignedDuration::from_mins(5);
/// A kiosk that checked nobody in for ten minutes is not counted open.
pub const OPEN_WINDOW: SignedDuration = SignedDuration::from_mins(10);
/// A count of the queue nobody added to for ten minutes, while people were
/// served, is stale: the forecast goes back to the check-ins alone.
pub const COUNT_STALE: SignedDuration = SignedDuration::from_mins(10);
/// The service time is measured on a kiosk's last gaps between check-ins…
pub const SERVICE_GAPS: usize = 30;
/// …once it has this many gaps while busy.
pub const MIN_BUSY_GAPS: usize = 5;
/// No gap longer than this is service: the kiosk was idle.
pub const LONGEST_SERVICE: SignedDuration = SignedDuration::from_mins(5);
/// Kiosks busy at least this share of the rate window, at their fastest
/// pace, are saturated (a saturated kiosk shows 0.85 to 1: its fastest
/// stretch is a little faster than its usual pace).
pub const SATURATED: f64 = 0.8;
/// Saturated kiosks' gaps vary at most this much on average (standard
/// deviation over mean): service times do (0.3 to 0.6 measured at desks),
/// idle spells add more.
pub const REGULAR: f64 = 0.75;
/// The fastest pace is the least mean of this many successive gaps.
pub const PACE_GAPS: usize = 20;

/// One check-in, as the log has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Served<'a> {
    pub at: Timestamp,
    pub kiosk: &'a str,
}

/// What someone counting the queue said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    /// This many people joined the queue (negative: a correction).
    Joined(i64),
    /// The queue is empty now: counting starts again from here.
    Empty,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counted {
    pub at: Timestamp,
    pub count: Count,
}

/// One entrance kiosk, now.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct KioskFlow {
    pub kiosk: String,
    /// Check-ins per minute over the last [`RATE_WINDOW`].
    pub per_minute: f64,
    /// Mean time between successive check-ins while busy, in seconds: the
    /// last gaps (exact while a queue keeps the kiosk busy, too slow when
    /// idle spells slip in).
    pub service_seconds: Option<f64>,
    /// The kiosk's fastest pace today: the least mean of
    /// [`PACE_GAPS`] successive gaps — the reference that tells busy from
    /// idle, whatever the last gaps hold.
    pub fastest_seconds: Option<f64>,
    /// Checked someone in within [`OPEN_WINDOW`].
    pub open: bool,
    /// Share of the rate window spent serving: all but the idle time, the
    /// part of each gap between check-ins past three times the service time (a service that long is rare: one
    /// in several hundred).
    pub busy: Option<f64>,
}

/// Why the page should say something.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QueueAlert {
    /// The predicted wait passes the organisers' limit; `more_kiosks`
    /// would bring it back under it (None: more than ten would not).
    Wait {
        minutes: u32,
        more_kiosks: Option<u32>,
    },
    /// Every open kiosk has been busy this long and nobody counts the
    /// queue: its length cannot be known from the check-ins.
    Saturated { minutes: u32 },
}

impl QueueAlert {
    /// What the organisers read (in their language: [`Text::in_language`]).
    pub fn words(&self) -> Text {
        match self {
            QueueAlert::Wait {
                minutes,
                more_kiosks,
            } => match more_kiosks {
                Some(1) => Text::fr("attente prévue {minutes} min : ouvrez une borne de plus"),
                Some(n) => Text::fr("attente prévue {minutes} min : ouvrez {n} bornes de plus")
                    .arg("n", n),
                None => Text::fr(
                    "attente prévue {minutes} min : ouvrez toutes les bornes possibles, et faites patienter",
                ),
            }
            .arg("minutes", minutes),
            QueueAlert::Saturated { minutes } => Text::fr(
                "bornes occupées sans répit depuis {minutes} min : la file grossit peut-être — comptez-la (vue Entrée, « + 1 ») ou ouvrez une borne de plus",
            )
            .arg("minutes", minutes),
        }
    }
}

/// The entrance, now.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Forecast {
    pub kiosks: Vec<KioskFlow>,
    /// People joining per minute: counted when someone counts, else the
    /// check-ins (which are the arrivals only while the kiosks keep up).
    pub arrivals_per_minute: f64,
    pub counted: bool,
    pub served_per_minute: f64,
    pub open_kiosks: usize,
    /// What the open kiosks can serve per minute, at their measured pace.
    pub capacity_per_minute: Option<f64>,
    /// People waiting (counted, or the M/M/c mean while the kiosks keep
    /// up); None while saturated and uncounted.
    pub queue: Option<f64>,
    /// The wait of someone joining now, in minutes.
    pub wait_minutes: Option<f64>,
    /// Every open kiosk busy since.
    pub saturated_since: Option<Timestamp>,
    pub alert: Option<QueueAlert>,
}

fn minutes(d: SignedDuration) -> f64 {
    d.as_secs_f64() / 60.0
}

/// The mean of a kiosk's busy gaps: its last [`SERVICE_GAPS`] gaps under
/// [`LONGEST_SERVICE`], without those over four times their first quartile
/// (a pause, not a service). `times` oldest first.
pub fn service_seconds(times: &[Timestamp]) -> Option<f64> {
    // Nobody is served in less than a second: check-ins closer than that
    // (a burst, two doors' records) are a second each, so that their
    // jitter (0.05 s against 0.3 s) does not pass for pauses.
    let mut gaps: Vec<f64> = times
        .windows(2)
        .map(|w| w[1].duration_since(w[0]))
        .filter(|g| *g <= LONGEST_SERVICE && !g.is_negative())
        .map(|g| g.as_secs_f64().max(1.0))
        .collect();
    let keep = gaps.len().saturating_sub(SERVICE_GAPS);
    gaps.drain(..keep);
    if gaps.len() < MIN_BUSY_GAPS {
        return None;
    }
    let mut sorted = gaps.clone();
    sorted.sort_by(f64::total_cmp);
    let q1 = sorted[sorted.len() / 4];
    let busy: Vec<f64> = sorted.into_iter().filter(|g| *g <= 4.0 * q1).collect();
    if busy.len() < MIN_BUSY_GAPS {
        return None;
    }
    let mean = busy.iter().sum::<f64>() / busy.len() as f64;
    Some(mean)
}

/// Erlang C: the chance that someone arriving waits, `c` servers, offered
/// load `a` = λ/μ (requires a < c).
fn erlang_c(c: usize, a: f64) -> f64 {
    // The Erlang B recursion, stable for any c, then C from B.
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (k as f64 + a * b);
    }
    let rho = a / c as f64;
    b / (1.0 - rho + rho * b)
}

/// What the counts of the queue say at a moment, all the forecast needs
/// of them (a copy sums them in SQL, [`tally`] from a list).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    /// The last « the queue is empty », else the first count.
    pub since: Timestamp,
    /// People counted in from `since` on.
    pub joined: i64,
    /// People counted in over the last [`RATE_WINDOW`].
    pub recent: i64,
    /// The latest count.
    pub last: Timestamp,
}

/// The tally of `counts` (oldest first) at `now`; None without a count.
pub fn tally(counts: &[Counted], now: Timestamp) -> Option<Tally> {
    let counts: Vec<&Counted> = counts.iter().filter(|c| c.at <= now).collect();
    let start = counts
        .iter()
        .rposition(|c| c.count == Count::Empty)
        .unwrap_or(0);
    let joined_of = |c: &&Counted| match c.count {
        Count::Joined(n) => n,
        Count::Empty => 0,
    };
    Some(Tally {
        since: counts.get(start)?.at,
        joined: counts[start..].iter().map(joined_of).sum(),
        recent: counts
            .iter()
            .filter(|c| c.at > now - RATE_WINDOW)
            .map(joined_of)
            .sum(),
        last: counts.last()?.at,
    })
}

/// The forecast at `now`: `served` the day's check-ins oldest first,
/// `counts` what was counted of the queue today oldest first, `max_wait`
/// the organisers' limit in minutes.
pub fn forecast(
    served: &[Served<'_>],
    counts: &[Counted],
    now: Timestamp,
    max_wait: u32,
) -> Forecast {
    forecast_tallied(served, tally(counts, now), now, max_wait)
}

/// [`forecast`] from the counts' tally at `now`.
pub fn forecast_tallied(
    served: &[Served<'_>],
    counted: Option<Tally>,
    now: Timestamp,
    max_wait: u32,
) -> Forecast {
    let mut served: Vec<Served<'_>> = served.iter().filter(|s| s.at <= now).copied().collect();
    served.sort_by_key(|s| s.at);
    let window_start = now - RATE_WINDOW;
    let window = minutes(RATE_WINDOW);

    // Each kiosk's check-ins, oldest first.
    let mut times_of: std::collections::BTreeMap<&str, Vec<Timestamp>> = Default::default();
    for s in &served {
        times_of.entry(s.kiosk).or_default().push(s.at);
    }
    for times in times_of.values_mut() {
        times.sort_unstable();
    }
    let kiosks: Vec<KioskFlow> = times_of
        .iter()
        .map(|(&name, times)| {
            let recent = times.iter().filter(|t| **t > window_start).count();
            let per_minute = recent as f64 / window;
            let service = service_seconds(times);
            let fastest = fastest_seconds(times);
            let open = times
                .last()
                .is_some_and(|t| now.duration_since(*t) <= OPEN_WINDOW);
            KioskFlow {
                kiosk: name.to_owned(),
                per_minute,
                service_seconds: service,
                fastest_seconds: fastest,
                open,
                busy: fastest.map(|s| busy_share(times, s, window_start, now)),
            }
        })
        .collect();

    let open: Vec<&KioskFlow> = kiosks.iter().filter(|k| k.open).collect();
    let served_per_minute: f64 = kiosks.iter().map(|k| k.per_minute).sum();
    // An open kiosk not measured yet serves at the others' pace.
    let mut measured: Vec<f64> = open.iter().filter_map(|k| k.service_seconds).collect();
    measured.sort_by(f64::total_cmp);
    let typical = measured.get(measured.len() / 2).copied();
    let capacity = typical.map(|typical| {
        open.iter()
            .map(|k| 60.0 / k.service_seconds.unwrap_or(typical))
            .sum::<f64>()
    });

    // Saturated: every open kiosk busy, and since when (the start of the
    // first minute from which all were, walking back).
    let mut fastest: Vec<f64> = open.iter().filter_map(|k| k.fastest_seconds).collect();
    fastest.sort_by(f64::total_cmp);
    let typical_fastest = fastest.get(fastest.len() / 2).copied();
    let saturated_since = saturation_start(&times_of, &open, typical_fastest, now);

    // The count of the queue: believed while someone adds to it, and
    // after the last addition until everyone it counted is checked in (at
    // the end of the wave nobody comes, but the queue is still there).
    let counted_queue = counted.map(|t| {
        let gone = served.len() - served.partition_point(|s| s.at < t.since);
        (t.joined - gone as i64).max(0)
    });
    let counting = counted_queue.is_some_and(|q| q > 0)
        || counted.is_some_and(|t| now.duration_since(t.last) <= COUNT_STALE);
    let (arrivals_per_minute, queue) = if let (true, Some(t)) = (counting, counted) {
        (
            t.recent.max(0) as f64 / window,
            counted_queue.map(|q| q as f64),
        )
    } else {
        (served_per_minute, None)
    };

    let c = open.len();
    let (queue, wait) = match (queue, capacity) {
        // Counted: a check-in is logged as the kiosk reads the code, so
        // those not yet checked in are all ahead, and go at the kiosks'
        // pace.
        (Some(q), Some(cap)) if cap > 0.0 => (Some(q), Some(q / cap)),
        (Some(q), _) => (Some(q), None),
        // Uncounted and keeping up: the M/M/c mean, at the kiosks' own
        // pace (their fastest: the last gaps hold idle time).
        (None, Some(_)) if saturated_since.is_none() && c > 0 && typical_fastest.is_some() => {
            let cap: f64 = open
                .iter()
                .map(|k| 60.0 / k.fastest_seconds.or(typical_fastest).unwrap_or(f64::MAX))
                .sum();
            let a = arrivals_per_minute / (cap / c as f64);
            if a < c as f64 * SATURATED {
                let wq = erlang_c(c, a) / (cap - arrivals_per_minute);
                (Some(arrivals_per_minute * wq), Some(wq))
            } else {
                (None, None)
            }
        }
        _ => (None, None),
    };

    let alert = match (wait, saturated_since) {
        (Some(w), _) if w > f64::from(max_wait) => Some(QueueAlert::Wait {
            minutes: w.ceil() as u32,
            more_kiosks: more_kiosks(
                queue.unwrap_or(0.0),
                c,
                capacity,
                arrivals_per_minute,
                max_wait,
            ),
        }),
        (None, Some(since)) => {
            let m = minutes(now.duration_since(since));
            (m >= 1.0).then(|| QueueAlert::Saturated {
                minutes: m.floor() as u32,
            })
        }
        _ => None,
    };

    Forecast {
        open_kiosks: c,
        kiosks,
        arrivals_per_minute,
        counted: counting,
        served_per_minute,
        capacity_per_minute: capacity,
        queue,
        wait_minutes: wait,
        saturated_since,
        alert,
    }
}

/// The kiosks to add so that someone joining now waits no more than
/// `max_wait` and the queue stops growing; None when ten would not do.
fn more_kiosks(
    queue: f64,
    open: usize,
    capacity: Option<f64>,
    arrivals: f64,
    max_wait: u32,
) -> Option<u32> {
    let cap = capacity?;
    if open == 0 || cap <= 0.0 {
        return None;
    }
    let each = cap / open as f64;
    (1..=10u32).find(|n| {
        let k = open + *n as usize;
        let cap = each * k as f64;
        queue / cap <= f64::from(max_wait) && arrivals < cap
    })
}

/// The share of `(from, to]` a kiosk spent serving: its check-ins there
/// at its fastest pace. A saturated kiosk fills the window at its usual
/// pace, a little slower than its fastest stretch: hence [`SATURATED`]
/// under one; one that keeps up has idle spells its pace does not fill.
fn busy_share(times: &[Timestamp], pace: f64, from: Timestamp, to: Timestamp) -> f64 {
    let span = to.duration_since(from).as_secs_f64();
    if span <= 0.0 {
        return 0.0;
    }
    let n = times.partition_point(|t| *t <= to) - times.partition_point(|t| *t <= from);
    (n as f64 * pace / span).clamp(0.0, 1.0)
}

/// The least mean of [`PACE_GAPS`] successive gaps under
/// [`LONGEST_SERVICE`] (or of all, from [`MIN_BUSY_GAPS`]).
pub fn fastest_seconds(times: &[Timestamp]) -> Option<f64> {
    let gaps: Vec<f64> = times
        .windows(2)
        .map(|w| w[1].duration_since(w[0]))
        .filter(|g| *g <= LONGEST_SERVICE && !g.is_negative())
        .map(|g| g.as_secs_f64())
        .collect();
    if gaps.len() < MIN_BUSY_GAPS {
        return None;
    }
    let k = PACE_GAPS.min(gaps.len());
    let mut sum: f64 = gaps[..k].iter().sum();
    let mut least = sum;
    for i in k..gaps.len() {
        sum += gaps[i] - gaps[i - k];
        least = least.min(sum);
    }
    Some((least / k as f64).max(1.0))
}

/// How much a kiosk's gaps between check-ins in `(from, to]` vary
/// (standard deviation over mean; 1 when too few to say). Service times
/// vary less than idle spells: a kiosk that keeps up with few people,
/// whose pace cannot be measured apart from its idle time, shows it here.
fn gap_spread(times: &[Timestamp], from: Timestamp, to: Timestamp) -> f64 {
    let first = times.partition_point(|t| *t <= from);
    let end = times.partition_point(|t| *t <= to);
    let gaps: Vec<f64> = times[first.saturating_sub(1)..end]
        .windows(2)
        .map(|w| w[1].duration_since(w[0]).as_secs_f64())
        .collect();
    if gaps.len() < MIN_BUSY_GAPS {
        return 1.0;
    }
    let n = gaps.len() as f64;
    let mean = gaps.iter().sum::<f64>() / n;
    if mean <= 0.0 {
        return 1.0;
    }
    let var = gaps.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / n;
    var.sqrt() / mean
}

/// When the open kiosks became busy without a break, if they are: walking
/// back minute by minute, they are busy over a window when their check-ins
/// in it fill [`SATURATED`] of it at their fastest pace, on average.
fn saturation_start(
    times_of: &std::collections::BTreeMap<&str, Vec<Timestamp>>,
    open: &[&KioskFlow],
    typical: Option<f64>,
    now: Timestamp,
) -> Option<Timestamp> {
    let typical = typical?;
    if open.is_empty() {
        return None;
    }
    // The open kiosks together (one kiosk's count over a few minutes is
    // too noisy: 13 or 17 where 15 is usual).
    let all_busy = |from: Timestamp, to: Timestamp| {
        let share: f64 = open
            .iter()
            .map(|k| {
                let times = times_of.get(k.kiosk.as_str()).map_or(&[][..], |v| &v[..]);
                busy_share(times, k.fastest_seconds.unwrap_or(typical), from, to)
            })
            .sum();
        let spread: f64 = open
            .iter()
            .map(|k| {
                let times = times_of.get(k.kiosk.as_str()).map_or(&[][..], |v| &v[..]);
                gap_spread(times, from, to)
            })
            .sum();
        let n = open.len() as f64;
        share / n >= SATURATED && spread / n <= REGULAR
    };
    // Now: over the whole rate window, so that one slow badge does not
    // end a saturation.
    if !all_busy(now - RATE_WINDOW, now) {
        return None;
    }
    let mut since = now - RATE_WINDOW;
    // At most a morning back.
    for _ in 0..240 {
        let from = since - RATE_WINDOW;
        let to = since;
        if all_busy(from, to) {
            since -= SignedDuration::from_mins(1);
        } else {
            break;
        }
    }
    Some(since)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn t(secs: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + secs).unwrap()
    }

    /// A kiosk checking someone in every `every` seconds from `from` to `to`.
    fn steady<'a>(kiosk: &'a str, from: i64, to: i64, every: i64) -> Vec<Served<'a>> {
        (0..)
            .map(|i| from + i * every)
            .take_while(|s| *s <= to)
            .map(|s| Served { at: t(s), kiosk })
            .collect()
    }

    fn merged<'a>(mut all: Vec<Vec<Served<'a>>>) -> Vec<Served<'a>> {
        let mut v: Vec<Served<'a>> = all.drain(..).flatten().collect();
        v.sort_by_key(|s| s.at);
        v
    }

    #[test]
    fn the_service_time_is_the_busy_gaps_not_the_pauses() {
        // Busy every 20 s, with a coffee break and a lull.
        let mut times: Vec<Timestamp> = (0..20).map(|i| t(i * 20)).collect();
        times.push(t(20 * 19 + 240));
        times.extend((0..10).map(|i| t(20 * 19 + 240 + 20 * (i + 1))));
        let s = service_seconds(&times).unwrap();
        assert!((s - 20.0).abs() < 0.01, "{s}");
        // Too few gaps: not measured.
        assert_eq!(service_seconds(&times[..4]), None);
        assert_eq!(service_seconds(&[]), None);
    }

    #[test]
    fn kiosks_that_keep_up_predict_a_short_wait_and_no_alert() {
        // Two kiosks, 30 s a person, people coming now and then: the gaps
        // are service and idle time mixed, the pace is an upper bound, the
        // wait small.
        let idle = [0, 5, 40, 90, 10, 0, 150, 30, 60, 20];
        let spaced = |kiosk, start| {
            let mut at = start;
            let mut v = Vec::new();
            for i in 0..60 {
                v.push(Served { at: t(at), kiosk });
                at += 30 + idle[i % idle.len()];
            }
            v
        };
        let served = merged(vec![spaced("a", 0), spaced("b", 17)]);
        let now = served.last().unwrap().at;
        let f = forecast(&served, &[], now, 10);
        assert_eq!(f.open_kiosks, 2);
        assert!(!f.counted);
        let cap = f.capacity_per_minute.unwrap();
        assert!(cap > f.served_per_minute, "{f:?}");
        assert_eq!(f.saturated_since, None, "{f:?}");
        let w = f.wait_minutes.unwrap();
        assert!(w < 2.0, "{w}");
        assert_eq!(f.alert, None);
    }

    #[test]
    fn saturated_and_uncounted_says_so_and_gives_no_number() {
        // Three kiosks every 20 s without a break for 12 minutes.
        let served = merged(vec![
            steady("a", 0, 720, 20),
            steady("b", 5, 720, 20),
            steady("c", 10, 720, 20),
        ]);
        let f = forecast(&served, &[], t(720), 10);
        assert_eq!(f.queue, None);
        assert_eq!(f.wait_minutes, None);
        let since = f.saturated_since.unwrap();
        assert!(
            t(720).duration_since(since) >= SignedDuration::from_mins(6),
            "{since}"
        );
        assert!(matches!(f.alert, Some(QueueAlert::Saturated { minutes }) if minutes >= 6));
    }

    #[test]
    fn a_counted_queue_gives_the_wait_and_how_many_kiosks_to_open() {
        // Three kiosks at 20 s (9/min); 300 counted in, 90 served since.
        let served = merged(vec![
            steady("a", 0, 600, 20),
            steady("b", 0, 600, 20),
            steady("c", 0, 600, 20),
        ]);
        let counts: Vec<Counted> = (0..300)
            .map(|i| Counted {
                at: t(i * 2),
                count: Count::Joined(1),
            })
            .collect();
        let f = forecast(&served, &counts, t(600), 10);
        assert!(f.counted);
        let gone = served.len() as f64;
        assert_eq!(f.queue, Some(300.0 - gone));
        let w = f.wait_minutes.unwrap();
        let expected = (300.0 - gone) / 9.0;
        assert!((w - expected).abs() < 0.3, "{w} vs {expected}");
        match f.alert {
            Some(QueueAlert::Wait {
                minutes,
                more_kiosks: Some(n),
            }) => {
                assert_eq!(minutes, w.ceil() as u32);
                // 30 arrivals a minute need more than ten 3-a-minute kiosks.
                assert!(n >= 1);
            }
            other => panic!("{other:?}"),
        }
        // « The queue is empty now » starts over.
        let mut emptied = counts.clone();
        emptied.push(Counted {
            at: t(600),
            count: Count::Empty,
        });
        let f = forecast(&served, &emptied, t(600), 10);
        assert_eq!(f.queue, Some(0.0));
        assert_eq!(f.wait_minutes, Some(0.0));
    }

    #[test]
    fn a_stale_count_or_a_closed_kiosk_is_not_believed() {
        let served = merged(vec![steady("a", 0, 3000, 20), steady("b", 0, 600, 20)]);
        // 100 counted in 50 minutes ago, 180 served since: the steward
        // left, the count is not believed.
        let counts = [Counted {
            at: t(0),
            count: Count::Joined(100),
        }];
        let f = forecast(&served, &counts, t(3000), 10);
        assert!(!f.counted, "a count 50 minutes old");
        // 500 counted: still 320 in the queue, the count holds after the
        // wave, when nobody joins any more.
        let wave = [Counted {
            at: t(0),
            count: Count::Joined(500),
        }];
        let f = forecast(&served, &wave, t(3000), 10);
        assert!(f.counted);
        assert_eq!(f.queue, Some(500.0 - served.len() as f64));
        assert_eq!(f.open_kiosks, 1, "b stopped 40 minutes ago");
        // Nothing happened yet, nothing in the future counts.
        let f = forecast(&served, &counts, t(-10), 10);
        assert_eq!(f.open_kiosks, 0);
        assert_eq!(f.capacity_per_minute, None);
        assert_eq!(f.alert, None);
    }

    /// Seeded log-normal and exponential draws (xorshift64*).
    struct Draw(u64);
    impl Draw {
        fn unit(&mut self) -> f64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            ((self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64)
                .max(1e-12)
        }
        fn lognormal(&mut self, mean: f64, cv: f64) -> f64 {
            let s2 = (1.0 + cv * cv).ln();
            let z =
                (-2.0 * self.unit().ln()).sqrt() * (2.0 * std::f64::consts::PI * self.unit()).cos();
            (mean.ln() - s2 / 2.0 + s2.sqrt() * z).exp()
        }
        fn exponential(&mut self, mean: f64) -> f64 {
            -mean * self.unit().ln()
        }
    }

    /// Three kiosks, 20 s a person (log-normal): with a queue that never
    /// empties, and with people coming at half their pace.
    fn kiosks_serving(seed: u64, load: Option<f64>) -> Vec<(Timestamp, usize)> {
        let queue_forever = load.is_none();
        let mut draw = Draw(seed);
        let mut free = [0.0f64; 3];
        let mut out = Vec::new();
        let mut at = 0.0;
        while at < 1200.0 {
            if !queue_forever {
                at += draw.exponential(20.0 / 3.0 / load.unwrap_or(1.0));
            }
            let k = (0..3).min_by(|a, b| free[*a].total_cmp(&free[*b])).unwrap();
            let began = at.max(free[k]);
            free[k] = began + draw.lognormal(20.0, 0.4);
            out.push((t(began as i64), k));
            if queue_forever {
                at = free.iter().cloned().fold(f64::MAX, f64::min);
            }
        }
        out
    }

    /// The forecast of [`kiosks_serving`]'s morning, at `now` or at its
    /// last check-in.
    fn forecast_of(seed: u64, load: Option<f64>, now: Option<Timestamp>) -> Forecast {
        let names = ["a", "b", "c"];
        let served: Vec<Served<'_>> = kiosks_serving(seed, load)
            .into_iter()
            .map(|(at, k)| Served {
                at,
                kiosk: names[k],
            })
            .collect();
        let now = now.or(served.last().map(|s| s.at)).unwrap();
        forecast(&served, &[], now, 10)
    }

    #[test]
    fn saturation_shows_through_the_noise_and_a_half_load_gets_no_wrong_wait() {
        for seed in 1..=20u64 {
            let f = forecast_of(seed, None, Some(t(1200)));
            let since = f
                .saturated_since
                .unwrap_or_else(|| panic!("seed {seed}: {f:?}"));
            // Since at least the rate window (a rare long service may
            // break the walk back through the earlier minutes).
            assert!(
                t(1200).duration_since(since) >= RATE_WINDOW,
                "seed {seed}: {since}"
            );
            assert!(matches!(f.alert, Some(QueueAlert::Saturated { minutes }) if minutes >= 5));
            assert_eq!(
                f.wait_minutes, None,
                "seed {seed}: no number while saturated"
            );

            let f = forecast_of(seed, Some(0.5), None);
            // Half busy, the gaps hold idle time: the pace measured on them
            // is slower than the kiosks' own, and the forecast may take
            // them for saturated — it then says « count the queue », never
            // a wait it cannot know. A wait it gives is the right one.
            match f.wait_minutes {
                Some(w) => assert!(w < 2.0, "seed {seed}: {f:?}"),
                None => assert!(
                    matches!(f.alert, Some(QueueAlert::Saturated { .. })),
                    "seed {seed}: {f:?}"
                ),
            }
            // A fifth busy: never an alert; the pace, measured on gaps that
            // are mostly idle time, is slow, so the wait given may be a
            // minute or two too long — never near an alert.
            let f = forecast_of(seed, Some(0.2), None);
            assert_eq!(f.saturated_since, None, "seed {seed}: {f:?}");
            assert_eq!(f.alert, None, "seed {seed}: {f:?}");
            assert!(f.wait_minutes.is_none_or(|w| w < 3.0), "seed {seed}: {f:?}");
        }
    }

    #[test]
    fn erlang_c_matches_the_textbook() {
        // c = 1: C = ρ.
        assert!((erlang_c(1, 0.5) - 0.5).abs() < 1e-12);
        // c = 2, a = 1: C = 1/3.
        assert!((erlang_c(2, 1.0) - 1.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn a_burst_of_check_ins_has_a_pace_of_a_second_each() {
        let t0: Timestamp = "2026-12-05T08:00:00Z".parse().unwrap();
        // Eight check-ins within a third of a second, unevenly.
        let ms = [0, 2, 3, 40, 41, 120, 121, 330];
        let times: Vec<Timestamp> = ms
            .iter()
            .map(|m| t0 + SignedDuration::from_millis(*m))
            .collect();
        assert_eq!(service_seconds(&times), Some(1.0));
    }
}
