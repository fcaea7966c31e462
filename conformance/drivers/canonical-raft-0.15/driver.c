/* raft-conformance driver for canonical/raft 0.15 (Debian libraft-dev), protocol version 1,
 * message model "generic". The library is callback-based: a raft_io of our own captures every I/O
 * request (send, append, truncate, set_term, set_vote) and holds its completion until the harness
 * sends `advance` (conformance/DRIVER-GUIDE.md §2.1). Time is a fake clock advanced by `tick`.
 * Bootstrap: the harness's snapshot is returned by raft_io.load as the library's own snapshot.
 * Option --barrier-on-election: the variant "canonical/raft + host barrier on election", in which
 * a node that becomes leader appends a barrier at once, as a host application does (README). */
#include <dlfcn.h>
#include <execinfo.h>
#include <jansson.h>
#include <raft.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#define MAX_NODES 16
#define MAX_HELD 4096
#define QUANTUM 100 /* ms of fake time per tick */
/* The fake clock of a new node starts here, not at 0: libuv's clock (uv_now, the library's own
 * io->time) counts from an arbitrary point long past, and the library compares times with
 * "now - last_send >= heartbeat_timeout" where last_send starts at 0, so at a clock of 0 a new
 * leader would hold back its first heartbeat (progressShouldReplicate, src/progress.c). */
#define CLOCK_START 1000000

/* 1 = send, 2 = append, 3 = snapshot put. The callback is kept here: the library sends TimeoutNow with none, from a
 * raft_transfer that may be gone by the time advance completes the send. */
struct held { int kind; void *req; void (*cb)(void); };
struct node {
    raft_id id;
    int up;
    struct raft raft;
    struct raft_io io;
    struct raft_fsm fsm;
    raft_time now;
    uint64_t rng;
    raft_io_tick_cb tick_cb;
    raft_io_recv_cb recv_cb;
    json_t *durable;          /* durable_state from create */
    json_t *snap;             /* the latest snapshot (protocol JSON): loaded, or installed since */
    json_t *out_snap;         /* an installed snapshot for the next ready (its put is held) */
    json_t *out_msgs;         /* messages for the next ready */
    json_t *out_entries;      /* entries for the next ready */
    json_t *log;              /* index (decimal) -> entry, as written through this io */
    raft_index last_index;    /* of the log as written through this io */
    raft_index reported;      /* entries up to here were reported as committed_entries */
    raft_term term; raft_id vote; int hs_changed;
    int prev_state; raft_id prev_lead;
    struct held held[MAX_HELD]; unsigned n_held;
    unsigned n_handed;        /* of held, the requests the last ready handed out: what advance completes */
    json_t *conf_states;      /* for the next advance: the configurations of the conf-change
                                 entries handed out as committed_entries */
    raft_id follow_id; int follow_role; /* second half of an add, due once the add committed */
    raft_index follow_after;  /* ... and was handed out as applied (the add's index) */
    raft_term barrier_term;   /* --barrier-on-election: the last term this node led and barriered */
    unsigned pin_ms;          /* set_randomized_election_timeout: the pinned timeout, 0 if none ... */
    raft_term pin_term; int pin_phase; /* ... while the node stays in this term and phase */
};
static struct node nodes[MAX_NODES];
static int barrier_on_election; /* --barrier-on-election */

/* ---- values ---- */
static uint64_t u64(json_t *o, const char *k) {
    json_t *v = json_object_get(o, k);
    if (json_is_string(v)) return strtoull(json_string_value(v), NULL, 10);
    if (json_is_integer(v)) return (uint64_t)json_integer_value(v);
    return 0;
}
static json_t *js64(uint64_t v) { char b[32]; snprintf(b, sizeof b, "%llu", (unsigned long long)v); return json_string(b); }
static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static json_t *b64enc(const void *p, size_t n) {
    const unsigned char *s = p; size_t o = 0; char *out = malloc(4 * ((n + 2) / 3) + 1);
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = s[i] << 16 | (i + 1 < n ? s[i + 1] << 8 : 0) | (i + 2 < n ? s[i + 2] : 0);
        out[o++] = B64[v >> 18 & 63]; out[o++] = B64[v >> 12 & 63];
        out[o++] = i + 1 < n ? B64[v >> 6 & 63] : '='; out[o++] = i + 2 < n ? B64[v & 63] : '=';
    }
    out[o] = 0; json_t *j = json_string(out); free(out); return j;
}
static void *b64dec(const char *s, size_t *n) {
    size_t len = strlen(s), o = 0; unsigned char *out = raft_malloc(len / 4 * 3 + 1); unsigned v = 0; int bits = 0;
    for (size_t i = 0; i < len && s[i] != '='; i++) {
        const char *p = strchr(B64, s[i]); if (!p) continue;
        v = v << 6 | (unsigned)(p - B64); bits += 6;
        if (bits >= 8) { bits -= 8; out[o++] = (unsigned char)(v >> bits & 255); }
    }
    *n = o; return out;
}
static const char *etype(unsigned short t) { return t == RAFT_CHANGE ? "EntryConfChange" : "EntryNormal"; }
static json_t *entry_json(raft_term term, raft_index index, const struct raft_entry *e) {
    json_t *j = json_pack("{s:o,s:o,s:s}", "term", js64(term), "index", js64(index), "type", etype(e->type));
    /* A barrier is an entry without data for the application: shown as an empty normal entry. */
    json_object_set_new(j, "data", e->type == RAFT_BARRIER ? json_string("") : b64enc(e->buf.base, e->buf.len));
    return j;
}

/* Configurations in the protocol's terms: a voter is a voter, a stand-by (replicates, does not
 * vote) a learner; a spare (neither replicates nor votes) has no etcd counterpart and is in
 * neither list. */
static json_t *conf_state_json(const struct raft_configuration *c) {
    json_t *voters = json_array(), *learners = json_array();
    for (unsigned i = 0; i < c->n; i++) {
        const struct raft_server *s = &c->servers[i];
        if (s->role == RAFT_VOTER) json_array_append_new(voters, js64(s->id));
        else if (s->role == RAFT_STANDBY) json_array_append_new(learners, js64(s->id));
    }
    return json_pack("{s:o,s:o}", "voters", voters, "learners", learners);
}
/* Reads canonical/raft's configuration encoding (format 1, as raft_configuration_encode writes
 * it): a format byte, a 64-bit little-endian server count, then per server a 64-bit
 * little-endian id, the address with its terminating NUL and a role byte. Our own reader: the
 * library exports the encoder only. NULL if the bytes are not such a configuration. */
