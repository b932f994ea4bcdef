//! Schedule rules: what a `schedules` row means, as pure functions.
//!
//! A [`ScheduleRule`] is stored and typed as text (`every 15 minutes`,
//! `daily 09:30`, `weekly mon-fri 18:00`); [`next_fire_after`] turns a rule, an
//! IANA time zone and an instant into the next fire instant, and
//! [`fires_between`] counts fire instants in an interval.
//!
//! # Time rules
//!
//! * [`ScheduleRule::EveryMinutes`] fires at the multiples of the interval since
//!   the Unix epoch (UTC). Fire times are therefore the same in every process and
//!   across restarts, and the time zone plays no part.
//! * [`ScheduleRule::Daily`] and [`ScheduleRule::Weekly`] fire at a wall-clock
//!   time in the schedule's time zone, on every (matching) local date:
//!   * if that local time does not exist on a date (spring-forward gap, e.g.
//!     02:30 in Europe/Berlin on 2026-03-29), the rule fires once, at the instant
//!     the wall clock would have shown that time under the offset in force before
//!     the gap, i.e. the local time shifted forward by the gap length (03:30 CEST
//!     for 02:30);
//!   * if that local time occurs twice (fall-back overlap, e.g. 02:30 in
//!     Europe/Berlin on 2026-10-25), the rule fires once, at the earlier instant
//!     (02:30 CEST, not 02:30 CET).

mod next;
mod parse;
#[cfg(test)]
mod tests;

use std::fmt;
use std::str::FromStr;

use chrono::{NaiveTime, Timelike, Weekday};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use next::{fires_between, next_fire_after};

/// The longest accepted interval for [`ScheduleRule::EveryMinutes`]: one week.
pub const MAX_INTERVAL_MINUTES: u32 = 7 * 24 * 60;

/// When a schedule fires. See the [module docs](self) for the time rules.
///
/// The text form (see [`FromStr`] and [`Display`](fmt::Display)) is what the
/// database stores; serde uses the same canonical string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScheduleRule {
    /// Every `n` minutes, on multiples of `n` minutes since the Unix epoch.
    ///
    /// The parser accepts `1..=`[`MAX_INTERVAL_MINUTES`]; a zero built in code
    /// is treated as one minute by [`next_fire_after`].
    EveryMinutes(u32),
    /// Every day at a local wall-clock time.
    Daily {
        /// Local time of day. The text form keeps seconds but not fractions.
        at: NaiveTime,
    },
    /// On the given local weekdays at a local wall-clock time.
    Weekly {
        /// Days on which the rule fires.
        days: WeekdaySet,
        /// Local time of day. The text form keeps seconds but not fractions.
        at: NaiveTime,
    },
}

impl fmt::Display for ScheduleRule {
    /// Canonical text: `every N minutes` (`every 1 minute`), `daily HH:MM`,
    /// `weekly DAYS HH:MM` (`HH:MM:SS` when seconds are set). It parses back to
    /// the same rule.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EveryMinutes(1) => f.write_str("every 1 minute"),
            Self::EveryMinutes(n) => write!(f, "every {n} minutes"),
            Self::Daily { at } => write!(f, "daily {}", DisplayTime(*at)),
            Self::Weekly { days, at } => write!(f, "weekly {days} {}", DisplayTime(*at)),
        }
    }
}

/// `HH:MM`, or `HH:MM:SS` when the seconds are not zero.
struct DisplayTime(NaiveTime);

impl fmt::Display for DisplayTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.0;
        write!(f, "{:02}:{:02}", t.hour(), t.minute())?;
        if t.second() != 0 {
            write!(f, ":{:02}", t.second())?;
        }
        Ok(())
    }
}

impl FromStr for ScheduleRule {
    type Err = RuleParseError;

    /// Parses the text form, case-insensitively:
    ///
    /// * `every 15 minutes`, `every 1 minute`, `every minute`, `every 15m`,
    ///   `every 15 min`, `every 2h`, `every 2 hours`, `every 1 day`: hours and
    ///   days are normalised to minutes; the interval must be 1 minute to 7 days;
    /// * `daily 09:30` (also `9:30`, `09:30:15`);
    /// * `weekly mon,wed,fri 09:30`, `weekly mon-fri 18:00`: English 3-letter or
    ///   full day names, separated by commas and/or spaces; a range `a-b` includes
    ///   both ends and may wrap around the week end (`fri-mon`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse::parse_rule(s)
    }
}

impl Serialize for ScheduleRule {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ScheduleRule {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A non-empty set of weekdays (a 7-bit set, Monday first).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct WeekdaySet(u8);

impl WeekdaySet {
    /// Every day of the week.
    pub const ALL: Self = Self(0b111_1111);
    /// Monday to Friday.
    pub const WORKDAYS: Self = Self(0b001_1111);

    /// The set holding only `day`.
    pub fn single(day: Weekday) -> Self {
        Self(bit(day))
    }

    /// The set of `days`, or `None` if there are none.
    pub fn from_days(days: impl IntoIterator<Item = Weekday>) -> Option<Self> {
        Self::from_bits(days.into_iter().fold(0, |bits, day| bits | bit(day)))
    }

    /// The set whose bit `i` (0 = Monday) is set, or `None` if no valid bit is.
    /// Bit 7 is ignored.
    pub fn from_bits(bits: u8) -> Option<Self> {
        let bits = bits & Self::ALL.0;
        (bits != 0).then_some(Self(bits))
    }

    /// Bit `i` is set when the day `i` days after Monday is in the set.
    pub fn bits(self) -> u8 {
        self.0
    }

