//! The local copies' store in a real browser: Cache Storage keeps each copy under an
//! address that carries its size and age, so the cache's own list is the index; a limit
//! removes the oldest non-favourite copies; a copy reads back as the same bytes; and the
//! browser's refusal for lack of room is told apart from other refusals.
#![cfg(target_arch = "wasm32")]

use krea_studio::copy_cache::{CopyCache, CopyError};
use krea_studio::jobs::local_copies::{CopyIndex, CopyKey};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// An image-sized blob of `bytes` bytes, each `fill`.
fn blob(bytes: usize, fill: u8) -> web_sys::Blob {
    let data = js_sys::Uint8Array::from(vec![fill; bytes].as_slice());
    let parts = js_sys::Array::of1(&data);
    web_sys::Blob::new_with_u8_array_sequence(&parts).unwrap()
}

/// A cache of its own per test, emptied first.
async fn fresh(name: &str) -> CopyCache {
    let caches = gloo_utils::window().caches().unwrap();
    JsFuture::from(caches.delete(name)).await.unwrap();
    CopyCache::open(name).await.unwrap()
}

#[wasm_bindgen_test]
async fn the_caches_list_is_the_index_and_a_limit_removes_the_oldest_non_favourites() {
    let cache = fresh("test.copies.limit").await;
    let jobs = ["old-star", "old", "newer", "newest"];
    for (n, job) in jobs.iter().enumerate() {
        cache
            .put(
                &CopyKey::new(job, 0),
                &blob(1_000, n as u8),
                n as f64 * 1_000.0,
            )
            .await
            .unwrap();
    }
    let addresses = cache.addresses().await.unwrap();
    let (index, doubles) = CopyIndex::from_addresses(addresses.iter().map(String::as_str));
    assert!(doubles.is_empty());
    assert_eq!((index.len(), index.bytes()), (4, 4_000));

    // Room for two: the starred one stays, so the two oldest of the rest go.
    let (gone, over) = index.to_evict(2_000, |id| id == "old-star");
    assert_eq!(gone, vec![CopyKey::new("old", 0), CopyKey::new("newer", 0)]);
    assert!(!over);
    for key in &gone {
        cache.delete(key).await.unwrap();
    }
    let left = cache.addresses().await.unwrap();
    let (index, _) = CopyIndex::from_addresses(left.iter().map(String::as_str));
    assert_eq!(index.len(), 2);
    assert!(index.has(&CopyKey::new("old-star", 0)) && index.has(&CopyKey::new("newest", 0)));
}

#[wasm_bindgen_test]
async fn a_copy_reads_back_as_the_same_bytes_and_a_missing_one_is_none() {
    let cache = fresh("test.copies.read").await;
    let key = CopyKey::new("4d0e5f97-9721-4422-b88c-000000000001", 1);
    let facts = cache.put(&key, &blob(2_345, 7), 1.0).await.unwrap();
    assert_eq!(facts.bytes, 2_345);
    let copy = cache.blob(&key).await.unwrap().expect("a copy");
    let url = web_sys::Url::create_object_url_with_blob(&copy).unwrap();
    assert!(url.starts_with("blob:"), "{url}");
    let response: web_sys::Response = JsFuture::from(gloo_utils::window().fetch_with_str(&url))
        .await
        .unwrap()
        .unchecked_into();
    let buffer = JsFuture::from(response.array_buffer().unwrap())
        .await
        .unwrap();
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    assert_eq!(bytes, vec![7; 2_345]);
    web_sys::Url::revoke_object_url(&url).unwrap();

    assert!(cache
        .blob(&CopyKey::new("other", 0))
        .await
        .unwrap()
        .is_none());
    cache.delete(&key).await.unwrap();
    assert!(cache.blob(&key).await.unwrap().is_none());
}

#[wasm_bindgen_test]
fn a_full_disk_is_said_as_such_and_other_refusals_keep_their_words() {
    let full =
        web_sys::DomException::new_with_message_and_name("no room", "QuotaExceededError").unwrap();
    assert_eq!(CopyError::of(full.into()), CopyError::Full);
    assert_eq!(
        CopyError::Full.to_string(),
        "the browser's storage for this site is full"
    );
    let blocked =
        web_sys::DomException::new_with_message_and_name("blocked", "SecurityError").unwrap();
    assert_eq!(CopyError::of(blocked.into()), CopyError::Unavailable);
    let other = js_sys::Error::new("something else");
    assert_eq!(
        CopyError::of(other.into()),
        CopyError::Refused("something else".into())
    );
}
