//! Waiting for a request line (spec/protocol.md §2): a driver blocked in read(2) must be woken for
//! every request, and on a virtual machine that costs the harness tens of microseconds per line.
//! So stdin is polled with non-blocking reads for up to POLL_BUDGET before the driver sleeps in
//! poll(2) until a line comes. Off when RAFT_CONFORMANCE_POLL=0 (the harness runs several drivers
//! at once), on one core, or when stdin is not a pipe.

use std::io::{self, Read};
use std::time::{Duration, Instant};

const POLL_BUDGET: Duration = Duration::from_millis(2);

pub struct PollingStdin {
    fd: libc::c_int,
}

/// stdin made non-blocking and polled, when polling is wanted and possible.
pub fn polling_stdin() -> Option<PollingStdin> {
    if std::env::var("RAFT_CONFORMANCE_POLL").as_deref() == Ok("0") {
        return None;
    }
    if std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1) < 2 {
        return None;
    }
    // SAFETY: fstat and fcntl on fd 0 with a zeroed stat buffer owned by this frame.
    unsafe {
        let mut st: libc::stat = std::mem::zeroed();
        if libc::fstat(0, &mut st) != 0 {
            return None;
        }
        let kind = st.st_mode & libc::S_IFMT;
        if kind != libc::S_IFIFO && kind != libc::S_IFSOCK {
            return None;
        }
        let flags = libc::fcntl(0, libc::F_GETFL);
        if flags < 0 || libc::fcntl(0, libc::F_SETFL, flags | libc::O_NONBLOCK) < 0 {
            return None;
        }
    }
    Some(PollingStdin { fd: 0 })
}

impl Read for PollingStdin {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let deadline = Instant::now() + POLL_BUDGET;
        loop {
            // SAFETY: reads at most buf.len() bytes into buf.
            let n = unsafe { libc::read(self.fd, buf.as_mut_ptr().cast::<libc::c_void>(), buf.len()) };
            if n >= 0 {
                return Ok(n as usize);
            }
            let err = io::Error::last_os_error();
            match err.raw_os_error() {
                Some(libc::EINTR) => continue,
                Some(libc::EAGAIN) => {}
                _ => return Err(err),
            }
            if Instant::now() >= deadline {
                wait_readable(self.fd)?;
            }
        }
    }
}

/// Sleeps until fd has data (or its end).
fn wait_readable(fd: libc::c_int) -> io::Result<()> {
    let mut pfd = libc::pollfd { fd, events: libc::POLLIN, revents: 0 };
    loop {
        // SAFETY: one pollfd owned by this frame.
        if unsafe { libc::poll(&mut pfd, 1, -1) } >= 0 {
            return Ok(());
        }
        let err = io::Error::last_os_error();
        if err.raw_os_error() != Some(libc::EINTR) {
            return Err(err);
        }
    }
}
