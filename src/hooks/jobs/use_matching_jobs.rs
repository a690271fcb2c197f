use crate::hooks::LiveJobs;
use crate::jobs::filter::JobFilter;
use crate::jobs::removals::Removals;
use leptos::prelude::*;

/// The ids of the jobs that pass `filter`, newest first: worked out once for the grid, its
/// counts and the viewer, again only when the filter changes or jobs come, go or change
/// status or marks (never on a poll answer that leaves a job's status as it was).
///
/// Jobs whose removal waits for Undo (`removals`) are left out.
pub fn use_matching_jobs(
    jobs: LiveJobs,
    filter: RwSignal<JobFilter>,
    removals: RwSignal<Removals>,
) -> Memo<Vec<String>> {
    let models = expect_context::<ReadSignal<krea_api::Models>>();
    Memo::new(move |_| {
        removals.with(|removals| {
            filter.with(|filter| {
                let matcher = filter.matcher();
                models.with(|models| {
                    jobs.with_list(|s| {
                        s.entries()
                            .iter()
                            .filter(|entry| {
                                matcher.matches(entry, models) && !removals.hides(entry.id())
                            })
                            .map(|entry| entry.id().to_owned())
                            .collect()
                    })
                })
            })
        })
    })
}
