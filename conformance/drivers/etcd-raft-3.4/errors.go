package main

// Error responses (spec/protocol.md §7) and the names of etcd's error values, which a `rejected`
// answer carries as its message.

import (
	"errors"
	"fmt"

	"go.etcd.io/etcd/raft"
)

type errorCode string

const (
	codeUnknownCommand errorCode = "unknown_command"
	codeUnsupported    errorCode = "unsupported"
	codeInvalidParams  errorCode = "invalid_params"
	codeNotInitialized errorCode = "not_initialized"
	codeRejected       errorCode = "rejected"
	codeInternal       errorCode = "internal"
)

// protoError is a request the driver answers with an error response.
type protoError struct {
	Code    errorCode `json:"code"`
	Message string    `json:"message"`
	Feature string    `json:"feature,omitempty"`
	Details string    `json:"details,omitempty"`
}

func (e *protoError) Error() string { return string(e.Code) + ": " + e.Message }

func invalidf(format string, args ...interface{}) error {
	return &protoError{Code: codeInvalidParams, Message: fmt.Sprintf(format, args...)}
}

func unsupportedf(feature, format string, args ...interface{}) error {
	return &protoError{Code: codeUnsupported, Message: fmt.Sprintf(format, args...), Feature: feature}
}

// etcdErrorNames maps etcd's error values to their Go names, as the protocol asks for.
var etcdErrorNames = []struct {
	err  error
	name string
}{
	{raft.ErrProposalDropped, "ErrProposalDropped"},
	{raft.ErrStepLocalMsg, "ErrStepLocalMsg"},
	{raft.ErrStepPeerNotFound, "ErrStepPeerNotFound"},
	{raft.ErrCompacted, "ErrCompacted"},
	{raft.ErrSnapOutOfDate, "ErrSnapOutOfDate"},
	{raft.ErrUnavailable, "ErrUnavailable"},
	{raft.ErrSnapshotTemporarilyUnavailable, "ErrSnapshotTemporarilyUnavailable"},
}

// rejected turns an error an etcd call returned into a `rejected` outcome.
func rejected(err error) error {
	if err == nil {
		return nil
	}
	for _, e := range etcdErrorNames {
		if errors.Is(err, e.err) {
			return &protoError{Code: codeRejected, Message: e.name}
		}
	}
	return &protoError{Code: codeRejected, Message: err.Error()}
}
