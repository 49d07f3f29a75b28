/*
 * query.c - instantiating a plan into tasks and driving batches through them
 * (see query.h).
 *
 * A task (one per input partition) holds one operator per plan step. Records
 * are routed to the task of their partition and to the operator that consumes
 * their topic (a source, or a repartition step reading its internal topic back).
 * Each batch runs in the scratch arenas of the tasks it touches; stateful operators
 * of every task write through one LMDB transaction per batch, committed with the
 * batch's offsets after one wait for the batch's output (QueryIO.sync).
 */
#include "query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/arena.h"
#include "../common/strbuf.h"
#include "op.h"

typedef struct Route {
    const char *topic;
    int step; /* step id of the SOURCE or REKEY operator */
    bool is_rekey;
} Route;

struct Query {
    QueryEnv env;
    Plan *plan;
    char *id;
    QueryIO io;
    Task **tasks;
    int ntasks; /* allocated slots (indexed by partition) */
    int nsegments;
    int *segment_of; /* per step */
    Route *routes;
    int nroutes;
    const char **topics;
    int ntopics;
    bool stateful;
    QueryStats stats;
    StrBuf plog;
    StateTxn *txn;  /* the batch's write transaction, shared by its tasks (lazily begun) */
    Task **touched; /* tasks with work in the current batch, in first-touch order */
    int ntouched, captouched;
    struct BatchOffset {
        const char *topic;
        int32_t partition;
        int64_t next;
    } * offs; /* scratch for batch_finish */
    int capoffs;
};

const char *query_id(const Query *q)
{
    return q->id;
}

const Plan *query_plan(const Query *q)
{
    return q->plan;
}

const QueryStats *query_stats(const Query *q)
{
    return &q->stats;
}

