//! Values shared by the capture, the store, the diff and the report.

use std::path::PathBuf;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One ad card as captured from a competitor's Ad Library page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapturedAd {
    /// The `Library ID` shown on the card: digits, the stable key.
    pub library_id: String,
    /// "Started running on …", when it could be read.
    pub started_running: Option<NaiveDate>,
    /// `Active` / `Inactive` as shown, if shown.
    pub status: Option<String>,
    /// Platform names from icon labels (may be empty).
    pub platforms: Vec<String>,
    /// The card's visible text (trimmed, at most a few KB).
    pub text: String,
    /// The card's JPEG screenshot, when one was taken.
    pub screenshot: Option<PathBuf>,
    /// Screenshot size in pixels (0 when there is none).
    pub width: u32,
    /// Screenshot height in pixels.
    pub height: u32,
}

/// How capturing one competitor page went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PageOutcome {
    /// The page loaded and its cards were read (possibly none, when the page
    /// itself said it had no ads).
    Ok,
    /// The page did not look like a normal result (challenge page, results
    /// claimed but no cards): the ads are unknown, not zero.
    Degraded(String),
    /// The page could not be captured at all (timeout, browser error).
    Failed(String),
}

impl PageOutcome {
    /// `ok` / `degraded` / `failed`, as stored.
    pub fn code(&self) -> &'static str {
        match self {
            PageOutcome::Ok => "ok",
            PageOutcome::Degraded(_) => "degraded",
            PageOutcome::Failed(_) => "failed",
        }
    }

    /// The reason of a degraded or failed page.
    pub fn reason(&self) -> Option<&str> {
        match self {
            PageOutcome::Ok => None,
            PageOutcome::Degraded(r) | PageOutcome::Failed(r) => Some(r),
        }
    }
}

/// The result of capturing one competitor page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageCapture {
    /// `view_all_page_id`.
    pub page_id: String,
    /// The page's own name as shown (best effort).
    pub page_name: Option<String>,
    /// Whether the cards could be trusted.
    pub outcome: PageOutcome,
    /// Cards found, in page order, unique by Library ID.
    pub ads: Vec<CapturedAd>,
    /// The page said "~N results".
    pub results_claimed: Option<u32>,
    /// Scrolling stopped at a cap (ads or time), not at the end of the list.
    pub truncated: bool,
}

/// Parses the date of "Started running on 12 Mar 2026" / "Mar 12, 2026".
pub fn parse_started(text: &str) -> Option<NaiveDate> {
    let rest = text.split("Started running on").nth(1)?;
    let date = rest.split(['·', '\n']).next()?.trim();
    ["%d %b %Y", "%b %d, %Y", "%B %d, %Y", "%d %B %Y", "%Y-%m-%d"]
        .iter()
        .find_map(|format| NaiveDate::parse_from_str(date, format).ok())
}

/// Width and height of a baseline or progressive JPEG, from its SOF marker.
pub fn jpeg_size(bytes: &[u8]) -> Option<(u32, u32)> {
    jpeg_header(bytes).map(|(w, h, _)| (w, h))
}

/// Width, height and colour components (1 grey, 3 YCbCr/RGB, 4 CMYK) of a JPEG.
pub fn jpeg_header(bytes: &[u8]) -> Option<(u32, u32, u8)> {
    if bytes.get(..2)? != [0xFF, 0xD8] {
        return None;
    }
    let mut i = 2;
    while i + 9 < bytes.len() {
        if bytes[i] != 0xFF {
            return None;
        }
        let marker = bytes[i + 1];
        if marker == 0xFF {
            i += 1;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
        if (0xC0..=0xCF).contains(&marker) && ![0xC4, 0xC8, 0xCC].contains(&marker) {
            let h = u16::from_be_bytes([bytes[i + 5], bytes[i + 6]]);
            let w = u16::from_be_bytes([bytes[i + 7], bytes[i + 8]]);
            return Some((u32::from(w), u32::from(h), bytes[i + 9]));
        }
        i += 2 + len;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn started_dates_in_the_shown_formats() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 12).unwrap();
        assert_eq!(
            parse_started("Active\nStarted running on 12 Mar 2026 · Total active time 3 hrs"),
            Some(d)
        );
        assert_eq!(
            parse_started("Started running on Mar 12, 2026\nPlatforms"),
            Some(d)
        );
        assert_eq!(parse_started("Started running on March 12, 2026"), Some(d));
        assert_eq!(parse_started("Started running on yesterday"), None);
        assert_eq!(parse_started("no date here"), None);
    }

    #[test]
    fn jpeg_size_reads_the_frame_header() {
        // SOI, APP0 (len 4, 2 bytes of data), SOF0 with 16x8.
        let bytes = [
            0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00,
            0x08, 0x00, 0x10, 0x03, 0x01, 0x22, 0x00,
        ];
        assert_eq!(jpeg_header(&bytes), Some((16, 8, 3)));
        assert_eq!(jpeg_size(&bytes), Some((16, 8)));
        assert_eq!(jpeg_size(b"\x89PNG...."), None);
        assert_eq!(jpeg_size(&[]), None);
    }
}
