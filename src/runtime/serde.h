/*
 * serde.h - turning Kafka key/value bytes into column values and back, in ksqlDB's
 * byte formats: JSON, KAFKA, DELIMITED (and NONE for keys).
 *
 * A Serde is built once per source/sink at plan instantiation for a fixed list of
 * columns, and then called per record: decoding writes straight into the caller's
 * Value array (only strings/collections are allocated, from the batch arena) and
 * encoding appends to a reused StrBuf. Nothing is looked up by name per record.
 *
 * A Serde keeps scratch space for decoding: use one Serde per thread (per task).
 */
#ifndef EDDY_SERDE_H
#define EDDY_SERDE_H

#include <stdbool.h>
#include <stddef.h>

#include "../common/arena.h"
#include "../common/error.h"
#include "../common/format.h"
#include "../common/strbuf.h"
#include "../common/value.h"

typedef struct Serde Serde;

/* Creates a serde for `ncols` columns (names as in the schema, types interned).
 * is_key selects key rules (single key columns unwrapped). The format must have
 * passed format_validate. Returns NULL with err set when unsupported. */
Serde *serde_new(const FormatSpec *fmt, bool is_key, int ncols, const char *const *names,
                 const Type *const *types, EddyError *err);
void serde_free(Serde *s);

/* Names the topic in error texts: with it, decode errors read "Failed to
 * deserialize value from topic: t. <reason>" (key for key serdes) and encode
 * errors "Failed to serialize value to topic: t. <reason>"; without it they are
 * the bare reason. The name is copied. */
void serde_set_topic(Serde *s, const char *topic);

/* Decodes buf[0..len) into cols[0..ncols). buf == NULL (a Kafka null) sets every
 * column to NULL and returns 1 (for values the caller treats it as a tombstone);
 * so does a JSON `null` where the columns form an object (ksqlDB reads it as a
 * null row). A bare JSON `null` of a single unwrapped column is a row holding NULL
 * (returns 0). On error the columns hold NULL or partial results.
 * Returns 0 on success, ERR_SERDE with a ksqlDB-style message on bad input
 * (e.g. "Failed to deserialize value from topic: t. Can't convert type. sourceType:
 * TextNode, requiredType: INTEGER"). Strings may point into buf: buf must outlive
 * the values or the caller copies them. */
int serde_decode(Serde *s, const char *buf, size_t len, Arena *a, Value *cols, EddyError *err);

/* Encodes cols into out (appending). Sets *is_null when the encoding is a Kafka
 * null: a key without columns, a NONE key, a single NULL key column, a DELIMITED
 * key whose columns are all NULL, a single unwrapped NULL value (KAFKA, JSON with
 * WRAP_SINGLE_VALUE=false). A multi-column JSON key of NULLs is an object of
 * nulls: whether a record's key is a Kafka null is the record's business (ksqlDB
 * keeps a null source key null, but writes {"ID":null,"AGE":null} for a
 * PARTITION BY of NULLs). Returns 0 or ERR_SERDE. */
int serde_encode(Serde *s, const Value *cols, StrBuf *out, bool *is_null, EddyError *err);

/* Windowed keys (Kafka Streams layouts): TUMBLING/HOPPING append the 8-byte
 * big-endian window start; SESSION appends end then start. */
void serde_window_append(StrBuf *key, bool session, int64_t start, int64_t end);
/* The key of a row in a materialized table's store (the store pull queries read):
 * with several partitions, the key's partition (2 bytes, big-endian: murmur2 of
 * the serialized key, where Kafka puts it); then the key columns as the table's
 * key format serializes them; windowed tables append the window start and end
 * (8 bytes each, big-endian). A scan so meets the rows as ksqlDB's per-partition
 * state stores hand them out: partition by partition, in the byte order of their
 * keys (and LIMIT picks the same rows). The internal rowcodec encoding stands in
 * for the key bytes when the format has no serde here. Replaces out's contents. */
void serde_table_store_key(Serde *key_serde, const Value *keys, int nkey, int partitions,
                           bool windowed, int64_t start, int64_t end, StrBuf *out);
/* The same from key bytes the key serde already produced (not a Kafka null). */
void serde_table_store_key_bytes(const char *key, size_t key_len, int partitions, bool windowed,
                                 int64_t start, int64_t end, StrBuf *out);
/* Splits a windowed key: returns the inner key length, or -1 when too short.
 * TUMBLING/HOPPING keys store only the start: *end is set to *start and the
 * caller adds the window size. */
long serde_window_split(const char *buf, size_t len, bool session, int64_t *start, int64_t *end);

#endif
