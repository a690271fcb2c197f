use super::*;
use krea_api::{Job, JobStatus, Models};
use serde_json::json;
use std::collections::BTreeSet;

fn job(id: &str, status: &str) -> Job {
    serde_json::from_value(
        json!({"job_id": id, "status": status, "created_at": format!("2026-11-22T10:00:0{id}Z")}),
    )
    .unwrap()
}

fn entry(id: &str) -> JobEntry {
    JobEntry::new(
        job(id, "queued"),
        "bfl/flux-1-dev".into(),
        json!({"prompt": format!("prompt {id}")})
            .as_object()
            .unwrap()
            .clone(),
    )
}

#[test]
fn newest_jobs_come_first_and_are_not_duplicated() {
    let mut store = JobStore::default();
    store.add(entry("1"));
    store.add(entry("2"));
    store.add(entry("1"));
    assert_eq!(store.ids(), ["2", "1"]);
    assert_eq!(store.get("1").unwrap().prompt(), "prompt 1");
    assert_eq!(
        store.get("1").unwrap().model_name(&Models::default()),
        "Flux"
    );
}

#[test]
fn depth_counts_the_newest_jobs_down_to_the_oldest_asked_about() {
    let mut store = JobStore::default();
    for id in ["1", "2", "3", "4"] {
        store.add(entry(id));
    }
    assert_eq!(store.depth(&["4".into()]), 1);
    assert_eq!(store.depth(&["3".into(), "2".into()]), 3);
    assert_eq!(store.depth(&["9".into()]), 0);
    assert_eq!(store.depth(&[]), 0);
}

fn with_status(id: &str, status: &str) -> JobEntry {
    JobEntry {
        job: job(id, status),
        ..entry(id)
    }
}

#[test]
fn a_poll_answer_tells_its_own_job_and_the_list_only_when_its_status_moves() {
    let mut store = JobStore::default();
    store.add(entry("1"));
    store.add(entry("2"));
    assert!(store.take_notices().list, "new jobs change the list");

    assert!(!store.apply(job("2", "queued")));
    assert!(
        store.take_notices().is_empty(),
        "an answer that changes nothing tells nobody"
    );

    let mut preview = job("2", "queued");
    preview.result = Some(json!({"urls": ["https://example.com/p.png"]}));
    assert!(store.apply(preview));
    let told = store.take_notices();
    assert_eq!(told.jobs, BTreeSet::from(["2".to_owned()]));
    assert!(
        !told.list && !told.all,
        "the same status: only the job's card hears"
    );

    store.apply(job("2", "completed"));
    let told = store.take_notices();
    assert_eq!(told.jobs, BTreeSet::from(["2".to_owned()]));
    assert!(
        told.list,
        "a new status moves the job across filters and totals"
    );

    store.note("1", "Krea is slow".into());
    let told = store.take_notices();
    assert!(!told.list && told.jobs.contains("1"));
    store.mark_lost("1", Lost::Unknown);
    assert!(
        store.take_notices().list,
        "a lost job is no longer in flight"
    );
}

#[test]
fn loads_from_elsewhere_tell_every_reader_and_submissions_tell_theirs() {
    let mut store = JobStore::default();
    store
        .from_elsewhere()
        .put_entries(vec![entry("1"), entry("2")]);
    let told = store.take_notices();
    assert!(told.all && told.list);
    assert!(store.changes().is_empty(), "nothing to write back");

    store
        .from_elsewhere()
        .put_entry(with_status("1", "completed"));
    let told = store.take_notices();
    assert!(told.jobs.contains("1") && told.list && !told.all);

    store.add_submission(Submission::new(
        "k".into(),
        "bfl/flux-1-dev".into(),
        entry("9").request,
        1.0,
    ));
    let told = store.take_notices();
    assert!(told.submissions && !told.list && told.jobs.is_empty());
    assert!(store.take_due_submissions(2.0).len() == 1);
    assert!(store.take_notices().submissions);
    assert!(store.take_due_submissions(3.0).is_empty());
    assert!(store.take_notices().is_empty(), "nothing due: nobody told");
}

