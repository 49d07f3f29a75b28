/*
 * kafka_io.h - Kafka consumer and producer for the engine, on librdkafka's public API.
 *
 * The consumer hands out records in batches (RawRecord arrays borrowed until the batch
 * is released), never commits by itself, and reports partition assignment changes
 * so the engine can open and close per-partition tasks. It works either as a member
 * of a consumer group (persistent queries) or on an explicit partition assignment
 * without a group (pull queries on streams, PRINT, the conformance runner).
 *
 * The producer is idempotent, copies each record's bytes, batches (linger.ms 5) and
 * numbers every send with a sequence. Delivery reports advance an acknowledged
 * watermark: the engine commits the input offsets of a batch only once every record
 * that batch produced is acknowledged (at-least-once, no record lost).
 *
 * Threads: a consumer or producer is driven by one thread at a time; the *_stats
 * functions may be called from any thread (they read counters and cached offsets).
 */
#ifndef EDDY_KAFKA_IO_H
#define EDDY_KAFKA_IO_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/error.h"
#include "record.h"

/* A client property passed through to librdkafka. Names may carry ksqlDB's prefixes:
 * "ksql.streams." is stripped; then "consumer." / "producer." / "admin." limit a
 * property to that kind of client (prefix stripped). Names librdkafka does not know
 * (Java- or Streams-only settings such as cache.max.bytes.buffering) and names
 * starting with "eddy." or "ksql." are skipped; a known name with a bad value is an
 * error. */
typedef struct KafkaProp {
    const char *key;
    const char *value;
} KafkaProp;

/* Special offsets (the values librdkafka uses). */
#define KAFKA_OFFSET_BEGINNING (-2)    /* the earliest offset still kept */
#define KAFKA_OFFSET_END       (-1)    /* the offset the next produced record will get */
#define KAFKA_OFFSET_STORED    (-1000) /* the group's committed offset, else auto.offset.reset */
#define KAFKA_OFFSET_INVALID   (-1001) /* no offset (e.g. nothing committed yet) */

typedef struct KafkaPartition {
    const char *topic; /* NUL-terminated; borrowed (see each function) */
    int32_t partition;
    int64_t offset; /* an offset or a KAFKA_OFFSET_* value; in commits: the next offset
                       to read (last processed + 1), as Kafka defines it */
} KafkaPartition;

/* ---- consumer ----------------------------------------------------------------- */

typedef struct KafkaConsumer KafkaConsumer;

typedef enum KafkaRebalanceKind {
    KAFKA_ASSIGNED, /* partitions now ours: open tasks; offsets may be overridden */
    KAFKA_REVOKED,  /* partitions leaving: commit what is done, close tasks */
    KAFKA_LOST,     /* partitions already taken by another member: close without commit */
} KafkaRebalanceKind;

/* Called from inside kafka_consumer_poll_batch (or kafka_consumer_close), before the
 * assignment changes. parts[] and its topic strings are valid during the call only.
 * On KAFKA_ASSIGNED every offset is KAFKA_OFFSET_STORED; the callback may overwrite
 * them (e.g. with offsets kept with the task's state) to start elsewhere. On
 * KAFKA_REVOKED the callback may call kafka_consumer_commit (sync). */
typedef void (*KafkaRebalanceFn)(void *ctx, KafkaRebalanceKind kind, KafkaPartition *parts, int n);

typedef enum KafkaOffsetReset {
    KAFKA_RESET_LATEST = 0, /* no committed offset: start at the end (ksqlDB's default) */
    KAFKA_RESET_EARLIEST,   /* no committed offset: start at the beginning */
} KafkaOffsetReset;

typedef struct KafkaConsumerConfig {
    const char *bootstrap_servers; /* NULL: must come from props */
    const char *group_id;          /* NULL: no group, assign mode only */
    const char *client_id;         /* NULL: "eddy" */
    KafkaOffsetReset offset_reset; /* a props auto.offset.reset overrides it */
    const KafkaProp *props;        /* pass-through, applied in order */
    int nprops;
    KafkaRebalanceFn on_rebalance; /* NULL: assignments are applied silently */
    void *rebalance_ctx;
    int prefetch_kbytes; /* records fetched ahead (queued.max.messages.kbytes); 0: 64 MB.
                            A property of that name overrides it */
} KafkaConsumerConfig;

