/*
 * op_source.c - the SOURCE operator: raw Kafka records to rows.
 *
 * Decodes the key (splitting windowed keys) and the value with the source's
 * formats, fills header columns, takes event time from the record timestamp or
 * the TIMESTAMP column, and for tables turns null values into tombstones and,
 * when the table is materialized, looks up the previous row so downstream
 * aggregations can retract it. A record that cannot be decoded goes to the
 * processing log and is skipped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../functions/functions.h"
#include "op.h"
#include "rowcodec.h"

typedef struct SourceOp {
    Op op;
    Serde *key_serde;
    Serde *val_serde;
    int nkey;
    int nval;      /* serialized value columns */
    int *val_cols; /* schema index of each serialized value column */
    int ncols;
    bool has_headers;
    bool session; /* windowed key layout */
    bool windowed;
    int64_t win_size;
    FnCall ts_call; /* TIMESTAMP_FORMAT parser (STRINGTOTIMESTAMP) */
    bool has_ts_call;
    bool partition_time_on_invalid; /* UsePartitionTimeOnInvalidTimestamp extractor */
    StateStore store;               /* materialized table: key -> row */
    bool materialized;
    StrBuf kbuf, vbuf;
    const Type **val_types;
    const Type **col_types; /* every column, for rows read back from the store */
    EddyError init_err;
    bool broken;
    Arena arena; /* what lives as long as the operator (prepared calls) */
} SourceOp;

static int source_process(Op *op, int port, Row *rows, int n, ExecCtx *ctx)
{
    (void)port;
    return op_emit(op, rows, n, ctx);
}

static void source_close(Op *op)
{
    SourceOp *s = (SourceOp *)op;
    serde_free(s->key_serde);
    serde_free(s->val_serde);
    free(s->val_cols);
    free(s->val_types);
    free(s->col_types);
    sb_free(&s->kbuf);
    sb_free(&s->vbuf);
    arena_free(&s->arena);
}

static const OpVtab source_vt = {source_process, NULL, NULL, source_close};

Op *op_source_new(Task *t, const Step *st)
{
    SourceOp *s = xcalloc(1, sizeof *s);
    s->op.vt = &source_vt;
    arena_init(&s->arena, 1024);
    const Schema *sc = &st->schema;
    s->nkey = sc->nkey;
    s->ncols = sc->ncols;
    sb_init(&s->kbuf);
    sb_init(&s->vbuf);
    const char *kn[sc->ncols > 0 ? sc->ncols : 1];
    const Type *kt[sc->ncols > 0 ? sc->ncols : 1];
    for (int i = 0; i < sc->nkey; i++) {
        kn[i] = sc->cols[i].name;
        kt[i] = sc->cols[i].type;
    }
    err_clear(&s->init_err);
    s->key_serde = serde_new(&st->key_fmt, true, sc->nkey, kn, kt, &s->init_err);
    s->val_cols = xcalloc((size_t)sc->ncols + 1, sizeof(int));
    s->val_types = xcalloc((size_t)sc->ncols + 1, sizeof(Type *));
    s->col_types = xcalloc((size_t)sc->ncols + 1, sizeof(Type *));
    for (int i = 0; i < sc->ncols; i++)
        s->col_types[i] = sc->cols[i].type;
    int nv = 0;
    for (int i = sc->nkey; i < sc->ncols; i++) {
        if (sc->cols[i].role == COL_HEADERS || sc->cols[i].role == COL_HEADER) {
            s->has_headers = true;
            continue;
        }
        kn[nv] = sc->cols[i].name;
        kt[nv] = sc->cols[i].type;
        s->val_types[nv] = sc->cols[i].type;
        s->val_cols[nv++] = i;
    }
    s->nval = nv;
    s->val_serde = serde_new(&st->val_fmt, false, nv, kn, kt, &s->init_err);
    if (!s->key_serde || !s->val_serde) s->broken = true;
    if (s->key_serde) serde_set_topic(s->key_serde, st->topic);
    if (s->val_serde) serde_set_topic(s->val_serde, st->topic);
    s->windowed = st->window.type != WIN_NONE;
    s->session = st->window.type == WIN_SESSION;
    s->win_size = st->window.size_ms;
    if (st->ts_col >= 0 && st->ts_format) {
        const Type *args[2] = {T_STRING, T_STRING};
        Value fmt = val_string(st->ts_format, (uint32_t)strlen(st->ts_format));
        const Value *lits[2] = {NULL, &fmt};
        EddyError err;
        if (fn_resolve("STRINGTOTIMESTAMP", 2, args, lits, NULL, NULL, &s->arena, &s->ts_call,
                       &err) == 0)
            s->has_ts_call = true;
    }
    const Props *props = t->q ? query_env(t->q)->props : NULL;
    if (props) {
        const char *ex = props_get_str(props, "ksql.streams.default.timestamp.extractor",
                                       props_get_str(props, "default.timestamp.extractor", ""));
        s->partition_time_on_invalid = strstr(ex, "UsePartitionTimeOnInvalidTimestamp") ||
                                       strstr(ex, "UsePreviousTimeOnInvalidTimestamp");
    }
    if (st->materialize && t->q) {
        char name[64];
        snprintf(name, sizeof name, "%d.0", st->id);
        if (task_store(t, name, &s->store) == 0) s->materialized = true;
    }
    return &s->op;
}