static json_t *conf_state_of_bytes(const unsigned char *p, size_t len) {
    size_t at = 0;
    uint64_t count = 0;
    if (len < 9 || p[at++] != 1) return NULL;
    for (int b = 0; b < 8; b++) count |= (uint64_t)p[at++] << (8 * b);
    struct raft_configuration c; raft_configuration_init(&c);
    for (uint64_t i = 0; i < count; i++) {
        uint64_t id = 0; size_t end;
        if (at + 8 > len) break;
        for (int b = 0; b < 8; b++) id |= (uint64_t)p[at++] << (8 * b);
        for (end = at; end < len && p[end]; end++) {}
        if (end + 1 >= len) break;
        char *addr = strndup((const char *)p + at, end - at);
        int role = p[end + 1]; at = end + 2;
        raft_configuration_add(&c, id, addr, role);
        free(addr);
    }
    json_t *j = c.n == count ? conf_state_json(&c) : NULL;
    raft_configuration_close(&c);
    return j;
}

/* A protocol ConfState as a configuration: voters as voters, learners as stand-bys. */
static void configuration_of_json(json_t *cs, struct raft_configuration *c) {
    const char *lists[2] = {"voters", "learners"}; int roles[2] = {RAFT_VOTER, RAFT_STANDBY};
    raft_configuration_init(c);
    for (int l = 0; l < 2; l++) {
        json_t *v; size_t i;
        json_array_foreach(json_object_get(cs, lists[l]), i, v) {
            uint64_t id = strtoull(json_string_value(v) ? json_string_value(v) : "0", NULL, 10); char addr[32];
            snprintf(addr, sizeof addr, "%llu", (unsigned long long)id);
            raft_configuration_add(c, id, addr, roles[l]);
        }
    }
}
/* A protocol snapshot as the library's: one buffer, allocated as the library frees it
 * (snapshotClose). The protocol's snapshot has no configuration index; its own index stands in
 * (the configuration is committed there at the latest). */
static struct raft_snapshot *snapshot_of_json(json_t *s) {
    json_t *md = json_object_get(s, "metadata");
    struct raft_snapshot *sn = raft_calloc(1, sizeof *sn);
    sn->index = u64(md, "index"); sn->term = u64(md, "term");
    configuration_of_json(json_object_get(md, "conf_state"), &sn->configuration);
    sn->configuration_index = sn->index;
    sn->bufs = raft_malloc(sizeof *sn->bufs); sn->n_bufs = 1;
    const char *data = json_string_value(json_object_get(s, "data"));
    sn->bufs[0].base = b64dec(data ? data : "", &sn->bufs[0].len);
    return sn;
}
static json_t *snapshot_json(raft_index index, raft_term term, const struct raft_configuration *c, const struct raft_buffer *data) {
    return json_pack("{s:o,s:{s:o,s:o,s:o}}", "data", b64enc(data->base, data->len),
                     "metadata", "index", js64(index), "term", js64(term), "conf_state", conf_state_json(c));
}

