//! The platform's own buttons: menus, settings, access requests, the job queue.

use super::callback::{encode_unchecked, Callback, CallbackReader, CallbackWriter};
use super::lang::Lang;

/// A role an admin can give a user from a button.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GrantRole {
    /// May use the bot and its admin commands.
    Admin,
    /// May use the bot.
    Member,
    /// Access taken away.
    Revoked,
}

impl GrantRole {
    /// Every role.
    pub const ALL: [GrantRole; 3] = [GrantRole::Admin, GrantRole::Member, GrantRole::Revoked];

    /// One-letter code used in callback data.
    pub const fn code(self) -> &'static str {
        match self {
            GrantRole::Admin => "a",
            GrantRole::Member => "m",
            GrantRole::Revoked => "r",
        }
    }

    /// The role with exactly this code.
    pub fn from_code(code: &str) -> Option<GrantRole> {
        GrantRole::ALL.into_iter().find(|role| role.code() == code)
    }
}

/// A button of the platform core. Pages are 0-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CoreCallback {
    /// Show the main menu.
    MainMenu,
    /// Show the settings card.
    Settings,
    /// Switch the user's language.
    Language(Lang),
    /// A page of the users list (admins).
    UsersPage(u32),
    /// Approve this user's access request.
    Approve(i64),
    /// Deny this user's access request.
    Deny(i64),
    /// Give `user` the `role`.
    SetRole {
        /// Telegram user id.
        user: i64,
        /// The new role.
        role: GrantRole,
    },
    /// A page of the failed-jobs list (admins).
    JobsPage(u32),
    /// Run this failed job again.
    RetryJob(i64),
    /// Delete this failed job.
    DiscardJob(i64),
    /// Carry out a pending action, by its id in the pending-actions table.
    Confirm {
        /// Row id of the pending action.
        action: u32,
    },
    /// Abandon the current dialogue or pending action.
    Cancel,
    /// Does nothing (e.g. the "page x/y" label); the query is still answered.
    Noop,
}

impl CoreCallback {
    /// The encoded data. Every core value fits in 64 bytes (the longest is 22;
    /// a test checks extremes), so unlike [`super::callback::encode`] this
    /// cannot fail.
    pub fn data(&self) -> String {
        encode_unchecked(self)
    }
}

impl Callback for CoreCallback {
    const TAG: &'static str = "c";
    const VERSION: u8 = 1;

    fn write(&self, w: &mut CallbackWriter) {
        match *self {
            CoreCallback::MainMenu => w.variant("m"),
            CoreCallback::Settings => w.variant("s"),
            CoreCallback::Language(lang) => w.variant("l").str(lang.code()),
            CoreCallback::UsersPage(page) => w.variant("up").u32(page),
            CoreCallback::Approve(user) => w.variant("ap").i64(user),
            CoreCallback::Deny(user) => w.variant("dn").i64(user),
            CoreCallback::SetRole { user, role } => w.variant("sr").i64(user).str(role.code()),
            CoreCallback::JobsPage(page) => w.variant("jp").u32(page),
            CoreCallback::RetryJob(job) => w.variant("rj").i64(job),
            CoreCallback::DiscardJob(job) => w.variant("dj").i64(job),
            CoreCallback::Confirm { action } => w.variant("cf").u32(action),
            CoreCallback::Cancel => w.variant("x"),
            CoreCallback::Noop => w.variant("n"),
        };
    }

    fn read(r: &mut CallbackReader<'_>) -> Option<Self> {
        Some(match r.variant()? {
            "m" => CoreCallback::MainMenu,
            "s" => CoreCallback::Settings,
            // Exact codes only: the codec is canonical (`ru-RU` is not a button).
            "l" => CoreCallback::Language(r.str().and_then(|code| exact_lang(&code))?),
            "up" => CoreCallback::UsersPage(r.u32()?),
            "ap" => CoreCallback::Approve(r.i64()?),
            "dn" => CoreCallback::Deny(r.i64()?),
            "sr" => CoreCallback::SetRole {
                user: r.i64()?,
                role: GrantRole::from_code(&r.str()?)?,
            },
            "jp" => CoreCallback::JobsPage(r.u32()?),
            "rj" => CoreCallback::RetryJob(r.i64()?),
            "dj" => CoreCallback::DiscardJob(r.i64()?),
            "cf" => CoreCallback::Confirm { action: r.u32()? },
            "x" => CoreCallback::Cancel,
            "n" => CoreCallback::Noop,
            _ => return None,
        })
    }
}

