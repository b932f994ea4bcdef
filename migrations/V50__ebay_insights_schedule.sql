-- eBay insights every 30 minutes for alerts that opt in (daily and weekly
-- insights are rows of the platform's `schedules` table instead).

ALTER TABLE ebay_alerts
    -- Opted in to insights every 30 minutes (sent only when there is data).
    ADD COLUMN insights_half_hourly BOOLEAN NOT NULL DEFAULT FALSE,
    -- The last half hour (seconds since the epoch / 1800) whose insights were
    -- queued: the claim that makes a slot fire once, never twice.
    ADD COLUMN insights_slot BIGINT;

CREATE INDEX ebay_alerts_half_hourly ON ebay_alerts (id) WHERE insights_half_hourly;