#[test]
fn a_job_of_a_model_the_catalogue_lacks_is_noticed() {
    let mut store = JobStore::default();
    store.add(entry("1"));
    assert!(!store.has_uncatalogued_model());
    store.add(JobEntry {
        model_id: "krea-labs/not-yet-known".into(),
        ..entry("2")
    });
    assert!(store.has_uncatalogued_model());
}

#[test]
fn an_import_merges_by_id_keeps_the_furthest_copy_and_never_duplicates() {
    let mut here = JobStore::default();
    here.add(with_status("1", "completed"));
    here.add(with_status("3", "processing"));
    here.add(with_status("4", "queued"));
    let incoming = vec![
        with_status("1", "processing"), // older snapshot of a finished job
        with_status("2", "failed"),     // new here
        with_status("3", "completed"),  // got further elsewhere
        with_status("4", "queued"),     // the same
    ];
    let report = here.merge(incoming.clone());
    assert_eq!(
        report,
        MergeReport {
            added: 1,
            updated: 1,
            unchanged: 2
        }
    );
    assert_eq!(here.ids(), ["4", "3", "2", "1"], "newest first");
    assert_eq!(here.get("1").unwrap().job.status, JobStatus::Completed);
    assert_eq!(here.get("3").unwrap().job.status, JobStatus::Completed);
    let again = here.merge(incoming);
    assert_eq!(
        (again.added, again.updated),
        (0, 0),
        "importing twice adds nothing"
    );
    assert_eq!(here.entries().len(), 4);
}

#[test]
fn one_unreadable_stored_entry_does_not_hide_the_others() {
    let good = serde_json::to_value(entry("1")).unwrap();
    let mut uuid = good.clone();
    uuid["job"]["job_id"] = json!("4d0e5f97-9721-4422-b88c-73a9032d7de1");
    let text = json!({"entries": [uuid, {"job": 7}, good]}).to_string();
    let (store, unreadable) = JobStore::from_stored(&text).unwrap();
    assert_eq!(store.ids(), ["4d0e5f97-9721-4422-b88c-73a9032d7de1"]);
    assert_eq!(unreadable.len(), 2, "the bad entry and the non-UUID id");
    assert!(JobStore::from_stored("{nope").is_err());
}

#[test]
fn only_what_changed_is_written_and_copies_from_elsewhere_are_not_written_back() {
    let mut store = JobStore::default();
    store.add(entry("1"));
    store.add(entry("2"));
    let first = store.take_changes();
    assert_eq!(first.jobs.into_iter().collect::<Vec<_>>(), ["1", "2"]);
    assert!(store.take_changes().is_empty(), "nothing changed since");
    assert!(
        !store.apply(job("1", "queued")),
        "the same state is no change"
    );
    assert!(store.take_changes().is_empty());
    store.apply(job("1", "processing"));
    store.remove("2");
    let second = store.take_changes();
    assert_eq!(second.jobs.iter().collect::<Vec<_>>(), ["1", "2"]);
    assert!(
        store.get("2").is_none(),
        "a changed id no longer here was removed"
    );
    store.keep_unsaved(second);
    assert_eq!(store.unsaved(), 2, "a failed write stays pending");
    store.take_changes();
    store
        .from_elsewhere()
        .put_entry(with_status("3", "completed"));
    store.from_elsewhere().forget_entry("1");
    assert!(
        store.take_changes().is_empty(),
        "copies from elsewhere are not written back"
    );
    assert_eq!(store.ids(), ["3"]);
    store.from_elsewhere().put_entry(with_status("0", "queued"));
    assert_eq!(store.ids(), ["3", "0"], "placed by creation time");
}

