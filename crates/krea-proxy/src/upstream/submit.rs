//! Sending a generate request to Krea so that it is billed at most once per key, and so
//! that a lost answer is found again rather than orphaned.
//!
//! Generate requests go upstream one at a time. Krea answers them in well under a second,
//! and it buys certainty: when an answer is lost (a timeout, a reset, a broken or 5xx body),
//! the only job this proxy can have made in that window is the one it is looking for. It
//! looks with `GET /jobs` (newest first): no unreported job there means Krea made none, and
//! the request may be sent again; exactly one means that is the job; more than one (another
//! client of the same Krea account was busy) means it cannot tell, and it says so.

use crate::error::{ProxyError, OUTCOME_HEADER};
use crate::idempotency::{Claim, IdempotencyStore, Outcome, Window};
use crate::upstream::{Answer, Forward, Upstream};
use axum::body::Bytes;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use krea_api::{Job, JobList};
use std::time::{Duration, SystemTime};
use tokio::sync::Mutex;

/// How far Krea's clock may be from ours when looking for a job by its creation time.
const CLOCK_SKEW: Duration = Duration::from_secs(1);
/// Tries at listing jobs before the outcome is left unknown.
const LOOK_ATTEMPTS: u32 = 6;

pub struct Submits {
    pub store: Box<dyn IdempotencyStore>,
    /// One generate request upstream at a time (see the module's notes). It guards
    /// whether the jobs already at Krea were noted.
    one_at_a_time: Mutex<Baseline>,
}

/// Whether the jobs Krea already held when this proxy first sent one were noted as not
/// ours. Without that, a proxy restarted (or a replica started) just after another one
/// made jobs would see those jobs in its first lookup's window and could not tell.
#[derive(Default)]
struct Baseline {
    noted: bool,
}

/// How a generate request's job was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// Krea made it for this request.
    Made,
    /// An earlier request with the same key made it.
    Replayed,
    /// Krea made it, its answer was lost, and the proxy found it again.
    Found,
}

/// A job a generate request is answered with.
pub struct Submitted {
    pub job: Job,
    /// The answer to pass on: Krea's own, or the job as found or replayed.
    pub answer: Answer,
    pub how: How,
}

/// A generate request that is not answered with a job.
pub enum SubmitError {
    /// No job was made: the proxy refused before sending (the key is busy, or was used for
    /// another request), Krea refused, or Krea's lost answer made no job.
    NotMade(Failure),
    /// Krea's answer was lost and the proxy cannot tell whether it made a job.
    Unknown,
}

/// What to tell the caller of a request that made no job.
pub enum Failure {
    Proxy(ProxyError),
    /// Krea's own answer, passed on.
    Krea(Box<Answer>),
}

impl IntoResponse for Submitted {
    fn into_response(self) -> Response {
        let how = match self.how {
            How::Made => None,
            How::Replayed => Some("replayed"),
            How::Found => Some("found"),
        };
        let mut response = self.answer.into_response();
        if let Some(how) = how {
            response
                .headers_mut()
                .insert(OUTCOME_HEADER, HeaderValue::from_static(how));
        }
        response
    }
}

impl IntoResponse for SubmitError {
    fn into_response(self) -> Response {
        match self {
            SubmitError::NotMade(Failure::Proxy(error)) => error.into_response(),
            SubmitError::NotMade(Failure::Krea(answer)) => answer.into_response(),
            SubmitError::Unknown => ProxyError::BadGateway {
                message: "Krea's answer was lost and the proxy could not tell whether it made \
                          the job; send the same request again with the same Idempotency-Key \
                          to look again"
                    .into(),
                outcome: Some("unknown"),
            }
            .into_response(),
        }
    }
}

/// What looking for a lost job found.
enum Found {
    Job(Job),
    Nothing,
    CannotTell,
}

impl Submits {
    pub fn new(store: Box<dyn IdempotencyStore>) -> Self {
        Submits {
            store,
            one_at_a_time: Mutex::new(Baseline::default()),
        }
    }

