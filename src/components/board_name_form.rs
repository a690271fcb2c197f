use crate::hooks::{tr, use_texts};
use crate::i18n::{board_name_error_text, Texts};
use crate::jobs::boards::{board_name, BoardNameError};
use leptos::prelude::*;

/// A board's name, typed and added (on a card, in the viewer, for a selection): the name is
/// made the one kept ([`board_name`]) as it is sent, a refused one is said beside the field,
/// and an existing board is offered as the person types (the studio's `krea-boards` list).
#[component]
pub fn BoardNameForm(
    /// Runs with the name as kept, once it is accepted.
    on_add: Callback<String>,
    /// The `data-testid`s of the field, its button and its error line.
    test_ids: [&'static str; 3],
    /// The field's placeholder.
    placeholder: fn(&Texts) -> &'static str,
    #[prop(optional)] class: &'static str,
) -> impl IntoView {
    let t = use_texts();
    let [field_id, button_id, error_id] = test_ids;
    let typed = RwSignal::new(String::new());
    let error = RwSignal::new(None::<BoardNameError>);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match board_name(&typed.get_untracked()) {
            Ok(board) => {
                typed.set(String::new());
                error.set(None);
                on_add.run(board);
            }
            Err(why) => error.set(Some(why)),
        }
    };
    view! {
        <form class=class on:submit=add>
            <input
                type="text"
                list="krea-boards"
                data-testid=field_id
                aria-label=tr(t, |t| t.board_name)
                placeholder=tr(t, placeholder)
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                prop:value=typed
                on:input=move |ev| {
                    typed.set(event_target_value(&ev));
                    error.set(None);
                }
            />
            <button type="submit" data-testid=button_id>{tr(t, |t| t.add)}</button>
            <p class="field-error" data-testid=error_id role="alert">
                {move || error.get().map(|why| board_name_error_text(why, t.get()))}
            </p>
        </form>
    }
}
