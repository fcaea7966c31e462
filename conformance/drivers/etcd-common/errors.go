package etcddriver

// Error responses (spec/protocol.md §7) and the names of etcd's error values, which a `rejected`
// answer carries as its message.

import (
	"errors"
	"fmt"
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

// Invalidf is an `invalid_params` answer: the request is malformed or out of range.
func Invalidf(format string, args ...interface{}) error {
	return &protoError{Code: codeInvalidParams, Message: fmt.Sprintf(format, args...)}
}

// Unsupportedf is an `unsupported` answer naming the feature the library lacks.
func Unsupportedf(feature, format string, args ...interface{}) error {
	return &protoError{Code: codeUnsupported, Message: fmt.Sprintf(format, args...), Feature: feature}
}

// NamedError is one of etcd's error values with its Go name, as the protocol asks for.
type NamedError struct {
	Err  error
	Name string
}

// rejected turns an error an etcd call returned into a `rejected` outcome; an error that is
// already a protocol answer (a malformed message, say) stays what it is.
func rejected(err error, names []NamedError) error {
	if err == nil {
		return nil
	}
	var pe *protoError
	if errors.As(err, &pe) {
		return pe
	}
	for _, e := range names {
		if errors.Is(err, e.Err) {
			return &protoError{Code: codeRejected, Message: e.Name}
		}
	}
	return &protoError{Code: codeRejected, Message: err.Error()}
}

// RefusedToApply runs one ApplyConfChange call; etcd panics when a committed change cannot be
// applied (e.g. "removed all voters"), which the protocol answers as `rejected` so the harness
// halts the node (spec/protocol.md §6.3). Only this call is guarded: any other panic stays
// `internal`.
func RefusedToApply(apply func()) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &protoError{Code: codeRejected, Message: fmt.Sprint(p)}
		}
	}()
	apply()
	return nil
}