    /// Sends `forward` (a generate request) unless `key` already made a job, and answers
    /// what Krea made.
    pub async fn submit(
        &self,
        upstream: &Upstream,
        key: Option<(&str, crate::idempotency::Fingerprint)>,
        forward: Forward,
    ) -> Result<Submitted, SubmitError> {
        let refused = |error| Err(SubmitError::NotMade(Failure::Proxy(error)));
        if let Some((key, fingerprint)) = key {
            match self.store.claim(key, fingerprint).await {
                Claim::Fresh => {}
                Claim::Replay(body) => return replayed(body),
                Claim::InFlight => {
                    return refused(ProxyError::Conflict {
                        message: "A request with this Idempotency-Key is still being handled; \
                                  send it again in a moment"
                            .into(),
                        retry_after: Duration::from_secs(1),
                    })
                }
                Claim::Unavailable => {
                    return refused(ProxyError::Unavailable(
                        "The proxy cannot check its limits right now (its state store does \
                         not answer); nothing was sent, try again in a moment"
                            .into(),
                    ))
                }
                Claim::Mismatch => {
                    return refused(ProxyError::Unprocessable(
                        "This Idempotency-Key was already used for a different request".into(),
                    ))
                }
                Claim::Unsettled(window) => {
                    let _turn = self.one_at_a_time.lock().await;
                    match self.look_for_job(upstream, &forward, window).await {
                        Found::Job(job) => return Ok(self.found(Some(key), job).await),
                        Found::CannotTell => return Err(self.cannot_tell(key, window).await),
                        // Krea never made it: this request goes ahead as a fresh one.
                        Found::Nothing => {}
                    }
                }
            }
        }
        let key = key.map(|(key, _)| key);
        let mut turn = self.one_at_a_time.lock().await;
        if !turn.noted {
            turn.noted = self.note_jobs_already_there(upstream, &forward).await;
        }
        let sent_at = now_nanos();
        let look_again = forward.clone();
        let answer = upstream.exchange(forward).await;
        let lost = match answer {
            Ok(answer) if answer.status == StatusCode::OK => {
                match serde_json::from_slice::<Job>(&answer.body) {
                    Ok(job) => {
                        self.store.remember_job(&job.job_id).await;
                        if let Some(key) = key {
                            self.store
                                .settle(key, Outcome::Created(answer.body.clone()))
                                .await;
                        }
                        return Ok(Submitted {
                            job,
                            answer,
                            how: How::Made,
                        });
                    }
                    Err(_) => None,
                }
            }
            // Krea refused it (bad body, no balance, too many jobs…): nothing was made.
            Ok(answer) if answer.status.is_client_error() => {
                if let Some(key) = key {
                    self.store.settle(key, Outcome::NotCreated).await;
                }
                return Err(SubmitError::NotMade(Failure::Krea(Box::new(answer))));
            }
            // A 5xx may come after the job was made.
            Ok(answer) => Some(Failure::Krea(Box::new(answer))),
            Err(lost) => Some(Failure::Proxy(ProxyError::from(lost))),
        };
        let window = Window {
            sent_at,
            judged_at: now_nanos(),
        };
        match self.look_for_job(upstream, &look_again, window).await {
            Found::Job(job) => Ok(self.found(key, job).await),
            Found::Nothing => {
                if let Some(key) = key {
                    self.store.settle(key, Outcome::NotCreated).await;
                }
                Err(SubmitError::NotMade(not_created(lost)))
            }
            Found::CannotTell => Err(match key {
                Some(key) => self.cannot_tell(key, window).await,
                None => SubmitError::Unknown,
            }),
        }
    }

    /// Notes the jobs Krea made in the lookup window before this proxy's first send: they
    /// are someone else's. Returns whether Krea answered (if not, the next send tries again;
    /// meanwhile a lookup can only be less sure, never wrong).
    async fn note_jobs_already_there(&self, upstream: &Upstream, like: &Forward) -> bool {
        let from = now_nanos() - CLOCK_SKEW.as_nanos() as i128;
        let Some(listed) = list_created_since(upstream, like, from).await else {
            return false;
        };
        for job in listed {
            self.store.remember_job(&job.job_id).await;
        }
        true
    }

    /// Answers with a job whose first answer was lost, and remembers it for the key.
    async fn found(&self, key: Option<&str>, job: Job) -> Submitted {
        tracing::info!(job = %job.job_id, "a lost answer from Krea was found again");
        let body = Bytes::from(serde_json::to_vec(&job).unwrap_or_default());
        self.store.remember_job(&job.job_id).await;
        if let Some(key) = key {
            self.store.settle(key, Outcome::Created(body.clone())).await;
        }
        Submitted {
            job,
            answer: job_answer(body),
            how: How::Found,
        }
    }