bool query_is_stateful(const Query *q)
{
    return q->stateful;
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void add_topic(Query *q, const char *t)
{
    for (int i = 0; i < q->ntopics; i++)
        if (strcmp(q->topics[i], t) == 0) return;
    q->topics = xrealloc(q->topics, sizeof(char *) * (size_t)(q->ntopics + 1));
    q->topics[q->ntopics++] = t;
}

static void add_route(Query *q, const char *topic, int step, bool rekey)
{
    q->routes = xrealloc(q->routes, sizeof(Route) * (size_t)(q->nroutes + 1));
    q->routes[q->nroutes++] = (Route){topic, step, rekey};
    add_topic(q, topic);
}

Query *query_new(const QueryEnv *env, Plan *plan, const char *id, const QueryIO *io, EddyError *err)
{
    /* Stores written by an older eddy take today's layout first (the plan stays
     * the caller's when this fails). */
    for (int i = 0; i < plan->nsteps && env->state; i++)
        if (op_sink_upgrade_store(env->state, id, plan->steps[i], err) < 0) return NULL;
    Query *q = xcalloc(1, sizeof *q);
    q->env = *env;
    q->plan = plan;
    q->id = xstrdup(id);
    q->io = *io;
    sb_init(&q->plog);
    /* Segments: a new one starts after every repartition. */
    q->segment_of = xcalloc((size_t)plan->nsteps, sizeof(int));
    q->nsegments = 1;
    for (int i = 0; i < plan->nsteps; i++) {
        const Step *s = plan->steps[i];
        int seg = 0;
        if (s->input) {
            seg = q->segment_of[s->input->id];
            if (s->input->kind == STEP_REKEY && s->input->repartition)
                seg = q->segment_of[s->input->id] + 1;
        }
        if (s->right) {
            /* A join: the later of its two inputs' segments. */
            int rs = q->segment_of[s->right->id];
            if (s->right->kind == STEP_REKEY && s->right->repartition) rs++;
            if (rs > seg) seg = rs;
        }
        q->segment_of[i] = seg;
        if (seg + 1 > q->nsegments) q->nsegments = seg + 1;
        /* A repartition's rows enter the next segment. */
        if (s->kind == STEP_REKEY && s->repartition && seg + 2 > q->nsegments)
            q->nsegments = seg + 2;
        if (s->kind == STEP_SOURCE) add_route(q, s->topic, i, false);
        if (s->kind == STEP_REKEY && s->repartition && !env->inprocess_repartition)
            add_route(q, s->repartition_topic, i, true);
        if (s->kind == STEP_AGGREGATE || s->kind == STEP_JOIN ||
            (s->kind == STEP_SINK && s->materialize) || (s->kind == STEP_SOURCE && s->materialize))
            q->stateful = true;
    }
    if (!env->state) q->stateful = false;
    return q;
}

static void task_free(Task *t)
{
    if (!t) return;
    for (int i = 0; i < t->nops; i++)
        if (t->ops[i] && t->ops[i]->vt->close) t->ops[i]->vt->close(t->ops[i]);
    for (int i = 0; i < t->nops; i++)
        free(t->ops[i]);
    free(t->ops);
    free(t->stream_time);
    arena_free(&t->scratch);
    free(t);
}

void query_free(Query *q)
{
    if (!q) return;
    if (q->txn) state_txn_abort(q->txn);
    for (int i = 0; i < q->ntasks; i++)
        task_free(q->tasks[i]);
    free(q->tasks);
    free(q->touched);
    free(q->offs);
    free(q->segment_of);
    free(q->routes);
    free(q->topics);
    sb_free(&q->plog);
    plan_free(q->plan);
    free(q->id);
    free(q);
}

int query_input_topics(const Query *q, const char *const **out)
{
    *out = q->topics;
    return q->ntopics;
}

static Op *op_for_step(Task *t, const Step *s)
{
    switch (s->kind) {
    case STEP_SOURCE: return op_source_new(t, s);
    case STEP_FILTER: return op_filter_new(t, s);
    case STEP_SELECT: return op_select_new(t, s);
    case STEP_FLATMAP: return op_flatmap_new(t, s);
    case STEP_REKEY: return op_rekey_new(t, s);
    case STEP_AGGREGATE: return op_aggregate_new(t, s);
    case STEP_JOIN: return op_join_new(t, s);
    case STEP_SINK: return op_sink_new(t, s);
    }
    return NULL;
}

static Task *task_get(Query *q, int partition)
{
    if (partition < 0 || q->env.single_task) partition = 0;
    if (partition >= q->ntasks) {
        int n = partition + 1;
        q->tasks = xrealloc(q->tasks, sizeof(Task *) * (size_t)n);
        for (int i = q->ntasks; i < n; i++)
            q->tasks[i] = NULL;
        q->ntasks = n;
    }
    if (q->tasks[partition]) return q->tasks[partition];
    Task *t = xcalloc(1, sizeof *t);
    t->q = q;
    t->partition = partition;
    arena_init(&t->scratch, 65536);
    eval_init(&t->eval, &t->scratch);
    t->stream_time = xcalloc((size_t)q->nsegments, sizeof(int64_t));
    for (int i = 0; i < q->nsegments; i++)
        t->stream_time[i] = INT64_MIN;
    const Plan *p = q->plan;
    t->nops = p->nsteps;
    t->ops = xcalloc((size_t)p->nsteps, sizeof(Op *));
    for (int i = 0; i < p->nsteps; i++) {
        Op *op = op_for_step(t, p->steps[i]);
        op->step = p->steps[i];
        op->task = t;
        op->segment = q->segment_of[i];
        t->ops[i] = op;
    }
    /* Link each operator to its consumer. */
    for (int i = 0; i < p->nsteps; i++) {
        const Step *s = p->steps[i];
        if (s->input) {
            t->ops[s->input->id]->down = t->ops[i];
            t->ops[s->input->id]->down_port = 0;
        }
        if (s->right) {
            t->ops[s->right->id]->down = t->ops[i];
            t->ops[s->right->id]->down_port = 1;
        }
    }
    /* Push queries end in a collector. */
    if (p->kind != PLAN_PERSISTENT) {
        Op *c = op_collect_new(t, p->root);
        c->task = t;
        c->step = p->root;
        c->segment = q->segment_of[p->root->id];
        t->ops[p->root->id]->down = c;
        t->ops = xrealloc(t->ops, sizeof(Op *) * (size_t)(t->nops + 1));
        t->ops[t->nops++] = c;
    }
    q->tasks[partition] = t;
    return t;
}

StateTxn *task_txn(Task *t)
{
    Query *q = t->q;
    if (q->txn) return q->txn;
    if (!q->env.state) return NULL;
    EddyError err;
    if (state_txn_begin(q->env.state, true, &q->txn, &err) < 0) {
        q->txn = NULL;
        snprintf(q->stats.last_error, sizeof q->stats.last_error, "%s", err.msg);
    }
    return q->txn;
}

int task_store(Task *t, const char *name, StateStore *out)
{
    char full[512];
    snprintf(full, sizeof full, "%s#%s", t->q->id, name);
    EddyError err;
    if (!t->q->env.state) return ERR_INTERNAL;
    return state_store_open(t->q->env.state, full, out, &err);
}

int64_t task_wall_ms(Task *t)
{
    return t->q->env.frozen_clock ? 0 : wall_ms();
}

int64_t task_observe_time(Task *t, int segment, int64_t ts)
{
    if (ts > t->stream_time[segment]) t->stream_time[segment] = ts;
    return t->stream_time[segment];
}

/* The processing log record, in ksqlDB's shape. */
bool task_key_fits(Task *t, const Step *step, size_t len, size_t overhead)
{
    if (len + overhead <= STATE_MAX_KEY) return true;
    char msg[200];
    snprintf(msg, sizeof msg,
             "The record's key takes %zu bytes in the state store, which holds keys of at most "
             "%zu bytes. The record is dropped.",
             len, (size_t)STATE_MAX_KEY - overhead);
    task_processing_error(t, step, msg, NULL);
    return false;
}

void task_processing_error(Task *t, const Step *step, const char *msg, const RawRecord *rec)
{
    Query *q = t->q;
    q->stats.errors++;
    snprintf(q->stats.last_error, sizeof q->stats.last_error, "%s", msg);
    if (!q->env.processing_log_topic || !q->io.produce) return;
    StrBuf *sb = &q->plog;
    sb_clear(sb);
    int64_t now = wall_ms();
    bool deser = step && step->kind == STEP_SOURCE;
    sb_printf(sb,
              "{\"level\":\"ERROR\",\"logger\":\"processing.%s.%s\",\"time\":%lld,\"message\":{",
              q->id, step && step->name ? step->name : "query", (long long)now);
    if (deser) {
        sb_puts(sb, "\"type\":0,\"deserializationError\":{\"target\":\"value\",\"errorMessage\":");
        sb_put_json_string(sb, msg, strlen(msg));
        sb_puts(sb, ",\"recordB64\":");
        if (rec && rec->value) {
            StrBuf b = STRBUF_INIT;
            base64_encode(&b, rec->value, rec->value_len);
            sb_put_json_string(sb, sb_cstr(&b), b.len);
            sb_free(&b);
        } else {
            sb_puts(sb, "null");
        }
        sb_puts(sb, ",\"cause\":[],\"topic\":");
        const char *topic = rec && rec->topic ? rec->topic : "";
        sb_put_json_string(sb, topic, strlen(topic));
        sb_puts(sb, "}");
    } else {
        sb_puts(sb, "\"type\":1,\"recordProcessingError\":{\"errorMessage\":");
        sb_put_json_string(sb, msg, strlen(msg));
        sb_puts(sb, ",\"record\":null,\"cause\":[]}");
    }
    if (rec) {
        sb_printf(sb, ",\"partition\":%d,\"offset\":%lld", (int)rec->partition,
                  (long long)rec->offset);
    }
    sb_puts(sb, "}}");
    RawRecord out = {0};
    out.topic = q->env.processing_log_topic;
    out.partition = -1;
    out.offset = -1;
    out.timestamp = now;
    out.value = sb->data;
    out.value_len = sb->len;
    q->io.produce(q->io.ctx, q->env.processing_log_topic, -1, &out);
}

void row_copy_cols(Arena *a, Value *dst, const Value *src, int n)
{
    for (int i = 0; i < n; i++)
        dst[i] = val_copy(a, &src[i]);
}

/* Notes that t has work in the current batch. */
static void touch(Query *q, Task *t)
{
    for (int i = q->ntouched - 1; i >= 0; i--)
        if (q->touched[i] == t) return;
    if (q->ntouched == q->captouched) {
        q->captouched = q->captouched ? q->captouched * 2 : 16;
        q->touched = xrealloc(q->touched, sizeof(Task *) * (size_t)q->captouched);
    }
    q->touched[q->ntouched++] = t;
}

/* Ends a batch: flushes the batch-local caches of every task it touched into the
 * batch's transaction, records there the next offset of every topic-partition the
 * batch read, waits once for the batch's output (io.sync) and commits, so state and
 * offsets move together and no committed input has lost output. */
static int batch_finish(Query *q, const RawRecord *recs, int n, EddyError *err)
{
    int rc = 0;
    for (int k = 0; k < q->ntouched && rc == 0; k++) {
        Task *t = q->touched[k];
        ExecCtx ctx = {t, &t->scratch};
        for (int i = 0; i < t->nops && rc == 0; i++)
            if (t->ops[i]->vt->flush) rc = t->ops[i]->vt->flush(t->ops[i], &ctx);
    }
    if (q->txn) {
        int noffs = 0;
        for (int i = n - 1; i >= 0; i--) {
            if (recs[i].offset < 0) continue;
            int k = 0;
            while (k < noffs && !(q->offs[k].partition == recs[i].partition &&
                                  (q->offs[k].topic == recs[i].topic ||
                                   strcmp(q->offs[k].topic, recs[i].topic) == 0)))
                k++;
            if (k < noffs) continue;
            if (noffs == q->capoffs) {
                q->capoffs = q->capoffs ? q->capoffs * 2 : 32;
                q->offs = xrealloc(q->offs, sizeof *q->offs * (size_t)q->capoffs);
            }
            q->offs[noffs++] =
                (struct BatchOffset){recs[i].topic, recs[i].partition, recs[i].offset + 1};
        }
        for (int k = 0; k < noffs; k++)
            state_offset_put(q->txn, q->id, q->offs[k].topic, q->offs[k].partition,
                             q->offs[k].next);
        StateTxn *txn = q->txn;
        q->txn = NULL;
        if (rc == 0 && q->io.sync) rc = q->io.sync(q->io.ctx, err);
        if (rc == 0)
            rc = state_txn_commit(txn, err);
        else
            state_txn_abort(txn);
    }
    for (int k = 0; k < q->ntouched; k++)
        arena_reset(&q->touched[k]->scratch);
    q->ntouched = 0;
    return rc;
}

static const Route *route_for(const Query *q, const char *topic)
{
    for (int i = 0; i < q->nroutes; i++)
        if (strcmp(q->routes[i].topic, topic) == 0) return &q->routes[i];
    return NULL;
}

int query_process(Query *q, const RawRecord *recs, int n, EddyError *err)
{
    /* Records of one partition at a time, in order; runs of the same topic are
     * processed as one batch. New tasks are made first: making one opens its state
     * stores in a transaction of their own, which cannot begin while the batch's
     * write transaction is open. */
    for (int k = 0; k < n; k++)
        if (k == 0 || recs[k].partition != recs[k - 1].partition) task_get(q, recs[k].partition);
    int i = 0;
    while (i < n) {
        int part = recs[i].partition;
        Task *t = task_get(q, part);
        int start = i;
        int j = i;
        /* The batch of this task: consecutive records of the same partition. */
        while (j < n && (recs[j].partition == part || q->env.single_task))
            j++;
        ExecCtx ctx = {t, &t->scratch};
        int k = start;
        int rc = 0;
        while (k < j && rc == 0) {
            int m = k;
            while (m < j && strcmp(recs[m].topic, recs[k].topic) == 0)
                m++;
            const Route *r = route_for(q, recs[k].topic);
            if (r) {
                Op *op = t->ops[r->step];
                rc = r->is_rekey ? op_rekey_feed(op, recs + k, m - k, &ctx)
                                 : op_source_feed(op, recs + k, m - k, &ctx);
            }
            k = m;
        }
        q->stats.consumed += (uint64_t)(j - start);
        q->stats.last_message_ms = wall_ms();
        touch(q, t);
        i = j;
        if (rc < 0) {
            batch_finish(q, recs, start, err);
            return rc;
        }
    }
    return batch_finish(q, recs, n, err);
}

int query_punctuate(Query *q, int64_t now_ms, EddyError *err)
{
    (void)now_ms;
    for (int p = 0; p < q->ntasks; p++) {
        Task *t = q->tasks[p];
        if (!t) continue;
        bool any = false;
        for (int i = 0; i < t->nops; i++)
            if (t->ops[i]->vt->advance) any = true;
        if (!any) continue;
        ExecCtx ctx = {t, &t->scratch};
        int rc = 0;
        for (int i = 0; i < t->nops && rc == 0; i++)
            if (t->ops[i]->vt->advance)
                rc = t->ops[i]->vt->advance(t->ops[i], t->stream_time[t->ops[i]->segment], &ctx);
        touch(q, t);
        if (rc < 0) {
            batch_finish(q, NULL, 0, err);
            return rc;
        }
    }
    return batch_finish(q, NULL, 0, err);
}

int query_committed_offset(Query *q, const char *topic, int partition, int64_t *next)
{
    if (!q->env.state) return 1;
    StateTxn *t;
    EddyError err;
    if (state_txn_begin(q->env.state, false, &t, &err) < 0) return ERR_IO;
    int rc = state_offset_get(t, q->id, topic, partition, next);
    state_txn_abort(t);
    return rc;
}

void query_drop_state(Query *q)
{
    if (!q->env.state) return;
    /* Operators name their stores "<step id>.<n>" (see task_store callers). */
    for (int i = 0; i < q->plan->nsteps; i++) {
        for (int k = 0; k < 4; k++) {
            char full[512];
            snprintf(full, sizeof full, "%s#%d.%d", q->id, i, k);
            state_store_drop(q->env.state, full);
        }
    }
}

/* Lets operators publish records (sinks, repartition, processing log). */
int query_io_produce(Query *q, const char *topic, int32_t partition, const RawRecord *rec)
{
    q->stats.produced++;
    return q->io.produce ? q->io.produce(q->io.ctx, topic, partition, rec) : 0;
}

int query_io_push(Query *q, const Row *row, bool tombstone)
{
    return q->io.push_row ? q->io.push_row(q->io.ctx, row, tombstone) : 0;
}

const QueryEnv *query_env(const Query *q)
{
    return &q->env;
}

QueryStats *query_stats_mut(Query *q)
{
    return &q->stats;
}

void task_key_prefix(Task *t, StrBuf *key)
{
    char p[2] = {(char)((t->partition >> 8) & 0xff), (char)(t->partition & 0xff)};
    sb_append(key, p, 2);
}
