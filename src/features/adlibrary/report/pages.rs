//! Page layout of the report: text flowed over A4 pages, the cover, section
//! pages and one page per ad sized to its screenshot.

use anyhow::Context;
use printpdf::{
    Color, DictItem, ExternalStream, ExternalXObject, FontId, Mm, Op, PaintMode, PdfDocument,
    PdfFontHandle, PdfPage, Point, Pt, Px, Rect, Rgb, TextItem, XObjectTransform,
};

use super::{Report, ReportAd, Section};
use crate::features::adlibrary::model::{jpeg_header, PageOutcome};
use crate::features::adlibrary::texts::Texts;
use crate::telegram::texts::fill;

const PAGE_W: f32 = 595.0;
const A4_H: f32 = 842.0;
const MARGIN: f32 = 36.0;
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;
/// PDF viewers refuse pages taller than 200 inches.
const MAX_PAGE_H: f32 = 14_000.0;

/// Lines of text laid out top-down over A4 pages.
struct Flow<'a> {
    font: &'a FontId,
    pages: Vec<PdfPage>,
    ops: Vec<Op>,
    y: f32,
}

impl<'a> Flow<'a> {
    fn new(font: &'a FontId) -> Self {
        Self {
            font,
            pages: Vec::new(),
            ops: Vec::new(),
            y: A4_H - MARGIN,
        }
    }

    fn line(&mut self, text: &str, size: f32, colour: (f32, f32, f32)) {
        let max_chars = ((CONTENT_W / (size * 0.55)) as usize).max(10);
        for chunk in wrap(text, max_chars) {
            if self.y - size * 1.35 < MARGIN {
                self.page_break();
            }
            self.y -= size * 1.35;
            self.ops
                .extend(text_ops(self.font, &chunk, size, MARGIN, self.y, colour));
        }
    }

    fn gap(&mut self, pt: f32) {
        self.y -= pt;
    }

    fn page_break(&mut self) {
        let ops = std::mem::take(&mut self.ops);
        self.pages.push(page(A4_H, ops));
        self.y = A4_H - MARGIN;
    }

    fn finish(mut self) -> Vec<PdfPage> {
        self.page_break();
        self.pages
    }
}

fn page(height_pt: f32, ops: Vec<Op>) -> PdfPage {
    PdfPage::new(Mm::from(Pt(PAGE_W)), Mm::from(Pt(height_pt)), ops)
}

fn rgb((r, g, b): (f32, f32, f32)) -> Color {
    Color::Rgb(Rgb {
        r,
        g,
        b,
        icc_profile: None,
    })
}

fn text_ops(
    font: &FontId,
    text: &str,
    size: f32,
    x: f32,
    y: f32,
    colour: (f32, f32, f32),
) -> Vec<Op> {
    vec![
        Op::StartTextSection,
        Op::SetFillColor { col: rgb(colour) },
        Op::SetFont {
            font: PdfFontHandle::External(font.clone()),
            size: Pt(size),
        },
        Op::SetTextCursor {
            pos: Point { x: Pt(x), y: Pt(y) },
        },
        Op::ShowText {
            items: vec![TextItem::Text(text.to_string())],
        },
        Op::EndTextSection,
    ]
}

