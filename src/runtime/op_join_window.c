/*
 * op_join_window.c - stream-stream joins: both sides buffered in a window store
 * (op_join_int.h), each arriving row joined with the other side's rows of the
 * same key within WITHIN (before, after), as Kafka Streams' KStreamKStreamJoin.
 *
 * A left row at time t matches right rows in [t - before, t + after], a right
 * row at t left rows in [t - after, t + before] (bounds clamped at 0); results
 * carry the later of both times. A side's buffer keeps rows for before + after
 * + grace behind the highest time put into it, and lookups ignore rows older
 * than that, so late rows still join what is alive but nothing expired.
 *
 * Outer sides (LEFT: left, RIGHT: right, FULL: both): without GRACE PERIOD
 * (ksqlDB's legacy windows) an unmatched row is emitted at once with NULLs for
 * the other side. With GRACE PERIOD it waits in the outer store until its
 * window has closed (row time + after (left rows) / before (right rows) +
 * grace < stream time), unless a match arrives first; closed ones are emitted,
 * oldest first and right before left at equal times, when a row advances the
 * stream time, at most once per second of wall-clock time (Kafka Streams'
 * emit interval; with the engine's frozen clock, as under TopologyTestDriver,
 * only the first such scan runs). A row whose window is already closed when
 * it arrives is emitted at once.
 */
#include <string.h>

#include "op_join_int.h"
#include "rowcodec.h"

enum { META_LEN = 5 * 8 };

static void meta_key(Task *t, StrBuf *b)
{
    sb_clear(b);
    task_key_prefix(t, b);
}

static void meta_load(JoinOp *j, Task *t, StateTxn *txn)
{
    if (j->meta_loaded) return;
    j->meta_loaded = true;
    j->stream_time = INT64_MIN;
    j->observed[0] = j->observed[1] = INT64_MIN;
    j->min_outer = INT64_MAX;
    j->seq = 0;
    j->expired[0] = j->expired[1] = INT64_MIN;
    meta_key(t, &j->ibuf);
    const void *v;
    size_t vl;
    if (state_get(txn, j->store[3], j->ibuf.data, j->ibuf.len, &v, &vl) != 0 || vl < META_LEN)
        return;
    const char *p = v;
    j->stream_time = rowcodec_get_be64(p);
    j->observed[0] = rowcodec_get_be64(p + 8);
    j->observed[1] = rowcodec_get_be64(p + 16);
    j->min_outer = rowcodec_get_be64(p + 24);
    j->seq = (uint64_t)rowcodec_get_be64(p + 32);
}

static void meta_save(JoinOp *j, Task *t, StateTxn *txn)
{
    if (!j->meta_dirty) return;
    j->meta_dirty = false;
    StrBuf *v = &j->xbuf;
    sb_clear(v);
    rowcodec_put_be64(v, j->stream_time);
    rowcodec_put_be64(v, j->observed[0]);
    rowcodec_put_be64(v, j->observed[1]);
    rowcodec_put_be64(v, j->min_outer);
    rowcodec_put_be64(v, (int64_t)j->seq);
    meta_key(t, &j->ibuf);
    state_put(txn, j->store[3], j->ibuf.data, j->ibuf.len, v->data, v->len);
}

/* Decodes the join key at the start of an encoded key. */
static bool decode_key(const JoinOp *j, const char *p, size_t len, Arena *a, Value *kv)
{
    const Type *kt = j->op.step->left_key->type;
    if (rowcodec_get(p, len, kt, a, kv) < 0) return false;
    *kv = val_copy(a, kv);
    return true;
}

/* Emits the unmatched rows of the outer store whose window has closed. */
static void emit_non_joined(JoinOp *j, Task *t, StateTxn *txn, int side, const Row *cause,
                            ExecCtx *ctx)
{
    const Step *st = j->op.step;
    /* The lookback of the side processing the row (Kafka Streams' joinAfterMs). */
    int64_t after = side == 0 ? st->after_ms : st->before_ms;
    if (j->min_outer == INT64_MAX || j->min_outer + after + j->grace >= j->stream_time) return;
    /* Kafka Streams throttles this scan to once per emit interval of wall-clock time. */
    int64_t now = task_wall_ms(t);
    if (now < j->next_emit) return;
    j->next_emit = now + 1000;
    j->min_outer = INT64_MAX;
    j->meta_dirty = true;
    StrBuf *pre = &j->pbuf;
    sb_clear(pre);
    task_key_prefix(t, pre);
    StateIter *it;
    if (state_iter_open(txn, j->store[2], pre->data, pre->len, &it) != 0) return;
    bool open[2] = {false, false};
    const void *k, *v;
    size_t kl, vl;
    while (!(open[0] && open[1]) && state_iter_next(it, &k, &kl, &v, &vl) == 0) {
        const char *kp = k;
        if (kl < pre->len + 9 + 8 || memcmp(kp, pre->data, pre->len) != 0) break;
        int64_t ts = rowcodec_get_be64(kp + pre->len);
        int es = kp[pre->len + 8] == 1 ? 0 : 1; /* the entry's side: 1 = left, 0 = right */
        j->min_outer = ts;
        int64_t lookback = es == 0 ? st->after_ms : st->before_ms;
        if (ts + lookback + j->grace >= j->stream_time) {
            open[es] = true;
            continue;
        }
        Value kv;
        JoinSide row;
        if (decode_key(j, kp + pre->len + 9, kl - pre->len - 9 - 8, ctx->scratch, &kv) &&
            jo_decode_side(j, es, v, vl, ctx->scratch, &row))
            jo_emit(j, &kv, es == 0 ? &row : NULL, es == 1 ? &row : NULL, ts, cause->stream_time,
                    ctx);
        state_iter_del(it);
    }
    state_iter_close(it);
}

