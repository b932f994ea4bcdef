-- Telegram core: dialogue states and the arguments of pending button actions.

-- One dialogue state per chat (teloxide `Storage`), as JSON of the dialogue enum.
CREATE TABLE dialogues (
    chat_id     BIGINT PRIMARY KEY,
    state       JSONB NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Callback data is limited to 64 bytes: confirm dialogs and large button
-- arguments are stored here and the button carries only the id. One-shot,
-- bound to the user who was shown the button, and short-lived.
CREATE TABLE pending_actions (
    id          SERIAL PRIMARY KEY,
    actor_id    BIGINT NOT NULL,
    action      JSONB NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at  TIMESTAMPTZ NOT NULL
);

CREATE INDEX pending_actions_expires ON pending_actions (expires_at);

-- The admin user list pages pending users first, then by age.
CREATE INDEX users_listing ON users ((role <> 'pending'), created_at, telegram_id);
