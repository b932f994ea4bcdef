//! A whole app against the Bot API emulator on a fresh database.

use std::time::Duration;

use ppc_helper::app::{App, Mode, Running, Seams};
use ppc_helper::emulator::{BotMessage, Emulator, TestUser};
use ppc_helper::shutdown::Shutdown;

use super::{test_config, TestDb};

/// The admin from `telegram.admins`.
pub const ADMIN: i64 = 1000;
const TOKEN: &str = "123456:TEST-TOKEN";
/// How long a test waits for the bot.
pub const WAIT: Duration = Duration::from_secs(15);

/// The bot running against the emulator.
pub struct Harness {
    pub db: TestDb,
    pub emulator: Emulator,
    pub running: Option<Running>,
    pub admin: TestUser,
}

impl Harness {
    /// Starts emulator and app (`run` mode) with one configured admin.
    pub async fn start() -> Harness {
        Self::start_with(|_| {}).await
    }

    /// Like [`Harness::start`], with the config adjusted first (fake service
    /// URLs, SMTP sink, feature settings).
    pub async fn start_with(adjust: impl FnOnce(&mut ppc_helper::config::Config)) -> Harness {
        let db = TestDb::new().await;
        let emulator = Emulator::start(TOKEN).await.expect("emulator starts");
        let mut config = test_config(&db);
        config.telegram.token = Some(TOKEN.into());
        config.telegram.api_url = emulator.api_url().to_string();
        config.telegram.admins = vec![ADMIN];
        adjust(&mut config);
        let admin = TestUser::new(ADMIN, "Alice").with_username("alice");
        emulator.add_user(&admin);
        let app = App::build(config, Shutdown::new())
            .await
            .expect("app builds");
        let seams = Seams {
            http_listen: Some("127.0.0.1:0".parse().expect("addr")),
            ..Seams::default()
        };
        let running = app.start(Mode::Run, seams).await.expect("app starts");
        Harness {
            db,
            emulator,
            running: Some(running),
            admin,
        }
    }

    /// A new user known to the emulator (not to the bot).
    pub fn user(&self, id: i64, name: &str) -> TestUser {
        let user = TestUser::new(id, name);
        self.emulator.add_user(&user);
        user
    }

    /// `user` sends `text` in their private chat.
    pub fn say(&self, user: &TestUser, text: &str) {
        self.emulator
            .send_text(user, user.chat_id(), text)
            .expect("send text");
    }

    /// Waits for a bot message in `chat` whose text contains `needle`.
    pub async fn expect(&self, chat: i64, needle: &str) -> BotMessage {
        let needle_owned = needle.to_string();
        self.emulator
            .wait_for(
                chat,
                move |m| !m.deleted && m.body().contains(&needle_owned),
                WAIT,
            )
            .await
            .unwrap_or_else(|e| {
                let seen: Vec<String> = self
                    .emulator
                    .messages(chat)
                    .iter()
                    .map(|m| m.body().to_string())
                    .collect();
                panic!("no message containing {needle:?} in chat {chat}: {e}; seen: {seen:#?}")
            })
    }

    /// Presses the button labelled `label` (substring) on `message`.
    pub fn press(&self, user: &TestUser, message: &BotMessage, label: &str) -> String {
        let data = message
            .buttons
            .iter()
            .flatten()
            .find(|b| b.text.contains(label))
            .and_then(|b| b.callback_data.clone())
            .unwrap_or_else(|| panic!("no button {label:?} on {:?}", message.buttons));
        self.emulator
            .press_button(user, message.chat_id, message.message_id, &data)
            .expect("press button")
    }

    /// Number of bot messages in `chat` so far.
    pub fn count(&self, chat: i64) -> usize {
        self.emulator.messages(chat).len()
    }

    /// A direct database connection.
    pub async fn sql_count(&self, sql: &str) -> i64 {
        self.db
            .client()
            .await
            .query_one(sql, &[])
            .await
            .expect("count")
            .get(0)
    }

    /// Stops the app and checks the emulator saw no Bot API violations.
    pub async fn finish(mut self) {
        if let Some(running) = self.running.take() {
            running.shutdown().trigger();
            running.wait().await.expect("clean stop");
        }
        self.emulator.assert_no_violations();
    }
}
