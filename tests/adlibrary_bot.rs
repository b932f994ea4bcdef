//! The Ad Library commands end to end (the whole app against the Bot API
//! emulator on a fresh database): accounts and competitors by command, every
//! wrong input explained and nothing stored. The account card's menus are
//! tested in `adlibrary_menus.rs`.

mod support;

#[path = "adlibrary/screens.rs"]
mod screens;

use screens::{press_and_see, sql_text};
use support::telegram::{Harness, ADMIN};

const AD_LIBRARY_URL: &str = "https://www.facebook.com/ads/library/?view_all_page_id=102345678901234&search_type=page&active_status=active&country=DE&media_type=all&ad_type=all";

#[tokio::test(flavor = "multi_thread")]
async fn accounts_and_competitors_by_command_store_only_good_input() {
    let h = Harness::start().await;
    let admin = h.admin.clone();
    h.say(&admin, "/accounts");
    let empty = h.expect(ADMIN, "No client accounts yet").await;
    assert!(empty.button("Add account").is_some(), "{:?}", empty.buttons);

    h.say(&admin, "/account_add");
    h.expect(ADMIN, "Usage: /account_add <name> (1 to 64 characters)")
        .await;
    h.say(&admin, &format!("/account_add {}", "x".repeat(65)));
    h.expect(ADMIN, "Usage: /account_add").await;
    assert_eq!(h.sql_count("SELECT count(*) FROM adlib_accounts").await, 0);

    h.say(&admin, "/account_add   Acme   Shoes ");
    let card = h.expect(ADMIN, "Account Acme Shoes added").await;
    assert!(card.body().contains("Country: ALL"), "{}", card.body());
    assert!(card.button("Capture now").is_some(), "{:?}", card.buttons);
    h.say(&admin, "/account_add acme shoes");
    h.expect(ADMIN, "An account named acme shoes exists already")
        .await;
    assert_eq!(h.sql_count("SELECT count(*) FROM adlib_accounts").await, 1);

    // A good Ad Library URL: page id and country taken, in any order.
    h.say(
        &admin,
        &format!("/competitor_add Acme Shoes {AD_LIBRARY_URL}"),
    );
    let added = h
        .expect(ADMIN, "Competitor 102345678901234 added to Acme Shoes")
        .await;
    assert!(
        added
            .body()
            .contains("country is now DE, taken from the URL"),
        "{}",
        added.body()
    );
    assert_eq!(
        sql_text(&h, "SELECT country FROM adlib_accounts").await,
        "DE"
    );
    // A bare numeric id; the same one again is not stored twice.
    h.say(&admin, "/competitor_add acme shoes 20000000002");
    h.expect(ADMIN, "Competitor 20000000002 added to Acme Shoes")
        .await;
    h.say(&admin, "/competitor_add Acme Shoes 20000000002");
    h.expect(ADMIN, "20000000002 is a competitor of Acme Shoes already")
        .await;
    assert_eq!(
        h.sql_count("SELECT count(*) FROM adlib_account_pages")
            .await,
        2
    );

    // Every wrong input: an explanation of what to paste, nothing stored.
    let wrong = [
        (
            "https://www.facebook.com/nike",
            "This is a Facebook page URL",
        ),
        ("nike", "This is neither an Ad Library URL nor a page id"),
        (
            "https://example.com/ads/library/?view_all_page_id=123456",
            "This is a URL of example.com",
        ),
        (
            "https://www.facebook.com/ads/library/?q=shoes&search_type=keyword_unordered",
            "keyword search",
        ),
        (
            "https://www.facebook.com/ads/library/?id=987654321",
            "shows one ad",
        ),
        ("1234", "“1234” is not a page id"),
        (
            "https://www.facebook.com/ads/library/?view_all_page_id=123456&country=Germany",
            "“Germany” is not a country",
        ),
    ];
    for (input, needle) in wrong {
        h.say(&admin, &format!("/competitor_add Acme Shoes {input}"));
        let reply = h.expect(ADMIN, needle).await;
        assert!(
            reply
                .body()
                .contains("Open facebook.com/ads/library, search for the competitor"),
            "{input}: {}",
            reply.body()
        );
    }
    h.say(&admin, "/competitor_add Nope 123456789");
    h.expect(ADMIN, "There is no account “Nope”").await;
    h.say(&admin, "/competitor_add 123456789");
    h.expect(ADMIN, "Usage: /competitor_add <account name>")
        .await;
    for sql in [
        "SELECT count(*) FROM adlib_account_pages",
        "SELECT count(*) FROM adlib_pages",
    ] {
        assert_eq!(h.sql_count(sql).await, 2, "{sql}");
    }
    assert_eq!(h.sql_count("SELECT count(*) FROM adlib_accounts").await, 1);

    h.say(&admin, "/accounts");
    let list = h.expect(ADMIN, "Client accounts (1)").await;
    let card = press_and_see(&h, &list, "Acme Shoes", "Competitors (2)").await;
    assert!(card.body().contains("• 102345678901234"), "{}", card.body());
    assert!(card.body().contains("Country: DE"), "{}", card.body());
    h.finish().await;
}
