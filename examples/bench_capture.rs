//! Ad Library capture benchmark: the test fixture with 50 ads on one page,
//! captured with production scroll settings (no pacing: one page), then the
//! PDF. Prints seconds for capture and PDF, PDF bytes per ad, peak RSS of
//! this process and of its Chromium/chromedriver children (sampled every
//! 100 ms). Targets: < 60 s, < 250 KB per ad, app RSS < 200 MB.

#[path = "../tests/adlibrary/fixture.rs"]
mod fixture;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ppc_helper::config::AdLibraryConfig;
use ppc_helper::features::adlibrary::capture::{capture_pages, CaptureSettings, PageTask};
use ppc_helper::features::adlibrary::input::page_url;
use ppc_helper::features::adlibrary::report::{write_report, Report, ReportAd, Section};
use ppc_helper::telegram::lang::Lang;

/// kB of `key` (VmRSS, VmHWM) in /proc/<pid>/status.
fn status_kb(pid: u32, key: &str) -> u64 {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    text.lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Summed RSS (kB) of every descendant of this process.
fn children_rss_kb() -> u64 {
    let me = std::process::id();
    let mut parent = std::collections::HashMap::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let ppid = stat
            .rsplit(')')
            .next()
            .and_then(|r| r.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok());
        if let Some(ppid) = ppid {
            parent.insert(pid, ppid);
        }
    }
    let descends = |mut pid: u32| {
        for _ in 0..16 {
            match parent.get(&pid) {
                Some(&p) if p == me => return true,
                Some(&p) if p > 1 => pid = p,
                _ => return false,
            }
        }
        false
    };
    parent
        .keys()
        .filter(|&&pid| pid != me && descends(pid))
        .map(|&pid| status_kb(pid, "VmRSS:"))
        .sum()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let ads = 50u64;
    let fixture = fixture::Fixture::start(Duration::from_millis(300)).await;
    fixture.set_page("1000001", "Bench Shoes", 1_000_001..=1_000_000 + ads);
    let dir = tempfile::tempdir()?;
    let mut settings = CaptureSettings::from_config(&AdLibraryConfig::default());
    settings.pace = (Duration::ZERO, Duration::ZERO);
    let task = PageTask {
        page_id: "1000001".into(),
        url: page_url(&fixture.base_url(), "1000001", "ALL", "all"),
        out_dir: dir.path().join("shots"),
    };
    let peak_children = Arc::new(AtomicU64::new(0));
    let sampler = {
        let peak = peak_children.clone();
        tokio::spawn(async move {
            loop {
                peak.fetch_max(children_rss_kb(), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };
    let started = Instant::now();
    let pages = capture_pages(&settings, std::slice::from_ref(&task), |_, _| {}).await?;
    let capture_secs = started.elapsed().as_secs_f64();
    sampler.abort();
    let page = &pages[0];
    anyhow::ensure!(
        page.ads.len() as u64 == ads,
        "captured {} of {ads} ads: {:?}",
        page.ads.len(),
        page.outcome
    );
    let report = Report {
        account: "Bench".into(),
        generated: "now".into(),
        today: chrono::Utc::now().date_naive(),
        lang: Lang::En,
        sections: vec![Section {
            page_id: page.page_id.clone(),
            name: page.page_name.clone(),
            outcome: page.outcome.clone(),
            ads: page
                .ads
                .iter()
                .map(|a| ReportAd {
                    library_id: a.library_id.clone(),
                    started: a.started_running,
                    is_new: true,
                    status: a.status.clone(),
                    image: a.screenshot.clone(),
                })
                .collect(),
            stopped: vec![],
            running: 0,
            truncated: page.truncated,
        }],
    };
    let pdf_started = Instant::now();
    let paths = write_report(
        &report,
        &dir.path().join("reports"),
        "bench",
        45 * 1024 * 1024,
    )?;
    let pdf_secs = pdf_started.elapsed().as_secs_f64();
    let pdf_bytes: u64 = paths
        .iter()
        .map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .sum();
    let shots: u64 = page
        .ads
        .iter()
        .filter_map(|a| a.screenshot.as_ref())
        .map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .sum();
    let app_kb = status_kb(std::process::id(), "VmHWM:");
    let chrome_kb = peak_children.load(Ordering::Relaxed);
    println!("ads captured               {ads}");
    println!("capture seconds            {capture_secs:.1}");
    println!("pdf seconds                {pdf_secs:.2}");
    println!(
        "capture + pdf seconds      {:.1}   (target < 60)",
        capture_secs + pdf_secs
    );
    println!(
        "pdf bytes per ad           {}   (target < 256000; screenshots alone {} per ad)",
        pdf_bytes / ads,
        shots / ads
    );
    println!(
        "app peak RSS MB            {:.1}   (target < 200)",
        app_kb as f64 / 1024.0
    );
    println!(
        "chromium+driver peak RSS MB {:.1}   (sum over processes, sampled)",
        chrome_kb as f64 / 1024.0
    );
    Ok(())
}
