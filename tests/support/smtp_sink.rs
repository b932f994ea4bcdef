//! Test harness for the SMTP sink (`smtp_sink.py`, Python + aiosmtpd): starts
//! it as a child process on a free port and reads back what it received.
//! Include it with `#[path = "support/smtp_sink.rs"] mod smtp_sink;`.
#![allow(dead_code)] // Each test crate that includes this uses a different subset.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ppc_helper::config::{SmtpConfig, SmtpTls};
use ppc_helper::mail::Mailer;

/// How to install the sink's dependency.
pub const INSTALL: &str = "python3 -m pip install aiosmtpd";
/// The sender address [`smtp_config`] configures.
pub const FROM: &str = "reports@ppc.test";

/// The SMTP sink child process; killed when dropped.
pub struct Sink {
    child: Child,
    /// The port it listens on (127.0.0.1).
    pub port: u16,
    dir: tempfile::TempDir,
}

impl Sink {
    /// Starts the sink and waits until it accepts connections; panics with the
    /// install command when python3 or aiosmtpd is missing.
    pub fn start() -> Sink {
        let dir = tempfile::tempdir().unwrap();
        // A file, not a pipe: nobody drains the sink's log while tests run.
        let log_path = dir.path().join("sink.log");
        let log = std::fs::File::create(&log_path).unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/smtp_sink.py");
        let mut child = Command::new("python3")
            .arg(&script)
            .args(["--port", "0", "--dir"])
            .arg(dir.path())
            // The sink exits when this pipe closes, even if the test is killed.
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|error| {
                panic!("cannot start python3 ({error}): install Python 3, then `{INSTALL}`")
            });
        let mut line = String::new();
        let stdout = child.stdout.take().unwrap();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        let Ok(port) = line.trim().parse::<u16>() else {
            let _ = child.kill();
            let _ = child.wait();
            let stderr = std::fs::read_to_string(&log_path).unwrap_or_default();
            panic!(
                "the SMTP sink did not start ({}); install its dependency with `{INSTALL}`",
                stderr.trim()
            );
        };
        let sink = Sink { child, port, dir };
        sink.wait_until_listening();
        sink
    }

    fn wait_until_listening(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "SMTP sink not accepting on port {}",
                self.port
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// An `smtp` config pointing at this sink without TLS.
    pub fn config(&self) -> SmtpConfig {
        smtp_config(self.port)
    }

    /// A mailer for [`Sink::config`].
    pub fn mailer(&self) -> Mailer {
        Mailer::from_config(&self.config()).unwrap().unwrap()
    }

    /// Messages received so far, in order.
    pub fn received(&self) -> Vec<Received> {
        let mut messages = Vec::new();
        for n in 1.. {
            let json = self.dir.path().join(format!("{n}.json"));
            let Ok(meta) = std::fs::read(&json) else {
                break;
            };
            let meta: serde_json::Value = serde_json::from_slice(&meta).unwrap();
            let rcpt_tos = meta["rcpt_tos"].as_array().unwrap();
            messages.push(Received {
                mail_from: meta["mail_from"].as_str().unwrap().to_string(),
                rcpt_tos: rcpt_tos
                    .iter()
                    .map(|r| r.as_str().unwrap().to_string())
                    .collect(),
                raw: std::fs::read(self.dir.path().join(format!("{n}.eml"))).unwrap(),
            });
        }
        messages
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One message as the server saw it.
pub struct Received {
    /// Envelope sender (MAIL FROM).
    pub mail_from: String,
    /// Envelope recipients the server accepted (RCPT TO).
    pub rcpt_tos: Vec<String>,
    /// The DATA exactly as received.
    pub raw: Vec<u8>,
}

/// An `smtp` config for 127.0.0.1:`port`, no TLS, sender [`FROM`].
pub fn smtp_config(port: u16) -> SmtpConfig {
    SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        tls: SmtpTls::None,
        from: format!("PPC Helper <{FROM}>"),
        timeout_secs: 10,
        ..SmtpConfig::default()
    }
}
