//! The personal monthly budget's warning, in the header: at 80 % and at 100 % of it. It
//! refuses nothing; the proxy's budgets are the ones that do.

use crate::browser;
use crate::hooks::{use_locale_context, use_texts, LiveJobs};
use crate::i18n::{fill, Formatter, IntlFormat};
use crate::jobs::spending::{budget_level, month_usd, BudgetLevel};
use crate::settings::Settings;
use krea_api::Models;
use leptos::prelude::*;

#[component]
pub fn BudgetWarning(
    jobs: LiveJobs,
    models: ReadSignal<Models>,
    settings: RwSignal<Settings>,
) -> impl IntoView {
    let t = use_texts();
    let locale = use_locale_context();
    // Without a budget the history is not read at all.
    let standing = Memo::new(move |_| {
        let budget = settings.with(|s| s.monthly_budget_usd)?;
        let (today, offset) = browser::local_today();
        let spent = models.with(|m| jobs.with_list(|s| month_usd(s.entries(), m, today, offset)));
        Some((budget_level(spent, Some(budget)), spent, budget))
    });
    let words = move || {
        let (level, spent, budget) = standing.get()?;
        let (text, percent) = match level {
            BudgetLevel::Fine => return None,
            BudgetLevel::Near { percent } => (t.get().budget_near, percent),
            BudgetLevel::Reached { percent } => (t.get().budget_reached, percent),
        };
        let f = IntlFormat::of(locale.get());
        Some(fill(
            text,
            &[
                ("percent", &percent.to_string()),
                ("spent", &f.usd(spent)),
                ("budget", &f.usd(budget)),
            ],
        ))
    };
    let reached = move || matches!(standing.get(), Some((BudgetLevel::Reached { .. }, _, _)));
    view! {
        <p class="budget-warning" class:reached=reached data-testid="budget-warning" role="status">
            {words}
        </p>
    }
}
