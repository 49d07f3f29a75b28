/*
 * op_select.c - projections: every output column is one bound expression over
 * the input row. Tombstones keep their key; previous rows (tables) are
 * projected too, so a downstream table filter can tell whether they matched.
 */
#include <stdlib.h>

#include "op.h"

static void project(Task *t, const Step *st, const Value *in_cols, Row *in, Value *out,
                    ExecCtx *ctx)
{
    EvalCtx *ev = &t->eval;
    Row tmp = *in;
    tmp.cols = (Value *)in_cols;
    ev->row = &tmp;
    ev->arena = ctx->scratch;
    for (int c = 0; c < st->schema.ncols; c++) {
        eval_reset_errors(ev);
        eval_expr(ev, st->exprs[c], &out[c]);
        if (ev->nerrors) task_processing_error(t, st, ev->err.msg, NULL);
    }
}

/* Whether the output key is the input key, unchanged (so a null source key stays null). */
static bool s_keeps_key(const Step *st)
{
    if (st->schema.nkey != st->input->schema.nkey) return false;
    for (int c = 0; c < st->schema.nkey; c++)
        if (st->exprs[c]->kind != EX_COLUMN || st->exprs[c]->index != c) return false;
    return true;
}

static int select_process(Op *op, int port, Row *rows, int n, ExecCtx *ctx)
{
    (void)port;
    Task *t = ctx->task;
    const Step *st = op->step;
    int nc = st->schema.ncols;
    for (int i = 0; i < n; i++) {
        Row *r = &rows[i];
        Value *out = arena_zalloc(ctx->scratch, sizeof(Value) * (size_t)(nc ? nc : 1));
        if (r->flags & ROW_TOMBSTONE) {
            /* Only keys are meaningful; computed from a row whose value columns (and
             * ROWTIME) are NULL, as ksqlDB evaluates them on a null value. */
            EvalCtx *ev = &t->eval;
            ev->row = r;
            ev->arena = ctx->scratch;
            ev->null_row = !st->is_table;
            for (int c = 0; c < nc; c++) {
                /* Keys (push queries order them among the values) and window bounds. */
                const Expr *x = st->exprs[c];
                bool keep = c < st->schema.nkey || st->schema.cols[c].role == COL_KEY ||
                            (x->kind == EX_PSEUDO &&
                             (x->index == PSEUDO_WINDOWSTART || x->index == PSEUDO_WINDOWEND));
                if (keep) eval_expr(ev, x, &out[c]);
            }
            ev->null_row = false;
        } else {
            project(t, st, r->cols, r, out, ctx);
        }
        if (r->old) {
            Value *old = arena_zalloc(ctx->scratch, sizeof(Value) * (size_t)(nc ? nc : 1));
            project(t, st, r->old, r, old, ctx);
            r->old = old;
        }
        r->cols = out;
        if ((r->flags & ROW_NULL_KEY) && !s_keeps_key(st)) r->flags &= ~(uint32_t)ROW_NULL_KEY;
    }
    return op_emit(op, rows, n, ctx);
}

static const OpVtab select_vt = {select_process, NULL, NULL, NULL};

Op *op_select_new(Task *t, const Step *s)
{
    (void)t;
    (void)s;
    Op *op = xcalloc(1, sizeof *op);
    op->vt = &select_vt;
    return op;
}