/* Fills HEADERS / HEADER('k') columns from the record headers. */
static void fill_headers(SourceOp *s, const Schema *sc, const RawRecord *r, Value *cols, Arena *a)
{
    for (int i = sc->nkey; i < sc->ncols; i++) {
        const Column *c = &sc->cols[i];
        if (c->role == COL_HEADERS) {
            const Type *et = c->type->elem;
            Value arr = val_array_new(a, (uint32_t)r->nheaders, c->type);
            for (int h = 0; h < r->nheaders; h++) {
                Value st = val_struct_new(a, et);
                st.u.items[0] = val_string(r->headers[h].key, (uint32_t)r->headers[h].key_len);
                st.u.items[1] = r->headers[h].value ? val_bytes(r->headers[h].value,
                                                                (uint32_t)r->headers[h].value_len)
                                                    : val_null();
                arr.u.items[h] = st;
            }
            cols[i] = arr;
        } else if (c->role == COL_HEADER) {
            cols[i] = val_null();
            size_t kl = strlen(c->header_key);
            for (int h = r->nheaders - 1; h >= 0; h--) {
                if (r->headers[h].key_len == kl &&
                    memcmp(r->headers[h].key, c->header_key, kl) == 0) {
                    if (r->headers[h].value)
                        cols[i] = val_bytes(r->headers[h].value, (uint32_t)r->headers[h].value_len);
                    break;
                }
            }
        }
    }
    (void)s;
}

static bool event_time(SourceOp *s, const Step *st, Task *t, Value *cols, const RawRecord *r,
                       int64_t *ts)
{
    if (st->ts_col < 0) {
        *ts = r->timestamp;
        if (*ts >= 0) return true;
        /* Kafka Streams skips records with a negative timestamp, unless the
         * extractor falls back to the partition's time. */
        int64_t partition_time = t->stream_time[s->op.segment];
        if (s->partition_time_on_invalid && partition_time >= 0) {
            *ts = partition_time;
            return true;
        }
        task_processing_error(t, st, "Invalid negative timestamp", r);
        return false;
    }
    Value *v = &cols[st->ts_col];
    if (v->kind == TYPE_BIGINT || v->kind == TYPE_TIMESTAMP) {
        *ts = v->u.l;
    } else if (v->kind == TYPE_STRING && s->has_ts_call) {
        Value args[2] = {*v, val_string(st->ts_format, (uint32_t)strlen(st->ts_format))};
        Value out = val_null();
        EddyError err;
        err.code = 0;
        err.msg[0] = 0;
        FnCtx fc = {&t->scratch, &s->ts_call, &err, NULL, NULL};
        if (s->ts_call.variant->impl(&fc, 2, args, &out) < 0 || out.kind == TYPE_NULL) {
            task_processing_error(t, st, err.msg[0] ? err.msg : "Failed to parse timestamp", r);
            return false;
        }
        *ts = out.u.l;
    } else {
        task_processing_error(t, st, "Invalid timestamp: the TIMESTAMP column is NULL", r);
        return false;
    }
    if (*ts < 0) {
        task_processing_error(t, st, "Invalid negative timestamp", r);
        return false;
    }
    return true;
}

