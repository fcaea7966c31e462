module raftconformance/etcdv3

go 1.23

require (
	go.etcd.io/raft/v3 v3.6.0
	raftconformance/etcddriver v0.0.0
)

replace raftconformance/etcddriver => ../
