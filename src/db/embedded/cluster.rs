//! Driving the server tools: initdb, postgresql.conf, pg_ctl start/stop.

use std::path::{Path, PathBuf};
use std::process::Output;

use super::runas::RunAs;
use super::{EmbeddedError, PgBinaries};

/// Port of the cluster; it only names the socket file, as TCP is off.
pub(crate) const PORT: u16 = 5432;
/// Superuser created by initdb; local socket connections are trusted.
pub(crate) const SUPERUSER: &str = "ppc";
/// Server log, inside the data directory.
pub(crate) const LOG_FILE: &str = "postgres.log";
/// Longest Unix socket path (`sun_path` is 108 bytes with the NUL).
const MAX_SOCKET_PATH: usize = 107;
/// Seconds pg_ctl waits for start and stop.
const PG_CTL_TIMEOUT: &str = "60";
/// Lines of the server log quoted in a start error.
const LOG_TAIL_LINES: usize = 30;

const CONF_BEGIN: &str = "# --- ppc-helper embedded cluster (rewritten at every start) ---";
const CONF_END: &str = "# --- end ppc-helper ---";

/// Whether `data_dir` already holds a cluster.
pub(crate) fn is_initialised(data_dir: &Path) -> bool {
    data_dir.join("PG_VERSION").is_file()
}

/// The socket directory for `data_dir`: the data directory itself, or a
/// short private directory under /tmp when its path is too long for a socket.
pub(crate) fn choose_socket_dir(data_dir: &Path) -> PathBuf {
    let socket_len = data_dir.as_os_str().len() + format!("/.s.PGSQL.{PORT}").len();
    if socket_len <= MAX_SOCKET_PATH {
        return data_dir.to_path_buf();
    }
    // Derived from the path so a later run (or a surviving server) finds the same one.
    let short = PathBuf::from(format!("/tmp/ppc-pg-{:016x}", fnv1a(data_dir)));
    tracing::info!(
        data_dir = %data_dir.display(),
        socket_dir = %short.display(),
        "data directory path is too long for a Unix socket ({socket_len} > {MAX_SOCKET_PATH} bytes); \
         putting the PostgreSQL socket in a short directory instead"
    );
    short
}

fn fnv1a(path: &Path) -> u64 {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str()
        .as_bytes()
        .iter()
        .fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
            (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
        })
}

/// Runs initdb: UTF-8, trusted local sockets, no TCP authentication.
pub(crate) async fn initdb(
    bins: &PgBinaries,
    run_as: &RunAs,
    data_dir: &Path,
) -> Result<(), EmbeddedError> {
    tracing::info!(data_dir = %data_dir.display(), "initialising a new PostgreSQL cluster");
    let mut command = run_as.command(&bins.initdb);
    command
        .arg("-D")
        .arg(data_dir)
        .args(["-U", SUPERUSER, "--encoding=UTF8", "--locale=C.UTF-8"])
        .args([
            "--auth-local=trust",
            "--auth-host=reject",
            "--no-instructions",
        ]);
    let output = run(command, &bins.initdb).await?;
    if !output.status.success() {
        return Err(EmbeddedError::InitDb {
            data_dir: data_dir.to_path_buf(),
            log: output_text(&output),
        });
    }
    Ok(())
}

/// Writes this app's settings at the end of postgresql.conf, replacing the
/// block a previous start wrote.
pub(crate) fn write_config(data_dir: &Path, socket_dir: &Path) -> Result<(), EmbeddedError> {
    let path = data_dir.join("postgresql.conf");
    let current =
        std::fs::read_to_string(&path).map_err(|e| EmbeddedError::io("reading", &path, e))?;
    let mut kept = String::new();
    let mut in_block = false;
    for line in current.lines() {
        match line {
            CONF_BEGIN => in_block = true,
            CONF_END => in_block = false,
            _ if !in_block => {
                kept.push_str(line);
                kept.push('\n');
            }
            _ => {}
        }
    }
    let settings = [
        ("listen_addresses", "''".to_string()),
        (
            "unix_socket_directories",
            conf_string(&socket_list_item(socket_dir)),
        ),
        ("port", PORT.to_string()),
        ("max_connections", "200".to_string()),
        ("fsync", "on".to_string()),
        ("shared_buffers", "128MB".to_string()),
        ("logging_collector", "off".to_string()),
        ("log_destination", "'stderr'".to_string()),
        ("log_min_messages", "warning".to_string()),
        ("log_checkpoints", "off".to_string()),
        ("log_line_prefix", "'%m [%p] '".to_string()),
    ];
    kept.push_str(CONF_BEGIN);
    kept.push('\n');
    for (key, value) in settings {
        kept.push_str(&format!("{key} = {value}\n"));
    }
    kept.push_str(CONF_END);
    kept.push('\n');
    std::fs::write(&path, kept).map_err(|e| EmbeddedError::io("writing", &path, e))
}