fn exact_lang(code: &str) -> Option<Lang> {
    Lang::from_code(code).filter(|lang| lang.code() == code)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::telegram::callback::{decode, encode, tag_of, MAX_CALLBACK_BYTES};
    use proptest::prelude::*;

    const EXTREME_I64: [i64; 6] = [0, 1, -1, i64::MIN, i64::MAX, u32::MAX as i64];
    const EXTREME_U32: [u32; 4] = [0, 1, u32::MAX - 1, u32::MAX];

    fn any_id() -> impl Strategy<Value = i64> {
        prop_oneof![proptest::sample::select(EXTREME_I64.to_vec()), any::<i64>()]
    }

    fn any_page() -> impl Strategy<Value = u32> {
        prop_oneof![proptest::sample::select(EXTREME_U32.to_vec()), any::<u32>()]
    }

    pub(crate) fn any_core() -> impl Strategy<Value = CoreCallback> {
        let lang = proptest::sample::select(Lang::ALL.to_vec());
        let role = proptest::sample::select(GrantRole::ALL.to_vec());
        prop_oneof![
            Just(CoreCallback::MainMenu),
            Just(CoreCallback::Settings),
            lang.prop_map(CoreCallback::Language),
            any_page().prop_map(CoreCallback::UsersPage),
            any_id().prop_map(CoreCallback::Approve),
            any_id().prop_map(CoreCallback::Deny),
            (any_id(), role).prop_map(|(user, role)| CoreCallback::SetRole { user, role }),
            any_page().prop_map(CoreCallback::JobsPage),
            any_id().prop_map(CoreCallback::RetryJob),
            any_id().prop_map(CoreCallback::DiscardJob),
            any_page().prop_map(|action| CoreCallback::Confirm { action }),
            Just(CoreCallback::Cancel),
            Just(CoreCallback::Noop),
        ]
    }

    /// Every variant with every extreme argument.
    fn all_extremes() -> Vec<CoreCallback> {
        let mut all = vec![
            CoreCallback::MainMenu,
            CoreCallback::Settings,
            CoreCallback::Cancel,
            CoreCallback::Noop,
        ];
        all.extend(Lang::ALL.map(CoreCallback::Language));
        for id in EXTREME_I64 {
            all.extend([
                CoreCallback::Approve(id),
                CoreCallback::Deny(id),
                CoreCallback::RetryJob(id),
                CoreCallback::DiscardJob(id),
            ]);
            all.extend(GrantRole::ALL.map(|role| CoreCallback::SetRole { user: id, role }));
        }
        for page in EXTREME_U32 {
            all.extend([
                CoreCallback::UsersPage(page),
                CoreCallback::JobsPage(page),
                CoreCallback::Confirm { action: page },
            ]);
        }
        all
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        #[test]
        fn every_core_value_round_trips_within_64_bytes(value in any_core()) {
            let data = encode(&value).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(data.len() <= MAX_CALLBACK_BYTES, "{data} is {} bytes", data.len());
            prop_assert_eq!(decode::<CoreCallback>(&data), Some(value));
            prop_assert_eq!(value.data(), data.clone());
            prop_assert_eq!(tag_of(&data), Some(("c", 1)));
        }
    }

    #[test]
    fn extreme_arguments_round_trip_and_the_longest_is_22_bytes() {
        let mut longest = 0;
        for value in all_extremes() {
            let data = encode(&value).expect("core values fit");
            assert_eq!(decode::<CoreCallback>(&data), Some(value), "{data}");
            longest = longest.max(data.len());
        }
        assert_eq!(longest, 22, "update CoreCallback::data's doc");
    }

    #[test]
    fn wire_examples_are_stable() {
        assert_eq!(CoreCallback::MainMenu.data(), "c1:m");
        assert_eq!(CoreCallback::Noop.data(), "c1:n");
        assert_eq!(CoreCallback::Language(Lang::Ru).data(), "c1:l:ru");
        assert_eq!(CoreCallback::UsersPage(35).data(), "c1:up:z");
        assert_eq!(
            CoreCallback::SetRole {
                user: -36,
                role: GrantRole::Admin
            }
            .data(),
            "c1:sr:-10:a"
        );
        assert_eq!(
            CoreCallback::Approve(i64::MIN).data(),
            "c1:ap:-1y2p0ij32e8e8"
        );
    }

    #[test]
    fn stale_foreign_and_malformed_data_is_rejected() {
        for data in [
            "c0:m",
            "c2:m",
            "c01:m",
            "c:m",
            "ad1:m",
            "px1:m",
            "C1:m",
            "c1",
            "c1m",
            "",
            ":",
            "c1:",
            "c1:q",
            "c1:m:",
            "c1:m:0",
            "c1:up",
            "c1:up:",
            "c1:up:-1",
            "c1:up:01",
            "c1:up:Z",
            "c1:up:1z141z4",
            "c1:ap:-0",
            "c1:ap:+1",
            "c1:ap:1y2p0ij32e8e8",
            "c1:ap:-1y2p0ij32e8e9",
            "c1:ap:3w5e11264sgsg",
            "c1:ap:zzzzzzzzzzzzzzzzzzzz",
            "c1:l:de",
            "c1:l:RU",
            "c1:l:ru-RU",
            "c1:l:r%75",
            "c1:sr:1",
            "c1:sr:1:x",
            "c1:sr:1:a:b",
            "c1:cf: 1",
            "c1:dn:1 ",
            "c1:x:%",
            "cccc1:m",
            "c1:m\n",
            "c256:m",
        ] {
            assert_eq!(decode::<CoreCallback>(data), None, "{data:?} decoded");
        }
        assert_eq!(
            decode::<CoreCallback>("c1:ap:-1y2p0ij32e8e8"),
            Some(CoreCallback::Approve(i64::MIN))
        );
        assert_eq!(
            decode::<CoreCallback>("c1:up:1z141z3"),
            Some(CoreCallback::UsersPage(u32::MAX))
        );
    }

    #[test]
    fn tag_of_reports_owner_and_version() {
        assert_eq!(tag_of("ad12:x:1"), Some(("ad", 12)));
        assert_eq!(tag_of("c0:m"), Some(("c", 0)));
        assert_eq!(tag_of("c256:m"), None);
        assert_eq!(tag_of("c01:m"), None);
        assert_eq!(tag_of("abcd1:m"), None);
        assert_eq!(tag_of("1:m"), None);
        assert_eq!(tag_of("c1"), None);
        assert_eq!(tag_of("é1:m"), None);
    }
}
