//! Error responses (spec/protocol.md §7), raft-rs errors by etcd's names, and panics turned into
//! `internal` errors that quote the panic message and where it was raised.

use std::cell::RefCell;

use serde_json::{json, Map, Value};

#[derive(Debug, Clone)]
pub struct DriverError {
    pub code: &'static str,
    pub message: String,
    pub feature: Option<&'static str>,
    pub details: Option<String>,
}

impl DriverError {
    fn new(code: &'static str, message: String) -> Self {
        DriverError { code, message, feature: None, details: None }
    }
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new("invalid_params", message.into())
    }
    pub fn unsupported(feature: Option<&'static str>, message: impl Into<String>) -> Self {
        DriverError { feature, ..Self::new("unsupported", message.into()) }
    }
    pub fn unknown_command(cmd: &str) -> Self {
        Self::new("unknown_command", format!("unknown command {cmd:?}"))
    }
    pub fn not_initialized(cmd: &str) -> Self {
        Self::new("not_initialized", format!("`{cmd}` before `hello`"))
    }
    pub fn internal(message: impl Into<String>, details: Option<String>) -> Self {
        DriverError { details, ..Self::new("internal", message.into()) }
    }
    /// An outcome: raft-rs refused the operation. The message is etcd's name for the same error.
    pub fn rejected(e: &raft::Error) -> Self {
        let name = match e {
            raft::Error::ProposalDropped => "ErrProposalDropped".to_string(),
            raft::Error::StepLocalMsg => "ErrStepLocalMsg".to_string(),
            raft::Error::StepPeerNotFound => "ErrStepPeerNotFound".to_string(),
            raft::Error::Store(raft::StorageError::Compacted) => "ErrCompacted".to_string(),
            raft::Error::Store(raft::StorageError::SnapshotOutOfDate) => "ErrSnapOutOfDate".to_string(),
            raft::Error::Store(raft::StorageError::Unavailable) => "ErrUnavailable".to_string(),
            raft::Error::Store(raft::StorageError::SnapshotTemporarilyUnavailable) => {
                "ErrSnapshotTemporarilyUnavailable".to_string()
            }
            other => other.to_string(),
        };
        Self::new("rejected", name)
    }

    pub fn with_details(self, details: String) -> Self {
        DriverError { details: Some(details), ..self }
    }

    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("code".into(), json!(self.code));
        m.insert("message".into(), json!(self.message));
        if let Some(f) = self.feature {
            m.insert("feature".into(), json!(f));
        }
        if let Some(d) = &self.details {
            m.insert("details".into(), json!(d));
        }
        Value::Object(m)
    }
}

thread_local! {
    /// Where the last panic happened, recorded by the hook for the `internal` error's details.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Panics (raft-rs's `fatal!` and asserts) are caught per command; the hook only records the
/// location and prints one line to stderr instead of the default banner.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let loc = info.location().map_or_else(|| "unknown location".to_string(), |l| format!("{}:{}", crate_relative(l.file()), l.line()));
        let msg = panic_message(info.payload());
        eprintln!("raft-rs-0.7 driver: panic at {loc}: {msg}");
        LAST_PANIC.with(|p| *p.borrow_mut() = Some(loc));
    }));
}

/// A source path from cargo's registry, from the crate's directory on ("raft-0.7.0/src/raft.rs"):
/// the same on every machine, so reports that quote it stay comparable.
fn crate_relative(file: &str) -> &str {
    match file.find("/registry/src/") {
        Some(i) => {
            let rest = &file[i + "/registry/src/".len()..];
            rest.find('/').map_or(rest, |j| &rest[j + 1..])
        }
        None => file,
    }
}

pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-string payload".to_string()
    }
}

/// The `internal` error for a caught panic: the message, and the source location as details.
pub fn from_panic(payload: Box<dyn std::any::Any + Send>) -> DriverError {
    let loc = LAST_PANIC.with(|p| p.borrow_mut().take());
    DriverError::internal(format!("panic: {}", panic_message(payload.as_ref())), loc.map(|l| format!("panicked at {l}")))
}

#[cfg(test)]
mod tests {
    use super::crate_relative;

    #[test]
    fn registry_paths_start_at_the_crate() {
        assert_eq!(
            crate_relative("/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/raft-0.7.0/src/raft.rs"),
            "raft-0.7.0/src/raft.rs"
        );
        assert_eq!(crate_relative("src/node.rs"), "src/node.rs");
    }
}
