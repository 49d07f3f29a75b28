/*
 * metrics.h - eddyd's counters and the Prometheus text of GET /metrics: HTTP
 * requests and latencies per endpoint, pull and push queries, and, read from
 * the engine at scrape time, persistent queries by state, messages consumed and
 * produced, processing errors, dropped late records, consumer lag and state
 * store size. Counters are updated with atomics from any thread.
 */
#ifndef EDDY_METRICS_H
#define EDDY_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/strbuf.h"
#include "../runtime/engine.h"

typedef struct Metrics Metrics;

Metrics *metrics_new(void);
void metrics_free(Metrics *m);

/* One HTTP request answered: route label ("/ksql"), status, duration. */
void metrics_http(Metrics *m, const char *route, int status, int64_t micros);
void metrics_pull(Metrics *m, uint64_t rows, bool failed);
void metrics_push_started(Metrics *m);
void metrics_push_ended(Metrics *m, bool overflowed);
void metrics_inserted(Metrics *m, uint64_t rows);

/* Appends the Prometheus exposition text (format 0.0.4). Takes the engine lock. */
void metrics_render(Metrics *m, Engine *e, StrBuf *out);

#endif
