//! Every Redis key and channel the proxy uses, named in one place: a key renamed here is
//! renamed for every store and script, and two stores cannot collide by accident.

/// What every key starts with, so one Redis can hold other things too.
const PREFIX: &str = "krea-proxy:";

/// The secret replicas sign sessions with.
pub fn session_secret() -> String {
    format!("{PREFIX}session-secret")
}

/// An idempotency key's record (a hash: fingerprint, state, body or window).
pub fn idempotency(key: &str) -> String {
    format!("{PREFIX}key:{key}")
}

/// A job id this proxy handed out.
pub fn handed_out(job_id: &str) -> String {
    format!("{PREFIX}handed:{job_id}")
}

/// Who made each job (a hash: job id → caller).
pub fn owners() -> String {
    format!("{PREFIX}owners")
}

/// Each job's price when submitted, for receipts (a hash: job id → millionths of a dollar).
pub fn prices() -> String {
    format!("{PREFIX}prices")
}

/// A caller's jobs by creation time (a sorted set).
pub fn owned_jobs(caller: &str) -> String {
    format!("{PREFIX}jobs:{caller}")
}

/// A caller's admission times (a sorted set: the rate window).
pub fn rate_stamps(caller: &str) -> String {
    format!("{PREFIX}rate:{caller}")
}

/// A caller's jobs in flight (a sorted set by the time each lapses).
pub fn in_flight(caller: &str) -> String {
    format!("{}{caller}", in_flight_prefix())
}

/// [`in_flight`] without the caller, for a script that learns the caller from a hold.
pub fn in_flight_prefix() -> String {
    format!("{PREFIX}inflight:")
}

/// The money one budget counter has taken (`limits::Budget::counter`), in millionths of
/// a dollar.
pub fn spent(counter: &str) -> String {
    format!("{}{counter}", spent_prefix())
}

/// [`spent`] without the counter, for a script that learns the counters from a hold.
pub fn spent_prefix() -> String {
    format!("{PREFIX}spent:")
}

/// Something done at most once (`limits::LimitStore::first_time`).
pub fn mark(mark: &str) -> String {
    format!("{PREFIX}mark:{mark}")
}

/// What one admission took (a hash), by ticket until its job is known, then by job id.
pub fn hold(id: &str) -> String {
    format!("{PREFIX}hold:{id}")
}

/// A webhook token: its caller, its job, whether it was delivered.
pub fn hook(token: &str) -> String {
    format!("{PREFIX}hook:{token}")
}

/// A caller's kept events (a list of `id \n job`).
pub fn events(caller: &str) -> String {
    format!("{PREFIX}events:{caller}")
}

/// The last event id given to a caller.
pub fn event_sequence(caller: &str) -> String {
    format!("{PREFIX}events-seq:{caller}")
}

/// The channel every new event is published on, as `caller \n id \n job`.
pub fn events_channel() -> String {
    format!("{PREFIX}events")
}

/// One scope's usage in one period (a hash: `model \x1f measure` → count).
pub fn usage(period: &str, scope: &str) -> String {
    format!("{PREFIX}usage:{period}:{scope}")
}

/// The scopes with usage in one period that an admin sees listed (a set).
pub fn usage_scopes(period: &str) -> String {
    format!("{PREFIX}usage-scopes:{period}")
}

/// What a job was counted as when made, until the proxy sees it end.
pub fn usage_note(job_id: &str) -> String {
    format!("{PREFIX}usage-note:{job_id}")
}
