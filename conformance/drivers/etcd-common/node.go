package etcddriver

// What one etcd version provides: a way to create nodes and the calls into one node. Everything
// else — parsing requests, dispatching commands, batching, error answers — is this package's.

// Node is one raft node of the etcd version a driver runs. Methods that return an etcd error
// value (a refusal) have it turned into a `rejected` answer; methods may also return an answer
// of this package (Invalidf, Unsupportedf).
type Node interface {
	// Enter is called before every command that runs the node (e.g. to install its RNG).
	Enter()
	Tick()
	Step(m Message) error
	Campaign() error
	Propose(data []byte) error
	ProposeConfChange(cc ConfChange) error
	ReadIndex(ctx []byte) error
	TransferLeader(to uint64) error
	ForgetLeader() error
	ReportUnreachable(peer uint64)
	ReportSnapshot(peer uint64, failed bool)
	SetRandomizedElectionTimeout(ticks int)
	// Ready returns nil when the node has no Ready.
	Ready() (*Ready, error)
	Advance() (Applied, error)
	StorageAppend(m Message) error
	StorageApply(m Message) (Applied, error)
	Compact(index uint64) error
	Status() Status
}

// Impl describes one etcd version to the shared protocol code.
type Impl struct {
	// Name, Version and URL go into hello's `implementation`.
	Name, Version, URL string
	// Capabilities are the features this version really has (spec/protocol.md §5).
	Capabilities []string
	// Errors names the etcd error values a refusal may carry.
	Errors []NamedError
	// NewNode creates a node (a restart when id already runs) from the harness's durable state.
	NewNode func(id uint64, c NodeConfig, d DurableState) (Node, error)
}
