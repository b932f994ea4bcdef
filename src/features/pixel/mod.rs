//! The `pixel` feature (not built yet: it contributes nothing).

use super::{FeatureDeps, FeatureParts};

/// Builds this feature's parts.
pub async fn install(
    _deps: &FeatureDeps,
    _shutdown: &crate::shutdown::Shutdown,
) -> anyhow::Result<FeatureParts> {
    Ok(FeatureParts::default())
}