#[test]
fn lookups_stay_right_as_jobs_come_go_and_move() {
    let mut store = JobStore::default();
    for id in ["1", "2", "3"] {
        store.add(entry(id));
    }
    assert_eq!(store.get("1").unwrap().id(), "1");
    store.remove("2");
    assert!(store.get("2").is_none());
    assert_eq!(store.get("1").unwrap().id(), "1");
    store.from_elsewhere().put_entry(with_status("0", "queued"));
    store.from_elsewhere().forget_entry("3");
    assert!(store.apply(job("1", "processing")));
    assert_eq!(store.get("1").unwrap().job.status, JobStatus::Processing);
    assert_eq!(store.get("0").unwrap().id(), "0");
    store.merge(vec![with_status("9", "completed")]);
    store.clear_finished();
    for id in store.ids() {
        assert_eq!(store.get(&id).unwrap().id(), id);
    }
    assert!(store.get("9").is_none());
}

#[test]
fn a_saved_history_is_placed_newest_first_in_one_go() {
    let mut store = JobStore::default();
    store
        .from_elsewhere()
        .put_entry(with_status("b", "completed"));
    let mut older = with_status("a", "completed");
    older.job.created_at = "2026-11-21T10:00:00Z".into();
    let mut newer = with_status("c", "queued");
    newer.job.created_at = "2026-11-23T10:00:00Z".into();
    store
        .from_elsewhere()
        .put_entries(vec![older, with_status("b", "failed"), newer]);
    assert_eq!(store.ids(), ["c", "b", "a"]);
    assert_eq!(store.get("b").unwrap().job.status, JobStatus::Failed);
    assert!(store.take_changes().is_empty());
}

#[test]
fn a_lost_job_is_settled_until_checked_again() {
    let mut store = JobStore::default();
    store.add(entry("1"));
    store.mark_lost("1", Lost::Unknown);
    assert!(!store.has_pending());
    assert!(store.get("1").unwrap().is_settled());
    store.check_again("1");
    assert_eq!(store.pending_ids(), ["1"]);
    store.mark_lost("1", Lost::Deadline);
    assert!(
        store.apply(job("1", "processing")),
        "an answer brings it back"
    );
    assert_eq!(store.get("1").unwrap().lost, None);
    store.mark_lost("1", Lost::Deadline);
    assert_eq!(
        store.clear_finished(),
        1,
        "a lost job is cleared with the finished"
    );
}

#[test]
fn a_submission_becomes_one_card_once() {
    use crate::jobs::submission::Submission;
    let mut store = JobStore::default();
    let request = json!({"prompt": "p"}).as_object().unwrap().clone();
    store.add_submission(Submission::new(
        "k1".into(),
        "bfl/flux-1-dev".into(),
        request.clone(),
        0.0,
    ));
    store.add_submission(Submission::new(
        "k2".into(),
        "bfl/flux-1-dev".into(),
        request,
        0.0,
    ));
    assert_eq!(store.take_due_submissions(0.0).len(), 2);
    assert!(
        store.take_due_submissions(0.0).is_empty(),
        "not sent twice at once"
    );
    store.submission_made("k1", job("7", "queued"));
    store.submission_made("k1", job("7", "queued"));
    assert_eq!(store.ids(), ["7"]);
    assert_eq!(store.submissions().len(), 1);
    store.resume_submissions(5.0);
    assert_eq!(
        store.take_due_submissions(5.0).len(),
        1,
        "sent again after a reload"
    );
    store.dismiss_submission("k2");
    assert!(store.submissions().is_empty());
}

#[test]
fn clearing_finished_jobs_keeps_those_in_flight() {
    let mut store = JobStore::default();
    for (id, status) in [
        ("1", "completed"),
        ("2", "failed"),
        ("3", "sampling"),
        ("4", "cancelled"),
    ] {
        store.add(with_status(id, status));
    }
    assert_eq!(store.clear_finished(), 3);
    assert_eq!(store.ids(), ["3"]);
}

