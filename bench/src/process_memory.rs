//! A process's memory as Linux counts it (`/proc/PID/status`).

/// One line of `/proc/PID/status` in MiB: `VmRSS` (resident now) or `VmHWM` (the peak).
pub fn status_mib(pid: u32, field: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{field} in /proc/{pid}/status"));
    kb / 1024.0
}

/// Resident memory now, in MiB.
pub fn resident_mib(pid: u32) -> f64 {
    status_mib(pid, "VmRSS")
}

/// The most memory resident at once so far, in MiB.
pub fn peak_mib(pid: u32) -> f64 {
    status_mib(pid, "VmHWM")
}