/* ---- raft_io ---- */
/* raft_init takes io->data for itself: find the node from the io's address instead. */
static struct node *N(struct raft_io *io) { return (struct node *)(void *)((char *)io - offsetof(struct node, io)); }
static int io_init(struct raft_io *io, raft_id id, const char *a) { (void)io; (void)id; (void)a; return 0; }
static void io_close(struct raft_io *io, raft_io_close_cb cb) { if (cb) cb(io); }
static void log_put(struct node *n, raft_index i, json_t *e) { char k[32]; snprintf(k, sizeof k, "%llu", (unsigned long long)i); json_object_set_new(n->log, k, e); }
static json_t *log_get(struct node *n, raft_index i) { char k[32]; snprintf(k, sizeof k, "%llu", (unsigned long long)i); return json_object_get(n->log, k); }
static int io_load(struct raft_io *io, raft_term *term, raft_id *vote, struct raft_snapshot **snap,
                   raft_index *start, struct raft_entry **entries, size_t *n_entries) {
    struct node *n = N(io); json_t *d = n->durable, *hs = json_object_get(d, "hard_state");
    *term = u64(hs, "term"); *vote = u64(hs, "vote"); n->term = *term; n->vote = *vote;
    *snap = NULL; *start = 1; n->last_index = 0;
    json_t *s = json_object_get(d, "snapshot");
    if (s) {
        struct raft_snapshot *sn = snapshot_of_json(s);
        *snap = sn; *start = sn->index + 1; n->last_index = sn->index;
        n->snap = json_incref(s);
    }
    json_t *es = json_object_get(d, "entries"), *e; size_t i;
    *n_entries = json_array_size(es);
    *entries = *n_entries ? raft_calloc(*n_entries, sizeof **entries) : NULL;
    json_array_foreach(es, i, e) {
        struct raft_entry *x = &(*entries)[i];
        x->term = u64(e, "term");
        const char *t = json_string_value(json_object_get(e, "type"));
        const char *data = json_string_value(json_object_get(e, "data"));
        x->type = t && strcmp(t, "EntryNormal") ? RAFT_CHANGE : RAFT_COMMAND;
        x->buf.base = b64dec(data ? data : "", &x->buf.len); x->batch = x->buf.base;
        if (i == 0 && !s) *start = u64(e, "index");
        n->last_index = u64(e, "index");
        log_put(n, n->last_index, json_deep_copy(e));
    }
    n->reported = s ? u64(json_object_get(s, "metadata"), "index") : 0;
    /* The harness's bootstrap is hard-state term 0 under a term-1 snapshot, a state canonical/raft's
     * storage never holds (its own bootstrap writes term 1 with its term-1 configuration entry).
     * A sole voter leads at the loaded term without an election (raft_start's self-elect), so
     * there the term is raised to the last log term, vote cleared, and reported as a write, as the
     * library's bootstrap would have written it; with more voters an election raises the term
     * before anything is stamped with it, and the harness's numbering is kept. */
    raft_term last_term = s ? u64(json_object_get(s, "metadata"), "term") : 0;
    if (*n_entries) last_term = (*entries)[*n_entries - 1].term;
    json_t *voters = s ? json_object_get(json_object_get(json_object_get(s, "metadata"), "conf_state"), "voters") : NULL;
    int sole_voter = json_array_size(voters) == 1 &&
                     strtoull(json_string_value(json_array_get(voters, 0)) ? json_string_value(json_array_get(voters, 0)) : "0", NULL, 10) == n->id;
    if (sole_voter && *term < last_term) { *term = last_term; *vote = 0; n->term = *term; n->vote = 0; n->hs_changed = 1; }
    return 0;
}
static int io_start(struct raft_io *io, unsigned ms, raft_io_tick_cb t, raft_io_recv_cb r) { (void)ms; N(io)->tick_cb = t; N(io)->recv_cb = r; return 0; }
static int io_bootstrap(struct raft_io *io, const struct raft_configuration *c) { (void)io; (void)c; return RAFT_CANTBOOTSTRAP; }
static int io_recover(struct raft_io *io, const struct raft_configuration *c) { (void)io; (void)c; return RAFT_NOTFOUND; }
static int io_set_term(struct raft_io *io, raft_term t) { struct node *n = N(io); n->term = t; n->vote = 0; n->hs_changed = 1; return 0; }
static int io_set_vote(struct raft_io *io, raft_id v) { struct node *n = N(io); n->vote = v; n->hs_changed = 1; return 0; }
static void hold(struct node *n, int kind, void *req, void (*cb)(void)) { if (n->n_held < MAX_HELD) n->held[n->n_held++] = (struct held){kind, req, cb}; }
static json_t *msg_json(struct node *n, const struct raft_message *m) {
    json_t *j = json_pack("{s:o,s:o}", "from", js64(n->id), "to", js64(m->server_id));
    switch (m->type) {
    case RAFT_IO_REQUEST_VOTE: {
        const struct raft_request_vote *r = &m->request_vote;
        json_object_set_new(j, "type", json_string(r->pre_vote ? "MsgPreVote" : "MsgVote"));
        json_object_set_new(j, "term", js64(r->term)); json_object_set_new(j, "index", js64(r->last_log_index));
        json_object_set_new(j, "log_term", js64(r->last_log_term));
        if (r->disrupt_leader) json_object_set_new(j, "context", b64enc("CampaignTransfer", 16));
        break; }
    case RAFT_IO_REQUEST_VOTE_RESULT: {
        const struct raft_request_vote_result *r = &m->request_vote_result;
        json_object_set_new(j, "type", json_string(r->pre_vote == raft_tribool_true ? "MsgPreVoteResp" : "MsgVoteResp"));
        json_object_set_new(j, "term", js64(r->term)); json_object_set_new(j, "reject", json_boolean(!r->vote_granted));
        break; }
    case RAFT_IO_APPEND_ENTRIES: {
        const struct raft_append_entries *a = &m->append_entries; json_t *es = json_array();
        for (unsigned i = 0; i < a->n_entries; i++) json_array_append_new(es, entry_json(a->entries[i].term, a->prev_log_index + 1 + i, &a->entries[i]));
        json_object_set_new(j, "type", json_string("MsgApp"));
        json_object_set_new(j, "term", js64(a->term)); json_object_set_new(j, "index", js64(a->prev_log_index));
        json_object_set_new(j, "log_term", js64(a->prev_log_term)); json_object_set_new(j, "commit", js64(a->leader_commit));
        json_object_set_new(j, "entries", es);
        break; }
    case RAFT_IO_APPEND_ENTRIES_RESULT: {
        const struct raft_append_entries_result *a = &m->append_entries_result;
        json_object_set_new(j, "type", json_string("MsgAppResp")); json_object_set_new(j, "term", js64(a->term));
        json_object_set_new(j, "index", js64(a->rejected ? a->rejected : a->last_log_index));
        json_object_set_new(j, "reject", json_boolean(a->rejected != 0)); json_object_set_new(j, "reject_hint", js64(a->last_log_index));
        break; }
    case RAFT_IO_TIMEOUT_NOW:
        json_object_set_new(j, "type", json_string("MsgTimeoutNow")); json_object_set_new(j, "term", js64(m->timeout_now.term));
        json_object_set_new(j, "index", js64(m->timeout_now.last_log_index)); json_object_set_new(j, "log_term", js64(m->timeout_now.last_log_term));
        break;
    case RAFT_IO_INSTALL_SNAPSHOT: {
        const struct raft_install_snapshot *s = &m->install_snapshot;
        json_object_set_new(j, "type", json_string("MsgSnap")); json_object_set_new(j, "term", js64(s->term));
        json_object_set_new(j, "snapshot", snapshot_json(s->last_index, s->last_term, &s->conf, &s->data));
        break; }
    }
    return j;
}
static int io_send(struct raft_io *io, struct raft_io_send *req, const struct raft_message *m, raft_io_send_cb cb) {
    struct node *n = N(io); json_array_append_new(n->out_msgs, msg_json(n, m)); req->cb = cb; hold(n, 1, req, (void (*)(void))cb); return 0;
}
static int io_append(struct raft_io *io, struct raft_io_append *req, const struct raft_entry e[], unsigned k, raft_io_append_cb cb) {
    struct node *n = N(io);
    for (unsigned i = 0; i < k; i++) {
        json_t *x = entry_json(e[i].term, ++n->last_index, &e[i]);
        log_put(n, n->last_index, json_deep_copy(x));
        json_array_append_new(n->out_entries, x);
    }
    req->cb = cb; hold(n, 2, req, (void (*)(void))cb); return 0;
}
static int io_truncate(struct raft_io *io, raft_index index) { N(io)->last_index = index - 1; return 0; }
/* A snapshot put with trailing 0 is an InstallSnapshot from the leader (replicationInstallSnapshot):
 * it replaces the whole log, goes to the next ready as its `snapshot` and completes in advance,
 * when the library restores it. The library's own snapshots (trailing > 0, every
 * snapshot_threshold applied entries) are switched off in create: the harness decides compaction,
 * and canonical/raft has no call to compact at an index of the host's choosing. */
