//! Alert filters, their validation and the Browse request they become.
//!
//! The request (`q` with excluded words, the `filter` string, the marketplace)
//! is canonical: conditions and buying options are sorted and deduplicated, so
//! alerts asking the same thing get the same [`Query::key`] and share one call.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Longest search phrase accepted.
pub const MAX_PHRASE_CHARS: usize = 300;
/// Currencies accepted for price filters (eBay marketplaces' currencies).
pub const CURRENCIES: [&str; 9] = [
    "USD", "GBP", "EUR", "CAD", "AUD", "CHF", "PLN", "HKD", "SGD",
];
/// Conditions accepted.
pub const CONDITIONS: [&str; 2] = ["NEW", "USED"];
/// Buying options accepted.
pub const BUYING_OPTIONS: [&str; 3] = ["FIXED_PRICE", "AUCTION", "BEST_OFFER"];

/// What an alert narrows its search by. Empty means "no filter".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filters {
    #[serde(default)]
    pub min_price: Option<Decimal>,
    #[serde(default)]
    pub max_price: Option<Decimal>,
    /// Required by eBay whenever a price bound is set.
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub conditions: Vec<String>,
    #[serde(default)]
    pub buying_options: Vec<String>,
    /// Item location, ISO 3166 alpha-2.
    #[serde(default)]
    pub country: Option<String>,
    /// Words the title must not contain (`-word` in `q`).
    #[serde(default)]
    pub exclude: Vec<String>,
}

/// A user's input that cannot be accepted; nothing is changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    #[error("empty phrase")]
    EmptyPhrase,
    #[error("phrase too long")]
    PhraseTooLong,
    #[error("min > max")]
    MinAboveMax,
    #[error("unknown currency {0}")]
    UnknownCurrency(String),
    #[error("bad price {0}")]
    BadPrice(String),
    #[error("unknown value {0}")]
    UnknownValue(String),
}

/// The wire request of an alert.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Query {
    /// `q`: the phrase and `-excluded` words.
    pub q: String,
    /// `filter`: comma-separated eBay filters (may be empty).
    pub filter: String,
}

impl Query {
    /// The grouping key: equal keys mean one shared call.
    pub fn key(&self, marketplace: &str) -> String {
        format!("{marketplace}\n{}\n{}", self.q, self.filter)
    }
}

/// A trimmed phrase with collapsed whitespace, or why it is refused.
pub fn check_phrase(phrase: &str) -> Result<String, FilterError> {
    let phrase = phrase.split_whitespace().collect::<Vec<_>>().join(" ");
    if phrase.is_empty() {
        return Err(FilterError::EmptyPhrase);
    }
    if phrase.chars().count() > MAX_PHRASE_CHARS {
        return Err(FilterError::PhraseTooLong);
    }
    Ok(phrase)
}

fn price(text: &str) -> Result<Option<Decimal>, FilterError> {
    if text == "-" || text == "*" {
        return Ok(None);
    }
    match text.replace(',', ".").parse::<Decimal>() {
        Ok(value) if value >= Decimal::ZERO => Ok(Some(value)),
        _ => Err(FilterError::BadPrice(text.to_string())),
    }
}

/// Parses the price-range input `MIN MAX CURRENCY` (`-` for an open bound),
/// e.g. `10 50 USD`, `- 100 EUR`. Returns (min, max, currency).
pub fn parse_price_range(
    input: &str,
) -> Result<(Option<Decimal>, Option<Decimal>, String), FilterError> {
    let parts: Vec<&str> = input.split_whitespace().collect();
    let [min, max, currency] = parts[..] else {
        return Err(FilterError::BadPrice(input.to_string()));
    };
    let (min, max) = (price(min)?, price(max)?);
    let currency = currency.to_ascii_uppercase();
    if !CURRENCIES.contains(&currency.as_str()) {
        return Err(FilterError::UnknownCurrency(currency));
    }
    if let (Some(lo), Some(hi)) = (min, max) {
        if lo > hi {
            return Err(FilterError::MinAboveMax);
        }
    }
    Ok((min, max, currency))
}

/// Parses a set of codes (conditions or buying options) from `input`
/// (space/comma separated, case-insensitive) against `allowed`; empty or `-` clears.
pub fn parse_codes(input: &str, allowed: &[&str]) -> Result<Vec<String>, FilterError> {
    let mut codes = Vec::new();
    for word in input
        .split([' ', ','])
        .filter(|w| !w.is_empty() && *w != "-")
    {
        let code = word.to_ascii_uppercase();
        if !allowed.contains(&code.as_str()) {
            return Err(FilterError::UnknownValue(word.to_string()));
        }
        codes.push(code);
    }
    codes.sort();
    codes.dedup();
    Ok(codes)
}

/// Parses an item-location country (two letters) or `-` for none.
pub fn parse_country(input: &str) -> Result<Option<String>, FilterError> {
    let input = input.trim();
    if input == "-" || input.is_empty() {
        return Ok(None);
    }
    if input.len() == 2 && input.chars().all(|c| c.is_ascii_alphabetic()) {
        return Ok(Some(input.to_ascii_uppercase()));
    }
    Err(FilterError::UnknownValue(input.to_string()))
}

