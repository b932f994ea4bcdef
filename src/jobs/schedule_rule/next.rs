//! Fire instants of a [`ScheduleRule`].

use chrono::offset::LocalResult;
use chrono::{DateTime, Datelike, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc};
use chrono_tz::{GapInfo, Tz};

use super::{ScheduleRule, WeekdaySet};

/// The first fire instant of `rule` strictly after `after`, in time zone `tz`.
///
/// * `EveryMinutes(n)`: the next multiple of `n` minutes since the Unix epoch
///   (`tz` is ignored); a zero interval counts as one minute.
/// * `Daily`/`Weekly`: the next matching local date's wall-clock time in `tz`.
///   A time inside a spring-forward gap fires shifted forward by the gap length;
///   a time inside a fall-back overlap fires once, at the earlier instant. See
///   the [module docs](super) for details.
///
/// Saturates at [`DateTime::<Utc>::MAX_UTC`] when the next fire would be past
/// the end of chrono's range.
pub fn next_fire_after(rule: &ScheduleRule, tz: Tz, after: DateTime<Utc>) -> DateTime<Utc> {
    next_fire(rule, tz, after).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// [`next_fire_after`], or `None` past the end of chrono's range.
fn next_fire(rule: &ScheduleRule, tz: Tz, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
    match *rule {
        ScheduleRule::EveryMinutes(n) => next_multiple(n, after),
        ScheduleRule::Daily { at } => next_wall_clock(tz, WeekdaySet::ALL, at, after),
        ScheduleRule::Weekly { days, at } => next_wall_clock(tz, days, at, after),
    }
}

/// The number of fire instants of `rule` in `(from, to]`; 0 if `to <= from`.
///
/// Used for "missed fires fire once": a scheduler that was down can tell how
/// many fires it skipped.
pub fn fires_between(rule: &ScheduleRule, tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> usize {
    if to <= from {
        return 0;
    }
    if let ScheduleRule::EveryMinutes(n) = *rule {
        let step = step_seconds(n);
        // Multiples are whole seconds, so `m*step` lies in (from, to] exactly
        // when it lies in (floor(from), floor(to)].
        let count = to.timestamp().div_euclid(step) - from.timestamp().div_euclid(step);
        return usize::try_from(count).unwrap_or(usize::MAX);
    }
    let mut count = 0;
    let mut t = from;
    while let Some(next) = next_fire(rule, tz, t).filter(|next| *next <= to) {
        count += 1;
        t = next;
    }
    count
}

fn step_seconds(minutes: u32) -> i64 {
    i64::from(minutes.max(1)) * 60
}

fn next_multiple(minutes: u32, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let step = step_seconds(minutes);
    // Flooring the seconds keeps "strictly after" right for sub-second instants.
    let next = after
        .timestamp()
        .div_euclid(step)
        .checked_add(1)
        .and_then(|k| k.checked_mul(step));
    next.and_then(|secs| DateTime::from_timestamp(secs, 0))
}

/// How many local dates to look at, starting the day before `after`'s local
/// date: any 7 consecutive dates hold a matching day, and the first two may be
/// entirely before `after`.
const DATE_WINDOW: usize = 10;

fn next_wall_clock(
    tz: Tz,
    days: WeekdaySet,
    at: NaiveTime,
    after: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    // Not `with_timezone(..).date_naive()`: that panics past chrono's range.
    let offset = tz.offset_from_utc_datetime(&after.naive_utc()).fix();
    let start = after
        .naive_utc()
        .checked_add_offset(offset)
        .unwrap_or(after.naive_utc())
        .date();
    let mut date = start.pred_opt().unwrap_or(start);
    let mut best: Option<DateTime<Utc>> = None;
    for _ in 0..DATE_WINDOW {
        if days.contains(date.weekday()) {
            if let Some(fire) = resolve_local(tz, date.and_time(at)) {
                if fire > after && best.is_none_or(|b| fire < b) {
                    best = Some(fire);
                }
            }
        }
        match date.succ_opt() {
            Some(next) => date = next,
            None => break,
        }
    }
    best
}

/// The instant a rule set for local time `local` fires (see the module docs for
/// gaps and overlaps); `None` only at the edges of the time zone data.
fn resolve_local(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, b) => Some(a.min(b).with_timezone(&Utc)),
        LocalResult::None => {
            let gap = GapInfo::new(&local, &tz)?;
            match gap.begin {
                // Read `local` with the offset in force before the gap.
                Some((_, before)) => {
                    let offset = before.fix();
                    offset
                        .from_local_datetime(&local)
                        .single()
                        .map(|t| t.with_timezone(&Utc))
                }
                None => gap.end.map(|t| t.with_timezone(&Utc)),
            }
        }
    }
}
