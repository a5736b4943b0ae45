//! Shared helpers for the end-to-end tests in `tests/tests/`: finding the real binaries and the
//! shared seed data.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// `../shared` beside the checkout (or `$DNSHUNT_SHARED`): the seed data and real logs.
pub fn shared_dir() -> PathBuf {
    std::env::var_os("DNSHUNT_SHARED")
        .map_or_else(|| workspace_root().join("../shared"), PathBuf::from)
}

/// Builds (once per test process) and returns the path of a workspace binary, so the tests run
/// the same executable a user would.
///
/// # Panics
/// When the build fails: the test cannot run without its binary.
pub fn binary(package: &str, name: &str) -> PathBuf {
    static BUILT: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let mut built = BUILT
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if !built.iter().any(|b| b == name) {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let status = Command::new(cargo)
            .args(["build", "--quiet", "-p", package, "--bin", name])
            .current_dir(workspace_root())
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building {name} failed");
        built.push(name.to_owned());
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace_root().join("target"), PathBuf::from);
    target.join("debug").join(name)
}
