//! The CPU time processes have used, as Linux counts it (`/proc/PID/stat`): on a machine
//! where requests per second move by a third between runs, the CPU one request costs is
//! what separates changes of a few percent.

use std::process::Command;

/// User plus system time of `pids` so far, in microseconds.
pub fn cpu_us(pids: &[u32]) -> f64 {
    let ticks: u64 = pids.iter().map(|pid| ticks(*pid)).sum();
    ticks as f64 * 1_000_000.0 / ticks_per_second()
}

/// Fields 14 and 15 (`utime`, `stime`).
fn ticks(pid: u32) -> u64 {
    let fields = stat_fields(pid).expect("/proc stat");
    let field = |n: usize| fields[n - 3].parse::<u64>().expect("a tick count");
    field(14) + field(15)
}

/// The fields of `/proc/PID/stat` from the third on (the state): they are counted after
/// the command name, which may hold spaces and parentheses of its own.
fn stat_fields(pid: u32) -> Option<Vec<String>> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_name = stat.get(stat.rfind(')')? + 2..)?;
    Some(after_name.split_whitespace().map(str::to_owned).collect())
}

/// Asked once: the kernel's clock ticks per second (100 on nearly every Linux).
fn ticks_per_second() -> f64 {
    static TICKS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|out| String::from_utf8_lossy(&out.stdout).trim().parse().ok())
            .unwrap_or(100.0)
    })
}

/// The processes `parent` started (nginx's workers under its master).
pub fn children(parent: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        // Field 4: the parent.
        .filter(|pid| stat_fields(*pid).and_then(|f| f.get(1)?.parse().ok()) == Some(parent))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_process_is_counted_and_a_child_is_found() {
        // Spins until 50 ms of CPU are counted (however busy the machine is): the count
        // must grow, and never faster than the cores could spend it.
        let me = std::process::id();
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
        let before = cpu_us(&[me]);
        let started = std::time::Instant::now();
        let mut spin = 0_u64;
        while cpu_us(&[me]) - before < 50_000.0 {
            assert!(
                started.elapsed() < std::time::Duration::from_secs(20),
                "20 s of spinning and under 50 ms of CPU counted"
            );
            for _ in 0..100_000 {
                spin = std::hint::black_box(spin.wrapping_add(1));
            }
        }
        let spent = cpu_us(&[me]) - before;
        let most = started.elapsed().as_secs_f64() * 1_000_000.0 * cores + 20_000.0;
        assert!(
            spent <= most,
            "{spent} µs counted in {:?}",
            started.elapsed()
        );
        let mut child = Command::new("sleep").arg("5").spawn().expect("sleep runs");
        assert!(children(me).contains(&child.id()));
        let _ = child.kill();
        let _ = child.wait();
    }
}
