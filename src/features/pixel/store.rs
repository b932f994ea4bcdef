//! SQL of the pixel feature. Every query that takes a campaign id from a user
//! also takes the chat, so a chat only ever sees its own campaigns.

use std::collections::HashMap;

use anyhow::Context;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::import::Row;
use crate::db::Pool;

/// A campaign as listed.
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignSummary {
    pub id: i64,
    pub name: String,
    pub contacts: i64,
}

/// A campaign's card.
#[derive(Debug, Clone, PartialEq)]
pub struct Campaign {
    pub id: i64,
    pub chat_id: i64,
    pub name: String,
    pub live_notify: bool,
    /// Group name and its number of contacts, by name.
    pub groups: Vec<(String, i64)>,
    pub contacts: i64,
}

/// Counts of one import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportCounts {
    pub imported: u64,
    pub updated: u64,
}

/// One line of the export.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRow {
    pub email: String,
    pub name: String,
    pub group: String,
    pub number: i32,
    pub token: Uuid,
}

/// One stored hit, for reports.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenRow {
    pub contact_id: i64,
    pub group: String,
    pub opened_at: DateTime<Utc>,
    pub kind: String,
}

/// A contact's first human or proxy open in a campaign that notifies.
#[derive(Debug, Clone, PartialEq)]
pub struct FirstOpen {
    pub campaign_id: i64,
    pub chat_id: i64,
    pub campaign: String,
    pub email: String,
    pub name: String,
    pub group: String,
}

/// Creates a campaign owned by `chat_id`; returns its id.
pub async fn create(pool: &Pool, chat_id: i64, user_id: i64, name: &str) -> anyhow::Result<i64> {
    let client = pool.get().await.context("database connection")?;
    let row = client
        .query_one(
            "INSERT INTO pixel_campaigns (chat_id, name, created_by) VALUES ($1, $2, $3) RETURNING id",
            &[&chat_id, &name, &user_id],
        )
        .await
        .context("creating a campaign")?;
    Ok(row.get(0))
}

/// The chat's campaigns, newest first, with their contact counts.
pub async fn list(pool: &Pool, chat_id: i64) -> anyhow::Result<Vec<CampaignSummary>> {
    let client = pool.get().await.context("database connection")?;
    let rows = client
        .query(
            "SELECT c.id, c.name, (SELECT count(*) FROM pixel_contacts ct WHERE ct.campaign_id = c.id)
             FROM pixel_campaigns c WHERE c.chat_id = $1 ORDER BY c.id DESC",
            &[&chat_id],
        )
        .await
        .context("listing campaigns")?;
    Ok(rows
        .iter()
        .map(|r| CampaignSummary {
            id: r.get(0),
            name: r.get(1),
            contacts: r.get(2),
        })
        .collect())
}

/// The campaign `id` if it belongs to `chat_id`.
pub async fn get(pool: &Pool, chat_id: i64, id: i64) -> anyhow::Result<Option<Campaign>> {
    let client = pool.get().await.context("database connection")?;
    let Some(row) = client
        .query_opt(
            "SELECT id, chat_id, name, live_notify FROM pixel_campaigns WHERE id = $1 AND chat_id = $2",
            &[&id, &chat_id],
        )
        .await
        .context("reading a campaign")?
    else {
        return Ok(None);
    };
    let groups = client
        .query(
            "SELECT g.name, count(ct.id) FROM pixel_groups g
             LEFT JOIN pixel_contacts ct ON ct.group_id = g.id
             WHERE g.campaign_id = $1 GROUP BY g.id, g.name ORDER BY g.name",
            &[&id],
        )
        .await
        .context("reading a campaign's groups")?;
    let groups: Vec<(String, i64)> = groups.iter().map(|r| (r.get(0), r.get(1))).collect();
    Ok(Some(Campaign {
        id: row.get(0),
        chat_id: row.get(1),
        name: row.get(2),
        live_notify: row.get(3),
        contacts: groups.iter().map(|(_, n)| n).sum(),
        groups,
    }))
}

