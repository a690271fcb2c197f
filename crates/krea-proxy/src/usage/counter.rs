//! What the proxy counts, and under which scopes: every event is counted for the caller,
//! for the site its session came from, and for the whole proxy.

use super::book::{self, Ending, JobNote, Measure, NotedPeriods, Periods, UPLOADS};
use super::{Counts, UsageStore};
use crate::callers::Caller;
use crate::limits::clock::Clock;
use krea_api::JobStatus;

/// The scope the whole proxy's usage is counted under.
pub const PROXY: &str = "proxy";
/// The scope every anonymous session without a site is also counted under.
pub const VISITORS: &str = "visitors";

/// How long a job's note waits for its end: longer than any job runs, and than a studio
/// left closed over a weekend takes to come back and read it.
const NOTE_KEPT_MS: u64 = 3 * 86_400_000;

pub struct UsageCounter {
    store: Box<dyn UsageStore>,
    clock: Clock,
}

/// The scope a caller's own usage is kept under: its key or session, or the proxy's for
/// the one user of a proxy without keys.
pub fn own_scope(caller: &Caller) -> String {
    if caller.id == "local" {
        PROXY.to_owned()
    } else {
        caller.id.clone()
    }
}

/// Every scope an event of `caller` counts under.
pub fn scopes_of(caller: &Caller) -> Vec<String> {
    let mut scopes = vec![own_scope(caller)];
    match &caller.site {
        Some(origin) => scopes.push(format!("site:{origin}")),
        None if caller.id.starts_with("session:") => scopes.push(VISITORS.to_owned()),
        None => {}
    }
    if scopes[0] != PROXY {
        scopes.push(PROXY.to_owned());
    }
    scopes
}

impl UsageCounter {
    pub fn new(store: Box<dyn UsageStore>, clock: Clock) -> Self {
        UsageCounter { store, clock }
    }

    /// The periods it is now.
    pub fn periods(&self) -> Periods {
        Periods::at(self.clock.now_ms())
    }

    /// `caller` made `job_id` with `model`, charged `micros` (`None`: not priced).
    pub async fn made(&self, caller: &Caller, job_id: &str, model: &str, micros: Option<u64>) {
        let periods = self.periods();
        let scopes = scopes_of(caller);
        self.store
            .add(&book::made(&periods, &scopes, model, micros))
            .await;
        let note = JobNote {
            model: model.to_owned(),
            micros: micros.unwrap_or(0),
            scopes,
            periods: NotedPeriods::from(&periods),
        };
        let until = self.clock.now_ms() + NOTE_KEPT_MS;
        self.store.keep_note(job_id, &note, until).await;
    }

    /// A job answer passed through the proxy: the first time it is seen ended, its images
    /// or its refund are counted (once, on any replica).
    pub async fn saw(&self, job: &serde_json::Value) {
        let (Some(id), Some(status)) = (job["job_id"].as_str(), job["status"].as_str()) else {
            return;
        };
        let status = JobStatus::from(status.to_owned());
        if !status.is_terminal() {
            return;
        }
        let Some(note) = self.store.take_note(id).await else {
            return;
        };
        let ending = if status.is_billed() {
            let images = job["result"]["urls"].as_array().map_or(0, Vec::len);
            Ending::Completed {
                images: images as u32,
            }
        } else {
            Ending::Refunded
        };
        self.store.add(&book::ended(&note, ending)).await;
    }

    /// The limits refused a request of `caller`.
    pub async fn refused(&self, caller: &Caller) {
        let adds = book::adds(
            &self.periods(),
            &scopes_of(caller),
            "",
            &[(Measure::Refusals, 1)],
        );
        self.store.add(&adds).await;
    }

    /// `caller` uploaded an asset, charged `micros` (`--price upload=USD`, else nothing).
    pub async fn uploaded(&self, caller: &Caller, micros: u64) {
        let adds = book::adds(
            &self.periods(),
            &scopes_of(caller),
            UPLOADS,
            &[(Measure::Spent, micros as i64), (Measure::Jobs, 1)],
        );
        self.store.add(&adds).await;
    }

    /// The tallies of `period`: of `scopes`, or of every listed scope.
    pub async fn read(
        &self,
        period: &str,
        scopes: Option<&[String]>,
    ) -> Option<Vec<(String, Counts)>> {
        self.store.read(period, scopes).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn caller(id: &str, site: Option<&str>) -> Caller {
        Caller {
            id: id.to_owned(),
            sees_all: false,
            policy: Arc::default(),
            site: site.map(str::to_owned),
        }
    }

    #[test]
    fn each_event_counts_for_the_caller_its_site_and_the_proxy() {
        assert_eq!(scopes_of(&caller("key:ana", None)), ["key:ana", "proxy"]);
        assert_eq!(
            scopes_of(&caller("session:1", Some("https://blog.example"))),
            ["session:1", "site:https://blog.example", "proxy"]
        );
        assert_eq!(
            scopes_of(&caller("session:2", None)),
            ["session:2", "visitors", "proxy"]
        );
        // The one user of a proxy without keys is the proxy.
        assert_eq!(scopes_of(&caller("local", None)), ["proxy"]);
    }
}
