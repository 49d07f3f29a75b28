/*
 * record.h - a Kafka record as bytes, the unit that moves between Kafka I/O (or
 * the conformance driver's in-memory topics) and the operators.
 *
 * Pointers are borrowed: they stay valid until the batch they came in is released
 * (for librdkafka, until the rd_kafka_message_t is destroyed after the batch).
 */
#ifndef EDDY_RECORD_H
#define EDDY_RECORD_H

#include <stddef.h>
#include <stdint.h>

typedef struct RawHeader {
    const char *key; /* header name (not NUL-terminated) */
    size_t key_len;
    const char *value; /* NULL for a null header value */
    size_t value_len;
} RawHeader;

typedef struct RawRecord {
    const char *topic; /* NUL-terminated */
    int32_t partition;
    int64_t offset;    /* -1 when not known (records being produced) */
    int64_t timestamp; /* ms since epoch */
    const char *key;   /* NULL for a null key */
    size_t key_len;
    const char *value; /* NULL for a null value (a tombstone on table topics) */
    size_t value_len;
    int nheaders;
    const RawHeader *headers;
    /* Producing without a partition: the leading key bytes the partitioner hashes
     * (a windowed key's inner key, as Kafka Streams' WindowedStreamPartitioner
     * does); 0 hashes the whole key. */
    size_t partition_key_len;
} RawRecord;

#endif