static int io_snapshot_put(struct raft_io *io, unsigned trailing, struct raft_io_snapshot_put *req, const struct raft_snapshot *s, raft_io_snapshot_put_cb cb) {
    struct node *n = N(io);
    if (trailing != 0) return RAFT_IOERR;
    json_t *j = snapshot_json(s->index, s->term, &s->configuration, &s->bufs[0]);
    json_decref(n->out_snap); n->out_snap = json_incref(j);
    json_decref(n->snap); n->snap = j;
    json_object_clear(n->log); n->last_index = s->index;
    req->cb = cb; hold(n, 3, req, (void (*)(void))cb); return 0;
}
/* The leader's latest snapshot, for an InstallSnapshot (sendSnapshot, src/replication.c): the one it
 * loaded (the harness's bootstrap) or installed since. A fresh copy, which the library frees. */
static int io_snapshot_get(struct raft_io *io, struct raft_io_snapshot_get *req, raft_io_snapshot_get_cb cb) {
    struct node *n = N(io);
    if (!n->snap) { cb(req, NULL, RAFT_NOTFOUND); return 0; }
    cb(req, snapshot_of_json(n->snap), 0); return 0;
}
static raft_time io_time(struct raft_io *io) { return N(io)->now; }
/* 0 follower, 1 pre-candidate, 2 candidate, 3 other (leader, unavailable). */
static int phase_of(struct node *n) {
    switch (raft_state(&n->raft)) {
    case RAFT_FOLLOWER: return 0;
    case RAFT_CANDIDATE: return n->raft.candidate_state.in_pre_vote ? 1 : 2;
    default: return 3;
    }
}
/* Does a pinned election timeout still hold? etcd keeps a randomized timeout until its next
 * reset(term), i.e. a new term or a new role, except follower -> pre-candidate (becomePreCandidate
 * does not reset). canonical/raft redraws the timeout also on every append or heartbeat from the
 * leader and on each vote it grants (electionResetTimer, src/election.c), which the pin covers too. */
static int pin_holds(struct node *n) {
    if (n->pin_ms == 0) return 0;
    int ph = phase_of(n);
    if (n->raft.current_term == n->pin_term && ph != 3 && (ph == n->pin_phase || (n->pin_phase == 0 && ph == 1))) { n->pin_phase = ph; return 1; }
    n->pin_ms = 0;
    return 0;
}
/* The library draws only election timeouts with io->random (electionResetTimer). */
static int io_random(struct raft_io *io, int min, int max) {
    struct node *n = N(io);
    if (pin_holds(n) && n->pin_ms >= (unsigned)min && n->pin_ms <= (unsigned)max) return (int)n->pin_ms;
    n->rng = n->rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return min + (int)((n->rng >> 33) % (uint64_t)(max - min + 1));
}

/* ---- fsm: the library applies committed entries itself; the driver reports them ---- */
static int fsm_apply(struct raft_fsm *f, const struct raft_buffer *buf, void **result) { (void)f; (void)buf; *result = NULL; return 0; }
static int fsm_snapshot(struct raft_fsm *f, struct raft_buffer *bufs[], unsigned *n) { (void)f; *bufs = raft_calloc(1, sizeof **bufs); *n = 1; return 0; }
static int fsm_restore(struct raft_fsm *f, struct raft_buffer *buf) { (void)f; raft_free(buf->base); return 0; }

static struct node *find(raft_id id) { for (int i = 0; i < MAX_NODES; i++) if (nodes[i].id == id && nodes[i].up) return &nodes[i]; return NULL; }
static void drop(struct node *n) {
    if (!n->up) return;
    raft_close(&n->raft, NULL);
    json_decref(n->durable); json_decref(n->snap); json_decref(n->out_snap); json_decref(n->out_msgs); json_decref(n->out_entries); json_decref(n->log); json_decref(n->conf_states);
    memset(n, 0, sizeof *n);
}

static const char *state_name(struct node *n) {
    switch (raft_state(&n->raft)) {
    case RAFT_LEADER: return "StateLeader";
    case RAFT_CANDIDATE: return n->raft.candidate_state.in_pre_vote ? "StatePreCandidate" : "StateCandidate";
    default: return "StateFollower";
    }
}
static raft_id leader_of(struct node *n) { raft_id id = 0; const char *a = NULL; raft_leader(&n->raft, &id, &a); return id; }
static json_t *hard_state(struct node *n) { return json_pack("{s:o,s:o,s:o}", "term", js64(n->raft.current_term), "vote", js64(n->raft.voted_for), "commit", js64(n->raft.commit_index)); }
static json_t *soft_state(struct node *n) { return json_pack("{s:o,s:s}", "lead", js64(leader_of(n)), "raft_state", state_name(n)); }

struct cmd_error { const char *code; char message[256]; };
static json_t *fail(struct cmd_error *e, const char *code, const char *msg) { e->code = code; snprintf(e->message, sizeof e->message, "%s", msg); return NULL; }

static json_t *cmd_create(json_t *req, struct cmd_error *err) {
    raft_id id = u64(req, "node"); json_t *cfg = json_object_get(req, "config");
    struct node *n = NULL;
    for (int i = 0; i < MAX_NODES; i++) if (!nodes[i].up) { n = &nodes[i]; break; }
    if (!n) return fail(err, "internal", "too many nodes");
    memset(n, 0, sizeof *n);
    n->id = id; n->up = 1; n->now = CLOCK_START;
    n->durable = json_incref(json_object_get(req, "storage"));
    n->out_msgs = json_array(); n->out_entries = json_array(); n->log = json_object(); n->conf_states = json_array();
    n->rng = (uint64_t)json_integer_value(json_object_get(cfg, "seed")) * 2654435761ULL + id;
    n->io.version = 1; n->io.data = n;
    n->io.init = io_init; n->io.close = io_close; n->io.load = io_load; n->io.start = io_start;
    n->io.bootstrap = io_bootstrap; n->io.recover = io_recover; n->io.set_term = io_set_term; n->io.set_vote = io_set_vote;
    n->io.send = io_send; n->io.append = io_append; n->io.truncate = io_truncate;
    n->io.snapshot_put = io_snapshot_put; n->io.snapshot_get = io_snapshot_get; n->io.time = io_time; n->io.random = io_random;
    n->fsm.version = 1; n->fsm.data = n; n->fsm.apply = fsm_apply; n->fsm.snapshot = fsm_snapshot; n->fsm.restore = fsm_restore;
    char addr[32]; snprintf(addr, sizeof addr, "%llu", (unsigned long long)id);
    if (raft_init(&n->raft, &n->io, &n->fsm, id, addr) != 0) { n->up = 0; return fail(err, "internal", "raft_init failed"); }
    unsigned hb = (unsigned)json_integer_value(json_object_get(cfg, "heartbeat_tick"));
    unsigned el = (unsigned)json_integer_value(json_object_get(cfg, "election_tick"));
    raft_set_heartbeat_timeout(&n->raft, QUANTUM * (hb ? hb : 1));
    raft_set_election_timeout(&n->raft, QUANTUM * (el ? el : 10));
    raft_set_pre_vote(&n->raft, json_is_true(json_object_get(cfg, "pre_vote")));
    raft_set_snapshot_threshold(&n->raft, UINT32_MAX); /* no snapshots of its own: see io_snapshot_put */
    int rv = raft_start(&n->raft);
    if (rv != 0) { char m[128]; snprintf(m, sizeof m, "raft_start: %s", raft_strerror(rv)); n->up = 0; return fail(err, "internal", m); }
    n->prev_state = -1;
    return json_object();
}

