//! What users type: an Ad Library URL (any parameter order), a bare numeric
//! page id, a country code, "account name + competitor". Pure functions; every
//! rejection says what to paste instead (see [`InputError`]).

use url::Url;

/// Shortest and longest page id we accept (Meta ids are 6..=20 digits).
const ID_DIGITS: std::ops::RangeInclusive<usize> = 5..=20;

/// A competitor as the Ad Library knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRef {
    /// `view_all_page_id`: digits only.
    pub page_id: String,
    /// `country` of the pasted URL (ISO-2 upper case or `ALL`), if any.
    pub country: Option<String>,
}

/// Why an input is not a competitor. Each variant maps to an explanation text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// Nothing was given.
    #[error("empty input")]
    Empty,
    /// A facebook.com URL that is not the Ad Library (a profile or page URL):
    /// its id is often not the one the Ad Library uses.
    #[error("a Facebook page URL, not an Ad Library URL")]
    ProfileUrl,
    /// A URL of another site.
    #[error("a URL of another site ({0})")]
    OtherSite(String),
    /// An Ad Library URL without `view_all_page_id` (a keyword search).
    #[error("an Ad Library URL without view_all_page_id")]
    NoPageId,
    /// An Ad Library URL of one ad (`?id=`), not of a page.
    #[error("an Ad Library URL of a single ad")]
    SingleAd,
    /// `view_all_page_id` or the bare number is not a plausible id.
    #[error("not a valid page id: {0}")]
    BadPageId(String),
    /// `country` is not ISO-2 or ALL.
    #[error("not a country code: {0}")]
    BadCountry(String),
    /// Free text that is neither a URL nor an id.
    #[error("neither an Ad Library URL nor a page id")]
    NotRecognised,
}

/// Parses an Ad Library URL or a bare numeric page id.
pub fn parse_competitor(input: &str) -> Result<PageRef, InputError> {
    let text = input.trim().trim_matches(|c| c == '<' || c == '>').trim();
    if text.is_empty() {
        return Err(InputError::Empty);
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return page_id(text).map(|page_id| PageRef {
            page_id,
            country: None,
        });
    }
    let Some(url) = as_url(text) else {
        return Err(InputError::NotRecognised);
    };
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let facebook = host == "facebook.com" || host.ends_with(".facebook.com") || host == "fb.com";
    if !facebook {
        return Err(InputError::OtherSite(host));
    }
    let path = url.path().trim_end_matches('/');
    if path != "/ads/library" {
        return Err(InputError::ProfileUrl);
    }
    let mut page = None;
    let mut country = None;
    let mut single_ad = false;
    for (key, value) in url.query_pairs() {
        match key.as_ref() {
            "view_all_page_id" => page = Some(value.into_owned()),
            "country" => country = Some(value.into_owned()),
            "id" => single_ad = true,
            _ => {}
        }
    }
    let page_id = match page {
        Some(id) => page_id(id.trim())?,
        None if single_ad => return Err(InputError::SingleAd),
        None => return Err(InputError::NoPageId),
    };
    let country = country.map(|c| parse_country(&c)).transpose()?;
    Ok(PageRef { page_id, country })
}

fn page_id(text: &str) -> Result<String, InputError> {
    let ok = ID_DIGITS.contains(&text.len())
        && text.bytes().all(|b| b.is_ascii_digit())
        && !text.starts_with('0');
    if ok {
        Ok(text.to_string())
    } else {
        Err(InputError::BadPageId(text.chars().take(40).collect()))
    }
}

/// A URL with or without its scheme (`www.facebook.com/ads/library/?…`).
fn as_url(text: &str) -> Option<Url> {
    if text.contains(char::is_whitespace) {
        return None;
    }
    if let Ok(url) = Url::parse(text) {
        return matches!(url.scheme(), "http" | "https").then_some(url);
    }
    // Only bare host-like text ("example.com/x") is taken as a URL.
    let host = text.split(['/', '?']).next().unwrap_or_default();
    if host.contains('.')
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    {
        return Url::parse(&format!("https://{text}")).ok();
    }
    None
}

/// The officially assigned ISO 3166-1 alpha-2 codes (as in tzdata's
/// `iso3166.tab`) and `XK` (Kosovo, which Meta lists too).
const COUNTRIES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI \
BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ \
DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ \
GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN \
KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS \
MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT \
PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF \
TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA \
ZM ZW";

