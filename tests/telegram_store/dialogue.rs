//! Dialogue storage: round trip, overwrite, remove, restart, stale shapes,
//! concurrent chats.

use std::sync::Arc;

use ppc_helper::telegram::dialogue::PgStorage;
use serde::{Deserialize, Serialize};
use teloxide::dispatching::dialogue::Storage;
use teloxide::types::ChatId;

use super::support::TestDb;
use super::{app, count};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum State {
    Start,
    AwaitingName { account: i64 },
    Confirm { name: String, ids: Vec<i64> },
}

/// The same dialogue after a deploy that changed its shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum NewState {
    Start,
    AwaitingName { account: i64, page: u32 },
}

async fn get(storage: &Arc<PgStorage>, chat: i64) -> Option<State> {
    Arc::clone(storage)
        .get_dialogue(ChatId(chat))
        .await
        .expect("get")
}

async fn put(storage: &Arc<PgStorage>, chat: i64, state: State) {
    Arc::clone(storage)
        .update_dialogue(ChatId(chat), state)
        .await
        .expect("update");
}

#[tokio::test]
async fn dialogue_round_trip_overwrite_and_remove() {
    let db = TestDb::new().await;
    let app = app(&db).await;
    let storage = PgStorage::new(app.pool().clone());
    assert_eq!(get(&storage, 7).await, None);
    let confirm = State::Confirm {
        name: "Кампания \"весна\"".into(),
        ids: vec![1, 2, 3],
    };
    put(&storage, 7, confirm.clone()).await;
    assert_eq!(get(&storage, 7).await, Some(confirm));
    put(&storage, 7, State::AwaitingName { account: 9 }).await;
    assert_eq!(
        get(&storage, 7).await,
        Some(State::AwaitingName { account: 9 })
    );
    assert_eq!(count(&db, "SELECT count(*) FROM dialogues").await, 1);
    Storage::<State>::remove_dialogue(Arc::clone(&storage), ChatId(7))
        .await
        .expect("remove");
    assert_eq!(get(&storage, 7).await, None);
    // Removing a dialogue that is not there is fine ("cancel" pressed twice).
    Storage::<State>::remove_dialogue(Arc::clone(&storage), ChatId(7))
        .await
        .expect("remove again");
    // Works behind teloxide's erased storage too.
    let erased = Storage::<State>::erase(Arc::clone(&storage));
    Arc::clone(&erased)
        .update_dialogue(ChatId(-100), State::Start)
        .await
        .expect("erased update");
    let back = erased.get_dialogue(ChatId(-100)).await.expect("erased get");
    assert_eq!(back, Some(State::Start));
    app.close().await.expect("close");
}

#[tokio::test]
async fn dialogue_survives_a_restart() {
    let db = TestDb::new().await;
    let first = app(&db).await;
    put(
        &PgStorage::new(first.pool().clone()),
        11,
        State::AwaitingName { account: 5 },
    )
    .await;
    first.close().await.expect("close");
    let second = app(&db).await;
    let storage = PgStorage::new(second.pool().clone());
    assert_eq!(
        get(&storage, 11).await,
        Some(State::AwaitingName { account: 5 })
    );
    second.close().await.expect("close");
}

#[tokio::test]
async fn stale_dialogue_shape_reads_as_none_and_is_dropped() {
    let db = TestDb::new().await;
    let app = app(&db).await;
    let storage = PgStorage::new(app.pool().clone());
    put(&storage, 1, State::AwaitingName { account: 5 }).await;
    put(&storage, 2, State::Start).await;
    let read = |chat| Arc::clone(&storage).get_dialogue(ChatId(chat));
    let stale: Option<NewState> = read(1).await.expect("get stale");
    assert_eq!(stale, None);
    let fine: Option<NewState> = read(2).await.expect("get compatible");
    assert_eq!(fine, Some(NewState::Start));
    let rows = count(&db, "SELECT count(*) FROM dialogues WHERE chat_id = 1").await;
    assert_eq!(
        rows, 0,
        "the stale state is deleted so the user starts over"
    );
    db.client()
        .await
        .execute(
            "INSERT INTO dialogues (chat_id, state) VALUES (3, '[1, \"x\"]')",
            &[],
        )
        .await
        .expect("garbage state");
    assert_eq!(get(&storage, 3).await, None);
    assert_eq!(count(&db, "SELECT count(*) FROM dialogues").await, 1);
    app.close().await.expect("close");
}

#[tokio::test]
async fn concurrent_dialogue_updates_of_different_chats() {
    let db = TestDb::new().await;
    let app = app(&db).await;
    let storage = PgStorage::new(app.pool().clone());
    let writes = (0..60i64).map(|chat| {
        let storage = Arc::clone(&storage);
        tokio::spawn(async move {
            for account in 0..5 {
                put(
                    &storage,
                    chat,
                    State::AwaitingName {
                        account: chat * 10 + account,
                    },
                )
                .await;
            }
        })
    });
    for write in futures::future::join_all(writes).await {
        write.expect("writer task");
    }
    for chat in 0..60i64 {
        let expected = State::AwaitingName {
            account: chat * 10 + 4,
        };
        assert_eq!(get(&storage, chat).await, Some(expected));
    }
    assert_eq!(count(&db, "SELECT count(*) FROM dialogues").await, 60);
    app.close().await.expect("close");
}