#[test]
fn updates_move_jobs_forward_until_they_finish() {
    let mut store = JobStore::default();
    store.add(entry("a"));
    store.add(entry("b"));
    assert_eq!(store.pending_ids(), ["b", "a"]);
    assert!(store.apply(job("a", "processing")));
    assert!(
        !store.apply(job("a", "processing")),
        "same state is no change"
    );
    store.note("a", "proxy down".into());
    assert_eq!(
        store.get("a").unwrap().notice.as_deref(),
        Some("proxy down")
    );
    assert!(
        store.apply(job("a", "processing")),
        "an answer clears the error"
    );
    assert_eq!(store.get("a").unwrap().notice, None);
    assert!(store.apply(job("a", "completed")));
    assert_eq!(store.pending_ids(), ["b"]);
    assert!(
        !store.apply(job("a", "processing")),
        "a stale response must not revive a finished job"
    );
    assert_eq!(store.get("a").unwrap().job.status, JobStatus::Completed);
    assert!(
        !store.apply(job("zzz", "completed")),
        "unknown ids are ignored"
    );
    assert!(store.has_pending());
    store.remove("a");
    assert_eq!(store.ids(), ["b"]);
    store.apply(job("b", "cancelled"));
    assert!(!store.has_pending());
}

#[test]
fn the_saved_history_arriving_keeps_what_happened_to_the_newest_jobs_shown_early() {
    // Saved: jobs 1–5; 4 and 5 (the newest) were read first and shown.
    let mut saved = JobStore::default();
    for id in ["1", "2", "3", "4", "5"] {
        saved.add(entry(id));
    }
    saved.take_changes();
    let shown_early = vec![entry("5"), entry("4")];
    let mut page = JobStore::default();
    page.from_elsewhere().put_entries(shown_early.clone());
    // Meanwhile: a poll finished 5, 4 was removed, and a new job 6 was made.
    assert!(page.apply(job("5", "completed")));
    page.remove("4");
    page.add(entry("6"));
    page.take_changes();

    page.adopt_saved(saved, &shown_early, 0.0);
    assert_eq!(page.ids(), ["6", "5", "3", "2", "1"]);
    assert_eq!(page.get("5").unwrap().job.status, JobStatus::Completed);
    // Written: what happened meanwhile, and nothing read unchanged.
    let written: BTreeSet<String> = page.take_changes().jobs.into_iter().collect();
    assert_eq!(written, ["4", "5", "6"].map(String::from).into());
}

#[test]
fn a_saved_history_with_nothing_shown_early_is_taken_as_it_is() {
    let mut saved = JobStore::default();
    saved.add(entry("1"));
    saved.take_changes();
    let mut page = JobStore::default();
    page.add(entry("2"));
    page.adopt_saved(saved, &[], 0.0);
    assert_eq!(page.ids(), ["2", "1"]);
}

#[test]
fn stars_and_boards_are_written_and_tell_the_list_and_the_card() {
    let mut store = JobStore::default();
    for id in ["1", "2", "3"] {
        store.add(entry(id));
    }
    store.take_changes();
    store.take_notices();

    assert!(store.set_starred("2", true));
    assert!(!store.set_starred("2", true), "already starred");
    assert!(!store.set_starred("9", true), "no such job");
    let notices = store.take_notices();
    assert!(notices.list, "the favourites filter reads stars");
    assert_eq!(notices.jobs.iter().collect::<Vec<_>>(), ["2"]);
    assert_eq!(store.take_changes().jobs.len(), 1);
    assert_eq!(store.starred_count(), 1);

    assert_eq!(store.add_to_board(["1", "2", "9"], "Client X"), 2);
    assert_eq!(
        store.add_to_board(["2", "3"], "Client X"),
        1,
        "2 is on it already"
    );
    assert_eq!(store.add_to_board(["3"], "Moodboard"), 1);
    assert_eq!(store.on_board("Client X"), ["3", "2", "1"]);
    let boards = store.boards();
    assert_eq!(boards.get("Client X"), Some(&3));
    assert_eq!(boards.get("Moodboard"), Some(&1));
    assert_eq!(store.take_changes().jobs.len(), 3);

    // Renaming onto an existing board joins them; the job on both is on it once.
    assert_eq!(store.rename_board("Moodboard", "Client X"), 1);
    assert_eq!(
        store.boards().into_iter().collect::<Vec<_>>(),
        [("Client X".to_owned(), 3)]
    );
    assert_eq!(store.rename_board("Client X", "Client Y"), 3);
    assert_eq!(store.remove_from_board(["1"], "Client Y"), 1);
    assert_eq!(store.remove_from_board(["1"], "Client Y"), 0);

    // Deleting a board removes no job.
    store.take_changes();
    assert_eq!(store.delete_board("Client Y"), 2);
    assert!(store.boards().is_empty());
    assert_eq!(store.ids(), ["3", "2", "1"]);
    assert_eq!(store.take_changes().jobs.len(), 2);
    assert!(
        store.get("2").unwrap().starred,
        "a board's end leaves the star"
    );
}

