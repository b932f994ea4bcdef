-- Broadcast bookkeeping: the admin gets a delivered/failed count at the end.
CREATE TABLE broadcasts (
    id           BIGSERIAL PRIMARY KEY,
    admin_chat   BIGINT NOT NULL,
    total        INT NOT NULL,
    delivered    INT NOT NULL DEFAULT 0,
    failed       INT NOT NULL DEFAULT 0,
    reported_at  TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
