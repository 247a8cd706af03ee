//! mdBook's own complaints while `check` loads a book: its link preprocessor reports an
//! `{{#include}}` it cannot expand as a logged error and carries on, leaving the directive in
//! the page. `check` catches those messages so that they become findings and fail the check.

use std::fmt;
use std::sync::Mutex;

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

/// Runs `work`, returning what it returned and the errors mdBook logged meanwhile, each with
/// the causes logged after it (`Error updating "{{#include x.md}}", Unable to open...: No such
/// file`).
pub fn catch_errors<T>(work: impl FnOnce() -> T) -> (T, Vec<String>) {
    let catcher = Catcher::default();
    let result = tracing::subscriber::with_default(catcher.clone_handle(), work);
    (result, catcher.into_errors())
}

/// A subscriber that keeps error and warning messages, in order.
#[derive(Default)]
struct Catcher {
    messages: std::sync::Arc<Mutex<Vec<(Level, String)>>>,
}

impl Catcher {
    fn clone_handle(&self) -> Catcher {
        Catcher { messages: std::sync::Arc::clone(&self.messages) }
    }

    /// The errors, each followed by the `Caused By` warnings after it.
    fn into_errors(self) -> Vec<String> {
        let messages = self.messages.lock().map(|m| m.clone()).unwrap_or_default();
        let mut errors: Vec<String> = Vec::new();
        for (level, message) in messages {
            match (level, errors.last_mut(), message.strip_prefix("Caused By: ")) {
                (Level::ERROR, _, _) => errors.push(message),
                (_, Some(last), Some(cause)) => {
                    last.push_str(": ");
                    last.push_str(cause);
                }
                _ => {}
            }
        }
        errors
    }
}

impl Subscriber for Catcher {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        *metadata.level() <= Level::WARN
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut message = Message(String::new());
        event.record(&mut message);
        if let Ok(mut messages) = self.messages.lock() {
            messages.push((*event.metadata().level(), message.0));
        }
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// The `message` field of an event.
struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_caught_with_their_causes_and_other_levels_are_not() {
        let ((), errors) = catch_errors(|| {
            tracing::info!("loading");
            tracing::error!("Error updating \"{}\", {}", "{{#include a.md}}", "Unable to open");
            tracing::warn!("Caused By: {}", "No such file");
            tracing::warn!("unrelated");
            tracing::error!("Stack depth exceeded in b.md. Check for cyclic includes");
        });
        assert_eq!(
            errors,
            [
                "Error updating \"{{#include a.md}}\", Unable to open: No such file",
                "Stack depth exceeded in b.md. Check for cyclic includes",
            ]
        );
    }
}
