use crate::api::KreaClient;
use crate::browser;
use crate::copy_cache::{self, CopyCache};
use crate::hooks::{made_at, CopyWork, LiveJobs, LocalCopies, PendingRemovals};
use crate::i18n::{fill, Texts};
use crate::jobs::archive::{self, ArchiveWriter};
use crate::jobs::history_file::{self, ImportError, Imported, Refusal};
use crate::jobs::local_copies::CopyKey;
use crate::jobs::JobEntry;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Saving the history to a file and merging one back in, with what happened in words.
#[derive(Clone, Copy)]
pub struct HistoryFiles {
    /// Saves the whole history, or only these jobs (a selection).
    pub export: Callback<Option<Vec<String>>>,
    /// Saves the whole history, or only these jobs, as a ZIP with every image.
    pub export_archive: Callback<Option<Vec<String>>>,
    /// Takes the file the person picked: a history file, or a ZIP with images.
    pub import: Callback<web_sys::File>,
    /// What the last export or import did, or why it did nothing.
    pub outcome: ReadSignal<Option<String>>,
    /// How far a long export or import is (done, of), while it runs.
    pub progress: ReadSignal<Option<(usize, usize)>>,
}

/// Reading and writing history files loads on first use (`crate::lazy`); the hook itself
/// only holds what happened.
pub fn use_history_files(
    store: LiveJobs,
    client: Memo<KreaClient>,
    texts: Signal<&'static Texts>,
) -> HistoryFiles {
    let (outcome, set_outcome) = signal(None::<String>);
    let (progress, set_progress) = signal(None::<(usize, usize)>);
    let copies = use_context::<LocalCopies>();
    let files = Files {
        store,
        client,
        copies,
        progress: set_progress,
        outcome: set_outcome,
    };
    let export_archive = Callback::new(move |only: Option<Vec<String>>| {
        let t = texts.get_untracked();
        spawn_local(async move {
            if export_archive(files, only, t).await.is_err() {
                set_outcome.try_set(Some(t.part_missing.to_owned()));
            }
        });
    });
    let export = Callback::new(move |only: Option<Vec<String>>| {
        let t = texts.get_untracked();
        spawn_local(async move {
            let words = export_history(store, only, t).await;
            set_outcome.try_set(Some(words.unwrap_or_else(|_| t.part_missing.to_owned())));
        });
    });
    // Jobs waiting for their removal that an imported file brings back stay.
    let removals = use_context::<PendingRemovals>();
    let import = Callback::new(move |file: web_sys::File| {
        let t = texts.get_untracked();
        spawn_local(async move {
            let bytes = browser::read_bytes(&file).await;
            // A ZIP starts `PK\x03\x04`, whatever the file is called.
            let zipped = bytes.as_ref().is_ok_and(|b| b.starts_with(b"PK\x03\x04"));
            if zipped {
                let bytes = bytes.unwrap_or_default();
                if import_archive(files, removals, bytes, t).await.is_err() {
                    set_outcome.try_set(Some(t.part_missing.to_owned()));
                }
                return;
            }
            let text = bytes.and_then(|b| String::from_utf8(b).map_err(|_| "not text".into()));
            let words = import_history(store, removals, text, t).await;
            set_outcome.try_set(Some(words.unwrap_or_else(|_| t.part_missing.to_owned())));
        });
    });
    HistoryFiles {
        export,
        export_archive,
        import,
        outcome,
        progress,
    }
}

/// What the archive flows work with.
#[derive(Clone, Copy)]
pub(crate) struct Files {
    store: LiveJobs,
    client: Memo<KreaClient>,
    copies: Option<LocalCopies>,
    progress: WriteSignal<Option<(usize, usize)>>,
    outcome: WriteSignal<Option<String>>,
}

