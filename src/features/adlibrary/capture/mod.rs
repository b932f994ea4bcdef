//! The capture engine: one browser visits the competitor pages one after
//! another (paced), scrolls each to its end within caps, and screenshots every
//! ad card by its page rectangle. The browser is always quit, even on errors
//! and timeouts.

mod driver;
mod page;
pub mod scripts;

use std::path::PathBuf;
use std::time::Duration;

pub use driver::{is_executable, Browser, CHROME_ARGS};

use super::model::{PageCapture, PageOutcome};
use crate::config::AdLibraryConfig;

/// How to run the browser and when to stop scrolling.
#[derive(Debug, Clone)]
pub struct CaptureSettings {
    /// `chromedriver` binary spawned when `webdriver_url` is `None`.
    pub chromedriver_path: PathBuf,
    /// A running WebDriver server to use instead.
    pub webdriver_url: Option<String>,
    /// Most cards captured per page.
    pub max_ads_per_page: usize,
    /// Time limit per page: half for scrolling, the rest for screenshots.
    pub page_timeout: Duration,
    /// Random pause before each page load after the first (min, max).
    pub pace: (Duration, Duration),
    /// Wait between scroll rounds.
    pub scroll_pause: Duration,
    /// Rounds without new ids, height change or spinner that end scrolling.
    pub stable_rounds: u32,
    /// JPEG quality of the screenshots (0..=100).
    pub jpeg_quality: u8,
}

impl CaptureSettings {
    /// Production settings from `adlibrary.*`: 2–5 s pacing, 1 s scroll pauses.
    pub fn from_config(config: &AdLibraryConfig) -> Self {
        Self {
            chromedriver_path: config.chromedriver_path.clone(),
            webdriver_url: Some(config.webdriver_url.trim().to_string()).filter(|u| !u.is_empty()),
            max_ads_per_page: config.max_ads_per_page as usize,
            page_timeout: Duration::from_secs(config.page_timeout_secs),
            pace: (Duration::from_secs(2), Duration::from_secs(5)),
            scroll_pause: Duration::from_millis(1000),
            stable_rounds: 4,
            jpeg_quality: 80,
        }
    }
}

/// Why no page could be captured at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaptureError {
    /// The configured chromedriver does not exist.
    #[error(
        "chromedriver not found at {}: install it with `apt-get install -y chromium chromium-driver` or set adlibrary.webdriver_url",
        path.display()
    )]
    DriverMissing {
        /// `adlibrary.chromedriver_path`.
        path: PathBuf,
    },
    /// chromedriver was found but did not start.
    #[error("chromedriver did not start: {0}")]
    DriverStart(String),
    /// No browser session (Chromium missing or crashing, WebDriver refused).
    #[error("could not open a browser session (is the `chromium` package installed?): {0}")]
    Session(String),
}

/// One page to visit.
#[derive(Debug, Clone)]
pub struct PageTask {
    /// `view_all_page_id`.
    pub page_id: String,
    /// The Ad Library URL with the account's filters.
    pub url: String,
    /// Where this page's screenshots go (created).
    pub out_dir: PathBuf,
}

/// Captures `pages` with one browser, calling `progress(index, capture)`
/// after each. A page that fails becomes [`PageOutcome::Failed`]; only a
/// browser that cannot start is an error.
pub async fn capture_pages<F>(
    settings: &CaptureSettings,
    pages: &[PageTask],
    mut progress: F,
) -> Result<Vec<PageCapture>, CaptureError>
where
    F: FnMut(usize, &PageCapture) + Send,
{
    let browser = Browser::start(settings).await?;
    let mut out = Vec::with_capacity(pages.len());
    for (index, task) in pages.iter().enumerate() {
        if index > 0 {
            tokio::time::sleep(jitter(settings.pace)).await;
        }
        // Hard guard over the page's own deadlines (a hung WebDriver call).
        let guard = settings.page_timeout + Duration::from_secs(30);
        let capture = match tokio::time::timeout(
            guard,
            page::capture(browser.driver(), settings, task),
        )
        .await
        {
            Ok(capture) => capture,
            Err(_) => failed(task, format!("timed out after {} s", guard.as_secs())),
        };
        progress(index, &capture);
        out.push(capture);
    }
    browser.quit().await;
    Ok(out)
}

fn failed(task: &PageTask, reason: String) -> PageCapture {
    PageCapture {
        page_id: task.page_id.clone(),
        page_name: None,
        outcome: PageOutcome::Failed(reason),
        ads: Vec::new(),
        results_claimed: None,
        truncated: false,
    }
}

/// A uniformly random duration in `[min, max]`.
fn jitter((min, max): (Duration, Duration)) -> Duration {
    if max <= min {
        return min;
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let span = (max - min).as_millis() as u64;
    min + Duration::from_millis(u64::from(nanos) % (span + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_in_range() {
        let (min, max) = (Duration::from_secs(2), Duration::from_secs(5));
        for _ in 0..100 {
            let d = jitter((min, max));
            assert!(d >= min && d <= max, "{d:?}");
        }
        assert_eq!(jitter((Duration::ZERO, Duration::ZERO)), Duration::ZERO);
    }

    #[test]
    fn production_settings_follow_the_config() {
        let mut config = AdLibraryConfig::default();
        let s = CaptureSettings::from_config(&config);
        assert_eq!(s.webdriver_url, None);
        assert_eq!(s.max_ads_per_page, 100);
        assert_eq!(s.pace, (Duration::from_secs(2), Duration::from_secs(5)));
        config.webdriver_url = "http://127.0.0.1:4444".into();
        assert_eq!(
            CaptureSettings::from_config(&config)
                .webdriver_url
                .as_deref(),
            Some("http://127.0.0.1:4444")
        );
    }

    #[test]
    fn a_missing_driver_names_the_package() {
        let e = CaptureError::DriverMissing {
            path: "/nope/chromedriver".into(),
        };
        let text = e.to_string();
        assert!(
            text.contains("/nope/chromedriver") && text.contains("chromium-driver"),
            "{text}"
        );
    }
}