    async fn cannot_tell(&self, key: &str, window: Window) -> SubmitError {
        tracing::warn!("a lost answer from Krea could not be matched to one job");
        self.store.settle(key, Outcome::Unknown(window)).await;
        SubmitError::Unknown
    }

    /// Jobs created in the window that this proxy never handed out.
    async fn look_for_job(&self, upstream: &Upstream, like: &Forward, window: Window) -> Found {
        let skew = CLOCK_SKEW.as_nanos() as i128;
        let (from, to) = (window.sent_at - skew, window.judged_at + skew);
        for attempt in 0..LOOK_ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(100 << attempt)).await;
            }
            let Some(listed) = list_created_since(upstream, like, from).await else {
                continue;
            };
            let mut unreported = Vec::new();
            for job in listed {
                let created = created_nanos(&job.created_at);
                let in_window = created.is_some_and(|at| (from..=to).contains(&at));
                if in_window && !self.store.knows_job(&job.job_id).await {
                    unreported.push(job);
                }
            }
            return match unreported.len() {
                0 => Found::Nothing,
                1 => Found::Job(unreported.remove(0)),
                _ => Found::CannotTell,
            };
        }
        Found::CannotTell
    }
}

/// Every job created at or after `from`, newest first, or `None` if Krea did not answer.
async fn list_created_since(upstream: &Upstream, like: &Forward, from: i128) -> Option<Vec<Job>> {
    let mut jobs = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = "/jobs?limit=100".to_owned();
        if let Some(cursor) = &cursor {
            path.push_str("&cursor=");
            path.push_str(&encode_query_value(cursor));
        }
        let answer = upstream
            .exchange(like.lookup(Method::GET, path))
            .await
            .ok()?;
        if answer.status != StatusCode::OK {
            return None;
        }
        let page: JobList = serde_json::from_slice(&answer.body).ok()?;
        let reached_older = page
            .items
            .last()
            .and_then(|job| created_nanos(&job.created_at))
            .is_none_or(|at| at < from);
        jobs.extend(page.items);
        match page.next_cursor {
            Some(next) if !reached_older => cursor = Some(next),
            _ => return Some(jobs),
        }
    }
}

fn encode_query_value(value: &str) -> String {
    serde_urlencoded::to_string([("v", value)])
        .map(|pair| pair[2..].to_owned())
        .unwrap_or_default()
}

fn created_nanos(text: &str) -> Option<i128> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(time::OffsetDateTime::unix_timestamp_nanos)
}

fn now_nanos() -> i128 {
    time::OffsetDateTime::from(SystemTime::now()).unix_timestamp_nanos()
}

/// A job's JSON as the answer to a generate request.
fn job_answer(body: Bytes) -> Answer {
    let mut headers = axum::http::HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Answer {
        status: StatusCode::OK,
        headers,
        body,
    }
}

/// The job an earlier request with the same key made, as first answered.
fn replayed(body: Bytes) -> Result<Submitted, SubmitError> {
    match serde_json::from_slice::<Job>(&body) {
        Ok(job) => Ok(Submitted {
            job,
            answer: job_answer(body),
            how: How::Replayed,
        }),
        Err(_) => Err(SubmitError::NotMade(Failure::Proxy(ProxyError::Internal(
            "The job this Idempotency-Key made could not be read back".into(),
        )))),
    }
}

/// A lost answer that made no job: what was lost (or that Krea's answer did not read), as
/// a server error saying nothing was made.
fn not_created(lost: Option<Failure>) -> Failure {
    match lost {
        Some(Failure::Krea(mut answer)) => {
            if !answer.status.is_server_error() {
                answer.status = StatusCode::BAD_GATEWAY;
            }
            answer
                .headers
                .insert(OUTCOME_HEADER, HeaderValue::from_static("not-created"));
            Failure::Krea(answer)
        }
        Some(Failure::Proxy(ProxyError::UpstreamLost { class, .. })) => {
            Failure::Proxy(ProxyError::UpstreamLost {
                class,
                outcome: Some("not-created"),
            })
        }
        _ => Failure::Proxy(ProxyError::BadGateway {
            message: "Krea's answer was unreadable and it made no job".into(),
            outcome: Some("not-created"),
        }),
    }
}
