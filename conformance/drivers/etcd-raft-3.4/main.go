// Command etcd-raft-3.4-driver serves etcd raft 3.4 (go.etcd.io/etcd/raft, Debian's
// golang-etcd-server-dev) over the raft-conformance driver protocol: NDJSON requests on stdin,
// one response per request on stdout (spec/protocol.md). One process hosts every node of a
// trace, and every call into raft happens on this one goroutine, in request order.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
)

// maxLineBytes is the protocol's line limit (16 MiB).
const maxLineBytes = 16 << 20

type response struct {
	ID     *int64      `json:"id"`
	OK     bool        `json:"ok"`
	Result interface{} `json:"result,omitempty"`
	Error  *protoError `json:"error,omitempty"`
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 64<<10), maxLineBytes+1)
	out := bufio.NewWriter(os.Stdout)
	write := func(r response) {
		enc := json.NewEncoder(out)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(r); err != nil {
			fmt.Fprintf(os.Stderr, "etcd-raft-3.4 driver: cannot encode response: %v\n", err)
			os.Exit(1)
		}
		if err := out.Flush(); err != nil {
			os.Exit(0) // the harness is gone
		}
	}
	d := newDriver()
	for in.Scan() {
		line := bytes.TrimRight(in.Bytes(), "\r")
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		r, bye := d.answer(line)
		write(r)
		if bye {
			return
		}
	}
	if err := in.Err(); err != nil {
		msg := err.Error()
		if err == bufio.ErrTooLong {
			msg = fmt.Sprintf("request line longer than %d bytes", maxLineBytes)
		}
		write(response{OK: false, Error: &protoError{Code: codeInvalidParams, Message: msg}})
		os.Exit(1)
	}
	// End of input without `bye`: the harness is gone, exit quietly.
}

// answer handles one request line; bye reports a successful `bye`.
func (d *driver) answer(line []byte) (r response, bye bool) {
	var env map[string]json.RawMessage
	if err := json.Unmarshal(line, &env); err != nil {
		return response{Error: &protoError{Code: codeInvalidParams, Message: "request line is not a JSON object"}}, false
	}
	id, err := strconv.ParseInt(string(env["id"]), 10, 64)
	if err != nil || id < 1 || id > 1<<53-1 {
		return response{Error: &protoError{Code: codeInvalidParams, Message: "request has no valid id (a positive integer)"}}, false
	}
	r.ID = &id
	var cmd string
	if err := json.Unmarshal(env["cmd"], &cmd); err != nil {
		cmd = string(env["cmd"])
	}
	h, known := handlers[cmd]
	if !known {
		r.Error = &protoError{Code: codeUnknownCommand, Message: fmt.Sprintf("unknown command %s", strconv.Quote(cmd))}
		return r, false
	}
	if !d.helloDone && cmd != "hello" && cmd != "bye" {
		r.Error = &protoError{Code: codeNotInitialized, Message: fmt.Sprintf("`%s` before `hello`", cmd)}
		return r, false
	}
	result, err := d.run(h, line)
	if err != nil {
		pe, ok := err.(*protoError)
		if !ok {
			pe = &protoError{Code: codeInternal, Message: err.Error()}
		}
		r.Error = pe
		return r, false
	}
	r.OK = true
	r.Result = result
	return r, cmd == "bye"
}

// run calls a handler; a panic inside etcd (e.g. a config it refuses) becomes an `internal` error.
func (d *driver) run(h handler, line []byte) (result interface{}, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &protoError{Code: codeInternal, Message: fmt.Sprintf("panic: %v", p), Details: string(debug.Stack())}
		}
	}()
	return h(d, line)
}
