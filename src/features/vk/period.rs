//! Report periods: `today`, `yesterday`, `Nd` (the N full days before today),
//! `YYYY-MM-DD..YYYY-MM-DD`; and the previous period of equal length.

use chrono::{Days, NaiveDate};

/// Longest period a report may cover (the API keeps 366 days of daily rows).
pub const MAX_PERIOD_DAYS: i64 = 366;

/// An inclusive range of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// First day.
    pub from: NaiveDate,
    /// Last day (inclusive).
    pub to: NaiveDate,
}

/// Why a period argument is not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("unknown period {0:?}")]
    Unknown(String),
    #[error("the period ends before it starts")]
    Reversed,
    #[error("the period is {0} days long; at most 366")]
    TooLong(i64),
    #[error("the period ends in the future")]
    Future,
}

impl Period {
    /// Number of days, at least 1.
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// The period of equal length right before this one.
    pub fn previous(&self) -> Period {
        let to = self.from - Days::new(1);
        Period {
            from: to - Days::new(self.days() as u64 - 1),
            to,
        }
    }

    /// Every day of the period, in order.
    pub fn each_day(&self) -> impl Iterator<Item = NaiveDate> {
        self.from.iter_days().take_while({
            let to = self.to;
            move |d| *d <= to
        })
    }

    /// Whether `day` is inside.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }

    /// Compact form for callback data and job payloads: days since 1970-01-01.
    pub fn to_epoch_days(&self) -> (u32, u32) {
        let epoch = NaiveDate::default();
        (
            (self.from - epoch).num_days() as u32,
            (self.to - epoch).num_days() as u32,
        )
    }

    /// Inverse of [`Period::to_epoch_days`].
    pub fn from_epoch_days(from: u32, to: u32) -> Option<Period> {
        let epoch = NaiveDate::default();
        let from = epoch.checked_add_days(Days::new(from.into()))?;
        let to = epoch.checked_add_days(Days::new(to.into()))?;
        (from <= to).then_some(Period { from, to })
    }
}

/// Parses a period argument relative to `today` (the chat's local date).
pub fn parse(arg: &str, today: NaiveDate) -> Result<Period, PeriodError> {
    let arg = arg.trim().to_ascii_lowercase();
    let yesterday = today - Days::new(1);
    match arg.as_str() {
        "today" | "сегодня" => {
            return Ok(Period {
                from: today,
                to: today,
            })
        }
        "yesterday" | "вчера" => {
            return Ok(Period {
                from: yesterday,
                to: yesterday,
            })
        }
        _ => {}
    }
    if let Some(n) = arg.strip_suffix('d').or_else(|| arg.strip_suffix('д')) {
        if let Ok(n) = n.parse::<i64>() {
            if n < 1 {
                return Err(PeriodError::Unknown(arg));
            }
            if n > MAX_PERIOD_DAYS {
                return Err(PeriodError::TooLong(n));
            }
            return Ok(Period {
                from: today - Days::new(n as u64),
                to: yesterday,
            });
        }
    }
    if let Some((a, b)) = arg.split_once("..") {
        let date = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
        let (Some(from), Some(to)) = (date(a), date(b)) else {
            return Err(PeriodError::Unknown(arg));
        };
        if to < from {
            return Err(PeriodError::Reversed);
        }
        let period = Period { from, to };
        if period.days() > MAX_PERIOD_DAYS {
            return Err(PeriodError::TooLong(period.days()));
        }
        if to > today {
            return Err(PeriodError::Future);
        }
        return Ok(period);
    }
    Err(PeriodError::Unknown(arg))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn parses_keywords_ranges_and_rejects_bad_input() {
        let today = d("2024-05-10");
        assert_eq!(
            parse("today", today),
            Ok(Period {
                from: today,
                to: today
            })
        );
        assert_eq!(
            parse("Yesterday", today),
            Ok(Period {
                from: d("2024-05-09"),
                to: d("2024-05-09")
            })
        );
        assert_eq!(
            parse("7d", today),
            Ok(Period {
                from: d("2024-05-03"),
                to: d("2024-05-09")
            })
        );
        assert_eq!(parse("30d", today).map(|p| p.days()), Ok(30));
        assert_eq!(
            parse("2024-01-01..2024-01-31", today),
            Ok(Period {
                from: d("2024-01-01"),
                to: d("2024-01-31")
            })
        );
        assert_eq!(
            parse("2024-02-01..2024-01-31", today),
            Err(PeriodError::Reversed)
        );
        assert_eq!(
            parse("2023-01-01..2024-05-01", today),
            Err(PeriodError::TooLong(487))
        );
        assert_eq!(parse("400d", today), Err(PeriodError::TooLong(400)));
        assert_eq!(
            parse("2024-05-01..2024-05-11", today),
            Err(PeriodError::Future)
        );
        assert!(matches!(
            parse("lastweek", today),
            Err(PeriodError::Unknown(_))
        ));
        assert!(matches!(
            parse("2024-13-01..2024-12-01", today),
            Err(PeriodError::Unknown(_))
        ));
        assert!(matches!(parse("0d", today), Err(PeriodError::Unknown(_))));
    }

    #[test]
    fn previous_period_has_equal_length_and_epoch_days_round_trip() {
        let p = Period {
            from: d("2024-03-01"),
            to: d("2024-03-07"),
        };
        assert_eq!(
            p.previous(),
            Period {
                from: d("2024-02-23"),
                to: d("2024-02-29")
            }
        );
        assert_eq!(p.each_day().count(), 7);
        let (a, b) = p.to_epoch_days();
        assert_eq!(Period::from_epoch_days(a, b), Some(p));
        assert_eq!(Period::from_epoch_days(b, a), None);
    }
}