typedef struct KafkaConsumerStats {
    uint64_t records;     /* records returned by poll_batch */
    uint64_t bytes;       /* their key + value bytes */
    uint64_t errors;      /* consumer and commit errors seen (non-fatal ones included) */
    uint64_t rebalances;  /* assignment changes */
    int assigned;         /* partitions currently assigned */
    int64_t lag;          /* sum of known per-partition lags; -1 when none is known */
    char last_error[256]; /* "" when none */
} KafkaConsumerStats;

typedef struct KafkaPartitionLag {
    char topic[256];
    int32_t partition;
    int64_t position; /* next offset to read, -1 unknown */
    int64_t end;      /* high watermark last seen by the fetcher, -1 unknown */
    int64_t lag;      /* end - position, -1 unknown */
} KafkaPartitionLag;

/* Creates a consumer (enable.auto.commit and enable.auto.offset.store forced off).
 * Returns NULL with err set (ERR_IO, ERR_SEMANTIC for a bad property). */
KafkaConsumer *kafka_consumer_new(const KafkaConsumerConfig *cfg, EddyError *err);

/* Leaves the group (the rebalance callback sees the revocation), drops any unreleased
 * batch and frees everything. Commits nothing. NULL is allowed. */
void kafka_consumer_close(KafkaConsumer *c);

/* Joins the group for these topics (replacing any subscription). Assignments arrive
 * through the rebalance callback during poll_batch. Returns 0, ERR_SEMANTIC when the
 * consumer has no group, or ERR_IO. */
int kafka_consumer_subscribe(KafkaConsumer *c, const char *const *topics, int n, EddyError *err);

/* Consumes exactly these partitions from these offsets, without a group (replacing
 * any assignment; n == 0 clears it). Returns 0 or ERR_IO. */
int kafka_consumer_assign(KafkaConsumer *c, const KafkaPartition *parts, int n, EddyError *err);

/* Assigns every partition of `topic`, each starting at `start` (an offset or a
 * KAFKA_OFFSET_* value). Returns the partition count, ERR_NOT_FOUND when the topic
 * does not exist, or ERR_IO (metadata within timeout_ms). */
int kafka_consumer_assign_topic(KafkaConsumer *c, const char *topic, int64_t start, int timeout_ms,
                                EddyError *err);

/* Waits up to timeout_ms for a first record, then takes every record already fetched,
 * up to max. *out points to the records, borrowed until kafka_consumer_release_batch
 * (which must be called before the next poll). Returns the count (0 on timeout),
 * ERR_INTERNAL when the previous batch was not released, or ERR_IO on a fatal
 * consumer error. Non-fatal errors (a broker down, an unknown topic) are counted in
 * the stats and consumption goes on. */
int kafka_consumer_poll_batch(KafkaConsumer *c, int max, int timeout_ms, const RawRecord **out,
                              EddyError *err);

/* Gives the records of the last batch back to librdkafka. Idempotent. */
void kafka_consumer_release_batch(KafkaConsumer *c);

/* Commits offsets (each the next offset to read) for the group. Synchronous commits
 * return when the coordinator answered (0 or ERR_IO naming the first failed partition);
 * asynchronous ones return at once and failures show up in the stats. ERR_SEMANTIC
 * when the consumer has no group. */
int kafka_consumer_commit(KafkaConsumer *c, const KafkaPartition *offsets, int n, bool async,
                          EddyError *err);

/* Reads the group's committed offsets into parts[i].offset (KAFKA_OFFSET_INVALID when
 * nothing is committed). Returns 0 or ERR_IO. */
int kafka_consumer_committed(KafkaConsumer *c, KafkaPartition *parts, int n, int timeout_ms,
                             EddyError *err);

/* Moves the read position of an assigned partition. Records already returned are not
 * affected; the next batches start at `offset`. Returns 0 or ERR_IO. */
