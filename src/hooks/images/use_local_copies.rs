use crate::api::KreaClient;
use crate::copy_cache::{fetch_image, CopyCache, CopyError};
use crate::hooks::LiveJobs;
use crate::jobs::local_copies::{limit_bytes, CopyIndex, CopyKey, CopySummary};
use crate::jobs::transitions::{Transition, Transitions};
use crate::settings::Settings;
use futures::channel::oneshot::Sender;
use krea_api::JobStatus;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::VecDeque;

/// The copies of finished images this studio keeps in the browser, and what the Settings
/// line says of them. Provided as context by the studio.
#[derive(Clone, Copy)]
pub struct LocalCopies {
    /// What the copies weigh, once counted (`None` before).
    pub summary: RwSignal<Option<CopySummary>>,
    /// The last copy that could not be kept, and why, in words.
    pub problem: RwSignal<Option<String>>,
    cache_name: StoredValue<String>,
    /// Where the backfill has got to: the time of the newest job it has not looked at yet,
    /// `None` for all of them (kept, so a dead link is tried once, not on every visit).
    backfilled_before: RwSignal<Option<f64>>,
    client: Memo<KreaClient>,
    jobs: LiveJobs,
    settings: RwSignal<Settings>,
    loaded: Signal<bool>,
    /// The cache's own list of copies, read once (`None` before).
    index: StoredValue<Option<CopyIndex>, LocalStorage>,
    /// What is waiting to be done, one thing at a time, so two completions never read and
    /// write the index at once.
    queue: StoredValue<VecDeque<CopyWork>, LocalStorage>,
    working: StoredValue<bool, LocalStorage>,
}

/// One thing for the copies' worker.
#[derive(Debug, Clone, PartialEq)]
pub enum CopyWork {
    /// Count the copies (and tidy: second copies, copies of jobs no longer kept).
    Count,
    /// Copy a finished job's images.
    Keep {
        job_id: String,
        urls: Vec<String>,
        /// When the job was made (ms since 1970): its copies' age.
        at: f64,
    },
    /// Remove the oldest non-favourites until the copies fit the limit.
    Fit,
    /// Remove every copy.
    Clear,
    /// Copy, newest first, the images of jobs that finished before copies were kept (or
    /// while the switch was off), a few at a time.
    Backfill,
}

/// How many images one turn of the backfill copies before letting other work through.
const BACKFILL_TURN: usize = 12;
/// And how long it waits before the next turn.
const BACKFILL_PAUSE_MS: u32 = 1_000;

/// Copies each image of a job that finishes while this tab follows the jobs (polled or
/// pushed, it is the same transition), when Settings says to. Other tabs hear of the job
/// through the shared history and leave it to this one. The copying itself, and everything
/// that touches Cache Storage, loads on first use (the `local_copies` part).
pub fn use_local_copies(
    scope: &crate::storage_scope::StorageScope,
    client: Memo<KreaClient>,
    jobs: LiveJobs,
    settings: RwSignal<Settings>,
    loaded: Signal<bool>,
    following: Signal<bool>,
    // The backfill waits for the first screen: a first visit loads no part before it.
    first_screen: Signal<bool>,
) -> LocalCopies {
    let copies = LocalCopies {
        summary: RwSignal::new(None),
        problem: RwSignal::new(None),
        cache_name: StoredValue::new(scope.copies_cache()),
        backfilled_before: crate::hooks::use_stored(
            crate::hooks::Kept::Always,
            "copies.backfilled_before",
            Option::flatten,
        ),
        client,
        jobs,
        settings,
        loaded,
        index: StoredValue::new_local(None),
        queue: StoredValue::new_local(VecDeque::new()),
        working: StoredValue::new_local(false),
    };
    let mut seen = Transitions::default();
    Effect::new(move |_| {
        // What was over when the saved history loaded is not new.
        if !loaded.get() {
            return;
        }
        let finished: Vec<(String, Vec<String>, f64)> = jobs.with_list(|s| {
            seen.observe(s.entries())
                .into_iter()
                .filter(|(change, entry)| {
                    *change == Transition::Finished && entry.job.status == JobStatus::Completed
                })
                .map(|(_, entry)| (entry.id().to_owned(), entry.images(), made_at(entry)))
                .filter(|(_, urls, _)| !urls.is_empty())
                .collect()
        });
        let keeping = settings.with_untracked(|s| s.keep_local_copies);
        if keeping && following.get_untracked() {
            for (job_id, urls, at) in finished {
                copies.ask(CopyWork::Keep { job_id, urls, at });
            }
        }
    });
    // Once the history is here and this tab follows the jobs, what finished before is
    // copied too; switching copies on again starts that over from the newest job.
    Effect::new(move |before: Option<bool>| {
        let keeping = settings.with(|s| s.keep_local_copies);
        if before == Some(false) && keeping {
            copies.backfilled_before.set(None);
        }
        if keeping && loaded.get() && following.get() && first_screen.get() {
            copies.ask(CopyWork::Backfill);
        }
        keeping
    });
    // A lower limit applies at once.
    Effect::new(move |before: Option<u32>| {
        let limit = settings.with(|s| s.local_copy_limit_mb);
        if before.is_some_and(|b| limit < b) && copies.summary.get_untracked().is_some() {
            copies.ask(CopyWork::Fit);
        }
        limit
    });
    copies
}

