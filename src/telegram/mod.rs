//! Telegram core: dispatcher schema, callbacks, keyboards, dialogue storage, access, texts, sender.

pub mod bot;
pub mod callback;
pub mod caller;
pub mod commands;
pub mod core;
pub mod core_callback;
pub mod dialogue;
pub mod dispatcher;
pub mod handlers;
pub mod keyboard;
pub mod lang;
pub mod progress;
pub mod sender;
pub mod split;
pub mod store;
pub mod texts;
pub mod webhook;
