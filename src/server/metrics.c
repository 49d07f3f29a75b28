/*
 * metrics.c - eddyd's counters and their Prometheus text (see metrics.h).
 *
 * HTTP figures are kept per (route, status) under a mutex: one short critical
 * section per request. Query figures are read from the engine when scraped.
 */
#include "metrics.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../common/arena.h"

#define MAX_SERIES 64
#define NBUCKETS   10

static const double bucket_s[NBUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                          0.025,  0.05,  0.1,    0.5,   1.0};

typedef struct Series {
    const char *route; /* static strings from the route table */
    int status;
    uint64_t count;
    double sum_s;
    uint64_t buckets[NBUCKETS]; /* cumulative at render time */
} Series;

struct Metrics {
    pthread_mutex_t mu;
    Series series[MAX_SERIES];
    int nseries;
    uint64_t pulls, pull_rows, pull_errors;
    uint64_t pushes_started, pushes_ended, pushes_overflowed;
    uint64_t inserted;
};

Metrics *metrics_new(void)
{
    Metrics *m = xcalloc(1, sizeof *m);
    pthread_mutex_init(&m->mu, NULL);
    return m;
}

void metrics_free(Metrics *m)
{
    if (!m) return;
    pthread_mutex_destroy(&m->mu);
    free(m);
}

void metrics_http(Metrics *m, const char *route, int status, int64_t micros)
{
    if (!m) return;
    double s = (double)micros / 1e6;
    pthread_mutex_lock(&m->mu);
    Series *se = NULL;
    for (int i = 0; i < m->nseries; i++)
        if (m->series[i].status == status && strcmp(m->series[i].route, route) == 0) {
            se = &m->series[i];
            break;
        }
    if (!se && m->nseries < MAX_SERIES) {
        se = &m->series[m->nseries++];
        se->route = route;
        se->status = status;
    }
    if (se) {
        se->count++;
        se->sum_s += s;
        for (int b = 0; b < NBUCKETS; b++)
            if (s <= bucket_s[b]) {
                se->buckets[b]++;
                break;
            }
    }
    pthread_mutex_unlock(&m->mu);
}

void metrics_pull(Metrics *m, uint64_t rows, bool failed)
{
    pthread_mutex_lock(&m->mu);
    m->pulls++;
    m->pull_rows += rows;
    if (failed) m->pull_errors++;
    pthread_mutex_unlock(&m->mu);
}

void metrics_push_started(Metrics *m)
{
    pthread_mutex_lock(&m->mu);
    m->pushes_started++;
    pthread_mutex_unlock(&m->mu);
}

void metrics_push_ended(Metrics *m, bool overflowed)
{
    pthread_mutex_lock(&m->mu);
    m->pushes_ended++;
    if (overflowed) m->pushes_overflowed++;
    pthread_mutex_unlock(&m->mu);
}

void metrics_inserted(Metrics *m, uint64_t rows)
{
    pthread_mutex_lock(&m->mu);
    m->inserted += rows;
    pthread_mutex_unlock(&m->mu);
}

static void help(StrBuf *sb, const char *name, const char *type, const char *text)
{
    sb_printf(sb, "# HELP %s %s\n# TYPE %s %s\n", name, text, name, type);
}

