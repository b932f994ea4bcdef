//! PNG charts (plotters, bitmap backend, embedded DejaVu Sans so Cyrillic
//! labels render): daily line charts and hour-of-day / category bar charts.

use std::sync::Once;

use chrono::NaiveDate;
use plotters::prelude::*;
use plotters::style::FontStyle;

/// The embedded font (DejaVu Sans, see `assets/fonts/DejaVuSans.LICENSE`).
static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const FAMILY: &str = "sans-serif";
static REGISTER: Once = Once::new();

/// Chart size in pixels: wide enough for 31 daily labels on a phone.
pub const WIDTH: u32 = 1200;
/// Chart height in pixels.
pub const HEIGHT: u32 = 675;

/// A chart could not be drawn or encoded.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("nothing to draw: every series is empty")]
    Empty,
    #[error("drawing the chart: {0}")]
    Draw(String),
    #[error("encoding the PNG: {0}")]
    Encode(#[from] image::ImageError),
}

fn draw_err(error: impl std::fmt::Display) -> ChartError {
    ChartError::Draw(error.to_string())
}

fn register_font() {
    REGISTER.call_once(|| {
        if plotters::style::register_font(FAMILY, FontStyle::Normal, FONT).is_err() {
            tracing::error!("the embedded chart font is invalid");
        }
    });
}

/// One named line over days. Days without a value are gaps, not zeros.
#[derive(Debug, Clone, PartialEq)]
pub struct DailySeries {
    pub name: String,
    pub points: Vec<(NaiveDate, f64)>,
}

const PALETTE: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
];

fn encode_png(pixels: Vec<u8>) -> Result<Vec<u8>, ChartError> {
    let mut png = Vec::new();
    let encoder = image::codecs::png::PngEncoder::new(&mut png);
    image::ImageEncoder::write_image(
        encoder,
        &pixels,
        WIDTH,
        HEIGHT,
        image::ExtendedColorType::Rgb8,
    )?;
    Ok(png)
}

/// A line chart of daily values; `y_label` names the unit ("USD", "clicks").
/// A series may use the right-hand axis when `secondary` names it (e.g. clicks
/// next to spend).
pub fn daily_lines(
    title: &str,
    y_label: &str,
    series: &[DailySeries],
    secondary: Option<(&str, &DailySeries)>,
) -> Result<Vec<u8>, ChartError> {
    register_font();
    let all = series
        .iter()
        .chain(secondary.map(|(_, s)| s))
        .flat_map(|s| s.points.iter());
    let (mut first, mut last) = (NaiveDate::MAX, NaiveDate::MIN);
    let mut any = false;
    for (day, _) in all {
        any = true;
        first = first.min(*day);
        last = last.max(*day);
    }
    if !any {
        return Err(ChartError::Empty);
    }
    if first == last {
        last = last.succ_opt().unwrap_or(last);
    }
    let max = |s: &[&DailySeries]| {
        s.iter()
            .flat_map(|s| s.points.iter().map(|(_, v)| *v))
            .fold(0.0_f64, f64::max)
            .max(1.0)
            * 1.1
    };
    let primary_max = max(&series.iter().collect::<Vec<_>>());
    let mut pixels = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let mut builder = ChartBuilder::on(&root);
        builder
            .caption(title, (FAMILY, 28))
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(80);
        if secondary.is_some() {
            builder.right_y_label_area_size(80);
        }
        let mut chart = builder
            .build_cartesian_2d(first..last, 0.0..primary_max)
            .map_err(draw_err)?
            .set_secondary_coord(first..last, 0.0..secondary.map_or(1.0, |(_, s)| max(&[s])));
        chart
            .configure_mesh()
            .x_labels(10)
            .x_label_formatter(&|d| d.format("%d.%m").to_string())
            .y_desc(y_label)
            .label_style((FAMILY, 16))
            .draw()
            .map_err(draw_err)?;
        for (index, s) in series.iter().enumerate() {
            let color = PALETTE[index % PALETTE.len()];
            chart
                .draw_series(LineSeries::new(
                    s.points.iter().copied(),
                    color.stroke_width(3),
                ))
                .map_err(draw_err)?
                .label(s.name.as_str())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(3))
                });
        }
        if let Some((label, s)) = secondary {
            let color = PALETTE[series.len() % PALETTE.len()];
            chart
                .configure_secondary_axes()
                .y_desc(label)
                .label_style((FAMILY, 16))
                .draw()
                .map_err(draw_err)?;
            chart
                .draw_secondary_series(LineSeries::new(
                    s.points.iter().copied(),
                    color.stroke_width(3),
                ))
                .map_err(draw_err)?
                .label(s.name.as_str())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(3))
                });
        }
        chart
            .configure_series_labels()
            .label_font((FAMILY, 16))
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()
            .map_err(draw_err)?;
        root.present().map_err(draw_err)?;
    }
    encode_png(pixels)
}

