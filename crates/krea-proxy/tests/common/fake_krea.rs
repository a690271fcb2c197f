//! One stand-in for Krea that a test configures: it answers every request with the answer
//! set now (a job, an error, a compressed body, or nothing for a while) and remembers
//! every request it was sent, so a test can check what the proxy passed on.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use axum::Router;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as it reached the stand-in.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: Method,
    /// Path and query.
    pub uri: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// What the stand-in answers.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: Vec<(&'static str, String)>,
    pub body: Bytes,
    /// How long it waits before answering.
    pub delay: Duration,
}

impl Answer {
    /// A job as Krea answers it, `application/json`.
    pub fn job(job_id: &str, status: &str) -> Answer {
        Answer::json(
            StatusCode::OK,
            serde_json::json!({
                "job_id": job_id,
                "status": status,
                "created_at": "2026-11-22T10:00:00Z",
                "completed_at": null,
                "result": null,
            }),
        )
    }

    pub fn json(status: StatusCode, body: serde_json::Value) -> Answer {
        Answer {
            status,
            headers: vec![("content-type", "application/json".to_owned())],
            body: Bytes::from(body.to_string()),
            delay: Duration::ZERO,
        }
    }

    pub fn header(mut self, name: &'static str, value: &str) -> Answer {
        self.headers.push((name, value.to_owned()));
        self
    }

    pub fn body(mut self, body: impl Into<Bytes>) -> Answer {
        self.body = body.into();
        self
    }

    pub fn after(mut self, delay: Duration) -> Answer {
        self.delay = delay;
        self
    }
}

#[derive(Clone)]
struct Shared {
    answer: Arc<Mutex<Answer>>,
    seen: Arc<Mutex<Vec<Seen>>>,
    broken: Arc<std::sync::atomic::AtomicUsize>,
}

/// A running stand-in.
pub struct FakeKrea {
    pub url: String,
    shared: Shared,
}

impl FakeKrea {
    pub async fn start(answer: Answer) -> FakeKrea {
        let shared = Shared {
            answer: Arc::new(Mutex::new(answer)),
            seen: Arc::default(),
            broken: Arc::default(),
        };
        let router = Router::new()
            .fallback(
                |State(shared): State<Shared>, request: Request| async move {
                    let (parts, body) = request.into_parts();
                    // A body cut off on the way is no request Krea would act on.
                    let Ok(body) = axum::body::to_bytes(body, usize::MAX).await else {
                        shared
                            .broken
                            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        return Response::builder()
                            .status(StatusCode::BAD_REQUEST)
                            .body(Body::from("the body broke off"))
                            .unwrap();
                    };
                    shared.seen.lock().unwrap().push(Seen {
                        method: parts.method,
                        uri: parts.uri.to_string(),
                        headers: parts.headers,
                        body,
                    });
                    let answer = shared.answer.lock().unwrap().clone();
                    tokio::time::sleep(answer.delay).await;
                    let mut response = Response::builder().status(answer.status);
                    for (name, value) in &answer.headers {
                        response = response.header(*name, value);
                    }
                    response.body(Body::from(answer.body)).unwrap()
                },
            )
            .with_state(shared.clone());
        FakeKrea {
            url: super::serve(router).await,
            shared,
        }
    }

    /// Every request so far, oldest first.
    pub fn seen(&self) -> Vec<Seen> {
        self.shared.seen.lock().unwrap().clone()
    }

    /// Requests whose body broke off on the way (never acted on).
    pub fn broken(&self) -> usize {
        self.shared.broken.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Answers `answer` from now on.
    pub fn answer(&self, answer: Answer) {
        *self.shared.answer.lock().unwrap() = answer;
    }
}
