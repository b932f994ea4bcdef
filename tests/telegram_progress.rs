//! Progress messages are edited at most once every 2 seconds, and the final
//! state always shows.

use std::time::Duration;

use ppc_helper::emulator::{Emulator, TestUser};
use ppc_helper::telegram::progress::Progress;
use teloxide::prelude::Requester;
use teloxide::types::ChatId;
use teloxide::Bot;

#[tokio::test]
async fn progress_edits_are_rate_limited_and_the_final_state_shows() {
    let emulator = Emulator::start("42:progress").await.expect("emulator");
    let user = TestUser::new(7, "Pat");
    emulator.add_user(&user);
    let bot = Bot::new("42:progress").set_api_url(emulator.api_url());
    let message = bot.send_message(ChatId(7), "queued…").await.expect("send");
    let mut progress = Progress::new(bot, ChatId(7), message.id);
    for step in 1..=20 {
        progress
            .update(format!("Competitor {step}/20"))
            .await
            .expect("update");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    progress
        .finish("Done: 20 competitors")
        .await
        .expect("finish");
    let edits = emulator.calls_to("editMessageText").len();
    assert_eq!(
        edits, 2,
        "the first update and the final state, nothing between"
    );
    let shown = emulator.last_message(7).expect("message");
    assert_eq!(shown.body(), "Done: 20 competitors");
    assert!(shown.edited);
    emulator.assert_no_violations();
}