/// Parses excluded words (space separated, leading `-` optional) or `-` for none.
pub fn parse_exclude(input: &str) -> Vec<String> {
    let mut words: Vec<String> = input
        .split_whitespace()
        .map(|w| w.trim_start_matches('-').to_lowercase())
        .filter(|w| !w.is_empty())
        .collect();
    words.sort();
    words.dedup();
    words
}

/// The Browse request for `phrase` with `filters`.
pub fn build_query(phrase: &str, filters: &Filters) -> Query {
    let mut q = phrase.to_string();
    for word in &filters.exclude {
        q.push_str(" -");
        q.push_str(word);
    }
    let mut parts = Vec::new();
    let bound = |v: Option<Decimal>| v.map(|d| d.normalize().to_string()).unwrap_or_default();
    if filters.min_price.is_some() || filters.max_price.is_some() {
        parts.push(format!(
            "price:[{}..{}]",
            bound(filters.min_price),
            bound(filters.max_price)
        ));
        parts.push(format!(
            "priceCurrency:{}",
            filters.currency.as_deref().unwrap_or("USD")
        ));
    }
    if !filters.conditions.is_empty() {
        parts.push(format!("conditions:{{{}}}", filters.conditions.join("|")));
    }
    if !filters.buying_options.is_empty() {
        parts.push(format!(
            "buyingOptions:{{{}}}",
            filters.buying_options.join("|")
        ));
    }
    if let Some(country) = &filters.country {
        parts.push(format!("itemLocationCountry:{country}"));
    }
    Query {
        q,
        filter: parts.join(","),
    }
}

/// One-line human summary of the filters (`—` when none).
pub fn describe(filters: &Filters) -> String {
    let mut parts = Vec::new();
    if filters.min_price.is_some() || filters.max_price.is_some() {
        let b = |v: Option<Decimal>| v.map(|d| d.normalize().to_string()).unwrap_or("…".into());
        parts.push(format!(
            "{}–{} {}",
            b(filters.min_price),
            b(filters.max_price),
            filters.currency.as_deref().unwrap_or("USD")
        ));
    }
    if !filters.conditions.is_empty() {
        parts.push(filters.conditions.join("/"));
    }
    if !filters.buying_options.is_empty() {
        parts.push(filters.buying_options.join("/"));
    }
    if let Some(country) = &filters.country {
        parts.push(country.clone());
    }
    for word in &filters.exclude {
        parts.push(format!("-{word}"));
    }
    if parts.is_empty() {
        "—".into()
    } else {
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_documented_filter_syntax() {
        let filters = Filters {
            min_price: Some(Decimal::new(10, 0)),
            max_price: Some(Decimal::new(5050, 2)),
            currency: Some("USD".into()),
            conditions: vec!["NEW".into(), "USED".into()],
            buying_options: vec!["AUCTION".into(), "FIXED_PRICE".into()],
            country: Some("US".into()),
            exclude: vec!["broken".into(), "parts".into()],
        };
        let q = build_query("iphone 13", &filters);
        assert_eq!(q.q, "iphone 13 -broken -parts");
        assert_eq!(
            q.filter,
            "price:[10..50.5],priceCurrency:USD,conditions:{NEW|USED},buyingOptions:{AUCTION|FIXED_PRICE},itemLocationCountry:US"
        );
        let open = Filters {
            max_price: Some(Decimal::new(50, 0)),
            currency: Some("EUR".into()),
            ..Filters::default()
        };
        assert_eq!(
            build_query("x", &open).filter,
            "price:[..50],priceCurrency:EUR"
        );
        assert_eq!(build_query("x", &Filters::default()).filter, "");
    }

    #[test]
    fn bad_input_is_refused() {
        assert_eq!(check_phrase("   "), Err(FilterError::EmptyPhrase));
        assert_eq!(
            check_phrase(&"a".repeat(301)),
            Err(FilterError::PhraseTooLong)
        );
        assert_eq!(check_phrase("  a   b ").as_deref(), Ok("a b"));
        assert_eq!(
            parse_price_range("50 10 USD"),
            Err(FilterError::MinAboveMax)
        );
        assert_eq!(
            parse_price_range("1 2 XYZ"),
            Err(FilterError::UnknownCurrency("XYZ".into()))
        );
        assert!(parse_price_range("a 2 USD").is_err());
        assert!(parse_price_range("-1 2 USD").is_err());
        assert_eq!(
            parse_price_range("- 100 eur"),
            Ok((None, Some(Decimal::new(100, 0)), "EUR".into()))
        );
        assert!(parse_codes("new broken", &CONDITIONS).is_err());
        assert_eq!(
            parse_codes("used, new new", &CONDITIONS).unwrap(),
            ["NEW", "USED"]
        );
        assert!(parse_country("USA").is_err());
        assert_eq!(parse_exclude("-Broken parts parts"), ["broken", "parts"]);
    }
}
