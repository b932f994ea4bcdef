//! The Ad Library account card end to end (the whole app against the Bot API
//! emulator on a fresh database): e-mails, country, media type, pause,
//! schedule, competitors, last reports and removal, edited in place, and
//! "Capture now" enqueueing one capture job. Commands are tested in
//! `adlibrary_bot.rs`; the capture itself in `adlibrary_capture.rs` and
//! `adlibrary_e2e.rs`.

mod support;

#[path = "adlibrary/screens.rs"]
mod screens;

use screens::{account_id, execute, press_and_see, sql_text, wait_button};
use support::telegram::{Harness, ADMIN};

#[tokio::test(flavor = "multi_thread")]
async fn the_account_card_sets_emails_country_and_schedule_in_place() {
    let h = Harness::start().await;
    let admin = h.admin.clone();
    h.say(&admin, "/start");
    let menu = h.expect(ADMIN, "Main menu").await;
    h.say(&admin, "/timezone Europe/Berlin");
    h.expect(ADMIN, "Europe/Berlin").await;

    // An account added from the menu (a dialogue).
    let list = press_and_see(&h, &menu, "Ad Library", "No client accounts yet").await;
    let ask = press_and_see(&h, &list, "Add account", "Send the name of the new").await;
    h.say(&admin, &"y".repeat(70));
    h.expect(ADMIN, "The name must be 1 to 64 characters").await;
    h.say(&admin, "Acme");
    let card = h.expect(ADMIN, "Account Acme added").await;
    assert_ne!(card.message_id, ask.message_id);
    let id = account_id(&h, "Acme").await;

    // E-mails: a bad address changes nothing; a good list replaces them.
    let emails = press_and_see(&h, &card, "Report e-mails", "separated by commas").await;
    assert!(emails.button("Clear addresses").is_none());
    h.say(&admin, "client@example.com, not-an-address");
    let bad = h
        .expect(ADMIN, "“not-an-address” is not an e-mail address")
        .await;
    assert!(bad.body().contains("Nothing was changed"), "{}", bad.body());
    assert_eq!(
        sql_text(
            &h,
            "SELECT array_to_string(emails, ',') FROM adlib_accounts"
        )
        .await,
        ""
    );
    h.say(&admin, "client@example.com  boss@example.org");
    let card = h
        .expect(
            ADMIN,
            "Report e-mails of Acme: client@example.com, boss@example.org",
        )
        .await;
    assert_eq!(
        sql_text(
            &h,
            "SELECT array_to_string(emails, ',') FROM adlib_accounts"
        )
        .await,
        "client@example.com,boss@example.org"
    );
    // Plain text after the dialogue ended is not taken as addresses.
    h.say(&admin, "other@example.com");
    h.expect(ADMIN, "I answer to commands and buttons").await;

    // Country: a button, then a typed code (a wrong one changes nothing).
    let country = press_and_see(&h, &card, "Country: ALL", "ALL means every country").await;
    let card = press_and_see(&h, &country, "DE", "Country of Acme: DE").await;
    assert_eq!(
        sql_text(&h, "SELECT country FROM adlib_accounts").await,
        "DE"
    );
    press_and_see(&h, &card, "Country: DE", "ALL means every country").await;
    h.say(&admin, "xx");
    h.expect(ADMIN, "“xx” is not a country").await;
    assert_eq!(
        sql_text(&h, "SELECT country FROM adlib_accounts").await,
        "DE"
    );
    h.say(&admin, "se");
    let card = h.expect(ADMIN, "Country of Acme: SE").await;
    assert_eq!(
        sql_text(&h, "SELECT country FROM adlib_accounts").await,
        "SE"
    );

    // Clear the e-mails from their screen.
    let emails = press_and_see(&h, &card, "Report e-mails", "separated by commas").await;
    let card = press_and_see(&h, &emails, "Clear addresses", "Report e-mails of Acme: —").await;
    assert_eq!(
        sql_text(
            &h,
            "SELECT array_to_string(emails, ',') FROM adlib_accounts"
        )
        .await,
        ""
    );

    // Schedule: weekly on chosen days at a typed time, in the chat's timezone.
    let schedule = press_and_see(&h, &card, "Schedule", "in this chat: off").await;
    assert!(schedule.body().contains("Times are in Europe/Berlin"));
    let days = press_and_see(&h, &schedule, "Weekly", "on which days").await;
    assert!(days.button("Next").is_none(), "no day chosen yet");
    h.press(&admin, &days, "Mon");
    let days = wait_button(&h, &days, "✅ Mon").await;
    h.press(&admin, &days, "Thu");
    let days = wait_button(&h, &days, "✅ Thu").await;
    let time = press_and_see(&h, &days, "Next", "Mon, Thu: at what time (Europe/Berlin)").await;
    h.say(&admin, "25:00");
    h.expect(ADMIN, "“25:00” is not a time").await;
    assert_eq!(h.sql_count("SELECT count(*) FROM schedules").await, 0);
    h.say(&admin, "9:30");
    let card = h
        .expect(ADMIN, "Reports of Acme: Mon, Thu at 09:30 (Europe/Berlin)")
        .await;
    assert_ne!(card.message_id, time.message_id);
    assert!(
        card.body()
            .contains("Scheduled reports here: Mon, Thu at 09:30, next"),
        "{}",
        card.body()
    );
    let row = format!(
        "SELECT count(*) FROM schedules WHERE chat_id = {ADMIN} AND job_type = 'adlibrary_capture_scheduled'
         AND rule = 'weekly mon,thu 09:30' AND timezone = 'Europe/Berlin'
         AND (target->>'account_id')::bigint = {id} AND enabled"
    );
    assert_eq!(h.sql_count(&row).await, 1);

    // Daily at a time button replaces it; Off removes it.
    let schedule = press_and_see(&h, &card, "Schedule", "in this chat: Mon, Thu at 09:30").await;
    let time = press_and_see(&h, &schedule, "Daily", "every day: at what time").await;
    let card = press_and_see(&h, &time, "08:00", "Reports of Acme: daily at 08:00").await;
    assert_eq!(h.sql_count("SELECT count(*) FROM schedules").await, 1);
    assert_eq!(
        sql_text(&h, "SELECT rule FROM schedules").await,
        "daily 08:00"
    );
    let schedule = press_and_see(&h, &card, "Schedule", "in this chat: daily at 08:00").await;
    press_and_see(&h, &schedule, "Off", "Scheduled reports of Acme are off").await;
    assert_eq!(h.sql_count("SELECT count(*) FROM schedules").await, 0);
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn competitors_reports_and_removing_the_account_from_the_card() {
    let files = tempfile::tempdir().expect("tempdir");
    let data_dir = files.path().join("pg");
    let h = Harness::start_with(move |config| config.database.data_dir = data_dir).await;
    let admin = h.admin.clone();
    h.say(&admin, "/account_add Acme");
    h.expect(ADMIN, "Account Acme added").await;
    h.say(&admin, "/competitor_add Acme 123456789");
    h.expect(ADMIN, "Competitor 123456789 added").await;
    h.say(&admin, "/competitor_add Acme 987654321");
    h.expect(ADMIN, "Competitor 987654321 added").await;
    let id = account_id(&h, "Acme").await;

    // Remove a competitor (confirmed), in place.
    h.say(&admin, "/accounts");
    let list = h.expect(ADMIN, "Client accounts (1)").await;
    let card = press_and_see(&h, &list, "Acme", "Competitors (2)").await;
    let competitors = press_and_see(&h, &card, "Competitors (2)", "Press one to remove it").await;
    let confirm = press_and_see(
        &h,
        &competitors,
        "✖ 123456789",
        "Remove the competitor 123456789 from Acme?",
    )
    .await;
    let competitors = press_and_see(&h, &confirm, "Remove", "Competitor 123456789 removed.").await;
    assert_eq!(
        h.sql_count("SELECT count(*) FROM adlib_account_pages")
            .await,
        1
    );
    assert!(competitors.button("✖ 987654321").is_some());
    assert!(competitors.button("✖ 123456789").is_none());

    // Add one from the list: a wrong input is explained and stores nothing.
    press_and_see(
        &h,
        &competitors,
        "Add competitor",
        "Send the Ad Library URL",
    )
    .await;
    h.say(&admin, "https://www.facebook.com/acme.shoes");
    let refused = h.expect(ADMIN, "This is a Facebook page URL").await;
    assert!(refused.body().contains("Nothing was saved"));
    assert_eq!(
        h.sql_count("SELECT count(*) FROM adlib_account_pages")
            .await,
        1
    );
    h.say(
        &admin,
        "www.facebook.com/ads/library/?country=ALL&view_all_page_id=5550001",
    );
    let competitors = h.expect(ADMIN, "Competitor 5550001 added to Acme").await;
    assert!(competitors.button("✖ 5550001").is_some());
    assert_eq!(
        h.sql_count("SELECT count(*) FROM adlib_account_pages")
            .await,
        2
    );

    // Last reports: a finished capture with its counts, a failed one.
    let shots = files.path().join("files/adlibrary/captures");
    let report = files.path().join("files/adlibrary/reports/acme.pdf");
    std::fs::create_dir_all(shots.join("1/5550001")).expect("dirs");
    std::fs::create_dir_all(report.parent().expect("parent")).expect("dirs");
    std::fs::write(shots.join("1/5550001/1.jpg"), b"jpeg").expect("shot");
    std::fs::write(&report, b"%PDF").expect("report");
    execute(
        &h,
        &format!(
            "INSERT INTO adlib_captures (id, account_id, started_at, finished_at, status, report_paths)
             VALUES (1, {id}, now() - interval '2 hours', now() - interval '2 hours', 'ok', ARRAY['{}']);
             INSERT INTO adlib_capture_pages (capture_id, page_id, status, ads_seen, new_ads, running, stopped)
             VALUES (1, '5550001', 'ok', 12, 3, 9, 1), (1, '987654321', 'ok', 4, 0, 4, 2);
             INSERT INTO adlib_captures (id, account_id, finished_at, status, error)
             VALUES (2, {id}, now(), 'failed', 'chromedriver is missing');",
            report.display()
        ),
    )
    .await;
    let card = press_and_see(&h, &competitors, "Back", "Last capture:").await;
    let reports = press_and_see(&h, &card, "Last reports", "last reports (2)").await;
    let body = reports.body();
    assert!(
        body.contains("ok: 2 competitors, 16 ads (new 3, running 13, stopped 3)"),
        "{body}"
    );
    assert!(body.contains("failed: chromedriver is missing"), "{body}");
    let card = press_and_see(&h, &reports, "Back", "Last capture:").await;

    // Removing the account takes its schedules, captures and files along.
    h.say(&admin, "/account_schedule Acme daily 07:00");
    h.expect(ADMIN, "Reports of Acme: daily at 07:00 (UTC)")
        .await;
    assert_eq!(h.sql_count("SELECT count(*) FROM schedules").await, 1);
    let confirm = press_and_see(
        &h,
        &card,
        "Remove account",
        "Remove the account Acme with its 2 competitors",
    )
    .await;
    press_and_see(&h, &confirm, "Remove", "Account Acme removed.").await;
    for table in [
        "adlib_accounts",
        "adlib_account_pages",
        "adlib_captures",
        "schedules",
    ] {
        let sql = format!("SELECT count(*) FROM {table}");
        assert_eq!(h.sql_count(&sql).await, 0, "{table}");
    }
    assert!(!shots.join("1").exists(), "screenshots removed");
    assert!(!report.exists(), "report removed");
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn capture_now_from_the_card_enqueues_one_capture_job() {
    let files = tempfile::tempdir().expect("tempdir");
    let data_dir = files.path().join("pg");
    let h = Harness::start_with(move |config| {
        config.database.data_dir = data_dir;
        config.adlibrary.chromedriver_path = "/nonexistent/chromedriver".into();
        config.adlibrary.webdriver_url = String::new();
    })
    .await;
    let admin = h.admin.clone();
    let jobs = "SELECT count(*) FROM graphile_worker._private_jobs j
                JOIN graphile_worker._private_tasks t ON t.id = j.task_id
                WHERE t.identifier = 'adlibrary_capture'";
    h.say(&admin, "/account_add Acme");
    let card = h.expect(ADMIN, "Account Acme added").await;
    h.press(&admin, &card, "Capture now");
    h.expect(ADMIN, "Acme has no competitors yet").await;
    assert_eq!(h.sql_count(jobs).await, 0);

    h.say(&admin, "/competitor_add Acme 123456789");
    let added = h.expect(ADMIN, "Competitor 123456789 added").await;
    h.say(&admin, "/accounts");
    let list = h.expect(ADMIN, "Client accounts (1)").await;
    assert!(list.message_id > added.message_id);
    let card = press_and_see(&h, &list, "Acme", "Competitors (1)").await;
    h.press(&admin, &card, "Capture now");
    h.expect(ADMIN, "Capturing the ads of 1 competitors of Acme")
        .await;
    let id = account_id(&h, "Acme").await;
    let ours =
        format!("{jobs} AND (j.payload->>'account_id')::bigint = {id} AND j.key = 'capture:{id}'");
    assert_eq!(h.sql_count(&ours).await, 1, "one capture job");
    assert_eq!(h.sql_count(jobs).await, 1);
    let requests = format!(
        "SELECT count(*) FROM adlib_requests WHERE account_id = {id} AND chat_id = {ADMIN}"
    );
    assert_eq!(
        h.sql_count(&requests).await,
        1,
        "the chat waits for the report"
    );
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_card_sets_the_media_type_and_pauses_the_account() {
    let h = Harness::start_with(|config| {
        config.adlibrary.chromedriver_path = "/nonexistent/chromedriver".into();
        config.adlibrary.webdriver_url = String::new();
    })
    .await;
    let admin = h.admin.clone();
    let media = "SELECT media_type FROM adlib_accounts";
    let active = "SELECT active::text FROM adlib_accounts";
    h.say(&admin, "/account_add Acme");
    let card = h.expect(ADMIN, "Account Acme added").await;
    assert!(
        card.body().contains("Media type: All media types"),
        "{}",
        card.body()
    );
    // The media_type of a pasted URL is not taken (as before): the account's stays.
    h.say(&admin, "/competitor_add Acme https://www.facebook.com/ads/library/?media_type=video&view_all_page_id=123456789");
    h.expect(ADMIN, "Competitor 123456789 added to Acme").await;
    assert_eq!(sql_text(&h, media).await, "all");

    // Media type from the card: the current one marked, the choice stored.
    let screen = press_and_see(&h, &card, "Media: All media types", "kind of media").await;
    assert!(
        screen.button("✅ All media types").is_some(),
        "{:?}",
        screen.buttons
    );
    let card = press_and_see(&h, &screen, "Videos", "Media type of Acme: Videos").await;
    assert_eq!(sql_text(&h, media).await, "video");
    assert!(
        card.body().contains("Media type: Videos"),
        "{}",
        card.body()
    );
    let screen = press_and_see(&h, &card, "Media: Videos", "kind of media").await;
    assert!(screen.button("✅ Videos").is_some(), "{:?}", screen.buttons);
    assert!(screen.button("✅ All").is_none(), "{:?}", screen.buttons);
    let card = press_and_see(
        &h,
        &screen,
        "Images and memes",
        "Media type of Acme: Images and memes",
    )
    .await;
    assert_eq!(sql_text(&h, media).await, "image_and_meme");

    // Pause: the card says so, Resume replaces Pause, the list marks it.
    let card = press_and_see(&h, &card, "Pause", "Acme is paused").await;
    assert!(
        card.body()
            .contains("Paused: scheduled captures skip this account"),
        "{}",
        card.body()
    );
    assert!(
        card.button("Resume").is_some() && card.button("Pause").is_none(),
        "{:?}",
        card.buttons
    );
    assert_eq!(sql_text(&h, active).await, "false");
    h.say(&admin, "/accounts");
    let list = h.expect(ADMIN, "Client accounts (1)").await;
    assert!(list.button("⏸ Acme").is_some(), "{:?}", list.buttons);
    // An explicit capture still runs, and the answer says the account is paused.
    h.say(&admin, "/capture Acme");
    let answer = h
        .expect(ADMIN, "Capturing the ads of 1 competitors of Acme")
        .await;
    assert!(
        answer.body().contains("Acme is paused for schedules"),
        "{}",
        answer.body()
    );
    assert_eq!(h.sql_count("SELECT count(*) FROM adlib_requests").await, 1);

    // Resume.
    let card = press_and_see(&h, &list, "Acme", "Competitors (1)").await;
    assert!(card.body().contains("Paused:"), "{}", card.body());
    let card = press_and_see(&h, &card, "Resume", "Acme is active again").await;
    assert!(!card.body().contains("Paused:"), "{}", card.body());
    assert!(card.button("Pause").is_some(), "{:?}", card.buttons);
    assert_eq!(sql_text(&h, active).await, "true");
    h.finish().await;
}
