//! The PDF report (printpdf): a cover page, then per competitor a section
//! page and one page per ad (new ones first), each screenshot at the full
//! content width. Screenshots are embedded as the JPEG files the browser
//! wrote (DCTDecode pass-through: captured resolution, no re-encoding, no
//! downscaling). Reports larger than the part limit are split, each part with
//! its own cover.

use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::NaiveDate;
use printpdf::{ImageOptimizationOptions, ParsedFont, PdfDocument, PdfSaveOptions};

use super::model::PageOutcome;
use super::texts::texts;
use crate::telegram::lang::Lang;

mod pages;

use pages::{ad_page, cover, section_pages};

/// DejaVu Sans: Latin and Cyrillic.
const FONT: &[u8] = include_bytes!("../../../../assets/fonts/DejaVuSans.ttf");
/// Room kept in each part for the font, covers and section pages.
const PART_OVERHEAD: u64 = 400 * 1024;

/// What the report shows.
#[derive(Debug, Clone)]
pub struct Report {
    pub account: String,
    /// Already formatted in the reader's timezone.
    pub generated: String,
    pub today: NaiveDate,
    pub lang: Lang,
    pub sections: Vec<Section>,
}

/// One competitor.
#[derive(Debug, Clone)]
pub struct Section {
    pub page_id: String,
    pub name: Option<String>,
    pub outcome: PageOutcome,
    /// In page order; the report puts new ones first.
    pub ads: Vec<ReportAd>,
    /// Library IDs that stopped since the last report.
    pub stopped: Vec<String>,
    pub running: usize,
    pub truncated: bool,
}

/// One ad.
#[derive(Debug, Clone)]
pub struct ReportAd {
    pub library_id: String,
    pub started: Option<NaiveDate>,
    pub is_new: bool,
    pub status: Option<String>,
    /// The JPEG screenshot, if any.
    pub image: Option<PathBuf>,
}

impl Section {
    fn title(&self) -> String {
        match &self.name {
            Some(name) => format!("{name} ({})", self.page_id),
            None => self.page_id.clone(),
        }
    }

    fn new_count(&self) -> usize {
        self.ads.iter().filter(|a| a.is_new).count()
    }
}

impl Report {
    /// Totals (new, still running, stopped) over all sections.
    pub fn totals(&self) -> (usize, usize, usize) {
        self.sections.iter().fold((0, 0, 0), |(n, r, s), sec| {
            (n + sec.new_count(), r + sec.running, s + sec.stopped.len())
        })
    }
}

/// One part: for each section, the range of its ads in this part.
type Plan = Vec<Vec<(usize, std::ops::Range<usize>)>>;

/// Writes the report as `dir/<stem>.pdf`, or `<stem>-partN.pdf` when it must
/// be split to keep each file under `max_part_bytes`. Returns the files.
pub fn write_report(
    report: &Report,
    dir: &Path,
    stem: &str,
    max_part_bytes: u64,
) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut report = report.clone();
    for section in &mut report.sections {
        section.ads.sort_by_key(|a| !a.is_new);
    }
    let font =
        ParsedFont::from_bytes(FONT, 0, &mut Vec::new()).context("parsing the embedded font")?;
    let parts = render_within(&report, &font, max_part_bytes)?;
    let mut files = Vec::new();
    for (index, bytes) in parts.iter().enumerate() {
        let name = if parts.len() == 1 {
            format!("{stem}.pdf")
        } else {
            format!("{stem}-part{}.pdf", index + 1)
        };
        let path = dir.join(name);
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
        files.push(path);
    }
    Ok(files)
}

/// Renders the parts, each under `max_part_bytes`. The plan works from an
/// estimate; when a rendered part is larger anyway, the estimate's budget
/// shrinks by the overshoot and the report is planned again. A single ad larger
/// than the limit still gets a part of its own (logged).
fn render_within(
    report: &Report,
    font: &ParsedFont,
    max_part_bytes: u64,
) -> anyhow::Result<Vec<Vec<u8>>> {
    const ATTEMPTS: usize = 4;
    let mut budget = max_part_bytes.saturating_sub(PART_OVERHEAD).max(1);
    let mut attempt = 1;
    loop {
        let plan = plan_parts(report, budget);
        let parts = plan
            .iter()
            .enumerate()
            .map(|(index, part)| render_part(report, font, part, index + 1, plan.len()))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let largest = parts.iter().map(|p| p.len() as u64).max().unwrap_or(0);
        let splittable = plan.iter().any(|part| ads_in(part) > 1);
        if largest <= max_part_bytes || !splittable || attempt == ATTEMPTS || budget == 1 {
            if largest > max_part_bytes {
                tracing::warn!(
                    bytes = largest,
                    limit = max_part_bytes,
                    "a report part exceeds the limit"
                );
            }
            return Ok(parts);
        }
        budget = budget
            .saturating_sub(largest - max_part_bytes + 16 * 1024)
            .max(1);
        attempt += 1;
    }
}

