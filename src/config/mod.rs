//! Typed configuration: a JSON file, built-in defaults and environment overrides.
//!
//! Loading order: built-in defaults ← the JSON file (when present) ← environment
//! (`TELOXIDE_TOKEN`, `TELOXIDE_API_URL`, `DATABASE_URL`, `PPC_<SECTION>__<KEY>`),
//! then validation. Every error names the key, what is wrong with its value and
//! where it came from ([`Origin`]); secret values never appear in errors or in
//! `Debug` output. `docs/configuration.md` documents every key and
//! `config.example.json` shows the defaults.
//!
//! ```no_run
//! let config = ppc_helper::config::load(std::path::Path::new("config.json"), false)?;
//! if config.smtp_configured() { /* … */ }
//! # Ok::<(), ppc_helper::config::ConfigError>(())
//! ```

mod env;
mod error;
mod load;
pub mod schema;
mod shapes;
mod types;
mod validate;

use secrecy::{ExposeSecret, SecretBox, SecretString};

pub use env::{ALIASES as ENV_ALIASES, PREFIX as ENV_PREFIX};
pub use error::{ConfigError, Origin};
pub use load::{load, load_from};
pub use types::*;

impl Config {
    /// The PostgreSQL URL, or `None` when unset or empty (run the embedded cluster).
    pub fn database_url(&self) -> Option<&SecretString> {
        non_empty(&self.database.url)
    }

    /// Whether e-mail can be sent (`smtp.host` is set).
    pub fn smtp_configured(&self) -> bool {
        !self.smtp.host.trim().is_empty()
    }

    /// Whether the bot can run (`telegram.token` is set and not empty).
    pub fn telegram_configured(&self) -> bool {
        non_empty(&self.telegram.token).is_some()
    }

    /// Whether Telegram updates arrive by webhook (`telegram.webhook.url` is set)
    /// rather than by long polling.
    pub fn webhook_configured(&self) -> bool {
        !self.telegram.webhook.url.trim().is_empty()
    }

    /// Whether the eBay client can authenticate (`ebay.client_id` and its secret set).
    pub fn ebay_configured(&self) -> bool {
        !self.ebay.client_id.is_empty() && non_empty(&self.ebay.client_secret).is_some()
    }
}

impl VkConfig {
    /// The decoded 32-byte credential encryption key, or `None` when not configured.
    /// A loaded config has passed validation, so a set key always decodes.
    pub fn encryption_key_bytes(&self) -> Option<SecretBox<[u8; 32]>> {
        let text = non_empty(&self.encryption_key)?.expose_secret();
        let bytes: [u8; 32] = shapes::decode_base64(text)?.try_into().ok()?;
        Some(SecretBox::new(Box::new(bytes)))
    }
}

fn non_empty(secret: &Option<SecretString>) -> Option<&SecretString> {
    secret.as_ref().filter(|s| !s.expose_secret().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn debug_output_hides_every_secret() {
        let key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
        let config = load_from(
            None,
            &env(&[
                ("TELOXIDE_TOKEN", "123456:SECRETTOKENVALUE"),
                ("DATABASE_URL", "postgres://u:SECRETDBPASSWORD@localhost/db"),
                ("PPC_TELEGRAM__WEBHOOK__URL", "https://bot.example.com/hook"),
                ("PPC_TELEGRAM__WEBHOOK__SECRET", "SECRETWEBHOOK"),
                ("PPC_SMTP__USERNAME", "mailer"),
                ("PPC_SMTP__PASSWORD", "SECRETSMTP"),
                ("PPC_EBAY__CLIENT_ID", "id"),
                ("PPC_EBAY__CLIENT_SECRET", "SECRETEBAY"),
                ("PPC_VK__ENCRYPTION_KEY", key),
            ]),
        )
        .unwrap();
        let debug = format!("{config:?} {:#?}", config);
        for secret in [
            "SECRETTOKENVALUE",
            "SECRETDBPASSWORD",
            "SECRETWEBHOOK",
            "SECRETSMTP",
            "SECRETEBAY",
            key,
        ] {
            assert!(!debug.contains(secret), "{secret} leaked: {debug}");
        }
        assert!(config.telegram_configured());
        assert!(config.webhook_configured());
        assert!(config.ebay_configured());
        assert!(config.database_url().is_some());
        let bytes = config.vk.encryption_key_bytes().unwrap();
        assert_eq!(bytes.expose_secret()[31], 31);
    }

    #[test]
    fn helpers_on_defaults() {
        let config = load_from(None, &[]).unwrap();
        assert!(!config.telegram_configured());
        assert!(!config.smtp_configured());
        assert!(!config.webhook_configured());
        assert!(!config.ebay_configured());
        assert!(config.database_url().is_none());
        assert!(config.vk.encryption_key_bytes().is_none());
        let config = load_from(Some(("c.json", r#"{"database":{"url":""}}"#)), &[]).unwrap();
        assert!(config.database_url().is_none());
    }

    #[test]
    fn errors_never_show_secret_values() {
        let cases = [
            r#"{"telegram":{"token":"SECRETVALUE"}}"#,
            r#"{"telegram":{"token":12345678}}"#,
            r#"{"telegram":{"webhook":{"url":"https://x.org","secret":"SECRET VALUE!"}}}"#,
            r#"{"database":{"url":"mysql://SECRETVALUE"}}"#,
            r#"{"vk":{"encryption_key":"SECRETVALUE"}}"#,
            r#"{"vk":{"encryption_key":["SECRETVALUE"]}}"#,
        ];
        for case in cases {
            let message = load_from(Some(("c.json", case)), &[])
                .unwrap_err()
                .to_string();
            assert!(!message.contains("SECRET"), "{message}");
            assert!(!message.contains("12345678"), "{message}");
        }
    }
}
