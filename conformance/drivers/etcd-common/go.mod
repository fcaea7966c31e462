module raftconformance/etcddriver

go 1.19
