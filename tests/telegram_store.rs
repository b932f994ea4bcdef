//! The Telegram core's database side against a real PostgreSQL: dialogue
//! storage, users and roles, chats, the audit trail, pending actions.

mod support;

#[path = "telegram_store/dialogue.rs"]
mod dialogue;

use std::time::Duration;

use ppc_helper::app::App;
use ppc_helper::jobs::schedules::{self, NewSchedule};
use ppc_helper::shutdown::Shutdown;
use ppc_helper::telegram::store::{audit, chats, pending, users, ChatKind, Role, StoreError};
use serde_json::json;
use support::{test_config, TestDb};

async fn app(db: &TestDb) -> App {
    App::build(test_config(db), Shutdown::new())
        .await
        .expect("app")
}

async fn seen(app: &App, id: i64, code: Option<&str>, admins: &[i64]) -> users::User {
    users::upsert_seen(app.pool(), id, Some("nick"), "First", None, code, admins)
        .await
        .expect("upsert_seen")
}

async fn count(db: &TestDb, sql: &str) -> i64 {
    db.client()
        .await
        .query_one(sql, &[])
        .await
        .expect("count")
        .get(0)
}

#[tokio::test]
async fn upsert_keeps_role_and_language_and_updates_names() {
    let db = TestDb::new().await;
    let app = app(&db).await;
    let pool = app.pool();
    let user = seen(&app, 100, Some("ru-RU"), &[]).await;
    assert_eq!((user.role, user.language.as_str()), (Role::Pending, "ru"));
    assert_eq!(
        users::role_of(pool, 100).await.expect("role"),
        Some(Role::Pending)
    );
    assert_eq!(users::role_of(pool, 999).await.expect("role"), None);
    users::set_role(pool, 1, 100, Role::Member)
        .await
        .expect("approve");
    let again = users::upsert_seen(pool, 100, None, "Иван", Some("Петров"), Some("en"), &[])
        .await
        .expect("upsert again");
    assert_eq!(again.role, Role::Member);
    assert_eq!(
        again.language, "ru",
        "language is chosen once, then by /language"
    );
    assert_eq!(again.username, None);
    assert_eq!(
        (again.first_name.as_str(), again.last_name.as_deref()),
        ("Иван", Some("Петров"))
    );
    assert_eq!(
        users::get(pool, 100).await.expect("get"),
        Some(again.clone())
    );
    // Nothing changed: nothing is written.
    let same = users::upsert_seen(pool, 100, None, "Иван", Some("Петров"), None, &[])
        .await
        .expect("same");
    assert_eq!(same, again);
    // Being left out of the config's admins never demotes.
    users::set_role(pool, 1, 100, Role::Admin)
        .await
        .expect("promote");
    assert_eq!(seen(&app, 100, None, &[]).await.role, Role::Admin);
    app.close().await.expect("close");
}

#[tokio::test]
async fn concurrent_first_contacts_of_one_user_all_succeed() {
    let db = TestDb::new().await;
    let app = app(&db).await;
    let contacts = (0..16).map(|_| seen(&app, 300, Some("ru"), &[]));
    for user in futures::future::join_all(contacts).await {
        assert_eq!((user.telegram_id, user.role), (300, Role::Pending));
    }
    assert_eq!(count(&db, "SELECT count(*) FROM users").await, 1);
    app.close().await.expect("close");
}

#[tokio::test]
async fn config_admins_are_promoted_and_audited() {
    let db = TestDb::new().await;
    let app = app(&db).await;
    assert_eq!(seen(&app, 5, None, &[5, 6]).await.role, Role::Admin);
    assert_eq!(seen(&app, 6, None, &[]).await.role, Role::Pending);
    assert_eq!(seen(&app, 6, None, &[5, 6]).await.role, Role::Admin);
    let entries = audit::recent(app.pool(), 10).await.expect("audit");
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(
        (entries[0].actor_id, entries[0].action.as_str()),
        (None, "user.role")
    );
    assert_eq!(
        entries[0].details,
        json!({"user": 6, "from": "pending", "to": "admin", "by": "config"})
    );
    let admins = users::admins(app.pool()).await.expect("admins");
    assert_eq!(
        admins.iter().map(|u| u.telegram_id).collect::<Vec<_>>(),
        [5, 6]
    );
    app.close().await.expect("close");
}

