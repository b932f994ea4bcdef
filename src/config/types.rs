//! The configuration tree. Every section has defaults, so an empty file is valid.
//! Secrets are [`SecretString`]s: they never appear in `Debug` output or logs.
//!
//! Adding a key here means adding it to [`super::schema::KEYS`] (environment
//! variables and unknown-key checks), to `config.example.json` and to
//! `docs/configuration.md`; `tests/config.rs` fails until all four agree.

use std::net::SocketAddr;
use std::path::PathBuf;

use secrecy::SecretString;
use serde::Deserialize;

/// The whole configuration.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Bot token, Bot API server, admins, webhook.
    pub telegram: TelegramConfig,
    /// PostgreSQL: external URL or the embedded cluster.
    pub database: DatabaseConfig,
    /// Job worker pool.
    pub workers: WorkersConfig,
    /// HTTP server (pixel, health, metrics, webhook).
    pub http: HttpConfig,
    /// Outgoing e-mail.
    pub smtp: SmtpConfig,
    /// Meta Ad Library monitoring.
    pub adlibrary: AdLibraryConfig,
    /// eBay price alerts.
    pub ebay: EbayConfig,
    /// VK Ads statistics.
    pub vk: VkConfig,
    /// E-mail open tracking.
    pub pixel: PixelConfig,
}

/// How text messages are formatted by Telegram.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum ParseMode {
    /// HTML markup.
    #[default]
    #[serde(rename = "HTML")]
    Html,
    /// Telegram MarkdownV2.
    MarkdownV2,
    /// No formatting.
    #[serde(rename = "none")]
    Plain,
}

/// `telegram` section.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TelegramConfig {
    /// Bot token from @BotFather; `None` means the bot part is not configured.
    pub token: Option<SecretString>,
    /// Bot API server base URL (the emulator or a local Bot API server may stand in).
    pub api_url: String,
    /// Telegram user ids of the administrators.
    pub admins: Vec<i64>,
    /// Webhook delivery of updates; long polling when its `url` is empty.
    pub webhook: WebhookConfig,
    /// Formatting of outgoing texts.
    pub parse_mode: ParseMode,
}

impl Default for TelegramConfig {
    fn default() -> Self {
        Self {
            token: None,
            api_url: "https://api.telegram.org".into(),
            admins: Vec::new(),
            webhook: WebhookConfig::default(),
            parse_mode: ParseMode::Html,
        }
    }
}

/// `telegram.webhook` section; an empty `url` means long polling.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebhookConfig {
    /// Public URL Telegram posts updates to; empty means long polling.
    pub url: String,
    /// Path on the HTTP server that receives updates; starts with `/`.
    pub listen_path: String,
    /// Required when `url` is set: 1–256 of `[A-Za-z0-9_-]`.
    pub secret: Option<SecretString>,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        Self {
            url: String::new(),
            listen_path: "/telegram/webhook".into(),
            secret: None,
        }
    }
}

/// `database` section.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// `postgres://…` URL; `None` runs the embedded cluster under `data_dir`.
    pub url: Option<SecretString>,
    /// Directory of the embedded cluster (and of reports and other files).
    pub data_dir: PathBuf,
    /// Connection pool size (at least 2).
    pub max_connections: usize,
    /// Unprivileged OS user that owns the embedded cluster when the app runs as root.
    pub os_user: String,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: None,
            data_dir: PathBuf::from("./data/postgres"),
            max_connections: 16,
            os_user: "postgres".into(),
        }
    }
}

/// `workers` section.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WorkersConfig {
    /// Jobs run at once by this process.
    pub count: usize,
    /// Browser jobs run at once (across the browser queue).
    pub browser_slots: usize,
    /// Seconds running jobs get to finish after SIGINT/SIGTERM.
    pub shutdown_grace_secs: u64,
    /// Jobs fetched per round trip by the local queue.
    pub local_queue_size: usize,
    /// Seconds between this worker's heartbeats.
    pub heartbeat_secs: u64,
    /// A worker silent this long is dead: its locked jobs run again elsewhere.
    pub dead_after_secs: u64,
}

impl Default for WorkersConfig {
    fn default() -> Self {
        Self {
            count: 8,
            browser_slots: 1,
            shutdown_grace_secs: 30,
            local_queue_size: 200,
            heartbeat_secs: 30,
            dead_after_secs: 300,
        }
    }
}

/// `http` section.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpConfig {
    /// Address and port the HTTP server binds.
    pub listen: SocketAddr,
    /// Base URL under which this server is reachable from outside (pixel links).
    pub public_url: String,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: "http://127.0.0.1:8080".into(),
        }
    }
}

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain text (local relays and test sinks only).
    None,
    /// Upgrade with STARTTLS (usually port 587).
    #[default]
    Starttls,
    /// Implicit TLS (usually port 465).
    Tls,
}