fn ads_in(part: &[(usize, std::ops::Range<usize>)]) -> usize {
    part.iter().map(|(_, range)| range.len()).sum()
}

fn ad_bytes(ad: &ReportAd) -> u64 {
    let image = ad
        .image
        .as_ref()
        .and_then(|p| std::fs::metadata(p).ok())
        .map_or(0, |m| m.len());
    image + 2048
}

/// Greedy split: a new part starts when the next ad would pass the budget.
fn plan_parts(report: &Report, budget: u64) -> Plan {
    let mut plan: Plan = vec![Vec::new()];
    let mut used = 0u64;
    for (index, section) in report.sections.iter().enumerate() {
        let mut start = 0;
        for (i, ad) in section.ads.iter().enumerate() {
            let size = ad_bytes(ad);
            if used + size > budget && (used > 0 || i > start) {
                if i > start {
                    plan.last_mut().expect("one part").push((index, start..i));
                }
                plan.push(Vec::new());
                used = 0;
                start = i;
            }
            used += size;
        }
        plan.last_mut()
            .expect("one part")
            .push((index, start..section.ads.len()));
    }
    plan
}

fn render_part(
    report: &Report,
    font: &ParsedFont,
    part: &[(usize, std::ops::Range<usize>)],
    number: usize,
    parts: usize,
) -> anyhow::Result<Vec<u8>> {
    let t = texts(report.lang);
    let mut doc = PdfDocument::new(&format!("{} — {}", t.report_title, report.account));
    let font_id = doc.add_font(font);
    let mut pages = cover(report, t, &font_id, number, parts);
    for (index, range) in part {
        let section = &report.sections[*index];
        pages.extend(section_pages(section, t, &font_id, range.start > 0));
        for ad in &section.ads[range.clone()] {
            pages.push(ad_page(&mut doc, report, t, &font_id, ad)?);
        }
    }
    doc.with_pages(pages);
    let options = PdfSaveOptions {
        image_optimization: Some(ImageOptimizationOptions {
            quality: Some(0.8),
            max_image_size: None,
            ..ImageOptimizationOptions::default()
        }),
        ..PdfSaveOptions::default()
    };
    let mut warnings = Vec::new();
    Ok(doc.save(&options, &mut warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ad(id: &str, new: bool, image: Option<PathBuf>) -> ReportAd {
        ReportAd {
            library_id: id.into(),
            started: None,
            is_new: new,
            status: None,
            image,
        }
    }

    #[test]
    fn parts_split_by_image_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let img = dir.path().join("a.jpg");
        std::fs::write(&img, vec![0u8; 10_000]).unwrap();
        let section = |id: &str, n: usize| Section {
            page_id: id.into(),
            name: None,
            outcome: PageOutcome::Ok,
            ads: (0..n)
                .map(|i| ad(&i.to_string(), false, Some(img.clone())))
                .collect(),
            stopped: vec![],
            running: n,
            truncated: false,
        };
        let report = Report {
            account: "A".into(),
            generated: "now".into(),
            today: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            lang: Lang::En,
            sections: vec![section("1", 5), section("2", 3)],
        };
        assert_eq!(
            plan_parts(&report, 1_000_000),
            vec![vec![(0, 0..5), (1, 0..3)]]
        );
        // 12,048 bytes per ad: three per part of 40,000.
        let plan = plan_parts(&report, 40_000);
        assert_eq!(
            plan,
            vec![vec![(0, 0..3)], vec![(0, 3..5), (1, 0..1)], vec![(1, 1..3)]]
        );
        // Even an ad over the budget gets a part of its own.
        assert_eq!(plan_parts(&report, 1).len(), 8);
    }
}
