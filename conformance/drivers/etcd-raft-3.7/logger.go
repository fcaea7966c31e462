package main

// etcd's raft logs through Config.Logger. stdout carries the protocol only, so raft's log goes to
// stderr, and only when RAFT_DRIVER_LOG is set (the harness keeps the last stderr lines anyway).

import (
	"io"
	"log"
	"os"

	"go.etcd.io/raft/v3"
)

func raftLogger() raft.Logger {
	if os.Getenv("RAFT_DRIVER_LOG") == "" {
		return &raft.DefaultLogger{Logger: log.New(io.Discard, "", 0)}
	}
	l := &raft.DefaultLogger{Logger: log.New(os.Stderr, "raft ", 0)}
	l.EnableDebug()
	return l
}
