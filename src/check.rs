//! `ppc-helper check`: one line per service — ok, not configured, or failed.

use std::fmt;
use std::time::Duration;

use secrecy::ExposeSecret;

use crate::config::Config;
use crate::db;
use crate::mail::Mailer;

/// Outcome of checking one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Ok(String),
    NotConfigured,
    Failed(String),
}

/// One printed line.
#[derive(Debug, Clone)]
pub struct Line {
    pub service: &'static str,
    pub status: Status,
}

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.status {
            Status::Ok(detail) => write!(f, "{:<13} ok ({detail})", self.service),
            Status::NotConfigured => write!(f, "{:<13} not configured", self.service),
            Status::Failed(reason) => write!(f, "{:<13} FAILED: {reason}", self.service),
        }
    }
}

/// Checks every configured service. The caller exits non-zero when any failed.
pub async fn run(config: &Config) -> Vec<Line> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build();
    let mut lines = vec![check_database(config).await];
    lines.push(check_smtp(config).await);
    lines.push(check_chromedriver(config).await);
    match http {
        Ok(http) => {
            lines.push(check_telegram(config, &http).await);
            lines.push(check_ebay(config, &http).await);
            lines.push(check_vk(config, &http).await);
        }
        Err(error) => lines.push(Line {
            service: "http client",
            status: Status::Failed(error.to_string()),
        }),
    }
    lines
}

fn failed(service: &'static str, error: impl fmt::Display) -> Line {
    Line {
        service,
        status: Status::Failed(error.to_string()),
    }
}

async fn check_database(config: &Config) -> Line {
    let url = db::configured_url(config.database_url());
    let database = match db::connect(&config.database, url.as_deref()).await {
        Ok(database) => database,
        Err(error) => return failed("database", format!("{error:#}")),
    };
    let where_ = if database.is_embedded() {
        format!("embedded in {}", config.database.data_dir.display())
    } else {
        "database.url".to_string()
    };
    let status = match database.pool.get().await {
        Ok(client) => match client.query_one("SHOW server_version", &[]).await {
            Ok(row) => {
                let version: String = row.try_get(0).unwrap_or_default();
                Status::Ok(format!("PostgreSQL {version}, {where_}"))
            }
            Err(error) => Status::Failed(error.to_string()),
        },
        Err(error) => Status::Failed(error.to_string()),
    };
    if let Err(error) = database.close().await {
        tracing::warn!(error = %format!("{error:#}"), "closing the database");
    }
    Line {
        service: "database",
        status,
    }
}

async fn check_smtp(config: &Config) -> Line {
    let status = match Mailer::from_config(&config.smtp) {
        Ok(None) => Status::NotConfigured,
        Ok(Some(mailer)) => match mailer.check().await {
            Ok(()) => Status::Ok(format!("{}:{}", config.smtp.host, config.smtp.port)),
            Err(error) => Status::Failed(format!("{error:#}")),
        },
        Err(error) => Status::Failed(format!("{error:#}")),
    };
    Line {
        service: "smtp",
        status,
    }
}

async fn check_chromedriver(config: &Config) -> Line {
    let cfg = &config.adlibrary;
    let status = if !cfg.webdriver_url.is_empty() {
        let url = format!("{}/status", cfg.webdriver_url.trim_end_matches('/'));
        match reqwest::get(&url).await {
            Ok(response) if response.status().is_success() => Status::Ok(url),
            Ok(response) => Status::Failed(format!("{url} answered {}", response.status())),
            Err(error) => Status::Failed(format!("{url}: {error}")),
        }
    } else {
        let path = &cfg.chromedriver_path;
        match tokio::process::Command::new(path).arg("--version").output().await {
            Ok(output) if output.status.success() => {
                Status::Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
            }
            Ok(output) => Status::Failed(format!(
                "{} --version exited with {}",
                path.display(),
                output.status
            )),
            Err(error) => Status::Failed(format!(
                "{} cannot run ({error}): install it with `apt-get install chromium chromium-driver` \
                 or set adlibrary.chromedriver_path / adlibrary.webdriver_url",
                path.display()
            )),
        }
    };
    Line {
        service: "chromedriver",
        status,
    }
}

async fn check_telegram(config: &Config, http: &reqwest::Client) -> Line {
    let Some(token) = config.telegram.token.as_ref() else {
        return Line {
            service: "telegram",
            status: Status::NotConfigured,
        };
    };
    let base = config.telegram.api_url.trim_end_matches('/');
    let url = format!("{base}/bot{}/getMe", token.expose_secret());
    let status = match http.get(&url).send().await {
        Ok(response) => match response.json::<serde_json::Value>().await {
            Ok(body) if body["ok"] == true => Status::Ok(format!(
                "@{}",
                body["result"]["username"].as_str().unwrap_or("?")
            )),
            Ok(body) => Status::Failed(format!(
                "getMe refused: {}",
                body["description"].as_str().unwrap_or("no description")
            )),
            Err(error) => Status::Failed(format!(
                "getMe answered something that is not JSON: {error}"
            )),
        },
        // The error's URL would contain the token.
        Err(error) => Status::Failed(format!("{base} unreachable: {}", error.without_url())),
    };
    Line {
        service: "telegram",
        status,
    }
}

async fn check_ebay(config: &Config, http: &reqwest::Client) -> Line {
    let cfg = &config.ebay;
    let Some(secret) = cfg
        .client_secret
        .as_ref()
        .filter(|_| !cfg.client_id.is_empty())
    else {
        return Line {
            service: "ebay",
            status: Status::NotConfigured,
        };
    };
    let url = format!(
        "{}/identity/v1/oauth2/token",
        cfg.api_base_url.trim_end_matches('/')
    );
    let response = http
        .post(&url)
        .basic_auth(&cfg.client_id, Some(secret.expose_secret()))
        .form(&[
            ("grant_type", "client_credentials"),
            ("scope", "https://api.ebay.com/oauth/api_scope"),
        ])
        .send()
        .await;
    let status = match response {
        Ok(response) if response.status().is_success() => Status::Ok("token minted".into()),
        Ok(response) => {
            let code = response.status();
            let body: serde_json::Value = response.json().await.unwrap_or_default();
            Status::Failed(format!(
                "eBay credentials rejected ({code}: {})",
                body["error_description"]
                    .as_str()
                    .or(body["error"].as_str())
                    .unwrap_or("no description")
            ))
        }
        Err(error) => Status::Failed(format!("{url}: {error}")),
    };
    Line {
        service: "ebay",
        status,
    }
}

async fn check_vk(config: &Config, http: &reqwest::Client) -> Line {
    // VK accounts are connected per user in the bot; here we only check that the
    // API answers (401 without a token is the expected answer).
    let url = format!(
        "{}/api/v2/throttling.json",
        config.vk.api_base_url.trim_end_matches('/')
    );
    let status = match http.get(&url).send().await {
        Ok(response) => Status::Ok(format!(
            "{} answered {}",
            config.vk.api_base_url,
            response.status()
        )),
        Err(error) => Status::Failed(format!("{url}: {error}")),
    };
    Line {
        service: "vk",
        status,
    }
}
