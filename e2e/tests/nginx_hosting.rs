//! The README's nginx recipe, as written, serves the built app with Debian's nginx: under a
//! sub-path and at a site's root. A person generates, and a part loaded on first use
//! arrives too (its module is served with the type the browser needs to compile it).

use krea_e2e::{copy_folder, readme_recipe, Nginx, Proxy, Stack};
use std::path::Path;

/// Hosts a copy of `dist/` the way the recipe says (`site` holds what nginx's `root` names),
/// opens it at `path`, and generates.
async fn generate_through(recipe: String, site: &Path, studio: &Path, path: &str) {
    let _ = std::fs::remove_dir_all(site);
    copy_folder(
        Path::new(&std::env::var("KREA_DIST").expect("KREA_DIST")),
        studio,
    );
    let nginx = Nginx::start(&recipe).await;
    let api = Proxy::start(
        &[
            "--simulate",
            "--sim-job-ms",
            "800",
            "--allow-origin",
            &nginx.origin,
        ],
        &[],
    )
    .await;
    std::fs::write(
        studio.join("config.json"),
        format!(r#"{{"proxy_url": "{}"}}"#, api.base),
    )
    .unwrap();
    let idle = Proxy::start(&["--simulate"], &[]).await;
    let mut stack = Stack::builder().proxy(idle).start().await;
    stack.base = format!("{}{path}", nginx.origin);
    stack.open().await;
    stack.studio().generate("a lighthouse in fog").await;
    let status = stack
        .text_when("job-status", |s| s.contains("Completed"))
        .await;
    assert!(status.contains("Completed"), "{status}");
    stack.toggle_settings().await;
    stack.element("proxy-url").await;
    // The precompressed copies were served (`gzip_static`): the wasm came compressed.
    let sizes = stack
        .eval(
            "const wasm = performance.getEntriesByType('resource')
                 .find(e => e.name.endsWith('_bg.wasm'));
             return [wasm.encodedBodySize, wasm.decodedBodySize];",
        )
        .await;
    let (encoded, decoded) = (sizes[0].as_f64().unwrap(), sizes[1].as_f64().unwrap());
    assert!(encoded < decoded / 2.0, "{encoded} of {decoded} bytes");
    stack.close().await;
    let _ = std::fs::remove_dir_all(site);
}

#[tokio::test]
async fn the_readme_nginx_recipe_serves_the_studio_under_a_sub_path() {
    let site = std::env::temp_dir().join(format!("krea-www-sub-{}", std::process::id()));
    let recipe = readme_recipe().replace("root /srv/www;", &format!("root {};", site.display()));
    generate_through(recipe, &site, &site.join("studio"), "/studio").await;
}

#[tokio::test]
async fn the_readme_nginx_recipe_serves_the_studio_at_a_site_root() {
    // The README: at the root, `location /`, `/embed/` and `root` naming the studio's folder.
    let site = std::env::temp_dir().join(format!("krea-www-root-{}", std::process::id()));
    let recipe = readme_recipe()
        .replace("location /studio/embed/", "location /embed/")
        .replace("location /studio/", "location /")
        .replace("root /srv/www;", &format!("root {};", site.display()));
    generate_through(recipe, &site, &site, "").await;
}