void metrics_render(Metrics *m, Engine *e, StrBuf *sb)
{
    /* Queries, read under the engine lock. */
    engine_lock(e);
    int nq = engine_query_count(e);
    int by_state[3] = {0, 0, 0};
    help(sb, "eddy_query_messages_consumed_total", "counter",
         "Records processed by a persistent query.");
    for (int i = 0; i < nq; i++) {
        RunningQuery *rq = engine_query_at(e, i);
        by_state[rq_state(rq)]++;
        sb_printf(sb, "eddy_query_messages_consumed_total{query_id=\"%s\"} %llu\n", rq_id(rq),
                  (unsigned long long)rq_stats(rq).consumed);
    }
    help(sb, "eddy_query_messages_produced_total", "counter",
         "Records written by a persistent query.");
    for (int i = 0; i < nq; i++) {
        RunningQuery *rq = engine_query_at(e, i);
        sb_printf(sb, "eddy_query_messages_produced_total{query_id=\"%s\"} %llu\n", rq_id(rq),
                  (unsigned long long)rq_stats(rq).produced);
    }
    help(sb, "eddy_query_processing_errors_total", "counter",
         "Records a persistent query sent to the processing log.");
    for (int i = 0; i < nq; i++) {
        RunningQuery *rq = engine_query_at(e, i);
        sb_printf(sb, "eddy_query_processing_errors_total{query_id=\"%s\"} %llu\n", rq_id(rq),
                  (unsigned long long)rq_stats(rq).errors);
    }
    help(sb, "eddy_query_late_records_dropped_total", "counter",
         "Records dropped because their window had closed.");
    for (int i = 0; i < nq; i++) {
        RunningQuery *rq = engine_query_at(e, i);
        sb_printf(sb, "eddy_query_late_records_dropped_total{query_id=\"%s\"} %llu\n", rq_id(rq),
                  (unsigned long long)rq_stats(rq).late_dropped);
    }
    help(sb, "eddy_query_consumer_lag", "gauge",
         "Records on a query's input topics not yet processed (0 on the in-memory engine, "
         "which processes records as they are written; absent until a fetch reported it).");
    for (int i = 0; i < nq; i++) {
        RunningQuery *rq = engine_query_at(e, i);
        int64_t lag = rq_consumer_lag(rq);
        if (lag >= 0)
            sb_printf(sb, "eddy_query_consumer_lag{query_id=\"%s\"} %lld\n", rq_id(rq),
                      (long long)lag);
    }
    help(sb, "eddy_persistent_queries", "gauge", "Persistent queries by state.");
    sb_printf(sb, "eddy_persistent_queries{state=\"RUNNING\"} %d\n", by_state[QS_RUNNING]);
    sb_printf(sb, "eddy_persistent_queries{state=\"PAUSED\"} %d\n", by_state[QS_PAUSED]);
    sb_printf(sb, "eddy_persistent_queries{state=\"ERROR\"} %d\n", by_state[QS_ERROR]);
    StateEnv *st = engine_state(e);
    uint64_t store_bytes = st ? state_env_size(st) : 0;
    engine_unlock(e);
    help(sb, "eddy_state_store_bytes", "gauge", "Size of the LMDB state environment.");
    sb_printf(sb, "eddy_state_store_bytes %llu\n", (unsigned long long)store_bytes);

    pthread_mutex_lock(&m->mu);
    help(sb, "eddy_pull_queries_total", "counter", "Pull queries run.");
    sb_printf(sb, "eddy_pull_queries_total %llu\n", (unsigned long long)m->pulls);
    help(sb, "eddy_pull_query_rows_total", "counter", "Rows returned by pull queries.");
    sb_printf(sb, "eddy_pull_query_rows_total %llu\n", (unsigned long long)m->pull_rows);
    help(sb, "eddy_pull_query_errors_total", "counter", "Pull queries that failed while running.");
    sb_printf(sb, "eddy_pull_query_errors_total %llu\n", (unsigned long long)m->pull_errors);
    help(sb, "eddy_push_queries_active", "gauge", "Push queries streaming now.");
    sb_printf(sb, "eddy_push_queries_active %llu\n",
              (unsigned long long)(m->pushes_started - m->pushes_ended));
    help(sb, "eddy_push_queries_total", "counter", "Push queries started.");
    sb_printf(sb, "eddy_push_queries_total %llu\n", (unsigned long long)m->pushes_started);
    help(sb, "eddy_push_queries_overflowed_total", "counter",
         "Push queries closed because their client fell too far behind.");
    sb_printf(sb, "eddy_push_queries_overflowed_total %llu\n",
              (unsigned long long)m->pushes_overflowed);
    help(sb, "eddy_inserted_rows_total", "counter", "Rows written through /inserts-stream.");
    sb_printf(sb, "eddy_inserted_rows_total %llu\n", (unsigned long long)m->inserted);
    help(sb, "eddy_http_requests_total", "counter", "HTTP requests answered.");
    for (int i = 0; i < m->nseries; i++)
        sb_printf(sb, "eddy_http_requests_total{endpoint=\"%s\",code=\"%d\"} %llu\n",
                  m->series[i].route, m->series[i].status, (unsigned long long)m->series[i].count);
    help(sb, "eddy_http_request_duration_seconds", "histogram",
         "Time to answer a request (streamed responses: until the response starts).");
    for (int i = 0; i < m->nseries; i++) {
        const Series *se = &m->series[i];
        uint64_t cum = 0;
        for (int b = 0; b < NBUCKETS; b++) {
            cum += se->buckets[b];
            sb_printf(sb,
                      "eddy_http_request_duration_seconds_bucket{endpoint=\"%s\",code=\"%d\",le=\"%"
                      "g\"} %llu\n",
                      se->route, se->status, bucket_s[b], (unsigned long long)cum);
        }
        sb_printf(sb,
                  "eddy_http_request_duration_seconds_bucket{endpoint=\"%s\",code=\"%d\",le=\"+"
                  "Inf\"} %llu\n",
                  se->route, se->status, (unsigned long long)se->count);
        sb_printf(sb, "eddy_http_request_duration_seconds_sum{endpoint=\"%s\",code=\"%d\"} %.6f\n",
                  se->route, se->status, se->sum_s);
        sb_printf(sb,
                  "eddy_http_request_duration_seconds_count{endpoint=\"%s\",code=\"%d\"} %llu\n",
                  se->route, se->status, (unsigned long long)se->count);
    }
    pthread_mutex_unlock(&m->mu);
}
