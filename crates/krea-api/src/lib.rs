//! Krea's image API as data: the job object and its states, the error body, the catalogue of
//! image models with every field they accept, and validation of request bodies against it.
//!
//! No I/O and no async runtime: the browser app, the proxy and its simulator all share this
//! crate, so a request the form accepts is exactly a request the simulator accepts.

pub mod aspect;
pub mod catalogue;
pub mod discovery;
pub mod error_body;
pub mod job;
pub mod library;
pub mod models;
pub mod number;
pub mod openapi;
pub mod pricing;
#[cfg(feature = "receipts")]
pub mod receipt;
pub mod request;
pub mod validation;

pub use catalogue::{
    Endpoint, FieldKind, FieldSpec, Literal, ModelSpec, Price, TextPattern, MODELS,
};
pub use error_body::ErrorBody;
pub use job::{is_job_id, Job, JobList, JobStatus};
pub use models::Models;
pub use request::ImageRequest;
pub use validation::{FieldError, Problem, Reason, ValidationErrors};
