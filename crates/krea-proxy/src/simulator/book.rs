//! The simulator's jobs: what was asked for, when, and what happened to it since.

use super::picture::{Format, Picture};
use super::timeline::{duration_for, phase_at, Events, Phase};
use krea_api::{Job, JobStatus, ModelSpec};
use serde_json::{json, Map, Value};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};
use uuid::Uuid;

/// Prompts containing this fail the way Krea reports moderation: `#fail` fails with the
/// reason `nsfw`, `#fail:ip_detected` with `ip_detected`.
pub const FAIL_TRIGGER: &str = "#fail";
/// Prompts containing this end `completed` with an empty result and no image: Krea's
/// "shadow fail", which its troubleshooting notes put down to a silent content filter.
pub const NO_IMAGE_TRIGGER: &str = "#no-image";
/// Oldest jobs are forgotten past this many, so a long-running demo stays small.
const MAX_JOBS: usize = 10_000;

struct SimJob {
    id: Uuid,
    /// From `queued` to `completed`, for this job's model.
    duration: Duration,
    created_at: SystemTime,
    started: Instant,
    prompt: String,
    seed: u64,
    width: u32,
    height: u32,
    /// What the model returns: PNG, or JPEG or WebP when asked for or by default.
    format: Format,
    fail_reason: Option<String>,
    /// Ends `completed` without an image ([`NO_IMAGE_TRIGGER`]).
    no_image: bool,
    cancelled_after: Option<Duration>,
}

impl SimJob {
    fn phase(&self) -> Phase {
        let events = Events {
            fails: self.fail_reason.is_some(),
            cancelled_after: self.cancelled_after,
        };
        phase_at(self.started.elapsed(), self.duration, events)
    }

    fn to_job(&self, origin: &str) -> Job {
        let phase = self.phase();
        let image = format!(
            "{origin}/simulator/images/{}.{}",
            self.id,
            self.format.kind().extension()
        );
        let result = match phase.status {
            // As Krea's shadow fail: `completed`, and a result with nothing in it.
            JobStatus::Completed if self.no_image => Some(json!({})),
            JobStatus::Completed => Some(json!({ "urls": [image] })),
            JobStatus::Failed => Some(json!({ "error": self.fail_reason })),
            _ if phase.preview && !self.no_image => {
                Some(json!({ "urls": [format!("{image}?preview=1")] }))
            }
            _ => None,
        };
        Job {
            job_id: self.id.to_string(),
            status: phase.status,
            created_at: timestamp(self.created_at),
            completed_at: phase
                .ended_after
                .map(|after| timestamp(self.created_at + after)),
            result,
            error: None,
        }
    }
}

/// RFC 3339 in UTC with microseconds, always six digits, so that timestamps sort as text
/// and no two jobs share one (a list cursor then never skips a job).
pub fn timestamp(time: SystemTime) -> String {
    let t = time::OffsetDateTime::from(time);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.microsecond()
    )
}

/// Nanoseconds since 1970 (negative before), to compare with a list cursor.
fn unix_nanos(time: SystemTime) -> i128 {
    time::OffsetDateTime::from(time).unix_timestamp_nanos()
}

/// A creation time after `last` (by at least a microsecond), close to now: no two share a
/// cursor.
pub(super) fn creation_time(last: Option<SystemTime>) -> SystemTime {
    let now = SystemTime::now();
    let micros = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| Duration::from_micros(d.as_micros() as u64))
        .unwrap_or_default();
    let now = SystemTime::UNIX_EPOCH + micros;
    match last {
        Some(last) if now <= last => last + Duration::from_micros(1),
        _ => now,
    }
}

pub enum CancelOutcome {
    Cancelled,
    TooLate(JobStatus),
    NotFound,
}

pub struct Book {
    jobs: Mutex<Vec<SimJob>>,
    /// A typical job's duration, scaled per model.
    duration: Duration,
    /// How long after finishing a job's pictures are served.
    image_ttl: Option<Duration>,
}

impl Book {
    pub fn new(duration: Duration, image_ttl: Option<Duration>) -> Self {
        Book {
            jobs: Mutex::new(Vec::new()),
            duration,
            image_ttl,
        }
    }

    fn jobs(&self) -> std::sync::MutexGuard<'_, Vec<SimJob>> {
        // A panic while holding the lock leaves plain data behind; keep serving it.
        self.jobs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Records a new job for an already validated body and returns it as just submitted.
    pub fn submit(&self, model: &ModelSpec, body: &Map<String, Value>, origin: &str) -> Job {
        let prompt = body
            .get("prompt")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let seed = body
            .get("seed")
            .and_then(Value::as_f64)
            .or_else(|| match model.field("seed").and_then(|f| f.default) {
                Some(krea_api::Literal::Number(n)) => Some(n),
                _ => None,
            })
            .unwrap_or(0.0);
        let (width, height) = size(body);
        let mut jobs = self.jobs();
        let job = SimJob {
            id: Uuid::new_v4(),
            duration: duration_for(self.duration, model.typical_secs),
            created_at: creation_time(jobs.last().map(|last| last.created_at)),
            started: Instant::now(),
            prompt: prompt.to_owned(),
            seed: seed.abs() as u64,
            width,
            height,
            format: Format::asked(model, body),
            fail_reason: fail_reason(prompt),
            no_image: prompt.contains(NO_IMAGE_TRIGGER),
            cancelled_after: None,
        };
        let mut submitted = job.to_job(origin);
        // The submit response is always the pending job, whatever the clock says.
        submitted.status = JobStatus::Queued;
        submitted.completed_at = None;
        submitted.result = None;
        if jobs.len() >= MAX_JOBS {
            jobs.remove(0);
        }
        jobs.push(job);
        submitted
    }

