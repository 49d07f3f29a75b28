/*
 * op_filter.c - WHERE and HAVING.
 *
 * Streams keep rows whose predicate is TRUE. Table changelogs follow Kafka
 * Streams' filter with old values: a row that fails emits a tombstone only when
 * the previous row for its key passed (or when the previous row is unknown),
 * so a key that never matched produces nothing.
 */
#include <stdlib.h>

#include "op.h"

static int filter_process(Op *op, int port, Row *rows, int n, ExecCtx *ctx)
{
    (void)port;
    Task *t = ctx->task;
    const Step *st = op->step;
    EvalCtx *ev = &t->eval;
    ev->arena = ctx->scratch;
    int m = 0;
    for (int i = 0; i < n; i++) {
        Row *r = &rows[i];
        if (r->flags & ROW_TOMBSTONE) {
            if (!st->is_table) continue;
            /* A delete is only news downstream when the deleted row passed. */
            if (r->flags & ROW_OLD_KNOWN) {
                bool old_passed = false;
                if (r->old) {
                    Row o = *r;
                    o.cols = r->old;
                    ev->row = &o;
                    eval_reset_errors(ev);
                    old_passed = eval_pred(ev, st->pred);
                }
                if (!old_passed) continue;
            }
            rows[m++] = *r;
            continue;
        }
        ev->row = r;
        eval_reset_errors(ev);
        bool pass = eval_pred(ev, st->pred);
        if (ev->nerrors) task_processing_error(t, st, ev->err.msg, NULL);
        if (pass) {
            if (r->old) {
                Row o = *r;
                o.cols = r->old;
                ev->row = &o;
                if (!eval_pred(ev, st->pred)) r->old = NULL; /* old did not match */
            }
            rows[m++] = *r;
            continue;
        }
        if (!st->is_table) continue;
        bool emit_tombstone = !(r->flags & ROW_OLD_KNOWN);
        if (r->old) {
            Row o = *r;
            o.cols = r->old;
            ev->row = &o;
            emit_tombstone = eval_pred(ev, st->pred);
        }
        if (emit_tombstone) {
            rows[m] = *r;
            rows[m].flags |= ROW_TOMBSTONE;
            rows[m].old = NULL;
            m++;
        }
    }
    return op_emit(op, rows, m, ctx);
}

static const OpVtab filter_vt = {filter_process, NULL, NULL, NULL};

Op *op_filter_new(Task *t, const Step *s)
{
    (void)t;
    (void)s;
    Op *op = xcalloc(1, sizeof *op);
    op->vt = &filter_vt;
    return op;
}
