//! Locating the PostgreSQL server programs.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use super::EmbeddedError;

/// Where Debian installs one `bin` directory per PostgreSQL major version.
pub const DEBIAN_VERSIONED_ROOT: &str = "/usr/lib/postgresql";

/// Absolute paths of the server programs, all from one directory.
///
/// They must sit together because `pg_ctl` and `initdb` run the `postgres`
/// found beside their own (symlink-resolved) location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgBinaries {
    /// The directory holding the three programs.
    pub bin_dir: PathBuf,
    /// `initdb`.
    pub initdb: PathBuf,
    /// `pg_ctl`.
    pub pg_ctl: PathBuf,
    /// `postgres`.
    pub postgres: PathBuf,
}

impl PgBinaries {
    /// The programs in `dir`, following a symlinked `pg_ctl` to its real directory.
    fn in_dir(dir: &Path) -> Option<Self> {
        let pg_ctl = dir.join("pg_ctl");
        if !is_executable(&pg_ctl) {
            return None;
        }
        let real_dir = std::fs::canonicalize(&pg_ctl).ok()?.parent()?.to_path_buf();
        let found = Self {
            initdb: real_dir.join("initdb"),
            pg_ctl: real_dir.join("pg_ctl"),
            postgres: real_dir.join("postgres"),
            bin_dir: real_dir,
        };
        [&found.initdb, &found.pg_ctl, &found.postgres]
            .iter()
            .all(|p| is_executable(p))
            .then_some(found)
    }
}

/// Finds the server programs on `PATH`, then in the highest version under
/// [`DEBIAN_VERSIONED_ROOT`].
pub fn find_binaries() -> Result<PgBinaries, EmbeddedError> {
    let path_dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    find_binaries_in(&path_dirs, Path::new(DEBIAN_VERSIONED_ROOT))
}

/// Finds the server programs in `path_dirs` (in order), then in
/// `versioned_root/<version>/bin`, highest version first.
///
/// Fails with [`EmbeddedError::BinariesMissing`] when no directory has all three.
pub fn find_binaries_in(
    path_dirs: &[PathBuf],
    versioned_root: &Path,
) -> Result<PgBinaries, EmbeddedError> {
    let versioned = versioned_bin_dirs(versioned_root);
    path_dirs
        .iter()
        .chain(versioned.iter())
        .find_map(|dir| PgBinaries::in_dir(dir))
        .ok_or_else(|| EmbeddedError::BinariesMissing {
            versioned_root: versioned_root.to_path_buf(),
        })
}

/// `root/<version>/bin` for every numeric version directory, highest first.
fn versioned_bin_dirs(root: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut versions: Vec<(Vec<u32>, PathBuf)> = entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let version = name
                .split('.')
                .map(str::parse::<u32>)
                .collect::<Result<Vec<_>, _>>()
                .ok()?;
            Some((version, entry.path().join("bin")))
        })
        .collect();
    versions.sort_by(|a, b| b.0.cmp(&a.0));
    versions.into_iter().map(|(_, dir)| dir).collect()
}

fn is_executable(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_sort_numerically() {
        let dir = tempfile::tempdir().unwrap();
        for v in ["9.6", "16", "10", "notaversion"] {
            std::fs::create_dir_all(dir.path().join(v).join("bin")).unwrap();
        }
        let dirs = versioned_bin_dirs(dir.path());
        let names: Vec<_> = dirs
            .iter()
            .map(|d| d.parent().unwrap().file_name().unwrap().to_owned())
            .collect();
        assert_eq!(names, ["16", "10", "9.6"]);
    }
}