/* Deletes every outer-store entry of (side, key, ts): that row found a match. */
static void drop_outer(JoinOp *j, Task *t, StateTxn *txn, int side, const StrBuf *key, int64_t ts)
{
    StrBuf *pre = &j->p2buf;
    sb_clear(pre);
    task_key_prefix(t, pre);
    rowcodec_put_be64(pre, ts);
    sb_putc(pre, side == 0 ? 1 : 0);
    sb_append(pre, key->data, key->len);
    StateIter *it;
    if (state_iter_open(txn, j->store[2], pre->data, pre->len, &it) == 0) {
        const void *k, *v;
        size_t kl, vl;
        while (state_iter_next(it, &k, &kl, &v, &vl) == 0) {
            if (kl != pre->len + 8 || memcmp(k, pre->data, pre->len) != 0) break;
            state_iter_del(it);
        }
        state_iter_close(it);
    }
}

static void put_buffer(JoinOp *j, Task *t, StateTxn *txn, int side, const StrBuf *key, const Row *r)
{
    uint64_t seq = j->seq++;
    jo_prefix(j, t, &j->k2buf, side);
    sb_append(&j->k2buf, key->data, key->len);
    rowcodec_put_be64(&j->k2buf, r->ts);
    rowcodec_put_be64(&j->k2buf, (int64_t)seq);
    jo_encode_side(&j->vbuf, r, r->cols, j->ncol[side]);
    state_put(txn, j->store[0], j->k2buf.data, j->k2buf.len, j->vbuf.data, j->vbuf.len);
    jo_prefix(j, t, &j->k2buf, side);
    rowcodec_put_be64(&j->k2buf, r->ts);
    sb_append(&j->k2buf, key->data, key->len);
    rowcodec_put_be64(&j->k2buf, (int64_t)seq);
    state_put(txn, j->store[1], j->k2buf.data, j->k2buf.len, "", 0);
}

static void put_outer(JoinOp *j, Task *t, StateTxn *txn, int side, const StrBuf *key, const Row *r)
{
    sb_clear(&j->k2buf);
    task_key_prefix(t, &j->k2buf);
    rowcodec_put_be64(&j->k2buf, r->ts);
    sb_putc(&j->k2buf, side == 0 ? 1 : 0);
    sb_append(&j->k2buf, key->data, key->len);
    rowcodec_put_be64(&j->k2buf, (int64_t)j->seq++);
    jo_encode_side(&j->vbuf, r, r->cols, j->ncol[side]);
    state_put(txn, j->store[2], j->k2buf.data, j->k2buf.len, j->vbuf.data, j->vbuf.len);
    if (r->ts < j->min_outer) j->min_outer = r->ts;
}

