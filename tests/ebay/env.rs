//! An app against a fresh database with eBay configured (no worker running):
//! tests drive the cycle and the insights tick directly and read the queue.
#![allow(dead_code)]

use std::sync::Arc;

use chrono::{DateTime, Utc};
use ppc_helper::app::App;
use ppc_helper::features::ebay::poll::{poll_cycle, CycleReport};
use ppc_helper::features::ebay::EbayState;
use ppc_helper::features::FeatureDeps;
use ppc_helper::shutdown::Shutdown;
use serde_json::{json, Value};

use crate::support::{test_config, TestDb};

/// Told about rejected credentials and a short budget.
pub const ADMIN: i64 = 1000;

/// The app, its database and the feature's state.
pub struct Env {
    pub _db: TestDb,
    pub app: App,
    pub state: EbayState,
}

/// An app whose eBay client talks to `base` with a daily budget of `budget`.
pub async fn env(base: &str, budget: u32) -> Env {
    let db = TestDb::new().await;
    let mut config = test_config(&db);
    config.ebay.api_base_url = base.to_string();
    config.ebay.client_id = "app-id".into();
    config.ebay.client_secret = Some("secret".to_string().into());
    config.ebay.daily_call_budget = budget;
    config.telegram.admins = vec![ADMIN];
    let app = App::build(config, Shutdown::new())
        .await
        .expect("app builds");
    let state = worker_state(&app);
    Env {
        _db: db,
        app,
        state,
    }
}

/// The feature state a worker process builds: its own client and token cache.
pub fn worker_state(app: &App) -> EbayState {
    let deps = FeatureDeps {
        config: Arc::new(app.config().clone()),
        pool: app.pool().clone(),
        queue: app.queue().clone(),
        mailer: None,
    };
    EbayState::new(&deps)
}

impl Env {
    /// One polling cycle at `now`.
    pub async fn cycle(&self, now: DateTime<Utc>) -> CycleReport {
        poll_cycle(&self.state, self.app.pool(), self.app.queue(), now)
            .await
            .expect("cycle")
    }

    /// Payloads of queued jobs of `task`, oldest first.
    pub async fn jobs(&self, task: &str) -> Vec<Value> {
        let db = self.app.pool().get().await.expect("db");
        db.query(
            "SELECT j.payload FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE t.identifier = $1 ORDER BY j.id",
            &[&task],
        )
        .await
        .expect("jobs")
        .iter()
        .map(|r| r.get(0))
        .collect()
    }

    /// Job keys of queued jobs of `task`, oldest first.
    pub async fn job_keys(&self, task: &str) -> Vec<Option<String>> {
        let db = self.app.pool().get().await.expect("db");
        db.query(
            "SELECT j.key FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE t.identifier = $1 ORDER BY j.id",
            &[&task],
        )
        .await
        .expect("job keys")
        .iter()
        .map(|r| r.get(0))
        .collect()
    }

    /// Texts queued for `chat`, oldest first.
    pub async fn sent_to(&self, chat: i64) -> Vec<String> {
        self.jobs("telegram_send")
            .await
            .into_iter()
            .filter(|p| p["chat_id"] == json!(chat))
            .map(|p| {
                p["message"]["text"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect()
    }
}

/// `n` minutes.
pub fn minutes(n: i64) -> chrono::Duration {
    chrono::Duration::minutes(n)
}
