//! The eBay client against a wiremock fake in the documented wire format:
//! one shared token, re-minting before expiry, 401 → mint once and retry once,
//! rejected credentials, 429 / 5xx / 400 typed, lenient parsing, the request.

#[path = "ebay/fake.rs"]
mod fake;
mod support;

use std::time::Duration;

use fake::{item, FakeEbay, SEARCH_PATH, TOKEN_PATH};
use ppc_helper::app::App;
use ppc_helper::features::ebay::client::{EbayClient, EbayError};
use ppc_helper::features::ebay::filters::{build_query, Filters};
use ppc_helper::shutdown::Shutdown;
use rust_decimal::Decimal;
use secrecy::SecretString;
use serde_json::json;
use support::{test_config, TestDb};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn app() -> (TestDb, App) {
    let db = TestDb::new().await;
    let app = App::build(test_config(&db), Shutdown::new())
        .await
        .expect("app builds");
    (db, app)
}

fn client(app: &App, base: &str) -> EbayClient {
    EbayClient::new(
        base,
        "app-id",
        SecretString::from("app-secret".to_string()),
        app.pool().clone(),
    )
}

fn plain(q: &str) -> ppc_helper::features::ebay::filters::Query {
    build_query(q, &Filters::default())
}

async fn calls_today(app: &App) -> i32 {
    let db = app.pool().get().await.expect("db");
    db.query_opt("SELECT calls FROM ebay_calls WHERE day = CURRENT_DATE", &[])
        .await
        .expect("calls")
        .map_or(0, |r| r.get(0))
}

