//! 14-day price insights: pure computations over stored observations.
//!
//! "Now" means the observations of the last 24 hours, each item at its latest
//! price. "Near the lowest" means a current price at most 5 % above the
//! lowest price seen for the query in the window.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rust_decimal::Decimal;

/// Days covered by insights.
pub const WINDOW_DAYS: i64 = 14;

/// One observation of one listing.
#[derive(Debug, Clone, PartialEq)]
pub struct Obs {
    pub item_id: String,
    pub title: String,
    pub price: Decimal,
    pub currency: String,
    pub url: Option<String>,
    pub seen_at: DateTime<Utc>,
    /// When the item was first seen for this query.
    pub first_seen: DateTime<Utc>,
}

/// A listing as it is now.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing {
    pub item_id: String,
    pub title: String,
    pub price: Decimal,
    pub url: Option<String>,
}

/// One day's prices.
#[derive(Debug, Clone, PartialEq)]
pub struct Day {
    pub date: NaiveDate,
    pub min: Decimal,
    pub median: Decimal,
    pub max: Decimal,
}

/// The insights of one query over the window.
#[derive(Debug, Clone, PartialEq)]
pub struct Insights {
    pub currency: String,
    /// Distinct listings seen in the window.
    pub listings_seen: usize,
    /// Listings first seen in the window.
    pub new_listings: usize,
    pub min: Decimal,
    pub max: Decimal,
    pub average: Decimal,
    pub median: Decimal,
    /// Cheapest listing seen in the last 24 hours.
    pub cheapest_now: Option<Listing>,
    /// Median of current prices.
    pub current_median: Option<Decimal>,
    /// Current median vs the window average, as a ratio change (−0.1 = 10 % below).
    pub vs_average: Option<f64>,
    /// Current listings at most 5 % above the window minimum, cheapest first.
    pub near_lowest: Vec<Listing>,
    /// Daily min / median / max, oldest first.
    pub days: Vec<Day>,
}

/// Why insights could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InsightsError {
    #[error("no priced observations in the last 14 days")]
    Empty,
    #[error("observations mix currencies: {0}")]
    CurrencyMix(String),
}

/// Median of a non-empty slice (sorted in place); the mean of the middle two
/// for even lengths.
pub fn median(values: &mut [Decimal]) -> Option<Decimal> {
    if values.is_empty() {
        return None;
    }
    values.sort();
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / Decimal::TWO
    })
}

/// Computes the insights of `obs` for the window ending at `now`.
pub fn compute(obs: &[Obs], now: DateTime<Utc>) -> Result<Insights, InsightsError> {
    let since = now - Duration::days(WINDOW_DAYS);
    let window: Vec<&Obs> = obs.iter().filter(|o| o.seen_at >= since).collect();
    if window.is_empty() {
        return Err(InsightsError::Empty);
    }
    let currencies: HashSet<&str> = window.iter().map(|o| o.currency.as_str()).collect();
    if currencies.len() > 1 {
        let mut list: Vec<&str> = currencies.into_iter().collect();
        list.sort();
        return Err(InsightsError::CurrencyMix(list.join(", ")));
    }
    let currency = window[0].currency.clone();
    let mut prices: Vec<Decimal> = window.iter().map(|o| o.price).collect();
    let sum: Decimal = prices.iter().copied().sum();
    let average = sum / Decimal::from(prices.len());
    let median_all = median(&mut prices).unwrap_or_default();
    let (min, max) = (prices[0], prices[prices.len() - 1]);

    let mut items: HashSet<&str> = HashSet::new();
    let mut new_items: HashSet<&str> = HashSet::new();
    let mut per_day: BTreeMap<NaiveDate, Vec<Decimal>> = BTreeMap::new();
    let mut latest: HashMap<&str, &Obs> = HashMap::new();
    let recent = now - Duration::hours(24);
    for o in &window {
        items.insert(&o.item_id);
        if o.first_seen >= since {
            new_items.insert(&o.item_id);
        }
        per_day
            .entry(o.seen_at.date_naive())
            .or_default()
            .push(o.price);
        if o.seen_at >= recent {
            let slot = latest.entry(&o.item_id).or_insert(o);
            if o.seen_at > slot.seen_at {
                *slot = o;
            }
        }
    }
    let days = per_day
        .into_iter()
        .map(|(date, mut values)| {
            let median = median(&mut values).unwrap_or_default();
            Day {
                date,
                min: values[0],
                median,
                max: values[values.len() - 1],
            }
        })
        .collect();
    let mut current: Vec<Listing> = latest
        .values()
        .map(|o| Listing {
            item_id: o.item_id.clone(),
            title: o.title.clone(),
            price: o.price,
            url: o.url.clone(),
        })
        .collect();
    current.sort_by(|a, b| {
        a.price
            .cmp(&b.price)
            .then_with(|| a.item_id.cmp(&b.item_id))
    });
    let mut current_prices: Vec<Decimal> = current.iter().map(|l| l.price).collect();
    let current_median = median(&mut current_prices);
    let vs_average = current_median.and_then(|m| ratio_change(m, average));
    let ceiling = min * Decimal::new(105, 2);
    let near_lowest = current
        .iter()
        .filter(|l| l.price <= ceiling)
        .cloned()
        .collect();
    Ok(Insights {
        currency,
        listings_seen: items.len(),
        new_listings: new_items.len(),
        min,
        max,
        average: average.round_dp(2),
        median: median_all,
        cheapest_now: current.first().cloned(),
        current_median,
        vs_average,
        near_lowest,
        days,
    })
}

