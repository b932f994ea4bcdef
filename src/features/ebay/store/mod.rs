//! The feature's tables, one file per concern. All SQL is parameterised; bulk
//! writes use `UNNEST`.
//!
//! - [`alerts`]: the alerts themselves (create, read, save, delete).
//! - [`polling`]: which alerts are due, marking them polled or postponed, and
//!   the demand the call budget is estimated from.
//! - [`flags`]: one-time notices, back-off marks and the daily call counter.
//! - [`observations`]: every listing seen, per-query item state, the prices an
//!   alert saw at its last poll, and the insights input.
//! - [`cooldowns`]: what each alert was told about, and when.
//! - [`half_hourly`]: the "insights every 30 minutes" opt-in and its slots.

pub mod alerts;
pub mod cooldowns;
pub mod flags;
pub mod half_hourly;
pub mod observations;
pub mod polling;

pub use alerts::{
    create, delete, get, get_any, list, save, Alert, Rules, DEFAULT_INTERVAL, INTERVALS,
};
pub use cooldowns::{cooldowns, start_cooldowns};
pub use flags::{calls_today, clear_flag, flag, set_flag, set_flag_once};
pub use half_hourly::{claim_half_hourly, set_half_hourly, slot_of, HalfHourlyDue, SLOT_SECONDS};
pub use observations::{average_since, observations_since, prices_seen_at, record, ItemState};
pub use polling::{demand, due, mark_polled, postpone};
