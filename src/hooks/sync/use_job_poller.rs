use crate::api::{ApiError, KreaClient};
use crate::hooks::{LiveJobs, PageState};
use crate::i18n::Texts;
use crate::jobs::deadline::{is_overdue, LOST_AFTER_NOT_FOUND};
use crate::jobs::poll_policy;
use crate::jobs::scheduler::list_limit;
use crate::jobs::{JobStore, Lost, PollScheduler};
use gloo_timers::callback::Timeout;
use krea_api::Job;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::HashMap;
use web_sys::AbortController;

/// What decides whether and how fast jobs are followed.
#[derive(Clone, Copy)]
pub struct PollerInputs {
    pub store: LiveJobs,
    pub client: Memo<KreaClient>,
    pub interval_secs: Signal<u32>,
    pub texts: Signal<&'static Texts>,
    pub page: PageState,
    /// Whether this tab follows jobs (another tab may do it for all of them).
    pub leading: Signal<bool>,
}

/// Follows every pending job in the store through one scheduler and one timer, which
/// sleeps until the next job is due. The jobs due in a round are read with one `GET /jobs`
/// list (newest first, as long as it must be to reach the oldest of them); only a job the
/// list does not show is read on its own. Paused while the browser is offline (resumed,
/// at once, when it is back) and while another tab leads; slower while the tab is hidden. A
/// job that finishes, is cancelled or leaves the store stops being followed and its
/// request is aborted. Everything stops when the owner goes away.
pub fn use_job_poller(inputs: PollerInputs) {
    let interval_ms = f64::from(inputs.interval_secs.get_untracked()) * 1000.0;
    let poller = Poller {
        inputs,
        scheduler: StoredValue::new_local(PollScheduler::new(interval_ms)),
        in_flight: StoredValue::new_local(HashMap::new()),
        lists_in_flight: StoredValue::new_local(Vec::new()),
        not_found: StoredValue::new_local(HashMap::new()),
        timer: StoredValue::new_local(None),
    };
    // Runs a round whenever jobs come, go or change status, the pace changes, or the tab
    // starts or stops following jobs; otherwise the timer wakes it when a job is due.
    Effect::new(move |_| {
        inputs.store.with_list(|_| ());
        inputs.interval_secs.track();
        inputs.page.hidden.track();
        if inputs.leading.get() && inputs.page.online.get() {
            poller.round();
        } else {
            poller.pause();
        }
    });
    on_cleanup(move || poller.pause());
}

#[derive(Clone, Copy)]
struct Poller {
    inputs: PollerInputs,
    scheduler: StoredValue<PollScheduler, LocalStorage>,
    in_flight: StoredValue<HashMap<String, AbortController>, LocalStorage>,
    lists_in_flight: StoredValue<Vec<AbortController>, LocalStorage>,
    /// Consecutive 404 answers per job.
    not_found: StoredValue<HashMap<String, u32>, LocalStorage>,
    timer: StoredValue<Option<Timeout>, LocalStorage>,
}

impl Poller {
    fn pace(self) -> f64 {
        poll_policy::pace_ms(
            self.inputs.interval_secs.get_untracked(),
            self.inputs.page.hidden.get_untracked(),
        )
    }

    fn following(self) -> bool {
        self.inputs.leading.get_untracked() && self.inputs.page.online.get_untracked()
    }

    /// Marks overdue jobs lost, lines the scheduler up with what is pending, asks about
    /// the jobs that are due and sets the timer for the next.
    fn round(self) {
        let store = self.inputs.store;
        let now = js_sys::Date::now();
        let overdue: Vec<String> = store.with_untracked(|s| {
            s.entries()
                .iter()
                .filter(|e| !e.is_settled())
                .filter(|e| {
                    let created = js_sys::Date::parse(&e.job.created_at);
                    !created.is_nan() && is_overdue(&e.model_id, now - created)
                })
                .map(|e| e.id().to_owned())
                .collect()
        });
        if !overdue.is_empty() {
            store.update(|s| {
                overdue
                    .iter()
                    .for_each(|id| s.mark_lost(id, Lost::Deadline))
            });
        }
        let pending = store.with_untracked(JobStore::pending_ids);
        self.in_flight.update_value(|map| {
            map.retain(|id, controller| {
                let still_pending = pending.contains(id);
                if !still_pending {
                    controller.abort();
                }
                still_pending
            })
        });
        let pace = self.pace();
        let due = self
            .scheduler
            .try_update_value(|s| {
                s.set_interval(pace, now);
                s.sync(&pending, now);
                s.take_due(now)
            })
            .unwrap_or_default();
        match due.len() {
            0 => {}
            // One job: its own read is one request either way, and the smaller answer.
            1 => due.into_iter().for_each(|id| self.read_one(id)),
            _ => self.read_list(due),
        }
        self.arm();
    }

