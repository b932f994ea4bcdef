//! Rendering shared by the features: PNG charts and number formats.
//! (PDF rendering arrives with the Ad Library feature.)

pub mod chart;
pub mod format;
