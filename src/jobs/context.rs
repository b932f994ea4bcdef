//! What a running job can reach: the pool, the queue and registered state.

use std::fmt;

use graphile_worker::WorkerContext;

use super::Queue;
use crate::db::Pool;

/// The context handed to [`super::AppJob::run`].
pub struct JobCtx {
    inner: WorkerContext,
}

impl JobCtx {
    pub(crate) fn new(inner: WorkerContext) -> Self {
        Self { inner }
    }

    /// The shared database pool.
    pub fn pool(&self) -> anyhow::Result<&Pool> {
        self.state::<Pool>()
    }

    /// The queue, for jobs that enqueue follow-up work.
    pub fn queue(&self) -> anyhow::Result<&Queue> {
        self.state::<Queue>()
    }

    /// State a feature registered with [`super::JobRegistry::with_state`].
    pub fn state<T: Send + Sync + 'static>(&self) -> anyhow::Result<&T> {
        self.inner.extensions().get::<T>().ok_or_else(|| {
            anyhow::anyhow!(
                "job state {} was not registered with the worker",
                std::any::type_name::<T>()
            )
        })
    }

    /// The queue's id of this job.
    pub fn job_id(&self) -> i64 {
        *self.inner.job().id()
    }

    /// How many times this job has been attempted, this attempt included.
    pub fn attempt(&self) -> i16 {
        *self.inner.job().attempts()
    }

    /// The attempt limit of this job.
    pub fn max_attempts(&self) -> i16 {
        *self.inner.job().max_attempts()
    }

    /// The job key, when the job has one.
    pub fn job_key(&self) -> Option<&str> {
        self.inner.job().key().as_deref()
    }
}

/// An error that retrying cannot fix (bad input, rejected credentials).
/// A job failing with it is not retried; it stays in the failed list.
#[derive(Debug)]
pub struct Permanent(pub anyhow::Error);

impl fmt::Display for Permanent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#}", self.0)
    }
}

impl std::error::Error for Permanent {}

/// Marks an error as permanent: the job fails without further retries.
pub fn permanent(error: impl Into<anyhow::Error>) -> anyhow::Error {
    anyhow::Error::new(Permanent(error.into()))
}
