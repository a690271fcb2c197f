//! A site owner puts `dist/` under a sub-path of a plain static host (no `krea-proxy
//! --serve`), with `config.json` naming a proxy on another origin, and a person generates.

use krea_e2e::{HostSite, Proxy, Stack};

#[tokio::test]
async fn the_built_app_works_under_a_sub_path_of_a_plain_static_host() {
    let host = HostSite::start().await;
    let dist = std::env::var("KREA_DIST").expect("KREA_DIST");
    host.folder("/studio/", dist.into());
    let api = Proxy::start(
        &[
            "--simulate",
            "--sim-job-ms",
            "800",
            "--allow-origin",
            &host.origin,
        ],
        &[],
    )
    .await;
    host.page(
        "/studio/config.json",
        &format!(r#"{{"proxy_url": "{}"}}"#, api.base),
        None,
    );
    // The browser needs some page of its own to start on; it is not the one tested.
    let idle = Proxy::start(&["--simulate"], &[]).await;
    let mut stack = Stack::builder().proxy(idle).start().await;
    stack.base = host.url("/studio");
    stack.open().await;
    stack.studio().generate("a harbour at night").await;
    let status = stack
        .text_when("job-status", |s| s.contains("Completed"))
        .await;
    assert!(status.contains("Completed"), "{status}");
    // The picture came through the proxy on the other origin.
    let image = stack.element("job-image").await;
    let src = image.attr("src").await.unwrap().unwrap_or_default();
    assert!(src.starts_with(&api.base), "{src}");
    stack.close().await;
}
