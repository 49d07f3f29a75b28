/*
 * format.c - serialization formats as the catalog sees them (see format.h): their
 * names, their properties (delimiters, single-value wrapping) and which column
 * types each can carry, with ksqlDB's error texts so that CREATE statements fail
 * the way ksqlDB's do.
 */
#include "format.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct {
    FormatKind kind;
    const char *name;
} format_names[] = {
    {FMT_NONE, "NONE"},
    {FMT_KAFKA, "KAFKA"},
    {FMT_JSON, "JSON"},
    {FMT_DELIMITED, "DELIMITED"},
    {FMT_AVRO, "AVRO"},
    {FMT_PROTOBUF, "PROTOBUF"},
    {FMT_PROTOBUF_NOSR, "PROTOBUF_NOSR"},
    {FMT_JSON_SR, "JSON_SR"},
};

int format_parse(const char *name, FormatKind *out, EddyError *err)
{
    for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++) {
        if (strcasecmp(name, format_names[i].name) == 0) {
            *out = format_names[i].kind;
            return 0;
        }
    }
    /* ksqlDB upper-cases the name it reports. */
    char up[128];
    size_t n = 0;
    for (; name[n] && n + 1 < sizeof up; n++)
        up[n] = (name[n] >= 'a' && name[n] <= 'z') ? (char)(name[n] - 32) : name[n];
    up[n] = 0;
    return err_set(err, ERR_SEMANTIC, -1, "Unknown format: %s", up);
}

const char *format_name(FormatKind k)
{
    for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++)
        if (format_names[i].kind == k) return format_names[i].name;
    return "UNKNOWN";
}

bool format_needs_schema_registry(FormatKind k)
{
    return k == FMT_AVRO || k == FMT_PROTOBUF || k == FMT_JSON_SR;
}

bool format_is_supported(FormatKind k)
{
    return k == FMT_NONE || k == FMT_KAFKA || k == FMT_JSON || k == FMT_DELIMITED;
}

bool format_supports_multi_column(FormatKind k)
{
    return k != FMT_KAFKA && k != FMT_NONE;
}

FormatSpec format_spec_default(FormatKind k)
{
    FormatSpec f = {.kind = k, .delimiter = ',', .wrap_single = true, .wrap_explicit = false};
    return f;
}

/* ---------------------------------------------------------------- properties */

#define DELIM_EXAMPLE "\nExample valid value: ';'"

int format_parse_delimiter(const char *prop, const char *value, char *out, EddyError *err)
{
    /* Java's String.trim(): every char <= ' ' counts as blank. */
    bool blank = true;
    for (const char *p = value; *p; p++)
        if ((unsigned char)*p > ' ') blank = false;
    if (blank)
        return err_set(err, ERR_SEMANTIC, -1,
                       "Configuration %s is invalid: Delimiter cannot be empty, if you meant to "
                       "have a tab or space for delimiter, please use the special values 'TAB' "
                       "or 'SPACE'" DELIM_EXAMPLE,
                       prop);
    if (strlen(value) == 1) {
        *out = value[0];
        return 0;
    }
    if (strcmp(value, "TAB") == 0) {
        *out = '\t';
        return 0;
    }
    if (strcmp(value, "SPACE") == 0) {
        *out = ' ';
        return 0;
    }
    return err_set(err, ERR_SEMANTIC, -1,
                   "Configuration %s is invalid: Invalid delimiter value: '%s'. Delimiter must "
                   "be a single character or TAB,SPACE" DELIM_EXAMPLE,
                   prop, value);
}

int format_check_properties(FormatKind k, bool has_delimiter, EddyError *err)
{
    if (has_delimiter && k != FMT_DELIMITED)
        return err_set(err, ERR_SEMANTIC, -1,
                       "%s does not support the following configs: [delimiter]", format_name(k));
    return 0;
}

/* ---------------------------------------------------------------- schemas */

/* SqlBaseType names, as ksqlDB prints them in format errors. */
static const char *base_type_name(TypeKind k)
{
    switch (k) {
    case TYPE_BOOLEAN: return "BOOLEAN";
    case TYPE_INT: return "INTEGER";
    case TYPE_BIGINT: return "BIGINT";
    case TYPE_DOUBLE: return "DOUBLE";
    case TYPE_DECIMAL: return "DECIMAL";
    case TYPE_STRING: return "STRING";
    case TYPE_BYTES: return "BYTES";
    case TYPE_DATE: return "DATE";
    case TYPE_TIME: return "TIME";
    case TYPE_TIMESTAMP: return "TIMESTAMP";
    case TYPE_ARRAY: return "ARRAY";
    case TYPE_MAP: return "MAP";
    case TYPE_STRUCT: return "STRUCT";
    default: return "NULL";
    }
}

/* "[`A` INTEGER KEY, `B` STRING KEY]" (no KEY suffix for values). */
static void print_columns(StrBuf *sb, bool is_key, int ncols, const char *const *names,
                          const Type *const *types)
{
    sb_putc(sb, '[');
    for (int i = 0; i < ncols; i++) {
        if (i) sb_puts(sb, ", ");
        sb_printf(sb, "`%s` ", names[i]);
        type_print(sb, types[i]);
        if (is_key) sb_puts(sb, " KEY");
    }
    sb_putc(sb, ']');
}

