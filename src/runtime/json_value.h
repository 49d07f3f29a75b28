/*
 * json_value.h - values as JSON outside the record path: for the REST server
 * (rows of query results, /inserts-stream and INSERT VALUES bodies) and the
 * conformance runner (test records given as JSON).
 *
 * Reading uses the JSON format's coercions and error texts (serde_json.c), so a
 * value given over REST is accepted exactly when the same JSON in a record would be.
 */
#ifndef EDDY_JSON_VALUE_H
#define EDDY_JSON_VALUE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "../common/arena.h"
#include "../common/error.h"
#include "../common/strbuf.h"
#include "../common/value.h"

/* Output styles. */
enum {
    SERDE_JSON_KAFKA = 0, /* as the JSON format writes: TIMESTAMP/TIME/DATE as numbers */
    SERDE_JSON_REST = 1,  /* as ksqlDB's REST rows: TIMESTAMP "2021-01-01T00:00:00.000",
                             DATE "2021-01-01", TIME "10:00" (Java's toString forms) */
};

/* A new json_t for v (of type t) in the JSON format's style. The caller owns the
 * reference. DECIMAL becomes a JSON real, which is lossy beyond 17 digits: use
 * serde_value_write_json for exact text. NaN and infinities become the strings
 * "NaN", "Infinity", "-Infinity" (as Jackson writes them). */
json_t *serde_value_to_json(const Value *v, const Type *t);
/* Same in the REST style. */
json_t *serde_value_to_json_rest(const Value *v, const Type *t);

/* Appends v as exact JSON text in the given style (SERDE_JSON_*): DECIMAL digits as
 * they are (BigDecimal.toString), doubles as Java prints them, BYTES base64. */
void serde_value_write_json(StrBuf *sb, const Value *v, const Type *t, int style);

/* Converts j to a value of type t with the JSON format's coercions (numeric strings
 * for numbers, "true"/"false" for BOOLEAN, any scalar for STRING, base64 for BYTES,
 * objects case-insensitively for STRUCT, ...). Strings and collections are copied
 * into the arena. Returns 0, or ERR_SERDE with a message like "Can't convert type.
 * sourceType: TextNode, requiredType: INTEGER, path: $". A JSON real is read from
 * its shortest decimal text, so 1.1 gives DECIMAL 1.1. */
int serde_json_to_value(json_t *j, const Type *t, Arena *a, Value *out, EddyError *err);

/* Same from JSON text (exact for decimals of any length). Strings may point into
 * buf. */
int serde_json_text_to_value(const char *buf, size_t len, const Type *t, Arena *a, Value *out,
                             EddyError *err);

#endif
