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

/// A temporary folder that every command started from here uses as `TMPDIR`, removed when
/// this goes away. Browsers write a ~100 MB profile into `TMPDIR` and leave it behind when
/// they are killed; across runs on one CI machine those fill the disk. The folder is named
/// after this checkout (two checkouts can test at once) and stays short, since Chromium puts
/// a Unix socket inside, and socket paths are limited to 108 bytes.
pub struct Scratch(std::path::PathBuf);

impl Scratch {
    pub fn enter(task: &str) -> Result<Scratch, Failure> {
        use std::hash::{Hash, Hasher};
        let mut checkout = std::collections::hash_map::DefaultHasher::new();
        crate::paths::workspace_root().hash(&mut checkout);
        let name = format!("krea-{task}-{:08x}", checkout.finish() as u32);
        let dir = std::env::temp_dir().join(name);
        // What a run that was killed left behind.
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)
            .map_err(|e| Failure(format!("cannot create {}: {e}", dir.display())))?;
        std::env::set_var("TMPDIR", &dir);
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
