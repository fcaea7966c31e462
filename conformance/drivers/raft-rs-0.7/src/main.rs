//! raft-rs-0.7-driver serves tikv/raft-rs 0.7.0 over the raft-conformance driver protocol
//! (spec/protocol.md): NDJSON requests on stdin, exactly one response line per request on stdout,
//! logs on stderr. One process hosts every node of a trace; every call into raft-rs happens on
//! this one thread, in request order. Protocol versions 1, 2 (`batch`) and 3 (`ready` with
//! `advance`) are spoken.

mod b64;
mod commands;
mod convert;
mod errors;
mod logger;
mod node;
mod poll;
mod rng;
mod store;

use std::io::{self, BufRead, Write};

use serde_json::{json, Map, Value};

use commands::Driver;
use errors::DriverError;

/// The protocol's line limit (16 MiB).
const MAX_LINE_BYTES: usize = 16 << 20;

fn main() {
    errors::install_panic_hook();
    let stdin = io::stdin();
    let mut input: Box<dyn BufRead> = match poll::polling_stdin() {
        Some(polled) => Box::new(io::BufReader::with_capacity(64 << 10, polled)),
        None => Box::new(stdin.lock()),
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut driver = Driver::new();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match input.read_until(b'\n', &mut buf) {
            Ok(0) => return, // end of input without `bye`: the harness is gone
            Ok(_) => {}
            Err(e) => {
                eprintln!("raft-rs-0.7 driver: cannot read stdin: {e}");
                std::process::exit(1);
            }
        }
        if buf.len() > MAX_LINE_BYTES + 2 {
            let err = DriverError::invalid(format!("request line longer than {MAX_LINE_BYTES} bytes"));
            write_line(&mut out, &response(None, Err(err)));
            std::process::exit(1);
        }
        let line = String::from_utf8_lossy(&buf);
        let line = line.trim_end_matches(['\n', '\r']);
        if line.trim().is_empty() {
            continue;
        }
        let (resp, bye) = driver.answer(line);
        write_line(&mut out, &resp);
        if bye {
            return;
        }
    }
}

fn write_line(out: &mut impl Write, v: &Value) {
    let mut s = serde_json::to_string(v).expect("a response is always serialisable");
    s.push('\n');
    if out.write_all(s.as_bytes()).and_then(|_| out.flush()).is_err() {
        std::process::exit(0); // the harness is gone
    }
}

/// One response envelope: `{"id":…,"ok":true,"result":…}` or `{"id":…,"ok":false,"error":…}`.
pub fn response(id: Option<u64>, r: Result<Value, DriverError>) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), id.map_or(Value::Null, |i| json!(i)));
    match r {
        Ok(v) => {
            m.insert("ok".into(), json!(true));
            m.insert("result".into(), v);
        }
        Err(e) => {
            m.insert("ok".into(), json!(false));
            m.insert("error".into(), e.to_json());
        }
    }
    Value::Object(m)
}
