//! The insights of an alert as messages: loaded from the observations,
//! computed ([`super::insights`], pure), rendered as text and a PNG chart
//! written under `files/ebay/`. Used by the insights jobs and the benchmark.

use anyhow::Context;
use chrono::{DateTime, Utc};

use super::insights::{compute, Insights, InsightsError, WINDOW_DAYS};
use super::store::{self, Alert};
use super::texts::texts;
use super::EbayState;
use crate::db::Pool;
use crate::render::chart::{daily_lines, DailySeries};
use crate::render::format::{delta, money};
use crate::telegram::lang::Lang;
use crate::telegram::sender::{OutMessage, Outbound};
use crate::telegram::texts::{fill, html};

/// Loads and computes the insights of `alert` at `now`.
pub async fn load_insights(
    pool: &Pool,
    alert: &Alert,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<Insights, InsightsError>> {
    let since = now - chrono::Duration::days(WINDOW_DAYS);
    let obs = store::observations_since(pool, &alert.query_key, since).await?;
    Ok(compute(&obs, now))
}

/// The chart PNG of `insights`.
pub fn chart_png(lang: Lang, alert: &Alert, insights: &Insights) -> anyhow::Result<Vec<u8>> {
    let t = texts(lang);
    let f = |v: rust_decimal::Decimal| v.to_string().parse::<f64>().unwrap_or(0.0);
    let series =
        |name: &str, pick: fn(&super::insights::Day) -> rust_decimal::Decimal| DailySeries {
            name: name.to_string(),
            points: insights.days.iter().map(|d| (d.date, f(pick(d)))).collect(),
        };
    let lines = [
        series("min", |d| d.min),
        series("median", |d| d.median),
        series("max", |d| d.max),
    ];
    let title = fill(t.chart_title, &[("phrase", &alert.phrase)]);
    Ok(daily_lines(&title, &insights.currency, &lines, None)?)
}

/// The insights text (HTML).
pub fn insights_text(lang: Lang, alert: &Alert, i: &Insights) -> String {
    let t = texts(lang);
    let cheapest = i.cheapest_now.as_ref().map_or(t.none.to_string(), |l| {
        format!("{} {} — {}", money(l.price), i.currency, html(&l.title))
    });
    let near = if i.near_lowest.is_empty() {
        t.none.to_string()
    } else {
        i.near_lowest.len().to_string()
    };
    let vs = i
        .vs_average
        .map_or("—".to_string(), |r| delta(1.0 + r, 1.0));
    let title = fill(
        t.insights_title,
        &[("phrase", &html(&alert.phrase)), ("id", &alert.id)],
    );
    let body = fill(
        t.insights_body,
        &[
            ("seen", &i.listings_seen),
            ("new", &i.new_listings),
            ("min", &money(i.min)),
            ("median", &money(i.median)),
            ("max", &money(i.max)),
            ("average", &money(i.average)),
            ("currency", &i.currency),
            ("cheapest", &cheapest),
            ("delta", &vs),
            ("near", &near),
        ],
    );
    format!("{title}\n{body}")
}

/// The messages of the insights of `alert`: text and chart, or the reason
/// there are none (nothing at all when there is no data and `quiet_when_empty`).
pub async fn insights_messages(
    state: &EbayState,
    pool: &Pool,
    alert: &Alert,
    lang: Lang,
    now: DateTime<Utc>,
    quiet_when_empty: bool,
) -> anyhow::Result<Vec<Outbound>> {
    let t = texts(lang);
    let chat = alert.chat_id;
    let insights = match load_insights(pool, alert, now).await? {
        Ok(insights) => insights,
        Err(InsightsError::Empty) if quiet_when_empty => return Ok(Vec::new()),
        Err(InsightsError::Empty) => {
            let text = fill(t.insights_empty, &[("id", &alert.id)]);
            return Ok(vec![Outbound::text(chat, text, Vec::new())]);
        }
        Err(InsightsError::CurrencyMix(list)) => {
            let text = fill(t.insights_mixed, &[("id", &alert.id), ("list", &list)]);
            return Ok(vec![Outbound::text(chat, text, Vec::new())]);
        }
    };
    let text = insights_text(lang, alert, &insights);
    let png = {
        let (alert, insights) = (alert.clone(), insights.clone());
        tokio::task::spawn_blocking(move || chart_png(lang, &alert, &insights)).await??
    };
    std::fs::create_dir_all(&state.files_dir)
        .with_context(|| format!("creating {}", state.files_dir.display()))?;
    let path = state.files_dir.join(format!(
        "insights-{}-{}.png",
        alert.id,
        now.timestamp_millis()
    ));
    std::fs::write(&path, png).with_context(|| format!("writing {}", path.display()))?;
    let caption = fill(t.chart_caption, &[("currency", &insights.currency)]);
    Ok(vec![
        Outbound::text(chat, text, Vec::new()),
        Outbound {
            chat_id: chat,
            message: OutMessage::Photo {
                path,
                caption: Some(caption),
            },
            broadcast_id: None,
            deferred: false,
        },
    ])
}
