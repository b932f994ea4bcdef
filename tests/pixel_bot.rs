//! The pixel feature end to end through the Bot API emulator: create, import
//! with bad rows, export, hits on the exported URLs, exact report numbers,
//! batched live notifications, delete; every bad input answered and nothing
//! written.

#[path = "pixel/common.rs"]
mod common;
mod support;

use std::time::Duration;

use ppc_helper::emulator::BotMessage;
use support::eventually;
use support::telegram::{Harness, ADMIN, WAIT};

const CSV: &str = "email,name,group,scheduled_at,pixels\n\
a@x.io,Ann,VIP,2020-01-01 10:00,2\n\
not-an-email,Bob,VIP,,1\n\
b@x.io,Ben,VIP,2020-01-01 10:00,1\n\
c@x.io,Cid,Rest,someday,1\n\
c@x.io,Cid,Rest,2020-01-01,1\n\
A@x.io,Ann again,VIP,,1\n\
d@x.io,Dee,Rest,,12\n";

async fn counts(h: &Harness) -> (i64, i64, i64) {
    (
        h.sql_count("SELECT count(*) FROM pixel_campaigns").await,
        h.sql_count("SELECT count(*) FROM pixel_contacts").await,
        h.sql_count("SELECT count(*) FROM pixel_pixels").await,
    )
}

