//! The "insights every 30 minutes" opt-in (`ebay_alerts.insights_half_hourly`)
//! and the last 30-minute slot whose insights were queued (`insights_slot`).
//!
//! Invariant: a slot is claimed by one conditional `UPDATE`, so however many
//! ticks run at once, an alert's insights are queued at most once per slot.

use chrono::{DateTime, Utc};

use crate::db::Pool;

/// Length of a slot: slots are the half hours since the Unix epoch.
pub const SLOT_SECONDS: i64 = 30 * 60;

/// The slot `at` falls in.
pub fn slot_of(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(SLOT_SECONDS)
}

/// An alert whose insights were claimed for a slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HalfHourlyDue {
    /// The alert.
    pub alert_id: i64,
    /// Its owner chat.
    pub chat_id: i64,
    /// The claimed slot ([`slot_of`]).
    pub slot: i64,
}

/// Switches the chat's alert `id` in or out of half-hourly insights; whether
/// the alert exists in that chat. The claimed slot is kept, so switching off
/// and on again within a half hour does not send twice.
pub async fn set_half_hourly(pool: &Pool, chat_id: i64, id: i64, on: bool) -> anyhow::Result<bool> {
    let db = pool.get().await?;
    Ok(db
        .execute(
            "UPDATE ebay_alerts SET insights_half_hourly = $3 WHERE id = $1 AND chat_id = $2",
            &[&id, &chat_id, &on],
        )
        .await?
        == 1)
}

/// Claims the slot of `now` for every active opted-in alert that has not had
/// it yet and whose query has priced observations since `since` (no data, no
/// insights). Runs inside the caller's transaction so the claim and the jobs
/// it queues commit together.
pub async fn claim_half_hourly(
    tx: &tokio_postgres::Transaction<'_>,
    now: DateTime<Utc>,
    since: DateTime<Utc>,
) -> anyhow::Result<Vec<HalfHourlyDue>> {
    let slot = slot_of(now);
    let rows = tx
        .query(
            "UPDATE ebay_alerts a SET insights_slot = $1 \
             WHERE a.insights_half_hourly AND a.active \
               AND (a.insights_slot IS NULL OR a.insights_slot < $1) \
               AND EXISTS (SELECT 1 FROM ebay_observations o WHERE o.query_key = a.query_key \
                           AND o.seen_at >= $2 AND o.price IS NOT NULL) \
             RETURNING a.id, a.chat_id",
            &[&slot, &since],
        )
        .await?;
    let mut due: Vec<HalfHourlyDue> = rows
        .iter()
        .map(|r| HalfHourlyDue {
            alert_id: r.get(0),
            chat_id: r.get(1),
            slot,
        })
        .collect();
    due.sort_by_key(|d| d.alert_id);
    Ok(due)
}
