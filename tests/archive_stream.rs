//! An export that streams into the file a person chose: written as it goes through the File
//! System Access API's writable stream, never whole in memory, and read back whole. The
//! origin-private file system stands in for the picked file (the picker needs a person):
//! its handles give the same writable stream.
#![cfg(target_arch = "wasm32")]

use krea_studio::browser::SaveStream;
use krea_studio::jobs::archive::{self, ArchiveWriter};
use krea_studio::jobs::local_copies::CopyKey;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const JOB: &str = "4d0e5f97-9721-4422-b88c-73a9032d7de1";

async fn run(body: &str, arg: &JsValue) -> JsValue {
    let function = js_sys::Function::new_with_args("h", body);
    let promise: js_sys::Promise = function
        .call1(&JsValue::NULL, arg)
        .unwrap()
        .unchecked_into();
    JsFuture::from(promise).await.unwrap()
}

#[wasm_bindgen_test]
async fn an_archive_streams_into_a_chosen_file_and_reads_back_whole() {
    let handle = run(
        "return navigator.storage.getDirectory()
           .then(d => d.getFileHandle('stream-test.zip', {create: true}))",
        &JsValue::NULL,
    )
    .await;
    let file = SaveStream::of_handle(&handle).await.unwrap();
    assert_eq!(file.name, "stream-test.zip");
    let (mut writer, sink) = ArchiveWriter::streaming();
    let images: Vec<Vec<u8>> = (0..3u8)
        .map(|n| [&b"\xFF\xD8\xFF\xE0"[..], &vec![n; 50_000]].concat())
        .collect();
    for (n, image) in images.iter().enumerate() {
        writer.add_image(&CopyKey::new(JOB, n), image).unwrap();
        let ready = sink.take();
        assert!(ready.len() < 51_000, "one image at a time: {}", ready.len());
        file.write(&ready).await.unwrap();
    }
    writer.finish_into("{\"jobs\": []}").unwrap();
    file.write(&sink.take()).await.unwrap();
    file.close().await.unwrap();

    let buffer = run("return h.getFile().then(f => f.arrayBuffer())", &handle).await;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    let archive = archive::read(&bytes).expect("a whole archive");
    assert_eq!(archive.history, "{\"jobs\": []}");
    assert_eq!(archive.images.len(), 3);
    assert_eq!(archive.images[1], (CopyKey::new(JOB, 1), images[1].clone()));
}