/// `(current − reference) / reference`, `None` when the reference is zero.
pub fn ratio_change(current: Decimal, reference: Decimal) -> Option<f64> {
    if reference.is_zero() {
        return None;
    }
    let change = (current - reference) / reference;
    change.to_string().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0)
            .single()
            .expect("time")
    }

    fn obs(item: &str, price: i64, seen: DateTime<Utc>, first: DateTime<Utc>) -> Obs {
        Obs {
            item_id: item.into(),
            title: format!("Item {item}"),
            price: Decimal::new(price, 0),
            currency: "USD".into(),
            url: None,
            seen_at: seen,
            first_seen: first,
        }
    }

    #[test]
    fn empty_series_is_an_error() {
        assert_eq!(compute(&[], at(20, 12)), Err(InsightsError::Empty));
        // Older than the window counts as empty too.
        let old = obs("a", 5, at(1, 0), at(1, 0));
        assert_eq!(compute(&[old], at(20, 12)), Err(InsightsError::Empty));
    }

    #[test]
    fn a_single_point() {
        let now = at(20, 12);
        let i = compute(&[obs("a", 40, at(20, 11), at(20, 11))], now).expect("insights");
        assert_eq!((i.listings_seen, i.new_listings), (1, 1));
        assert_eq!(
            (i.min, i.max, i.median, i.average),
            (40.into(), 40.into(), 40.into(), 40.into())
        );
        assert_eq!(i.cheapest_now.expect("cheapest").item_id, "a");
        assert_eq!(i.vs_average, Some(0.0));
        assert_eq!(i.near_lowest.len(), 1);
        assert_eq!(i.days.len(), 1);
    }

    #[test]
    fn a_mix_of_currencies_is_rejected() {
        let mut b = obs("b", 10, at(19, 0), at(19, 0));
        b.currency = "EUR".into();
        let result = compute(&[obs("a", 10, at(19, 0), at(19, 0)), b], at(20, 0));
        assert_eq!(result, Err(InsightsError::CurrencyMix("EUR, USD".into())));
    }

    #[test]
    fn statistics_days_and_near_lowest() {
        let now = at(20, 12);
        let old = at(1, 0); // first seen before the window: not new
        let series = vec![
            obs("a", 100, at(18, 10), old),
            obs("b", 80, at(18, 10), at(18, 10)),
            obs("a", 90, at(19, 10), old),
            obs("b", 60, at(19, 10), at(18, 10)),
            obs("a", 90, at(20, 10), old),
            obs("b", 62, at(20, 10), at(18, 10)),
            obs("c", 200, at(20, 11), at(20, 11)),
        ];
        let i = compute(&series, now).expect("insights");
        assert_eq!((i.listings_seen, i.new_listings), (3, 2));
        assert_eq!((i.min, i.max), (60.into(), 200.into()));
        assert_eq!(i.median, 90.into());
        assert_eq!(i.average, Decimal::new(9743, 2)); // 682 / 7
        assert_eq!(i.days.len(), 3);
        assert_eq!(i.days[0].median, 90.into());
        assert_eq!(i.cheapest_now.as_ref().map(|l| l.price), Some(62.into()));
        assert_eq!(i.current_median, Some(90.into()));
        let near: Vec<&str> = i.near_lowest.iter().map(|l| l.item_id.as_str()).collect();
        assert_eq!(near, ["b"]); // 62 ≤ 63 = 60 × 1.05
        let change = i.vs_average.expect("ratio");
        assert!(
            (change - (90.0 - 682.0 / 7.0) / (682.0 / 7.0)).abs() < 1e-3,
            "{change}"
        );
        assert_eq!(median(&mut []), None);
    }
}
