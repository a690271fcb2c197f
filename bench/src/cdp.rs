//! Chrome DevTools Protocol commands through ChromeDriver's `goog/cdp/execute` endpoint:
//! throttling, cache and storage control, and the browser's own performance metrics.

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::Client;
use serde_json::{json, Value};

#[derive(Debug)]
struct Execute {
    cmd: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for Execute {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// Runs one DevTools command and returns its result.
pub async fn send(browser: &Client, cmd: &'static str, params: Value) -> Value {
    browser
        .issue_cmd(Execute { cmd, params })
        .await
        .unwrap_or_else(|e| panic!("{cmd}: {e}"))
}

/// The network and CPU of a slow phone: Fast-3G-like (1.6 Mbps down, 150 ms round trip)
/// with the CPU 4× slower; `None` lifts both.
pub async fn throttle(browser: &Client, on: bool) {
    send(browser, "Network.enable", json!({})).await;
    let (latency, down, up, cpu) = if on {
        (150, 1_600_000 / 8, 750_000 / 8, 4)
    } else {
        (0, -1, -1, 1)
    };
    send(
        browser,
        "Network.emulateNetworkConditions",
        json!({ "offline": false, "latency": latency,
                "downloadThroughput": down, "uploadThroughput": up }),
    )
    .await;
    send(
        browser,
        "Emulation.setCPUThrottlingRate",
        json!({ "rate": cpu }),
    )
    .await;
}

/// Nothing cached and nothing stored for `origin`: the next load is a first visit.
pub async fn forget(browser: &Client, origin: &str) {
    send(browser, "Network.clearBrowserCache", json!({})).await;
    send(
        browser,
        "Storage.clearDataForOrigin",
        json!({ "origin": origin, "storageTypes": "all" }),
    )
    .await;
}

/// Runs `source` in every document before its own scripts.
pub async fn before_every_page(browser: &Client, source: &str) {
    send(browser, "Page.enable", json!({})).await;
    send(
        browser,
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": source }),
    )
    .await;
}

/// The main thread's busy time so far (seconds), as the browser counts it.
pub async fn task_seconds(browser: &Client) -> f64 {
    send(browser, "Performance.enable", json!({})).await;
    let metrics = send(browser, "Performance.getMetrics", json!({})).await;
    metrics["metrics"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|m| m["name"] == "TaskDuration")
        .and_then(|m| m["value"].as_f64())
        .unwrap_or(f64::NAN)
}
