//! The feature's buttons (tag `vk`). Ids are database ids of accounts; dates
//! are days since 1970-01-01.

use crate::telegram::callback::{encode_unchecked, Callback, CallbackReader, CallbackWriter};

/// A VK Ads button. Every value fits in 64 bytes (a test checks extremes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VkCallback {
    /// The connected accounts.
    Accounts,
    /// Start the connect dialogue.
    Connect,
    /// The connect dialogue's kind choice: agency client or own account.
    Kind {
        /// An agency client (else the user's own account).
        agency: bool,
    },
    /// The connect dialogue's third kind: a token of the old API.
    LegacyKind,
    /// An account card.
    Account(i64),
    /// A page of an account's campaigns (0-based).
    Campaigns {
        /// The account.
        account: i64,
        /// The page, from 0.
        page: u32,
    },
    /// A report of the last 7 full days.
    Report(i64),
    /// Choose the time of a weekly or daily digest.
    Digest {
        /// The account.
        account: i64,
        /// Weekly (Mondays) or daily.
        weekly: bool,
    },
    /// Schedule the digest at a chosen local time.
    DigestAt {
        /// The account.
        account: i64,
        /// Weekly (Mondays) or daily.
        weekly: bool,
        /// Minutes after local midnight (0–1439).
        minute: u32,
    },
    /// Ask for another digest time (HH:MM) in a dialogue.
    DigestOther {
        /// The account.
        account: i64,
        /// Weekly (Mondays) or daily.
        weekly: bool,
    },
    /// Stop the account's digests.
    StopDigests(i64),
    /// Ask for the address digests are e-mailed to.
    Email(i64),
    /// Ask to disconnect.
    Disconnect(i64),
    /// Disconnect, confirmed.
    DisconnectYes(i64),
    /// The CSV of daily rows of a period.
    Csv {
        /// The account.
        account: i64,
        /// First day (days since 1970-01-01).
        from: u32,
        /// Last day (days since 1970-01-01).
        to: u32,
    },
}

impl VkCallback {
    /// The encoded data (every value fits; see the tests).
    pub fn data(&self) -> String {
        encode_unchecked(self)
    }
}

impl Callback for VkCallback {
    const TAG: &'static str = "vk";
    const VERSION: u8 = 1;

    fn write(&self, w: &mut CallbackWriter) {
        match *self {
            VkCallback::Accounts => w.variant("l"),
            VkCallback::Connect => w.variant("c"),
            VkCallback::Kind { agency } => w.variant("k").bool(agency),
            VkCallback::LegacyKind => w.variant("g"),
            VkCallback::Account(id) => w.variant("a").i64(id),
            VkCallback::Campaigns { account, page } => w.variant("p").i64(account).u32(page),
            VkCallback::Report(id) => w.variant("r").i64(id),
            VkCallback::Digest { account, weekly } => w.variant("d").i64(account).bool(weekly),
            VkCallback::DigestAt {
                account,
                weekly,
                minute,
            } => w.variant("t").i64(account).bool(weekly).u32(minute),
            VkCallback::DigestOther { account, weekly } => w.variant("o").i64(account).bool(weekly),
            VkCallback::StopDigests(id) => w.variant("s").i64(id),
            VkCallback::Email(id) => w.variant("e").i64(id),
            VkCallback::Disconnect(id) => w.variant("x").i64(id),
            VkCallback::DisconnectYes(id) => w.variant("y").i64(id),
            VkCallback::Csv { account, from, to } => w.variant("v").i64(account).u32(from).u32(to),
        };
    }

