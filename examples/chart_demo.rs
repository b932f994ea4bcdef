//! Writes sample charts to /tmp for a visual check: `cargo run --example chart_demo`.
use chrono::NaiveDate;
use ppc_helper::render::chart::{bars, daily_lines, DailySeries};

fn main() -> anyhow::Result<()> {
    let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap_or_default();
    let spend = DailySeries {
        name: "Расход".into(),
        points: (1..=14)
            .map(|d| (day(d), f64::from(d) * 10.5 + 40.0))
            .collect(),
    };
    let clicks = DailySeries {
        name: "Клики".into(),
        points: (1..=14).map(|d| (day(d), f64::from(d * 3 % 17))).collect(),
    };
    std::fs::write(
        "/tmp/lines.png",
        daily_lines("Расход и клики", "RUB", &[spend], Some(("clicks", &clicks)))?,
    )?;
    let hours: Vec<(String, f64)> = (0..24)
        .map(|h| (format!("{h}"), f64::from(h % 7)))
        .collect();
    std::fs::write("/tmp/bars.png", bars("Opens by hour", "opens", &hours)?)?;
    Ok(())
}
