use super::LocalCopies;
use crate::jobs::local_copies::CopyKey;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// What is shown for an image whose link no longer loads.
#[derive(Debug, Clone, PartialEq)]
pub enum Fallback {
    /// Asking the local copies.
    Looking,
    /// The local copy, as an object URL (revoked with the owner).
    Local(String),
    /// Neither the link nor a copy.
    Gone,
}

/// The images of one view (a card, the viewer) whose Krea link died, by job and image:
/// each is shown from the copy kept in the browser when there is one, or said to be gone.
/// The copies' object URLs are revoked when the owner goes away.
#[derive(Clone, Copy)]
pub struct CopyFallbacks {
    shown: RwSignal<BTreeMap<CopyKey, Fallback>>,
    copies: Option<LocalCopies>,
}

pub fn use_copy_fallbacks() -> CopyFallbacks {
    let shown = RwSignal::new(BTreeMap::<CopyKey, Fallback>::new());
    on_cleanup(move || {
        shown.try_with_untracked(|shown| shown.values().for_each(revoke));
    });
    CopyFallbacks {
        shown,
        copies: use_context::<LocalCopies>(),
    }
}

fn revoke(fallback: &Fallback) {
    if let Fallback::Local(url) = fallback {
        let _ = web_sys::Url::revoke_object_url(url);
    }
}

impl CopyFallbacks {
    /// The `<img>` of `key` did not load: its copy is looked for, once; if the copy itself
    /// does not load either, the image is gone.
    pub fn link_died(self, key: CopyKey) {
        let tried = self.shown.with_untracked(|s| s.contains_key(&key));
        let Some(copies) = self.copies.filter(|_| !tried) else {
            self.shown.update(|s| _ = s.insert(key, Fallback::Gone));
            return;
        };
        self.shown
            .update(|s| _ = s.insert(key.clone(), Fallback::Looking));
        let shown = self.shown;
        let at = key.clone();
        let found = Callback::new(move |url: Option<String>| {
            let now = url.map_or(Fallback::Gone, Fallback::Local);
            // The owner went away meanwhile: nobody will revoke it later.
            if shown
                .try_update(|s| _ = s.insert(at.clone(), now.clone()))
                .is_none()
            {
                revoke(&now);
            }
        });
        copies.show(key, found);
    }

    /// What is shown for `key` (tracked); `None` while its link loads.
    pub fn state(self, key: &CopyKey) -> Option<Fallback> {
        self.shown.with(|s| s.get(key).cloned())
    }

    /// The address to show for `key`: its copy once the link died, else `url`.
    pub fn src(self, key: &CopyKey, url: &str) -> String {
        match self.state(key) {
            Some(Fallback::Local(copy)) => copy,
            _ => url.to_owned(),
        }
    }
}
