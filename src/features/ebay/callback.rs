//! The eBay feature's buttons (tag `eb`). Alert ids are `i64`; every value
//! fits in 64 bytes (a test checks the extremes).

use super::insights_schedule::InsightsPlan;
use crate::telegram::callback::{encode_unchecked, Callback, CallbackReader, CallbackWriter};

/// A value typed into a short dialogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Price,
    Conditions,
    Buying,
    Country,
    Exclude,
    Target,
    Drop,
    Email,
}

impl Field {
    /// Every field.
    pub const ALL: [Field; 8] = [
        Field::Price,
        Field::Conditions,
        Field::Buying,
        Field::Country,
        Field::Exclude,
        Field::Target,
        Field::Drop,
        Field::Email,
    ];

    /// Code in callback data and dialogue steps.
    pub const fn code(self) -> &'static str {
        match self {
            Field::Price => "pr",
            Field::Conditions => "co",
            Field::Buying => "bo",
            Field::Country => "ct",
            Field::Exclude => "ex",
            Field::Target => "tg",
            Field::Drop => "dr",
            Field::Email => "em",
        }
    }

    /// The field with exactly this code.
    pub fn from_code(code: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.code() == code)
    }
}

/// A button of the eBay feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EbCallback {
    /// A page of the alert list (0-based).
    List(u32),
    /// An alert's card.
    Card(i64),
    /// Ask for a typed value.
    Edit(i64, Field),
    /// Show the interval choices.
    Interval(i64),
    /// Set the interval (minutes).
    SetInterval(i64, u32),
    /// Show the rule switches.
    Rules(i64),
    /// Switch "any new listing".
    ToggleNew(i64),
    /// Switch "below the 14-day average".
    ToggleAverage(i64),
    /// Pause (false) or resume (true).
    SetActive(i64, bool),
    /// Ask to confirm deletion.
    Delete(i64),
    /// Deletion confirmed.
    DeleteYes(i64),
    /// Queue the insights.
    Insights(i64),
    /// Choose how insights are sent on schedule (off, 30 min, daily, weekly).
    SetInsights(i64, InsightsPlan),
}

impl EbCallback {
    /// The encoded data (always ≤ 64 bytes).
    pub fn data(&self) -> String {
        encode_unchecked(self)
    }
}

impl Callback for EbCallback {
    const TAG: &'static str = "eb";
    const VERSION: u8 = 1;

    fn write(&self, w: &mut CallbackWriter) {
        match *self {
            EbCallback::List(page) => w.variant("l").u32(page),
            EbCallback::Card(id) => w.variant("c").i64(id),
            EbCallback::Edit(id, field) => w.variant("e").i64(id).str(field.code()),
            EbCallback::Interval(id) => w.variant("i").i64(id),
            EbCallback::SetInterval(id, m) => w.variant("si").i64(id).u32(m),
            EbCallback::Rules(id) => w.variant("r").i64(id),
            EbCallback::ToggleNew(id) => w.variant("tn").i64(id),
            EbCallback::ToggleAverage(id) => w.variant("ta").i64(id),
            EbCallback::SetActive(id, on) => w.variant("a").i64(id).bool(on),
            EbCallback::Delete(id) => w.variant("d").i64(id),
            EbCallback::DeleteYes(id) => w.variant("dy").i64(id),
            EbCallback::Insights(id) => w.variant("in").i64(id),
            EbCallback::SetInsights(id, plan) => w.variant("ip").i64(id).str(plan.code()),
        };
    }

    fn read(r: &mut CallbackReader<'_>) -> Option<Self> {
        Some(match r.variant()? {
            "l" => EbCallback::List(r.u32()?),
            "c" => EbCallback::Card(r.i64()?),
            "e" => EbCallback::Edit(r.i64()?, Field::from_code(&r.str()?)?),
            "i" => EbCallback::Interval(r.i64()?),
            "si" => EbCallback::SetInterval(r.i64()?, r.u32()?),
            "r" => EbCallback::Rules(r.i64()?),
            "tn" => EbCallback::ToggleNew(r.i64()?),
            "ta" => EbCallback::ToggleAverage(r.i64()?),
            "a" => EbCallback::SetActive(r.i64()?, r.bool()?),
            "d" => EbCallback::Delete(r.i64()?),
            "dy" => EbCallback::DeleteYes(r.i64()?),
            "in" => EbCallback::Insights(r.i64()?),
            "ip" => EbCallback::SetInsights(r.i64()?, InsightsPlan::from_code(&r.str()?)?),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::telegram::callback::{decode, MAX_CALLBACK_BYTES};
    use proptest::prelude::*;

    fn all(id: i64, n: u32, on: bool) -> Vec<EbCallback> {
        let mut values = vec![
            EbCallback::List(n),
            EbCallback::Card(id),
            EbCallback::Interval(id),
            EbCallback::SetInterval(id, n),
            EbCallback::Rules(id),
            EbCallback::ToggleNew(id),
            EbCallback::ToggleAverage(id),
            EbCallback::SetActive(id, on),
            EbCallback::Delete(id),
            EbCallback::DeleteYes(id),
            EbCallback::Insights(id),
        ];
        values.extend(Field::ALL.into_iter().map(|f| EbCallback::Edit(id, f)));
        values.extend(
            InsightsPlan::ALL
                .into_iter()
                .map(|p| EbCallback::SetInsights(id, p)),
        );
        values
    }

    #[test]
    fn extremes_round_trip_and_fit() {
        for id in [0, 1, -1, i64::MIN, i64::MAX] {
            for n in [0, u32::MAX] {
                for value in all(id, n, n == 0) {
                    let data = value.data();
                    assert!(data.len() <= MAX_CALLBACK_BYTES, "{data}");
                    assert_eq!(decode::<EbCallback>(&data), Some(value), "{data}");
                }
            }
        }
        assert_eq!(decode::<EbCallback>("eb1:e:1:zz"), None);
        assert_eq!(decode::<EbCallback>("eb1:c:1:2"), None);
        assert_eq!(decode::<EbCallback>("eb2:c:1"), None);
        assert_eq!(decode::<EbCallback>("eb1:ip:1:hourly"), None);
        // The old daily switch is gone: its buttons expire.
        assert_eq!(decode::<EbCallback>("eb1:dl:1"), None);
    }

    proptest! {
        #[test]
        fn any_value_round_trips(id in any::<i64>(), n in any::<u32>(), on in any::<bool>()) {
            for value in all(id, n, on) {
                prop_assert_eq!(decode::<EbCallback>(&value.data()), Some(value));
            }
        }

        #[test]
        fn arbitrary_data_never_panics(data in "eb1:[a-z0-9:%-]{0,40}") {
            if let Some(value) = decode::<EbCallback>(&data) {
                prop_assert_eq!(value.data(), data);
            }
        }
    }
}
