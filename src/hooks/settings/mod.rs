//! The person's settings: proxy, access key, theme, language, and the form's draft.

mod use_access_key;
mod use_form_draft;
mod use_locale;
mod use_settings;
mod use_theme;

pub use use_access_key::use_access_key;
pub use use_form_draft::use_form_draft;
pub use use_locale::{tr, use_locale, use_locale_context, use_texts, CurrentLocale};
pub use use_settings::use_settings;
pub use use_theme::use_theme;