/// When a job was made, in ms since 1970 (now, if its record does not say).
pub fn made_at(entry: &crate::jobs::JobEntry) -> f64 {
    let at = js_sys::Date::parse(&entry.job.created_at);
    if at.is_nan() {
        js_sys::Date::now()
    } else {
        at
    }
}

impl LocalCopies {
    /// Queues `work`, and starts the worker if it is idle.
    pub fn ask(self, work: CopyWork) {
        let queued = self
            .queue
            .try_update_value(|queue| {
                if !queue.contains(&work) {
                    queue.push_back(work);
                }
            })
            .is_some();
        if queued && self.working.try_get_value() == Some(false) {
            self.working.set_value(true);
            spawn_local(async move {
                if run_queue(self).await.is_err() {
                    // The part could not be fetched: what was asked waits for the next ask.
                    self.working.try_set_value(false);
                }
            });
        }
    }

    /// Counts the copies, if they were not counted yet.
    pub fn count(self) {
        if self.summary.get_untracked().is_none() {
            self.ask(CopyWork::Count);
        }
    }

    /// The kept copy of one image of a job, as an object URL (which the caller revokes),
    /// handed to `shown`; `None` when there is none.
    pub fn show(self, key: CopyKey, shown: Callback<Option<String>>) {
        spawn_local(async move { shown.run(self.object_url(key).await) });
    }

    /// The kept copy of one image of a job as an object URL (which the caller revokes),
    /// if there is one.
    pub async fn object_url(self, key: CopyKey) -> Option<String> {
        let blob = self.blob(key).await?;
        web_sys::Url::create_object_url_with_blob(&blob).ok()
    }

    /// The bytes of the kept copy of `key`, if there is one. Read from the blob itself: the
    /// page's CSP (`connect-src`) rightly lets no `fetch` reach a `blob:` URL.
    pub async fn bytes(self, key: CopyKey) -> Option<Vec<u8>> {
        let blob = self.blob(key).await?;
        crate::copy_cache::blob_bytes(&blob).await.ok()
    }

    async fn blob(self, key: CopyKey) -> Option<web_sys::Blob> {
        let (found, answer) = futures::channel::oneshot::channel();
        find_copy(self.cache_name.try_get_value()?, key, found)
            .await
            .ok()?;
        answer.await.ok().flatten()
    }

    /// The Cache Storage cache the copies are in.
    pub fn cache_name(self) -> String {
        self.cache_name.get_value()
    }

    /// Whether the studio that owns the copies is still on the page. The worker asks after
    /// every wait: a studio removed meanwhile (an embed taken out) has no signals to read.
    fn alive(self) -> bool {
        self.working.try_get_value().is_some()
    }

