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
 * supports a single field. Got: [...]". Like ksqlDB, these are wrapped as
 * "Key format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[`K1`
 * INTEGER KEY, ...], features=[]}\nreason: <message>" ("Value format ..." for values);
 * the planner appends "\nStatement: ..." where ksqlDB does.
 * Key schemas are first checked with format_check_key_columns. Value schemas with an
 * explicit WRAP_SINGLE_VALUE are checked too: "'WRAP_SINGLE_VALUE' is only valid for
 * single-field value schemas", "Format 'KAFKA' does not support 'WRAP_SINGLE_VALUE'
 * set to 'true'." Formats that need a schema registry (and PROTOBUF_NOSR) give
 * ERR_UNSUPPORTED. Returns 0, ERR_SEMANTIC or ERR_UNSUPPORTED. */
int format_validate(const FormatSpec *f, bool is_key, int ncols, const char *const *names,
                    const Type *const *types, EddyError *err);

/* Whether eddy can read and write the format (NONE, KAFKA, JSON, DELIMITED). */
bool format_is_supported(FormatKind k);

/* Default spec for a format: ',' delimiter, single values wrapped (JSON values). */
FormatSpec format_spec_default(FormatKind k);

/* Parses a KEY_DELIMITER / VALUE_DELIMITER property value as ksqlDB does: one
 * character, or the names 'TAB' and 'SPACE'. `prop` is the property name used in
 * the message. Errors (ERR_SEMANTIC), without the planner's "Failed to prepare
 * statement: " prefix:
 *   "Configuration VALUE_DELIMITER is invalid: Delimiter cannot be empty, if you
 *    meant to have a tab or space for delimiter, please use the special values
 *    'TAB' or 'SPACE'\nExample valid value: ';'"
 *   "Configuration VALUE_DELIMITER is invalid: Invalid delimiter value: '<~>'.
 *    Delimiter must be a single character or TAB,SPACE\nExample valid value: ';'"
 * A single multi-byte UTF-8 character is rejected as invalid (FormatSpec holds a
 * byte). */
int format_parse_delimiter(const char *prop, const char *value, char *out, EddyError *err);

/* Checks the format-specific properties a statement gave for a key or value format:
 * a delimiter only for DELIMITED ("JSON does not support the following configs:
 * [delimiter]"). Returns 0 or ERR_SEMANTIC. */
int format_check_properties(FormatKind k, bool has_delimiter, EddyError *err);

/* ksqlDB's check that no key column is or contains a MAP:
 * "Map keys, including types that contain maps, are not supported as they may lead
 * to unexpected behavior due to inconsistent serialization. Key column name: `K`.
 * Column type: MAP<INTEGER, DOUBLE>. See https://github.com/confluentinc/ksql/issues/6621
 * for more." format_validate(is_key = true) runs it first. Returns 0 or ERR_SEMANTIC. */
int format_check_key_columns(int ncols, const char *const *names, const Type *const *types,
                             EddyError *err);

#endif
