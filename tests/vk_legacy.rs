//! The optional old-API adapter (`ads.*`, v=5.199) against a wiremock fake:
//! accounts, campaigns, daily statistics with missing days, errors 6/9 backed
//! off and retried, 601 stops for the day, 5 asks to reconnect; the token is
//! sent in the form body, never in the URL.

use std::time::Duration;

use chrono::NaiveDate;
use ppc_helper::features::vk::legacy::{LegacyClient, LegacyError};
use secrecy::SecretString;
use serde_json::json;
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn token() -> SecretString {
    SecretString::from("user-token".to_string())
}

fn client(server: &MockServer) -> LegacyClient {
    LegacyClient::new(&server.uri())
        .expect("client")
        .with_backoff(Duration::from_millis(10))
}

fn error(code: i64, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "error": {"error_code": code, "error_msg": message, "request_params": []}
    }))
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

#[tokio::test]
async fn accounts_campaigns_and_daily_statistics() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/method/ads.getAccounts"))
        .and(body_string_contains("access_token=user-token"))
        .and(body_string_contains("v=5.199"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"response": [
            {"account_id": 77, "account_type": "general", "account_status": 1, "account_name": "Shop", "access_role": "admin"}
        ]})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/method/ads.getCampaigns"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"response": [
                {"id": 1, "name": "Spring", "status": 1}, {"id": 2, "name": "Old", "status": 0}
            ]})),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/method/ads.getStatistics"))
        .and(body_string_contains("ids_type=campaign"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"response": [
            {"id": 1, "type": "campaign", "stats": [
                {"day": "2024-05-03", "impressions": 900, "clicks": 9, "spent": "90.10", "reach": 800, "ctr": "1.0"},
                {"day": "2024-05-01", "impressions": 1200, "clicks": 14, "spent": "350.20", "reach": 900, "ctr": "1.167"}
            ]},
            {"id": 2, "type": "campaign", "stats": []}
        ]})))
        .mount(&server)
        .await;
    let vk = client(&server);
    let accounts = vk.accounts(&token()).await.expect("accounts");
    assert_eq!(
        (
            accounts[0].account_id,
            accounts[0].name.as_str(),
            accounts[0].active
        ),
        (77, "Shop", true)
    );
    let campaigns = vk.campaigns(&token(), 77).await.expect("campaigns");
    assert_eq!(campaigns[1].status, "stopped");
    let stats = vk
        .campaign_stats(&token(), 77, &[1, 2], d("2024-05-01"), d("2024-05-03"))
        .await
        .expect("stats");
    let days: Vec<NaiveDate> = stats[0].rows.iter().map(|r| r.date).collect();
    assert_eq!(
        days,
        [d("2024-05-01"), d("2024-05-03")],
        "sorted; 05-02 had no activity"
    );
    assert_eq!(stats[0].rows[0].base.shows, 1200);
    assert_eq!(stats[0].rows[0].base.spent.to_string(), "350.20");
    assert!(stats[1].rows.is_empty());
    for request in server.received_requests().await.unwrap_or_default() {
        assert!(
            !request.url.as_str().contains("user-token"),
            "token in a URL"
        );
    }
}

#[tokio::test]
async fn too_many_requests_and_flood_control_are_backed_off_then_retried() {
    let server = MockServer::start().await;
    Mock::given(path("/method/ads.getAccounts"))
        .respond_with(error(6, "Too many requests per second"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/method/ads.getAccounts"))
        .respond_with(error(9, "Flood control"))
        .up_to_n_times(1)
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(path("/method/ads.getAccounts"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"response": []})))
        .with_priority(3)
        .mount(&server)
        .await;
    let accounts = client(&server)
        .accounts(&token())
        .await
        .expect("answered after back-off");
    assert!(accounts.is_empty());
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(3));
}

#[tokio::test]
async fn daily_limit_authorization_and_persistent_flood_errors_are_distinct() {
    let server = MockServer::start().await;
    Mock::given(path("/method/ads.getAccounts"))
        .respond_with(error(5, "User authorization failed"))
        .mount(&server)
        .await;
    Mock::given(path("/method/ads.getCampaigns"))
        .respond_with(error(601, "Too many actions today"))
        .mount(&server)
        .await;
    Mock::given(path("/method/ads.getStatistics"))
        .respond_with(error(9, "Flood control"))
        .mount(&server)
        .await;
    let vk = client(&server);
    let auth = vk.accounts(&token()).await;
    assert!(matches!(auth, Err(LegacyError::Reconnect(_))), "{auth:?}");
    assert!(auth
        .err()
        .is_some_and(|e| e.to_string().contains("reconnect")));
    let daily = vk.campaigns(&token(), 1).await;
    assert!(
        matches!(daily, Err(LegacyError::DailyLimit(_))),
        "{daily:?}"
    );
    let flood = vk
        .campaign_stats(&token(), 1, &[1], d("2024-05-01"), d("2024-05-01"))
        .await;
    assert!(matches!(flood, Err(LegacyError::Flood(_))), "{flood:?}");
    let calls = server.received_requests().await.unwrap_or_default();
    assert_eq!(
        calls
            .iter()
            .filter(|r| r.url.path() == "/method/ads.getCampaigns")
            .count(),
        1,
        "601 is not retried"
    );
    assert_eq!(
        calls
            .iter()
            .filter(|r| r.url.path() == "/method/ads.getStatistics")
            .count(),
        4,
        "9 retried 3 times"
    );
}