static json_t *cmd_ready(struct node *n) {
    raft_index applied = n->raft.last_applied;
    int changed = raft_state(&n->raft) != n->prev_state || leader_of(n) != n->prev_lead;
    if (!changed && !n->hs_changed && !n->out_snap && json_array_size(n->out_msgs) == 0 && json_array_size(n->out_entries) == 0 && applied <= n->reported)
        return json_pack("{s:n}", "ready");
    n->n_handed = n->n_held;
    json_t *rd = json_object();
    if (changed) json_object_set_new(rd, "soft_state", soft_state(n));
    if (n->out_snap) {
        /* The snapshot stands for everything up to its index: what was applied before it is not
         * handed out as committed_entries (etcd's Ready has only entries after its snapshot). */
        raft_index si = u64(json_object_get(n->out_snap, "metadata"), "index");
        if (n->reported < si) n->reported = si;
        json_object_set_new(rd, "snapshot", n->out_snap); n->out_snap = NULL;
    }
    n->prev_state = raft_state(&n->raft); n->prev_lead = leader_of(n);
    json_object_set_new(rd, "hard_state", hard_state(n));
    json_object_set_new(rd, "entries", n->out_entries); n->out_entries = json_array();
    json_object_set_new(rd, "messages", n->out_msgs); n->out_msgs = json_array();
    json_t *ce = json_array();
    for (raft_index i = n->reported + 1; i <= applied; i++) {
        json_t *e = log_get(n, i);
        if (!e) continue;
        json_array_append(ce, e);
        if (strcmp(json_string_value(json_object_get(e, "type")), "EntryConfChange")) continue;
        size_t len; unsigned char *b = b64dec(json_string_value(json_object_get(e, "data")), &len);
        json_t *cs = conf_state_of_bytes(b, len);
        raft_free(b);
        if (cs) json_array_append_new(n->conf_states, json_pack("{s:O,s:o}", "index", json_object_get(e, "index"), "conf_state", cs));
    }
    n->reported = applied;
    json_object_set_new(rd, "committed_entries", ce);
    json_object_set_new(rd, "must_sync", json_boolean(n->hs_changed || json_object_get(rd, "snapshot") || json_array_size(json_object_get(rd, "entries")) > 0));
    n->hs_changed = 0;
    return json_pack("{s:o}", "ready", rd);
}

static json_t *cmd_advance(struct node *n) {
    /* Only what the last ready handed out: a request made after it (the host's follow-up change or
     * barrier, run after each command) is written by the harness after the next ready, and must not
     * complete before (it did, and a sole voter then committed an entry the harness never stored). */
    unsigned k = n->n_handed < n->n_held ? n->n_handed : n->n_held; n->n_handed = 0; struct held h[MAX_HELD]; memcpy(h, n->held, k * sizeof *h);
    memmove(n->held, n->held + k, (n->n_held - k) * sizeof *h); n->n_held -= k;
    for (unsigned i = 0; i < k; i++) {
        if (h[i].cb == NULL) continue;
        if (h[i].kind == 1) ((raft_io_send_cb)h[i].cb)(h[i].req, 0);
        else if (h[i].kind == 2) ((raft_io_append_cb)h[i].cb)(h[i].req, 0);
        else ((raft_io_snapshot_put_cb)h[i].cb)(h[i].req, 0);
    }
    json_t *cs = n->conf_states; n->conf_states = json_array();
    return json_pack("{s:o}", "conf_states", cs);
}

