//! A real teloxide `Bot` against the emulator: requests, parsing and error mapping.

use std::time::Duration;

use teloxide::net::Download;
use teloxide::prelude::*;
use teloxide::types::{
    ChatAction, ChatId, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, UpdateKind,
};
use teloxide::{ApiError, RequestError};

use super::{alice, start, TOKEN};

#[tokio::test]
async fn teloxide_talks_to_the_emulator() {
    let emu = start().await;
    let bot = Bot::new(TOKEN).set_api_url(emu.api_url());
    let user = alice();

    let me = bot.get_me().await.unwrap();
    assert_eq!(me.id.0, 123456);
    assert_eq!(me.username(), emu.bot_username());

    emu.send_command(&user, user.id, "/start").unwrap();
    let updates = bot.get_updates().await.unwrap();
    let UpdateKind::Message(msg) = &updates[0].kind else {
        panic!("expected a message, got {:?}", updates[0].kind);
    };
    assert_eq!(msg.text(), Some("/start"));
    assert_eq!(msg.from.as_ref().unwrap().id.0, 1001);
    let offset = updates[0].id.0 as i32 + 1;

    let markup = InlineKeyboardMarkup::new([[InlineKeyboardButton::callback("Open", "menu:open")]]);
    let sent = bot
        .send_message(ChatId(1001), "<b>Menu</b>")
        .parse_mode(teloxide::types::ParseMode::Html)
        .reply_markup(markup.clone())
        .await
        .unwrap();
    assert_eq!(sent.text(), Some("Menu"));
    assert_eq!(sent.reply_markup(), Some(&markup));

    let query_id = emu
        .press_button(&user, 1001, sent.id.0, "menu:open")
        .unwrap();
    let updates = bot.get_updates().offset(offset).await.unwrap();
    let UpdateKind::CallbackQuery(q) = &updates[0].kind else {
        panic!("expected a callback query, got {:?}", updates[0].kind);
    };
    assert_eq!(q.data.as_deref(), Some("menu:open"));
    assert_eq!(q.id.0, query_id);
    bot.answer_callback_query(q.id.clone())
        .text("Opening")
        .await
        .unwrap();
    assert_eq!(
        emu.callback_answer(&query_id).unwrap().text.as_deref(),
        Some("Opening")
    );

    let edited = bot
        .edit_message_text(ChatId(1001), sent.id, "Opened")
        .reply_markup(markup.clone())
        .await
        .unwrap();
    assert_eq!(edited.text(), Some("Opened"));
    let same = bot
        .edit_message_text(ChatId(1001), sent.id, "Opened")
        .reply_markup(markup)
        .await;
    assert!(
        matches!(same, Err(RequestError::Api(ApiError::MessageNotModified))),
        "{same:?}"
    );

    let pdf = b"%PDF-1.7\n\x00\x01\x02 binary \xff".to_vec();
    let doc = bot
        .send_document(
            ChatId(1001),
            InputFile::memory(pdf.clone()).file_name("report.pdf"),
        )
        .caption("Weekly report")
        .await
        .unwrap();
    let document = doc.document().unwrap();
    assert_eq!(document.file_name.as_deref(), Some("report.pdf"));
    let stored = emu
        .wait_for(1001, |m| m.document.is_some(), Duration::from_secs(1))
        .await
        .unwrap();
    assert_eq!(&stored.document.unwrap().bytes[..], &pdf[..]);

    // A PNG chart: Telegram reports photo sizes; only the header matters here.
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend_from_slice(&[0, 0, 3, 32, 0, 0, 1, 244, 8, 6, 0, 0, 0]);
    bot.send_chat_action(ChatId(1001), ChatAction::UploadPhoto)
        .await
        .unwrap();
    let photo = bot
        .send_photo(
            ChatId(1001),
            InputFile::memory(png.clone()).file_name("chart.png"),
        )
        .await
        .unwrap();
    let sizes = photo.photo().unwrap();
    assert_eq!((sizes[1].width, sizes[1].height), (800, 500));
    let last = emu.last_message(1001).unwrap();
    assert_eq!(&last.photo.unwrap().bytes[..], &png[..]);

    // teloxide's own downloader (it percent-encodes the file path).
    let file = bot.get_file(document.file.id.clone()).await.unwrap();
    let mut downloaded = Vec::new();
    bot.download_file(&file.path, &mut downloaded)
        .await
        .unwrap();
    assert_eq!(downloaded, pdf);

    bot.set_my_commands([teloxide::types::BotCommand::new("start", "Start")])
        .language_code("ru")
        .await
        .unwrap();
    let cmds = bot.get_my_commands().language_code("ru").await.unwrap();
    assert_eq!(cmds[0].command, "start");
    assert_eq!(emu.commands()[0].language_code, "ru");

    emu.inject_429("sendMessage", None, 7, 1);
    let limited = bot.send_message(ChatId(1001), "hi").await;
    assert!(
        matches!(limited, Err(RequestError::RetryAfter(s)) if s.seconds() == 7),
        "{limited:?}"
    );

    emu.block_bot(1001).unwrap();
    let blocked = bot.send_message(ChatId(1001), "hi").await;
    assert!(
        matches!(blocked, Err(RequestError::Api(ApiError::BotBlocked))),
        "{blocked:?}"
    );
    let updates = bot.get_updates().offset(offset + 1).await.unwrap();
    assert!(
        matches!(
            updates.last().map(|u| &u.kind),
            Some(UpdateKind::MyChatMember(_))
        ),
        "{updates:?}"
    );

    bot.delete_webhook().await.unwrap();
    let info = bot.get_webhook_info().await.unwrap();
    assert!(info.url.is_none());
    emu.assert_no_violations();
}