/// Turns live notifications on or off; false when the campaign is not the chat's.
pub async fn set_live(pool: &Pool, chat_id: i64, id: i64, on: bool) -> anyhow::Result<bool> {
    let client = pool.get().await.context("database connection")?;
    let n = client
        .execute(
            "UPDATE pixel_campaigns SET live_notify = $3 WHERE id = $1 AND chat_id = $2",
            &[&id, &chat_id, &on],
        )
        .await
        .context("switching live notifications")?;
    Ok(n == 1)
}

/// Deletes the campaign with everything under it; false when not the chat's.
pub async fn delete(pool: &Pool, chat_id: i64, id: i64) -> anyhow::Result<bool> {
    let client = pool.get().await.context("database connection")?;
    let n = client
        .execute(
            "DELETE FROM pixel_campaigns WHERE id = $1 AND chat_id = $2",
            &[&id, &chat_id],
        )
        .await
        .context("deleting a campaign")?;
    Ok(n == 1)
}

/// Writes checked rows into campaign `id` in one transaction: new contacts
/// are inserted, existing ones (same group and e-mail) get the new name and
/// send time; missing pixel numbers up to the row's count get new tokens
/// (pixels are never removed, their opens stay).
pub async fn import(pool: &Pool, id: i64, rows: &[Row]) -> anyhow::Result<ImportCounts> {
    let mut client = pool.get().await.context("database connection")?;
    let tx = client.transaction().await.context("starting the import")?;
    let mut names: Vec<&str> = rows.iter().map(|r| r.group.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    tx.execute(
        "INSERT INTO pixel_groups (campaign_id, name) SELECT $1, unnest($2::text[])
         ON CONFLICT (campaign_id, name) DO NOTHING",
        &[&id, &names],
    )
    .await
    .context("creating groups")?;
    let group_ids: HashMap<String, i64> = tx
        .query(
            "SELECT name, id FROM pixel_groups WHERE campaign_id = $1 AND name = ANY($2)",
            &[&id, &names],
        )
        .await
        .context("reading groups")?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let mut groups = Vec::with_capacity(rows.len());
    for row in rows {
        groups.push(*group_ids.get(&row.group).context("a group vanished")?);
    }
    let emails: Vec<&str> = rows.iter().map(|r| r.email.as_str()).collect();
    let contact_names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    let times: Vec<Option<DateTime<Utc>>> = rows.iter().map(|r| r.scheduled_at).collect();
    let written = tx
        .query(
            "INSERT INTO pixel_contacts (campaign_id, group_id, email, name, scheduled_at)
             SELECT $1, u.g, u.e, u.n, u.s
             FROM unnest($2::bigint[], $3::text[], $4::text[], $5::timestamptz[]) AS u(g, e, n, s)
             ON CONFLICT (campaign_id, group_id, email)
             DO UPDATE SET name = EXCLUDED.name, scheduled_at = EXCLUDED.scheduled_at
             RETURNING id, group_id, email, (xmax = 0)",
            &[&id, &groups, &emails, &contact_names, &times],
        )
        .await
        .context("writing contacts")?;
    let mut counts = ImportCounts::default();
    let mut contact_of: HashMap<(i64, String), i64> = HashMap::with_capacity(written.len());
    for row in &written {
        if row.get::<_, bool>(3) {
            counts.imported += 1;
        } else {
            counts.updated += 1;
        }
        contact_of.insert((row.get(1), row.get(2)), row.get(0));
    }
    let (mut contacts, mut numbers, mut tokens) = (Vec::new(), Vec::new(), Vec::new());
    for (row, group) in rows.iter().zip(&groups) {
        let contact = *contact_of
            .get(&(*group, row.email.clone()))
            .context("a contact vanished")?;
        for number in 1..=row.pixels as i32 {
            contacts.push(contact);
            numbers.push(number);
            tokens.push(Uuid::new_v4());
        }
    }
    tx.execute(
        "INSERT INTO pixel_pixels (contact_id, number, token)
         SELECT * FROM unnest($1::bigint[], $2::int[], $3::uuid[])
         ON CONFLICT (contact_id, number) DO NOTHING",
        &[&contacts, &numbers, &tokens],
    )
    .await
    .context("writing pixels")?;
    tx.commit().await.context("committing the import")?;
    Ok(counts)
}

/// Every pixel of campaign `id`, by group, e-mail and number.
pub async fn export_rows(pool: &Pool, id: i64) -> anyhow::Result<Vec<ExportRow>> {
    let client = pool.get().await.context("database connection")?;
    let rows = client
        .query(
            "SELECT ct.email, ct.name, g.name, p.number, p.token
             FROM pixel_contacts ct
             JOIN pixel_groups g ON g.id = ct.group_id
             JOIN pixel_pixels p ON p.contact_id = ct.id
             WHERE ct.campaign_id = $1 ORDER BY g.name, ct.email, p.number",
            &[&id],
        )
        .await
        .context("reading pixels")?;
    Ok(rows
        .iter()
        .map(|r| ExportRow {
            email: r.get(0),
            name: r.get(1),
            group: r.get(2),
            number: r.get(3),
            token: r.get(4),
        })
        .collect())
}

/// Every hit of campaign `id`, by contact and time.
pub async fn opens(pool: &Pool, id: i64) -> anyhow::Result<Vec<OpenRow>> {
    let client = pool.get().await.context("database connection")?;
    let rows = client
        .query(
            "SELECT ct.id, g.name, o.opened_at, o.kind
             FROM pixel_opens o
             JOIN pixel_pixels p ON p.id = o.pixel_id
             JOIN pixel_contacts ct ON ct.id = p.contact_id
             JOIN pixel_groups g ON g.id = ct.group_id
             WHERE ct.campaign_id = $1 ORDER BY ct.id, o.opened_at",
            &[&id],
        )
        .await
        .context("reading opens")?;
    Ok(rows
        .iter()
        .map(|r| OpenRow {
            contact_id: r.get(0),
            group: r.get(1),
            opened_at: r.get(2),
            kind: r.get(3),
        })
        .collect())
}

/// Pixels of live-notified campaigns whose contact has a human or proxy open
/// on record but was never announced: opens written just before a restart,
/// which the in-memory list of the notifier lost. Read once at start.
pub async fn unannounced_pixels(pool: &Pool) -> anyhow::Result<Vec<i64>> {
    let client = pool.get().await.context("database connection")?;
    let rows = client
        .query(
            "SELECT DISTINCT p.id
             FROM pixel_campaigns c
             JOIN pixel_contacts ct ON ct.campaign_id = c.id AND ct.first_open_at IS NULL
             JOIN pixel_pixels p ON p.contact_id = ct.id
             WHERE c.live_notify AND EXISTS (
                 SELECT 1 FROM pixel_opens o
                 WHERE o.pixel_id = p.id AND o.kind IN ('human', 'proxy'))
             ORDER BY p.id",
            &[],
        )
        .await
        .context("finding opens never announced")?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// Marks the first human/proxy open of the contacts of `pixel_ids` (once per
/// contact, ever) and returns those in campaigns with live notifications.
/// Runs in the caller's transaction, so the claim holds only if the
/// notifications are enqueued too.
pub async fn claim_first_opens(
    tx: &tokio_postgres::Transaction<'_>,
    pixel_ids: &[i64],
) -> anyhow::Result<Vec<FirstOpen>> {
    let rows = tx
        .query(
            "WITH hit AS (
                 SELECT DISTINCT contact_id FROM pixel_pixels WHERE id = ANY($1)
             ), claimed AS (
                 UPDATE pixel_contacts ct SET first_open_at = now()
                 FROM hit WHERE ct.id = hit.contact_id AND ct.first_open_at IS NULL
                 RETURNING ct.campaign_id, ct.group_id, ct.email, ct.name
             )
             SELECT c.id, c.chat_id, c.name, cl.email, cl.name, g.name
             FROM claimed cl
             JOIN pixel_campaigns c ON c.id = cl.campaign_id
             JOIN pixel_groups g ON g.id = cl.group_id
             WHERE c.live_notify ORDER BY c.id, g.name, cl.email",
            &[&pixel_ids],
        )
        .await
        .context("claiming first opens")?;
    Ok(rows
        .iter()
        .map(|r| FirstOpen {
            campaign_id: r.get(0),
            chat_id: r.get(1),
            campaign: r.get(2),
            email: r.get(3),
            name: r.get(4),
            group: r.get(5),
        })
        .collect())
}
