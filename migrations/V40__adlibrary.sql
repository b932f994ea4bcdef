-- Ad Library competitor monitoring: client accounts, competitor pages, ads by
-- Library ID per page, captures (runs) with their per-page results, and the
-- chats waiting for a capture's report.

CREATE TABLE adlib_accounts (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
    emails      TEXT[] NOT NULL DEFAULT '{}',
    -- ISO-2 upper case or ALL.
    country     TEXT NOT NULL DEFAULT 'ALL' CHECK (country ~ '^([A-Z]{2}|ALL)$'),
    media_type  TEXT NOT NULL DEFAULT 'all',
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_by  BIGINT,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- Names are unique regardless of case ("Acme" and "acme" are one account).
CREATE UNIQUE INDEX adlib_accounts_name ON adlib_accounts (lower(name));

-- A competitor page as the Ad Library knows it (view_all_page_id).
CREATE TABLE adlib_pages (
    page_id       TEXT PRIMARY KEY CHECK (page_id ~ '^[0-9]{5,20}$'),
    display_name  TEXT,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Which account watches which page; a page may belong to several accounts.
CREATE TABLE adlib_account_pages (
    account_id  BIGINT NOT NULL REFERENCES adlib_accounts (id) ON DELETE CASCADE,
    page_id     TEXT NOT NULL REFERENCES adlib_pages (page_id),
    note        TEXT,
    added_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, page_id)
);

-- Every ad ever seen, keyed by Library ID per page.
CREATE TABLE adlib_ads (
    page_id          TEXT NOT NULL REFERENCES adlib_pages (page_id),
    library_id       TEXT NOT NULL,
    first_seen       TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_seen        TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_running  DATE,
    status           TEXT,
    platforms        TEXT[] NOT NULL DEFAULT '{}',
    ad_text          TEXT,
    screenshot_path  TEXT,
    PRIMARY KEY (page_id, library_id)
);

-- One capture (run) of one account.
CREATE TABLE adlib_captures (
    id            BIGSERIAL PRIMARY KEY,
    account_id    BIGINT NOT NULL REFERENCES adlib_accounts (id) ON DELETE CASCADE,
    started_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at   TIMESTAMPTZ,
    status        TEXT NOT NULL DEFAULT 'running'
                  CHECK (status IN ('running', 'ok', 'degraded', 'failed')),
    error         TEXT,
    report_paths  TEXT[] NOT NULL DEFAULT '{}'
);
CREATE INDEX adlib_captures_account ON adlib_captures (account_id, id DESC);

-- One competitor page within a capture.
CREATE TABLE adlib_capture_pages (
    capture_id  BIGINT NOT NULL REFERENCES adlib_captures (id) ON DELETE CASCADE,
    page_id     TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('ok', 'degraded', 'failed')),
    reason      TEXT,
    ads_seen    INT NOT NULL DEFAULT 0,
    new_ads     INT NOT NULL DEFAULT 0,
    running     INT NOT NULL DEFAULT 0,
    stopped     INT NOT NULL DEFAULT 0,
    PRIMARY KEY (capture_id, page_id)
);

-- The ads a capture saw (the basis of the next diff).
CREATE TABLE adlib_capture_ads (
    capture_id  BIGINT NOT NULL REFERENCES adlib_captures (id) ON DELETE CASCADE,
    page_id     TEXT NOT NULL,
    library_id  TEXT NOT NULL,
    PRIMARY KEY (capture_id, page_id, library_id)
);

-- Chats waiting for an account's next report: every requester of a capture
-- in progress gets the same report (the job key keeps it to one browser run).
CREATE TABLE adlib_requests (
    id            BIGSERIAL PRIMARY KEY,
    account_id    BIGINT NOT NULL REFERENCES adlib_accounts (id) ON DELETE CASCADE,
    chat_id       BIGINT NOT NULL,
    lang          TEXT NOT NULL DEFAULT 'en',
    requested_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- Set when the report (or the failure) was sent.
    served_by     BIGINT REFERENCES adlib_captures (id) ON DELETE SET NULL,
    served_at     TIMESTAMPTZ
);
CREATE INDEX adlib_requests_pending ON adlib_requests (account_id) WHERE served_at IS NULL;
