use chrono::{
    DateTime, Datelike, NaiveDateTime, NaiveTime, Offset, TimeDelta, TimeZone, Utc, Weekday,
};
use chrono_tz::Tz;
use chrono_tz::{America::New_York, Europe::Berlin, UTC};
use proptest::prelude::*;

use super::*;

fn time(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn days(list: &[Weekday]) -> WeekdaySet {
    WeekdaySet::from_days(list.iter().copied()).unwrap()
}

fn daily(h: u32, m: u32) -> ScheduleRule {
    ScheduleRule::Daily { at: time(h, m) }
}

fn weekly(list: &[Weekday], h: u32, m: u32) -> ScheduleRule {
    ScheduleRule::Weekly {
        days: days(list),
        at: time(h, m),
    }
}

/// `count` consecutive fires after `after`.
fn fires(rule: &ScheduleRule, tz: Tz, after: DateTime<Utc>, count: usize) -> Vec<DateTime<Utc>> {
    std::iter::successors(Some(after), |t| Some(next_fire_after(rule, tz, *t)))
        .skip(1)
        .take(count)
        .collect()
}

// ---------------------------------------------------------------- parsing

#[test]
fn parses_every_accepted_form() {
    use Weekday::*;
    let cases = [
        ("every 15 minutes", ScheduleRule::EveryMinutes(15)),
        ("every 1 minute", ScheduleRule::EveryMinutes(1)),
        ("every minute", ScheduleRule::EveryMinutes(1)),
        ("every hour", ScheduleRule::EveryMinutes(60)),
        ("every 15m", ScheduleRule::EveryMinutes(15)),
        ("every 15 min", ScheduleRule::EveryMinutes(15)),
        ("every 2h", ScheduleRule::EveryMinutes(120)),
        ("every 2 hours", ScheduleRule::EveryMinutes(120)),
        ("every 1 hr", ScheduleRule::EveryMinutes(60)),
        ("every 1 day", ScheduleRule::EveryMinutes(1440)),
        ("every 7 days", ScheduleRule::EveryMinutes(10080)),
        ("every 10080 minutes", ScheduleRule::EveryMinutes(10080)),
        ("  EVERY   15   Minutes  ", ScheduleRule::EveryMinutes(15)),
        ("daily 09:30", daily(9, 30)),
        ("daily 9:30", daily(9, 30)),
        ("daily 00:00", daily(0, 0)),
        ("daily 23:59", daily(23, 59)),
        ("Daily 09:30", daily(9, 30)),
        (
            "daily 09:30:15",
            ScheduleRule::Daily {
                at: NaiveTime::from_hms_opt(9, 30, 15).unwrap(),
            },
        ),
        ("weekly mon,wed,fri 09:30", weekly(&[Mon, Wed, Fri], 9, 30)),
        (
            "weekly mon-fri 18:00",
            weekly(&[Mon, Tue, Wed, Thu, Fri], 18, 0),
        ),
        (
            "weekly Monday, WED, friday 09:30",
            weekly(&[Mon, Wed, Fri], 9, 30),
        ),
        ("weekly mon wed 09:30", weekly(&[Mon, Wed], 9, 30)),
        ("weekly sun 7:05", weekly(&[Sun], 7, 5)),
        ("weekly sat-sun 10:00", weekly(&[Sat, Sun], 10, 0)),
        ("weekly fri-mon 10:00", weekly(&[Fri, Sat, Sun, Mon], 10, 0)),
        ("weekly wed-wed 10:00", weekly(&[Wed], 10, 0)),
        ("weekly mon,mon,tue 10:00", weekly(&[Mon, Tue], 10, 0)),
        (
            "weekly mon-sun 10:00",
            weekly(&[Mon, Tue, Wed, Thu, Fri, Sat, Sun], 10, 0),
        ),
        (
            "weekly TUESDAY-thursday 10:00",
            weekly(&[Tue, Wed, Thu], 10, 0),
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(text.parse::<ScheduleRule>(), Ok(expected), "{text}");
    }
}

#[test]
fn displays_canonical_text() {
    use Weekday::*;
    let cases = [
        (ScheduleRule::EveryMinutes(1), "every 1 minute"),
        (ScheduleRule::EveryMinutes(15), "every 15 minutes"),
        (ScheduleRule::EveryMinutes(120), "every 120 minutes"),
        (daily(9, 5), "daily 09:05"),
        (
            ScheduleRule::Daily {
                at: NaiveTime::from_hms_opt(9, 5, 7).unwrap(),
            },
            "daily 09:05:07",
        ),
        (weekly(&[Fri, Mon, Wed], 9, 30), "weekly mon,wed,fri 09:30"),
        (
            weekly(&[Mon, Tue, Wed, Thu, Fri], 18, 0),
            "weekly mon-fri 18:00",
        ),
        (
            weekly(&[Mon, Tue, Thu, Fri, Sat], 8, 0),
            "weekly mon,tue,thu-sat 08:00",
        ),
        (weekly(&[Sat, Sun], 8, 0), "weekly sat,sun 08:00"),
        (
            weekly(&[Fri, Sat, Sun, Mon], 8, 0),
            "weekly mon,fri-sun 08:00",
        ),
        (
            weekly(&[Mon, Tue, Wed, Thu, Fri, Sat, Sun], 0, 0),
            "weekly mon-sun 00:00",
        ),
    ];
    for (rule, text) in cases {
        assert_eq!(rule.to_string(), text);
        assert_eq!(text.parse::<ScheduleRule>(), Ok(rule), "{text}");
    }
}

#[test]
fn rejects_bad_text_with_precise_errors() {
    use RuleParseError::*;
    let cases = [
        ("", Empty, "empty schedule rule: expected `every N minutes`, `daily HH:MM` or `weekly DAYS HH:MM`"),
        ("   ", Empty, "empty schedule rule: expected `every N minutes`, `daily HH:MM` or `weekly DAYS HH:MM`"),
        ("hourly 15", UnknownKeyword("hourly".into()), "unknown rule keyword `hourly`: expected `every`, `daily` or `weekly`"),
        ("every", MissingInterval, "missing interval after `every`: expected e.g. `every 15 minutes`"),
        ("every x minutes", BadInterval("x".into()), "bad interval `x`: expected a whole number, e.g. `every 15 minutes`"),
        ("every 1.5h", BadInterval("1.5h".into()), "bad interval `1.5h`: expected a whole number, e.g. `every 15 minutes`"),
        ("every -5 minutes", BadInterval("-5".into()), "bad interval `-5`: expected a whole number, e.g. `every 15 minutes`"),
        ("every 15", MissingUnit("15".into()), "missing unit after `every 15`: expected `minutes`, `hours` or `days`"),
        ("every 15 seconds", UnknownUnit("seconds".into()), "unknown interval unit `seconds`: expected `minutes`, `hours` or `days`"),
        ("every 3w", UnknownUnit("w".into()), "unknown interval unit `w`: expected `minutes`, `hours` or `days`"),
        ("every 0 minutes", IntervalOutOfRange("0 minutes".into()), "interval `0 minutes` is out of range: it must be from 1 minute to 7 days (10080 minutes)"),
        ("every 10081 minutes", IntervalOutOfRange("10081 minutes".into()), "interval `10081 minutes` is out of range: it must be from 1 minute to 7 days (10080 minutes)"),
        ("every 8d", IntervalOutOfRange("8d".into()), "interval `8d` is out of range: it must be from 1 minute to 7 days (10080 minutes)"),
        ("every 99999999999999999999999 minutes", IntervalOutOfRange("99999999999999999999999 minutes".into()), "interval `99999999999999999999999 minutes` is out of range: it must be from 1 minute to 7 days (10080 minutes)"),
        ("every 15 minutes please", TrailingText("please".into()), "unexpected trailing text `please`"),
        ("daily", MissingTime, "missing time of day: expected HH:MM, e.g. `daily 09:30`"),
        ("daily 25:00", BadTime("25:00".into()), "bad time `25:00`: expected HH:MM from 00:00 to 23:59"),
        ("daily 24:00", BadTime("24:00".into()), "bad time `24:00`: expected HH:MM from 00:00 to 23:59"),
        ("daily 09:60", BadTime("09:60".into()), "bad time `09:60`: expected HH:MM from 00:00 to 23:59"),
        ("daily 9", BadTime("9".into()), "bad time `9`: expected HH:MM from 00:00 to 23:59"),
        ("daily 9:5", BadTime("9:5".into()), "bad time `9:5`: expected HH:MM from 00:00 to 23:59"),
        ("daily 009:30", BadTime("009:30".into()), "bad time `009:30`: expected HH:MM from 00:00 to 23:59"),
        ("daily 9am", BadTime("9am".into()), "bad time `9am`: expected HH:MM from 00:00 to 23:59"),
        ("daily +9:30", BadTime("+9:30".into()), "bad time `+9:30`: expected HH:MM from 00:00 to 23:59"),
        ("daily 09:30 every day", TrailingText("every day".into()), "unexpected trailing text `every day`"),
        ("weekly", EmptyDayList, "empty day list: expected days such as `mon,wed,fri` or `mon-fri`"),
        ("weekly 09:30", EmptyDayList, "empty day list: expected days such as `mon,wed,fri` or `mon-fri`"),
        ("weekly , 09:30", EmptyDayList, "empty day list: expected days such as `mon,wed,fri` or `mon-fri`"),
        ("weekly mon,funday 09:30", UnknownDay("funday".into()), "unknown day `funday`: expected a day name such as `mon` or `monday`"),
        ("weekly tues 09:30", UnknownDay("tues".into()), "unknown day `tues`: expected a day name such as `mon` or `monday`"),
        ("weekly mon- 09:30", UnknownDay("mon-".into()), "unknown day `mon-`: expected a day name such as `mon` or `monday`"),
        ("weekly mon-xyz 09:30", UnknownDay("xyz".into()), "unknown day `xyz`: expected a day name such as `mon` or `monday`"),
        ("weekly mon", MissingTime, "missing time of day: expected HH:MM, e.g. `daily 09:30`"),
        ("weekly mon 25:00", BadTime("25:00".into()), "bad time `25:00`: expected HH:MM from 00:00 to 23:59"),
        ("weekly mon 09:30 10:30", TrailingText("10:30".into()), "unexpected trailing text `10:30`"),
    ];
    for (text, error, message) in cases {
        let got = text.parse::<ScheduleRule>();
        assert_eq!(got, Err(error), "{text}");
        if let Err(e) = got {
            assert_eq!(e.to_string(), message, "{text}");
        }
    }
}

#[test]
fn parses_time_zones() {
    assert_eq!(parse_timezone("Europe/Berlin"), Ok(Berlin));
    assert_eq!(parse_timezone(" America/New_York "), Ok(New_York));
    assert_eq!(parse_timezone("UTC"), Ok(UTC));
    assert_eq!(parse_timezone("europe/berlin"), Ok(Berlin));
    let err = parse_timezone("Europe/Berln").unwrap_err();
    assert_eq!(err, RuleParseError::UnknownTimezone("Europe/Berln".into()));
    assert_eq!(
        err.to_string(),
        "unknown time zone `Europe/Berln`: expected an IANA name such as `Europe/Berlin` or `UTC`"
    );
    assert!(parse_timezone("").is_err());
    assert!(parse_timezone("+02:00").is_err());
}

#[test]
fn serde_uses_canonical_text() {
    let rule = weekly(&[Weekday::Mon, Weekday::Tue, Weekday::Wed], 7, 0);
    let json = serde_json::to_string(&rule).unwrap();
    assert_eq!(json, r#""weekly mon-wed 07:00""#);
    assert_eq!(serde_json::from_str::<ScheduleRule>(&json).unwrap(), rule);
    assert_eq!(
        serde_json::from_str::<ScheduleRule>(r#""every 2h""#).unwrap(),
        ScheduleRule::EveryMinutes(120)
    );
    let err = serde_json::from_str::<ScheduleRule>(r#""daily 25:00""#).unwrap_err();
    assert!(err.to_string().contains("bad time `25:00`"), "{err}");
}

#[test]
fn weekday_set_basics() {
    use Weekday::*;
    assert_eq!(WeekdaySet::from_days([]), None);
    assert_eq!(WeekdaySet::from_bits(0), None);
    assert_eq!(WeekdaySet::from_bits(0x80), None);
    let set = WeekdaySet::single(Sun).with(Mon).with(Wed);
    assert_eq!(set.iter().collect::<Vec<_>>(), [Mon, Wed, Sun]);
    assert_eq!(set.len(), 3);
    assert!(!set.is_empty());
    assert!(set.contains(Sun) && !set.contains(Tue));
    assert_eq!(set.bits(), 0b100_0101);
    assert_eq!(format!("{set:?}"), "{Mon, Wed, Sun}");
    assert_eq!(WeekdaySet::ALL.into_iter().count(), 7);
    assert_eq!(WeekdaySet::WORKDAYS.to_string(), "mon-fri");
}

// ---------------------------------------------------------------- DST, by hand

#[test]
fn berlin_spring_gap_daily_0230_fires_shifted_by_the_gap() {
    // 2026-03-29: 02:00 CET -> 03:00 CEST at 01:00 UTC; 02:30 does not exist.
    let got = fires(&daily(2, 30), Berlin, utc(2026, 3, 27, 12, 0), 3);
    assert_eq!(
        got,
        [
            utc(2026, 3, 28, 1, 30), // 02:30 CET
            utc(2026, 3, 29, 1, 30), // 03:30 CEST: 02:30 read as CET
            utc(2026, 3, 30, 0, 30), // 02:30 CEST
        ]
    );
    let local = got[1].with_timezone(&Berlin);
    assert_eq!(local.time(), time(3, 30));
    assert_eq!(local.day(), 29);
}

#[test]
fn berlin_fall_overlap_daily_0230_fires_once_at_the_earlier_instant() {
    // 2026-10-25: 03:00 CEST -> 02:00 CET at 01:00 UTC; 02:30 happens twice.
    let rule = daily(2, 30);
    let got = fires(&rule, Berlin, utc(2026, 10, 23, 12, 0), 3);
    assert_eq!(
        got,
        [
            utc(2026, 10, 24, 0, 30), // 02:30 CEST
            utc(2026, 10, 25, 0, 30), // first 02:30 (CEST)
            utc(2026, 10, 26, 1, 30), // 02:30 CET
        ]
    );
    // Not again at the second 02:30 (CET, 01:30 UTC).
    assert_eq!(
        next_fire_after(&rule, Berlin, utc(2026, 10, 25, 0, 30)),
        utc(2026, 10, 26, 1, 30)
    );
    assert_eq!(
        fires_between(
            &rule,
            Berlin,
            utc(2026, 10, 24, 12, 0),
            utc(2026, 10, 25, 12, 0)
        ),
        1
    );
}

#[test]
fn new_york_gap_and_overlap() {
    // 2026-03-08: 02:00 EST -> 03:00 EDT at 07:00 UTC.
    assert_eq!(
        fires(&daily(2, 30), New_York, utc(2026, 3, 7, 0, 0), 3),
        [
            utc(2026, 3, 7, 7, 30),
            utc(2026, 3, 8, 7, 30),
            utc(2026, 3, 9, 6, 30)
        ]
    );
    // 2026-11-01: 02:00 EDT -> 01:00 EST at 06:00 UTC; 01:30 happens twice.
    assert_eq!(
        fires(&daily(1, 30), New_York, utc(2026, 10, 31, 0, 0), 3),
        [
            utc(2026, 10, 31, 5, 30),
            utc(2026, 11, 1, 5, 30),
            utc(2026, 11, 2, 6, 30)
        ]
    );
    // 02:30 exists once on 2026-11-01 (EST).
    assert_eq!(
        fires(&daily(2, 30), New_York, utc(2026, 10, 31, 12, 0), 2),
        [utc(2026, 11, 1, 7, 30), utc(2026, 11, 2, 7, 30)]
    );
}

#[test]
fn daily_0900_stays_at_0900_local_across_dst() {
    let rule = daily(9, 0);
    let cases: [(Tz, DateTime<Utc>, [DateTime<Utc>; 3]); 4] = [
        (
            Berlin,
            utc(2026, 3, 27, 12, 0),
            [
                utc(2026, 3, 28, 8, 0),
                utc(2026, 3, 29, 7, 0),
                utc(2026, 3, 30, 7, 0),
            ],
        ),
        (
            Berlin,
            utc(2026, 10, 23, 12, 0),
            [
                utc(2026, 10, 24, 7, 0),
                utc(2026, 10, 25, 8, 0),
                utc(2026, 10, 26, 8, 0),
            ],
        ),
        (
            New_York,
            utc(2026, 3, 7, 0, 0),
            [
                utc(2026, 3, 7, 14, 0),
                utc(2026, 3, 8, 13, 0),
                utc(2026, 3, 9, 13, 0),
            ],
        ),
        (
            New_York,
            utc(2026, 10, 31, 0, 0),
            [
                utc(2026, 10, 31, 13, 0),
                utc(2026, 11, 1, 14, 0),
                utc(2026, 11, 2, 14, 0),
            ],
        ),
    ];
    for (tz, after, expected) in cases {
        let got = fires(&rule, tz, after, 3);
        assert_eq!(got, expected, "{tz}");
        for fire in got {
            assert_eq!(fire.with_timezone(&tz).time(), time(9, 0));
        }
    }
}

#[test]
fn weekly_rules_across_dst() {
    use Weekday::*;
    assert_eq!(
        fires(&weekly(&[Sun], 2, 30), Berlin, utc(2026, 3, 20, 0, 0), 3),
        [
            utc(2026, 3, 22, 1, 30),
            utc(2026, 3, 29, 1, 30),
            utc(2026, 4, 5, 0, 30)
        ]
    );
    assert_eq!(
        fires(
            &weekly(&[Sat, Sun], 9, 0),
            New_York,
            utc(2026, 10, 30, 0, 0),
            4
        ),
        [
            utc(2026, 10, 31, 13, 0),
            utc(2026, 11, 1, 14, 0),
            utc(2026, 11, 7, 14, 0),
            utc(2026, 11, 8, 14, 0),
        ]
    );
    assert_eq!(
        fires(
            &weekly(&[Mon, Wed, Fri], 18, 0),
            Berlin,
            utc(2026, 10, 21, 0, 0),
            4
        ),
        [
            utc(2026, 10, 21, 16, 0),
            utc(2026, 10, 23, 16, 0),
            utc(2026, 10, 26, 17, 0),
            utc(2026, 10, 28, 17, 0),
        ]
    );
}

#[test]
fn every_15_minutes_ignores_dst() {
    let rule = ScheduleRule::EveryMinutes(15);
    for (tz, after) in [
        (Berlin, utc(2026, 3, 29, 0, 50)),
        (Berlin, utc(2026, 10, 25, 0, 50)),
        (New_York, utc(2026, 3, 8, 6, 50)),
        (New_York, utc(2026, 11, 1, 5, 50)),
    ] {
        let got = fires(&rule, tz, after, 12);
        assert_eq!(got[0], after + TimeDelta::minutes(10), "{tz}");
        for pair in got.windows(2) {
            assert_eq!(pair[1] - pair[0], TimeDelta::minutes(15), "{tz}");
        }
        assert_eq!(got, fires(&rule, UTC, after, 12));
    }
    // The Berlin spring-forward day has 23 local hours but 96 quarter hours.
    let day = (utc(2026, 3, 28, 23, 0), utc(2026, 3, 29, 22, 0));
    assert_eq!(fires_between(&rule, Berlin, day.0, day.1), 23 * 4);
}

#[test]
fn every_minutes_is_anchored_at_the_epoch() {
    let rule = ScheduleRule::EveryMinutes(7);
    let after = utc(2026, 1, 1, 0, 0);
    let next = next_fire_after(&rule, UTC, after);
    assert_eq!(next.timestamp() % (7 * 60), 0);
    assert!(next > after && next - after <= TimeDelta::minutes(7));
    // Exactly on a fire: strictly after means the following one.
    assert_eq!(
        next_fire_after(&rule, UTC, next),
        next + TimeDelta::minutes(7)
    );
    assert_eq!(
        next_fire_after(&rule, UTC, next + TimeDelta::nanoseconds(1)),
        next + TimeDelta::minutes(7)
    );
    assert_eq!(
        next_fire_after(&rule, UTC, next - TimeDelta::nanoseconds(1)),
        next
    );
    // A zero interval (never parsed, only built in code) acts as one minute.
    assert_eq!(
        next_fire_after(&ScheduleRule::EveryMinutes(0), UTC, after),
        after + TimeDelta::minutes(1)
    );
    // Before the epoch too.
    assert_eq!(
        next_fire_after(
            &ScheduleRule::EveryMinutes(60),
            UTC,
            utc(1969, 12, 31, 22, 30)
        ),
        utc(1969, 12, 31, 23, 0)
    );
}

#[test]
fn fires_between_counts_half_open_intervals() {
    let rule = daily(9, 0);
    let from = utc(2026, 6, 1, 7, 0); // 09:00 CEST
    assert_eq!(fires_between(&rule, Berlin, from, from), 0);
    assert_eq!(
        fires_between(&rule, Berlin, from, from - TimeDelta::days(1)),
        0
    );
    assert_eq!(
        fires_between(&rule, Berlin, from, from + TimeDelta::days(1)),
        1
    );
    assert_eq!(
        fires_between(&rule, Berlin, from - TimeDelta::seconds(1), from),
        1
    );
    assert_eq!(
        fires_between(&rule, Berlin, from, from + TimeDelta::days(30)),
        30
    );
    let every = ScheduleRule::EveryMinutes(15);
    assert_eq!(
        fires_between(&every, UTC, from, from + TimeDelta::minutes(15)),
        1
    );
    assert_eq!(
        fires_between(&every, UTC, from, from + TimeDelta::minutes(14)),
        0
    );
}

#[test]
fn saturates_at_the_end_of_time() {
    let end = DateTime::<Utc>::MAX_UTC;
    assert_eq!(
        next_fire_after(&ScheduleRule::EveryMinutes(1), UTC, end),
        end
    );
    assert_eq!(next_fire_after(&daily(0, 0), Berlin, end), end);
    assert_eq!(
        fires_between(&daily(0, 0), UTC, end - TimeDelta::days(3), end),
        3
    );
}

// ---------------------------------------------------------------- properties

/// Independent, slow reference: scan every UTC minute from `after`.
///
/// Daily/weekly fires are the earliest instant showing the rule's local time on a
/// matching day, or, when a clock jump skips that time, the instant the old
/// offset would have shown it. Valid for zones whose transitions fall on whole
/// minutes and overlaps of at most 3 hours (all zones used here).
fn brute_next(rule: &ScheduleRule, tz: Tz, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let offset = |u: DateTime<Utc>| {
        TimeDelta::seconds(
            tz.offset_from_utc_datetime(&u.naive_utc())
                .fix()
                .local_minus_utc()
                .into(),
        )
    };
    let local = |u: DateTime<Utc>| u.naive_utc() + offset(u);
    let start = after.with_timezone(&Utc).timestamp().div_euclid(60) * 60;
    let start = DateTime::from_timestamp(start, 0).unwrap();
    let (days, at) = match *rule {
        ScheduleRule::EveryMinutes(n) => {
            let n = i64::from(n);
            return (1..=n)
                .map(|k| start + TimeDelta::minutes(k))
                .find(|u| u.timestamp().div_euclid(60) % n == 0 && *u > after);
        }
        ScheduleRule::Daily { at } => (WeekdaySet::ALL, at),
        ScheduleRule::Weekly { days, at } => (days, at),
    };
    let mut found = Vec::new();
    // Start before `after`: a DST gap that begins exactly at `after` must be seen.
    let mut prev = start - TimeDelta::minutes(180);
    for _ in 0..(9 * 24 * 60 + 180) {
        let u = prev + TimeDelta::minutes(1);
        let l = local(u);
        let repeated = || (1..=180).any(|d| local(u - TimeDelta::minutes(d)) == l);
        if l.time() == at && days.contains(l.weekday()) && !repeated() {
            found.push(u);
        }
        let (old, new) = (offset(prev), offset(u));
        if new > old {
            let (gap_start, gap_end) = (u.naive_utc() + old, u.naive_utc() + new);
            for date in [gap_start.date(), gap_end.date()] {
                let wall: NaiveDateTime = date.and_time(at);
                if gap_start <= wall && wall < gap_end && days.contains(date.weekday()) {
                    found.push((wall - old).and_utc());
                }
            }
        }
        prev = u;
    }
    found.into_iter().filter(|f| *f > after).min()
}

#[test]
fn brute_force_reference_agrees_with_hand_checked_cases() {
    use Weekday::*;
    let cases = [
        (
            daily(2, 30),
            Berlin,
            utc(2026, 3, 28, 12, 0),
            utc(2026, 3, 29, 1, 30),
        ),
        (
            daily(2, 30),
            Berlin,
            utc(2026, 10, 25, 0, 30),
            utc(2026, 10, 26, 1, 30),
        ),
        (
            daily(1, 30),
            New_York,
            utc(2026, 10, 31, 12, 0),
            utc(2026, 11, 1, 5, 30),
        ),
        (
            daily(2, 30),
            New_York,
            utc(2026, 3, 7, 12, 0),
            utc(2026, 3, 8, 7, 30),
        ),
        (
            weekly(&[Sun], 2, 30),
            Berlin,
            utc(2026, 3, 22, 1, 30),
            utc(2026, 3, 29, 1, 30),
        ),
        (
            ScheduleRule::EveryMinutes(15),
            Berlin,
            utc(2026, 3, 29, 0, 50),
            utc(2026, 3, 29, 1, 0),
        ),
    ];
    for (rule, tz, after, expected) in cases {
        assert_eq!(brute_next(&rule, tz, after), Some(expected), "{rule} {tz}");
    }
}

fn zones() -> impl Strategy<Value = Tz> {
    prop::sample::select(vec![Berlin, New_York, UTC])
}

fn times() -> impl Strategy<Value = NaiveTime> {
    // Half the times land in 00:00-03:59, where the test zones' DST
    // transitions are.
    prop_oneof![(0u32..24, 0u32..60), (0u32..4, 0u32..60)]
        .prop_map(|(h, m)| NaiveTime::from_hms_opt(h, m, 0).unwrap())
}

fn rules() -> impl Strategy<Value = ScheduleRule> {
    prop_oneof![
        (1..=MAX_INTERVAL_MINUTES).prop_map(ScheduleRule::EveryMinutes),
        prop::sample::select(vec![1, 5, 7, 15, 60, 90, 1440]).prop_map(ScheduleRule::EveryMinutes),
        times().prop_map(|at| ScheduleRule::Daily { at }),
        (1u8..128, times()).prop_map(|(bits, at)| ScheduleRule::Weekly {
            days: WeekdaySet::from_bits(bits).unwrap(),
            at,
        }),
    ]
}

/// Wall-clock rules aimed at DST transitions: 00:00-03:59, weekly ones
/// including Sunday (the transition day in both zones).
fn transition_rules() -> impl Strategy<Value = ScheduleRule> {
    let near = (0u32..4, 0u32..60).prop_map(|(h, m)| NaiveTime::from_hms_opt(h, m, 0).unwrap());
    prop_oneof![
        near.clone().prop_map(|at| ScheduleRule::Daily { at }),
        (0u8..64, near).prop_map(|(bits, at)| ScheduleRule::Weekly {
            days: WeekdaySet::from_bits(bits | WeekdaySet::single(Weekday::Sun).bits()).unwrap(),
            at,
        }),
    ]
}

/// The `n`th Sunday (1-based; 0 means the last) of a month.
fn sunday(year: i32, month: u32, n: u32) -> chrono::NaiveDate {
    let sundays: Vec<_> = (1..=31)
        .filter_map(|d| chrono::NaiveDate::from_ymd_opt(year, month, d))
        .filter(|d| d.weekday() == Weekday::Sun)
        .collect();
    if n == 0 {
        *sundays.last().unwrap()
    } else {
        sundays[n as usize - 1]
    }
}

/// A DST transition instant of `tz` (Berlin or New York) in `year`.
fn transition(tz: Tz, year: i32, spring: bool) -> DateTime<Utc> {
    let (date, hour) = match (tz == Berlin, spring) {
        (true, true) => (sunday(year, 3, 0), 1),
        (true, false) => (sunday(year, 10, 0), 1),
        (false, true) => (sunday(year, 3, 2), 7),
        (false, false) => (sunday(year, 11, 1), 6),
    };
    date.and_hms_opt(hour, 0, 0).unwrap().and_utc()
}

fn instants() -> impl Strategy<Value = DateTime<Utc>> {
    let from = utc(2020, 1, 1, 0, 0).timestamp();
    let to = utc(2035, 12, 31, 23, 59).timestamp();
    prop_oneof![
        (from..to, 0u32..1_000_000_000)
            .prop_map(|(s, ns)| DateTime::from_timestamp(s, ns).unwrap()),
        // Whole minutes: exactly-on-a-fire cases.
        (from / 60..to / 60).prop_map(|m| DateTime::from_timestamp(m * 60, 0).unwrap()),
    ]
}

/// A rule, a zone and an instant: either independent, or an instant up to 3
/// days before (or 1 day after) one of the zone's DST transitions in 2020-2035.
fn scenarios() -> impl Strategy<Value = (ScheduleRule, Tz, DateTime<Utc>)> {
    let day: i64 = 24 * 3600;
    let near_transition = (
        prop_oneof![rules(), transition_rules()],
        prop::sample::select(vec![Berlin, New_York]),
        2020..=2035,
        any::<bool>(),
        -3 * day..day,
    )
        .prop_map(|(rule, tz, year, spring, shift)| {
            (
                rule,
                tz,
                transition(tz, year, spring) + TimeDelta::seconds(shift),
            )
        });
    prop_oneof![(rules(), zones(), instants()), near_transition]
}

/// What must hold for any fire instant of a wall-clock rule.
fn check_wall_clock_fire(
    rule: &ScheduleRule,
    tz: Tz,
    fire: DateTime<Utc>,
) -> Result<(), TestCaseError> {
    let (days, at) = match *rule {
        ScheduleRule::EveryMinutes(_) => return Ok(()),
        ScheduleRule::Daily { at } => (WeekdaySet::ALL, at),
        ScheduleRule::Weekly { days, at } => (days, at),
    };
    let local = fire.with_timezone(&tz);
    prop_assert!(days.contains(local.weekday()));
    let wall = local.date_naive().and_time(at);
    match tz.from_local_datetime(&wall) {
        // Shifted forward by the gap (one hour in the test zones).
        chrono::LocalResult::None => {
            prop_assert_eq!(local.naive_local(), wall + TimeDelta::hours(1))
        }
        chrono::LocalResult::Single(t) => prop_assert_eq!(t, local),
        chrono::LocalResult::Ambiguous(earlier, _) => prop_assert_eq!(earlier, local),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn next_fire_properties((rule, tz, after) in scenarios()) {
        let next = next_fire_after(&rule, tz, after);
        prop_assert!(next > after);
        match rule {
            ScheduleRule::EveryMinutes(n) => {
                prop_assert!(next - after <= TimeDelta::minutes(n.into()));
                prop_assert_eq!(next.timestamp() % (i64::from(n) * 60), 0);
                prop_assert_eq!(next.timestamp_subsec_nanos(), 0);
            }
            ScheduleRule::Daily { .. } | ScheduleRule::Weekly { .. } => {
                prop_assert!(next - after <= TimeDelta::days(8));
            }
        }
        prop_assert_eq!(next_fire_after(&rule, tz, next - TimeDelta::seconds(1)), next);
        prop_assert_eq!(fires_between(&rule, tz, after, next), 1);
        prop_assert_eq!(fires_between(&rule, tz, after, next - TimeDelta::nanoseconds(1)), 0);

        let chain = fires(&rule, tz, after, 50);
        prop_assert_eq!(chain[0], next);
        prop_assert!(chain.windows(2).all(|p| p[0] < p[1]));
        for fire in &chain {
            check_wall_clock_fire(&rule, tz, *fire)?;
        }
        prop_assert_eq!(fires_between(&rule, tz, after, chain[49]), 50);
    }

    #[test]
    fn text_and_serde_round_trip(rule in rules()) {
        let text = rule.to_string();
        prop_assert_eq!(text.parse::<ScheduleRule>(), Ok(rule));
        let upper = text.to_uppercase();
        prop_assert_eq!(upper.parse::<ScheduleRule>(), Ok(rule));
        let json = serde_json::to_string(&rule).unwrap();
        prop_assert_eq!(json, format!("\"{text}\""));
    }
}

proptest! {
    // The reference scans about 13k minutes per case.
    #![proptest_config(ProptestConfig::with_cases(192))]

    #[test]
    fn next_fire_matches_brute_force((rule, tz, after) in scenarios()) {
        prop_assert_eq!(Some(next_fire_after(&rule, tz, after)), brute_next(&rule, tz, after));
    }
}
