//! Helper of `bench/pixel.sh` (the benchmark of the tracking endpoint).
//!
//! - `up <dir>`: starts a private PostgreSQL cluster under `<dir>`, applies
//!   the app's migrations, seeds one campaign with one pixel and prints
//!   `URL=<database url>` and `TOKEN=<token>`; the cluster keeps running.
//! - `count <database url>`: prints the number of recorded hits.
//! - `down <dir>`: stops the cluster.

use anyhow::Context;
use ppc_helper::app::App;
use ppc_helper::config::Config;
use ppc_helper::db::embedded::{EmbeddedOptions, EmbeddedPostgres};
use ppc_helper::shutdown::Shutdown;

fn options(dir: &str) -> EmbeddedOptions {
    EmbeddedOptions {
        data_dir: std::path::Path::new(dir).join("pg"),
        os_user: "postgres".into(),
        database: "bench_pixel".into(),
    }
}

async fn connect(url: &str) -> anyhow::Result<tokio_postgres::Client> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .context("connecting to the bench database")?;
    tokio::spawn(connection);
    Ok(client)
}

async fn up(dir: &str) -> anyhow::Result<()> {
    let cluster = EmbeddedPostgres::start(options(dir))
        .await
        .context("starting PostgreSQL (apt-get install postgresql)")?;
    let url = cluster.url();
    let mut config = Config::default();
    config.database.url = Some(url.clone().into());
    App::build(config, Shutdown::new())
        .await
        .context("migrating")?
        .close()
        .await?;
    let client = connect(&url).await?;
    let token = uuid::Uuid::new_v4();
    client
        .batch_execute(&format!(
            "WITH c AS (INSERT INTO pixel_campaigns (chat_id, name, created_by) VALUES (1, 'bench', 1) RETURNING id),
                  g AS (INSERT INTO pixel_groups (campaign_id, name) SELECT id, 'g' FROM c RETURNING id, campaign_id),
                  ct AS (INSERT INTO pixel_contacts (campaign_id, group_id, email, scheduled_at)
                         SELECT campaign_id, id, 'bench@example.com', '2020-01-01 00:00:00+00' FROM g RETURNING id)
             INSERT INTO pixel_pixels (contact_id, number, token) SELECT id, 1, '{token}' FROM ct"
        ))
        .await
        .context("seeding")?;
    println!("URL={url}");
    println!("TOKEN={}", token.simple());
    // Keep the cluster running for the app: dropping it would stop it.
    std::mem::forget(cluster);
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["up", dir] => up(dir).await,
        ["count", url] => {
            let client = connect(url).await?;
            let n: i64 = client
                .query_one("SELECT count(*) FROM pixel_opens", &[])
                .await?
                .get(0);
            println!("{n}");
            Ok(())
        }
        ["down", dir] => EmbeddedPostgres::start(options(dir))
            .await?
            .stop()
            .await
            .context("stopping PostgreSQL"),
        _ => anyhow::bail!("usage: bench_pixel up <dir> | count <database url> | down <dir>"),
    }
}