    /// Whether `day` is in the set.
    pub fn contains(self, day: Weekday) -> bool {
        self.0 & bit(day) != 0
    }

    /// This set with `day` added.
    #[must_use]
    pub fn with(self, day: Weekday) -> Self {
        Self(self.0 | bit(day))
    }

    /// Number of days in the set (1 to 7).
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Always `false`: the set is never empty. Present for API symmetry.
    pub fn is_empty(self) -> bool {
        false
    }

    /// The days in the set, Monday first.
    pub fn iter(self) -> WeekdaySetIter {
        WeekdaySetIter {
            bits: self.0,
            next: Weekday::Mon,
            left: 7,
        }
    }
}

fn bit(day: Weekday) -> u8 {
    1 << day.num_days_from_monday()
}

impl fmt::Debug for WeekdaySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl fmt::Display for WeekdaySet {
    /// Canonical text: lowercase 3-letter names, Monday first, comma-separated;
    /// runs of three or more consecutive days are written as a range
    /// (`mon-wed,fri`, `mon-sun`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        let mut start = 0;
        while start < 7 {
            if self.0 & (1 << start) == 0 {
                start += 1;
                continue;
            }
            let mut end = start;
            while end + 1 < 7 && self.0 & (1 << (end + 1)) != 0 {
                end += 1;
            }
            if !first {
                f.write_str(",")?;
            }
            first = false;
            match end - start {
                0 => f.write_str(day_name(start))?,
                1 => write!(f, "{},{}", day_name(start), day_name(end))?,
                _ => write!(f, "{}-{}", day_name(start), day_name(end))?,
            }
            start = end + 1;
        }
        Ok(())
    }
}

/// Lowercase 3-letter name of the day `index` days after Monday.
fn day_name(index: u8) -> &'static str {
    const NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    NAMES[usize::from(index % 7)]
}

impl IntoIterator for WeekdaySet {
    type Item = Weekday;
    type IntoIter = WeekdaySetIter;

    fn into_iter(self) -> WeekdaySetIter {
        self.iter()
    }
}

/// Iterator over the days of a [`WeekdaySet`], Monday first.
#[derive(Debug, Clone)]
pub struct WeekdaySetIter {
    bits: u8,
    next: Weekday,
    left: u8,
}

impl Iterator for WeekdaySetIter {
    type Item = Weekday;

    fn next(&mut self) -> Option<Weekday> {
        while self.left > 0 {
            let day = self.next;
            self.next = day.succ();
            self.left -= 1;
            if self.bits & bit(day) != 0 {
                return Some(day);
            }
        }
        None
    }
}

/// Why a rule's text (or a time zone name) was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleParseError {
    /// Nothing but whitespace.
    #[error(
        "empty schedule rule: expected `every N minutes`, `daily HH:MM` or `weekly DAYS HH:MM`"
    )]
    Empty,
    /// The first word is not `every`, `daily` or `weekly`.
    #[error("unknown rule keyword `{0}`: expected `every`, `daily` or `weekly`")]
    UnknownKeyword(String),
    /// `every` with nothing after it.
    #[error("missing interval after `every`: expected e.g. `every 15 minutes`")]
    MissingInterval,
    /// The interval is not a whole number (`every x minutes`, `every 1.5h`).
    #[error("bad interval `{0}`: expected a whole number, e.g. `every 15 minutes`")]
    BadInterval(String),
    /// A number without a unit (`every 15`).
    #[error("missing unit after `every {0}`: expected `minutes`, `hours` or `days`")]
    MissingUnit(String),
    /// A unit other than minutes, hours or days.
    #[error("unknown interval unit `{0}`: expected `minutes`, `hours` or `days`")]
    UnknownUnit(String),
    /// Zero, or longer than [`MAX_INTERVAL_MINUTES`].
    #[error("interval `{0}` is out of range: it must be from 1 minute to 7 days (10080 minutes)")]
    IntervalOutOfRange(String),
    /// `daily`/`weekly` without a time of day.
    #[error("missing time of day: expected HH:MM, e.g. `daily 09:30`")]
    MissingTime,
    /// A time of day that is not `HH:MM[:SS]` within 00:00–23:59.
    #[error("bad time `{0}`: expected HH:MM from 00:00 to 23:59")]
    BadTime(String),
    /// A word in the day list that is not a day name.
    #[error("unknown day `{0}`: expected a day name such as `mon` or `monday`")]
    UnknownDay(String),
    /// `weekly` without any day.
    #[error("empty day list: expected days such as `mon,wed,fri` or `mon-fri`")]
    EmptyDayList,
    /// Words after a complete rule.
    #[error("unexpected trailing text `{0}`")]
    TrailingText(String),
    /// Not an IANA time zone name (see [`parse_timezone`]).
    #[error("unknown time zone `{0}`: expected an IANA name such as `Europe/Berlin` or `UTC`")]
    UnknownTimezone(String),
}

/// Parses an IANA time zone name such as `Europe/Berlin` or `UTC`.
///
/// Surrounding whitespace is ignored and, if there is no exact match, the name
/// is matched case-insensitively (`europe/berlin`); store [`Tz::name`] to keep
/// the canonical spelling.
///
/// [`Tz::name`]: chrono_tz::Tz::name
pub fn parse_timezone(name: &str) -> Result<chrono_tz::Tz, RuleParseError> {
    let trimmed = name.trim();
    if let Ok(tz) = trimmed.parse() {
        return Ok(tz);
    }
    chrono_tz::TZ_VARIANTS
        .iter()
        .copied()
        .find(|tz| tz.name().eq_ignore_ascii_case(trimmed))
        .ok_or_else(|| RuleParseError::UnknownTimezone(trimmed.to_owned()))
}
