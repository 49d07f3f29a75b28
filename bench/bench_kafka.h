/*
 * bench_kafka.h - the benchmark's Kafka side, on bare librdkafka: loading Nexmark
 * events into topics (bulk or paced to the wall clock), the ingest and decode
 * ceilings, and the sink reader that counts, times and keeps the output of a query.
 *
 * None of this goes through eddy's own Kafka layer: the ceilings are what a plain C
 * consumer gets from the same broker, so eddy is compared with them.
 */
#ifndef EDDY_BENCH_KAFKA_H
#define EDDY_BENCH_KAFKA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "nexmark.h"

/* Topic names of the three Nexmark streams (prefix + "person" / "auction" / "bid"). */
typedef struct BenchTopics {
    char person[128];
    char auction[128];
    char bid[128];
} BenchTopics;

typedef struct LoadStats {
    uint64_t persons, auctions, bids; /* records written */
    uint64_t bid_bytes;               /* value bytes of the bids */
    double seconds;                   /* wall time of the load, flush included */
} LoadStats;

/* Kinds of events to write (bit masks of NexmarkKind). */
#define LOAD_PERSONS  (1u << NEXMARK_PERSON)
#define LOAD_AUCTIONS (1u << NEXMARK_AUCTION)
#define LOAD_BIDS     (1u << NEXMARK_BID)
#define LOAD_ALL      (LOAD_PERSONS | LOAD_AUCTIONS | LOAD_BIDS)

/* Writes events [from, to) to the topics, keyed by id (persons, auctions) or auction
 * id (bids), 8-byte big-endian keys, record timestamp = dateTime. With `paced`, each
 * event is sent when the wall clock reaches its event time and is stamped with the
 * time it was sent (the live phase); otherwise as fast as the broker takes them.
 * Only the kinds in `kinds` (LOAD_*) are written. Returns 0, or -1 with err filled. */
int bk_load(const char *bootstrap, const BenchTopics *t, const NexmarkConfig *cfg, uint64_t from,
            uint64_t to, bool paced, unsigned kinds, LoadStats *out, char *err, size_t errsz);

/* Sums the low and high watermarks of every partition of a topic (the records kept
 * are high - low; low > 0 means the broker dropped some). Returns the partition
 * count, or -1. */
int bk_watermarks(const char *bootstrap, const char *topic, int64_t *low, int64_t *high, char *err,
                  size_t errsz);

typedef enum CeilingKind {
    CEILING_CONSUME,     /* consume every record */
    CEILING_PASSTHROUGH, /* consume, and produce each record to out_topic */
    CEILING_DECODE,      /* consume, and decode every value with jansson (every field read) */
} CeilingKind;

typedef struct CeilingResult {
    uint64_t records;
    double seconds; /* first record received -> last record done (produce: flushed) */
} CeilingResult;

/* Runs a ceiling over the first `max` records of `topic` (a comma-separated list of
 * topics; all partitions from the beginning, no group). Meant to run in a process
 * of its own, whose CPU time the caller measures. Returns 0, or -1 with err filled. */
int bk_ceiling(const char *bootstrap, CeilingKind kind, const char *topic, const char *out_topic,
               uint64_t max, CeilingResult *out, char *err, size_t errsz);

/* ---- a consumer group's progress ------------------------------------------------ */

typedef struct GroupWatch GroupWatch;

/* Watches the offsets `group` commits for the topics (a comma-separated list),
 * without joining the group. */
GroupWatch *bk_group_watch(const char *bootstrap, const char *group, const char *topics, char *err,
                           size_t errsz);
/* The sum over the topics' partitions of the committed offsets (nothing committed
 * counts 0), or -1 when the coordinator did not answer. */
int64_t bk_group_committed(GroupWatch *w);
void bk_group_watch_free(GroupWatch *w);

/* ---- sink reader ---------------------------------------------------------------- */

typedef struct SinkReader SinkReader;

typedef struct SinkStats {
    uint64_t records;
    int64_t first_us; /* CLOCK_MONOTONIC µs when the first record arrived; 0: none yet */
    int64_t last_us;  /* ... when the last one arrived */
} SinkStats;

/* Starts a thread that reads `topic` from the beginning (waiting up to 30 s for it to
 * exist). keep_last keeps the last value of every key (for tables). Records whose
 * timestamp is >= latency_since_ms also give a latency sample (arrival wall clock -
 * record timestamp). Returns NULL with err filled. */
SinkReader *bk_sink_start(const char *bootstrap, const char *topic, bool keep_last,
                          int64_t latency_since_ms, char *err, size_t errsz);
void bk_sink_stats(SinkReader *s, SinkStats *out);
/* Stops the thread (call before the accessors below) and frees nothing yet. */
void bk_sink_stop(SinkReader *s);
/* Latency samples in ms, sorted (valid until bk_sink_free). */
size_t bk_sink_latencies(SinkReader *s, const double **out);
/* Calls fn for every kept key with its last value (NULL for a tombstone). */
void bk_sink_each(SinkReader *s,
                  void (*fn)(void *ctx, const char *key, size_t klen, const char *val, size_t vlen),
                  void *ctx);
void bk_sink_free(SinkReader *s);

/* Percentile (0..100) of sorted samples; 0 when there are none. */
double bk_percentile(const double *sorted, size_t n, double pct);

/* CLOCK_MONOTONIC in µs, and the wall clock in ms. */
int64_t bk_mono_us(void);
int64_t bk_wall_ms(void);

#endif