crate::lazy_part! { history_files, preload_history_files:
    /// Saves the history (or only the jobs `only` names) to a file; says what was saved,
    /// or why nothing was.
    pub(crate) fn export_history(
        store: LiveJobs,
        only: Option<Vec<String>>,
        t: &'static Texts,
    ) -> String {
        let text = store.with_untracked(|s| match &only {
            None => history_file::export(s.entries()),
            Some(ids) => {
                let picked: Vec<_> = ids.iter().filter_map(|id| s.get(id).cloned()).collect();
                history_file::export(&picked)
            }
        });
        let name = history_file::file_name(&browser::today());
        match browser::save_text(&text, &name, "application/json") {
            Ok(()) => fill(t.downloaded, &[("name", &name)]),
            Err(reason) => reason,
        }
    }
}

crate::lazy_part! { history_files, preload_import:
    /// Merges a history file's text (or why it could not be read) into the history; says
    /// what changed. A file that cannot be read changes nothing.
    pub(crate) fn import_history(
        store: LiveJobs,
        removals: Option<PendingRemovals>,
        text: Result<String, String>,
        t: &'static Texts,
    ) -> String {
        let parsed = text
            .map_err(ImportError::NotJson)
            .and_then(|text| history_file::parse(&text));
        {
            match parsed {
                Ok(imported) => merge_imported(store, removals, imported, t),
                Err(error) => fill(t.import_failed, &[("reason", import_reason(&error, t))]),
            }
        }
    }
}

crate::lazy_part! { history_files, preload_export_archive:
    /// Saves the history (or only the jobs `only` names) as ZIPs with every image the
    /// studio can still get (its local copy, else Krea's link): one file, or parts of
    /// [`archive::PART_BYTES`] saved as each fills, so a large history never sits in
    /// memory whole. Says what was saved, and which images were not.
    pub(crate) fn export_archive(
        files: Files,
        only: Option<Vec<String>>,
        t: &'static Texts,
    ) -> () {
        spawn_local(async move {
            let words = write_archives(files, only, t).await;
            files.progress.try_set(None);
            files.outcome.try_set(Some(words));
        });
    }
}

async fn write_archives(files: Files, only: Option<Vec<String>>, t: &'static Texts) -> String {
    let entries: Vec<JobEntry> = files.store.with_untracked(|s| match &only {
        None => s.entries().to_vec(),
        Some(ids) => ids.iter().filter_map(|id| s.get(id).cloned()).collect(),
    });
    let date = browser::today();
    // Where the browser can write a file as it goes, one file of any size; elsewhere,
    // parts that each fit in memory.
    let outcome = match browser::SaveStream::choose(&archive::file_name(&date, None)).await {
        Some(Ok(file)) => stream_archive(files, entries, file).await,
        Some(Err(why)) => return fill(t.archive_failed, &[("reason", &why)]),
        None => archive_in_parts(files, entries, &date).await,
    };
    match outcome {
        Ok((saved, missing)) => {
            let mut words = if saved.len() == 1 {
                fill(t.downloaded, &[("name", &saved[0])])
            } else {
                fill(
                    t.archive_parts,
                    &[
                        ("n", &saved.len().to_string()),
                        ("names", &saved.join(", ")),
                    ],
                )
            };
            if missing > 0 {
                words.push_str(" · ");
                words.push_str(&fill(t.archive_missing, &[("n", &missing.to_string())]));
            }
            words
        }
        Err(why) => fill(t.archive_failed, &[("reason", &why)]),
    }
}

/// Counts images for the progress bar as they are gathered.
struct Gathering {
    done: usize,
    of: usize,
    missing: usize,
}

impl Gathering {
    fn start(files: Files, entries: &[JobEntry]) -> Gathering {
        let of = entries.iter().map(|e| finished_images(e).len()).sum();
        files.progress.try_set(Some((0, of)));
        Gathering {
            done: 0,
            of,
            missing: 0,
        }
    }

    /// A job's images, as many as can still be had.
    async fn images_of(
        &mut self,
        files: Files,
        client: &KreaClient,
        entry: &JobEntry,
    ) -> Vec<(CopyKey, Vec<u8>)> {
        let mut kept = Vec::new();
        for (image, url) in finished_images(entry).into_iter().enumerate() {
            let key = CopyKey::new(entry.id(), image);
            match image_bytes_of(files, client, &key, &url).await {
                Some(bytes) => kept.push((key, bytes)),
                None => self.missing += 1,
            }
            self.done += 1;
            files.progress.try_set(Some((self.done, self.of)));
        }
        kept
    }
}

