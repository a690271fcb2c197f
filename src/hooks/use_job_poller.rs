use super::{use_interval_while, LiveJobs};
use crate::api::{ApiError, KreaClient};
use crate::browser;
use crate::i18n::Texts;
use crate::jobs::deadline::{is_overdue, LOST_AFTER_NOT_FOUND};
use crate::jobs::{JobStore, Lost, PollScheduler};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::HashMap;
use web_sys::AbortController;

/// While the tab is in the background, jobs are checked at most this often.
const HIDDEN_PACE_MS: f64 = 30_000.0;
/// Pace for answers that will not change by retrying soon (404: the job is gone, 401: the
/// proxy's token): still checked now and then, in case the operator fixes it.
const PERMANENT_ERROR_PACE_MS: f64 = 60_000.0;
/// How often the scheduler looks for due jobs; each job keeps its own interval.
const TICK_MS: u32 = 250;

/// Polls every pending job in `store` through one scheduler and one timer, every
/// `interval_secs` (slower while the tab is hidden). The timer runs only while something is
/// pending; a job that finishes, is cancelled or leaves the store stops being polled and its
/// in-flight request is aborted. Everything stops when the owner goes away.
pub fn use_job_poller(
    store: LiveJobs,
    client: Memo<KreaClient>,
    interval_secs: Signal<u32>,
    texts: Signal<&'static Texts>,
) {
    let interval_ms = move || f64::from(interval_secs.get_untracked()) * 1000.0;
    let scheduler = StoredValue::new_local(PollScheduler::new(interval_ms()));
    let in_flight = StoredValue::new_local(HashMap::<String, AbortController>::new());
    // Consecutive 404 answers per job.
    let not_found = StoredValue::new_local(HashMap::<String, u32>::new());
    let has_pending = Memo::new(move |_| store.with_list(JobStore::has_pending));

    let poll = move |id: String| {
        let controller = AbortController::new().ok();
        let signal = controller.as_ref().map(AbortController::signal);
        if let Some(controller) = controller {
            in_flight.update_value(|map| {
                map.insert(id.clone(), controller);
            });
        }
        let client = client.get_untracked();
        spawn_local(async move {
            let answer = client.job(&id, signal.as_ref()).await;
            in_flight.try_update_value(|map| map.remove(&id));
            let now = js_sys::Date::now();
            match answer {
                Ok(job) => {
                    not_found.try_update_value(|map| map.remove(&id));
                    scheduler.try_update_value(|s| s.succeeded(&id, now));
                    store.update(|s| s.apply(job));
                }
                Err(ApiError::Aborted) => {}
                Err(error) if error.is_not_found() => {
                    let misses = not_found
                        .try_update_value(|map| {
                            let misses = map.entry(id.clone()).or_default();
                            *misses += 1;
                            *misses
                        })
                        .unwrap_or_default();
                    // A clear answer from a reachable Krea: ask again at the usual pace.
                    scheduler.try_update_value(|s| s.succeeded(&id, now));
                    if misses >= LOST_AFTER_NOT_FOUND {
                        not_found.try_update_value(|map| map.remove(&id));
                        store.update(|s| s.mark_lost(&id, Lost::Unknown));
                    }
                }
                Err(error) => {
                    let jitter = js_sys::Math::random();
                    let retry_after = if error.is_transient() {
                        error.retry_after_ms()
                    } else {
                        Some(PERMANENT_ERROR_PACE_MS)
                    };
                    scheduler.try_update_value(|s| s.failed(&id, now, retry_after, jitter));
                    let words = error.message(texts.get_untracked());
                    store.update(|s| s.note(&id, words));
                }
            }
        });
    };

    let tick = move || {
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
        in_flight.update_value(|map| {
            map.retain(|id, controller| {
                let still_pending = pending.contains(id);
                if !still_pending {
                    controller.abort();
                }
                still_pending
            })
        });
        let pace = if browser::page_hidden() {
            interval_ms().max(HIDDEN_PACE_MS)
        } else {
            interval_ms()
        };
        let due = scheduler
            .try_update_value(|s| {
                s.set_interval(pace, now);
                s.sync(&pending, now);
                s.take_due(now)
            })
            .unwrap_or_default();
        due.into_iter().for_each(poll);
    };

    use_interval_while(has_pending.into(), TICK_MS, tick);
    on_cleanup(move || {
        in_flight.try_update_value(|map| map.drain().for_each(|(_, c)| c.abort()));
    });
}
