//! Debian's nginx serving a copy of `dist/` with the README's own host recipe, as a site
//! owner would deploy it (installed by `cargo xtask test` when missing).

use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::process::{Child, Command};

/// The nginx `location` block the README gives for hosting the studio under `/studio/`.
pub fn readme_recipe() -> String {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("the README");
    let start = readme
        .find("- **nginx**")
        .and_then(|at| readme[at..].find("```nginx").map(|found| at + found + 8))
        .expect("the README's nginx recipe");
    let end = readme[start..].find("```").expect("the recipe's end") + start;
    readme[start..end].to_owned()
}

/// How nginx runs: one process (tests: killing it stops everything), or a master with a
/// worker per core (the bench's forwarding comparison; stop it with SIGTERM).
pub enum Processes {
    One,
    PerCore,
}

/// An `nginx.conf` that keeps every file under `work`, logs only errors, to stderr, and
/// serves `server` (the inside of a `server` block) on 127.0.0.1:`port`; `http`: more
/// `http`-level lines.
pub fn nginx_config(
    work: &Path,
    port: u16,
    processes: Processes,
    http: &str,
    server: &str,
) -> String {
    let processes = match processes {
        Processes::One => "master_process off;",
        Processes::PerCore => "worker_processes auto;",
    };
    format!(
        "daemon off;
{processes}
pid {work}/nginx.pid;
error_log stderr error;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {work}/body;
  proxy_temp_path {work}/proxy;
  fastcgi_temp_path {work}/fastcgi;
  uwsgi_temp_path {work}/uwsgi;
  scgi_temp_path {work}/scgi;
{http}
  server {{
    listen 127.0.0.1:{port};
{server}
  }}
}}
",
        work = work.display()
    )
}

/// A running nginx, stopped when dropped. One process (`master_process off`): killing a
/// master would leave its workers running, holding the port and the test's output open.
pub struct Nginx {
    pub origin: String,
    child: Child,
    work: PathBuf,
}

impl Nginx {
    /// nginx on a free port of 127.0.0.1 with `server` (a `location` block) as its site.
    pub async fn start(server: &str) -> Nginx {
        let binary = Path::new("/usr/sbin/nginx");
        assert!(
            binary.exists(),
            "nginx is missing: `cargo xtask test` installs Debian's nginx-light"
        );
        let port = super::free_port().await;
        let work = std::env::temp_dir().join(format!("krea-nginx-{port}"));
        std::fs::create_dir_all(&work).unwrap();
        let config = nginx_config(
            &work,
            port,
            Processes::One,
            "  include /etc/nginx/mime.types;",
            server,
        );
        let file = work.join("nginx.conf");
        std::fs::write(&file, config).unwrap();
        let child = Command::new(binary)
            .arg("-c")
            .arg(&file)
            .arg("-p")
            .arg(&work)
            .kill_on_drop(true)
            .spawn()
            .expect("nginx starts");
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Nginx {
            origin: format!("http://127.0.0.1:{port}"),
            child,
            work,
        }
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
        let _ = std::fs::remove_dir_all(&self.work);
    }
}