/// Splits on spaces (or hard, for long words) into lines of at most `max` chars.
fn wrap(text: &str, max: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let mut word = word.to_string();
        while word.chars().count() > max {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let head: String = word.chars().take(max).collect();
            word = word.chars().skip(max).collect();
            lines.push(head);
        }
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > max {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

const BLACK: (f32, f32, f32) = (0.0, 0.0, 0.0);
const GREY: (f32, f32, f32) = (0.35, 0.35, 0.35);
const RED: (f32, f32, f32) = (0.78, 0.1, 0.1);

pub(super) fn cover(
    report: &Report,
    t: &Texts,
    font: &FontId,
    number: usize,
    parts: usize,
) -> Vec<PdfPage> {
    let mut flow = Flow::new(font);
    flow.line(t.report_title, 20.0, BLACK);
    flow.gap(6.0);
    flow.line(
        &fill(t.report_account, &[("account", &report.account)]),
        14.0,
        BLACK,
    );
    flow.line(
        &fill(t.report_generated, &[("date", &report.generated)]),
        11.0,
        GREY,
    );
    if parts > 1 {
        flow.line(
            &fill(t.report_part, &[("part", &number), ("parts", &parts)]),
            11.0,
            GREY,
        );
    }
    let (new, running, stopped) = report.totals();
    flow.gap(8.0);
    flow.line(
        &fill(
            t.report_counts,
            &[("new", &new), ("running", &running), ("stopped", &stopped)],
        ),
        13.0,
        BLACK,
    );
    flow.gap(10.0);
    flow.line(t.report_competitors, 14.0, BLACK);
    for s in &report.sections {
        let line = fill(
            t.report_competitor_line,
            &[
                ("name", &s.title()),
                ("ads", &s.ads.len()),
                ("new", &s.new_count()),
                ("running", &s.running),
                ("stopped", &s.stopped.len()),
            ],
        );
        flow.line(&line, 10.5, BLACK);
    }
    let troubled: Vec<&Section> = report
        .sections
        .iter()
        .filter(|s| s.outcome != PageOutcome::Ok)
        .collect();
    if !troubled.is_empty() {
        flow.gap(10.0);
        flow.line(t.report_degraded_title, 14.0, RED);
        for s in troubled {
            let template = match s.outcome {
                PageOutcome::Failed(_) => t.report_failed_line,
                _ => t.report_degraded_line,
            };
            let reason = s.outcome.reason().unwrap_or_default();
            flow.line(
                &fill(template, &[("name", &s.title()), ("reason", &reason)]),
                10.5,
                RED,
            );
        }
    }
    flow.finish()
}

pub(super) fn section_pages(
    s: &Section,
    t: &Texts,
    font: &FontId,
    continued: bool,
) -> Vec<PdfPage> {
    let mut flow = Flow::new(font);
    let title = if continued {
        format!("{} {}", s.title(), t.report_continued)
    } else {
        s.title()
    };
    flow.line(&title, 18.0, BLACK);
    flow.gap(4.0);
    let counts = fill(
        t.report_counts,
        &[
            ("new", &s.new_count()),
            ("running", &s.running),
            ("stopped", &s.stopped.len()),
        ],
    );
    flow.line(&counts, 12.0, BLACK);
    if let Some(reason) = s.outcome.reason() {
        flow.line(reason, 11.0, RED);
    }
    if s.truncated {
        flow.line(
            &fill(t.report_truncated, &[("ads", &s.ads.len())]),
            11.0,
            GREY,
        );
    }
    if !continued && !s.stopped.is_empty() {
        flow.gap(8.0);
        flow.line(t.report_stopped_title, 12.0, BLACK);
        flow.line(&s.stopped.join(", "), 10.0, GREY);
    }
    flow.finish()
}

pub(super) fn ad_page(
    doc: &mut PdfDocument,
    report: &Report,
    t: &Texts,
    font: &FontId,
    ad: &ReportAd,
) -> anyhow::Result<PdfPage> {
    let mut details = Vec::new();
    if let Some(date) = ad.started {
        details.push(fill(
            t.report_started,
            &[("date", &date.format("%d %b %Y"))],
        ));
        let days = (report.today - date).num_days().max(0);
        details.push(fill(t.report_days, &[("days", &days)]));
    }
    if let Some(status) = &ad.status {
        details.push(status.clone());
    }
    let image = match &ad.image {
        Some(path) => {
            let bytes =
                std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            jpeg_header(&bytes).map(|(w, h, comps)| (bytes, w, h, comps))
        }
        None => None,
    };
    let header_h = 52.0;
    let (img_w, img_h) = match &image {
        Some((_, w, h, _)) => {
            let scale =
                (CONTENT_W / *w as f32).min((MAX_PAGE_H - header_h - 2.0 * MARGIN) / *h as f32);
            (*w as f32 * scale, *h as f32 * scale)
        }
        None => (0.0, 20.0),
    };
    let height = (2.0 * MARGIN + header_h + img_h).max(200.0);
    let mut ops = Vec::new();
    let top = height - MARGIN;
    let id_line = fill(t.report_library_id, &[("id", &ad.library_id)]);
    ops.extend(text_ops(font, &id_line, 14.0, MARGIN, top - 14.0, BLACK));
    if ad.is_new {
        let x = PAGE_W - MARGIN - 62.0;
        ops.push(Op::SetFillColor { col: rgb(RED) });
        ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Pt(x),
                y: Pt(top - 18.0),
                width: Pt(62.0),
                height: Pt(20.0),
                mode: Some(PaintMode::Fill),
                winding_order: None,
            },
        });
        ops.extend(text_ops(
            font,
            t.report_new,
            11.0,
            x + 8.0,
            top - 13.0,
            (1.0, 1.0, 1.0),
        ));
    }
    ops.extend(text_ops(
        font,
        &details.join(" · "),
        10.5,
        MARGIN,
        top - 34.0,
        GREY,
    ));
    match image {
        Some((bytes, w, h, comps)) => {
            let id = doc.add_xobject(&jpeg_xobject(bytes, w, h, comps));
            ops.push(Op::UseXobject {
                id,
                transform: XObjectTransform {
                    translate_x: Some(Pt(MARGIN)),
                    translate_y: Some(Pt(MARGIN)),
                    // At this dpi the image's pixel width spans `img_w` points.
                    dpi: Some(72.0 * w as f32 / img_w),
                    ..XObjectTransform::default()
                },
            });
        }
        None => ops.extend(text_ops(
            font,
            t.report_no_screenshot,
            11.0,
            MARGIN,
            top - header_h - 12.0,
            RED,
        )),
    }
    Ok(page(height, ops))
}

/// An image XObject whose stream is the JPEG file itself.
fn jpeg_xobject(bytes: Vec<u8>, w: u32, h: u32, comps: u8) -> ExternalXObject {
    let name = |n: &str| DictItem::Name(n.as_bytes().to_vec());
    let colour = match comps {
        1 => "DeviceGray",
        4 => "DeviceCMYK",
        _ => "DeviceRGB",
    };
    let dict = [
        ("Type", name("XObject")),
        ("Subtype", name("Image")),
        ("Width", DictItem::Int(i64::from(w))),
        ("Height", DictItem::Int(i64::from(h))),
        ("ColorSpace", name(colour)),
        ("BitsPerComponent", DictItem::Int(8)),
        ("Filter", name("DCTDecode")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    ExternalXObject {
        stream: ExternalStream {
            dict,
            content: bytes,
            compress: false,
        },
        width: Some(Px(w as usize)),
        height: Some(Px(h as usize)),
        dpi: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_words_and_splits_long_ones() {
        assert_eq!(wrap("a bb ccc", 4), ["a bb", "ccc"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 4), [""]);
    }
}