static json_t *decode_msg(struct node *n, json_t *m, struct raft_message *out, struct cmd_error *err) {
    const char *t = json_string_value(json_object_get(m, "type"));
    memset(out, 0, sizeof *out);
    out->server_id = u64(m, "from");
    static char addr[32]; snprintf(addr, sizeof addr, "%llu", (unsigned long long)out->server_id); out->server_address = addr;
    if (!t) return fail(err, "invalid_params", "message without type");
    if (!strcmp(t, "MsgVote") || !strcmp(t, "MsgPreVote")) {
        out->type = RAFT_IO_REQUEST_VOTE;
        /* disrupt_leader travels as etcd's transfer context, as msg_json writes it */
        const char *ctx = json_string_value(json_object_get(m, "context"));
        size_t cl = 0; char *c = ctx ? b64dec(ctx, &cl) : NULL;
        bool disrupt = c && cl == 16 && !memcmp(c, "CampaignTransfer", 16);
        raft_free(c);
        out->request_vote = (struct raft_request_vote){u64(m, "term"), out->server_id, u64(m, "index"), u64(m, "log_term"), disrupt, !strcmp(t, "MsgPreVote")};
    } else if (!strcmp(t, "MsgVoteResp") || !strcmp(t, "MsgPreVoteResp")) {
        out->type = RAFT_IO_REQUEST_VOTE_RESULT;
        out->request_vote_result.term = u64(m, "term");
        out->request_vote_result.vote_granted = !json_is_true(json_object_get(m, "reject"));
        out->request_vote_result.pre_vote = !strcmp(t, "MsgPreVoteResp") ? raft_tribool_true : raft_tribool_false;
    } else if (!strcmp(t, "MsgApp") || !strcmp(t, "MsgHeartbeat")) {
        json_t *es = json_object_get(m, "entries"), *e; size_t i;
        out->type = RAFT_IO_APPEND_ENTRIES;
        struct raft_append_entries *a = &out->append_entries;
        a->term = u64(m, "term"); a->prev_log_index = u64(m, "index"); a->prev_log_term = u64(m, "log_term"); a->leader_commit = u64(m, "commit");
        a->n_entries = (unsigned)json_array_size(es);
        a->entries = a->n_entries ? raft_calloc(a->n_entries, sizeof *a->entries) : NULL;
        json_array_foreach(es, i, e) {
            const char *ty = json_string_value(json_object_get(e, "type")); const char *d = json_string_value(json_object_get(e, "data"));
            a->entries[i].term = u64(e, "term"); a->entries[i].type = ty && strcmp(ty, "EntryNormal") ? RAFT_CHANGE : RAFT_COMMAND;
            a->entries[i].buf.base = b64dec(d ? d : "", &a->entries[i].buf.len); a->entries[i].batch = a->entries[i].buf.base;
            /* an empty normal entry is a barrier, as our encoder shows one */
            if (a->entries[i].buf.len == 0 && a->entries[i].type == RAFT_COMMAND) a->entries[i].type = RAFT_BARRIER;
        }
    } else if (!strcmp(t, "MsgAppResp") || !strcmp(t, "MsgHeartbeatResp")) {
        out->type = RAFT_IO_APPEND_ENTRIES_RESULT;
        int rej = json_is_true(json_object_get(m, "reject"));
        out->append_entries_result = (struct raft_append_entries_result){u64(m, "term"), rej ? u64(m, "index") : 0, rej ? u64(m, "reject_hint") : u64(m, "index")};
    } else if (!strcmp(t, "MsgSnap")) {
        json_t *s = json_object_get(m, "snapshot"), *md = json_object_get(s, "metadata");
        const char *d = json_string_value(json_object_get(s, "data"));
        out->type = RAFT_IO_INSTALL_SNAPSHOT;
        struct raft_install_snapshot *is = &out->install_snapshot;
        is->term = u64(m, "term"); is->last_index = u64(md, "index"); is->last_term = u64(md, "term");
        is->conf_index = is->last_index; /* see snapshot_of_json */
        configuration_of_json(json_object_get(md, "conf_state"), &is->conf);
        is->data.base = b64dec(d ? d : "", &is->data.len);
    } else if (!strcmp(t, "MsgTimeoutNow")) {
        out->type = RAFT_IO_TIMEOUT_NOW;
        out->timeout_now.term = u64(m, "term"); out->timeout_now.last_log_index = u64(m, "index"); out->timeout_now.last_log_term = u64(m, "log_term");
    } else {
        char b[96]; snprintf(b, sizeof b, "message type %s has no canonical/raft counterpart", t); return fail(err, "unsupported", b);
    }
    (void)n;
    return json_object();
}

static void apply_done(struct raft_apply *req, int status, void *result) { (void)status; (void)result; free(req); }
static void transfer_done(struct raft_transfer *req) { free(req); }
/* A membership change in flight; role >= 0 marks the first half of an add (see cmd_conf_change). */
struct change { struct raft_change req; struct node *n; raft_id id; int role; };
static void change_done(struct raft_change *req, int status) {
    struct change *c = (struct change *)(void *)req;
    /* the library sets configuration_index to the entry's index before calling back */
    if (status == 0 && c->role >= 0) { c->n->follow_id = c->id; c->n->follow_role = c->role; c->n->follow_after = c->n->raft.configuration_index; }
    free(c);
}
/* A refusal of the library is the command's outcome: `rejected`, with the library's error text. */
static json_t *refused(struct cmd_error *err, int rv) { return fail(err, "rejected", rv == RAFT_NOTLEADER ? "ErrProposalDropped" : raft_strerror(rv)); }

/* An etcd v1 conf change as canonical/raft's membership calls (src/client.c):
 *   RemoveNode        raft_remove: one entry.
 *   AddNode           a member already: raft_assign(voter), one entry (after the library's
 *                     catch-up rounds when the node is behind); new: raft_add, which always adds a
 *                     spare, then raft_assign(voter) once the add committed: two entries.
 *   AddLearnerNode    the same with the stand-by role (replicates, does not vote).
 * The library refuses a change while another is uncommitted or a promotion is under way
 * (RAFT_CANTCHANGE), a duplicate add (RAFT_DUPLICATEID), a role the node has (RAFT_BADROLE) and an
 * unknown node (RAFT_BADID); each is answered rejected, where etcd appends the change and applies
 * it as a no-op. */
static json_t *cmd_conf_change(struct node *n, json_t *cc, struct cmd_error *err) {
    /* A v2 change with a single simple change is applied by etcd as that v1 change. */
    json_t *one = cc;
    if (json_integer_value(json_object_get(cc, "version")) == 2) {
        json_t *changes = json_object_get(cc, "changes");
        const char *tr = json_string_value(json_object_get(cc, "transition"));
        if (json_array_size(changes) != 1 || (tr && strcmp(tr, "auto")))
            return fail(err, "unsupported", "canonical/raft changes one server per entry and has no joint consensus: only single v1-like changes are mapped");
        one = json_array_get(changes, 0);
    }
    const char *type = json_string_value(json_object_get(one, "type"));
    raft_id id = u64(one, "node_id");
    int add_voter = type && !strcmp(type, "ConfChangeAddNode"), add_learner = type && !strcmp(type, "ConfChangeAddLearnerNode");
    int remove = type && !strcmp(type, "ConfChangeRemoveNode");
    if (!add_voter && !add_learner && !remove) return fail(err, "unsupported", "canonical/raft has no counterpart of this conf change type");
    int member = 0;
    for (unsigned i = 0; i < n->raft.configuration.n; i++) member |= n->raft.configuration.servers[i].id == id;
    struct change *c = calloc(1, sizeof *c); c->n = n; c->role = -1;
    int rv;
    if (remove) rv = raft_remove(&n->raft, &c->req, id, change_done);
    else if (member) rv = raft_assign(&n->raft, &c->req, id, add_voter ? RAFT_VOTER : RAFT_STANDBY, change_done);
    else {
        char addr[32]; snprintf(addr, sizeof addr, "%llu", (unsigned long long)id);
        c->id = id; c->role = add_voter ? RAFT_VOTER : RAFT_STANDBY;
        rv = raft_add(&n->raft, &c->req, id, addr, change_done);
    }
    if (rv != 0) { free(c); return refused(err, rv); }
    return json_object();
}
static void barrier_done(struct raft_barrier *req, int status) { (void)status; free(req); }
/* --barrier-on-election: the host application's barrier, as dqlite makes one before it serves
 * as leader: a node that leads a term it has not barriered yet appends one at once (raft_barrier,
 * an entry of the new term), inside the protocol call in which it became leader. */
