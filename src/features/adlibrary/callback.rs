//! The feature's buttons (tag `ad`). Every value fits in 64 bytes: the
//! longest is a page id of 20 digits next to an account id (a test checks).

use super::input::MEDIA_TYPES;
use crate::telegram::callback::{encode_unchecked, Callback, CallbackReader, CallbackWriter};

/// A button of the Ad Library menus. Pages are 0-based; `days` are weekday
/// bits (bit 0 = Monday, 0 = every day); `minute` is the minute of the day.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AdCallback {
    /// A page of the accounts list.
    Accounts(u32),
    /// Ask for the name of a new account (a dialogue).
    AddAccount,
    /// An account's card.
    Account(i64),
    /// Capture this account now.
    Capture(i64),
    /// A page of the account's competitors (each with a remove button).
    Competitors { account: i64, page: u32 },
    /// Ask for a competitor's Ad Library URL or id (a dialogue).
    AddCompetitor(i64),
    /// Ask before removing a competitor.
    RemoveAsk { account: i64, page_id: String },
    /// Remove the competitor (confirmed).
    Remove { account: i64, page_id: String },
    /// The report e-mails screen (and its dialogue).
    Emails(i64),
    /// Clear the report e-mails.
    ClearEmails(i64),
    /// The country screen (and its dialogue).
    Country(i64),
    /// Set the country filter: ISO-2 upper case or `ALL`.
    SetCountry { account: i64, code: String },
    /// The media type screen.
    Media(i64),
    /// Set the Ad Library `media_type` (one of [`MEDIA_TYPES`]).
    SetMedia { account: i64, media: String },
    /// Pause the account: scheduled captures skip it.
    Pause(i64),
    /// Resume a paused account.
    Resume(i64),
    /// The schedule screen.
    Schedule(i64),
    /// The weekday picker of a weekly schedule with `days` chosen so far.
    ScheduleDays { account: i64, days: u32 },
    /// The time step (and its dialogue) for `days`.
    ScheduleTime { account: i64, days: u32 },
    /// Schedule reports on `days` at `minute` in the chat's timezone.
    SetSchedule {
        account: i64,
        days: u32,
        minute: u32,
    },
    /// Stop this chat's scheduled reports of the account.
    ScheduleOff(i64),
    /// A page of the account's latest captures.
    Reports { account: i64, page: u32 },
    /// Ask before removing the account.
    RemoveAccountAsk(i64),
    /// Remove the account (confirmed).
    RemoveAccount(i64),
}

/// Every weekday bit (Monday to Sunday).
pub const ALL_DAYS: u32 = 0b111_1111;
/// Minutes in a day: `minute` is below this.
pub const DAY_MINUTES: u32 = 24 * 60;

impl AdCallback {
    /// The encoded data (always within 64 bytes for page ids of ≤ 20 digits).
    pub fn data(&self) -> String {
        encode_unchecked(self)
    }
}

impl Callback for AdCallback {
    const TAG: &'static str = "ad";
    const VERSION: u8 = 1;

    fn write(&self, w: &mut CallbackWriter) {
        use AdCallback::*;
        match self {
            Accounts(page) => w.variant("l").u32(*page),
            AddAccount => w.variant("na"),
            Account(id) => w.variant("a").i64(*id),
            Capture(id) => w.variant("c").i64(*id),
            Competitors { account, page } => w.variant("p").i64(*account).u32(*page),
            AddCompetitor(id) => w.variant("pa").i64(*id),
            RemoveAsk { account, page_id } => w.variant("rq").i64(*account).str(page_id),
            Remove { account, page_id } => w.variant("rm").i64(*account).str(page_id),
            Emails(id) => w.variant("e").i64(*id),
            ClearEmails(id) => w.variant("ex").i64(*id),
            Country(id) => w.variant("k").i64(*id),
            SetCountry { account, code } => w.variant("ks").i64(*account).str(code),
            Media(id) => w.variant("m").i64(*id),
            SetMedia { account, media } => w.variant("ms").i64(*account).str(media),
            Pause(id) => w.variant("pp").i64(*id),
            Resume(id) => w.variant("pr").i64(*id),
            Schedule(id) => w.variant("s").i64(*id),
            ScheduleDays { account, days } => w.variant("sd").i64(*account).u32(*days),
            ScheduleTime { account, days } => w.variant("st").i64(*account).u32(*days),
            SetSchedule {
                account,
                days,
                minute,
            } => w.variant("ss").i64(*account).u32(*days).u32(*minute),
            ScheduleOff(id) => w.variant("so").i64(*id),
            Reports { account, page } => w.variant("r").i64(*account).u32(*page),
            RemoveAccountAsk(id) => w.variant("xq").i64(*id),
            RemoveAccount(id) => w.variant("xx").i64(*id),
        };
    }

