//! Reading `postmaster.pid` left by an earlier run: reuse a server that is
//! still alive, clear the file when its process is gone.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::signal::kill;
use nix::unistd::Pid;

use super::cluster::{self, LOG_FILE, PORT};
use super::EmbeddedError;

/// How long a starting (or stopping) earlier server is waited for.
const SETTLE_TIMEOUT: Duration = Duration::from_secs(60);

/// A server of this data directory, still running from an earlier run.
#[derive(Debug, Clone)]
pub(crate) struct Running {
    /// Its postmaster pid.
    pub(crate) pid: i32,
    /// The socket directory it listens in.
    pub(crate) socket_dir: PathBuf,
    /// Its port (names the socket file).
    pub(crate) port: u16,
}

/// The fields of `postmaster.pid` this module uses (lines 1, 4, 5 and 8).
struct PidFile {
    pid: i32,
    port: Option<u16>,
    socket_dir: Option<PathBuf>,
    status: String,
}

enum Owner {
    /// The postmaster of this data directory.
    Ours,
    /// Nobody: the process is gone, or the pid now belongs to something else.
    Stale,
    /// Cannot tell; leave the file to PostgreSQL's own checks.
    Unknown,
}

/// Finds a live, ready server of `data_dir`, removing a stale pid file (and
/// the socket lock file in `socket_dir`) on the way.
pub(crate) async fn running_postmaster(
    data_dir: &Path,
    socket_dir: &Path,
) -> Result<Option<Running>, EmbeddedError> {
    let deadline = Instant::now() + SETTLE_TIMEOUT;
    loop {
        let Some(file) = read(data_dir)? else {
            return Ok(None);
        };
        match owner(file.pid, data_dir) {
            Owner::Unknown => return Ok(None),
            Owner::Stale => {
                tracing::warn!(
                    data_dir = %data_dir.display(),
                    pid = file.pid,
                    "removing a stale postmaster.pid left by a server that is no longer running"
                );
                remove_if_present(&data_dir.join("postmaster.pid"))?;
                let dirs = [Some(socket_dir.to_path_buf()), file.socket_dir];
                for dir in dirs.iter().flatten() {
                    let port = file.port.unwrap_or(PORT);
                    remove_if_present(&dir.join(format!(".s.PGSQL.{port}.lock")))?;
                }
                return Ok(None);
            }
            Owner::Ours if file.status == "ready" => {
                return Ok(Some(Running {
                    pid: file.pid,
                    socket_dir: file.socket_dir.unwrap_or_else(|| socket_dir.to_path_buf()),
                    port: file.port.unwrap_or(PORT),
                }));
            }
            Owner::Ours if Instant::now() >= deadline => {
                let log_file = data_dir.join(LOG_FILE);
                return Err(EmbeddedError::Start {
                    reason: format!(
                        "a server of this data directory (pid {}) is running but still `{}` after {} s",
                        file.pid,
                        file.status,
                        SETTLE_TIMEOUT.as_secs()
                    ),
                    log_tail: cluster::log_tail(&log_file),
                    log_file,
                });
            }
            // Starting up or shutting down: wait until it is ready or gone.
            Owner::Ours => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

fn read(data_dir: &Path) -> Result<Option<PidFile>, EmbeddedError> {
    let path = data_dir.join("postmaster.pid");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(EmbeddedError::io("reading", &path, e)),
    };
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let line = |n: usize| lines.get(n).copied().filter(|l| !l.is_empty());
    Ok(Some(PidFile {
        // An unreadable pid means a torn or bogus file: treated as stale.
        pid: line(0).and_then(|l| l.parse().ok()).unwrap_or(0),
        port: line(3).and_then(|l| l.parse().ok()),
        socket_dir: line(4).map(PathBuf::from),
        status: line(7).unwrap_or("").to_string(),
    }))
}

fn owner(pid: i32, data_dir: &Path) -> Owner {
    if pid <= 0 {
        return Owner::Stale;
    }
    if kill(Pid::from_raw(pid), None) == Err(Errno::ESRCH) {
        return Owner::Stale;
    }
    let proc_dir = PathBuf::from(format!("/proc/{pid}"));
    match std::fs::read_to_string(proc_dir.join("comm")) {
        Ok(comm) if comm.trim() == "postgres" => {}
        Ok(_) => return Owner::Stale,
        // Exited between the two checks.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Owner::Stale,
        Err(_) => return Owner::Unknown,
    }
    // The postmaster runs from its data directory; another cluster's does not.
    match std::fs::read_link(proc_dir.join("cwd")) {
        Ok(cwd) if cwd == data_dir => Owner::Ours,
        Ok(_) => Owner::Stale,
        Err(_) => Owner::Unknown,
    }
}

fn remove_if_present(path: &Path) -> Result<(), EmbeddedError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(EmbeddedError::io("removing stale", path, e)),
    }
}