async fn hit(url: &str, agent: &str) {
    let response = common::http()
        .get(url)
        .header("user-agent", agent)
        .send()
        .await
        .expect("hit");
    assert_eq!(response.status(), 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn create_import_export_hit_report_notify_delete() {
    let h = Harness::start_with(|c| c.pixel.max_import_rows = 10).await;
    let addr = h
        .running
        .as_ref()
        .expect("running")
        .http_addr()
        .expect("addr");
    let admin = h.admin.clone();

    h.say(&admin, "/campaign_add Spring <sale>");
    h.expect(ADMIN, "Campaign Spring <sale> created").await;
    let id = h.sql_count("SELECT max(id) FROM pixel_campaigns").await;

    h.emulator
        .send_document(
            &admin,
            ADMIN,
            "contacts.csv",
            CSV.as_bytes().to_vec(),
            Some(&format!("/import {id}")),
        )
        .expect("send csv");
    let done = h.expect(ADMIN, "3 imported, 0 updated, 4 rejected").await;
    let body = done.body();
    for needle in [
        "line 3 not-an-email: invalid e-mail",
        "line 5 c@x.io: unparsable date",
        "line 7 A@x.io: duplicate in file (first at line 2)",
        "line 8 d@x.io: too many pixels (at most 10)",
    ] {
        assert!(body.contains(needle), "{needle} in {body}");
    }
    assert_eq!(counts(&h).await, (1, 3, 4));

    // Re-importing a contact updates it and adds no pixels.
    h.emulator
        .send_document(&admin, ADMIN, "again.json", br#"[{"email":"b@x.io","name":"Benjamin","group":"VIP","scheduled_at":"2020-01-01T10:00:00Z"}]"#.to_vec(), Some(&format!("/import {id}")))
        .expect("send json");
    h.expect(ADMIN, "0 imported, 1 updated, 0 rejected").await;
    assert_eq!(counts(&h).await, (1, 3, 4));

    // The card: live notifications on.
    h.say(&admin, "/campaigns");
    let list = h.expect(ADMIN, "Your campaigns (1)").await;
    h.press(&admin, &list, "Spring");
    let card = h.expect(ADMIN, "Contacts: 3").await;
    assert!(card.body().contains("Rest (1), VIP (2)"), "{}", card.body());
    h.press(&admin, &card, "Turn live notifications on");
    let card = h.expect(ADMIN, "Live notifications: on").await;

    // Export.
    h.press(&admin, &card, "Export");
    let export = h
        .emulator
        .wait_for(ADMIN, |m| m.document.is_some(), WAIT)
        .await
        .expect("export document");
    assert!(
        export.body().contains("4 for 3 contacts"),
        "{}",
        export.body()
    );
    let file = export.document.as_ref().expect("document");
    let mut reader = csv::Reader::from_reader(file.bytes.as_ref());
    let headers: Vec<String> = reader
        .headers()
        .expect("headers")
        .iter()
        .map(String::from)
        .collect();
    assert_eq!(headers, ["email", "name", "group", "pixel", "url", "img"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 4);
    let local = |email: &str, pixel: &str| -> String {
        let row = rows
            .iter()
            .find(|r| &r[0] == email && &r[3] == pixel)
            .unwrap_or_else(|| panic!("{email} #{pixel} in export"));
        assert!(row[5].contains(&row[4]), "img snippet has the URL");
        let path = row[4].split("/p/").nth(1).expect("pixel path");
        format!("http://{addr}/p/{path}")
    };
    assert_eq!(
        rows[0][4].split("/p/").next(),
        Some("http://127.0.0.1:8080")
    );

    // Hits: Ann opens twice on one pixel and once on the other (one open
    // within the window), Gmail's proxy fetches Ben's, a script fetches Cid's.
    let thunderbird =
        "Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Thunderbird/115.5.0";
    hit(&local("a@x.io", "1"), thunderbird).await;
    hit(&local("a@x.io", "1"), thunderbird).await;
    hit(&local("a@x.io", "2"), thunderbird).await;
    hit(
        &local("b@x.io", "1"),
        "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)",
    )
    .await;
    hit(&local("c@x.io", "1"), "curl/8.5.0").await;
    eventually(Duration::from_secs(5), "5 hits written", || async {
        h.sql_count("SELECT count(*) FROM pixel_opens").await == 5
    })
    .await;

    // One batched live message with Ann and Ben, not Cid.
    let live = h.expect(ADMIN, "New opens in Spring <sale>").await;
    assert!(
        live.body().contains("Ann <a@x.io> · VIP"),
        "{}",
        live.body()
    );
    assert!(
        live.body().contains("Benjamin <b@x.io> · VIP"),
        "{}",
        live.body()
    );
    assert!(!live.body().contains("c@x.io"), "{}", live.body());

    // The report, exact.
    h.say(&admin, &format!("/opens {id}"));
    let report = h.expect(ADMIN, "Opens: Spring <sale>").await;
    let text = report.body();
    for needle in [
        "Contacts: 3",
        "Opened: 1 (33.3%)",
        "Opens: 1 (repeats within 60 min count once)",
        "Machine opens: proxy 1, Apple prefetch 0, scanners 1",
    ] {
        assert!(text.contains(needle), "{needle} in {text}");
    }
    assert!(text.contains("VIP") && text.contains("50.0%"), "{text}");
    eventually(WAIT, "two charts", || async {
        h.emulator
            .messages(ADMIN)
            .iter()
            .filter(|m| m.photo.is_some())
            .count()
            == 2
    })
    .await;
    let live_messages = h
        .emulator
        .messages(ADMIN)
        .iter()
        .filter(|m| m.body().contains("New opens in"))
        .count();
    assert_eq!(live_messages, 1, "one batched notification");

    // Delete with confirmation; hits on deleted pixels are not recorded.
    h.say(&admin, "/campaigns");
    let list = last_with(&h, "Your campaigns (1)").await;
    h.press(&admin, &list, "Spring");
    let card = last_with(&h, "Live notifications: on").await;
    h.press(&admin, &card, "Delete");
    let confirm = h.expect(ADMIN, "This cannot be undone").await;
    h.press(&admin, &confirm, "Yes, delete");
    h.expect(ADMIN, "Campaign Spring <sale> deleted").await;
    assert_eq!(counts(&h).await, (0, 0, 0));
    assert_eq!(h.sql_count("SELECT count(*) FROM pixel_opens").await, 0);
    hit(&local("a@x.io", "1"), thunderbird).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(h.sql_count("SELECT count(*) FROM pixel_opens").await, 0);
    h.finish().await;
}

async fn last_with(h: &Harness, needle: &str) -> BotMessage {
    let needle_owned = needle.to_string();
    eventually(WAIT, needle, || {
        let found = h
            .emulator
            .messages(ADMIN)
            .iter()
            .any(|m| m.body().contains(&needle_owned));
        async move { found }
    })
    .await;
    h.emulator
        .messages(ADMIN)
        .into_iter()
        .rev()
        .find(|m| m.body().contains(needle))
        .expect("message")
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_is_answered_and_nothing_is_written() {
    let h = Harness::start_with(|c| c.pixel.max_import_rows = 3).await;
    let admin = h.admin.clone();
    h.say(&admin, "/campaign_add");
    h.expect(ADMIN, "Usage: /campaign_add").await;
    h.say(&admin, &format!("/campaign_add {}", "x".repeat(101)));
    h.expect(ADMIN, "The name is too long (101 characters); at most 100")
        .await;
    assert_eq!(counts(&h).await, (0, 0, 0));

    h.say(&admin, "/campaign_add Autumn");
    h.expect(ADMIN, "Campaign Autumn created").await;
    let id = h.sql_count("SELECT max(id) FROM pixel_campaigns").await;
    let send = |name: &str, bytes: &[u8], caption: &str| {
        h.emulator
            .send_document(&admin, ADMIN, name, bytes.to_vec(), Some(caption))
            .expect("send document");
    };
    let import = format!("/import {id}");

    h.say(&admin, "/import");
    h.expect(ADMIN, "with the caption /import <campaign id>")
        .await;
    h.say(&admin, "/import abc");
    h.expect(ADMIN, "“abc” is not a campaign id").await;
    h.say(&admin, "/import 999999");
    h.expect(ADMIN, "Campaign 999999 was not found in this chat")
        .await;
    h.say(&admin, &import);
    h.expect(ADMIN, "Attach the contacts file").await;
    send("list.xlsx", b"PK\x03\x04", &import);
    h.expect(ADMIN, "“list.xlsx” is not a CSV or JSON file")
        .await;
    send(
        "big.csv",
        b"email\na@x.io\nb@x.io\nc@x.io\nd@x.io\n",
        &import,
    );
    h.expect(ADMIN, "The file has 4 contacts; at most 3").await;
    send("names.csv", b"name\nAnn\n", &import);
    h.expect(ADMIN, "The CSV has no email column").await;
    send("empty.csv", b"email\n", &import);
    h.expect(ADMIN, "The file has no contacts").await;
    send("bin.csv", &[0xff, 0xfe, 0x00, 0x41], &import);
    h.expect(
        ADMIN,
        "I could not read the file: the file is not UTF-8 text",
    )
    .await;
    send("broken.json", b"[{\"email\": ", &import);
    h.expect(ADMIN, "I could not read the file").await;
    send("shape.json", b"{\"people\": []}", &import);
    h.expect(ADMIN, "expected an array of contacts").await;
    send("bad.csv", b"email,pixels\nnope,1\nx@y.io,0\n", &import);
    h.expect(ADMIN, "0 imported, 0 updated, 2 rejected").await;
    assert_eq!(counts(&h).await, (1, 0, 0));
    assert_eq!(h.sql_count("SELECT count(*) FROM pixel_groups").await, 0);

    h.say(&admin, "/opens");
    h.expect(ADMIN, "Usage: /opens <campaign id>").await;
    h.say(&admin, "/opens 424242");
    h.expect(ADMIN, "Campaign 424242 was not found").await;

    // Another user's chat cannot see or touch this chat's campaign.
    let other = h.user(2000, "Eve");
    h.say(&other, "/start");
    h.expect(2000, "Access to this bot is by approval").await;
    h.say(&admin, "/grant 2000 member");
    h.expect(2000, "Your access has been approved").await;
    h.say(&other, &format!("/opens {id}"));
    h.expect(2000, &format!("Campaign {id} was not found"))
        .await;
    h.say(&other, "/campaigns");
    h.expect(2000, "No campaigns yet").await;
    h.finish().await;
}
