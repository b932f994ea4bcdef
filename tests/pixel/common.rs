//! Shared helpers of the pixel tests: seeding pixels straight into the
//! database and hitting the tracking endpoint.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use uuid::Uuid;

/// Creates a campaign with one group and `n` contacts of one pixel each,
/// scheduled long ago; returns the tokens.
pub async fn seed(client: &tokio_postgres::Client, n: usize) -> Vec<Uuid> {
    let campaign: i64 = client
        .query_one(
            "INSERT INTO pixel_campaigns (chat_id, name, created_by) VALUES (1, 'seed', 1) RETURNING id",
            &[],
        )
        .await
        .expect("campaign")
        .get(0);
    let group: i64 = client
        .query_one(
            "INSERT INTO pixel_groups (campaign_id, name) VALUES ($1, 'g') RETURNING id",
            &[&campaign],
        )
        .await
        .expect("group")
        .get(0);
    let mut tokens = Vec::new();
    for i in 0..n {
        let contact: i64 = client
            .query_one(
                "INSERT INTO pixel_contacts (campaign_id, group_id, email, scheduled_at)
                 VALUES ($1, $2, $3, '2020-01-01T00:00:00Z') RETURNING id",
                &[&campaign, &group, &format!("c{i}@example.com")],
            )
            .await
            .expect("contact")
            .get(0);
        let token = Uuid::new_v4();
        client
            .execute(
                "INSERT INTO pixel_pixels (contact_id, number, token) VALUES ($1, 1, $2)",
                &[&contact, &token],
            )
            .await
            .expect("pixel");
        tokens.push(token);
    }
    tokens
}

/// The URL of `token` on the server at `addr`.
pub fn url(addr: SocketAddr, token: Uuid) -> String {
    format!("http://{addr}/p/{}.gif", token.simple())
}

/// Rows in `pixel_opens`.
pub async fn opens(client: &tokio_postgres::Client) -> i64 {
    client
        .query_one("SELECT count(*) FROM pixel_opens", &[])
        .await
        .expect("count opens")
        .get(0)
}

/// An HTTP client for many concurrent requests.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(512)
        .build()
        .expect("client")
}

/// `pixel_hits_dropped_total` from `/metrics` (0 when never incremented).
pub async fn dropped(addr: SocketAddr) -> f64 {
    let body = reqwest::get(format!("http://{addr}/metrics"))
        .await
        .expect("metrics")
        .text()
        .await
        .expect("metrics body");
    body.lines()
        .find(|l| l.starts_with("pixel_hits_dropped_total"))
        .and_then(|l| l.split_whitespace().last())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}
