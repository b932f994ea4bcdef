//! The text form of [`ScheduleRule`].

use chrono::{NaiveTime, Weekday};

use super::{RuleParseError, ScheduleRule, WeekdaySet, MAX_INTERVAL_MINUTES};

/// Parses the text form; see [`ScheduleRule`]'s `FromStr` for the grammar.
pub(super) fn parse_rule(text: &str) -> Result<ScheduleRule, RuleParseError> {
    let mut words = text.split_whitespace();
    let keyword = words.next().ok_or(RuleParseError::Empty)?;
    let rest: Vec<&str> = words.collect();
    match keyword.to_ascii_lowercase().as_str() {
        "every" => parse_every(&rest),
        "daily" => parse_daily(&rest),
        "weekly" => parse_weekly(&rest),
        _ => Err(RuleParseError::UnknownKeyword(keyword.to_owned())),
    }
}

/// `every [N][ ]UNIT`.
fn parse_every(words: &[&str]) -> Result<ScheduleRule, RuleParseError> {
    let (&first, mut rest) = words.split_first().ok_or(RuleParseError::MissingInterval)?;
    let digits_end = first
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(first.len());
    let (number, attached_unit) = first.split_at(digits_end);

    let (count, unit, spelled) = if number.is_empty() {
        // `every minute`, `every hour`
        let unit =
            unit_minutes(first).ok_or_else(|| RuleParseError::BadInterval(first.to_owned()))?;
        (Some(1), unit, first.to_owned())
    } else if attached_unit.is_empty() {
        let (&unit_word, after) = rest
            .split_first()
            .ok_or_else(|| RuleParseError::MissingUnit(number.to_owned()))?;
        rest = after;
        let unit = unit_minutes(unit_word)
            .ok_or_else(|| RuleParseError::UnknownUnit(unit_word.to_owned()))?;
        (
            number.parse::<u64>().ok(),
            unit,
            format!("{number} {unit_word}"),
        )
    } else if attached_unit.starts_with(|c: char| c.is_ascii_alphabetic()) {
        let unit = unit_minutes(attached_unit)
            .ok_or_else(|| RuleParseError::UnknownUnit(attached_unit.to_owned()))?;
        (number.parse::<u64>().ok(), unit, first.to_owned())
    } else {
        return Err(RuleParseError::BadInterval(first.to_owned()));
    };

    // `count` is `None` only when the number overflows u64: out of range too.
    let minutes = count
        .and_then(|count| count.checked_mul(unit))
        .and_then(|minutes| u32::try_from(minutes).ok())
        .filter(|minutes| (1..=MAX_INTERVAL_MINUTES).contains(minutes))
        .ok_or(RuleParseError::IntervalOutOfRange(spelled))?;
    no_trailing(rest)?;
    Ok(ScheduleRule::EveryMinutes(minutes))
}

/// Minutes in one `unit`, for the accepted unit spellings.
fn unit_minutes(unit: &str) -> Option<u64> {
    match unit.to_ascii_lowercase().as_str() {
        "m" | "min" | "mins" | "minute" | "minutes" => Some(1),
        "h" | "hr" | "hrs" | "hour" | "hours" => Some(60),
        "d" | "day" | "days" => Some(24 * 60),
        _ => None,
    }
}

/// `daily TIME`.
fn parse_daily(words: &[&str]) -> Result<ScheduleRule, RuleParseError> {
    let (&time, rest) = words.split_first().ok_or(RuleParseError::MissingTime)?;
    let at = parse_time(time)?;
    no_trailing(rest)?;
    Ok(ScheduleRule::Daily { at })
}

/// `weekly DAYS TIME`: the time is the first word starting with a digit.
fn parse_weekly(words: &[&str]) -> Result<ScheduleRule, RuleParseError> {
    let time_index = words
        .iter()
        .position(|word| word.starts_with(|c: char| c.is_ascii_digit()));
    let day_words = &words[..time_index.unwrap_or(words.len())];
    let days = parse_days(day_words)?;
    let index = time_index.ok_or(RuleParseError::MissingTime)?;
    let at = parse_time(words[index])?;
    no_trailing(&words[index + 1..])?;
    Ok(ScheduleRule::Weekly { days, at })
}

/// Day names and `a-b` ranges, separated by commas and/or whitespace.
fn parse_days(words: &[&str]) -> Result<WeekdaySet, RuleParseError> {
    let mut bits = 0u8;
    let items = words
        .iter()
        .flat_map(|word| word.split(','))
        .filter(|item| !item.is_empty());
    for item in items {
        let range = match item.split_once('-') {
            Some((from, to)) if !from.is_empty() && !to.is_empty() => {
                (parse_day(from)?, parse_day(to)?)
            }
            Some(_) => return Err(RuleParseError::UnknownDay(item.to_owned())),
            None => {
                let day = parse_day(item)?;
                (day, day)
            }
        };
        bits |= range_bits(range.0, range.1);
    }
    WeekdaySet::from_bits(bits).ok_or(RuleParseError::EmptyDayList)
}

/// `from` to `to` inclusive, wrapping past Sunday.
fn range_bits(from: Weekday, to: Weekday) -> u8 {
    let mut bits = 0;
    let mut day = from;
    loop {
        bits |= super::bit(day);
        if day == to {
            return bits;
        }
        day = day.succ();
    }
}

/// An English 3-letter or full day name, any case.
fn parse_day(name: &str) -> Result<Weekday, RuleParseError> {
    name.parse()
        .map_err(|_| RuleParseError::UnknownDay(name.to_owned()))
}

/// `H:MM`, `HH:MM` or `HH:MM:SS`.
fn parse_time(text: &str) -> Result<NaiveTime, RuleParseError> {
    let bad = || RuleParseError::BadTime(text.to_owned());
    let parts: Vec<&str> = text.split(':').collect();
    let widths_ok = match parts.as_slice() {
        [h, m] => (1..=2).contains(&h.len()) && m.len() == 2,
        [h, m, s] => (1..=2).contains(&h.len()) && m.len() == 2 && s.len() == 2,
        _ => false,
    };
    if !widths_ok || !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) {
        return Err(bad());
    }
    let mut numbers = parts.iter().map(|p| p.parse::<u32>().map_err(|_| bad()));
    let hour = numbers.next().ok_or_else(bad)??;
    let minute = numbers.next().ok_or_else(bad)??;
    let second = numbers.next().transpose()?.unwrap_or(0);
    NaiveTime::from_hms_opt(hour, minute, second).ok_or_else(bad)
}

fn no_trailing(rest: &[&str]) -> Result<(), RuleParseError> {
    if rest.is_empty() {
        Ok(())
    } else {
        Err(RuleParseError::TrailingText(rest.join(" ")))
    }
}
