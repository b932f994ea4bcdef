//! Who runs the cluster, and making its directories usable by that user.
//!
//! PostgreSQL refuses to run as root, so a root process hands the data
//! directory to an unprivileged user and runs `initdb`/`pg_ctl` as that user.

use std::ffi::CString;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use nix::unistd::{Gid, Uid, User};

use super::EmbeddedError;

/// Environment variables that would steer the server tools away from the
/// arguments this module passes explicitly.
const SCRUBBED_ENV: [&str; 6] = [
    "PGDATA",
    "PGPORT",
    "PGHOST",
    "PGUSER",
    "PGDATABASE",
    "PGOPTIONS",
];

/// The OS identity that owns the cluster's files and runs its processes.
#[derive(Debug, Clone)]
pub(crate) struct RunAs {
    /// `None`: the current (non-root) user.
    user: Option<User>,
}

impl RunAs {
    /// The current user, or `os_user` when the process is root.
    pub(crate) fn resolve(os_user: &str) -> Result<Self, EmbeddedError> {
        if !nix::unistd::geteuid().is_root() {
            return Ok(Self { user: None });
        }
        let user = User::from_name(os_user)
            .map_err(|errno| {
                EmbeddedError::io("looking up the user in", "/etc/passwd", errno.into())
            })?
            .ok_or_else(|| EmbeddedError::UserMissing {
                user: os_user.to_string(),
            })?;
        if user.uid.is_root() {
            return Err(EmbeddedError::UserIsRoot {
                user: os_user.to_string(),
            });
        }
        Ok(Self { user: Some(user) })
    }

    /// The user's name, for messages.
    pub(crate) fn name(&self) -> String {
        match &self.user {
            Some(user) => user.name.clone(),
            None => User::from_uid(nix::unistd::geteuid())
                .ok()
                .flatten()
                .map_or_else(|| nix::unistd::geteuid().to_string(), |u| u.name),
        }
    }

    /// The uid files must be owned by.
    pub(crate) fn uid(&self) -> Uid {
        self.user
            .as_ref()
            .map_or_else(nix::unistd::geteuid, |u| u.uid)
    }

    /// A command for `program` that runs as this user, from `/` (the caller's
    /// working directory may be closed to that user), with PG* variables removed.
    pub(crate) fn command(&self, program: &Path) -> std::process::Command {
        use std::os::unix::process::CommandExt;
        let mut command = std::process::Command::new(program);
        command.current_dir("/");
        for var in SCRUBBED_ENV {
            command.env_remove(var);
        }
        if let Some(user) = &self.user {
            // std drops supplementary groups before setuid when we are root.
            command.uid(user.uid.as_raw()).gid(user.gid.as_raw());
            command.env("HOME", &user.dir).env("USER", &user.name);
        }
        command
    }

    /// Gives `path` to this user (no-op unless running as root).
    pub(crate) fn chown(&self, path: &Path) -> Result<(), EmbeddedError> {
        let Some(user) = &self.user else {
            return Ok(());
        };
        nix::unistd::chown(path, Some(user.uid), Some(user.gid))
            .map_err(|errno| EmbeddedError::io("changing the owner of", path, errno.into()))
    }

    /// Checks that this user can search (`x`) every directory above `dir`.
    fn check_traversable(&self, dir: &Path) -> Result<(), EmbeddedError> {
        let Some(user) = &self.user else {
            return Ok(());
        };
        let groups = CString::new(user.name.as_bytes())
            .ok()
            .and_then(|name| nix::unistd::getgrouplist(&name, user.gid).ok())
            .unwrap_or_else(|| vec![user.gid]);
        for ancestor in dir.ancestors().skip(1) {
            let meta = std::fs::metadata(ancestor)
                .map_err(|e| EmbeddedError::io("reading", ancestor, e))?;
            let mode = meta.permissions().mode();
            let bit = if meta.uid() == user.uid.as_raw() {
                0o100
            } else if groups.contains(&Gid::from_raw(meta.gid())) {
                0o010
            } else {
                0o001
            };
            if mode & bit == 0 {
                return Err(EmbeddedError::NotTraversable {
                    user: user.name.clone(),
                    dir: ancestor.to_path_buf(),
                });
            }
        }
        Ok(())
    }
}

/// Creates the data directory (mode 0700) and hands it, and any parents created
/// here, to the cluster's user; returns its canonical absolute path.
pub(crate) fn prepare_data_dir(data_dir: &Path, run_as: &RunAs) -> Result<PathBuf, EmbeddedError> {
    let absolute = if data_dir.is_absolute() {
        data_dir.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| EmbeddedError::io("reading the current directory", ".", e))?
            .join(data_dir)
    };
    let created: Vec<PathBuf> = absolute
        .ancestors()
        .take_while(|p| !p.exists())
        .map(Path::to_path_buf)
        .collect();
    std::fs::create_dir_all(&absolute)
        .map_err(|e| EmbeddedError::io("creating directory", &absolute, e))?;
    if !created.is_empty() {
        std::fs::set_permissions(&absolute, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| EmbeddedError::io("setting permissions of", &absolute, e))?;
    }
    for dir in &created {
        run_as.chown(dir)?;
    }
    let canonical = std::fs::canonicalize(&absolute)
        .map_err(|e| EmbeddedError::io("resolving", &absolute, e))?;
    let meta =
        std::fs::metadata(&canonical).map_err(|e| EmbeddedError::io("reading", &canonical, e))?;
    if meta.uid() != run_as.uid().as_raw() {
        run_as.chown(&canonical)?;
    }
    run_as.check_traversable(&canonical)?;
    Ok(canonical)
}

/// Creates (or checks) a private socket directory owned by the cluster's user.
pub(crate) fn prepare_socket_dir(dir: &Path, run_as: &RunAs) -> Result<(), EmbeddedError> {
    match std::fs::create_dir(dir) {
        Ok(()) => {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
                .map_err(|e| EmbeddedError::io("setting permissions of", dir, e))?;
            run_as.chown(dir)?;
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(EmbeddedError::io("creating directory", dir, e)),
    }
    let meta = std::fs::symlink_metadata(dir).map_err(|e| EmbeddedError::io("reading", dir, e))?;
    // A shared /tmp lets anyone pre-create the name; only our own directory will do.
    if !meta.is_dir() || meta.uid() != run_as.uid().as_raw() {
        return Err(EmbeddedError::SocketDir {
            dir: dir.to_path_buf(),
            reason: format!(
                "it exists but is not a directory owned by `{}`; remove it",
                run_as.name()
            ),
        });
    }
    Ok(())
}