/// An ISO 3166-1 alpha-2 country code (any case) or `ALL`, normalised to
/// upper case. Two letters that are not an assigned code (`XX`) are refused.
pub fn parse_country(text: &str) -> Result<String, InputError> {
    let upper = text.trim().to_ascii_uppercase();
    let known = upper.len() == 2
        && upper.bytes().all(|b| b.is_ascii_uppercase())
        && COUNTRIES.split(' ').any(|c| c == upper);
    if upper == "ALL" || known {
        Ok(upper)
    } else {
        Err(InputError::BadCountry(text.chars().take(20).collect()))
    }
}

/// Most report addresses an account may have.
pub const MAX_EMAILS: usize = 20;

/// Why a list of e-mail addresses was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmailsError {
    /// No address in the text.
    Empty,
    /// This item is not an address.
    Bad(String),
    /// More than [`MAX_EMAILS`].
    TooMany,
}

/// Report addresses separated by commas, semicolons or white space; each
/// must parse as an address. Duplicates (regardless of case) are dropped.
pub fn parse_emails(text: &str) -> Result<Vec<String>, EmailsError> {
    let mut emails: Vec<String> = Vec::new();
    for item in text
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .map(|e| e.trim().trim_matches(|c| c == '<' || c == '>'))
        .filter(|e| !e.is_empty())
    {
        if item.parse::<lettre::Address>().is_err() {
            return Err(EmailsError::Bad(item.chars().take(100).collect()));
        }
        if !emails.iter().any(|e| e.eq_ignore_ascii_case(item)) {
            emails.push(item.to_string());
        }
    }
    match emails.len() {
        0 => Err(EmailsError::Empty),
        n if n > MAX_EMAILS => Err(EmailsError::TooMany),
        _ => Ok(emails),
    }
}

