/*
 * format.h - serialization formats as the catalog knows them: names, properties
 * and what each format can carry. The bytes themselves are src/runtime/serde*.c.
 *
 * Planner (CREATE validation, DESCRIBE) and runtime (serde construction) share
 * these descriptors, so the checks and their ksqlDB error texts live here once.
 */
#ifndef EDDY_FORMAT_H
#define EDDY_FORMAT_H

#include <stdbool.h>

#include "error.h"
#include "types.h"

typedef enum FormatKind {
    FMT_NONE,
    FMT_KAFKA,
    FMT_JSON,
    FMT_DELIMITED,
    FMT_AVRO,          /* need a schema registry: rejected with a clear error */
    FMT_PROTOBUF,
    FMT_PROTOBUF_NOSR,
    FMT_JSON_SR,
} FormatKind;

typedef struct FormatSpec {
    FormatKind kind;
    char delimiter;    /* DELIMITED: ',' by default; KEY_DELIMITER / VALUE_DELIMITER */
    bool wrap_single;  /* a single column is written as an object/record (JSON values
                          default true; keys always unwrapped unless multi-column) */
    bool wrap_explicit;/* WRAP_SINGLE_VALUE was given explicitly */
} FormatSpec;

/* Parses a format name case-insensitively. Returns 0, or ERR_SEMANTIC with
 * "Unknown format: FOO". */
int format_parse(const char *name, FormatKind *out, EddyError *err);

/* Upper-case name ("JSON", "KAFKA", ...). */
const char *format_name(FormatKind k);

/* Whether the format needs a schema registry (AVRO, PROTOBUF, JSON_SR). */
bool format_needs_schema_registry(FormatKind k);

/* Whether the format can serialize several columns (KAFKA cannot). */
bool format_supports_multi_column(FormatKind k);

/* Checks that `types` (a key or a value schema) can be carried by the format, with
 * ksqlDB's messages: "The 'KAFKA' format does not support type 'ARRAY'",
 * "The 'DELIMITED' format does not support type 'STRUCT', column: `K`",
 * "JSON only supports MAP types with STRING keys", "The 'KAFKA' format only
 * supports a single field. Got: [...]". Returns 0 or ERR_SEMANTIC. */
int format_validate(const FormatSpec *f, bool is_key, int ncols, const char *const *names,
                    const Type *const *types, EddyError *err);

#endif
