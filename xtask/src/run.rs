//! Running commands, with failures that say which step broke.

use std::process::{Child, Command};

#[derive(Debug)]
pub struct Failure(pub String);

/// A command run from the workspace root, with the project's tools on `PATH`.
pub fn command(program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut command = Command::new(program);
    command.current_dir(crate::paths::workspace_root());
    if let Some(path) = crate::paths::path_with_tools() {
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
