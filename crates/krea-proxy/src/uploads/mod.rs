//! Images a caller uploads to Krea's asset library (`POST /assets`): the rules an upload
//! meets before anything is forwarded ([`form`]), and whose assets are whose on a shared
//! proxy ([`AssetOwners`]).

pub mod form;

use crate::error::ProxyError;
use crate::ownership::{OwnedPage, Ownership, Unanswered};
use std::time::Duration;

/// The longest description passed on.
pub const DESCRIPTION_CHARS: usize = 2000;

/// What an upload may be, as the flags set it.
#[derive(Debug, Clone)]
pub struct UploadRules {
    /// The largest file, in bytes (`--upload-limit-mb`).
    pub max_bytes: u64,
    /// The longest wait for the next bytes (`--upload-idle-secs`).
    pub idle: Duration,
}

impl UploadRules {
    pub fn from_megabytes(megabytes: u64, idle: Duration) -> Self {
        UploadRules {
            max_bytes: megabytes * 1024 * 1024,
            idle,
        }
    }

    /// 413, with the limit in words.
    pub fn too_large(&self) -> ProxyError {
        ProxyError::PayloadTooLarge(
            format!(
                "The file is larger than this proxy takes: at most {} MB per upload",
                self.max_bytes / (1024 * 1024)
            )
            .into(),
        )
    }
}

/// Who uploaded which asset, kept in the proxy's ownership store beside the jobs: assets
/// under their own names, so a caller's jobs and assets never mix in a listing.
pub struct AssetOwners<'a>(pub &'a dyn Ownership);

impl AssetOwners<'_> {
    /// The name an asset's owner is kept under.
    pub fn id(asset_id: &str) -> String {
        format!("asset:{asset_id}")
    }

    /// The owner an asset is kept under for `caller`.
    pub fn caller(caller: &str) -> String {
        format!("assets\u{1e}{caller}")
    }

    pub async fn is_owner(&self, asset_id: &str, caller: &str) -> Result<bool, Unanswered> {
        let owner = self.0.owner(&Self::id(asset_id)).await?;
        Ok(owner.as_deref() == Some(Self::caller(caller).as_str()))
    }

    /// Up to `limit` of the caller's assets uploaded before `before`, newest first.
    pub async fn page(&self, caller: &str, before: Option<&str>, limit: usize) -> OwnedPage {
        let mut page = self.0.page(&Self::caller(caller), before, limit).await;
        for (_, id) in &mut page.jobs {
            if let Some(asset) = id.strip_prefix("asset:") {
                *id = asset.to_owned();
            }
        }
        page
    }
}
