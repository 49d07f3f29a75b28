/*
 * plan_join.c - planning FROM clauses with joins (stream-stream, stream-table,
 * table-table and foreign-key joins), their join schemas (L_A, R_A names) and
 * key rules.
 */
#include "plan_int.h"

#include <string.h>

int qb_join(QB *qb)
{
    return err_set(qb->err, ERR_UNSUPPORTED, qb->sel->from->offset,
                   "JOIN is not implemented in eddy yet");
}

void qb_join_star_cols(QB *qb)
{
    (void)qb;
}

const char *qb_join_column_name(QB *qb, const AstExpr *col)
{
    (void)qb;
    return col->name;
}
