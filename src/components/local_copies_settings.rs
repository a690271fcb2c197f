use crate::hooks::{tr, use_locale_context, use_texts, CopyWork, LocalCopies};
use crate::i18n::{fill, Formatter, IntlFormat};
use crate::jobs::local_copies::parse_limit_mb;
use crate::settings::Settings;
use leptos::prelude::*;

/// The Settings lines of the local copies: whether to keep them, the room they may take,
/// what they take now and how many older ones went to stay under it, and the last copy
/// that could not be kept. The switch and the room apply at once; a room that cannot be
/// used is refused next to its field and the saved one stays.
#[component]
pub fn LocalCopiesSettings(settings: RwSignal<Settings>) -> impl IntoView {
    let t = use_texts();
    let locale = use_locale_context();
    let copies = use_context::<LocalCopies>();
    if let Some(copies) = copies {
        copies.count();
    }
    let limit_draft = RwSignal::new(settings.with_untracked(|s| s.local_copy_limit_mb.to_string()));
    let limit_error = RwSignal::new(false);
    let apply_limit = move |ev| {
        let typed = event_target_value(&ev);
        limit_draft.set(typed.clone());
        match parse_limit_mb(&typed) {
            Some(mb) => {
                limit_error.set(false);
                settings.update(|s| s.local_copy_limit_mb = mb);
            }
            None => limit_error.set(true),
        }
    };
    let used = move || {
        let t = t.get();
        let copies = copies?;
        let Some(summary) = copies.summary.get() else {
            return Some(t.local_copies_counting.to_owned());
        };
        let format = IntlFormat::of(locale.get());
        let mb = |bytes: u64| format.number((bytes as f64 / 1e5).round() / 10.0);
        let limit = settings.with(|s| s.local_copy_limit_mb);
        let mut line = fill(
            t.local_copies_used,
            &[
                ("n", &format.number(summary.count as f64)),
                ("used", &mb(summary.bytes)),
                ("limit", &format.number(f64::from(limit))),
            ],
        );
        if summary.evicted > 0 {
            line.push(' ');
            line.push_str(&fill(
                t.local_copies_evicted,
                &[("n", &format.number(summary.evicted as f64))],
            ));
        }
        if summary.missed > 0 {
            line.push(' ');
            line.push_str(&fill(
                t.local_copies_missed,
                &[("n", &format.number(summary.missed as f64))],
            ));
        }
        if summary.favourites_over_limit {
            line.push(' ');
            line.push_str(t.local_copies_favourites_over);
        }
        Some(line)
    };
    let problem = move || {
        let why = copies?.problem.get()?;
        Some(fill(t.get().local_copies_failed, &[("reason", &why)]))
    };
    view! {
        <div class="local-copies">
            <label>
                <input
                    type="checkbox"
                    data-testid="keep-local-copies"
                    prop:checked=move || settings.with(|s| s.keep_local_copies)
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        settings.update(|s| s.keep_local_copies = on);
                    }
                />
                {tr(t, |t| t.local_copies)}
            </label>
            <label for="local-copy-limit">{tr(t, |t| t.local_copies_limit)}</label>
            <input
                id="local-copy-limit"
                data-testid="local-copy-limit"
                type="number"
                min="10"
                max="100000"
                prop:value=move || limit_draft.get()
                on:change=apply_limit
            />
            <p class="field-error" data-testid="local-copy-limit-error" role="alert">
                {move || limit_error.get().then(|| t.get().local_copies_limit_invalid)}
            </p>
            <p class="hint" data-testid="local-copies-used">{used}</p>
            <p class="field-error" data-testid="local-copies-problem" role="status">
                {problem}
            </p>
            <button
                type="button"
                data-testid="clear-local-copies"
                on:click=move |_| {
                    if let Some(copies) = copies {
                        copies.ask(CopyWork::Clear);
                    }
                }
            >
                {tr(t, |t| t.local_copies_clear)}
            </button>
        </div>
    }
}