int kafka_consumer_seek(KafkaConsumer *c, const char *topic, int32_t partition, int64_t offset,
                        int timeout_ms, EddyError *err);

/* Asks the leader for the low (earliest kept) and high (next to be written)
 * watermarks of a partition. "Read to the end offsets at query start" reads until
 * each partition's position reaches `high`. Returns 0 or ERR_IO. */
int kafka_consumer_watermarks(KafkaConsumer *c, const char *topic, int32_t partition, int64_t *low,
                              int64_t *high, int timeout_ms, EddyError *err);

/* Fills up to max entries with the lag of each assigned partition (from cached
 * watermarks: no request is sent). Returns the number of assigned partitions, which
 * may exceed max. */
int kafka_consumer_lag(KafkaConsumer *c, KafkaPartitionLag *out, int max);

void kafka_consumer_stats(KafkaConsumer *c, KafkaConsumerStats *out);

/* ---- producer ----------------------------------------------------------------- */

typedef struct KafkaProducer KafkaProducer;

typedef struct KafkaProducerConfig {
    const char *bootstrap_servers; /* NULL: must come from props */
    const char *client_id;         /* NULL: "eddy" */
    int linger_ms;                 /* batching delay; 0: 5 */
    int queue_full_wait_ms;        /* how long send waits for room; 0: 30000 */
    const KafkaProp *props;
    int nprops;
} KafkaProducerConfig;

typedef struct KafkaProducerStats {
    uint64_t records;     /* records accepted by send */
    uint64_t bytes;       /* their key + value bytes */
    uint64_t acked;       /* records whose delivery was acknowledged */
    uint64_t failed;      /* records whose delivery failed */
    int64_t in_flight;    /* accepted but neither acknowledged nor failed */
    char last_error[256]; /* "" when none */
} KafkaProducerStats;

/* Creates an idempotent producer whose partitioner for records without an explicit
 * partition is murmur2 over the key bytes, as the Java client (and so Kafka Streams)
 * places them; null keys go to a random partition. Returns NULL with err set. */
KafkaProducer *kafka_producer_new(const KafkaProducerConfig *cfg, EddyError *err);

/* Waits up to timeout_ms for outstanding deliveries, then frees the producer. Records
 * still unacknowledged are lost: callers that care flush first. NULL is allowed. */
void kafka_producer_close(KafkaProducer *p, int timeout_ms);

/* Queues a copy of rec (topic, partition or -1 for the partitioner, key, value,
 * timestamp (<= 0: now), headers; the offset is ignored) and sets *seq (if non-NULL)
 * to its sequence number (1, 2, ...). Waits for room when the local queue is full.
 * Returns 0; ERR_IO when a delivery already failed (the error is sticky: the engine
 * must restart from its committed offsets), the record cannot be queued, or room did
 * not free up within queue_full_wait_ms. */
int kafka_producer_send(KafkaProducer *p, const RawRecord *rec, int64_t *seq, EddyError *err);

/* The sequence number of the last record sent (0 when none). */
int64_t kafka_producer_sent_seq(KafkaProducer *p);

/* Serves pending delivery reports without blocking and returns the acknowledged
 * watermark: the highest S such that every record with a sequence <= S has been
 * acknowledged. It never passes a record whose delivery failed. */
int64_t kafka_producer_acked_seq(KafkaProducer *p);

/* Waits until every record up to `seq` is acknowledged. Returns 0, ERR_IO when a
 * delivery failed (message names topic, partition and reason), or ERR_LIMIT when
 * timeout_ms passed first. */
int kafka_producer_wait_acked(KafkaProducer *p, int64_t seq, int timeout_ms, EddyError *err);

/* kafka_producer_wait_acked for everything sent so far. */
int kafka_producer_flush(KafkaProducer *p, int timeout_ms, EddyError *err);

/* Returns 0, or the sticky delivery error (ERR_IO with its message). */
int kafka_producer_error(KafkaProducer *p, EddyError *err);

void kafka_producer_stats(KafkaProducer *p, KafkaProducerStats *out);

#endif
