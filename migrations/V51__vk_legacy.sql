-- VK Ads: accounts connected through the old api.vk.com/method/ads.* API
-- with an existing `ads`-scoped user token (vk.legacy.enabled).
--
-- A 'legacy' account keeps its sealed user token in access_token_enc and the
-- ads.getAccounts account_id in client_id; it has no client secret, refresh
-- token or expiry. paused_until is set when VK answered error 601 (too many
-- actions today): no request for that account before then.

ALTER TABLE vk_accounts DROP CONSTRAINT IF EXISTS vk_accounts_kind_check;
ALTER TABLE vk_accounts
    ADD CONSTRAINT vk_accounts_kind_check CHECK (kind IN ('own', 'agency', 'legacy'));
ALTER TABLE vk_accounts ALTER COLUMN client_secret_enc DROP NOT NULL;
ALTER TABLE vk_accounts
    ADD CONSTRAINT vk_accounts_secret_check
    CHECK (kind = 'legacy' OR client_secret_enc IS NOT NULL);
ALTER TABLE vk_accounts ADD COLUMN paused_until TIMESTAMPTZ;
