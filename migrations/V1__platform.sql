-- Platform tables: people, chats, the audit trail and schedules.

CREATE TABLE users (
    telegram_id  BIGINT PRIMARY KEY,
    username     TEXT,
    first_name   TEXT NOT NULL DEFAULT '',
    last_name    TEXT,
    language     TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'ru')),
    role         TEXT NOT NULL DEFAULT 'pending'
                 CHECK (role IN ('admin', 'member', 'pending', 'revoked')),
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    decided_at   TIMESTAMPTZ,
    decided_by   BIGINT
);

CREATE INDEX users_role ON users (role);

CREATE TABLE chats (
    id               BIGINT PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('private', 'group', 'supergroup', 'channel')),
    title            TEXT,
    active           BOOLEAN NOT NULL DEFAULT TRUE,
    inactive_reason  TEXT,
    timezone         TEXT NOT NULL DEFAULT 'UTC',
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE audit_log (
    id          BIGSERIAL PRIMARY KEY,
    actor_id    BIGINT,
    action      TEXT NOT NULL,
    details     JSONB NOT NULL DEFAULT '{}'::jsonb,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX audit_log_recent ON audit_log (created_at DESC, id DESC);

CREATE TABLE schedules (
    id             BIGSERIAL PRIMARY KEY,
    chat_id        BIGINT NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    job_type       TEXT NOT NULL,
    target         JSONB NOT NULL DEFAULT '{}'::jsonb,
    rule           TEXT NOT NULL,
    timezone       TEXT NOT NULL,
    enabled        BOOLEAN NOT NULL DEFAULT TRUE,
    last_fired_at  TIMESTAMPTZ,
    next_fire_at   TIMESTAMPTZ NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX schedules_due ON schedules (next_fire_at) WHERE enabled;
CREATE INDEX schedules_chat ON schedules (chat_id);

-- Round trips of the diagnostic probe job (`ppc-helper check`, reliability tests).
CREATE TABLE job_probes (
    key        TEXT PRIMARY KEY,
    worker     TEXT NOT NULL,
    ran_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
