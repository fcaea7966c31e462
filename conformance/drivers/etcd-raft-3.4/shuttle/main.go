// Command shuttle measures etcd raft 3.4's commit throughput: three RawNodes in one process over
// MemoryStorage, with a loop that shuttles Readys and messages between them until the cluster is
// quiet. test/bench/shuttle.mjs runs the same loop on the reference core; `npm run bench` (P4)
// compares the two. It prints one JSON line: {"entries":N,"ns":T} for the timed rounds only.
package main

import (
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"go.etcd.io/etcd/raft"
	pb "go.etcd.io/etcd/raft/raftpb"
)

type cluster struct {
	nodes    []*raft.RawNode
	storages []*raft.MemoryStorage
	inbox    [][]pb.Message
	// committed counts normal entries with data that node 1 was handed to apply.
	committed int
}

func newCluster() *cluster {
	c := &cluster{}
	logger := &raft.DefaultLogger{Logger: log.New(io.Discard, "", 0)}
	for id := uint64(1); id <= 3; id++ {
		s := raft.NewMemoryStorage()
		// Every node starts from the same snapshot holding the configuration {1, 2, 3}.
		snap := pb.Snapshot{Metadata: pb.SnapshotMetadata{Index: 1, Term: 1, ConfState: pb.ConfState{Voters: []uint64{1, 2, 3}}}}
		if err := s.ApplySnapshot(snap); err != nil {
			panic(err)
		}
		rn, err := raft.NewRawNode(&raft.Config{
			ID:              id,
			ElectionTick:    10,
			HeartbeatTick:   1,
			Storage:         s,
			MaxSizePerMsg:   1 << 20,
			MaxInflightMsgs: 256,
			Logger:          logger,
		})
		if err != nil {
			panic(err)
		}
		c.nodes = append(c.nodes, rn)
		c.storages = append(c.storages, s)
		c.inbox = append(c.inbox, nil)
	}
	return c
}

// shuttle handles every Ready and delivers every message until no node has anything left to do.
func (c *cluster) shuttle() {
	for {
		progressed := false
		for i, rn := range c.nodes {
			if !rn.HasReady() {
				continue
			}
			progressed = true
			rd := rn.Ready()
			s := c.storages[i]
			if !raft.IsEmptyHardState(rd.HardState) {
				if err := s.SetHardState(rd.HardState); err != nil {
					panic(err)
				}
			}
			if err := s.Append(rd.Entries); err != nil {
				panic(err)
			}
			for _, m := range rd.Messages {
				c.inbox[m.To-1] = append(c.inbox[m.To-1], m)
			}
			if i == 0 {
				for _, e := range rd.CommittedEntries {
					if e.Type == pb.EntryNormal && len(e.Data) > 0 {
						c.committed++
					}
				}
			}
			rn.Advance(rd)
		}
		for i, rn := range c.nodes {
			msgs := c.inbox[i]
			c.inbox[i] = nil
			for _, m := range msgs {
				progressed = true
				// A refused step (e.g. a stale message) is part of normal operation.
				_ = rn.Step(m)
			}
		}
		if !progressed {
			return
		}
	}
}

// rounds proposes `batch` entries on node 1 per round and shuttles; it returns entries committed.
func (c *cluster) rounds(n, batch int, seq *uint64) int {
	before := c.committed
	data := make([]byte, 8)
	for r := 0; r < n; r++ {
		for b := 0; b < batch; b++ {
			*seq++
			binary.LittleEndian.PutUint64(data, *seq)
			if err := c.nodes[0].Propose(append([]byte(nil), data...)); err != nil {
				panic(err)
			}
		}
		c.shuttle()
	}
	return c.committed - before
}

func main() {
	entries := flag.Int("entries", 20000, "entries to commit in the timed part")
	batch := flag.Int("batch", 10, "proposals per round")
	warmup := flag.Int("warmup", 2000, "entries committed before timing starts")
	flag.Parse()

	c := newCluster()
	if err := c.nodes[0].Campaign(); err != nil {
		panic(err)
	}
	c.shuttle()
	if st := c.nodes[0].Status(); st.RaftState != raft.StateLeader {
		fmt.Fprintf(os.Stderr, "node 1 did not become leader: %v\n", st.RaftState)
		os.Exit(1)
	}
	var seq uint64
	c.rounds(*warmup / *batch, *batch, &seq)
	start := time.Now()
	got := c.rounds(*entries / *batch, *batch, &seq)
	ns := time.Since(start).Nanoseconds()
	if got != *entries / *batch * *batch {
		fmt.Fprintf(os.Stderr, "committed %d entries, expected %d\n", got, *entries)
		os.Exit(1)
	}
	out, _ := json.Marshal(map[string]int64{"entries": int64(got), "ns": ns})
	fmt.Println(string(out))
}
