//! Shapes of VK Ads answers: objects and base statistics. Money arrives as
//! strings ("23328.92") and is kept as `Decimal`; counts may arrive as numbers
//! or strings.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::client::VkError;

/// Which objects a statistics request is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatsLevel {
    /// Campaigns.
    AdPlans,
    AdGroups,
    /// Ads.
    Banners,
    /// Whole accounts.
    Users,
}

impl StatsLevel {
    /// The path segment of the statistics endpoint.
    pub fn path(self) -> &'static str {
        match self {
            StatsLevel::AdPlans => "ad_plans",
            StatsLevel::AdGroups => "ad_groups",
            StatsLevel::Banners => "banners",
            StatsLevel::Users => "users",
        }
    }
}

/// A campaign, ad group, ad or agency client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VkObject {
    /// The object id.
    pub id: i64,
    /// Its name (an agency client's user name).
    pub name: String,
    /// `active`, `blocked`, … (empty when the API gives none).
    pub status: String,
}

/// The `base` metrics we use. Ratios are recomputed from these, never summed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Base {
    /// Impressions.
    pub shows: i64,
    /// Clicks.
    pub clicks: i64,
    /// Money spent (from a decimal string).
    pub spent: Decimal,
    /// Goals (conversions); the old API has none.
    pub goals: i64,
}

impl Base {
    /// Reads a `base` object; missing or malformed fields count as zero.
    pub fn parse(value: &Value) -> Base {
        Base {
            shows: int(&value["shows"]),
            clicks: int(&value["clicks"]),
            spent: dec(&value["spent"]),
            goals: int(&value["goals"]),
        }
    }

    /// Adds `other` in place.
    pub fn add(&mut self, other: &Base) {
        self.shows += other.shows;
        self.clicks += other.clicks;
        self.spent += other.spent;
        self.goals += other.goals;
    }
}

/// One day of one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayRow {
    /// The day.
    pub date: NaiveDate,
    /// Its metrics.
    pub base: Base,
}

/// The daily rows of one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemStats {
    /// The object id.
    pub id: i64,
    /// Its days with activity, by date.
    pub rows: Vec<DayRow>,
}

fn dec(value: &Value) -> Decimal {
    match value {
        Value::String(s) => Decimal::from_str(s.trim()).unwrap_or_default(),
        Value::Number(n) => Decimal::from_str(&n.to_string())
            .or_else(|_| Decimal::from_scientific(&n.to_string()))
            .unwrap_or_default(),
        _ => Decimal::ZERO,
    }
}

fn int(value: &Value) -> i64 {
    use rust_decimal::prelude::ToPrimitive;
    match value {
        Value::Number(n) => n
            .as_i64()
            .unwrap_or_else(|| dec(value).trunc().to_i64().unwrap_or(0)),
        _ => dec(value).trunc().to_i64().unwrap_or(0),
    }
}

/// An object of a list answer; agency clients carry their id and name in `user`.
pub(super) fn parse_object(item: &Value) -> Option<VkObject> {
    let user = &item["user"];
    let id = item["id"].as_i64().or_else(|| user["id"].as_i64())?;
    let name = item["name"]
        .as_str()
        .or_else(|| user["client_username"].as_str())
        .or_else(|| user["username"].as_str())
        .map(str::to_string)
        .unwrap_or_else(|| id.to_string());
    let status = item["status"].as_str().unwrap_or_default().to_string();
    Some(VkObject { id, name, status })
}

/// The items of a `day.json` answer.
pub(super) fn parse_items(body: &Value) -> Result<Vec<ItemStats>, VkError> {
    let items = body["items"]
        .as_array()
        .ok_or_else(|| VkError::Decode("statistics without items".into()))?;
    items
        .iter()
        .map(|item| {
            let id = item["id"]
                .as_i64()
                .ok_or_else(|| VkError::Decode("statistics item without id".into()))?;
            let rows = item["rows"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|row| {
                    let date = NaiveDate::parse_from_str(row["date"].as_str()?, "%Y-%m-%d").ok()?;
                    Some(DayRow {
                        date,
                        base: Base::parse(&row["base"]),
                    })
                })
                .collect();
            Ok(ItemStats { id, rows })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn money_strings_and_loose_numbers_parse() {
        let base = Base::parse(
            &json!({"shows": 1200, "clicks": "14", "spent": "23328.92", "goals": 2.0, "ctr": 1.1}),
        );
        assert_eq!(base.shows, 1200);
        assert_eq!(base.clicks, 14);
        assert_eq!(
            base.spent,
            Decimal::from_str("23328.92").unwrap_or_default()
        );
        assert_eq!(base.goals, 2);
        assert_eq!(Base::parse(&json!({})), Base::default());
        let agency = parse_object(
            &json!({"user": {"id": 5, "client_username": "shop"}, "status": "active"}),
        );
        assert_eq!(agency.map(|o| o.name), Some("shop".to_string()));
    }
}