/// Starts the server with `pg_ctl start -w`, logging to `<data_dir>/postgres.log`.
pub(crate) async fn start(
    bins: &PgBinaries,
    run_as: &RunAs,
    data_dir: &Path,
    socket_dir: &Path,
) -> Result<(), EmbeddedError> {
    let log_file = data_dir.join(LOG_FILE);
    let mut command = run_as.command(&bins.pg_ctl);
    command
        .args(["start", "-w", "-t", PG_CTL_TIMEOUT, "-D"])
        .arg(data_dir)
        .arg("-l")
        .arg(&log_file)
        .arg("-o")
        // pg_ctl hands -o to /bin/sh, so the directory is shell-quoted.
        .arg(format!("-k {}", sh_quote(&socket_list_item(socket_dir))));
    let output = run(command, &bins.pg_ctl).await?;
    if !output.status.success() {
        return Err(EmbeddedError::Start {
            reason: output_text(&output),
            log_tail: log_tail(&log_file),
            log_file,
        });
    }
    tracing::info!(data_dir = %data_dir.display(), socket_dir = %socket_dir.display(), "PostgreSQL started");
    Ok(())
}

/// Stops the server with `pg_ctl stop -m <mode> -w`; a server that is already
/// gone counts as stopped.
pub(crate) async fn stop(
    bins: &PgBinaries,
    run_as: &RunAs,
    data_dir: &Path,
    mode: &str,
) -> Result<(), EmbeddedError> {
    let output = run(stop_command(bins, run_as, data_dir, mode), &bins.pg_ctl).await?;
    if output.status.success() || !data_dir.join("postmaster.pid").exists() {
        tracing::info!(data_dir = %data_dir.display(), "PostgreSQL stopped");
        return Ok(());
    }
    Err(EmbeddedError::Stop {
        data_dir: data_dir.to_path_buf(),
        output: output_text(&output),
    })
}

/// The `pg_ctl stop` command, also used synchronously on drop.
pub(crate) fn stop_command(
    bins: &PgBinaries,
    run_as: &RunAs,
    data_dir: &Path,
    mode: &str,
) -> std::process::Command {
    let mut command = run_as.command(&bins.pg_ctl);
    command
        .args(["stop", "-w", "-t", PG_CTL_TIMEOUT, "-m", mode, "-D"])
        .arg(data_dir);
    command
}

async fn run(command: std::process::Command, program: &Path) -> Result<Output, EmbeddedError> {
    tokio::process::Command::from(command)
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .map_err(|e| EmbeddedError::io("running", program, e))
}

fn output_text(output: &Output) -> String {
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    let text = text.trim();
    if text.is_empty() {
        format!("exited with {} and printed nothing", output.status)
    } else {
        text.to_string()
    }
}

/// The last lines of the server log, or a note saying why there are none.
pub(crate) fn log_tail(log_file: &Path) -> String {
    match std::fs::read(log_file) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let lines: Vec<&str> = text.lines().collect();
            lines[lines.len().saturating_sub(LOG_TAIL_LINES)..].join("\n")
        }
        Err(e) => format!("(log not readable: {e})"),
    }
}

/// One element of a PostgreSQL directory list, double-quoted so commas and
/// spaces in the path survive.
fn socket_list_item(dir: &Path) -> String {
    format!("\"{}\"", dir.display().to_string().replace('"', "\"\""))
}

/// A postgresql.conf string literal.
fn conf_string(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// A /bin/sh single-quoted word.
fn sh_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_paths_keep_the_socket_in_the_data_dir() {
        let dir = Path::new("/var/lib/app/postgres");
        assert_eq!(choose_socket_dir(dir), dir);
    }

    #[test]
    fn long_paths_get_a_stable_short_socket_dir() {
        let dir = PathBuf::from(format!("/srv/{}", "x".repeat(120)));
        let first = choose_socket_dir(&dir);
        assert!(first.starts_with("/tmp"), "{}", first.display());
        assert_eq!(first, choose_socket_dir(&dir));
        assert!(first.as_os_str().len() + 14 <= MAX_SOCKET_PATH);
    }

    #[test]
    fn quoting() {
        assert_eq!(sh_quote("a'b"), r"'a'\''b'");
        assert_eq!(conf_string("it's"), "'it''s'");
        assert_eq!(
            socket_list_item(Path::new("/a \"b\",c")),
            "\"/a \"\"b\"\",c\""
        );
    }
}
