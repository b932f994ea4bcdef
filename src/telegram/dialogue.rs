//! Dialogue states in PostgreSQL: a teloxide [`Storage`] over the `dialogues`
//! table, so a conversation survives restarts and deploys.
//!
//! Semantics that differ from teloxide's built-in storages, on purpose:
//! - removing a dialogue that does not exist is not an error (a user who
//!   presses "cancel" twice must not see a failure);
//! - a stored state that no longer deserialises (the dialogue enum changed
//!   shape in a deploy) reads as "no dialogue" and the row is deleted, with a
//!   warning, so the user starts over instead of being stuck.

use std::sync::Arc;

use futures::future::BoxFuture;
use serde::de::DeserializeOwned;
use serde::Serialize;
use teloxide::dispatching::dialogue::Storage;
use teloxide::types::ChatId;

use crate::db::Pool;

/// Why a dialogue could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum PgStorageError {
    /// No connection could be taken from the pool.
    #[error("no database connection for the dialogue storage")]
    Pool(#[from] deadpool_postgres::PoolError),
    /// A dialogue query failed.
    #[error("dialogue storage query failed")]
    Db(#[from] tokio_postgres::Error),
    /// The new state could not be serialised to JSON.
    #[error("dialogue state cannot be serialised to JSON")]
    Serde(#[from] serde_json::Error),
}

/// Dialogue storage in the `dialogues` table: one JSONB state per chat id.
///
/// Cheap to create; all instances over the same database share the states.
#[derive(Clone)]
pub struct PgStorage {
    pool: Pool,
}

impl PgStorage {
    /// A storage over `pool`, ready to hand to teloxide's dispatcher.
    pub fn new(pool: Pool) -> Arc<Self> {
        Arc::new(Self { pool })
    }

    async fn remove(&self, chat_id: ChatId) -> Result<(), PgStorageError> {
        let client = self.pool.get().await?;
        client
            .execute("DELETE FROM dialogues WHERE chat_id = $1", &[&chat_id.0])
            .await?;
        Ok(())
    }

    async fn update(
        &self,
        chat_id: ChatId,
        state: serde_json::Value,
    ) -> Result<(), PgStorageError> {
        let client = self.pool.get().await?;
        client
            .execute(
                "INSERT INTO dialogues (chat_id, state) VALUES ($1, $2)
                 ON CONFLICT (chat_id) DO UPDATE SET state = EXCLUDED.state, updated_at = now()",
                &[&chat_id.0, &state],
            )
            .await?;
        Ok(())
    }

    async fn get<D: DeserializeOwned>(&self, chat_id: ChatId) -> Result<Option<D>, PgStorageError> {
        let client = self.pool.get().await?;
        let Some(row) = client
            .query_opt(
                "SELECT state FROM dialogues WHERE chat_id = $1",
                &[&chat_id.0],
            )
            .await?
        else {
            return Ok(None);
        };
        let state: serde_json::Value = row.try_get(0)?;
        match serde_json::from_value::<D>(state.clone()) {
            Ok(dialogue) => Ok(Some(dialogue)),
            Err(error) => {
                tracing::warn!(
                    chat_id = chat_id.0,
                    %error,
                    "stored dialogue state has an old shape; dropping it"
                );
                // Only the stale state is dropped: a state written meanwhile stays.
                client
                    .execute(
                        "DELETE FROM dialogues WHERE chat_id = $1 AND state = $2",
                        &[&chat_id.0, &state],
                    )
                    .await?;
                Ok(None)
            }
        }
    }
}

impl<D> Storage<D> for PgStorage
where
    D: Serialize + DeserializeOwned + Send + 'static,
{
    type Error = PgStorageError;

    /// Deletes the chat's dialogue; a missing dialogue is not an error.
    fn remove_dialogue(
        self: Arc<Self>,
        chat_id: ChatId,
    ) -> BoxFuture<'static, Result<(), Self::Error>>
    where
        D: Send + 'static,
    {
        Box::pin(async move { self.remove(chat_id).await })
    }

    /// Stores the chat's dialogue, replacing any previous state.
    fn update_dialogue(
        self: Arc<Self>,
        chat_id: ChatId,
        dialogue: D,
    ) -> BoxFuture<'static, Result<(), Self::Error>>
    where
        D: Send + 'static,
    {
        let state = serde_json::to_value(&dialogue);
        Box::pin(async move { self.update(chat_id, state?).await })
    }

    /// The chat's dialogue; `None` when there is none or it has an old shape.
    fn get_dialogue(
        self: Arc<Self>,
        chat_id: ChatId,
    ) -> BoxFuture<'static, Result<Option<D>, Self::Error>> {
        Box::pin(async move { self.get::<D>(chat_id).await })
    }
}
