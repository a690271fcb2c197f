//! Browser primitives: timers, listeners, the page's state, stored values and one request
//! at a time. Each owns its resource and releases it when its owner is disposed.

mod request_slot;
mod use_after_paint;
mod use_clock;
mod use_dialog_focus;
mod use_idle_prefetch;
mod use_interval_while;
mod use_keydown;
mod use_leave_warning;
mod use_page_state;
mod use_ready_mark;
mod use_stored;

pub use request_slot::RequestSlot;
pub use use_after_paint::use_after_paint;
pub use use_clock::use_clock;
pub use use_dialog_focus::{use_dialog_focus, FocusAfter};
pub use use_idle_prefetch::{use_idle_prefetch, FirstScreenShown};
pub use use_interval_while::use_interval_while;
pub use use_keydown::{is_typing, use_keydown, KeyLayer};
pub use use_leave_warning::use_leave_warning;
pub use use_page_state::{use_page_state, PageState};
pub use use_ready_mark::{use_ready_mark, READY_MARK};
pub use use_stored::{browser_storage, use_stored, Kept};
