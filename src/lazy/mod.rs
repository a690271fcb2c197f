//! Parts of the studio that a first visit does not need, loaded on first use.
//!
//! The release build (`cargo xtask dist`) compiles with `--cfg krea_split`: each part
//! declared with [`lazy_part!`] becomes its own wasm module, fetched the first time the
//! part is shown, or earlier when the page is idle ([`prefetch`]). Every other build (dev,
//! tests) compiles the same code into the one module, and a part is then ready at once.

mod prefetch;

pub use prefetch::prefetch;

/// A part's module could not be fetched (offline, or the site was redeployed under it).
/// Nothing is cached about the failure: asking again fetches again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("this part of the studio could not be loaded")]
pub struct PartMissing;

#[cfg(krea_split)]
impl From<leptos::wasm_split::SplitLoaderError> for PartMissing {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        PartMissing
    }
}

/// Declares a function whose body loads on first use:
///
/// ```ignore
/// lazy_part! { settings, preload_settings:
///     pub(crate) fn settings_body(settings: RwSignal<Settings>) -> AnyView { … }
/// }
/// ```
///
/// gives `async fn settings_body(…) -> Result<AnyView, PartMissing>`, and
/// `async fn preload_settings() -> Result<(), PartMissing>`, which fetches the part
/// without running it. Functions that name the same part (`settings`) share one module,
/// fetched in one request. Arguments must be concrete types (no generics, no `self`).
#[macro_export]
macro_rules! lazy_part {
    ($part:ident, $preload:ident:
        $(#[$attr:meta])*
        $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $out:ty $body:block
    ) => {
        #[cfg(krea_split)]
        $(#[$attr])*
        #[::leptos::wasm_split::wasm_split(
            $part,
            wasm_split_path = ::leptos::wasm_split,
            fallible,
            preload(#[allow(dead_code)] $preload)
        )]
        $vis fn $name($($arg: $ty),*) -> ::core::result::Result<$out, $crate::lazy::PartMissing> {
            ::core::result::Result::Ok($body)
        }

        #[cfg(not(krea_split))]
        $(#[$attr])*
        $vis async fn $name($($arg: $ty),*) -> ::core::result::Result<$out, $crate::lazy::PartMissing> {
            ::core::result::Result::Ok($body)
        }

        /// Nothing to fetch: this build has every part in the one module.
        #[cfg(not(krea_split))]
        #[allow(dead_code)]
        $vis async fn $preload() -> ::core::result::Result<(), $crate::lazy::PartMissing> {
            ::core::result::Result::Ok(())
        }
    };
}
