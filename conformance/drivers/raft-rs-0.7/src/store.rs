//! Our own raft-rs `Storage`: the log a node has handed out for persistence, with etcd's
//! MemoryStorage semantics (a compaction at index i keeps i's term as the log's base), plus the
//! "appender" state machine of etcd's rafttest. `snapshot()` answers with the state machine's
//! latest state, so a leader that falls back to a snapshot sends what it has applied (raft-rs's
//! MemStorage would build a snapshot of its own from the commit index instead).

use raft::eraftpb::{ConfState, Entry, HardState, Snapshot};
use raft::{GetEntriesContext, RaftState, Storage, StorageError};

pub struct Store {
    hard_state: HardState,
    /// The configuration raft-rs starts from: the snapshot's (conf changes after it are applied
    /// again from the log, as with etcd).
    conf_state: ConfState,
    /// The log's base: the index and term just before `entries`.
    base_index: u64,
    base_term: u64,
    entries: Vec<Entry>,
    /// The state machine's latest state, as a snapshot (data = every applied payload in order).
    state: Snapshot,
}

impl Store {
    /// A store holding a node's durable state: the snapshot (or none), hard state and entries.
    pub fn new(snapshot: Option<Snapshot>, hard_state: HardState, entries: Vec<Entry>) -> Result<Store, String> {
        let mut s = Store {
            hard_state,
            conf_state: ConfState::default(),
            base_index: 0,
            base_term: 0,
            entries: Vec::new(),
            state: Snapshot::default(),
        };
        if let Some(snap) = snapshot {
            s.install(snap);
        }
        s.append(&entries)?;
        Ok(s)
    }

    /// Replaces the log by a snapshot (its index and term become the base) and the state machine's
    /// state by the snapshot's.
    pub fn install(&mut self, snap: Snapshot) {
        let meta = snap.get_metadata();
        self.base_index = meta.index;
        self.base_term = meta.term;
        self.conf_state = meta.get_conf_state().clone();
        self.entries.clear();
        self.state = snap;
    }

    pub fn set_hard_state(&mut self, hs: HardState) {
        self.hard_state = hs;
    }

    /// Appends entries, replacing any from the first one's index on.
    pub fn append(&mut self, ents: &[Entry]) -> Result<(), String> {
        let Some(first) = ents.first() else { return Ok(()) };
        if first.index <= self.base_index {
            return Err(format!("entry {} is at or below the log's base {}", first.index, self.base_index));
        }
        if first.index > self.last() + 1 {
            return Err(format!("entry {} leaves a gap after the last index {}", first.index, self.last()));
        }
        for (i, e) in ents.iter().enumerate() {
            if e.index != first.index + i as u64 {
                return Err(format!("entries are not contiguous at index {}", e.index));
            }
        }
        self.entries.truncate((first.index - self.base_index - 1) as usize);
        self.entries.extend_from_slice(ents);
        Ok(())
    }

    /// etcd's MemoryStorage.Compact: drops entries up to `index`, whose term becomes the base.
    /// At or below the base it does nothing.
    pub fn compact(&mut self, index: u64) -> Result<(), String> {
        if index <= self.base_index {
            return Ok(());
        }
        if index > self.last() {
            return Err(format!("compact {} is beyond the last index {}", index, self.last()));
        }
        let k = (index - self.base_index) as usize;
        self.base_term = self.entries[k - 1].term;
        self.base_index = index;
        self.entries.drain(..k);
        Ok(())
    }

    pub fn last(&self) -> u64 {
        self.base_index + self.entries.len() as u64
    }

    /// The state machine's state (the appender's latest snapshot), to apply an entry to.
    pub fn state_mut(&mut self) -> &mut Snapshot {
        &mut self.state
    }
}

impl Storage for Store {
    fn initial_state(&self) -> raft::Result<RaftState> {
        Ok(RaftState::new(self.hard_state.clone(), self.conf_state.clone()))
    }

