use super::{JobActions, LiveJobs, Marks, PendingRemovals, SelectedJobs};
use crate::hooks::{is_typing, use_keydown, ImageActions, KeyLayer};
use crate::shortcuts::{after_removal, columns, shortcut, step, Held, Shortcut};
use crate::studio_root::StudioRoot;
use krea_api::JobStatus;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Every job card in the grid, in its order.
const CARDS: &str = "[data-testid='job-card']";

/// What the studio's keys reach.
pub struct CullingKeys {
    pub jobs: LiveJobs,
    /// The viewer's job and image; while it is open its own keys rule.
    pub viewing: RwSignal<Option<(String, usize)>>,
    /// Whether the sheet of keys is open.
    pub sheet: RwSignal<bool>,
}

/// The studio's keys for culling a grid without a mouse ([`crate::shortcuts`]): moving the
/// focus between cards, acting on the focused card, and the few keys that go anywhere (the
/// search, the prompt, the sheet, Undo). Nothing fires while the person types in a field or
/// while a dialog is open. When the viewer closes, the focus goes back to the card of the
/// image it showed last, so culling goes on from there.
pub fn use_culling_keys(keys: CullingKeys) {
    let CullingKeys {
        jobs,
        viewing,
        sheet,
    } = keys;
    let root = expect_context::<StudioRoot>();
    let actions = use_context::<JobActions>();
    let marks = use_context::<Marks>();
    let removals = use_context::<PendingRemovals>();
    let images = use_context::<ImageActions>();
    let selected = use_context::<SelectedJobs>();
    let dialog_open = move || {
        viewing.with_untracked(Option::is_some)
            || sheet.get_untracked()
            || selected.is_some_and(|s| s.comparing.get_untracked())
            || images.is_some_and(|i| i.enhancing.with_untracked(Option::is_some))
    };
    // Whether the job has an image to open, vary, edit or enhance.
    let has_image = move |id: &str| {
        jobs.with_untracked(|s| {
            s.get(id).is_some_and(|e| {
                e.job.status == JobStatus::Completed && !e.job.finished_without_image()
            })
        })
    };
    use_keydown(KeyLayer::Shortcut, move |ev| {
        if dialog_open() || is_typing(ev) {
            return false;
        }
        let held = Held {
            ctrl: ev.ctrl_key(),
            meta: ev.meta_key(),
            alt: ev.alt_key(),
        };
        let Some(does) = shortcut(&ev.key(), held) else {
            return false;
        };
        let cards = root.query_all(CARDS);
        let card = focused_card(ev);
        let at = card
            .as_ref()
            .and_then(|card| cards.iter().position(|c| c == card));
        if does.moves() {
            // Arrows scroll the page until a card has the focus; j and k start culling.
            if at.is_none() && ev.key().starts_with("Arrow") {
                return false;
            }
            let across = columns(cards.iter().map(|c| c.get_bounding_client_rect().top()));
            return match step(at, cards.len(), across, does) {
                Some(next) => {
                    focus_card(&cards[next]);
                    true
                }
                None => false,
            };
        }
        match does {
            Shortcut::Search => focus(root, "[data-testid='filter-search']"),
            Shortcut::Prompt => focus(root, "[data-testid='prompt-input']"),
            Shortcut::Help => {
                sheet.set(true);
                true
            }
            Shortcut::Unselect => match selected {
                Some(selected) if selected.selection.with_untracked(|s| !s.is_empty()) => {
                    selected.clear();
                    true
                }
                _ => false,
            },
            Shortcut::Undo => {
                let latest = removals
                    .and_then(|r| r.waiting.with_untracked(|w| w.latest().map(|l| l.batch)));
                match (removals, latest) {
                    (Some(removals), Some(batch)) => {
                        removals.undo.run(batch);
                        true
                    }
                    _ => false,
                }
            }
            _ => {
                let (Some(card), Some(at), Some(actions)) = (card, at, actions) else {
                    return false;
                };
                let Some(id) = card.get_attribute("data-job-id") else {
                    return false;
                };
                on_card(OnCard {
                    does,
                    id,
                    card: &card,
                    on_the_card_itself: ev
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
                        .is_some_and(|t| t == card),
                    actions,
                    marks,
                    images,
                    selected,
                    has_image: &has_image,
                    next: after_removal(at, cards.len()).map(|n| cards[n].clone()),
                })
            }
        }
    });
    // Back from the viewer: to the card of the image shown last, unless the viewer sent the
    // focus somewhere on purpose (the prompt, for an edit).
    Effect::new(move |was: Option<Option<String>>| {
        let now = viewing.with(|v| v.as_ref().map(|(id, _)| id.clone()));
        if let (Some(Some(id)), None) = (was, &now) {
            request_animation_frame(move || {
                let lost = gloo_utils::document()
                    .active_element()
                    .is_none_or(|active| {
                        Some(active) == gloo_utils::document().body().map(Into::into)
                    });
                if lost {
                    if let Some(card) = root.query(&format!("{CARDS}[data-job-id='{id}']")) {
                        focus_card(&card);
                    }
                }
            });
        }
        now
    });
}

