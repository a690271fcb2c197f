use crate::jobs::store::Notices;
use crate::jobs::{JobEntry, JobStore};
use leptos::prelude::*;
use std::collections::HashMap;

/// The job store as the page reads it, with notifications as fine as the changes: a poll
/// answer that changes one job re-runs that job's card and nothing else; the readers of the
/// whole list (the grid's filter, counts, totals) hear only when jobs come, go or change
/// status; a change that changes nothing tells nobody. Every change goes through
/// [`LiveJobs::update`], which asks the store what changed ([`JobStore::take_notices`]).
#[derive(Clone, Copy)]
pub struct LiveJobs {
    store: StoredValue<JobStore>,
    list: Trigger,
    submissions: Trigger,
    any: Trigger,
    /// One trigger per job some reader follows, made when first followed.
    per_job: StoredValue<HashMap<String, ArcTrigger>>,
}

impl Default for LiveJobs {
    fn default() -> Self {
        LiveJobs {
            store: StoredValue::new(JobStore::default()),
            list: Trigger::new(),
            submissions: Trigger::new(),
            any: Trigger::new(),
            per_job: StoredValue::new(HashMap::new()),
        }
    }
}

impl LiveJobs {
    /// Reads which jobs there are and their status; re-runs when those change.
    pub fn with_list<R>(&self, read: impl FnOnce(&JobStore) -> R) -> R {
        self.list.track();
        self.with_untracked(read)
    }

    /// Reads the submissions; re-runs when any submission changes.
    pub fn with_submissions<R>(&self, read: impl FnOnce(&JobStore) -> R) -> R {
        self.submissions.track();
        self.with_untracked(read)
    }

    /// Reads anything; re-runs on every change.
    pub fn with_all<R>(&self, read: impl FnOnce(&JobStore) -> R) -> R {
        self.any.track();
        self.with_untracked(read)
    }

    /// One job as it is now; re-runs when that job changes, and only then.
    pub fn job(&self, id: &str) -> Option<JobEntry> {
        let known = self
            .per_job
            .try_with_value(|map| map.get(id).cloned())
            .flatten();
        let trigger = known.unwrap_or_else(|| {
            let trigger = ArcTrigger::new();
            self.per_job.update_value(|map| {
                map.insert(id.to_owned(), trigger.clone());
            });
            trigger
        });
        trigger.track();
        self.with_untracked(|s| s.get(id).cloned())
    }

    /// Reads without following. After the owner is gone it reads an empty store.
    pub fn with_untracked<R>(&self, read: impl FnOnce(&JobStore) -> R) -> R {
        let mut read = Some(read);
        let read_here = self
            .store
            .try_with_value(|s| read.take().map(|read| read(s)))
            .flatten();
        match (read_here, read) {
            (Some(out), _) => out,
            (None, Some(read)) => read(&JobStore::default()),
            (None, None) => unreachable!("the store was read"),
        }
    }

    /// Changes the store and tells exactly the readers of what changed. Does nothing (and
    /// returns `None`) once the owner is gone, as a late answer may arrive after that.
    pub fn update<R>(&self, change: impl FnOnce(&mut JobStore) -> R) -> Option<R> {
        let (out, notices) = self.store.try_update_value(|store| {
            let out = change(store);
            (out, store.take_notices())
        })?;
        self.tell(notices);
        Some(out)
    }

    fn tell(&self, notices: Notices) {
        if notices.is_empty() {
            return;
        }
        self.per_job.with_value(|map| {
            if notices.all {
                map.values().for_each(ArcTrigger::notify);
            } else {
                notices
                    .jobs
                    .iter()
                    .filter_map(|id| map.get(id))
                    .for_each(ArcTrigger::notify);
            }
        });
        if notices.list || notices.all {
            self.list.notify();
        }
        if notices.submissions {
            self.submissions.notify();
        }
        self.any.notify();
    }
}
