/*
 * op_flatmap.c - table functions (EXPLODE, CUBE_EXPLODE, ...): each input row
 * becomes as many rows as the longest function result, the input columns
 * repeated and one column per function (NULL where a shorter result ran out).
 */
#include <stdlib.h>
#include <string.h>

#include "op.h"

static int flatmap_process(Op *op, int port, Row *rows, int n, ExecCtx *ctx)
{
    (void)port;
    Task *t = ctx->task;
    const Step *st = op->step;
    int nin = st->input->schema.ncols, nout = st->schema.ncols;
    EvalCtx *ev = &t->eval;
    ev->arena = ctx->scratch;
    int cap = n * 2 + 4, m = 0;
    Row *out = arena_alloc(ctx->scratch, sizeof(Row) * (size_t)cap);
    Value *res = arena_alloc(ctx->scratch, sizeof(Value) * (size_t)st->ntfs);
    for (int i = 0; i < n; i++) {
        Row *r = &rows[i];
        if (r->flags & ROW_TOMBSTONE) continue;
        ev->row = r;
        uint32_t len = 0;
        bool failed = false;
        for (int f = 0; f < st->ntfs; f++) {
            eval_reset_errors(ev);
            eval_expr(ev, st->tfs[f], &res[f]);
            if (ev->nerrors) {
                /* A table function that fails produces no rows for this record. */
                task_processing_error(t, st, ev->err.msg, NULL);
                failed = true;
            }
            if (res[f].kind == TYPE_ARRAY && res[f].len > len) len = res[f].len;
        }
        if (failed) continue;
        for (uint32_t k = 0; k < len; k++) {
            if (m == cap) {
                out = arena_realloc(ctx->scratch, out, sizeof(Row) * (size_t)cap,
                                    sizeof(Row) * (size_t)cap * 2);
                cap *= 2;
            }
            Row *o = &out[m++];
            *o = *r;
            o->cols = arena_alloc(ctx->scratch, sizeof(Value) * (size_t)nout);
            memcpy(o->cols, r->cols, sizeof(Value) * (size_t)nin);
            for (int f = 0; f < st->ntfs; f++)
                o->cols[nin + f] =
                    res[f].kind == TYPE_ARRAY && k < res[f].len ? res[f].u.items[k] : val_null();
        }
    }
    return op_emit(op, out, m, ctx);
}

static const OpVtab flatmap_vt = {flatmap_process, NULL, NULL, NULL};

Op *op_flatmap_new(Task *t, const Step *s)
{
    (void)t;
    (void)s;
    Op *op = xcalloc(1, sizeof *op);
    op->vt = &flatmap_vt;
    return op;
}
