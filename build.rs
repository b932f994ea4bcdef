//! Rebuilds the crate when a migration is added or changed: refinery embeds
//! `migrations/` at compile time, and Cargo does not watch that folder itself.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