#[tokio::test]
async fn language_detection_and_change() {
    let db = TestDb::new().await;
    let app = app(&db).await;
    let cases = [
        (Some("ru"), "ru"),
        (Some("RU-ru"), "ru"),
        (Some("en-US"), "en"),
        (Some("uk"), "en"),
        (Some("de"), "en"),
        (None, "en"),
    ];
    for (i, (code, expected)) in cases.into_iter().enumerate() {
        assert_eq!(users::language_for(code), expected, "{code:?}");
        assert_eq!(
            seen(&app, i as i64 + 1, code, &[]).await.language,
            expected,
            "{code:?}"
        );
    }
    users::set_language(app.pool(), 1, "en")
        .await
        .expect("to en");
    let user = users::get(app.pool(), 1).await.expect("get").expect("user");
    assert_eq!(user.language, "en");
    let bad = users::set_language(app.pool(), 1, "de").await;
    assert!(matches!(bad, Err(StoreError::Invalid(_))), "{bad:?}");
    let unknown = users::set_language(app.pool(), 404, "ru").await;
    assert!(matches!(unknown, Err(StoreError::NotFound)), "{unknown:?}");
    app.close().await.expect("close");
}

#[tokio::test]
async fn role_changes_are_audited_atomically() {
    let db = TestDb::new().await;
    let app = app(&db).await;
    let pool = app.pool();
    seen(&app, 20, None, &[]).await;
    let user = users::set_role(pool, 1, 20, Role::Member)
        .await
        .expect("approve");
    assert_eq!(user.role, Role::Member);
    let entries = audit::recent(pool, 10).await.expect("audit");
    assert_eq!(entries.len(), 1);
    assert_eq!(
        (entries[0].actor_id, entries[0].action.as_str()),
        (Some(1), "user.role")
    );
    assert_eq!(
        entries[0].details,
        json!({"user": 20, "from": "pending", "to": "member"})
    );
    let decided = "SELECT count(*) FROM users WHERE telegram_id = 20 AND decided_by = 1 AND decided_at IS NOT NULL";
    assert_eq!(count(&db, decided).await, 1);

    // A user who never wrote to the bot: an error and no audit row.
    let unknown = users::set_role(pool, 1, 404, Role::Member).await;
    assert!(matches!(unknown, Err(StoreError::NotFound)), "{unknown:?}");
    assert_eq!(count(&db, "SELECT count(*) FROM audit_log").await, 1);

    // The audit insert fails: the role change is rolled back with it.
    db.client()
        .await
        .batch_execute(
            "ALTER TABLE audit_log ADD CONSTRAINT no_roles CHECK (action <> 'user.role') NOT VALID",
        )
        .await
        .expect("constraint");
    let failed = users::set_role(pool, 1, 20, Role::Revoked).await;
    assert!(matches!(failed, Err(StoreError::Db(_))), "{failed:?}");
    assert_eq!(
        users::role_of(pool, 20).await.expect("role"),
        Some(Role::Member)
    );
    assert_eq!(count(&db, "SELECT count(*) FROM audit_log").await, 1);
    app.close().await.expect("close");
}

#[tokio::test]
async fn list_pages_pending_first_then_by_age() {
    let db = TestDb::new().await;
    let app = app(&db).await;
    let pool = app.pool();
    for id in 1..=120i64 {
        seen(&app, id, None, &[]).await;
    }
    for id in (1..=120i64).filter(|id| id % 4 != 0) {
        users::set_role(pool, 1000, id, Role::Member)
            .await
            .expect("approve");
    }
    let mut listed = Vec::new();
    for page in 0..5 {
        let (page, total) = users::list(pool, page * 25, 25).await.expect("page");
        assert_eq!(total, 120);
        assert!(page.len() <= 25);
        listed.extend(page.into_iter().map(|u| (u.role, u.telegram_id)));
    }
    let pending: Vec<_> = (1..=120i64)
        .filter(|id| id % 4 == 0)
        .map(|id| (Role::Pending, id))
        .collect();
    let members: Vec<_> = (1..=120i64)
        .filter(|id| id % 4 != 0)
        .map(|id| (Role::Member, id))
        .collect();
    assert_eq!(listed, [pending, members].concat());
    let (beyond, total) = users::list(pool, 500, 25).await.expect("beyond");
    assert!(beyond.is_empty());
    assert_eq!(total, 120);
    let waiting = users::pending(pool).await.expect("pending");
    assert_eq!(waiting.len(), 30);
    assert_eq!(waiting[0].telegram_id, 4);
    app.close().await.expect("close");
}

#[tokio::test]
async fn broadcast_audience_is_members_and_admins_with_active_private_chats() {
    let db = TestDb::new().await;
    let app = app(&db).await;
    let pool = app.pool();
    for (id, role) in [
        (1, Role::Admin),
        (2, Role::Member),
        (3, Role::Pending),
        (4, Role::Revoked),
        (5, Role::Member),
        (6, Role::Member),
    ] {
        seen(&app, id, None, &[]).await;
        users::set_role(pool, 1, id, role).await.expect("role");
        if id != 6 {
            chats::upsert(pool, id, ChatKind::Private, None)
                .await
                .expect("chat");
        }
    }
    chats::set_active(pool, 5, false, Some("bot blocked"))
        .await
        .expect("blocked");
    chats::upsert(pool, -100, ChatKind::Supergroup, Some("Team"))
        .await
        .expect("group");
    let audience = users::members_with_active_chats(pool)
        .await
        .expect("audience");
    assert_eq!(audience, [1, 2]);
    app.close().await.expect("close");
}