/// One file, written as it goes. Returns its name and how many images were left out.
async fn stream_archive(
    files: Files,
    entries: Vec<JobEntry>,
    file: browser::SaveStream,
) -> Result<(Vec<String>, usize), String> {
    let client = files.client.get_untracked();
    let mut gathering = Gathering::start(files, &entries);
    let (mut writer, sink) = ArchiveWriter::streaming();
    for entry in &entries {
        for (key, bytes) in gathering.images_of(files, &client, entry).await {
            if writer.add_image(&key, &bytes).is_none() {
                gathering.missing += 1;
            }
        }
        if let Err(why) = file.write(&sink.take()).await {
            file.abort().await;
            return Err(why);
        }
    }
    let ended = writer.finish_into(&history_file::export(&entries));
    let last = sink.take();
    let written = match ended {
        Ok(_) => file.write(&last).await,
        Err(why) => Err(why),
    };
    if let Err(why) = written {
        file.abort().await;
        return Err(why);
    }
    let name = file.name.clone();
    file.close().await?;
    Ok((vec![name], gathering.missing))
}

/// Parts of at most [`archive::PART_BYTES`], each saved (downloaded) as it fills. Returns
/// their names and how many images were left out.
async fn archive_in_parts(
    files: Files,
    entries: Vec<JobEntry>,
    date: &str,
) -> Result<(Vec<String>, usize), String> {
    let client = files.client.get_untracked();
    let mut gathering = Gathering::start(files, &entries);
    let mut writer = ArchiveWriter::default();
    let mut in_part: Vec<JobEntry> = Vec::new();
    let mut saved: Vec<String> = Vec::new();
    for entry in entries {
        let kept = gathering.images_of(files, &client, &entry).await;
        let size: u64 = kept.iter().map(|(_, b)| b.len() as u64).sum();
        // This job's images would overflow the part: the part is saved first.
        if writer.bytes() > 0 && writer.bytes() + size > archive::PART_BYTES {
            let part = std::mem::take(&mut writer);
            let name = archive::file_name(date, Some(saved.len() + 1));
            save_part(part, &in_part, &name)?;
            saved.push(name);
            in_part.clear();
        }
        for (key, bytes) in &kept {
            if writer.add_image(key, bytes).is_none() {
                gathering.missing += 1;
            }
        }
        in_part.push(entry);
    }
    let name = archive::file_name(date, (!saved.is_empty()).then_some(saved.len() + 1));
    save_part(writer, &in_part, &name)?;
    saved.push(name);
    Ok((saved, gathering.missing))
}

/// The images of a finished job (none for one that failed or was cancelled).
fn finished_images(entry: &JobEntry) -> Vec<String> {
    if entry.job.status == krea_api::JobStatus::Completed {
        entry.images()
    } else {
        Vec::new()
    }
}

/// An image's bytes: the copy kept in the browser, else from Krea's link (through the
/// proxy when the host refuses the page).
async fn image_bytes_of(
    files: Files,
    client: &KreaClient,
    key: &CopyKey,
    url: &str,
) -> Option<Vec<u8>> {
    if let Some(copies) = files.copies {
        if let Some(bytes) = copies.bytes(key.clone()).await {
            return Some(bytes);
        }
    }
    let blob = copy_cache::fetch_image(url, client).await.ok()?;
    copy_cache::blob_bytes(&blob).await.ok()
}

fn save_part(writer: ArchiveWriter, jobs: &[JobEntry], name: &str) -> Result<(), String> {
    let bytes = writer.finish(&history_file::export(jobs))?;
    browser::save_bytes(&bytes, name, "application/zip")
}

crate::lazy_part! { history_files, preload_import_archive:
    /// Imports a ZIP made by [`export_archive`]: checks all of it first (anything not ours,
    /// corrupt or hostile refuses the whole file), keeps its images as local copies, and
    /// merges its jobs as a history file's. If an image cannot be kept, the ones kept
    /// are taken back and nothing is merged.
    pub(crate) fn import_archive(
        files: Files,
        removals: Option<PendingRemovals>,
        bytes: Vec<u8>,
        t: &'static Texts,
    ) -> () {
        spawn_local(async move {
            let words = read_archive(files, removals, bytes, t).await;
            files.progress.try_set(None);
            files.outcome.try_set(Some(words));
        });
    }
}