int format_check_key_columns(int ncols, const char *const *names, const Type *const *types,
                             EddyError *err)
{
    for (int i = 0; i < ncols; i++) {
        if (!type_contains_map(types[i])) continue;
        return err_set(err, ERR_SEMANTIC, -1,
                       "Map keys, including types that contain maps, are not supported as they "
                       "may lead to unexpected behavior due to inconsistent serialization. Key "
                       "column name: `%s`. Column type: %s. See "
                       "https://github.com/confluentinc/ksql/issues/6621 for more.",
                       names[i], type_name(types[i]));
    }
    return 0;
}

static bool json_maps_ok(const Type *t)
{
    switch (t->kind) {
    case TYPE_MAP: return t->key->kind == TYPE_STRING && json_maps_ok(t->elem);
    case TYPE_ARRAY: return json_maps_ok(t->elem);
    case TYPE_STRUCT:
        for (int i = 0; i < t->nfields; i++)
            if (!json_maps_ok(t->fields[i].type)) return false;
        return true;
    default: return true;
    }
}

static bool kafka_type_ok(TypeKind k)
{
    return k == TYPE_INT || k == TYPE_BIGINT || k == TYPE_DOUBLE || k == TYPE_STRING ||
           k == TYPE_BYTES;
}

/* The format's own check; writes the bare reason into `why` and returns false when
 * the schema cannot be carried. */
static bool schema_ok(const FormatSpec *f, bool is_key, int ncols, const char *const *names,
                      const Type *const *types, StrBuf *why)
{
    switch (f->kind) {
    case FMT_NONE:
        if (ncols == 0) return true;
        sb_puts(why, "The 'NONE' format can only be used when no columns are defined. Got: ");
        print_columns(why, is_key, ncols, names, types);
        return false;
    case FMT_KAFKA:
        if (ncols > 1) {
            sb_puts(why, "The 'KAFKA' format only supports a single field. Got: ");
            print_columns(why, is_key, ncols, names, types);
            return false;
        }
        if (ncols == 1 && !kafka_type_ok(types[0]->kind)) {
            sb_printf(why, "The 'KAFKA' format does not support type '%s'",
                      base_type_name(types[0]->kind));
            return false;
        }
        return true;
    case FMT_DELIMITED:
        for (int i = 0; i < ncols; i++) {
            TypeKind k = types[i]->kind;
            if (k == TYPE_ARRAY || k == TYPE_MAP || k == TYPE_STRUCT) {
                sb_printf(why, "The 'DELIMITED' format does not support type '%s', column: `%s`",
                          base_type_name(k), names[i]);
                return false;
            }
        }
        return true;
    case FMT_JSON:
        for (int i = 0; i < ncols; i++) {
            if (!json_maps_ok(types[i])) {
                sb_puts(why, "JSON only supports MAP types with STRING keys");
                return false;
            }
        }
        return true;
    default: return true;
    }
}

int format_validate(const FormatSpec *f, bool is_key, int ncols, const char *const *names,
                    const Type *const *types, EddyError *err)
{
    if (!format_is_supported(f->kind)) {
        if (format_needs_schema_registry(f->kind))
            return err_set(err, ERR_UNSUPPORTED, -1,
                           "The '%s' format needs a schema registry, which eddy does not support. "
                           "Use JSON, DELIMITED or KAFKA.",
                           format_name(f->kind));
        return err_set(err, ERR_UNSUPPORTED, -1,
                       "The '%s' format is not supported by eddy. Use JSON, DELIMITED or KAFKA.",
                       format_name(f->kind));
    }
    if (is_key) {
        int rc = format_check_key_columns(ncols, names, types, err);
        if (rc) return rc;
    } else if (f->wrap_explicit) {
        if (f->wrap_single && (f->kind == FMT_KAFKA || f->kind == FMT_DELIMITED))
            return err_set(err, ERR_SEMANTIC, -1,
                           "Format '%s' does not support 'WRAP_SINGLE_VALUE' set to 'true'.",
                           format_name(f->kind));
        if (ncols != 1)
            return err_set(err, ERR_SEMANTIC, -1,
                           "'WRAP_SINGLE_VALUE' is only valid for single-field value schemas");
    }
    StrBuf why = STRBUF_INIT;
    if (schema_ok(f, is_key, ncols, names, types, &why)) {
        sb_free(&why);
        return 0;
    }
    StrBuf msg = STRBUF_INIT;
    sb_printf(&msg, "%s format does not support schema.\nformat: %s\nschema: Persistence{columns=",
              is_key ? "Key" : "Value", format_name(f->kind));
    size_t head = msg.len;
    print_columns(&msg, is_key, ncols, names, types);
    if (msg.len + why.len + 64 >= ERR_MSG_MAX) { /* keep the reason whole */
        msg.len = head;
        sb_puts(&msg, "[...]");
    }
    sb_puts(&msg, ", features=[");
    if (!is_key && f->wrap_explicit)
        sb_puts(&msg, f->wrap_single ? "WRAP_SINGLES" : "UNWRAP_SINGLES");
    sb_printf(&msg, "]}\nreason: %s", sb_cstr(&why));
    err_set(err, ERR_SEMANTIC, -1, "%s", sb_cstr(&msg));
    sb_free(&why);
    sb_free(&msg);
    return ERR_SEMANTIC;
}