    /// Sets the timer for when the next job is due (none while nothing is waiting).
    fn arm(self) {
        if !self.following() {
            return;
        }
        let next = self
            .scheduler
            .try_with_value(PollScheduler::next_due)
            .flatten();
        let timer = next.map(|at| {
            let wait = (at - js_sys::Date::now()).clamp(0.0, f64::from(u32::MAX));
            Timeout::new(wait.ceil() as u32, move || self.round())
        });
        // Replacing the timer cancels the one before.
        self.timer.try_set_value(timer);
    }

    /// Stops the timer and every request; what was asked is asked again on resuming.
    fn pause(self) {
        self.timer.try_set_value(None);
        self.in_flight
            .try_update_value(|map| map.drain().for_each(|(_, c)| c.abort()));
        self.lists_in_flight
            .try_update_value(|lists| lists.drain(..).for_each(|c| c.abort()));
        let now = js_sys::Date::now();
        self.scheduler.try_update_value(|s| s.abandon_requests(now));
    }

    fn read_list(self, due: Vec<String>) {
        let limit = list_limit(self.inputs.store.with_untracked(|s| s.depth(&due)));
        let controller = AbortController::new().ok();
        let signal = controller.as_ref().map(AbortController::signal);
        if let Some(controller) = controller.clone() {
            self.lists_in_flight
                .update_value(|lists| lists.push(controller));
        }
        let client = self.inputs.client.get_untracked();
        spawn_local(async move {
            let answer = client.recent_jobs(limit, signal.as_ref()).await;
            if let Some(mine) = controller {
                self.lists_in_flight
                    .try_update_value(|lists| lists.retain(|c| *c != mine));
            }
            match answer {
                Ok(list) => {
                    let heard = self.heard(list.items);
                    due.into_iter()
                        .filter(|id| !heard.contains(id))
                        .for_each(|id| self.read_one(id));
                }
                Err(ApiError::Aborted) => {}
                Err(error) => {
                    // One failure for the round: its jobs wait, and come back, together.
                    let jitter = js_sys::Math::random();
                    due.iter().for_each(|id| self.failed(id, &error, jitter));
                }
            }
            self.arm();
        });
    }

    /// Applies the listed jobs this tab follows; returns their ids.
    fn heard(self, jobs: Vec<Job>) -> Vec<String> {
        let now = js_sys::Date::now();
        let jitter = js_sys::Math::random();
        let followed: Vec<Job> = jobs
            .into_iter()
            .filter(|job| {
                self.scheduler
                    .try_with_value(|s| s.tracks(&job.job_id))
                    .unwrap_or(false)
            })
            .collect();
        let ids: Vec<String> = followed.iter().map(|job| job.job_id.clone()).collect();
        self.scheduler.try_update_value(|s| {
            ids.iter().for_each(|id| s.succeeded(id, now, jitter));
        });
        self.not_found
            .try_update_value(|map| ids.iter().for_each(|id| _ = map.remove(id)));
        self.inputs.store.update(|s| {
            followed.into_iter().for_each(|job| _ = s.apply(job));
        });
        ids
    }

    fn read_one(self, id: String) {
        let controller = AbortController::new().ok();
        let signal = controller.as_ref().map(AbortController::signal);
        if let Some(controller) = controller {
            self.in_flight.update_value(|map| {
                map.insert(id.clone(), controller);
            });
        }
        let client = self.inputs.client.get_untracked();
        let store = self.inputs.store;
        spawn_local(async move {
            let answer = client.job(&id, signal.as_ref()).await;
            self.in_flight.try_update_value(|map| map.remove(&id));
            let now = js_sys::Date::now();
            let jitter = js_sys::Math::random();
            match answer {
                Ok(job) => {
                    self.not_found.try_update_value(|map| map.remove(&id));
                    self.scheduler
                        .try_update_value(|s| s.succeeded(&id, now, jitter));
                    store.update(|s| s.apply(job));
                }
                Err(ApiError::Aborted) => {}
                Err(error) if error.is_not_found() => {
                    let misses = self
                        .not_found
                        .try_update_value(|map| {
                            let misses = map.entry(id.clone()).or_default();
                            *misses += 1;
                            *misses
                        })
                        .unwrap_or_default();
                    // A clear answer from a reachable Krea: ask again at the usual pace.
                    self.scheduler
                        .try_update_value(|s| s.succeeded(&id, now, jitter));
                    if misses >= LOST_AFTER_NOT_FOUND {
                        self.not_found.try_update_value(|map| map.remove(&id));
                        store.update(|s| s.mark_lost(&id, Lost::Unknown));
                    }
                }
                Err(error) => self.failed(&id, &error, jitter),
            }
            self.arm();
        });
    }

    /// A read failed (network, 429, 5xx…): the job backs off and its card says why.
    fn failed(self, id: &str, error: &ApiError, jitter: f64) {
        let now = js_sys::Date::now();
        let retry_after =
            poll_policy::wait_after_failure(error.is_transient(), error.retry_after_ms());
        self.scheduler
            .try_update_value(|s| s.failed(id, now, retry_after, jitter));
        let words = error.message(self.inputs.texts.get_untracked());
        self.inputs.store.update(|s| s.note(id, words));
    }
}