int op_source_feed(Op *op, const RawRecord *recs, int n, ExecCtx *ctx)
{
    SourceOp *s = (SourceOp *)op;
    const Step *st = op->step;
    Task *t = ctx->task;
    Arena *a = ctx->scratch;
    if (s->broken) {
        for (int i = 0; i < n; i++)
            task_processing_error(t, st, s->init_err.msg, &recs[i]);
        return 0;
    }
    Row *rows = arena_alloc(a, sizeof(Row) * (size_t)n);
    int m = 0;
    for (int i = 0; i < n; i++) {
        const RawRecord *r = &recs[i];
        Row *row = &rows[m];
        memset(row, 0, sizeof *row);
        row->cols = arena_zalloc(a, sizeof(Value) * (size_t)(s->ncols ? s->ncols : 1));
        row->partition = r->partition;
        row->offset = r->offset;
        row->headers = r->headers;
        row->nheaders = r->nheaders;
        EddyError err;
        err_clear(&err);
        /* Key. */
        const char *kb = r->key;
        size_t kl = r->key_len;
        if (s->windowed && kb) {
            int64_t ws, we;
            long inner = serde_window_split(kb, kl, s->session, &ws, &we);
            if (inner < 0) {
                task_processing_error(t, st, "Windowed key is too short", r);
                continue;
            }
            kl = (size_t)inner;
            row->win_start = ws;
            row->win_end = s->session ? we : ws + s->win_size;
        }
        if (!kb && s->nkey > 0) row->flags |= ROW_NULL_KEY;
        if (s->nkey > 0) {
            int rc = serde_decode(s->key_serde, kb, kl, a, row->cols, &err);
            if (rc < 0) {
                task_processing_error(t, st, err.msg, r);
                continue;
            }
        }
        if (st->is_table && s->nkey > 0) {
            /* A table row needs its primary key: rows with a NULL key are skipped. */
            bool null_key = true;
            for (int k = 0; k < s->nkey; k++)
                if (row->cols[k].kind != TYPE_NULL) null_key = false;
            if (null_key) continue;
        }
        /* Value. */
        if (!r->value) {
            row->flags |= ROW_TOMBSTONE;
        } else {
            Value *vals = s->nval ? arena_alloc(a, sizeof(Value) * (size_t)s->nval) : NULL;
            int rc = serde_decode(s->val_serde, r->value, r->value_len, a, vals, &err);
            if (rc < 0) {
                task_processing_error(t, st, err.msg, r);
                continue;
            }
            if (rc == 1) row->flags |= ROW_TOMBSTONE; /* a JSON null row */
            for (int k = 0; k < s->nval; k++)
                row->cols[s->val_cols[k]] = vals[k];
            if (s->has_headers && !(row->flags & ROW_TOMBSTONE))
                fill_headers(s, &st->schema, r, row->cols, a);
        }
        if (!(row->flags & ROW_TOMBSTONE) || st->ts_col < 0) {
            if (!event_time(s, st, t, row->cols, r, &row->ts)) continue;
        } else {
            row->ts = r->timestamp;
        }
        /* Materialized tables keep the latest row per key. */
        if (s->materialized) {
            StateTxn *txn = task_txn(t);
            if (txn) {
                /* The layout of table stores (as the Kafka engine restores them):
                 * key [keys][window start][window end], value [ROWTIME][columns];
                 * each window of a windowed table is a row of its own. */
                sb_clear(&s->kbuf);
                rowcodec_put_all(&s->kbuf, row->cols, s->nkey);
                if (s->windowed) {
                    rowcodec_put_be64(&s->kbuf, row->win_start);
                    rowcodec_put_be64(&s->kbuf, row->win_end);
                }
                if (!task_key_fits(t, op->step, s->kbuf.len, 0)) goto observed;
                const void *old;
                size_t ol;
                row->flags |= ROW_OLD_KNOWN;
                if (state_get(txn, s->store, s->kbuf.data, s->kbuf.len, &old, &ol) == 0 &&
                    ol >= 8) {
                    Value *ov = arena_alloc(a, sizeof(Value) * (size_t)s->ncols);
                    if (rowcodec_get_all((const char *)old + 8, ol - 8, s->ncols, s->col_types, a,
                                         ov) >= 0) {
                        row_copy_cols(a, ov, ov, s->ncols);
                        row->old = ov;
                    }
                }
                if (row->flags & ROW_TOMBSTONE) {
                    state_del(txn, s->store, s->kbuf.data, s->kbuf.len);
                } else {
                    sb_clear(&s->vbuf);
                    rowcodec_put_be64(&s->vbuf, row->ts);
                    rowcodec_put_all(&s->vbuf, row->cols, s->ncols);
                    state_put(txn, s->store, s->kbuf.data, s->kbuf.len, s->vbuf.data, s->vbuf.len);
                }
            }
        }
    observed:
        row->stream_time = task_observe_time(t, op->segment, row->ts);
        m++;
    }
    return op_emit(op, rows, m, ctx);
}
