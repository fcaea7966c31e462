module raftconformance/etcd-raft-3.7

go 1.26

require (
	go.etcd.io/raft/v3 v3.7.0
	google.golang.org/protobuf v1.36.11
	raftconformance/etcddriver v0.0.0
	raftconformance/etcdv3 v0.0.0
)

replace raftconformance/etcddriver => ../etcd-common

replace raftconformance/etcdv3 => ../etcd-common/v3