#[tokio::test(flavor = "multi_thread")]
async fn one_token_is_minted_and_shared_by_every_client() {
    let (_db, app) = app().await;
    let fake = FakeEbay::start().await;
    fake.set("lens", vec![item(1, "Lens", "10.00")]);
    let first = client(&app, &fake.uri());
    // A second client stands for another worker process: it reads the stored token.
    let second = client(&app, &fake.uri());
    for _ in 0..5 {
        assert_eq!(
            first
                .search(&plain("lens"), "EBAY_US")
                .await
                .expect("search")
                .items
                .len(),
            1
        );
        second
            .search(&plain("lens"), "EBAY_US")
            .await
            .expect("search");
    }
    assert_eq!(fake.count(TOKEN_PATH).await, 1);
    assert_eq!(fake.count(SEARCH_PATH).await, 10);
    assert_eq!(calls_today(&app).await, 10);
    let request = &fake.server.received_requests().await.expect("requests")[0];
    let auth = request
        .headers
        .get("authorization")
        .expect("basic auth")
        .to_str()
        .unwrap();
    assert_eq!(auth, "Basic YXBwLWlkOmFwcC1zZWNyZXQ="); // base64("app-id:app-secret")
    let body = String::from_utf8_lossy(&request.body);
    assert!(body.contains("grant_type=client_credentials"), "{body}");
    assert!(
        body.contains("scope=https%3A%2F%2Fapi.ebay.com%2Foauth%2Fapi_scope"),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_is_minted_again_five_minutes_before_it_expires() {
    let (_db, app) = app().await;
    // 200 s left is inside the 5-minute margin: every use mints a new one.
    let fake = FakeEbay::start_with(200).await;
    let c = client(&app, &fake.uri());
    c.search(&plain("x"), "EBAY_US").await.expect("search");
    c.search(&plain("x"), "EBAY_US").await.expect("search");
    assert_eq!(fake.count(TOKEN_PATH).await, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stale_token_is_dropped_minted_once_and_retried_once() {
    let (_db, app) = app().await;
    let fake = FakeEbay::start().await;
    // Plant a token the fake does not know (as if eBay revoked it early).
    let db = app.pool().get().await.expect("db");
    db.execute(
        "INSERT INTO ebay_token (id, access_token, expires_at) VALUES (1, 'stale', now() + interval '1 hour')",
        &[],
    )
    .await
    .expect("plant");
    let c = client(&app, &fake.uri());
    fake.set("x", vec![item(1, "X", "1.00")]);
    assert_eq!(
        c.search(&plain("x"), "EBAY_US")
            .await
            .expect("retried")
            .items
            .len(),
        1
    );
    assert_eq!(
        (fake.count(TOKEN_PATH).await, fake.count(SEARCH_PATH).await),
        (1, 2)
    );
    let stored: String = db
        .query_one("SELECT access_token FROM ebay_token", &[])
        .await
        .expect("token")
        .get(0);
    assert_eq!(stored, "tok-1");

    // A 401 that persists is not retried forever: one retry, then Unauthorized.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "t", "expires_in": 7200})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(SEARCH_PATH))
        .respond_with(ResponseTemplate::new(401).set_body_json(
            json!({"errors": [{"errorId": 1001, "message": "Invalid access token"}]}),
        ))
        .mount(&server)
        .await;
    let c = client(&app, &server.uri());
    assert!(matches!(
        c.search(&plain("x"), "EBAY_US").await,
        Err(EbayError::Unauthorized)
    ));
    let searches = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == SEARCH_PATH)
        .count();
    assert_eq!(searches, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn rejected_credentials_are_a_clear_error_without_a_search() {
    let (_db, app) = app().await;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(401).set_body_json(
            json!({"error": "invalid_client", "error_description": "client authentication failed"}),
        ))
        .mount(&server)
        .await;
    let c = client(&app, &server.uri());
    match c.search(&plain("x"), "EBAY_US").await {
        Err(error @ EbayError::CredentialsRejected(_)) => {
            let text = error.to_string();
            assert!(text.contains("eBay credentials rejected"), "{text}");
            assert!(text.contains("invalid_client"), "{text}");
        }
        other => panic!("expected CredentialsRejected, got {other:?}"),
    }
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "no search without a token"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn rate_limits_server_errors_and_bad_requests_are_typed() {
    let (_db, app) = app().await;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "t", "expires_in": 7200})),
        )
        .mount(&server)
        .await;
    let search = |status: u16, body: serde_json::Value, q: &str| {
        Mock::given(method("GET"))
            .and(path(SEARCH_PATH))
            .and(wiremock::matchers::query_param("q", q))
            .respond_with(
                ResponseTemplate::new(status)
                    .set_body_json(body)
                    .insert_header("Retry-After", "120"),
            )
    };
    search(
        429,
        json!({"errors": [{"errorId": 2001, "message": "Too many requests"}]}),
        "busy",
    )
    .mount(&server)
    .await;
    search(
        500,
        json!({"errors": [{"errorId": 10001, "message": "System error"}]}),
        "down",
    )
    .mount(&server)
    .await;
    search(
        400,
        json!({"errors": [{"errorId": 12002, "message": "Invalid filter"}]}),
        "bad",
    )
    .mount(&server)
    .await;
    let c = client(&app, &server.uri());
    match c.search(&plain("busy"), "EBAY_US").await {
        Err(EbayError::RateLimited { retry_after }) => {
            assert_eq!(retry_after, Duration::from_secs(120))
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    assert!(matches!(
        c.search(&plain("down"), "EBAY_US").await,
        Err(EbayError::Unavailable(_))
    ));
    match c.search(&plain("bad"), "EBAY_US").await {
        Err(EbayError::BadRequest { error_id, message }) => {
            assert_eq!((error_id, message.as_str()), (12002, "Invalid filter"))
        }
        other => panic!("expected BadRequest, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn responses_are_parsed_leniently_and_the_request_is_built_right() {
    let (_db, app) = app().await;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "t", "expires_in": 7200})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(SEARCH_PATH))
        .and(header("X-EBAY-C-MARKETPLACE-ID", "EBAY_DE"))
        .and(header("authorization", "Bearer t"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "total": 4,
            "itemSummaries": [
                item(1, "Full", "19.99"),
                {"itemId": "v1|2|0", "title": "Bare"},
                {"itemId": "v1|3|0"},
                {"itemId": "v1|4|0", "title": "Odd", "price": {"value": 7.5, "currency": "EUR"}, "surprise": [1, 2]}
            ],
            "warnings": [{"errorId": 12019, "message": "The 'sort' value is ignored", "longMessage": "…"}]
        })))
        .mount(&server)
        .await;
    let filters = Filters {
        min_price: Some(Decimal::new(10, 0)),
        max_price: Some(Decimal::new(50, 0)),
        currency: Some("EUR".into()),
        conditions: vec!["USED".into()],
        buying_options: vec!["AUCTION".into(), "FIXED_PRICE".into()],
        country: Some("DE".into()),
        exclude: vec!["defekt".into()],
    };
    let c = client(&app, &server.uri());
    let result = c
        .search(&build_query("objektiv 50mm", &filters), "EBAY_DE")
        .await
        .expect("search");
    let ids: Vec<&str> = result.items.iter().map(|i| i.item_id.as_str()).collect();
    assert_eq!(ids, ["v1|1|0", "v1|2|0", "v1|4|0"]);
    assert_eq!(result.items[0].price, Some(Decimal::new(1999, 2)));
    assert_eq!(result.items[0].shipping, Some(Decimal::new(499, 2)));
    assert_eq!(result.items[1].price, None);
    assert_eq!(result.items[2].price, Some(Decimal::new(75, 1)));
    assert_eq!(result.warnings.len(), 1);

    let requests = server.received_requests().await.unwrap();
    let search = requests
        .iter()
        .find(|r| r.url.path() == SEARCH_PATH)
        .expect("search request");
    let params: std::collections::HashMap<String, String> =
        search.url.query_pairs().into_owned().collect();
    assert_eq!(params["q"], "objektiv 50mm -defekt");
    assert_eq!(params["sort"], "newlyListed");
    assert_eq!(params["limit"], "200");
    assert_eq!(
        params["filter"],
        "price:[10..50],priceCurrency:EUR,conditions:{USED},buyingOptions:{AUCTION|FIXED_PRICE},itemLocationCountry:DE"
    );
}