    fn take_work(self) -> Option<CopyWork> {
        self.queue.try_update_value(VecDeque::pop_front).flatten()
    }

    fn say(self, problem: Option<CopyError>) {
        let words = problem.map(|e| e.to_string());
        self.problem.try_set(words);
    }

    fn publish(self, evicted: usize, missed: usize, favourites_over_limit: bool) {
        let Some((count, bytes)) = self
            .index
            .try_with_value(|index| index.as_ref().map(|i| (i.len(), i.bytes())))
            .flatten()
        else {
            return;
        };
        self.summary.try_update(|summary| {
            let before = summary.unwrap_or_default();
            *summary = Some(CopySummary {
                count,
                bytes,
                evicted: before.evicted + evicted,
                missed: before.missed + missed,
                favourites_over_limit,
            });
        });
    }
}

crate::lazy_part! { local_copies, preload_local_copies:
    /// Works through the copies' queue until it is empty.
    pub(crate) fn run_queue(copies: LocalCopies) -> () {
        spawn_local(async move {
            let Some(name) = copies.cache_name.try_get_value() else {
                return;
            };
            let cache = CopyCache::open(&name).await;
            while let Some(work) = copies.take_work() {
                match &cache {
                    Ok(cache) => do_work(copies, cache, work).await,
                    Err(why) => copies.say(Some(why.clone())),
                }
            }
            copies.working.try_set_value(false);
        });
    }
}

crate::lazy_part! { local_copies, preload_find_copy:
    pub(crate) fn find_copy(name: String, key: CopyKey, found: Sender<Option<web_sys::Blob>>) -> () {
        spawn_local(async move {
            let blob = match CopyCache::open(&name).await {
                Ok(cache) => cache.blob(&key).await.ok().flatten(),
                Err(_) => None,
            };
            let _ = found.send(blob);
        });
    }
}

async fn do_work(copies: LocalCopies, cache: &CopyCache, work: CopyWork) {
    // Counting reads the cache again: an import may have added to it.
    if work == CopyWork::Count {
        copies.index.try_set_value(None);
    }
    if work == CopyWork::Clear {
        if let Ok(addresses) = cache.addresses().await {
            for address in addresses {
                let _ = cache.delete_address(&address).await;
            }
        }
        copies.index.try_set_value(None);
        copies.summary.try_set(None);
        copies.say(None);
        copies.ask(CopyWork::Count);
        return;
    }
    if copies.index.try_with_value(Option::is_none) == Some(true) {
        read_index(copies, cache).await;
    }
    if !copies.alive() {
        return;
    }
    let mut missed = 0;
    if work == CopyWork::Backfill {
        missed = backfill(copies, cache).await;
    }
    if let CopyWork::Keep { job_id, urls, at } = work {
        let client = copies.client.get_untracked();
        for (image, url) in urls.iter().enumerate() {
            match copy_one(
                copies,
                cache,
                &client,
                CopyKey::new(&job_id, image),
                url,
                at,
            )
            .await
            {
                Some(Ok(())) => copies.say(None),
                Some(Err(why)) => copies.say(Some(why)),
                None => {}
            }
        }
    }
    fit(copies, cache, missed).await;
}

