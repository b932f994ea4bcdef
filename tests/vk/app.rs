//! Shared steps of the VK Ads end-to-end tests: the app against the
//! emulator and a fake VK Ads, the connect dialogue, the account card.
#![allow(dead_code)]

use base64::Engine;
use ppc_helper::config::Config;
use ppc_helper::emulator::BotMessage;

use crate::fake::FakeVk;
use crate::support::telegram::{Harness, ADMIN};

/// Starts the app against `fake` (with an encryption key when `with_key`),
/// after `adjust` changed the config.
pub async fn start(
    fake: &FakeVk,
    with_key: bool,
    adjust: impl FnOnce(&mut Config) + Send + 'static,
) -> Harness {
    let uri = fake.uri();
    Harness::start_with(move |config| {
        config.vk.api_base_url = uri;
        if with_key {
            let key = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
            config.vk.encryption_key = Some(key.into());
        }
        adjust(config);
    })
    .await
}

/// Runs the connect dialogue for an own account.
pub async fn connect(h: &Harness, secret: &str) {
    h.say(&h.admin, "/vk_connect");
    let ask = h.expect(ADMIN, "Connect a VK Ads account").await;
    h.press(&h.admin, &ask, "My own account");
    h.expect(ADMIN, "client id of your API access").await;
    h.say(&h.admin, "good-client");
    h.expect(ADMIN, "Now send the client secret").await;
    h.say(&h.admin, secret);
    h.expect(ADMIN, "Checking the credentials").await;
}

/// Opens the account card of `name` from the main menu.
pub async fn open_card(h: &Harness, name: &str) -> BotMessage {
    h.say(&h.admin, "/menu");
    let menu = h.expect(ADMIN, "Main menu").await;
    h.press(&h.admin, &menu, "VK Ads");
    let accounts = h.expect(ADMIN, "VK Ads accounts").await;
    h.press(&h.admin, &accounts, name);
    h.expect(ADMIN, &format!("{name}\nKind:")).await
}

/// Makes every schedule due.
pub async fn make_due(h: &Harness) {
    h.db.client()
        .await
        .execute(
            "UPDATE schedules SET next_fire_at = now() - interval '1 minute'",
            &[],
        )
        .await
        .expect("due");
}