/// `smtp` section; an empty `host` means e-mail is not configured.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SmtpConfig {
    /// SMTP server host name; empty means e-mail is off.
    pub host: String,
    /// SMTP server port (not 0).
    pub port: u16,
    /// How the connection is secured.
    pub tls: SmtpTls,
    /// Login; empty means no authentication.
    pub username: String,
    /// Password; required when `username` is set.
    pub password: Option<SecretString>,
    /// Sender address, e.g. `PPC Helper <reports@example.com>`.
    pub from: String,
    /// Largest attachment total per message; bigger reports go in several messages.
    pub max_attachment_mb: u32,
    /// Timeout of one SMTP conversation, in seconds (at least 1).
    pub timeout_secs: u64,
}

impl Default for SmtpConfig {
    fn default() -> Self {
        Self {
            host: String::new(),
            port: 587,
            tls: SmtpTls::Starttls,
            username: String::new(),
            password: None,
            from: String::new(),
            max_attachment_mb: 20,
            timeout_secs: 30,
        }
    }
}

/// `adlibrary` section (Meta Ad Library monitoring).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AdLibraryConfig {
    /// Ad Library page URL.
    pub base_url: String,
    /// chromedriver binary spawned when `webdriver_url` is empty.
    pub chromedriver_path: PathBuf,
    /// A running WebDriver server to use instead of spawning chromedriver.
    pub webdriver_url: String,
    /// Most ads captured per competitor page.
    pub max_ads_per_page: u32,
    /// Time limit for capturing one competitor page, in seconds.
    pub page_timeout_secs: u64,
    /// A capture younger than this is reused instead of taken again.
    pub reuse_minutes: u32,
    /// Largest PDF report part, in MB.
    pub max_pdf_mb: u32,
    /// Days screenshots and reports are kept on disk.
    pub keep_days: u32,
}

impl Default for AdLibraryConfig {
    fn default() -> Self {
        Self {
            base_url: "https://www.facebook.com/ads/library/".into(),
            chromedriver_path: PathBuf::from("/usr/bin/chromedriver"),
            webdriver_url: String::new(),
            max_ads_per_page: 100,
            page_timeout_secs: 180,
            reuse_minutes: 30,
            max_pdf_mb: 45,
            keep_days: 30,
        }
    }
}

/// `ebay` section (Browse API price alerts).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EbayConfig {
    /// API base URL (OAuth and Browse).
    pub api_base_url: String,
    /// Application client id; empty means eBay alerts are off.
    pub client_id: String,
    /// Application client secret; required when `client_id` is set.
    pub client_secret: Option<SecretString>,
    /// Default marketplace id, `EBAY_` and a country code.
    pub marketplace: String,
    /// Browse API calls allowed per day.
    pub daily_call_budget: u32,
    /// Hours before the same listing may trigger an alert again.
    pub cooldown_hours: u32,
}

impl Default for EbayConfig {
    fn default() -> Self {
        Self {
            api_base_url: "https://api.ebay.com".into(),
            client_id: String::new(),
            client_secret: None,
            marketplace: "EBAY_US".into(),
            daily_call_budget: 5000,
            cooldown_hours: 24,
        }
    }
}

/// `vk` section (VK Ads statistics).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VkConfig {
    /// VK Ads API base URL.
    pub api_base_url: String,
    /// Key for encrypting stored credentials (32 bytes, base64).
    pub encryption_key: Option<SecretString>,
    /// The old `ads.*` methods API.
    pub legacy: VkLegacyConfig,
}

impl Default for VkConfig {
    fn default() -> Self {
        Self {
            api_base_url: "https://ads.vk.com".into(),
            encryption_key: None,
            legacy: VkLegacyConfig::default(),
        }
    }
}

/// `vk.legacy` section: the old `api.vk.com/method/ads.*` adapter.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VkLegacyConfig {
    /// Whether the old API is offered.
    pub enabled: bool,
    /// Base URL of the old API.
    pub api_base_url: String,
}

impl Default for VkLegacyConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            api_base_url: "https://api.vk.com".into(),
        }
    }
}

/// `pixel` section (e-mail open tracking).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PixelConfig {
    /// Store hits with the last part of the IP address zeroed.
    pub anonymize_ip: bool,
    /// Repeat opens by one contact within this window count once in reports.
    pub dedupe_minutes: u32,
    /// Most rows accepted from one contact import.
    pub max_import_rows: u32,
}

impl Default for PixelConfig {
    fn default() -> Self {
        Self {
            anonymize_ip: true,
            dedupe_minutes: 60,
            max_import_rows: 50_000,
        }
    }
}