/// A key on the focused card, and what it may reach.
struct OnCard<'a> {
    does: Shortcut,
    id: String,
    card: &'a web_sys::HtmlElement,
    /// Enter on one of the card's buttons is that button's.
    on_the_card_itself: bool,
    actions: JobActions,
    marks: Option<Marks>,
    images: Option<ImageActions>,
    selected: Option<SelectedJobs>,
    has_image: &'a dyn Fn(&str) -> bool,
    /// Where the focus goes when this card is removed.
    next: Option<web_sys::HtmlElement>,
}

/// Does what the key asks on the focused card; whether it did anything.
fn on_card(key: OnCard<'_>) -> bool {
    let OnCard {
        does,
        id,
        card,
        on_the_card_itself,
        actions,
        marks,
        images,
        selected,
        has_image,
        next,
    } = key;
    match does {
        Shortcut::Open if on_the_card_itself && has_image(&id) => actions.view.run((id, 0)),
        // Space on one of the card's buttons presses that button.
        Shortcut::Select if on_the_card_itself => match selected {
            Some(selected) => selected.pick(&id, false),
            None => return false,
        },
        Shortcut::Star => match marks {
            Some(marks) => marks.toggle_star.run(id),
            None => return false,
        },
        Shortcut::Board => {
            let menu = card.query_selector(".board-add").ok().flatten();
            let Some(menu) = menu.and_then(|m| m.dyn_into::<web_sys::HtmlDetailsElement>().ok())
            else {
                return false;
            };
            menu.set_open(true);
            // The field exists once the fold is open (this frame).
            let input = card
                .query_selector("[data-testid='board-name']")
                .ok()
                .flatten();
            if let Some(input) = input.and_then(|i| i.dyn_into::<web_sys::HtmlElement>().ok()) {
                let _ = input.focus();
            }
        }
        Shortcut::Remove => {
            // The focus moves on first, so it is not lost with the card.
            if let Some(next) = &next {
                focus_card(next);
            }
            actions.remove.run(id);
        }
        Shortcut::Reuse => actions.reuse.run(id),
        Shortcut::Vary if has_image(&id) => actions.vary_seed.run(id),
        Shortcut::Edit if has_image(&id) => match images {
            Some(images) => images.edit.run(id),
            None => return false,
        },
        Shortcut::Enhance if has_image(&id) => match images {
            Some(images) => images.enhancing.set(Some(id)),
            None => return false,
        },
        _ => return false,
    }
    true
}

/// The card the key was pressed in (on the card or on one of its buttons).
fn focused_card(ev: &web_sys::KeyboardEvent) -> Option<web_sys::HtmlElement> {
    let path = ev.composed_path();
    (0..path.length())
        .filter_map(|i| path.get(i).dyn_into::<web_sys::HtmlElement>().ok())
        .find(|element| element.get_attribute("data-testid").as_deref() == Some("job-card"))
}

fn focus_card(card: &web_sys::HtmlElement) {
    let _ = card.focus();
    let nearest = web_sys::ScrollIntoViewOptions::new();
    nearest.set_block(web_sys::ScrollLogicalPosition::Nearest);
    card.scroll_into_view_with_scroll_into_view_options(&nearest);
}

fn focus(root: StudioRoot, selector: &str) -> bool {
    match root.query(selector) {
        Some(element) => {
            element.scroll_into_view();
            element.focus().is_ok()
        }
        None => false,
    }
}
