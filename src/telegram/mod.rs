//! Telegram core: dispatcher schema, callbacks, keyboards, dialogue storage, access, texts, sender.

pub mod callback;
pub mod core_callback;
pub mod dialogue;
pub mod keyboard;
pub mod lang;
pub mod split;
pub mod store;
pub mod bot;
pub mod caller;
pub mod commands;
pub mod core;
pub mod dispatcher;
pub mod handlers;
pub mod sender;
pub mod texts;
pub mod webhook;