/// One turn of the backfill: the next images, newest job first, of jobs older than where
/// the last turn stopped, copied while they fit the limit (the backfill never pushes a copy
/// out). Another turn is queued behind any other work while some remain. Returns how many
/// could not be fetched (their links had died).
async fn backfill(copies: LocalCopies, cache: &CopyCache) -> usize {
    let before = copies.backfilled_before.get_untracked();
    let todo: Vec<(String, Vec<String>, f64)> = copies.jobs.with_untracked(|s| {
        s.entries()
            .iter()
            .filter(|e| e.job.status == JobStatus::Completed)
            .map(|e| (e.id().to_owned(), e.images(), made_at(e)))
            .filter(|(_, urls, at)| !urls.is_empty() && before.is_none_or(|b| *at < b))
            .take(BACKFILL_TURN)
            .collect()
    });
    let limit = limit_bytes(copies.settings.with_untracked(|s| s.local_copy_limit_mb));
    let client = copies.client.get_untracked();
    let mut missed = 0;
    for (job_id, urls, at) in &todo {
        if !copies.alive() {
            return missed;
        }
        let full = copies
            .index
            .try_with_value(|i| i.as_ref().is_some_and(|i| i.bytes() >= limit))
            .unwrap_or(true);
        if full || !copies.settings.with_untracked(|s| s.keep_local_copies) {
            return missed;
        }
        for (image, url) in urls.iter().enumerate() {
            let key = CopyKey::new(job_id, image);
            match copy_one(copies, cache, &client, key, url, *at).await {
                Some(Err(CopyError::NotFetched(_))) => missed += 1,
                // A full disk ends the turn, and says so.
                Some(Err(why)) => {
                    copies.say(Some(why));
                    return missed;
                }
                Some(Ok(())) | None => {}
            }
        }
        copies.backfilled_before.try_set(Some(*at));
    }
    if todo.len() == BACKFILL_TURN {
        // Gently: a long history's backfill is background work, not a burst.
        gloo_timers::future::TimeoutFuture::new(BACKFILL_PAUSE_MS).await;
        copies.ask(CopyWork::Backfill);
    }
    missed
}

/// Copies one image, made at `at`, unless it is kept already (`None` then).
async fn copy_one(
    copies: LocalCopies,
    cache: &CopyCache,
    client: &KreaClient,
    key: CopyKey,
    url: &str,
    at: f64,
) -> Option<Result<(), CopyError>> {
    let kept = copies
        .index
        .try_with_value(|i| i.as_ref().is_some_and(|i| i.has(&key)));
    if kept != Some(false) {
        return None;
    }
    let stored = match fetch_image(url, client).await {
        Ok(blob) => cache.put(&key, &blob, at).await,
        Err(why) => Err(why),
    };
    Some(stored.map(|facts| {
        copies
            .index
            .try_update_value(|i| i.get_or_insert_default().insert(key, facts));
    }))
}

/// Reads the cache's list of copies; removes second copies and copies of jobs the
/// history no longer holds (once it is loaded: before, every job would look gone).
async fn read_index(copies: LocalCopies, cache: &CopyCache) {
    let addresses = match cache.addresses().await {
        Ok(addresses) => addresses,
        Err(why) => {
            copies.say(Some(why));
            Vec::new()
        }
    };
    let (mut index, doubles) = CopyIndex::from_addresses(addresses.iter().map(String::as_str));
    for address in doubles {
        let _ = cache.delete_address(&address).await;
    }
    if !copies.alive() {
        return;
    }
    if copies.loaded.get_untracked() {
        let orphans = copies
            .jobs
            .with_untracked(|s| index.orphans(|id| s.get(id).is_some()));
        for key in orphans {
            if cache.delete(&key).await.is_ok() {
                index.remove(&key);
            }
        }
    }
    copies.index.try_set_value(Some(index));
}

/// Removes the oldest non-favourite copies until the rest fit the person's limit, and
/// says what the copies weigh and how many went.
async fn fit(copies: LocalCopies, cache: &CopyCache, missed: usize) {
    if !copies.alive() {
        return;
    }
    let limit = limit_bytes(copies.settings.with_untracked(|s| s.local_copy_limit_mb));
    let plan = copies.index.try_with_value(|index| {
        index.as_ref().map(|index| {
            copies.jobs.with_untracked(|s| {
                index.to_evict(limit, |id| s.get(id).is_some_and(|e| e.starred))
            })
        })
    });
    let (gone, favourites_over_limit) = plan.flatten().unwrap_or_default();
    let mut evicted = 0;
    for key in gone {
        if cache.delete(&key).await.is_ok() {
            copies.index.try_update_value(|i| {
                if let Some(i) = i {
                    i.remove(&key);
                }
            });
            evicted += 1;
        }
    }
    copies.publish(evicted, missed, favourites_over_limit);
}
