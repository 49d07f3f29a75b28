/*
 * op_join_fk.c - foreign-key table-table joins (ON left.fk = right.pk, INNER or
 * LEFT), as Kafka Streams' subscription/response protocol behaves when run in
 * one piece: the left table subscribes each of its rows to the right key its
 * foreign key names; a change of a left row re-subscribes it and emits its new
 * result; a change of a right row emits the new result of every left row
 * subscribed to it. Results are keyed by the left table's key; an inner join
 * emits a tombstone where a left row stops having a result (and, as upstream, a
 * left row whose foreign key is NULL is skipped). A result caused by a left row
 * carries the later of both rows' times, one caused by a right row that row's
 * time. Both tables and the
 * subscriptions live in one keyspace for the query, since foreign keys cross
 * partitions.
 */
#include <string.h>

#include "op_join_int.h"
#include "rowcodec.h"

static bool lookup(JoinOp *j, StateTxn *txn, int side, const StrBuf *key, Arena *a, JoinSide *out)
{
    const void *v;
    size_t vl;
    if (state_get(txn, j->store[0], key->data, key->len, &v, &vl) != 0) return false;
    return jo_decode_side(j, side, v, vl, a, out);
}

/* The foreign key of a left row; false when NULL. */
static bool fk_of(JoinOp *j, Task *t, const Row *r, const Value *cols, Value *fk, ExecCtx *ctx)
{
    return jo_eval_key(j, t, 0, r, cols, fk, ctx);
}

static void right_key(JoinOp *j, Task *t, StrBuf *b, const Value *rk)
{
    jo_prefix(j, t, b, 1);
    rowcodec_put(b, rk);
}

static void subscription(StrBuf *b, const Value *fk, const char *lk, size_t lkl)
{
    sb_clear(b);
    rowcodec_put(b, fk);
    sb_append(b, lk, lkl);
}

static void emit_result(JoinOp *j, const Value *keys, const JoinSide *l, const JoinSide *r,
                        bool has_new, bool has_old, const JoinSide *ol, const JoinSide *or_,
                        int64_t ts, const Row *cause, ExecCtx *ctx)
{
    Row *o = has_new ? jo_emit(j, keys, l, r, ts, cause->stream_time, ctx)
                     : jo_emit_tombstone(j, keys, ts, cause->stream_time, ctx);
    o->flags |= ROW_OLD_KNOWN;
    o->old = has_old ? jo_cols(j, keys, ol, or_, ctx->scratch) : NULL;
}

static void right_change(JoinOp *j, Task *t, StateTxn *txn, Row *r, ExecCtx *ctx)
{
    Arena *a = ctx->scratch;
    bool left_join = j->op.step->join_type == JT_LEFT;
    Value rk;
    if (!jo_eval_key(j, t, 1, r, r->cols, &rk, ctx)) return;
    right_key(j, t, &j->kbuf, &rk);
    JoinSide olds, news = jo_side_of(r);
    bool has_old = lookup(j, txn, 1, &j->kbuf, a, &olds);
    bool has_new = !(r->flags & ROW_TOMBSTONE);
    if (has_new) {
        jo_encode_side(&j->vbuf, r, r->cols, j->ncol[1]);
        state_put(txn, j->store[0], j->kbuf.data, j->kbuf.len, j->vbuf.data, j->vbuf.len);
    } else if (has_old) {
        state_del(txn, j->store[0], j->kbuf.data, j->kbuf.len);
    }
    if (!has_old && !has_new) return;

    /* The left rows subscribed to this key. */
    StrBuf *pre = &j->pbuf;
    sb_clear(pre);
    rowcodec_put(pre, &rk);
    char **lks = NULL;
    size_t *lkl = NULL;
    int nl = 0, cap = 0;
    StateIter *it;
    if (state_iter_open(txn, j->store[1], pre->data, pre->len, &it) == 0) {
        const void *k, *v;
        size_t kl, vl;
        while (state_iter_next(it, &k, &kl, &v, &vl) == 0) {
            if (kl < pre->len || memcmp(k, pre->data, pre->len) != 0) break;
            if (nl == cap) {
                int ncap = cap ? cap * 2 : 8;
                lks = arena_realloc(a, lks, sizeof(char *) * (size_t)cap,
                                    sizeof(char *) * (size_t)ncap);
                lkl = arena_realloc(a, lkl, sizeof(size_t) * (size_t)cap,
                                    sizeof(size_t) * (size_t)ncap);
                cap = ncap;
            }
            lkl[nl] = kl - pre->len;
            lks[nl] = arena_alloc(a, lkl[nl] + 1);
            memcpy(lks[nl], (const char *)k + pre->len, lkl[nl]);
            nl++;
        }
        state_iter_close(it);
    }
    for (int i = 0; i < nl; i++) {
        jo_prefix(j, t, &j->k2buf, 0);
        sb_append(&j->k2buf, lks[i], lkl[i]);
        JoinSide l;
        if (!lookup(j, txn, 0, &j->k2buf, a, &l)) continue;
        /* A stale subscription: the left row names another key by now. */
        Value fk;
        if (!fk_of(j, t, r, l.cols, &fk, ctx)) continue;
        StrBuf *fb = &j->xbuf;
        sb_clear(fb);
        rowcodec_put(fb, &fk);
        bool same = fb->len == pre->len && memcmp(fb->data, pre->data, pre->len) == 0;
        if (!same) continue;
        bool nres = has_new || left_join, ores = has_old || left_join;
        /* Kafka Streams forwards these responses with the right row's time. */
        int64_t ts = r->ts;
        emit_result(j, l.cols, &l, has_new ? &news : NULL, nres, ores, &l, has_old ? &olds : NULL,
                    ts, r, ctx);
    }
}

