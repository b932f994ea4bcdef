//! Clean-up of the features' short-lived files: charts, CSV exports and other
//! attachments written for one message. They are needed only until the message
//! (or the e-mail carrying them) has gone out, so a daily job removes those
//! older than [`KEEP_DAYS`]. Each feature names its folder of such files in
//! its parts; files a feature keeps on purpose (the Ad Library's screenshots
//! and reports) have their own retention.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use crate::jobs::{AppJob, JobCtx, JobRegistry};

/// Days a short-lived file is kept: longer than any retry of the job that
/// sends it.
pub const KEEP_DAYS: u64 = 7;

/// Crontab line of the daily sweep.
pub const CRONTAB: &str = "47 3 * * * files_sweep";

/// The folders swept (job state).
#[derive(Debug, Clone)]
pub struct ScratchDirs(pub Vec<PathBuf>);

/// The daily sweep (a cron job; its payload is ignored).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Sweep {}

impl AppJob for Sweep {
    const IDENTIFIER: &'static str = "files_sweep";

    async fn run(self, ctx: JobCtx) -> anyhow::Result<()> {
        let dirs = ctx.state::<ScratchDirs>()?.0.clone();
        let cutoff = SystemTime::now() - Duration::from_secs(KEEP_DAYS * 24 * 3600);
        let removed = tokio::task::spawn_blocking(move || {
            dirs.iter().map(|dir| sweep(dir, cutoff)).sum::<usize>()
        })
        .await?;
        if removed > 0 {
            tracing::info!(removed, "removed old chart and export files");
        }
        Ok(())
    }
}

/// The sweep's job, cron line and the folders the features declared
/// ([`FeatureParts::scratch_dir`](super::FeatureParts::scratch_dir)).
pub fn jobs(dirs: Vec<PathBuf>) -> JobRegistry {
    JobRegistry::new()
        .job::<Sweep>()
        .cron(CRONTAB)
        .with_state(ScratchDirs(dirs))
}

/// Removes the files under `dir` last modified before `cutoff`, and the
/// folders that became empty; returns how many files went. A missing `dir`
/// is fine (nothing was written yet); other errors are logged and skipped.
pub fn sweep(dir: &Path, cutoff: SystemTime) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(meta) = entry.metadata() else {
            continue;
        };
        if meta.is_dir() {
            removed += sweep(&path, cutoff);
            // Fails while the folder still holds younger files: that is the point.
            let _ = std::fs::remove_dir(&path);
        } else if meta.modified().is_ok_and(|at| at < cutoff) {
            match std::fs::remove_file(&path) {
                Ok(()) => removed += 1,
                Err(error) => {
                    tracing::warn!(path = %path.display(), %error, "could not remove an old file")
                }
            }
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_files_and_emptied_folders_go_young_ones_stay() {
        let root = tempfile::tempdir().unwrap();
        let old_dir = root.path().join("a1");
        std::fs::create_dir(&old_dir).unwrap();
        std::fs::write(old_dir.join("chart.png"), b"png").unwrap();
        std::fs::write(root.path().join("report.csv"), b"csv").unwrap();
        let young_dir = root.path().join("b2");
        std::fs::create_dir(&young_dir).unwrap();
        std::fs::write(young_dir.join("fresh.png"), b"png").unwrap();
        let old = SystemTime::now() - Duration::from_secs(8 * 24 * 3600);
        for path in [old_dir.join("chart.png"), root.path().join("report.csv")] {
            std::fs::File::options()
                .write(true)
                .open(&path)
                .unwrap()
                .set_modified(old)
                .unwrap();
        }
        let cutoff = SystemTime::now() - Duration::from_secs(KEEP_DAYS * 24 * 3600);
        assert_eq!(sweep(root.path(), cutoff), 2);
        assert!(!old_dir.exists(), "an emptied folder goes too");
        assert!(young_dir.join("fresh.png").exists());
        assert!(!root.path().join("report.csv").exists());
        assert_eq!(sweep(&root.path().join("missing"), cutoff), 0);
    }
}
