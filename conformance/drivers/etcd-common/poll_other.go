//go:build !linux

package etcddriver

import (
	"io"
	"os"
)

// stdinReader: polling (poll_linux.go) is Linux-only; elsewhere the driver blocks in read.
func stdinReader() io.Reader { return os.Stdin }
