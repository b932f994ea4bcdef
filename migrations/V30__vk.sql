-- VK Ads statistics: connected accounts (credentials encrypted with
-- vk.encryption_key, AES-256-GCM, nonce || ciphertext) and their campaigns.

CREATE TABLE vk_accounts (
    id                  BIGSERIAL PRIMARY KEY,
    -- The chat that connected the account: its owner, who gets its reports.
    chat_id             BIGINT NOT NULL,
    name                TEXT NOT NULL,
    -- 'own' (client credentials) or 'agency' (agency client credentials).
    kind                TEXT NOT NULL CHECK (kind IN ('own', 'agency')),
    client_id           TEXT NOT NULL,
    client_secret_enc   BYTEA NOT NULL,
    agency_client_name  TEXT,
    access_token_enc    BYTEA,
    refresh_token_enc   BYTEA,
    token_expires_at    TIMESTAMPTZ,
    -- 'ok' or 'reconnect' (credentials rejected: the owner must reconnect).
    status              TEXT NOT NULL DEFAULT 'ok',
    digest_email        TEXT,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (chat_id, name)
);

CREATE TABLE vk_campaigns (
    account_id  BIGINT NOT NULL REFERENCES vk_accounts (id) ON DELETE CASCADE,
    id          BIGINT NOT NULL,
    name        TEXT NOT NULL,
    status      TEXT NOT NULL,
    synced_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, id)
);