/// A bar chart of labelled counts (hour of day, groups).
pub fn bars(title: &str, y_label: &str, bars: &[(String, f64)]) -> Result<Vec<u8>, ChartError> {
    register_font();
    if bars.is_empty() {
        return Err(ChartError::Empty);
    }
    let top = bars
        .iter()
        .map(|(_, v)| *v)
        .fold(0.0_f64, f64::max)
        .max(1.0)
        * 1.1;
    let count = bars.len() as u32;
    let mut pixels = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, (FAMILY, 28))
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(80)
            .build_cartesian_2d((0..count).into_segmented(), 0.0..top)
            .map_err(draw_err)?;
        let labels: Vec<String> = bars.iter().map(|(label, _)| label.clone()).collect();
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(bars.len().min(24))
            .x_label_formatter(&|x| match x {
                SegmentValue::CenterOf(i) => labels.get(*i as usize).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .y_desc(y_label)
            .label_style((FAMILY, 16))
            .draw()
            .map_err(draw_err)?;
        chart
            .draw_series(
                Histogram::vertical(&chart)
                    .style(PALETTE[0].filled())
                    .margin(4)
                    .data(bars.iter().enumerate().map(|(i, (_, v))| (i as u32, *v))),
            )
            .map_err(draw_err)?;
        root.present().map_err(draw_err)?;
    }
    encode_png(pixels)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap_or_default()
    }

    fn is_png(bytes: &[u8]) -> bool {
        bytes.starts_with(&[0x89, b'P', b'N', b'G'])
    }

    #[test]
    fn draws_daily_lines_with_a_secondary_axis_and_cyrillic() {
        let spend = DailySeries {
            name: "Расход".into(),
            points: (1..=14).map(|d| (day(d), f64::from(d) * 10.5)).collect(),
        };
        let clicks = DailySeries {
            name: "Клики".into(),
            points: (1..=14)
                .filter(|d| d % 3 != 0)
                .map(|d| (day(d), f64::from(d * 3)))
                .collect(),
        };
        let png = daily_lines("Расход и клики", "RUB", &[spend], Some(("clicks", &clicks)))
            .expect("chart");
        assert!(is_png(&png));
        let image = image::load_from_memory(&png).expect("decodes");
        assert_eq!((image.width(), image.height()), (WIDTH, HEIGHT));
    }

    #[test]
    fn a_single_day_and_empty_series() {
        let one = DailySeries {
            name: "min".into(),
            points: vec![(day(3), 5.0)],
        };
        assert!(is_png(
            &daily_lines("t", "USD", &[one], None).expect("chart")
        ));
        let empty = DailySeries {
            name: "x".into(),
            points: Vec::new(),
        };
        assert!(matches!(
            daily_lines("t", "USD", &[empty], None),
            Err(ChartError::Empty)
        ));
    }

    #[test]
    fn draws_bars() {
        let hours: Vec<(String, f64)> = (0..24)
            .map(|h| (format!("{h}"), f64::from(h % 7)))
            .collect();
        assert!(is_png(
            &bars("Opens by hour", "opens", &hours).expect("chart")
        ));
        assert!(matches!(bars("t", "y", &[]), Err(ChartError::Empty)));
    }
}
