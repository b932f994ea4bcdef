//! The Ad Library capture end to end against a local fixture site, with real
//! Chromium + chromedriver, real PostgreSQL and the PDF checked with poppler.

mod support;

#[path = "adlibrary/fixture.rs"]
mod fixture;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use fixture::Fixture;
use ppc_helper::db::Pool;
use ppc_helper::features::adlibrary::capture::{self, Browser, CaptureSettings};
use ppc_helper::features::adlibrary::input::parse_competitor;
use ppc_helper::features::adlibrary::model::PageOutcome;
use ppc_helper::features::adlibrary::pipeline::{run_capture, RunOptions};
use ppc_helper::features::adlibrary::store;
use ppc_helper::telegram::lang::Lang;
use support::{test_config, TestDb};

const INSTALL: &str =
    "run `apt-get install -y chromium chromium-driver poppler-utils` (scripts/setup.sh does it)";

/// Test settings: no pacing, short scroll pauses. Fails (never skips) when
/// Chromium is missing.
fn settings() -> CaptureSettings {
    for bin in [
        "/usr/bin/chromedriver",
        "/usr/bin/chromium",
        "/usr/bin/pdfimages",
        "/usr/bin/pdftotext",
    ] {
        assert!(Path::new(bin).exists(), "{bin} is missing: {INSTALL}");
    }
    CaptureSettings {
        chromedriver_path: "/usr/bin/chromedriver".into(),
        webdriver_url: None,
        max_ads_per_page: 100,
        page_timeout: Duration::from_secs(150),
        pace: (Duration::ZERO, Duration::ZERO),
        scroll_pause: Duration::from_millis(250),
        stable_rounds: 3,
        jpeg_quality: 80,
    }
}

async fn pool(db: &TestDb) -> Pool {
    let config = test_config(db);
    let database = ppc_helper::db::connect(&config.database, Some(db.url()))
        .await
        .expect("connect");
    ppc_helper::db::migrate::run(&database.pool)
        .await
        .expect("migrate");
    database.pool
}

fn options(fixture: &Fixture, files: &Path, settings: CaptureSettings) -> RunOptions {
    RunOptions {
        settings,
        base_url: fixture.base_url(),
        files_dir: files.to_path_buf(),
        max_pdf_bytes: 45 * 1024 * 1024,
        lang: Lang::En,
        timezone: chrono_tz::UTC,
    }
}

async fn account(pool: &Pool, name: &str, pages: &[&str]) -> store::Account {
    let account = store::create_account(pool, name, Some(1))
        .await
        .unwrap()
        .expect("new account");
    for page in pages {
        let page = parse_competitor(page).unwrap();
        assert!(store::add_competitor(pool, account.id, &page, None)
            .await
            .unwrap());
    }
    account
}

fn run(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd}: {e}: {INSTALL}"));
    assert!(
        out.status.success(),
        "{cmd} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn pdf_pages(pdf: &Path) -> usize {
    let info = run("pdfinfo", &[pdf.to_str().unwrap()]);
    let line = info
        .lines()
        .find(|l| l.starts_with("Pages:"))
        .expect("Pages line");
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// (width, height, x-ppi) of every image, from `pdfimages -list`.
fn pdf_images(pdf: &Path) -> Vec<(u32, u32, u32)> {
    run("pdfimages", &["-list", pdf.to_str().unwrap()])
        .lines()
        .skip(2)
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (
                f[3].parse().unwrap(),
                f[4].parse().unwrap(),
                f[12].parse().unwrap(),
            )
        })
        .collect()
}

