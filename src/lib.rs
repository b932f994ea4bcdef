//! ppc-helper: a Telegram bot platform for PPC specialists and their agencies.
//!
//! Map of the crate (see `DESIGN.md` in the shared folder for the why):
//!
//! | module | room |
//! |---|---|
//! | [`config`] | typed config tree: JSON file + environment overrides, validation |
//! | [`db`] | pool, embedded PostgreSQL, migrations |
//! | [`jobs`] | queue setup (graphile_worker), job registry, scheduler |
//! | [`http`] | axum router: health, readiness, metrics; features mount routes |
//! | [`mail`] | SMTP delivery (lettre) and the e-mail job |
//! | [`app`] | wires everything together; one shutdown signal |
//! | [`check`] | the `check` command: one line per configured service |
//! | [`logging`] | tracing subscriber set-up |

pub mod app;
pub mod chat;
pub mod check;
pub mod config;
pub mod db;
pub mod emulator;
pub mod features;
pub mod http;
pub mod jobs;
pub mod logging;
pub mod mail;
pub mod render;
pub mod shutdown;
pub mod telegram;
