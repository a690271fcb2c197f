//! Running commands, with failures that say which step broke.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};

#[derive(Debug)]
pub struct Failure(pub String);

/// The checkout `cargo xtask` was run in. `cargo run` says where xtask's manifest is at run
/// time; the path compiled in is only a fallback, as one build may serve several checkouts.
pub fn workspace_root() -> PathBuf {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir
        .parent()
        .map(Path::to_path_buf)
        .expect("xtask lives in the workspace")
}

/// A command run from the workspace root, with the project's tools on `PATH`.
pub fn command(program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut command = Command::new(program);
    command.current_dir(workspace_root());
    if let Some(path) = crate::tools::path_with_tools() {
        command.env("PATH", path);
    }
    command
}

pub fn cargo(args: &[&str]) -> Result<(), Failure> {
    let mut command = command(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.args(args);
    check(&mut command, &format!("cargo {}", args.join(" ")))
}

pub fn check(command: &mut Command, what: &str) -> Result<(), Failure> {
    let status = command
        .status()
        .map_err(|e| Failure(format!("{what}: cannot start: {e}")))?;
    if status.success() {
        Ok(())
    } else {
        Err(Failure(format!("{what} ({status})")))
    }
}

/// Output of a command, or `None` when it cannot run or fails.
pub fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = command(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A child process that is killed when this handle goes away.
pub struct KillOnDrop(pub Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