    fn read(r: &mut CallbackReader<'_>) -> Option<Self> {
        Some(match r.variant()? {
            "l" => VkCallback::Accounts,
            "c" => VkCallback::Connect,
            "k" => VkCallback::Kind { agency: r.bool()? },
            "g" => VkCallback::LegacyKind,
            "a" => VkCallback::Account(r.i64()?),
            "p" => VkCallback::Campaigns {
                account: r.i64()?,
                page: r.u32()?,
            },
            "r" => VkCallback::Report(r.i64()?),
            "d" => VkCallback::Digest {
                account: r.i64()?,
                weekly: r.bool()?,
            },
            "t" => VkCallback::DigestAt {
                account: r.i64()?,
                weekly: r.bool()?,
                minute: r.u32()?,
            },
            "o" => VkCallback::DigestOther {
                account: r.i64()?,
                weekly: r.bool()?,
            },
            "s" => VkCallback::StopDigests(r.i64()?),
            "e" => VkCallback::Email(r.i64()?),
            "x" => VkCallback::Disconnect(r.i64()?),
            "y" => VkCallback::DisconnectYes(r.i64()?),
            "v" => VkCallback::Csv {
                account: r.i64()?,
                from: r.u32()?,
                to: r.u32()?,
            },
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::telegram::callback::{decode, encode, tag_of, MAX_CALLBACK_BYTES};
    use proptest::prelude::*;

    fn any_vk() -> impl Strategy<Value = VkCallback> {
        let id = prop_oneof![Just(i64::MIN), Just(i64::MAX), Just(0i64), any::<i64>()];
        let n = prop_oneof![Just(u32::MAX), Just(0u32), any::<u32>()];
        prop_oneof![
            Just(VkCallback::Accounts),
            Just(VkCallback::Connect),
            any::<bool>().prop_map(|agency| VkCallback::Kind { agency }),
            Just(VkCallback::LegacyKind),
            id.clone().prop_map(VkCallback::Account),
            (id.clone(), n.clone())
                .prop_map(|(account, page)| VkCallback::Campaigns { account, page }),
            id.clone().prop_map(VkCallback::Report),
            (id.clone(), any::<bool>())
                .prop_map(|(account, weekly)| VkCallback::Digest { account, weekly }),
            (id.clone(), any::<bool>(), n.clone()).prop_map(|(account, weekly, minute)| {
                VkCallback::DigestAt {
                    account,
                    weekly,
                    minute,
                }
            }),
            (id.clone(), any::<bool>())
                .prop_map(|(account, weekly)| VkCallback::DigestOther { account, weekly }),
            id.clone().prop_map(VkCallback::StopDigests),
            id.clone().prop_map(VkCallback::Email),
            id.clone().prop_map(VkCallback::Disconnect),
            id.clone().prop_map(VkCallback::DisconnectYes),
            (id, n.clone(), n).prop_map(|(account, from, to)| VkCallback::Csv {
                account,
                from,
                to
            }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]
        #[test]
        fn every_vk_value_round_trips_within_64_bytes(value in any_vk()) {
            let data = encode(&value).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(data.len() <= MAX_CALLBACK_BYTES);
            prop_assert_eq!(decode::<VkCallback>(&data), Some(value));
            prop_assert_eq!(tag_of(&data), Some(("vk", 1)));
        }
    }

    #[test]
    fn the_longest_value_fits_and_garbage_is_rejected() {
        let longest = VkCallback::Csv {
            account: i64::MIN,
            from: u32::MAX,
            to: u32::MAX,
        }
        .data();
        assert!(longest.len() <= MAX_CALLBACK_BYTES, "{longest}");
        let at = VkCallback::DigestAt {
            account: i64::MIN,
            weekly: true,
            minute: u32::MAX,
        }
        .data();
        assert!(at.len() <= MAX_CALLBACK_BYTES, "{at}");
        assert_eq!(VkCallback::Accounts.data(), "vk1:l");
        for bad in [
            "vk1:",
            "vk1:q",
            "vk2:l",
            "vk1:a",
            "vk1:a:1:2",
            "vk1:k:2",
            "c1:m",
        ] {
            assert_eq!(decode::<VkCallback>(bad), None, "{bad}");
        }
    }
}
