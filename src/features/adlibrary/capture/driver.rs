//! One browser: chromedriver (spawned on a free port unless a WebDriver URL is
//! configured) and one Chromium session. [`Browser::quit`] ends both; the
//! spawned chromedriver is also killed when a `Browser` is dropped.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use thirtyfour::prelude::*;
use tokio::process::{Child, Command};

use super::{CaptureError, CaptureSettings};

/// Chrome arguments that work as root in a container (see the reference).
pub const CHROME_ARGS: [&str; 8] = [
    "--headless=new",
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--window-size=1280,900",
    "--lang=en-US",
    "--disable-background-networking",
    "--no-first-run",
];

/// A running browser session and the chromedriver it talks to.
pub struct Browser {
    driver: Option<WebDriver>,
    child: Option<Child>,
}

impl Browser {
    /// Starts chromedriver (unless `webdriver_url` is set) and a session.
    pub async fn start(settings: &CaptureSettings) -> Result<Browser, CaptureError> {
        let (url, child) = match &settings.webdriver_url {
            Some(url) => (url.clone(), None),
            None => {
                let (url, child) = spawn_chromedriver(&settings.chromedriver_path).await?;
                (url, Some(child))
            }
        };
        let mut browser = Browser {
            driver: None,
            child,
        };
        let mut caps = DesiredCapabilities::chrome();
        let session = async {
            for arg in CHROME_ARGS {
                caps.add_arg(arg)?;
            }
            caps.add_experimental_option(
                "prefs",
                serde_json::json!({ "intl.accept_languages": "en-US,en" }),
            )?;
            let driver = WebDriver::new(url.as_str(), caps).await?;
            driver
                .set_page_load_timeout(Duration::from_secs(60))
                .await?;
            driver.set_script_timeout(Duration::from_secs(30)).await?;
            WebDriverResult::Ok(driver)
        };
        match tokio::time::timeout(Duration::from_secs(60), session).await {
            Ok(Ok(driver)) => {
                browser.driver = Some(driver);
                Ok(browser)
            }
            Ok(Err(error)) => {
                browser.quit().await;
                Err(CaptureError::Session(error.to_string()))
            }
            Err(_) => {
                browser.quit().await;
                Err(CaptureError::Session("no session within 60 s".into()))
            }
        }
    }

    /// The session.
    pub fn driver(&self) -> &WebDriver {
        self.driver
            .as_ref()
            .expect("a started browser has a session")
    }

    /// Ends the session (bounded wait) and the spawned chromedriver.
    pub async fn quit(mut self) {
        if let Some(driver) = self.driver.take() {
            match tokio::time::timeout(Duration::from_secs(20), driver.quit()).await {
                Ok(Ok(())) => {}
                Ok(Err(error)) => tracing::warn!(%error, "quitting the browser session failed"),
                Err(_) => tracing::warn!("quitting the browser session timed out"),
            }
        }
        if let Some(mut child) = self.child.take() {
            stop_child(&mut child).await;
        }
    }

    /// The chromedriver's process id, when this browser spawned one.
    pub fn chromedriver_pid(&self) -> Option<u32> {
        self.child.as_ref().and_then(Child::id)
    }
}

async fn stop_child(child: &mut Child) {
    if let Some(pid) = child.id() {
        // SIGTERM first: chromedriver then closes the browsers it started.
        let pid = nix::unistd::Pid::from_raw(pid as i32);
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
        if tokio::time::timeout(Duration::from_secs(5), child.wait())
            .await
            .is_ok()
        {
            return;
        }
    }
    let _ = child.kill().await;
}

/// Whether `path` is an executable file.
pub fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

async fn spawn_chromedriver(path: &Path) -> Result<(String, Child), CaptureError> {
    if !is_executable(path) {
        return Err(CaptureError::DriverMissing {
            path: path.to_path_buf(),
        });
    }
    let port = free_port().map_err(|e| CaptureError::DriverStart(format!("no free port: {e}")))?;
    let mut child = Command::new(path)
        .arg(format!("--port={port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| CaptureError::DriverStart(format!("{}: {e}", path.display())))?;
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(15) {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(CaptureError::DriverStart(format!(
                "{} exited at start ({status})",
                path.display()
            )));
        }
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Ok((format!("http://127.0.0.1:{port}"), child));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = child.kill().await;
    Err(CaptureError::DriverStart(format!(
        "{} did not listen on port {port} within 15 s",
        path.display()
    )))
}

fn free_port() -> std::io::Result<u16> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
    Ok(listener.local_addr()?.port())
}
