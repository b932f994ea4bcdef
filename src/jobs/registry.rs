//! Job types and the registry the worker is built from.

use std::future::Future;
use std::time::Instant;

use graphile_worker::{JobDefinition, JobSpec, TaskHandler, WorkerContext, WorkerOptions};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::context::{JobCtx, Permanent};
use super::QUEUE_SCHEMA;

/// Default attempt limit: retries back off exponentially (graphile_worker's
/// `exp(attempts)` seconds), so 8 attempts span roughly an hour.
pub const DEFAULT_MAX_ATTEMPTS: i16 = 8;

/// One kind of background work. The payload is the struct itself (JSON).
pub trait AppJob: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// Unique task name in the queue, e.g. `"mail_send"`.
    const IDENTIFIER: &'static str;

    /// Queue name, job key and attempt limit for this payload. The default has no
    /// key, no named queue and [`DEFAULT_MAX_ATTEMPTS`].
    fn spec(&self) -> JobSpec {
        JobSpec {
            max_attempts: Some(DEFAULT_MAX_ATTEMPTS),
            ..JobSpec::default()
        }
    }

    /// Does the work. Errors are retried unless wrapped with [`super::permanent`].
    fn run(self, ctx: JobCtx) -> impl Future<Output = anyhow::Result<()>> + Send;
}

/// Adapts an [`AppJob`] to graphile_worker, adding metrics and permanent failures.
#[derive(Serialize, Deserialize)]
#[serde(transparent)]
pub(crate) struct Runner<J>(pub J);

impl<J: AppJob> TaskHandler for Runner<J> {
    const IDENTIFIER: &'static str = J::IDENTIFIER;

    // Not `async fn`: the trait needs the future to be `Send + 'static` explicitly.
    #[allow(refining_impl_trait, clippy::manual_async_fn)]
    fn run(self, ctx: WorkerContext) -> impl Future<Output = Result<(), String>> + Send + 'static {
        async move {
            let started = Instant::now();
            let labels = [("type", J::IDENTIFIER)];
            metrics::counter!("jobs_started_total", &labels).increment(1);
            let job_ctx = JobCtx::new(ctx.clone());
            let job_id = job_ctx.job_id();
            let result = self.0.run(job_ctx).await;
            metrics::histogram!("job_duration_seconds", &labels)
                .record(started.elapsed().as_secs_f64());
            match result {
                Ok(()) => {
                    metrics::counter!("jobs_succeeded_total", &labels).increment(1);
                    Ok(())
                }
                Err(error) => {
                    metrics::counter!("jobs_failed_total", &labels).increment(1);
                    let message = format!("{error:#}");
                    if error.downcast_ref::<Permanent>().is_some() {
                        tracing::warn!(job = J::IDENTIFIER, job_id, %message, "job failed permanently");
                        stop_retries(&ctx, job_id).await;
                    } else {
                        tracing::warn!(job = J::IDENTIFIER, job_id, %message, "job failed; will retry");
                    }
                    Err(message)
                }
            }
        }
    }
}

/// Lowers the attempt limit to the attempts made, so the failure is final.
async fn stop_retries(ctx: &WorkerContext, job_id: i64) {
    use graphile_worker::DbExecutor;
    let sql = format!(
        "UPDATE {QUEUE_SCHEMA}._private_jobs SET max_attempts = GREATEST(attempts, 1) WHERE id = $1"
    );
    if let Err(error) = ctx
        .database()
        .execute(&sql, vec![graphile_worker::DbValue::I64(job_id)].into())
        .await
    {
        tracing::error!(job_id, %error, "could not mark the job as permanently failed");
    }
}

type StateAdder = Box<dyn FnOnce(WorkerOptions) -> WorkerOptions + Send>;

/// Everything the worker runs: job types, cron lines and the state jobs read.
#[derive(Default)]
pub struct JobRegistry {
    definitions: Vec<(&'static str, JobDefinition)>,
    crontab: Vec<String>,
    state: Vec<StateAdder>,
}

impl JobRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a job type. Registering the same identifier twice is a no-op.
    pub fn job<J: AppJob>(mut self) -> Self {
        if !self.definitions.iter().any(|(id, _)| *id == J::IDENTIFIER) {
            self.definitions
                .push((J::IDENTIFIER, JobDefinition::of::<Runner<J>>()));
        }
        self
    }

    /// Adds a crontab line (`"* * * * * task_identifier"`). A line without a
    /// payload gets `{}`: graphile_worker adds `_cron` to an object payload but
    /// passes `null` otherwise, which no job struct deserializes (the job
    /// would fail on every run).
    pub fn cron(mut self, line: impl Into<String>) -> Self {
        self.crontab.push(with_object_payload(line.into()));
        self
    }

    /// Makes `value` reachable from jobs through [`JobCtx::state`].
    pub fn with_state<T: Clone + Send + Sync + std::fmt::Debug + 'static>(
        mut self,
        value: T,
    ) -> Self {
        self.state
            .push(Box::new(move |options| options.add_extension(value)));
        self
    }

    /// Merges another registry (a feature's) into this one.
    pub fn merge(mut self, other: JobRegistry) -> Self {
        for (id, definition) in other.definitions {
            if !self.definitions.iter().any(|(known, _)| *known == id) {
                self.definitions.push((id, definition));
            }
        }
        self.crontab.extend(other.crontab);
        self.state.extend(other.state);
        self
    }

    /// Identifiers of the registered job types.
    pub fn identifiers(&self) -> Vec<&'static str> {
        self.definitions.iter().map(|(id, _)| *id).collect()
    }

    pub(crate) fn apply(self, mut options: WorkerOptions) -> anyhow::Result<WorkerOptions> {
        options = options.define_jobs(self.definitions.into_iter().map(|(_, d)| d));
        for adder in self.state {
            options = adder(options);
        }
        if !self.crontab.is_empty() {
            let crontab = self.crontab.join("\n");
            options = options
                .with_cron(&crontab)
                .map_err(|error| anyhow::anyhow!("invalid crontab {crontab:?}: {error}"))?;
        }
        Ok(options)
    }
}

/// `line` with a `{}` payload when it has none (see [`JobRegistry::cron`]);
/// unparsable lines are kept as they are and refused when the worker starts.
fn with_object_payload(line: String) -> String {
    match graphile_worker::parse_crontab(&line) {
        Ok(parsed) if !parsed.is_empty() && parsed.iter().all(|c| c.payload.is_none()) => {
            format!("{} {{}}", line.trim_end())
        }
        _ => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cron_lines_get_an_object_payload_that_jobs_deserialize() {
        let line = with_object_payload(crate::jobs::tick::CRONTAB.to_string());
        let parsed = graphile_worker::parse_crontab(&line).expect("valid");
        assert_eq!(parsed[0].payload, Some(serde_json::json!({})));
        // What graphile_worker then stores for a run of that line.
        let payload =
            serde_json::json!({"_cron": {"ts": "2026-11-22T10:00:00Z", "backfilled": false}});
        serde_json::from_value::<crate::jobs::tick::ScheduleTick>(payload).expect("a tick");
        let kept = "0 4 * * * nightly {\"deep\":true}";
        assert_eq!(with_object_payload(kept.into()), kept);
        assert_eq!(with_object_payload("nonsense".into()), "nonsense");
    }
}