async fn read_archive(
    files: Files,
    removals: Option<PendingRemovals>,
    bytes: Vec<u8>,
    t: &'static Texts,
) -> String {
    let refused = |reason: &str| fill(t.import_failed, &[("reason", reason)]);
    let archive = match archive::read(&bytes) {
        Ok(archive) => archive,
        Err(why) => return refused(&why.to_string()),
    };
    drop(bytes);
    let imported = match history_file::parse(&archive.history) {
        Ok(imported) => imported,
        Err(error) => return refused(import_reason(&error, t)),
    };
    // Only the images of jobs the file brings.
    let images: Vec<_> = archive
        .images
        .into_iter()
        .filter_map(|(key, data)| {
            let job = imported.jobs.iter().find(|job| job.id() == key.job_id)?;
            Some((key, data, made_at(job)))
        })
        .collect();
    if !images.is_empty() {
        let Some(copies) = files.copies else {
            return refused(t.archive_no_copies);
        };
        let cache = match CopyCache::open(&copies.cache_name()).await {
            Ok(cache) => cache,
            Err(why) => return refused(&why.to_string()),
        };
        let total = images.len();
        files.progress.try_set(Some((0, total)));
        let mut kept: Vec<CopyKey> = Vec::new();
        for (done, (key, data, made)) in images.into_iter().enumerate() {
            if let Err(why) = cache.put_bytes(&key, &data, made).await {
                for key in &kept {
                    let _ = cache.delete(key).await;
                }
                return refused(&why.to_string());
            }
            kept.push(key);
            files.progress.try_set(Some((done + 1, total)));
        }
        copies.ask(CopyWork::Count);
    }
    merge_imported(files.store, removals, imported, t)
}

/// Merges what a file held into the history; says what changed.
fn merge_imported(
    store: LiveJobs,
    removals: Option<PendingRemovals>,
    Imported { jobs, refused }: Imported,
    t: &'static Texts,
) -> String {
    // Jobs whose removal was waiting come back as the file has them (and count as new, as
    // they were gone from sight).
    if let Some(removals) = removals {
        let back: Vec<String> = jobs
            .iter()
            .map(|job| job.id().to_owned())
            .filter(|id| removals.hides(id))
            .collect();
        removals.spare(&back);
        store.update(|s| s.remove_all(&back.into_iter().collect()));
    }
    let report = store.update(|s| s.merge(jobs)).unwrap_or_default();
    let mut words = fill(
        t.imported,
        &[
            ("added", &report.added.to_string()),
            ("updated", &report.updated.to_string()),
            ("unchanged", &report.unchanged.to_string()),
        ],
    );
    if !refused.is_empty() {
        words.push_str(" · ");
        words.push_str(&refused_words(&refused, t));
    }
    words
}

fn import_reason(error: &ImportError, t: &'static Texts) -> &'static str {
    match error {
        ImportError::NotJson(_) => t.not_json,
        ImportError::WrongKind => t.wrong_kind,
        ImportError::TooNew(_) => t.too_new,
        ImportError::BadJob(_) => t.bad_job,
    }
}

/// `2 entries refused: entry 1: unreadable; entry 3: the job id is not a UUID` (the first
/// few reasons; the count is always whole).
fn refused_words(refused: &[(usize, Refusal)], t: &'static Texts) -> String {
    let reasons: Vec<String> = refused
        .iter()
        .take(5)
        .map(|(entry, why)| {
            let template = match why {
                Refusal::Unreadable => t.unreadable_entry,
                Refusal::NotUuid => t.not_uuid,
            };
            fill(template, &[("n", &entry.to_string())])
        })
        .collect();
    fill(
        t.refused_entries,
        &[
            ("n", &refused.len().to_string()),
            ("reasons", &reasons.join("; ")),
        ],
    )
}