    fn read(r: &mut CallbackReader<'_>) -> Option<Self> {
        use AdCallback::*;
        let page_id = |s: String| {
            (s.len() <= 20 && !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then_some(s)
        };
        let days = |d: u32| (d <= ALL_DAYS).then_some(d);
        Some(match r.variant()? {
            "l" => Accounts(r.u32()?),
            "na" => AddAccount,
            "a" => Account(r.i64()?),
            "c" => Capture(r.i64()?),
            "p" => Competitors {
                account: r.i64()?,
                page: r.u32()?,
            },
            "pa" => AddCompetitor(r.i64()?),
            "rq" => RemoveAsk {
                account: r.i64()?,
                page_id: page_id(r.str()?)?,
            },
            "rm" => Remove {
                account: r.i64()?,
                page_id: page_id(r.str()?)?,
            },
            "e" => Emails(r.i64()?),
            "ex" => ClearEmails(r.i64()?),
            "k" => Country(r.i64()?),
            "ks" => SetCountry {
                account: r.i64()?,
                code: super::input::parse_country(&r.str()?).ok()?,
            },
            "m" => Media(r.i64()?),
            "ms" => SetMedia {
                account: r.i64()?,
                media: r.str().filter(|m| MEDIA_TYPES.contains(&m.as_str()))?,
            },
            "pp" => Pause(r.i64()?),
            "pr" => Resume(r.i64()?),
            "s" => Schedule(r.i64()?),
            "sd" => ScheduleDays {
                account: r.i64()?,
                days: days(r.u32()?)?,
            },
            "st" => ScheduleTime {
                account: r.i64()?,
                days: days(r.u32()?)?,
            },
            "ss" => SetSchedule {
                account: r.i64()?,
                days: days(r.u32()?)?,
                minute: r.u32().filter(|m| *m < DAY_MINUTES)?,
            },
            "so" => ScheduleOff(r.i64()?),
            "r" => Reports {
                account: r.i64()?,
                page: r.u32()?,
            },
            "xq" => RemoveAccountAsk(r.i64()?),
            "xx" => RemoveAccount(r.i64()?),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::telegram::callback::{decode, MAX_CALLBACK_BYTES};

    #[test]
    fn values_round_trip_within_64_bytes() {
        let long = "9".repeat(20);
        let id = i64::MIN;
        for value in [
            AdCallback::Accounts(u32::MAX),
            AdCallback::AddAccount,
            AdCallback::Account(id),
            AdCallback::Capture(7),
            AdCallback::Competitors {
                account: id,
                page: u32::MAX,
            },
            AdCallback::AddCompetitor(id),
            AdCallback::RemoveAsk {
                account: id,
                page_id: long.clone(),
            },
            AdCallback::Remove {
                account: id,
                page_id: long.clone(),
            },
            AdCallback::Emails(id),
            AdCallback::ClearEmails(id),
            AdCallback::Country(id),
            AdCallback::SetCountry {
                account: id,
                code: "ALL".into(),
            },
            AdCallback::Media(id),
            AdCallback::SetMedia {
                account: id,
                media: "image_and_meme".into(),
            },
            AdCallback::Pause(id),
            AdCallback::Resume(id),
            AdCallback::Schedule(id),
            AdCallback::ScheduleDays {
                account: id,
                days: ALL_DAYS,
            },
            AdCallback::ScheduleTime {
                account: id,
                days: 0,
            },
            AdCallback::SetSchedule {
                account: id,
                days: ALL_DAYS,
                minute: DAY_MINUTES - 1,
            },
            AdCallback::ScheduleOff(id),
            AdCallback::Reports {
                account: id,
                page: u32::MAX,
            },
            AdCallback::RemoveAccountAsk(id),
            AdCallback::RemoveAccount(id),
        ] {
            let data = value.data();
            assert!(data.len() <= MAX_CALLBACK_BYTES, "{data}");
            assert_eq!(decode::<AdCallback>(&data), Some(value));
        }
        for bad in [
            "ad1:rm:1:abc",
            "ad1:rm:1:",
            "ad0:l:0",
            "ad1:x",
            "ad1:rm:1:123456789012345678901",
            "ad1:ks:1:XX",
            "ad1:ks:1:Germany",
            "ad1:ms:1:gif",
            "ad1:ms:1:",
            "ad1:sd:1:3k",
            "ad1:ss:1:1:140",
        ] {
            assert_eq!(decode::<AdCallback>(bad), None, "{bad}");
        }
    }
}