static void barrier_if_new_leader(struct node *n) {
    if (!barrier_on_election || !n->up || raft_state(&n->raft) != RAFT_LEADER || n->barrier_term == n->raft.current_term) return;
    n->barrier_term = n->raft.current_term;
    struct raft_barrier *b = calloc(1, sizeof *b);
    if (raft_barrier(&n->raft, b, barrier_done) != 0) free(b);
}
/* The second half of an add, as a host application would make it: called after each command,
 * once the add's callback has reported it committed and the harness was handed the add as
 * applied (a leader appends a configuration entry only when the earlier one is applied). */
static void follow_up(struct node *n) {
    if (!n->up || n->follow_id == 0 || n->reported < n->follow_after) return;
    raft_id id = n->follow_id; n->follow_id = 0;
    struct change *c = calloc(1, sizeof *c); c->n = n; c->role = -1;
    if (raft_assign(&n->raft, &c->req, id, n->follow_role, change_done) != 0) free(c);
}

/* A node the library made unavailable cannot go on; it has no etcd role. The command that found it
 * so is answered rejected with the library's words; for advance that halts the node
 * (spec/protocol.md §6.3: the harness then crashes it, and a restart loads its durable state). */
static json_t *shut_down(struct node *n, struct cmd_error *err) {
    const char *why = raft_errmsg(&n->raft);
    char m[240]; snprintf(m, sizeof m, "canonical/raft shut the node down (RAFT_UNAVAILABLE)%s%s", why && *why ? ": " : "", why ? why : "");
    return fail(err, "rejected", m);
}

static json_t *dispatch(const char *cmd, json_t *req, struct cmd_error *err) {
    if (!strcmp(cmd, "hello")) {
        json_t *caps = json_pack("[s,s,s,s,s,s,s,s,s,s,s]", "election", "replication", "prevote", "pre_vote_optional", "check_quorum",
                                 "leader_transfer", "conf_change_v1", "learners", "pin_election_timeout", "snapshots",
                                 /* always: a leader steps down once its removal commits (applyChange,
                                  * src/replication.c); without step_down_on_removal_optional the
                                  * harness creates every node with the option on */
                                 "step_down_on_removal");
        if (barrier_on_election) json_array_append_new(caps, json_string("empty_entry_on_election"));
        return json_pack("{s:i,s:{s:s,s:s,s:s,s:s},s:s,s:o}", "protocol_version", 1,
                         "implementation", "name", barrier_on_election ? "canonical/raft + host barrier on election" : "canonical/raft", "version", "0.15.0", "language", "c", "url", "https://github.com/canonical/raft",
                         "message_model", "generic", "capabilities", caps);
    }
    if (!strcmp(cmd, "reset")) { for (int i = 0; i < MAX_NODES; i++) drop(&nodes[i]); return json_object(); }
    if (!strcmp(cmd, "bye")) return json_object();
    if (!strcmp(cmd, "create")) return cmd_create(req, err);
    struct node *n = find(u64(req, "node"));
    if (!n) {
        if (!strcmp(cmd, "crash")) return json_object();
        if (!strcmp(cmd, "tick") || !strcmp(cmd, "step") || !strcmp(cmd, "propose") || !strcmp(cmd, "ready") || !strcmp(cmd, "advance") || !strcmp(cmd, "status") || !strcmp(cmd, "campaign")
            || !strcmp(cmd, "set_randomized_election_timeout"))
            return fail(err, "invalid_params", "no such node");
        return fail(err, "unknown_command", cmd);
    }
    if (!strcmp(cmd, "crash")) { drop(n); return json_object(); }
    if (!strcmp(cmd, "tick")) { n->now += QUANTUM; n->tick_cb(&n->io); return json_object(); }
    if (!strcmp(cmd, "step")) {
        struct raft_message m;
        if (!decode_msg(n, json_object_get(req, "msg"), &m, err)) return NULL;
        n->recv_cb(&n->io, &m);
        /* The library gives up on a node when handling a message fails (recvCb: convertToUnavailable),
         * e.g. an append whose previous entry conflicts with a committed one (RAFT_SHUTDOWN): the
         * message is refused, and the next advance halts the node (see shut_down). */
        if (raft_state(&n->raft) == RAFT_UNAVAILABLE) return shut_down(n, err);
        return json_object();
    }
    if (!strcmp(cmd, "propose")) {
        struct raft_buffer b; const char *d = json_string_value(json_object_get(req, "data"));
        b.base = b64dec(d ? d : "", &b.len);
        struct raft_apply *r = calloc(1, sizeof *r);
        int rv = raft_apply(&n->raft, r, &b, 1, apply_done);
        if (rv != 0) { free(r); raft_free(b.base); return refused(err, rv); }
        return json_object();
    }
    if (!strcmp(cmd, "transfer_leader")) {
        /* raft_transfer as it is: it refuses a transfer to the leader itself or to a non-voter
         * (RAFT_BADID), and a second one while one is pending (RAFT_NOTLEADER), where etcd
         * ignores the first two and lets a new request replace a pending one. */
        struct raft_transfer *r = calloc(1, sizeof *r);
        int rv = raft_transfer(&n->raft, r, u64(req, "to"), transfer_done);
        if (rv != 0) { free(r); return refused(err, rv); }
        return json_object();
    }
    if (!strcmp(cmd, "propose_conf_change")) return cmd_conf_change(n, json_object_get(req, "cc"), err);
    if (!strcmp(cmd, "set_randomized_election_timeout")) {
        /* etcd's SetRandomizedElectionTimeout: pinned for the current timer and every redraw until
         * the term or role changes (pin_holds); on a leader it has no effect (etcd redraws it when
         * the leader steps down). The library keeps it in ms, within [timeout, 2 * timeout]. */
        unsigned ms = QUANTUM * (unsigned)u64(req, "ticks");
        if (ms < n->raft.election_timeout || ms > 2 * n->raft.election_timeout)
            return fail(err, "invalid_params", "canonical/raft draws election timeouts in [election_tick, 2 * election_tick] ticks");
        n->pin_ms = 0;
        int ph = phase_of(n);
        if (ph == 3) return json_object();
        n->pin_ms = ms; n->pin_term = n->raft.current_term; n->pin_phase = ph;
        if (ph == 0) n->raft.follower_state.randomized_election_timeout = ms;
        else n->raft.candidate_state.randomized_election_timeout = ms;
        return json_object();
    }
    if (!strcmp(cmd, "ready")) return cmd_ready(n);
    if (!strcmp(cmd, "advance")) {
        json_t *r = cmd_advance(n);
        if (raft_state(&n->raft) != RAFT_UNAVAILABLE) return r;
        json_decref(r);
        return shut_down(n, err);
    }
    if (!strcmp(cmd, "status")) {
        /* applied: what the harness was handed as committed_entries. The library applies during
         * advance (or step) already, but those entries reach the harness in the next ready. */
        /* config: the library's current configuration, which it adopts when the entry is
         * appended (committed or not) */
        return json_pack("{s:{s:o,s:o,s:o,s:o,s:o,s:o,s:{}}}", "status", "id", js64(n->id), "hard_state", hard_state(n),
                         "soft_state", soft_state(n), "applied", js64(n->reported), "lead_transferee", js64(n->raft.transfer ? n->raft.transfer->id : 0),
                         "config", conf_state_json(&n->raft.configuration), "progress");
    }
    return fail(err, "unknown_command", cmd);
}

