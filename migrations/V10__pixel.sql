-- E-mail open tracking: campaigns → groups → contacts → pixels → opens.

-- A campaign belongs to the chat that created it; that chat gets its reports
-- and (when `live_notify`) a message on each contact's first open.
CREATE TABLE pixel_campaigns (
    id           BIGSERIAL PRIMARY KEY,
    chat_id      BIGINT NOT NULL,
    name         TEXT NOT NULL,
    live_notify  BOOLEAN NOT NULL DEFAULT false,
    created_by   BIGINT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX pixel_campaigns_chat ON pixel_campaigns (chat_id, id);

CREATE TABLE pixel_groups (
    id           BIGSERIAL PRIMARY KEY,
    campaign_id  BIGINT NOT NULL REFERENCES pixel_campaigns ON DELETE CASCADE,
    name         TEXT NOT NULL,
    UNIQUE (campaign_id, name)
);

-- `first_open_at`: when the contact's first human or proxy open was handled by
-- the live notifier (set once, whether or not the campaign notifies).
CREATE TABLE pixel_contacts (
    id            BIGSERIAL PRIMARY KEY,
    campaign_id   BIGINT NOT NULL REFERENCES pixel_campaigns ON DELETE CASCADE,
    group_id      BIGINT NOT NULL REFERENCES pixel_groups ON DELETE CASCADE,
    email         TEXT NOT NULL,
    name          TEXT NOT NULL DEFAULT '',
    scheduled_at  TIMESTAMPTZ,
    first_open_at TIMESTAMPTZ,
    UNIQUE (campaign_id, group_id, email)
);

-- One tracking image: `token` is 128 random bits, the only thing in its URL.
CREATE TABLE pixel_pixels (
    id          BIGSERIAL PRIMARY KEY,
    contact_id  BIGINT NOT NULL REFERENCES pixel_contacts ON DELETE CASCADE,
    number      INT NOT NULL CHECK (number >= 1),
    token       UUID NOT NULL UNIQUE,
    UNIQUE (contact_id, number)
);

-- Append-only: one row per hit; unique opens are computed when reporting.
CREATE TABLE pixel_opens (
    id          BIGSERIAL PRIMARY KEY,
    pixel_id    BIGINT NOT NULL REFERENCES pixel_pixels ON DELETE CASCADE,
    opened_at   TIMESTAMPTZ NOT NULL,
    ip          INET,
    user_agent  TEXT NOT NULL DEFAULT '',
    kind        TEXT NOT NULL CHECK (kind IN ('human', 'proxy', 'prefetch', 'scanner'))
);
CREATE INDEX pixel_opens_pixel ON pixel_opens (pixel_id, opened_at);