int jo_window_process(JoinOp *j, int side, Row *rows, int n, ExecCtx *ctx)
{
    Task *t = ctx->task;
    const Step *st = j->op.step;
    StateTxn *txn = task_txn(t);
    if (!txn) return 0;
    meta_load(j, t, txn);
    int other = 1 - side;
    int64_t before = side == 0 ? st->before_ms : st->after_ms;
    int64_t after = side == 0 ? st->after_ms : st->before_ms;
    JoinType jt = st->join_type;
    bool outer = jt == JT_OUTER || (side == 0 && jt == JT_LEFT) || (side == 1 && jt == JT_RIGHT);
    StrBuf *key = &j->ybuf;
    for (int i = 0; i < n; i++) {
        Row *r = &rows[i];
        if (r->flags & ROW_TOMBSTONE) continue;
        Value kv;
        if (!jo_eval_key(j, t, side, r, r->cols, &kv, ctx)) continue;
        int64_t ts = r->ts;
        j->meta_dirty = true;
        if (ts > j->stream_time) j->stream_time = ts;
        sb_clear(key);
        jo_put_key(j, key, &kv, 1, r);
        /* This side's buffer (rows already expired there are not kept). */
        if (ts > j->observed[side]) j->observed[side] = ts;
        if (ts > j->observed[side] - j->retention) put_buffer(j, t, txn, side, key, r);

        int64_t from = ts - before > 0 ? ts - before : 0;
        int64_t to = ts + after > 0 ? ts + after : 0;
        if (j->spurious_fix && ts == j->stream_time) emit_non_joined(j, t, txn, side, r, ctx);

        /* The other side's live rows of this key in the window. */
        int64_t live =
            j->observed[other] == INT64_MIN ? from : j->observed[other] - j->retention + 1;
        int64_t lo = from > live ? from : live;
        bool matched = false;
        JoinSide me = jo_side_of(r);
        int64_t *hits = NULL; /* times of the matched rows (outer store cleanup) */
        int nhits = 0, hcap = 0;
        if (lo <= to) {
            StrBuf *pre = &j->pbuf;
            jo_prefix(j, t, pre, other);
            sb_append(pre, key->data, key->len);
            size_t plen = pre->len;
            rowcodec_put_be64(pre, lo);
            StateIter *it;
            if (state_iter_open(txn, j->store[0], pre->data, pre->len, &it) == 0) {
                const void *k, *v;
                size_t kl, vl;
                while (state_iter_next(it, &k, &kl, &v, &vl) == 0) {
                    if (kl != plen + 16 || memcmp(k, pre->data, plen) != 0) break;
                    int64_t ots = rowcodec_get_be64((const char *)k + plen);
                    if (ots > to) break;
                    JoinSide o;
                    if (!jo_decode_side(j, other, v, vl, ctx->scratch, &o)) continue;
                    matched = true;
                    if (j->spurious_fix && (nhits == 0 || hits[nhits - 1] != ots)) {
                        if (nhits == hcap) {
                            int ncap = hcap ? hcap * 2 : 8;
                            hits = arena_realloc(ctx->scratch, hits, sizeof(int64_t) * (size_t)hcap,
                                                 sizeof(int64_t) * (size_t)ncap);
                            hcap = ncap;
                        }
                        hits[nhits++] = ots;
                    }
                    Row *o2 = jo_emit(j, &kv, side == 0 ? &me : &o, side == 0 ? &o : &me,
                                      ts > ots ? ts : ots, r->stream_time, ctx);
                    o2->win_start = r->win_start;
                    o2->win_end = r->win_end;
                }
                state_iter_close(it);
            }
        }
        for (int h = 0; h < nhits; h++)
            drop_outer(j, t, txn, other, key, hits[h]);
        if (!matched && outer) {
            if (!j->spurious_fix || to < j->stream_time) {
                jo_emit(j, &kv, side == 0 ? &me : NULL, side == 1 ? &me : NULL, ts, r->stream_time,
                        ctx);
            } else {
                put_outer(j, t, txn, side, key, r);
            }
        }
    }
    meta_save(j, t, txn);
    return 0;
}

int jo_window_flush(JoinOp *j, ExecCtx *ctx)
{
    Task *t = ctx->task;
    if (!j->meta_loaded) return 0;
    StateTxn *txn = task_txn(t);
    if (!txn) return 0;
    meta_save(j, t, txn);
    /* Drop buffered rows that can no longer match. */
    for (int side = 0; side < 2; side++) {
        if (j->observed[side] == INT64_MIN) continue;
        int64_t limit = j->observed[side] - j->retention; /* rows at or before are dead */
        if (limit <= j->expired[side]) continue;
        j->expired[side] = limit;
        StrBuf *pre = &j->pbuf;
        jo_prefix(j, t, pre, side);
        size_t plen = pre->len;
        StateIter *it;
        if (state_iter_open(txn, j->store[1], pre->data, pre->len, &it) == 0) {
            const void *k, *v;
            size_t kl, vl;
            while (state_iter_next(it, &k, &kl, &v, &vl) == 0) {
                const char *kp = k;
                if (kl < plen + 16 || memcmp(kp, pre->data, plen) != 0) break;
                int64_t ts = rowcodec_get_be64(kp + plen);
                if (ts > limit) break;
                /* [prefix][ts][key][seq] -> [prefix][key][ts][seq] */
                sb_clear(&j->k2buf);
                sb_append(&j->k2buf, kp, plen);
                sb_append(&j->k2buf, kp + plen + 8, kl - plen - 16);
                sb_append(&j->k2buf, kp + plen, 8);
                sb_append(&j->k2buf, kp + kl - 8, 8);
                state_del(txn, j->store[0], j->k2buf.data, j->k2buf.len);
                state_iter_del(it);
            }
            state_iter_close(it);
        }
    }
    return 0;
}
