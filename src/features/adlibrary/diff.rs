//! New / still running / stopped: one competitor page's capture against the
//! previous trustworthy capture of the same page for the same account.

use std::collections::HashSet;

use chrono::NaiveDate;

use super::model::{CapturedAd, PageOutcome};

/// The diff of one page. Ids keep the order of the current capture; stopped
/// ids are sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageDiff {
    /// Seen now, not in the previous capture (all ads on a first capture).
    pub new: Vec<String>,
    /// Seen now and in the previous capture.
    pub running: Vec<String>,
    /// In the previous capture, not seen now. Always empty when the current
    /// capture is not trustworthy (degraded or failed): unknown is not stopped.
    pub stopped: Vec<String>,
}

impl PageDiff {
    /// Whether `library_id` is new in this capture.
    pub fn is_new(&self, library_id: &str) -> bool {
        self.new.iter().any(|id| id == library_id)
    }
}

/// Compares `current` with the ids of the previous capture (`None` when the
/// account never captured this page before).
pub fn diff_page(
    previous: Option<&HashSet<String>>,
    outcome: &PageOutcome,
    current: &[CapturedAd],
) -> PageDiff {
    let mut diff = PageDiff::default();
    let mut seen = HashSet::new();
    for ad in current {
        if !seen.insert(ad.library_id.as_str()) {
            continue;
        }
        match previous {
            Some(prev) if prev.contains(&ad.library_id) => diff.running.push(ad.library_id.clone()),
            _ => diff.new.push(ad.library_id.clone()),
        }
    }
    if let (Some(prev), PageOutcome::Ok) = (previous, outcome) {
        let mut stopped: Vec<String> = prev
            .iter()
            .filter(|id| !seen.contains(id.as_str()))
            .cloned()
            .collect();
        stopped.sort_by(|a, b| (a.len(), a).cmp(&(b.len(), b)));
        diff.stopped = stopped;
    }
    diff
}

/// Days an ad has been running on `today` (0 on its first day).
pub fn days_running(started: Option<NaiveDate>, today: NaiveDate) -> Option<i64> {
    started.map(|d| (today - d).num_days().max(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ad(id: u32) -> CapturedAd {
        CapturedAd {
            library_id: id.to_string(),
            started_running: None,
            status: None,
            platforms: vec![],
            text: String::new(),
            screenshot: None,
            width: 0,
            height: 0,
        }
    }

    #[test]
    fn first_capture_is_all_new() {
        let d = diff_page(None, &PageOutcome::Ok, &[ad(1), ad(2), ad(2)]);
        assert_eq!(d.new, ["1", "2"]);
        assert!(d.running.is_empty() && d.stopped.is_empty());
    }

    #[test]
    fn drops_and_additions() {
        let prev: HashSet<String> = (1..=37).map(|i: u32| i.to_string()).collect();
        let now: Vec<CapturedAd> = (6..=40).map(ad).collect();
        let d = diff_page(Some(&prev), &PageOutcome::Ok, &now);
        assert_eq!(d.new, ["38", "39", "40"]);
        assert_eq!(d.running.len(), 32);
        assert_eq!(d.stopped, ["1", "2", "3", "4", "5"]);
        assert!(d.is_new("39") && !d.is_new("6"));
    }

    #[test]
    fn a_degraded_page_stops_nothing() {
        let prev: HashSet<String> = ["1".to_string()].into();
        let d = diff_page(Some(&prev), &PageOutcome::Degraded("challenge".into()), &[]);
        assert_eq!(d, PageDiff::default());
    }

    #[test]
    fn days() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 12).unwrap();
        let start = NaiveDate::from_ymd_opt(2026, 3, 1);
        assert_eq!(days_running(start, today), Some(11));
        assert_eq!(days_running(None, today), None);
        assert_eq!(
            days_running(NaiveDate::from_ymd_opt(2026, 4, 1), today),
            Some(0)
        );
    }
}
