/*
 * plan_pull.c - planning pull queries: SELECTs without EMIT over materialized
 * tables (key lookups, key ranges, scans, window bounds) and over streams.
 */
#include "plan_int.h"

int qb_plan_pull(QB *qb)
{
    return err_set(qb->err, ERR_UNSUPPORTED, qb->sel->offset,
                   "Pull queries are not implemented in eddy yet");
}
