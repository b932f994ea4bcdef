//! The tracking endpoint: bytes and headers for every kind of request, only
//! valid tokens recorded, 10,000 concurrent hits all written.

#[path = "pixel/common.rs"]
mod common;
mod support;

use std::sync::Arc;
use std::time::Duration;

use ppc_helper::app::{App, Mode, Running, Seams};
use ppc_helper::features::pixel::endpoint::GIF;
use ppc_helper::shutdown::Shutdown;
use support::{eventually, test_config, TestDb};

async fn start(db: &TestDb) -> Running {
    let app = App::build(test_config(db), Shutdown::new())
        .await
        .expect("app builds");
    let seams = Seams {
        http_listen: Some("127.0.0.1:0".parse().expect("addr")),
        ..Seams::default()
    };
    app.start(Mode::Run, seams).await.expect("app starts")
}

async fn stop(running: Running) {
    running.shutdown().trigger();
    running.wait().await.expect("clean stop");
}

fn assert_gif_headers(response: &reqwest::Response) {
    let h = response.headers();
    assert_eq!(response.status(), 200);
    assert_eq!(h["content-type"], "image/gif");
    assert_eq!(h["content-length"], "43");
    assert_eq!(
        h["cache-control"],
        "no-store, no-cache, must-revalidate, private"
    );
    assert_eq!(h["pragma"], "no-cache");
    assert_eq!(h["expires"], "0");
    assert_eq!(h["x-robots-tag"], "noindex");
}

#[tokio::test(flavor = "multi_thread")]
async fn every_request_gets_the_gif_and_only_valid_tokens_are_recorded() {
    let db = TestDb::new().await;
    let running = start(&db).await;
    let addr = running.http_addr().expect("addr");
    let client = db.client().await;
    let tokens = common::seed(&client, 1).await;
    let http = common::http();

    let unknown = uuid::Uuid::new_v4();
    let urls = [
        common::url(addr, tokens[0]),
        common::url(addr, unknown),
        format!("http://{addr}/p/not-a-token.gif"),
        format!("http://{addr}/p/{}", tokens[0].simple()),
        format!("http://{addr}/p/{}.gif", tokens[0].hyphenated()),
        format!("http://{addr}/p/a/b/c.gif"),
        format!("http://{addr}/p/%ff%00.gif"),
    ];
    for url in &urls {
        let response = http
            .get(url)
            .header(
                "user-agent",
                "Mozilla/4.0 (compatible; ms-office; MSOffice 16)",
            )
            .send()
            .await
            .expect("get");
        assert_gif_headers(&response);
        assert_eq!(
            response.bytes().await.expect("body").as_ref(),
            &GIF[..],
            "{url}"
        );
    }
    let head = http.head(&urls[0]).send().await.expect("head");
    assert_gif_headers(&head);
    assert!(head.bytes().await.expect("body").is_empty());

    eventually(
        Duration::from_secs(5),
        "the valid hit is written",
        || async { common::opens(&client).await == 1 },
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        common::opens(&client).await,
        1,
        "HEAD, unknown and malformed are not recorded"
    );
    let row = client
        .query_one("SELECT kind, user_agent, ip IS NULL FROM pixel_opens", &[])
        .await
        .expect("row");
    assert_eq!(row.get::<_, String>(0), "human");
    assert!(row.get::<_, String>(1).contains("ms-office"));
    stop(running).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn forwarded_addresses_are_masked() {
    let db = TestDb::new().await;
    let running = start(&db).await;
    let addr = running.http_addr().expect("addr");
    let client = db.client().await;
    let tokens = common::seed(&client, 1).await;
    let http = common::http();
    for ip in ["203.0.113.77", "2001:db8:abcd:12::1"] {
        http.get(common::url(addr, tokens[0]))
            .header("x-forwarded-for", ip)
            .header("user-agent", "Thunderbird/115.0")
            .send()
            .await
            .expect("get");
    }
    eventually(Duration::from_secs(5), "both hits written", || async {
        common::opens(&client).await == 2
    })
    .await;
    let ips: Vec<String> = client
        .query("SELECT host(ip) FROM pixel_opens ORDER BY id", &[])
        .await
        .expect("ips")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(ips, ["203.0.113.0", "2001:db8:abcd::"]);
    stop(running).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn ten_thousand_concurrent_hits_are_all_written() {
    let db = TestDb::new().await;
    let running = start(&db).await;
    let addr = running.http_addr().expect("addr");
    let client = db.client().await;
    let tokens = Arc::new(common::seed(&client, 100).await);
    let http = common::http();
    let limit = Arc::new(tokio::sync::Semaphore::new(500));
    let mut tasks = Vec::new();
    for i in 0..10_000usize {
        let (http, tokens, limit) = (http.clone(), tokens.clone(), limit.clone());
        tasks.push(tokio::spawn(async move {
            let _permit = limit.acquire_owned().await.expect("permit");
            let response = http
                .get(common::url(addr, tokens[i % tokens.len()]))
                .header(
                    "user-agent",
                    "Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Thunderbird/115.5.0",
                )
                .send()
                .await
                .expect("request");
            assert_eq!(response.status(), 200);
            assert_eq!(response.bytes().await.expect("body").len(), 43);
        }));
    }
    for task in tasks {
        task.await.expect("request task");
    }
    eventually(Duration::from_secs(20), "10,000 rows", || async {
        common::opens(&client).await >= 10_000
    })
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(common::opens(&client).await, 10_000);
    assert_eq!(common::dropped(addr).await, 0.0);
    stop(running).await;
}
