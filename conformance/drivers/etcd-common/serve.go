package etcddriver

// The NDJSON loop of spec/protocol.md: one request line in, one response line out, every call
// into raft on this one goroutine, in request order. Protocol version 2 adds `batch`, version 3
// `ready` with `advance`.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// maxLineBytes is the protocol's line limit (16 MiB).
const maxLineBytes = 16 << 20

// Protocol versions this package speaks; hello picks the highest one the harness offers.
var protocolVersions = []int{3, 2, 1}

type response struct {
	ID     *int64      `json:"id"`
	OK     bool        `json:"ok"`
	Result interface{} `json:"result,omitempty"`
	Error  *protoError `json:"error,omitempty"`
}

// element is one answer inside a batch's `responses`: a response without id.
type element struct {
	OK     bool        `json:"ok"`
	Result interface{} `json:"result,omitempty"`
	Error  *protoError `json:"error,omitempty"`
}

type driver struct {
	impl Impl
	// version is the protocol version hello agreed on; 0 before hello.
	version int
	nodes   map[uint64]Node
}

// Serve runs the protocol on stdin/stdout until `bye` or the end of input.
func Serve(impl Impl) {
	os.Exit(ServeStreams(impl, stdinReader(), os.Stdout))
}

// ServeStreams runs the protocol on the given streams and returns the process's exit status.
func ServeStreams(impl Impl, stdin io.Reader, stdout io.Writer) int {
	in := bufio.NewScanner(stdin)
	in.Buffer(make([]byte, 64<<10), maxLineBytes+1)
	out := bufio.NewWriter(stdout)
	write := func(r response) bool {
		enc := json.NewEncoder(out)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(r); err != nil {
			fmt.Fprintf(os.Stderr, "%s driver: cannot encode response: %v\n", impl.Name, err)
			os.Exit(1)
		}
		return out.Flush() == nil // false: the harness is gone
	}
	d := &driver{impl: impl, nodes: map[uint64]Node{}}
	for in.Scan() {
		line := bytes.TrimRight(in.Bytes(), "\r")
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		r, bye := d.answer(line)
		if !write(r) || bye {
			return 0
		}
	}
	if err := in.Err(); err != nil {
		msg := err.Error()
		if err == bufio.ErrTooLong {
			msg = fmt.Sprintf("request line longer than %d bytes", maxLineBytes)
		}
		write(response{Error: &protoError{Code: codeInvalidParams, Message: msg}})
		return 1
	}
	return 0 // end of input without `bye`: the harness is gone, exit quietly
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
	cmd := commandOf(env)
	var result interface{}
	if cmd == "batch" && d.version >= 2 {
		result, err = d.batch(line)
	} else {
		result, err = d.execute(cmd, line)
	}
	if err != nil {
		r.Error = asProtoError(err)
		return r, false
	}
	r.OK, r.Result = true, result
	return r, cmd == "bye"
}

func commandOf(env map[string]json.RawMessage) string {
	var cmd string
	if err := json.Unmarshal(env["cmd"], &cmd); err != nil {
		cmd = string(env["cmd"])
	}
	return cmd
}

func asProtoError(err error) *protoError {
	if pe, ok := err.(*protoError); ok {
		return pe
	}
	return &protoError{Code: codeInternal, Message: err.Error()}
}

// execute runs one version-1 command; a panic inside etcd (e.g. a config it refuses) becomes an
// `internal` error.
func (d *driver) execute(cmd string, line []byte) (result interface{}, err error) {
	h, known := handlers[cmd]
	if !known {
		return nil, &protoError{Code: codeUnknownCommand, Message: fmt.Sprintf("unknown command %s", strconv.Quote(cmd))}
	}
	if d.version == 0 && cmd != "hello" && cmd != "bye" {
		return nil, &protoError{Code: codeNotInitialized, Message: fmt.Sprintf("`%s` before `hello`", cmd)}
	}
	defer func() {
		if p := recover(); p != nil {
			err = panicked(p)
		}
	}()
	return h(d, line)
}

// panicked is the `internal` answer to a panic inside etcd. Its details start with the frame that
// panicked ("panicked at FUNC (FILE:LINE)"), which a baseline's exploration entry can name, then
// the whole stack.
func panicked(p interface{}) *protoError {
	stack := string(debug.Stack())
	return &protoError{Code: codeInternal, Message: fmt.Sprintf("panic: %v", p), Details: panicSite(stack) + stack}
}

// panicSite finds, in a goroutine stack, the first frame after the call to panic that is neither
// the runtime's own (runtime.panicmem, sigpanic, …) nor a logger's Panic/Fatal method (etcd raft
// panics through its Logger): where the panic was raised. "" if there is none.
func panicSite(stack string) string {
	lines := strings.Split(stack, "\n")
	for i := 0; i < len(lines); i++ {
		if !strings.HasPrefix(lines[i], "panic(") {
			continue
		}
		for j := i + 2; j+1 < len(lines); j += 2 {
			fn := lines[j]
			name := fn
			if k := strings.LastIndex(name, "("); k > 0 {
				name = name[:k]
			}
			if k := strings.LastIndex(name, "."); k >= 0 {
				name = name[k+1:]
			}
			if strings.HasPrefix(fn, "runtime.") || strings.HasPrefix(name, "Panic") || strings.HasPrefix(name, "Fatal") {
				continue
			}
			loc := strings.TrimSpace(lines[j+1])
			if k := strings.LastIndex(loc, " +0x"); k >= 0 {
				loc = loc[:k]
			}
			if k := strings.LastIndex(loc, "/"); k >= 0 {
				loc = loc[k+1:]
			}
			if k := strings.LastIndex(fn, "("); k > 0 && strings.HasSuffix(fn, ")") {
				fn = fn[:k]
			}
			return fmt.Sprintf("panicked at %s (%s)\n", fn, loc)
		}
	}
	return ""
}

// advanceElement advances n and answers as an `advance` request would have, without its id
// (`ready` with `advance`, protocol version 3).
func advanceElement(n Node) (el element) {
	defer func() {
		if p := recover(); p != nil {
			el = element{Error: panicked(p)}
		}
	}()
	result, err := n.Advance()
	if err != nil {
		return element{Error: asProtoError(err)}
	}
	return element{OK: true, Result: result}
}

type batchReq struct {
	envelope
	Requests []json.RawMessage `json:"requests"`
}

// batch runs its requests in order and stops after the first that fails (protocol version 2).
func (d *driver) batch(line []byte) (interface{}, error) {
	var p batchReq
	if err := decode(line, &p); err != nil {
		return nil, err
	}
	if p.Requests == nil {
		return nil, Invalidf("batch needs requests")
	}
	cmds := make([]string, len(p.Requests))
	for i, raw := range p.Requests {
		var env map[string]json.RawMessage
		if err := json.Unmarshal(raw, &env); err != nil || env == nil {
			return nil, Invalidf("requests[%d] is not a JSON object", i)
		}
		if _, has := env["id"]; has {
			return nil, Invalidf("requests[%d] has an id; requests inside a batch have none", i)
		}
		cmds[i] = commandOf(env)
		switch cmds[i] {
		case "hello", "bye", "batch":
			return nil, Invalidf("requests[%d]: `%s` is not allowed inside a batch", i, cmds[i])
		}
	}
	out := make([]element, 0, len(p.Requests))
	for i, raw := range p.Requests {
		result, err := d.execute(cmds[i], raw)
		if err != nil {
			out = append(out, element{Error: asProtoError(err)})
			break
		}
		out = append(out, element{OK: true, Result: result})
	}
	return map[string]interface{}{"responses": out}, nil
}