    pub fn get(&self, id: &str, origin: &str) -> Option<Job> {
        let jobs = self.jobs();
        let job = jobs.iter().find(|job| job.id.to_string() == id)?;
        Some(job.to_job(origin))
    }

    /// Newest first; `before` is a creation timestamp cursor (nanoseconds since 1970), as
    /// Krea's `cursor`.
    pub fn list(
        &self,
        before: Option<i128>,
        status: Option<&JobStatus>,
        limit: usize,
        origin: &str,
    ) -> (Vec<Job>, Option<String>) {
        let jobs = self.jobs();
        let mut matching = jobs
            .iter()
            .rev()
            .filter(|job| before.is_none_or(|cursor| unix_nanos(job.created_at) < cursor))
            .map(|job| job.to_job(origin))
            .filter(|job| status.is_none_or(|wanted| &job.status == wanted));
        let page: Vec<Job> = matching.by_ref().take(limit).collect();
        let next_cursor = match matching.next() {
            Some(_) => page.last().map(|job| job.created_at.clone()),
            None => None,
        };
        (page, next_cursor)
    }

    pub fn cancel(&self, id: &str) -> CancelOutcome {
        let mut jobs = self.jobs();
        let Some(job) = jobs.iter_mut().find(|job| job.id.to_string() == id) else {
            return CancelOutcome::NotFound;
        };
        let status = job.phase().status;
        if super::timeline::can_cancel(&status) {
            job.cancelled_after = Some(job.started.elapsed());
            CancelOutcome::Cancelled
        } else {
            CancelOutcome::TooLate(status)
        }
    }

    /// The job whose picture is the file `file` (`{id}.{extension}`), in its own format.
    fn job_of<'a>(jobs: &'a [SimJob], file: &str) -> Option<&'a SimJob> {
        let (id, extension) = file.rsplit_once('.')?;
        jobs.iter()
            .find(|job| job.id.to_string() == id)
            .filter(|job| job.format.kind().extension() == extension)
    }

    /// The pixel size of the job picture served at `url`, if it is one of these.
    pub fn size_of(&self, url: &str) -> Option<(u32, u32)> {
        let file = url.split('?').next()?.rsplit('/').next()?;
        let jobs = self.jobs();
        let job = Self::job_of(&jobs, file)?;
        Some((job.width, job.height))
    }

    /// Whether finished jobs' pictures stop being served after a while.
    pub fn links_expire(&self) -> bool {
        self.image_ttl.is_some()
    }

    /// The picture file `file` (`{job id}.{extension}`) in its job's format, coarse while it
    /// is only a preview; none for a job that ends without an image, or whose link has
    /// expired.
    pub fn picture(&self, file: &str, preview: bool) -> Option<(Format, Vec<u8>)> {
        let jobs = self.jobs();
        let expired = |job: &SimJob| {
            self.image_ttl
                .is_some_and(|ttl| job.started.elapsed() > job.duration + ttl)
        };
        let job = Self::job_of(&jobs, file).filter(|job| !job.no_image && !expired(job))?;
        let picture = Picture {
            prompt: &job.prompt,
            seed: job.seed,
            width: job.width,
            height: job.height,
            preview,
        };
        Some((job.format, picture.file(job.format)))
    }
}

fn fail_reason(prompt: &str) -> Option<String> {
    let at = prompt.find(FAIL_TRIGGER)?;
    let rest = &prompt[at + FAIL_TRIGGER.len()..];
    let reason: String = rest
        .strip_prefix(':')
        .map(|tail| {
            tail.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        })
        .unwrap_or_default();
    Some(if reason.is_empty() {
        "nsfw".to_owned()
    } else {
        reason
    })
}

/// Picture size from `width`/`height`, else from `aspect_ratio` at about a megapixel.
fn size(body: &Map<String, Value>) -> (u32, u32) {
    let number = |key: &str| body.get(key).and_then(Value::as_f64);
    if let (Some(w), Some(h)) = (number("width"), number("height")) {
        return (w.clamp(16.0, 4096.0) as u32, h.clamp(16.0, 4096.0) as u32);
    }
    let ratio = krea_api::aspect::aspect_of(body);
    let height = (1024.0 * 1024.0 / ratio).sqrt();
    ((height * ratio).round() as u32, height.round() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fail_trigger_picks_a_reason() {
        assert_eq!(fail_reason("a fox"), None);
        assert_eq!(fail_reason("a fox #fail").as_deref(), Some("nsfw"));
        assert_eq!(
            fail_reason("#fail:ip_detected mickey").as_deref(),
            Some("ip_detected")
        );
    }

    #[test]
    fn sizes_follow_width_height_or_aspect_ratio() {
        let body = |v: Value| v.as_object().unwrap().clone();
        assert_eq!(
            size(&body(json!({"width": 800, "height": 600}))),
            (800, 600)
        );
        assert_eq!(size(&body(json!({"aspect_ratio": "16:9"}))), (1365, 768));
        assert_eq!(size(&body(json!({}))), (1024, 1024));
    }
}
