/*
 * op_join.c - joins (stream-stream windowed, stream-table, table-table and
 * foreign-key joins). The planner does not produce JOIN steps yet; until it does,
 * a JOIN step reports every row to the processing log instead of guessing.
 */
#include <stdlib.h>

#include "op.h"

static int join_process(Op *op, int port, Row *rows, int n, ExecCtx *ctx)
{
    (void)port;
    (void)rows;
    for (int i = 0; i < n; i++)
        task_processing_error(ctx->task, op->step, "joins are not implemented yet", NULL);
    return 0;
}

static const OpVtab join_vt = {join_process, NULL, NULL, NULL};

Op *op_join_new(Task *t, const Step *s)
{
    (void)t;
    (void)s;
    Op *op = xcalloc(1, sizeof *op);
    op->vt = &join_vt;
    return op;
}
