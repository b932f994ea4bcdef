//! Opens written just before a restart are announced after it: the notifier
//! starts from the database, not only from its in-memory list.

mod support;

use ppc_helper::features::pixel::store;
use support::{test_config, TestDb};

#[tokio::test]
async fn opens_never_announced_are_found_at_start() {
    let db = TestDb::new().await;
    let config = test_config(&db);
    let database = ppc_helper::db::connect(&config.database, Some(db.url()))
        .await
        .expect("connect");
    ppc_helper::db::migrate::run(&database.pool)
        .await
        .expect("migrate");
    let client = db.client().await;
    // Campaign 1 notifies, campaign 2 does not. Contacts: Ann opened (human),
    // Ben only by a scanner, Cid opened but was announced already, Dan never
    // opened; Eve opened in the quiet campaign.
    client
        .batch_execute(
            "INSERT INTO pixel_campaigns (id, chat_id, name, live_notify, created_by)
                 VALUES (1, 10, 'Live', true, 10), (2, 10, 'Quiet', false, 10);
             INSERT INTO pixel_groups (id, campaign_id, name) VALUES (1, 1, 'A'), (2, 2, 'B');
             INSERT INTO pixel_contacts (id, campaign_id, group_id, email, first_open_at) VALUES
                 (1, 1, 1, 'ann@x.io', NULL), (2, 1, 1, 'ben@x.io', NULL),
                 (3, 1, 1, 'cid@x.io', now()), (4, 1, 1, 'dan@x.io', NULL),
                 (5, 2, 2, 'eve@x.io', NULL);
             INSERT INTO pixel_pixels (id, contact_id, number, token) VALUES
                 (11, 1, 1, gen_random_uuid()), (12, 1, 2, gen_random_uuid()),
                 (21, 2, 1, gen_random_uuid()), (31, 3, 1, gen_random_uuid()),
                 (41, 4, 1, gen_random_uuid()), (51, 5, 1, gen_random_uuid());
             INSERT INTO pixel_opens (pixel_id, opened_at, kind) VALUES
                 (12, now(), 'human'), (21, now(), 'scanner'), (31, now(), 'proxy'),
                 (51, now(), 'human');",
        )
        .await
        .expect("fixture rows");
    assert_eq!(
        store::unannounced_pixels(&database.pool)
            .await
            .expect("query"),
        [12]
    );
    // Once claimed, Ann is not found again.
    let mut conn = database.pool.get().await.expect("conn");
    let tx = conn.transaction().await.expect("tx");
    let firsts = store::claim_first_opens(&tx, &[12]).await.expect("claim");
    tx.commit().await.expect("commit");
    assert_eq!(firsts.len(), 1);
    assert_eq!(firsts[0].email, "ann@x.io");
    assert!(store::unannounced_pixels(&database.pool)
        .await
        .expect("query")
        .is_empty());
}