fn pdf_text(pdf: &Path) -> String {
    run("pdftotext", &[pdf.to_str().unwrap(), "-"])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_competitors_are_captured_diffed_and_reported() {
    let settings = settings();
    let db = TestDb::new().await;
    let pool = pool(&db).await;
    let fixture = Fixture::start(Duration::from_millis(300)).await;
    fixture.set_page("1000001", "Acme Sports", 1_000_001..=1_000_037);
    fixture.set_page("2000002", "Акме Обувь", 2_000_001..=2_000_012);
    let acme = account(
        &pool,
        "Acme",
        &[
            "1000001",
            "https://www.facebook.com/ads/library/?country=ALL&view_all_page_id=2000002",
        ],
    )
    .await;
    let files = tempfile::tempdir().unwrap();
    let options = options(&fixture, files.path(), settings);

    let mut progress = Vec::new();
    let first = run_capture(&pool, &acme, &options, |done, total, page| {
        progress.push((done, total, page.ads.len()))
    })
    .await
    .expect("first capture");
    assert_eq!(progress, [(1, 2, 37), (2, 2, 12)]);
    assert_eq!(first.status, "ok", "{:?}", first.pages);
    assert_eq!(first.totals(), (49, 0, 0));
    assert_eq!(first.pages[1].name.as_deref(), Some("Акме Обувь"));
    assert_eq!(first.report_paths.len(), 1);
    let pdf = &first.report_paths[0];
    // Cover + two section pages + one page per ad.
    assert_eq!(pdf_pages(pdf), 1 + 2 + 49);
    let images = pdf_images(pdf);
    assert_eq!(images.len(), 49, "{images:?}");
    // Every screenshot keeps the card's width (560 CSS px) and is placed at
    // the same full content width (same ppi); tall cards are not cut at the
    // 757 px viewport.
    assert!(images.iter().all(|&(w, _, _)| w == 560), "{images:?}");
    let ppi = images[0].2;
    assert!(images.iter().all(|&(_, _, p)| p == ppi), "{images:?}");
    assert!(images.iter().any(|&(_, h, _)| h > 1_000), "{images:?}");
    let text = pdf_text(pdf);
    for id in fixture.ids("1000001").iter().chain(&fixture.ids("2000002")) {
        assert!(text.contains(&format!("Library ID: {id}")), "{id} missing");
    }
    assert!(
        text.contains("Акме Обувь") && text.contains("Account: Acme"),
        "{text}"
    );
    assert_no_header_in_shot(files.path(), first.capture_id);
    let kept = std::env::var_os("ADLIB_KEEP_PDF").map(PathBuf::from);
    if let Some(dir) = &kept {
        std::fs::copy(pdf, dir.join("first.pdf")).unwrap();
    }

    // The fixture drops 5 ads and adds 3.
    fixture.set_page("1000001", "Acme Sports", 1_000_006..=1_000_040);
    let second = run_capture(&pool, &acme, &options, |_, _, _| {})
        .await
        .expect("second capture");
    let a = &second.pages[0].diff;
    assert_eq!(a.new, ["1000038", "1000039", "1000040"]);
    assert_eq!(
        a.stopped,
        ["1000001", "1000002", "1000003", "1000004", "1000005"]
    );
    assert_eq!(a.running.len(), 32);
    assert_eq!(second.totals(), (3, 44, 5));
    let pdf = &second.report_paths[0];
    assert_eq!(pdf_pages(pdf), 1 + 2 + 47);
    let text = pdf_text(pdf);
    assert_eq!(text.matches("NEW").count(), 3, "{text}");
    // New ads come first in their section.
    let first_new = text.find("Library ID: 1000038").unwrap();
    let first_running = text.find("Library ID: 1000006").unwrap();
    assert!(first_new < first_running);
    assert!(
        text.contains("1000001, 1000002, 1000003, 1000004, 1000005"),
        "{text}"
    );
    if let Some(dir) = &kept {
        std::fs::copy(pdf, dir.join("second.pdf")).unwrap();
    }

    let client = db.client().await;
    let row = client
        .query_one(
            "SELECT (SELECT count(*) FROM adlib_ads), (SELECT count(*) FROM adlib_captures WHERE status = 'ok')",
            &[],
        )
        .await
        .unwrap();
    assert_eq!((row.get::<_, i64>(0), row.get::<_, i64>(1)), (52, 2));
}

/// The sticky header (blue) and the cookie banner are not in the screenshots.
fn assert_no_header_in_shot(files: &Path, capture_id: i64) {
    let shot = files.join(format!("captures/{capture_id}/1000001/1000001.jpg"));
    let bytes = std::fs::read(&shot).unwrap();
    let img = image::load_from_memory(&bytes)
        .expect("decode screenshot")
        .to_rgb8();
    let blue = img
        .pixels()
        .filter(|p| p[0] < 60 && (100..140).contains(&p[1]) && p[2] > 220)
        .count();
    assert!(blue < 50, "{blue} header-blue pixels in {}", shot.display());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_challenge_or_an_empty_result_page_is_degraded_never_zero_ads() {
    let settings = settings();
    let db = TestDb::new().await;
    let pool = pool(&db).await;
    let fixture = Fixture::start(Duration::from_millis(100)).await;
    fixture.set_page("3000003", "Blocked", 3_000_001..=3_000_005);
    fixture.set_page("4000004", "Fine", 4_000_001..=4_000_004);
    fixture.set_page("5000005", "Empty", 5_000_001..=5_000_003);
    fixture
        .content
        .lock()
        .unwrap()
        .challenge
        .insert("3000003".into());
    fixture
        .content
        .lock()
        .unwrap()
        .no_cards
        .insert("5000005".into());
    let acct = account(&pool, "Blocked Co", &["3000003", "4000004", "5000005"]).await;
    let files = tempfile::tempdir().unwrap();
    let result = run_capture(
        &pool,
        &acct,
        &options(&fixture, files.path(), settings),
        |_, _, _| {},
    )
    .await
    .expect("capture");
    assert_eq!(result.status, "degraded");
    assert!(
        matches!(&result.pages[0].outcome, PageOutcome::Degraded(r) if r.contains("challenge")),
        "{:?}",
        result.pages[0]
    );
    assert_eq!(result.pages[1].outcome, PageOutcome::Ok);
    assert_eq!(result.pages[1].ads, 4);
    assert!(
        matches!(&result.pages[2].outcome, PageOutcome::Degraded(r) if r.contains("results but shows no ad cards")),
        "{:?}",
        result.pages[2]
    );
    let text = pdf_text(&result.report_paths[0]);
    assert!(
        text.contains("could not be read completely") && text.contains("challenge page"),
        "{text}"
    );
    let client = db.client().await;
    let status: String = client
        .query_one(
            "SELECT status FROM adlib_capture_pages WHERE page_id = '3000003'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(status, "degraded");
}

#[tokio::test]
async fn a_missing_chromedriver_fails_the_capture_with_an_install_hint() {
    let mut settings = settings();
    settings.chromedriver_path = "/nonexistent/chromedriver".into();
    let db = TestDb::new().await;
    let pool = pool(&db).await;
    let fixture = Fixture::start(Duration::ZERO).await;
    let acct = account(&pool, "No Driver", &["1000001"]).await;
    let files = tempfile::tempdir().unwrap();
    let error = run_capture(
        &pool,
        &acct,
        &options(&fixture, files.path(), settings),
        |_, _, _| {},
    )
    .await
    .expect_err("no chromedriver");
    let text = format!("{error:#}");
    assert!(
        text.contains("/nonexistent/chromedriver")
            && text.contains("apt-get install -y chromium chromium-driver"),
        "{text}"
    );
    let capture = store::recent_captures(&pool, acct.id, 1)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(capture.status, "failed");
    assert!(capture.error.unwrap().contains("chromium-driver"));
}

#[tokio::test]
async fn quitting_ends_the_session_and_the_spawned_chromedriver() {
    let settings = settings();
    let browser = Browser::start(&settings).await.expect("browser");
    let pid = browser.chromedriver_pid().expect("spawned chromedriver");
    assert!(Path::new(&format!("/proc/{pid}")).exists());
    browser.quit().await;
    assert!(
        !Path::new(&format!("/proc/{pid}")).exists(),
        "chromedriver {pid} still running"
    );
    assert!(capture::is_executable(Path::new("/usr/bin/chromedriver")));
}
