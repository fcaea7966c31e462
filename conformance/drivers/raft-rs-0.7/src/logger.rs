//! raft-rs logs through slog. By default its records are discarded; with RAFT_DRIVER_LOG=1 they go
//! to stderr, one line each (stdout carries only the protocol).

use std::fmt;
use std::io::Write;

use slog::{o, Drain, Logger, OwnedKVList, Record, Serializer, KV};

struct StderrDrain;

struct Line(String);

impl Serializer for Line {
    fn emit_arguments(&mut self, key: slog::Key, val: &fmt::Arguments) -> slog::Result {
        use fmt::Write as _;
        let _ = write!(self.0, " {key}={val}");
        Ok(())
    }
}

impl Drain for StderrDrain {
    type Ok = ();
    type Err = slog::Never;
    fn log(&self, record: &Record, values: &OwnedKVList) -> Result<(), slog::Never> {
        let mut line = Line(format!("{} {}", record.level().as_short_str(), record.msg()));
        let _ = record.kv().serialize(record, &mut line);
        let _ = values.serialize(record, &mut line);
        let _ = writeln!(std::io::stderr(), "{}", line.0);
        Ok(())
    }
}

pub fn logger() -> Logger {
    if std::env::var("RAFT_DRIVER_LOG").map_or(false, |v| !v.is_empty() && v != "0") {
        Logger::root(StderrDrain.fuse(), o!())
    } else {
        Logger::root(slog::Discard, o!())
    }
}
