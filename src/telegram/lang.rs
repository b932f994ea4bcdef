//! The languages the bot speaks.

/// A language of the bot's texts. English is the fallback for everyone whose
/// Telegram language is not one of ours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// English (the default).
    #[default]
    En,
    /// Russian.
    Ru,
}

impl Lang {
    /// Every language, in menu order.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ru];

    /// The ISO 639-1 code stored in the database and in callback data: `en`, `ru`.
    pub const fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ru => "ru",
        }
    }

    /// The language of an IETF tag such as `ru`, `RU` or `ru-RU` (the primary
    /// subtag decides, case-insensitively); `None` for languages we do not have.
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.split(['-', '_']).next().unwrap_or_default();
        Lang::ALL
            .into_iter()
            .find(|lang| primary.eq_ignore_ascii_case(lang.code()))
    }

    /// The language for a Telegram user's `language_code` (which may be
    /// missing): ours if we have it, English otherwise.
    pub fn from_telegram(code: Option<&str>) -> Lang {
        code.and_then(Lang::from_code).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
        }
    }

    #[test]
    fn tags_use_the_primary_subtag() {
        assert_eq!(Lang::from_code("ru-RU"), Some(Lang::Ru));
        assert_eq!(Lang::from_code("EN_us"), Some(Lang::En));
        assert_eq!(Lang::from_code("uk"), None);
        assert_eq!(Lang::from_code(""), None);
        assert_eq!(Lang::from_code("r"), None);
    }

    #[test]
    fn telegram_codes_fall_back_to_english() {
        assert_eq!(Lang::from_telegram(Some("ru")), Lang::Ru);
        assert_eq!(Lang::from_telegram(Some("de")), Lang::En);
        assert_eq!(Lang::from_telegram(None), Lang::En);
    }
}
