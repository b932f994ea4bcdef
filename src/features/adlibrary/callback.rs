//! The feature's buttons (tag `ad`). Every value fits in 64 bytes: the
//! longest is a page id of 20 digits next to an account id (a test checks).

use crate::telegram::callback::{encode_unchecked, Callback, CallbackReader, CallbackWriter};

/// A button of the Ad Library menus. Pages are 0-based.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AdCallback {
    /// A page of the accounts list.
    Accounts(u32),
    /// An account's card.
    Account(i64),
    /// Capture this account now.
    Capture(i64),
    /// Ask before removing a competitor.
    RemoveAsk { account: i64, page_id: String },
    /// Remove the competitor (confirmed).
    Remove { account: i64, page_id: String },
}

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
        match self {
            AdCallback::Accounts(page) => w.variant("l").u32(*page),
            AdCallback::Account(id) => w.variant("a").i64(*id),
            AdCallback::Capture(id) => w.variant("c").i64(*id),
            AdCallback::RemoveAsk { account, page_id } => {
                w.variant("rq").i64(*account).str(page_id)
            }
            AdCallback::Remove { account, page_id } => w.variant("rm").i64(*account).str(page_id),
        };
    }

    fn read(r: &mut CallbackReader<'_>) -> Option<Self> {
        let page_id = |s: String| {
            (s.len() <= 20 && !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then_some(s)
        };
        Some(match r.variant()? {
            "l" => AdCallback::Accounts(r.u32()?),
            "a" => AdCallback::Account(r.i64()?),
            "c" => AdCallback::Capture(r.i64()?),
            "rq" => AdCallback::RemoveAsk {
                account: r.i64()?,
                page_id: page_id(r.str()?)?,
            },
            "rm" => AdCallback::Remove {
                account: r.i64()?,
                page_id: page_id(r.str()?)?,
            },
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
        for value in [
            AdCallback::Accounts(u32::MAX),
            AdCallback::Account(i64::MIN),
            AdCallback::Capture(7),
            AdCallback::RemoveAsk {
                account: i64::MIN,
                page_id: long.clone(),
            },
            AdCallback::Remove {
                account: i64::MIN,
                page_id: long.clone(),
            },
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
        ] {
            assert_eq!(decode::<AdCallback>(bad), None, "{bad}");
        }
    }
}
