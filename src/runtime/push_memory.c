/*
 * push_memory.c - push queries on the in-memory engine (ENGINE_MEMORY).
 *
 * A push query is a transient Query whose result rows go to the caller's
 * PushRowFn instead of a topic. It is fed like the persistent queries: every
 * record written to one of its topics runs through it in the writer's thread,
 * under the engine lock (engine.c, mem_deliver); from_beginning replays what the
 * topics already hold first. Stopping drops any state it kept.
 */
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

static int push_row(void *ctx, const Row *row, bool tombstone)
{
    MemPush *pq = ctx;
    if (pq->done) return 1;
    if (pq->fn(pq->ctx, row, tombstone)) pq->done = true;
    return pq->done;
}

MemPush *engine_mem_push_start(Engine *e, Plan *plan, const char *id, bool from_beginning,
                               PushRowFn fn, void *ctx, EddyError *err)
{
    MemPush *pq = xcalloc(1, sizeof *pq);
    pq->engine = e;
    pq->id = xstrdup(id);
    pq->fn = fn;
    pq->ctx = ctx;
    QueryEnv env;
    memset(&env, 0, sizeof env);
    env.state = e->state;
    env.props = &e->props;
    env.inprocess_repartition = true;
    QueryIO io = {pq, NULL, push_row};
    pq->q = query_new(&env, plan, id, &io, err);
    if (!pq->q) {
        free(pq->id);
        free(pq);
        return NULL;
    }
    if (from_beginning) {
        EddyError ferr;
        err_clear(&ferr);
        if (engine_mem_feed(e, pq->q, &ferr) < 0) pq->done = true;
    }
    e->pushes = xrealloc(e->pushes, sizeof(MemPush *) * (size_t)(e->npushes + 1));
    e->pushes[e->npushes++] = pq;
    return pq;
}

void engine_mem_push_stop(MemPush *pq)
{
    Engine *e = pq->engine;
    for (int i = 0; i < e->npushes; i++) {
        if (e->pushes[i] != pq) continue;
        memmove(&e->pushes[i], &e->pushes[i + 1], sizeof(MemPush *) * (size_t)(e->npushes - i - 1));
        e->npushes--;
        break;
    }
    if (query_is_stateful(pq->q)) query_drop_state(pq->q);
    query_free(pq->q);
    free(pq->id);
    free(pq);
}

const char *engine_mem_push_id(const MemPush *mp)
{
    return mp->id;
}

bool engine_mem_push_finished(const MemPush *mp)
{
    return mp->done;
}