#[test]
fn an_import_keeps_the_stars_and_boards_of_both_copies() {
    let mut here = JobStore::default();
    here.add(with_status("1", "completed"));
    here.add(with_status("2", "processing"));
    here.set_starred("1", true);
    here.add_to_board(["2"], "Here");
    here.take_changes();

    let mut theirs_1 = with_status("1", "completed");
    theirs_1.boards.insert("There".into());
    let mut theirs_2 = with_status("2", "completed");
    theirs_2.starred = true;
    let level = with_status("1", "completed");
    let report = here.merge(vec![theirs_1, theirs_2]);
    assert_eq!(report.updated, 2);
    let one = here.get("1").unwrap();
    assert!(one.starred, "an import never unstars");
    assert_eq!(one.boards.iter().collect::<Vec<_>>(), ["There"]);
    let two = here.get("2").unwrap();
    assert_eq!(
        two.job.status,
        JobStatus::Completed,
        "the further copy wins"
    );
    assert!(two.starred);
    assert_eq!(
        two.boards.iter().collect::<Vec<_>>(),
        ["Here"],
        "and keeps this copy's boards"
    );
    assert_eq!(here.take_changes().jobs.len(), 2);

    assert_eq!(
        here.merge(vec![level]).unchanged,
        1,
        "nothing new: nothing written"
    );
    assert!(here.take_changes().is_empty());
}

#[test]
fn marks_round_trip_through_the_saved_form_and_are_left_out_when_unset() {
    let mut starred = entry("1");
    starred.starred = true;
    starred.boards.insert("Città".into());
    let text = serde_json::to_string(&starred).unwrap();
    assert_eq!(serde_json::from_str::<JobEntry>(&text).unwrap(), starred);
    let plain = serde_json::to_value(entry("2")).unwrap();
    assert!(plain.get("starred").is_none() && plain.get("boards").is_none());
}

#[test]
fn a_submission_hands_its_set_to_its_job_and_the_set_lists_its_members() {
    use crate::jobs::submission::Submission;
    let mut store = JobStore::default();
    let body = json!({"prompt": "one prompt"}).as_object().unwrap().clone();
    for (key, model) in [("k1", "bfl/flux-1-dev"), ("k2", "krea/krea-2/medium")] {
        store.add_submission(
            Submission::new(key.into(), model.into(), body.clone(), 1.0)
                .in_set(Some("set-a".into())),
        );
    }
    store.add(entry("9"));
    store.submission_made("k1", job("1", "queued"));
    store.submission_made("k2", job("2", "queued"));
    assert_eq!(store.get("1").unwrap().set.as_deref(), Some("set-a"));
    assert_eq!(store.get("9").unwrap().set, None);
    assert_eq!(store.set_members("set-a"), ["2", "1"]);
    assert!(store.set_members("set-b").is_empty());
    // Kept in the record, and read back.
    let record = serde_json::to_value(store.get("2").unwrap()).unwrap();
    assert_eq!(record["set"], "set-a");
    let back: JobEntry = serde_json::from_value(record).unwrap();
    assert_eq!(back.set.as_deref(), Some("set-a"));
}