/* ---- a crash inside the library ----
 * Debian's libraft is stripped and built without assertions, so a defect shows as a bare SIGSEGV.
 * Before dying of the same signal, name where: the faulting address and the library frames that
 * led there, as file+offset, which stay the same for one build of the library (the harness quotes
 * the driver's last stderr lines, and a baseline's exploration entry can name a crash by them). */
static void append_frame(char *line, size_t *at, size_t cap, const void *pc, const char *sep) {
    Dl_info info;
    if (*at >= cap) return;
    if (dladdr(pc, &info) && info.dli_fname) {
        const char *base = strrchr(info.dli_fname, '/');
        *at += (size_t)snprintf(line + *at, cap - *at, "%s%s+0x%lx", sep, base ? base + 1 : info.dli_fname,
                                (unsigned long)((const char *)pc - (const char *)info.dli_fbase));
    } else {
        *at += (size_t)snprintf(line + *at, cap - *at, "%s%p", sep, pc);
    }
    if (*at > cap) *at = cap;
}
static void on_crash(int sig, siginfo_t *si, void *uc) {
    alarm(2); /* should naming the frames hang (a lock held by the crashed code), die anyway */
    char line[1024]; size_t at = 0, cap = sizeof line - 2;
    const void *pc = NULL;
#if defined(__x86_64__)
    pc = (const void *)((ucontext_t *)uc)->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
    pc = (const void *)((ucontext_t *)uc)->uc_mcontext.pc;
#else
    (void)uc;
#endif
    at += (size_t)snprintf(line, cap, "canonical-raft-0.15-driver: %s (address %p) at", sig == SIGSEGV ? "SIGSEGV" : sig == SIGBUS ? "SIGBUS" : sig == SIGFPE ? "SIGFPE" : "SIGABRT", si->si_addr);
    if (pc) append_frame(line, &at, cap, pc, " ");
    void *frames[24]; int n = backtrace(frames, 24); const char *sep = ", called from ";
    for (int i = 0; i < n; i++) {
        Dl_info info;
        if (frames[i] == pc || !dladdr(frames[i], &info) || !info.dli_fname || !strstr(info.dli_fname, "libraft")) continue;
        append_frame(line, &at, cap, frames[i], sep); sep = " < ";
    }
    line[at++] = '\n';
    if (write(2, line, at) < 0) { /* nothing left to do */ }
    signal(sig, SIG_DFL);
    raise(sig);
}
static void name_crashes(void) {
    void *warm[1]; backtrace(warm, 1); /* loads the unwinder now: the handler must not be the first caller */
    struct sigaction sa; memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_crash; sa.sa_flags = SA_SIGINFO | SA_RESETHAND; sigemptyset(&sa.sa_mask);
    int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGABRT};
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) sigaction(sigs[i], &sa, NULL);
}

int main(int argc, char **argv) {
    name_crashes();
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--barrier-on-election")) barrier_on_election = 1;
        else { fprintf(stderr, "canonical-raft-0.15-driver: unknown option %s (the only one is --barrier-on-election)\n", argv[i]); return 2; }
    }
    char *line = NULL; size_t cap = 0; ssize_t len;
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    while ((len = getline(&line, &cap, stdin)) > 0) {
        json_error_t jerr; json_t *req = json_loads(line, 0, &jerr);
        if (!req) continue;
        json_t *id = json_object_get(req, "id"); const char *cmd = json_string_value(json_object_get(req, "cmd"));
        struct cmd_error err = {0};
        json_t *result = cmd ? dispatch(cmd, req, &err) : fail(&err, "invalid_params", "no cmd");
        for (int i = 0; i < MAX_NODES; i++) { barrier_if_new_leader(&nodes[i]); follow_up(&nodes[i]); }
        json_t *resp = result ? json_pack("{s:O,s:b,s:o}", "id", id, "ok", 1, "result", result)
                              : json_pack("{s:O,s:b,s:{s:s,s:s}}", "id", id, "ok", 0, "error", "code", err.code, "message", err.message);
        char *out = json_dumps(resp, JSON_COMPACT);
        fputs(out, stdout); fputc('\n', stdout); fflush(stdout);
        free(out); json_decref(resp);
        int bye = cmd && !strcmp(cmd, "bye");
        json_decref(req);
        if (bye) break;
    }
    free(line);
    return 0;
}
