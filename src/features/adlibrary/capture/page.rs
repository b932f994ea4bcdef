//! One competitor page: load, dismiss cookies, scroll to the end within caps,
//! read the cards, screenshot each by its page rectangle.

use std::time::{Duration, Instant};

use base64::Engine;
use serde::Deserialize;
use thirtyfour::prelude::*;

use super::{scripts, CaptureSettings, PageTask};
use crate::features::adlibrary::model::{
    jpeg_size, parse_started, CapturedAd, PageCapture, PageOutcome,
};

#[derive(Debug, Deserialize)]
struct ScrollState {
    ids: usize,
    height: f64,
    spinner: bool,
    challenge: Option<String>,
    results: Option<u32>,
    #[serde(rename = "noAds")]
    no_ads: bool,
}

#[derive(Debug, Deserialize)]
struct Card {
    id: String,
    text: String,
    platforms: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct ClipRect {
    x: f64,
    y: f64,
    width: f64,
    height: f64,
}

/// Captures one page; never fails: problems become the page's outcome.
pub async fn capture(
    driver: &WebDriver,
    settings: &CaptureSettings,
    task: &PageTask,
) -> PageCapture {
    let mut capture = PageCapture {
        page_id: task.page_id.clone(),
        page_name: None,
        outcome: PageOutcome::Ok,
        ads: Vec::new(),
        results_claimed: None,
        truncated: false,
    };
    if let Err(error) = run(driver, settings, task, &mut capture).await {
        tracing::warn!(page = %task.page_id, error = %format!("{error:#}"), "capturing an Ad Library page failed");
        if capture.ads.is_empty() {
            capture.outcome = PageOutcome::Failed(short(&format!("{error:#}")));
        } else if capture.outcome == PageOutcome::Ok {
            capture.outcome = PageOutcome::Degraded(format!(
                "stopped after {} ads: {}",
                capture.ads.len(),
                short(&format!("{error:#}"))
            ));
        }
    }
    capture
}

fn short(text: &str) -> String {
    let first = text.lines().next().unwrap_or_default();
    first.chars().take(200).collect()
}

async fn run(
    driver: &WebDriver,
    settings: &CaptureSettings,
    task: &PageTask,
    capture: &mut PageCapture,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let scroll_deadline = started + settings.page_timeout / 2;
    let deadline = started + settings.page_timeout;
    driver.goto(task.url.as_str()).await?;
    let mut cookies_done = false;
    let (mut last_ids, mut last_height, mut stable) = (usize::MAX, -1.0, 0);
    let state = loop {
        if !cookies_done {
            cookies_done = driver
                .execute(scripts::cookies(), Vec::new())
                .await?
                .json()
                .is_string();
        }
        let state: ScrollState = driver
            .execute(scripts::scroll(), Vec::new())
            .await?
            .convert()?;
        if state.challenge.is_some() || state.ids >= settings.max_ads_per_page {
            capture.truncated = state.ids >= settings.max_ads_per_page && state.challenge.is_none();
            break state;
        }
        let unchanged = state.ids == last_ids && (state.height - last_height).abs() < 1.0;
        stable = if unchanged && !state.spinner {
            stable + 1
        } else {
            0
        };
        if stable >= settings.stable_rounds {
            break state;
        }
        if Instant::now() >= scroll_deadline {
            capture.truncated = true;
            break state;
        }
        (last_ids, last_height) = (state.ids, state.height);
        tokio::time::sleep(settings.scroll_pause).await;
    };
    capture.results_claimed = state.results;
    if let Some(reason) = state.challenge {
        capture.outcome = PageOutcome::Degraded(reason);
        return Ok(());
    }
    let max = settings.max_ads_per_page as u64;
    let cards: Vec<Card> = driver
        .execute(scripts::extract(), vec![max.into()])
        .await?
        .convert()?;
    if cards.is_empty() {
        capture.outcome = empty_outcome(state.results, state.no_ads);
        return Ok(());
    }
    driver.execute(scripts::hide_fixed(), Vec::new()).await?;
    std::fs::create_dir_all(&task.out_dir)?;
    for card in cards {
        if Instant::now() >= deadline {
            capture.truncated = true;
            capture.outcome = PageOutcome::Degraded(format!(
                "time limit of {} s reached after {} ads",
                settings.page_timeout.as_secs(),
                capture.ads.len()
            ));
            break;
        }
        let ad = shoot(driver, settings, task, card).await?;
        capture.ads.push(ad);
    }
    capture.page_name = capture.ads.iter().find_map(|ad| page_name(&ad.text));
    Ok(())
}

/// No cards: trust it only when the page itself says there are no ads.
fn empty_outcome(results: Option<u32>, no_ads: bool) -> PageOutcome {
    match results {
        Some(n) if n > 0 => PageOutcome::Degraded(format!(
            "the page reports ~{n} results but shows no ad cards"
        )),
        Some(_) => PageOutcome::Ok,
        None if no_ads => PageOutcome::Ok,
        None => PageOutcome::Degraded(
            "no ad cards and no results count: the page may have changed or blocked the visit"
                .into(),
        ),
    }
}

async fn shoot(
    driver: &WebDriver,
    settings: &CaptureSettings,
    task: &PageTask,
    card: Card,
) -> anyhow::Result<CapturedAd> {
    let started_running = parse_started(&card.text);
    let status = card
        .text
        .lines()
        .map(str::trim)
        .find(|l| *l == "Active" || *l == "Inactive")
        .map(str::to_string);
    let mut ad = CapturedAd {
        library_id: card.id.clone(),
        started_running,
        status,
        platforms: card.platforms,
        text: card.text,
        screenshot: None,
        width: 0,
        height: 0,
    };
    let rect: Option<ClipRect> = driver
        .execute(scripts::card_rect(), vec![card.id.clone().into()])
        .await?
        .convert()?;
    let Some(rect) = rect.filter(|r| r.width >= 1.0 && r.height >= 1.0) else {
        return Ok(ad);
    };
    // Lazy images start loading when the card scrolls into view.
    tokio::time::sleep(Duration::from_millis(30)).await;
    let shot = driver
        .cdp()
        .send_raw(
            "Page.captureScreenshot",
            serde_json::json!({
                "format": "jpeg",
                "quality": settings.jpeg_quality,
                "captureBeyondViewport": true,
                "clip": { "x": rect.x, "y": rect.y, "width": rect.width.ceil(),
                          "height": rect.height.ceil(), "scale": 1 },
            }),
        )
        .await?;
    let data = shot
        .get("data")
        .and_then(|d| d.as_str())
        .unwrap_or_default();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data)
        .map_err(|e| anyhow::anyhow!("screenshot is not base64: {e}"))?;
    let Some((width, height)) = jpeg_size(&bytes) else {
        return Ok(ad);
    };
    let path = task.out_dir.join(format!("{}.jpg", card.id));
    std::fs::write(&path, &bytes)?;
    (ad.screenshot, ad.width, ad.height) = (Some(path), width, height);
    Ok(ad)
}

/// The advertiser's name: the line before "Sponsored" on a card.
fn page_name(text: &str) -> Option<String> {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let at = lines.iter().position(|l| *l == "Sponsored")?;
    let name = lines.get(at.checked_sub(1)?)?;
    (!name.is_empty() && name.chars().count() <= 100).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_pages_are_trusted_only_when_they_say_so() {
        assert!(
            matches!(empty_outcome(Some(37), false), PageOutcome::Degraded(r) if r.contains("~37"))
        );
        assert_eq!(empty_outcome(Some(0), false), PageOutcome::Ok);
        assert_eq!(empty_outcome(None, true), PageOutcome::Ok);
        assert!(matches!(
            empty_outcome(None, false),
            PageOutcome::Degraded(_)
        ));
    }

    #[test]
    fn page_name_is_the_line_before_sponsored() {
        let text = "Active\nLibrary ID: 123456\n\nАкме Обувь\nSponsored\nBuy shoes";
        assert_eq!(page_name(text), Some("Акме Обувь".into()));
        assert_eq!(page_name("Sponsored\nx"), None);
        assert_eq!(page_name("no marker"), None);
    }
}
