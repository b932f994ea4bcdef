-- eBay price alerts: alerts, the shared OAuth token, the daily call budget,
-- one-time notices, every observation and per-query item state.

CREATE TABLE ebay_alerts (
    id                BIGSERIAL PRIMARY KEY,
    chat_id           BIGINT NOT NULL,
    phrase            TEXT NOT NULL,
    filters           JSONB NOT NULL DEFAULT '{}',
    marketplace       TEXT NOT NULL,
    -- Canonical request (marketplace, q, filter): alerts with equal keys share one call.
    query_key         TEXT NOT NULL,
    interval_minutes  INT NOT NULL DEFAULT 10,
    rule_new          BOOLEAN NOT NULL DEFAULT TRUE,
    target_price      NUMERIC,
    drop_percent      NUMERIC,
    below_average     BOOLEAN NOT NULL DEFAULT FALSE,
    email             TEXT,
    active            BOOLEAN NOT NULL DEFAULT TRUE,
    last_polled_at    TIMESTAMPTZ,
    next_poll_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX ebay_alerts_due ON ebay_alerts (next_poll_at) WHERE active;
CREATE INDEX ebay_alerts_chat ON ebay_alerts (chat_id, id);

-- The one application token shared by every worker process.
CREATE TABLE ebay_token (
    id            SMALLINT PRIMARY KEY CHECK (id = 1),
    access_token  TEXT NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL,
    minted_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Browse calls per UTC day (the daily budget).
CREATE TABLE ebay_calls (
    day    DATE PRIMARY KEY,
    calls  INT NOT NULL DEFAULT 0,
    mints  INT NOT NULL DEFAULT 0
);

-- One-time notices and back-off marks: `credentials`, `budget:<day>`, `backoff`.
CREATE TABLE ebay_flags (
    key  TEXT PRIMARY KEY,
    at   TIMESTAMPTZ NOT NULL
);

-- Every listing seen by every poll.
CREATE TABLE ebay_observations (
    id         BIGSERIAL PRIMARY KEY,
    query_key  TEXT NOT NULL,
    item_id    TEXT NOT NULL,
    title      TEXT NOT NULL,
    price      NUMERIC,
    shipping   NUMERIC,
    currency   TEXT,
    condition  TEXT,
    url        TEXT,
    seen_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX ebay_observations_query ON ebay_observations (query_key, seen_at);

-- Latest state of each listing per query (new-listing and drop detection).
CREATE TABLE ebay_items (
    query_key   TEXT NOT NULL,
    item_id     TEXT NOT NULL,
    first_seen  TIMESTAMPTZ NOT NULL,
    last_seen   TIMESTAMPTZ NOT NULL,
    last_price  NUMERIC,
    PRIMARY KEY (query_key, item_id)
);

-- When an alert last notified about an item for a rule, and at what price.
CREATE TABLE ebay_cooldowns (
    alert_id     BIGINT NOT NULL REFERENCES ebay_alerts (id) ON DELETE CASCADE,
    item_id      TEXT NOT NULL,
    rule         TEXT NOT NULL,
    price        NUMERIC,
    notified_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (alert_id, item_id, rule)
);
