//go:build linux

package etcddriver

// Waiting for a request line (spec/protocol.md §2): a driver blocked in read(2) must be woken for
// every request, and on a virtual machine that costs the harness tens of microseconds per line. So
// stdin is polled with non-blocking reads for up to pollBudget before the driver sleeps in
// select(2) until a line comes. Off when RAFT_CONFORMANCE_POLL=0 (the harness runs several drivers
// at once), on one core, or when stdin is not a pipe.

import (
	"io"
	"os"
	"runtime"
	"syscall"
	"time"
)

const pollBudget = 2 * time.Millisecond

type pollingReader struct{ fd int }

// stdinReader is what the protocol loop reads requests from.
func stdinReader() io.Reader {
	if os.Getenv("RAFT_CONFORMANCE_POLL") == "0" || runtime.NumCPU() < 2 {
		return os.Stdin
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(0, &st); err != nil {
		return os.Stdin
	}
	if kind := st.Mode & syscall.S_IFMT; kind != syscall.S_IFIFO && kind != syscall.S_IFSOCK {
		return os.Stdin
	}
	if err := syscall.SetNonblock(0, true); err != nil {
		return os.Stdin
	}
	return &pollingReader{fd: 0}
}

func (r *pollingReader) Read(p []byte) (int, error) {
	deadline := time.Now().Add(pollBudget)
	for {
		n, err := syscall.Read(r.fd, p)
		switch {
		case err == nil && n == 0:
			return 0, io.EOF
		case err == nil:
			return n, nil
		case err == syscall.EINTR:
			continue
		case err != syscall.EAGAIN:
			return 0, err
		}
		if time.Now().After(deadline) {
			if err := waitReadable(r.fd); err != nil {
				return 0, err
			}
		}
	}
}

// waitReadable sleeps until fd has data (or its end).
func waitReadable(fd int) error {
	for {
		var set syscall.FdSet
		set.Bits[fd/64] |= 1 << (uint(fd) % 64)
		if _, err := syscall.Select(fd+1, &set, nil, nil, nil); err != syscall.EINTR {
			return err
		}
	}
}
