//! The durable job queue (graphile_worker), the job registry and the scheduler.
//!
//! Features describe each action as an [`AppJob`] and register it in a
//! [`JobRegistry`]; handlers enqueue through [`Queue`]; [`worker::start`] runs the
//! pool. The scheduler is a job too ([`tick::ScheduleTick`], fired by cron every
//! minute) that enqueues each due schedule's job once.

pub mod context;
pub mod probe;
pub mod queue;
pub mod registry;
pub mod schedule_rule;
pub mod schedules;
pub mod summary;
pub mod tick;
pub mod worker;

pub use context::{permanent, JobCtx};
pub use queue::Queue;
pub use registry::{AppJob, JobRegistry};

/// The PostgreSQL schema graphile_worker lives in.
pub const QUEUE_SCHEMA: &str = "graphile_worker";