#[tokio::test]
async fn chat_deactivation_pauses_its_schedules() {
    let db = TestDb::new().await;
    let app = app(&db).await;
    let pool = app.pool();
    let chat = chats::upsert(pool, -42, ChatKind::Group, Some("Old"))
        .await
        .expect("chat");
    assert_eq!((chat.active, chat.timezone.as_str()), (true, "UTC"));
    chats::upsert(pool, 77, ChatKind::Private, None)
        .await
        .expect("other chat");
    for chat_id in [-42, -42, 77] {
        let schedule = NewSchedule {
            chat_id,
            job_type: "digest".into(),
            target: json!({}),
            rule: "every 5 minutes".parse().expect("rule"),
            timezone: chrono_tz::UTC,
        };
        schedules::create(pool, schedule).await.expect("schedule");
    }
    let paused = chats::set_active(pool, -42, false, Some("bot was kicked"))
        .await
        .expect("deactivate");
    assert_eq!(paused, 2);
    let enabled = "SELECT count(*) FROM schedules WHERE enabled";
    assert_eq!(
        count(&db, enabled).await,
        1,
        "only the other chat's schedule runs"
    );
    assert_eq!(
        chats::is_active(pool, -42).await.expect("active"),
        Some(false)
    );
    assert_eq!(chats::is_active(pool, 1).await.expect("active"), None);
    let stored = chats::get(pool, -42).await.expect("get").expect("chat");
    assert_eq!(stored.inactive_reason.as_deref(), Some("bot was kicked"));
    let entries = audit::recent(pool, 1).await.expect("audit");
    assert_eq!(entries[0].action, "chat.deactivated");
    // Upsert refreshes kind and title but does not reactivate.
    let renamed = chats::upsert(pool, -42, ChatKind::Supergroup, Some("New"))
        .await
        .expect("upsert");
    assert_eq!(
        (renamed.kind, renamed.title.as_deref(), renamed.active),
        (ChatKind::Supergroup, Some("New"), false)
    );
    assert_eq!(
        chats::set_active(pool, -42, true, None)
            .await
            .expect("reactivate"),
        0
    );
    let back = chats::get(pool, -42).await.expect("get").expect("chat");
    assert_eq!((back.active, back.inactive_reason), (true, None));
    assert_eq!(
        count(&db, enabled).await,
        1,
        "reactivation leaves schedules paused"
    );
    let missing = chats::set_active(pool, 1, false, None).await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
    chats::set_timezone(pool, -42, "Europe/Moscow")
        .await
        .expect("tz");
    assert_eq!(
        chats::timezone(pool, -42).await.expect("tz").as_deref(),
        Some("Europe/Moscow")
    );
    assert_eq!(chats::timezone(pool, 1).await.expect("tz"), None);
    let missing = chats::set_timezone(pool, 1, "UTC").await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
    app.close().await.expect("close");
}

#[tokio::test]
async fn pending_actions_are_one_shot_actor_bound_and_expire() {
    let db = TestDb::new().await;
    let app = app(&db).await;
    let pool = app.pool();
    let hour = Duration::from_secs(3600);
    let action = json!({"delete_schedules": (1..200).collect::<Vec<i64>>()});
    let id = pending::create(pool, 10, action.clone(), hour)
        .await
        .expect("create");
    assert_eq!(
        pending::take(pool, id, 11).await.expect("other actor"),
        None
    );
    assert_eq!(
        pending::take(pool, id, 10).await.expect("take"),
        Some(action)
    );
    assert_eq!(pending::take(pool, id, 10).await.expect("twice"), None);
    assert_eq!(pending::take(pool, 9999, 10).await.expect("missing"), None);

    let expired = pending::create(pool, 10, json!("a"), Duration::ZERO)
        .await
        .expect("create");
    let backdated = pending::create(pool, 10, json!("b"), hour)
        .await
        .expect("create");
    let live = pending::create(pool, 10, json!("c"), hour)
        .await
        .expect("create");
    db.client()
        .await
        .execute(
            "UPDATE pending_actions SET expires_at = now() - interval '1 second' WHERE id = $1",
            &[&backdated],
        )
        .await
        .expect("backdate");
    assert_eq!(
        pending::take(pool, expired, 10).await.expect("expired"),
        None
    );
    assert_eq!(pending::purge_expired(pool).await.expect("purge"), 1);
    assert_eq!(
        pending::take(pool, backdated, 10).await.expect("purged"),
        None
    );
    assert_eq!(
        pending::take(pool, live, 10).await.expect("live"),
        Some(json!("c"))
    );
    app.close().await.expect("close");
}