static void left_change(JoinOp *j, Task *t, StateTxn *txn, Row *r, ExecCtx *ctx)
{
    Arena *a = ctx->scratch;
    bool left_join = j->op.step->join_type == JT_LEFT;
    int nk = j->nk;
    jo_prefix(j, t, &j->kbuf, 0);
    size_t plen = j->kbuf.len;
    rowcodec_put_all(&j->kbuf, r->cols, nk);
    const char *lk = j->kbuf.data + plen;
    size_t lkl = j->kbuf.len - plen;
    JoinSide olds, news = jo_side_of(r);
    bool has_old = lookup(j, txn, 0, &j->kbuf, a, &olds);
    bool has_new = !(r->flags & ROW_TOMBSTONE);
    if (has_new) {
        jo_encode_side(&j->vbuf, r, r->cols, j->ncol[0]);
        state_put(txn, j->store[0], j->kbuf.data, j->kbuf.len, j->vbuf.data, j->vbuf.len);
    } else if (has_old) {
        state_del(txn, j->store[0], j->kbuf.data, j->kbuf.len);
    }
    char *lkc = arena_alloc(a, lkl + 1);
    memcpy(lkc, lk, lkl);
    Value ofk, nfk;
    bool has_ofk = has_old && fk_of(j, t, r, olds.cols, &ofk, ctx);
    bool has_nfk = has_new && fk_of(j, t, r, r->cols, &nfk, ctx);
    if (!left_join && ((has_old && !has_ofk) || (has_new && !has_nfk))) return;

    JoinSide ro, rn;
    bool has_ro = false, has_rn = false;
    if (has_ofk) {
        right_key(j, t, &j->k2buf, &ofk);
        has_ro = lookup(j, txn, 1, &j->k2buf, a, &ro);
    }
    if (has_nfk) {
        right_key(j, t, &j->k2buf, &nfk);
        has_rn = lookup(j, txn, 1, &j->k2buf, a, &rn);
    }
    /* Subscriptions. */
    StrBuf *ob = &j->p2buf, *nb = &j->ybuf;
    if (has_ofk) subscription(ob, &ofk, lkc, lkl);
    if (has_nfk) subscription(nb, &nfk, lkc, lkl);
    if (has_ofk && !(has_nfk && ob->len == nb->len && memcmp(ob->data, nb->data, ob->len) == 0))
        state_del(txn, j->store[1], ob->data, ob->len);
    if (has_nfk) state_put(txn, j->store[1], nb->data, nb->len, "", 0);

    bool emit, nres;
    if (has_old) {
        emit = true;
        nres = has_new && (has_rn || left_join);
    } else if (has_new) {
        emit = has_rn || left_join;
        nres = true;
    } else {
        emit = false;
        nres = false;
    }
    if (!emit) return;
    bool ores = has_old && (has_ro || left_join);
    int64_t ts = has_rn && rn.ts > r->ts ? rn.ts : r->ts;
    emit_result(j, r->cols, &news, has_rn ? &rn : NULL, nres, ores, &olds, has_ro ? &ro : NULL, ts,
                r, ctx);
}

int jo_fk_process(JoinOp *j, int side, Row *rows, int n, ExecCtx *ctx)
{
    Task *t = ctx->task;
    StateTxn *txn = task_txn(t);
    if (!txn) return 0;
    for (int i = 0; i < n; i++) {
        Row *r = &rows[i];
        if (r->flags & ROW_RETRACT) continue;
        if (side == 1)
            right_change(j, t, txn, r, ctx);
        else
            left_change(j, t, txn, r, ctx);
    }
    return 0;
}