    fn entries(
        &self,
        low: u64,
        high: u64,
        max_size: impl Into<Option<u64>>,
        _context: GetEntriesContext,
    ) -> raft::Result<Vec<Entry>> {
        if low <= self.base_index {
            return Err(raft::Error::Store(StorageError::Compacted));
        }
        if high > self.last() + 1 || low > high {
            return Err(raft::Error::Store(StorageError::Unavailable));
        }
        let lo = (low - self.base_index - 1) as usize;
        let hi = (high - self.base_index - 1) as usize;
        let mut ents = self.entries[lo..hi].to_vec();
        raft::util::limit_size(&mut ents, max_size.into());
        Ok(ents)
    }

    fn term(&self, idx: u64) -> raft::Result<u64> {
        if idx == self.base_index {
            return Ok(self.base_term);
        }
        if idx < self.base_index {
            return Err(raft::Error::Store(StorageError::Compacted));
        }
        if idx > self.last() {
            return Err(raft::Error::Store(StorageError::Unavailable));
        }
        Ok(self.entries[(idx - self.base_index - 1) as usize].term)
    }

    fn first_index(&self) -> raft::Result<u64> {
        Ok(self.base_index + 1)
    }

    fn last_index(&self) -> raft::Result<u64> {
        Ok(self.last())
    }

    fn snapshot(&self, request_index: u64, _to: u64) -> raft::Result<Snapshot> {
        if self.state.get_metadata().index < request_index {
            return Err(raft::Error::Store(StorageError::SnapshotTemporarilyUnavailable));
        }
        Ok(self.state.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(index: u64, term: u64) -> Entry {
        let mut e = Entry::default();
        e.index = index;
        e.term = term;
        e
    }

    #[test]
    fn compaction_keeps_the_compacted_index_as_the_base_like_etcd() {
        let mut s = Store::new(None, HardState::default(), vec![entry(1, 1), entry(2, 1), entry(3, 2)]).unwrap();
        s.compact(2).unwrap();
        assert_eq!(s.first_index().unwrap(), 3);
        assert_eq!(s.term(2).unwrap(), 1);
        assert_eq!(s.term(1), Err(raft::Error::Store(StorageError::Compacted)));
        assert_eq!(s.entries(2, 4, None, GetEntriesContext::empty(false)), Err(raft::Error::Store(StorageError::Compacted)));
        assert_eq!(s.entries(3, 4, None, GetEntriesContext::empty(false)).unwrap(), vec![entry(3, 2)]);
        s.compact(1).unwrap(); // at or below the base: nothing
        assert!(s.compact(4).is_err());
    }

    #[test]
    fn an_append_replaces_the_tail_from_its_first_index() {
        let mut s = Store::new(None, HardState::default(), vec![entry(1, 1), entry(2, 1), entry(3, 1)]).unwrap();
        s.append(&[entry(2, 2)]).unwrap();
        assert_eq!(s.last_index().unwrap(), 2);
        assert_eq!(s.term(2).unwrap(), 2);
        assert!(s.append(&[entry(4, 2)]).is_err());
    }

    #[test]
    fn a_snapshot_becomes_the_base_and_the_state() {
        let mut snap = Snapshot::default();
        snap.mut_metadata().index = 5;
        snap.mut_metadata().term = 2;
        snap.mut_metadata().mut_conf_state().voters = vec![1, 2];
        snap.data = b"abc".to_vec().into();
        let s = Store::new(Some(snap.clone()), HardState::default(), vec![entry(6, 2)]).unwrap();
        assert_eq!((s.first_index().unwrap(), s.last_index().unwrap(), s.term(5).unwrap()), (6, 6, 2));
        assert_eq!(s.initial_state().unwrap().conf_state.voters, vec![1, 2]);
        assert_eq!(s.snapshot(0, 2).unwrap(), snap);
        assert_eq!(s.snapshot(6, 2), Err(raft::Error::Store(StorageError::SnapshotTemporarilyUnavailable)));
    }
}