/// A time of day, `H:MM` or `HH:MM` (also with `.` between hours and
/// minutes), as minutes since midnight.
pub fn parse_time(text: &str) -> Option<u32> {
    let (h, m) = text.trim().split_once([':', '.'])?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(h) && digits(m) && h.len() <= 2 && m.len() == 2) {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// `media_type` values the Ad Library accepts.
pub const MEDIA_TYPES: [&str; 6] = ["all", "image", "video", "meme", "image_and_meme", "none"];

/// Splits `"<account name> <competitor>"`: the competitor is the last word,
/// the account name (which may contain spaces) is the rest.
pub fn split_account_and_competitor(args: &str) -> Option<(&str, &str)> {
    let args = args.trim();
    let (name, last) = args.rsplit_once(char::is_whitespace)?;
    let name = name.trim();
    (!name.is_empty()).then_some((name, last))
}

/// An account name: trimmed, 1..=64 characters, no control characters.
pub fn parse_account_name(text: &str) -> Option<String> {
    let name = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let len = name.chars().count();
    ((1..=64).contains(&len) && !name.chars().any(char::is_control)).then_some(name)
}

/// The Ad Library URL of one competitor page. Parameters follow the
/// reference URL; `base_url` comes from `adlibrary.base_url`.
pub fn page_url(base_url: &str, page_id: &str, country: &str, media_type: &str) -> String {
    let mut url = Url::parse(base_url).unwrap_or_else(|_| {
        Url::parse("https://www.facebook.com/ads/library/").expect("constant URL")
    });
    url.query_pairs_mut()
        .clear()
        .append_pair("active_status", "active")
        .append_pair("ad_type", "all")
        .append_pair("country", country)
        .append_pair("is_targeted_country", "false")
        .append_pair("media_type", media_type)
        .append_pair("search_type", "page")
        .append_pair("view_all_page_id", page_id);
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(input: &str) -> PageRef {
        parse_competitor(input).unwrap_or_else(|e| panic!("{input}: {e}"))
    }

    #[test]
    fn ad_library_urls_in_any_parameter_order() {
        let expected = PageRef {
            page_id: "102345678901234".into(),
            country: Some("DE".into()),
        };
        for url in [
            "https://www.facebook.com/ads/library/?active_status=active&ad_type=all&country=DE&is_targeted_country=false&media_type=all&search_type=page&view_all_page_id=102345678901234",
            "https://www.facebook.com/ads/library/?view_all_page_id=102345678901234&country=de",
            "https://facebook.com/ads/library?search_type=page&country=DE&view_all_page_id=102345678901234&sort_data[mode]=relevancy_monthly_grouped",
            "www.facebook.com/ads/library/?country=DE&view_all_page_id=102345678901234",
            "  <https://m.facebook.com/ads/library/?country=DE&view_all_page_id=102345678901234>  ",
            "https://www.facebook.com/ads/library/?country=DE&media_type=video&view_all_page_id=102345678901234#x",
        ] {
            assert_eq!(ok(url), expected, "{url}");
        }
        let all = ok("https://www.facebook.com/ads/library/?country=ALL&view_all_page_id=123456");
        assert_eq!(all.country.as_deref(), Some("ALL"));
        let no_country = ok("https://www.facebook.com/ads/library/?view_all_page_id=123456");
        assert_eq!(no_country.country, None);
    }

    #[test]
    fn bare_numeric_ids() {
        assert_eq!(
            ok(" 102345678901234 "),
            PageRef {
                page_id: "102345678901234".into(),
                country: None
            }
        );
        for bad in ["1234", "0123456789", "123456789012345678901"] {
            assert!(
                matches!(parse_competitor(bad), Err(InputError::BadPageId(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn wrong_inputs_are_explained() {
        use InputError::*;
        let cases: [(&str, InputError); 11] = [
            ("", Empty),
            ("   ", Empty),
            ("https://www.facebook.com/nike", ProfileUrl),
            ("https://www.facebook.com/profile.php?id=100064", ProfileUrl),
            ("facebook.com/nike/ads", ProfileUrl),
            (
                "https://example.com/ads/library/?view_all_page_id=123456",
                OtherSite("example.com".into()),
            ),
            (
                "https://www.facebook.com/ads/library/?q=shoes&search_type=keyword_unordered",
                NoPageId,
            ),
            (
                "https://www.facebook.com/ads/library/?id=987654321",
                SingleAd,
            ),
            ("nike shoes", NotRecognised),
            (
                "https://www.facebook.com/ads/library/?view_all_page_id=abc",
                BadPageId("abc".into()),
            ),
            (
                "https://www.facebook.com/ads/library/?view_all_page_id=123456&country=Germany",
                BadCountry("Germany".into()),
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(parse_competitor(input), Err(expected), "{input:?}");
        }
        assert_eq!(
            parse_competitor("ftp://facebook.com/ads/library/?view_all_page_id=123456"),
            Err(NotRecognised)
        );
        assert_eq!(
            parse_competitor("fakefacebook.com/ads/library/?view_all_page_id=123456"),
            Err(OtherSite("fakefacebook.com".into()))
        );
    }

    #[test]
    fn countries_and_names() {
        assert_eq!(parse_country("de"), Ok("DE".into()));
        assert_eq!(parse_country("All"), Ok("ALL".into()));
        assert!(parse_country("DEU").is_err());
        assert!(parse_country("1A").is_err());
        assert!(parse_country("XX").is_err());
        assert_eq!(parse_country(" se "), Ok("SE".into()));
        assert_eq!(parse_country("xk"), Ok("XK".into()));
        assert_eq!(
            parse_account_name("  Acme   Shoes "),
            Some("Acme Shoes".into())
        );
        assert_eq!(parse_account_name("Ромашка"), Some("Ромашка".into()));
        assert_eq!(parse_account_name("  "), None);
        assert_eq!(parse_account_name(&"x".repeat(65)), None);
        assert_eq!(
            split_account_and_competitor(" Acme Shoes  123456 "),
            Some(("Acme Shoes", "123456"))
        );
        assert_eq!(split_account_and_competitor("123456"), None);
    }

    #[test]
    fn emails_and_times() {
        assert_eq!(
            parse_emails("a@x.com, b@y.org;c@z.de  A@X.com"),
            Ok(vec!["a@x.com".into(), "b@y.org".into(), "c@z.de".into()])
        );
        assert_eq!(
            parse_emails("a@x.com not-an-address"),
            Err(EmailsError::Bad("not-an-address".into()))
        );
        assert_eq!(parse_emails(" , ; "), Err(EmailsError::Empty));
        let many: Vec<String> = (0..=MAX_EMAILS).map(|i| format!("u{i}@x.com")).collect();
        assert_eq!(parse_emails(&many.join(" ")), Err(EmailsError::TooMany));
        assert_eq!(parse_time("9:30"), Some(570));
        assert_eq!(parse_time(" 23.59 "), Some(1439));
        assert_eq!(parse_time("00:00"), Some(0));
        for bad in ["24:00", "9:5", "9", "nine", "09:60", "-1:00", "123:00"] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn page_url_round_trips_through_the_parser() {
        let url = page_url("http://127.0.0.1:9/ads/library/", "123456", "ALL", "all");
        assert!(url.starts_with("http://127.0.0.1:9/ads/library/?active_status=active"));
        let back = parse_competitor(&url.replace("127.0.0.1:9", "www.facebook.com")).unwrap();
        assert_eq!(back.page_id, "123456");
        assert_eq!(back.country.as_deref(), Some("ALL"));
    }
}
