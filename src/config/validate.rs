//! Checks that deserialization cannot express: URLs, ranges, secrets that a
//! configured feature needs, shapes of tokens, keys and ids. All problems are
//! reported together. Messages never include a secret's value.

use std::str::FromStr;

use secrecy::{ExposeSecret, SecretString};

use super::error::{ConfigError, Origin, Origins};
use super::shapes::{bot_token_shape, decode_base64, http_url, marketplace_shape};
use super::types::{
    AdLibraryConfig, Config, DatabaseConfig, EbayConfig, HttpConfig, PixelConfig, SmtpConfig,
    TelegramConfig, VkConfig, WorkersConfig,
};

/// Runs every check on `config`; `origins` says where each value came from.
pub(crate) fn validate(config: &Config, origins: &Origins) -> Result<(), ConfigError> {
    let mut checks = Checks {
        origins,
        errors: Vec::new(),
    };
    checks.telegram(&config.telegram);
    checks.database(&config.database);
    checks.workers(&config.workers);
    checks.http(&config.http);
    checks.smtp(&config.smtp);
    checks.adlibrary(&config.adlibrary);
    checks.ebay(&config.ebay);
    checks.vk(&config.vk);
    checks.pixel(&config.pixel);
    match ConfigError::from_list(checks.errors) {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

/// Collects problems with their origins.
struct Checks<'a> {
    origins: &'a Origins,
    errors: Vec<ConfigError>,
}

impl Checks<'_> {
    fn fail(&mut self, key: &str, problem: impl Into<String>) {
        self.errors.push(self.origins.invalid(key, problem));
    }

    /// `key` is missing or empty although `dependent` is set: reported with the
    /// key's own origin when it was set, else with the origin of `dependent`.
    fn required(&mut self, key: &str, problem: &str, dependent: &str) {
        let origin = match self.origins.of(key) {
            Origin::Default => self.origins.of(dependent),
            own => own,
        };
        self.errors.push(ConfigError::Invalid {
            key: key.to_string(),
            problem: format!("{problem}: required when {dependent} is set"),
            origin,
        });
    }

    fn url(&mut self, key: &str, value: &str) {
        if let Err(problem) = http_url(value) {
            self.fail(key, problem);
        }
    }

    fn optional_url(&mut self, key: &str, value: &str) {
        if !value.is_empty() {
            self.url(key, value);
        }
    }

    fn at_least(&mut self, key: &str, value: u64, min: u64) {
        if value < min {
            self.fail(
                key,
                format!("out of range: must be at least {min}, got {value}"),
            );
        }
    }

    fn not_empty(&mut self, key: &str, value: &str) {
        if value.trim().is_empty() {
            self.fail(key, "must not be empty");
        }
    }

    /// A secret that `dependent` needs: present and not empty.
    fn required_secret(&mut self, key: &str, secret: &Option<SecretString>, dependent: &str) {
        let problem = match secret {
            None => "missing",
            Some(s) if s.expose_secret().is_empty() => "empty secret",
            Some(_) => return,
        };
        self.required(key, problem, dependent);
    }

    fn telegram(&mut self, t: &TelegramConfig) {
        if let Some(token) = &t.token {
            let token = token.expose_secret();
            if token.is_empty() {
                self.fail(
                    "telegram.token",
                    "empty secret: give the bot token from @BotFather, \
                     or null / leave the key out when the bot is not used",
                );
            } else if !bot_token_shape(token) {
                self.fail(
                    "telegram.token",
                    "not a bot token: expected `<digits>:<letters, digits, _ or ->` \
                     as issued by @BotFather (value not shown)",
                );
            }
        }
        self.url("telegram.api_url", &t.api_url);
        for (i, id) in t.admins.iter().enumerate() {
            if *id <= 0 {
                let key = format!("telegram.admins[{i}]");
                self.fail(
                    &key,
                    format!("{id} is not a Telegram user id (must be positive)"),
                );
            }
        }
        self.optional_url("telegram.webhook.url", &t.webhook.url);
        if !t.webhook.url.is_empty() {
            self.required_secret(
                "telegram.webhook.secret",
                &t.webhook.secret,
                "telegram.webhook.url",
            );
        }
        if let Some(secret) = &t.webhook.secret {
            let secret = secret.expose_secret();
            let fine = secret
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
            if !secret.is_empty() && (!fine || secret.len() > 256) {
                self.fail(
                    "telegram.webhook.secret",
                    format!(
                        "must be 1–256 characters of A–Z, a–z, 0–9, `_` and `-` \
                         (value not shown: {} characters{})",
                        secret.chars().count(),
                        if fine { "" } else { ", some outside that set" }
                    ),
                );
            }
        }
        if !t.webhook.listen_path.starts_with('/') {
            self.fail(
                "telegram.webhook.listen_path",
                format!("must start with `/`, got `{}`", t.webhook.listen_path),
            );
        }
    }

    fn database(&mut self, d: &DatabaseConfig) {
        if let Some(url) = &d.url {
            let url = url.expose_secret();
            if !url.is_empty() && tokio_postgres::Config::from_str(url).is_err() {
                self.fail(
                    "database.url",
                    "not a valid PostgreSQL connection URL: expected \
                     `postgres://user:password@host:port/dbname` (value not shown)",
                );
            }
        }
        self.at_least("database.max_connections", d.max_connections as u64, 2);
        self.not_empty("database.data_dir", &d.data_dir.to_string_lossy());
        self.not_empty("database.os_user", &d.os_user);
    }

    fn workers(&mut self, w: &WorkersConfig) {
        self.at_least("workers.count", w.count as u64, 1);
        self.at_least("workers.browser_slots", w.browser_slots as u64, 1);
        self.at_least("workers.local_queue_size", w.local_queue_size as u64, 1);
        self.at_least("workers.heartbeat_secs", w.heartbeat_secs, 1);
        if w.dead_after_secs <= w.heartbeat_secs {
            self.fail(
                "workers.dead_after_secs",
                format!(
                    "out of range: must be more than workers.heartbeat_secs ({}), got {}",
                    w.heartbeat_secs, w.dead_after_secs
                ),
            );
        }
    }

    fn http(&mut self, h: &HttpConfig) {
        self.url("http.public_url", &h.public_url);
    }

    fn smtp(&mut self, s: &SmtpConfig) {
        self.at_least("smtp.port", u64::from(s.port), 1);
        self.at_least("smtp.timeout_secs", s.timeout_secs, 1);
        self.at_least("smtp.max_attachment_mb", u64::from(s.max_attachment_mb), 1);
        if s.host.contains("://") || s.host.contains(char::is_whitespace) {
            self.fail(
                "smtp.host",
                format!(
                    "`{}` is not a host name (give e.g. `smtp.example.com`)",
                    s.host
                ),
            );
        }
        if !s.host.is_empty() {
            if s.from.trim().is_empty() {
                self.required("smtp.from", "missing", "smtp.host");
            } else if lettre::message::Mailbox::from_str(&s.from).is_err() {
                self.fail(
                    "smtp.from",
                    format!(
                        "`{}` is not a valid mailbox: expected `name@example.com` \
                         or `Name <name@example.com>`",
                        s.from
                    ),
                );
            }
        }
        if !s.username.is_empty() {
            self.required_secret("smtp.password", &s.password, "smtp.username");
        }
    }

    fn adlibrary(&mut self, a: &AdLibraryConfig) {
        self.url("adlibrary.base_url", &a.base_url);
        self.optional_url("adlibrary.webdriver_url", &a.webdriver_url);
        self.at_least(
            "adlibrary.max_ads_per_page",
            u64::from(a.max_ads_per_page),
            1,
        );
        self.at_least("adlibrary.page_timeout_secs", a.page_timeout_secs, 1);
        self.at_least("adlibrary.max_pdf_mb", u64::from(a.max_pdf_mb), 1);
    }

    fn ebay(&mut self, e: &EbayConfig) {
        self.url("ebay.api_base_url", &e.api_base_url);
        if !marketplace_shape(&e.marketplace) {
            self.fail(
                "ebay.marketplace",
                format!(
                    "`{}` is not an eBay marketplace id: expected `EBAY_` and a country \
                     code, e.g. `EBAY_US`, `EBAY_GB`, `EBAY_DE`",
                    e.marketplace
                ),
            );
        }
        if !e.client_id.is_empty() {
            self.required_secret("ebay.client_secret", &e.client_secret, "ebay.client_id");
        } else if e
            .client_secret
            .as_ref()
            .is_some_and(|s| !s.expose_secret().is_empty())
        {
            self.required("ebay.client_id", "missing", "ebay.client_secret");
        }
    }

    fn vk(&mut self, v: &VkConfig) {
        self.url("vk.api_base_url", &v.api_base_url);
        self.url("vk.legacy.api_base_url", &v.legacy.api_base_url);
        if let Some(key) = &v.encryption_key {
            let key = key.expose_secret();
            let problem = if key.is_empty() {
                "empty secret: give 32 random bytes in base64 (`openssl rand -base64 32`), \
                 or null / leave the key out"
                    .to_string()
            } else {
                match decode_base64(key) {
                    Some(bytes) if bytes.len() == 32 => return,
                    Some(bytes) => format!(
                        "must be 32 bytes encoded as base64 (`openssl rand -base64 32`); \
                         it decodes to {} bytes (value not shown)",
                        bytes.len()
                    ),
                    None => "not valid base64: expected 32 bytes encoded as base64 \
                             (`openssl rand -base64 32`) (value not shown)"
                        .to_string(),
                }
            };
            self.fail("vk.encryption_key", problem);
        }
    }

    fn pixel(&mut self, p: &PixelConfig) {
        self.at_least("pixel.max_import_rows", u64::from(p.max_import_rows), 1);
    }
}
