/*
 * test_serde.c - the serialization formats (format.h, serde.h, json_value.h):
 * format names and validation messages, JSON/KAFKA/DELIMITED decoding and
 * encoding with ksqlDB's coercions and error texts, windowed keys, and malformed
 * input that must fail cleanly. Cases are tables: schema, input, expected
 * rendering ("i:1, s:'x'") or "ERR: <message>".
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/common/format.h"
#include "../../src/runtime/json_value.h"
#include "../../src/runtime/serde.h"
#include "serde_testlib.h"

static char out_buf[16384];

/* Decodes `in` (len bytes; -1 = strlen; in NULL = Kafka null) with a fresh serde
 * and renders the result. The input is copied to a buffer of exactly len bytes so
 * the sanitizers catch reads past its end. */
static const char *dec_row(FormatKind k, bool is_key, int wrap, char delim, const char *schema,
                           const char *in, long len)
{
    TlSchema sc = tl_schema(schema);
    FormatSpec f = format_spec_default(k);
    if (delim) f.delimiter = delim;
    if (wrap >= 0) {
        f.wrap_single = wrap;
        f.wrap_explicit = true;
    }
    EddyError err;
    err_clear(&err);
    Serde *s = serde_new(&f, is_key, sc.n, sc.names, sc.types, &err);
    if (!s) {
        snprintf(out_buf, sizeof out_buf, "NEW: %s", err.msg);
        return out_buf;
    }
    Arena a;
    arena_init(&a, 1024);
    Value cols[TL_MAX_COLS];
    size_t n = in ? (len < 0 ? strlen(in) : (size_t)len) : 0;
    char *copy = NULL;
    if (in) {
        copy = malloc(n ? n : 1);
        memcpy(copy, in, n);
    }
    int rc = serde_decode(s, copy, n, &a, cols, &err);
    StrBuf sb = STRBUF_INIT;
    if (rc < 0) {
        sb_printf(&sb, "ERR: %s", err.msg);
    } else {
        if (rc == 1) sb_puts(&sb, "NULLROW ");
        for (int i = 0; i < sc.n; i++) {
            if (i) sb_puts(&sb, ", ");
            tl_render(&sb, &cols[i]);
        }
    }
    snprintf(out_buf, sizeof out_buf, "%s", sb_cstr(&sb));
    sb_free(&sb);
    free(copy);
    arena_free(&a);
    serde_free(s);
    return out_buf;
}

static const char *dec_json(const char *schema, const char *in)
{
    return dec_row(FMT_JSON, false, -1, 0, schema, in, -1);
}

/* Decodes a JSON object row with schema, then encodes it with format k (wrap:
 * -1 default) and returns the bytes (hex for KAFKA, text otherwise; "<null>" for
 * a Kafka null). */
static const char *reencode(FormatKind k, bool is_key, int wrap, char delim, const char *schema,
                            const char *json_row)
{
    TlSchema sc = tl_schema(schema);
    EddyError err;
    err_clear(&err);
    FormatSpec jf = format_spec_default(FMT_JSON);
    Serde *in = serde_new(&jf, false, sc.n, sc.names, sc.types, &err);
    ck_assert_ptr_nonnull(in);
    if (sc.n == 1) { /* force the row form for reading */
        serde_free(in);
        jf.wrap_single = true;
        in = serde_new(&jf, false, sc.n, sc.names, sc.types, &err);
    }
    Arena a;
    arena_init(&a, 1024);
    Value cols[TL_MAX_COLS];
    int rc = serde_decode(in, json_row, strlen(json_row), &a, cols, &err);
    ck_assert_msg(rc == 0, "decode %s: %s", json_row, err.msg);
    FormatSpec f = format_spec_default(k);
    if (delim) f.delimiter = delim;
    if (wrap >= 0) {
        f.wrap_single = wrap;
        f.wrap_explicit = true;
    }
    Serde *out = serde_new(&f, is_key, sc.n, sc.names, sc.types, &err);
    ck_assert_ptr_nonnull(out);
    StrBuf sb = STRBUF_INIT;
    bool is_null = false;
    rc = serde_encode(out, cols, &sb, &is_null, &err);
    if (rc < 0) {
        snprintf(out_buf, sizeof out_buf, "ERR: %s", err.msg);
    } else if (is_null) {
        snprintf(out_buf, sizeof out_buf, "<null>");
    } else if (k == FMT_KAFKA) {
        size_t o = 0;
        for (size_t i = 0; i < sb.len && o + 3 < sizeof out_buf; i++)
            o += (size_t)snprintf(out_buf + o, sizeof out_buf - o, "%02x",
                                  (unsigned char)sb.data[i]);
        out_buf[o] = 0;
    } else {
        snprintf(out_buf, sizeof out_buf, "%s", sb_cstr(&sb));
    }
    sb_free(&sb);
    arena_free(&a);
    serde_free(in);
    serde_free(out);
    return out_buf;
}

/* ---------------------------------------------------------------- formats */

START_TEST(format_names)
{
    EddyError err;
    FormatKind k;
    ck_assert_int_eq(format_parse("json", &k, &err), 0);
    ck_assert_int_eq(k, FMT_JSON);
    ck_assert_int_eq(format_parse("Delimited", &k, &err), 0);
    ck_assert_int_eq(k, FMT_DELIMITED);
    ck_assert_int_eq(format_parse("protobuf_nosr", &k, &err), 0);
    ck_assert_int_eq(k, FMT_PROTOBUF_NOSR);
    ck_assert_int_eq(format_parse("foo", &k, &err), ERR_SEMANTIC);
    ck_assert_str_eq(err.msg, "Unknown format: FOO");
    ck_assert_str_eq(format_name(FMT_KAFKA), "KAFKA");
    ck_assert(format_needs_schema_registry(FMT_AVRO));
    ck_assert(!format_needs_schema_registry(FMT_DELIMITED));
    ck_assert(!format_supports_multi_column(FMT_KAFKA));
    ck_assert(format_supports_multi_column(FMT_JSON));
}
END_TEST

static const char *EMPTY_DELIM =
    "Configuration VALUE_DELIMITER is invalid: Delimiter cannot be empty, if you meant to have "
    "a tab or space for delimiter, please use the special values 'TAB' or 'SPACE'\nExample "
    "valid value: ';'";

START_TEST(format_delimiters)
{
    EddyError err;
    char d = 0;
    ck_assert_int_eq(format_parse_delimiter("VALUE_DELIMITER", "|", &d, &err), 0);
    ck_assert_int_eq(d, '|');
    ck_assert_int_eq(format_parse_delimiter("VALUE_DELIMITER", "TAB", &d, &err), 0);
    ck_assert_int_eq(d, '\t');
    ck_assert_int_eq(format_parse_delimiter("VALUE_DELIMITER", "SPACE", &d, &err), 0);
    ck_assert_int_eq(d, ' ');
    ck_assert_int_eq(format_parse_delimiter("VALUE_DELIMITER", "", &d, &err), ERR_SEMANTIC);
    ck_assert_str_eq(err.msg, EMPTY_DELIM);
    ck_assert_int_eq(format_parse_delimiter("VALUE_DELIMITER", " ", &d, &err), ERR_SEMANTIC);
    ck_assert_str_eq(err.msg, EMPTY_DELIM);
    ck_assert_int_eq(format_parse_delimiter("VALUE_DELIMITER", "\t", &d, &err), ERR_SEMANTIC);
    ck_assert_str_eq(err.msg, EMPTY_DELIM);
    ck_assert_int_eq(format_parse_delimiter("VALUE_DELIMITER", "<~>", &d, &err), ERR_SEMANTIC);
    ck_assert_str_eq(err.msg, "Configuration VALUE_DELIMITER is invalid: Invalid delimiter value: "
                              "'<~>'. Delimiter must be a single character or TAB,SPACE\nExample "
                              "valid value: ';'");
    ck_assert_int_eq(format_parse_delimiter("KEY_DELIMITER", "tab", &d, &err), ERR_SEMANTIC);
    ck_assert_int_eq(format_check_properties(FMT_JSON, true, &err), ERR_SEMANTIC);
    ck_assert_str_eq(err.msg, "JSON does not support the following configs: [delimiter]");
    ck_assert_int_eq(format_check_properties(FMT_DELIMITED, true, &err), 0);
    ck_assert_int_eq(format_check_properties(FMT_JSON, false, &err), 0);
}
END_TEST

typedef struct VCase {
    FormatKind k;
    bool key;
    int wrap; /* -1 not given */
    const char *schema;
    const char *want; /* NULL: valid; else a substring of the message */
} VCase;

static const VCase vcases[] = {
    {FMT_KAFKA, true, -1, "K INT", NULL},
    {FMT_KAFKA, true, -1, "K1 INT, K2 INT",
     "Key format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[`K1` "
     "INTEGER KEY, `K2` INTEGER KEY], features=[]}\nreason: The 'KAFKA' format only supports a "
     "single field. Got: [`K1` INTEGER KEY, `K2` INTEGER KEY]"},
    {FMT_KAFKA, true, -1, "KEY DECIMAL(2, 1)",
     "Key format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[`KEY` "
     "DECIMAL(2, 1) KEY], features=[]}\nreason: The 'KAFKA' format does not support type "
     "'DECIMAL'"},
    {FMT_KAFKA, false, -1, "V BOOLEAN", "The 'KAFKA' format does not support type 'BOOLEAN'"},
    {FMT_KAFKA, false, -1, "V ARRAY<INT>", "The 'KAFKA' format does not support type 'ARRAY'"},
    {FMT_KAFKA, false, -1, "V STRUCT<F1 DOUBLE>",
     "The 'KAFKA' format does not support type 'STRUCT'"},
    {FMT_KAFKA, false, -1, "V MAP<STRING, INT>", "The 'KAFKA' format does not support type 'MAP'"},
    {FMT_KAFKA, false, -1, "V BYTES", NULL},
    {FMT_KAFKA, false, 1, "V INT",
     "Format 'KAFKA' does not support 'WRAP_SINGLE_VALUE' set to 'true'."},
    {FMT_KAFKA, false, 0, "V INT", NULL},
    {FMT_DELIMITED, false, 1, "V INT",
     "Format 'DELIMITED' does not support 'WRAP_SINGLE_VALUE' set to 'true'."},
    {FMT_DELIMITED, false, 0, "V INT", NULL},
    {FMT_DELIMITED, true, -1, "K STRUCT<F DOUBLE>",
     "Key format does not support schema.\nformat: DELIMITED\nschema: Persistence{columns=[`K` "
     "STRUCT<`F` DOUBLE> KEY], features=[]}\nreason: The 'DELIMITED' format does not support type "
     "'STRUCT', column: `K`"},
    {FMT_DELIMITED, true, -1, "K ARRAY<DOUBLE>",
     "reason: The 'DELIMITED' format does not support type 'ARRAY', column: `K`"},
    {FMT_DELIMITED, false, -1, "FOO MAP<INT, DOUBLE>",
     "The 'DELIMITED' format does not support type 'MAP'"},
    {FMT_DELIMITED, false, -1, "A INT, B DECIMAL(4,2), C BYTES, D TIMESTAMP, E BOOLEAN", NULL},
    {FMT_JSON, false, -1, "FOO MAP<INT, DOUBLE>", "JSON only supports MAP types with STRING keys"},
    {FMT_JSON, false, -1, "FOO ARRAY<STRUCT<A MAP<BIGINT, INT>>>",
     "JSON only supports MAP types with STRING keys"},
    {FMT_JSON, false, -1, "FOO MAP<STRING, ARRAY<INT>>", NULL},
    {FMT_JSON, true, -1, "K MAP<INT, DOUBLE>",
     "Map keys, including types that contain maps, are not supported as they may lead to "
     "unexpected behavior due to inconsistent serialization. Key column name: `K`. Column type: "
     "MAP<INTEGER, DOUBLE>. See https://github.com/confluentinc/ksql/issues/6621 for more."},
    {FMT_JSON, true, -1, "K ARRAY<MAP<INT, DOUBLE>>",
     "Key column name: `K`. Column type: ARRAY<MAP<INTEGER, DOUBLE>>. See"},
    {FMT_JSON, true, -1, "K STRUCT<F MAP<STRING, STRING>>",
     "Column type: STRUCT<`F` MAP<STRING, STRING>>."},
    {FMT_JSON, false, 1, "F0 STRING, F1 STRING",
     "'WRAP_SINGLE_VALUE' is only valid for single-field value schemas"},
    {FMT_JSON, false, 0, "F0 STRING, F1 STRING",
     "'WRAP_SINGLE_VALUE' is only valid for single-field value schemas"},
    {FMT_JSON, false, 0, "F0 STRING", NULL},
    {FMT_NONE, true, -1, "", NULL},
    {FMT_NONE, true, -1, "K INT",
     "The 'NONE' format can only be used when no columns are defined. Got: [`K` INTEGER KEY]"},
    {FMT_AVRO, false, -1, "V INT", "needs a schema registry"},
    {FMT_PROTOBUF_NOSR, false, -1, "V INT", "not supported"},
};

START_TEST(format_validation)
{
    const VCase *c = &vcases[_i];
    TlSchema sc = tl_schema(c->schema);
    FormatSpec f = format_spec_default(c->k);
    if (c->wrap >= 0) {
        f.wrap_single = c->wrap;
        f.wrap_explicit = true;
    }
    EddyError err;
    err_clear(&err);
    int rc = format_validate(&f, c->key, sc.n, sc.names, sc.types, &err);
    if (!c->want) {
        ck_assert_msg(rc == 0, "case %d: unexpected error %s", _i, err.msg);
    } else {
        ck_assert_msg(rc < 0, "case %d: expected an error", _i);
        ck_assert_msg(strstr(err.msg, c->want), "case %d: got '%s'", _i, err.msg);
    }
}
END_TEST

/* ---------------------------------------------------------------- JSON decoding */

typedef struct JCase {
    const char *schema;
    const char *in;
    const char *want;
} JCase;

static const JCase json_cases[] = {
    /* matching fields */
    {"A INT, B STRING", "{\"A\":1,\"B\":\"x\"}", "i:1, s:'x'"},
    {"A INT, B STRING", " {\"b\" : \"x\" , \"a\" : 1 } ", "i:1, s:'x'"},
    {"A INT, B STRING", "{}", "NULL, NULL"},
    {"A INT", "{\"x\":{\"y\":[1,2,{\"z\":null}],\"w\":\"\\u00e9\"},\"A\":5,\"q\":true}", "i:5"},
    {"FOO INT", "{\"FOO\":1,\"foo\":2}", "i:1"},
    {"FOO INT", "{\"foo\":2,\"FOO\":1}", "i:1"},
    {"FOO INT", "{\"Foo\":2,\"foo\":3}", "i:3"},
    {"FOO INT", "{\"FOO\":1,\"FOO\":4}", "i:4"},
    {"`foo` INT, FOO INT", "{\"foo\":1}", "i:1, i:1"},
    {"`foo` INT, FOO INT", "{\"FOO\":2,\"foo\":1}", "i:1, i:2"},
    {"`foo` INT, FOO STRING", "{\"foo\":7}", "i:7, s:'7'"},
    {"`foo` INT", "{\"FOO\":1}", "NULL"},
    {"`Key` STRING", "{\"Key\":\"v\"}", "s:'v'"},
    {"`f 1` INT", "{\"f 1\":3}", "i:3"},
    {"A INT", "{\"\\u0041\":9}", "i:9"},
    /* INT */
    {"A INT", "{\"A\":\"12\"}", "i:12"},
    {"A INT", "{\"A\":\"+12\"}", "i:12"},
    {"A INT", "{\"A\":1.9}", "i:1"},
    {"A INT", "{\"A\":-1.9}", "i:-1"},
    {"A INT", "{\"A\":4294967297}", "i:1"},
    {"A INT", "{\"A\":1e2}", "i:100"},
    {"A INT", "{\"A\":-2147483648}", "i:-2147483648"},
    {"A INT", "{\"A\":\"x\"}", "ERR: Can't coerce string to type. targetType: INTEGER, path: $.A"},
    {"A INT", "{\"A\":\"1.5\"}",
     "ERR: Can't coerce string to type. targetType: INTEGER, path: $.A"},
    {"A INT", "{\"A\":\"2147483648\"}",
     "ERR: Can't coerce string to type. targetType: INTEGER, path: $.A"},
    {"A INT", "{\"A\":true}",
     "ERR: Can't convert type. sourceType: BooleanNode, requiredType: INTEGER, path: $.A"},
    {"A INT", "{\"A\":[1]}",
     "ERR: Can't convert type. sourceType: ArrayNode, requiredType: INTEGER, path: $.A"},
    {"A INT", "{\"A\":{}}",
     "ERR: Can't convert type. sourceType: ObjectNode, requiredType: INTEGER, path: $.A"},
    /* BIGINT */
    {"A BIGINT", "{\"A\":9223372036854775807}", "l:9223372036854775807"},
    {"A BIGINT", "{\"A\":9223372036854775808}", "l:-9223372036854775808"},
    {"A BIGINT", "{\"A\":-9223372036854775808}", "l:-9223372036854775808"},
    {"A BIGINT", "{\"A\":18446744073709551617}", "l:1"},
    {"A BIGINT", "{\"A\":1e19}", "l:-8446744073709551616"},
    {"A BIGINT", "{\"A\":1e400}", "l:0"},
    {"A BIGINT", "{\"A\":1.5e-400}", "l:0"},
    {"A BIGINT", "{\"A\":\"-123\"}", "l:-123"},
    {"A BIGINT", "{\"A\":\"9223372036854775808\"}",
     "ERR: Can't coerce string to type. targetType: BIGINT, path: $.A"},
    {"A BIGINT", "{\"A\":\" 1\"}",
     "ERR: Can't coerce string to type. targetType: BIGINT, path: $.A"},
    {"A BIGINT", "{\"A\":false}",
     "ERR: Can't convert type. sourceType: BooleanNode, requiredType: BIGINT, path: $.A"},
    /* BOOLEAN */
    {"A BOOLEAN", "{\"A\":true}", "b:true"},
    {"A BOOLEAN", "{\"A\":\"TRUE\"}", "b:true"},
    {"A BOOLEAN", "{\"A\":\"False\"}", "b:false"},
    {"A BOOLEAN", "{\"A\":\"yes\"}",
     "ERR: Can't convert type. sourceType: TextNode, requiredType: BOOLEAN, path: $.A"},
    {"A BOOLEAN", "{\"A\":1}",
     "ERR: Can't convert type. sourceType: IntNode, requiredType: BOOLEAN, path: $.A"},
    {"A BOOLEAN", "{\"A\":10000000000}",
     "ERR: Can't convert type. sourceType: LongNode, requiredType: BOOLEAN, path: $.A"},
    {"A BOOLEAN", "{\"A\":100000000000000000000}",
     "ERR: Can't convert type. sourceType: BigIntegerNode, requiredType: BOOLEAN, path: $.A"},
    {"A BOOLEAN", "{\"A\":1.0}",
     "ERR: Can't convert type. sourceType: DecimalNode, requiredType: BOOLEAN, path: $.A"},
    /* DOUBLE */
    {"A DOUBLE", "{\"A\":1}", "d:1.0"},
    {"A DOUBLE", "{\"A\":1234.589}", "d:1234.589"},
    {"A DOUBLE", "{\"A\":0.1e1}", "d:1.0"},
    {"A DOUBLE", "{\"A\":2.2250738585072011e-308}", "d:2.225073858507201E-308"},
    {"A DOUBLE", "{\"A\":123456789012345678901234567890}", "d:1.2345678901234568E29"},
    {"A DOUBLE", "{\"A\":1e400}", "d:Infinity"},
    {"A DOUBLE", "{\"A\":-0.0}", "d:0.0"},
    {"A DOUBLE", "{\"A\":\"-0.0\"}", "d:-0.0"},
    {"A DOUBLE", "{\"A\":\"1.5\"}", "d:1.5"},
    {"A DOUBLE", "{\"A\":\" 1.5d \"}", "d:1.5"},
    {"A DOUBLE", "{\"A\":\"NaN\"}", "d:NaN"},
    {"A DOUBLE", "{\"A\":\"-Infinity\"}", "d:-Infinity"},
    {"A DOUBLE", "{\"A\":\"0x1p3\"}", "d:8.0"},
    {"A DOUBLE", "{\"A\":\"abc\"}",
     "ERR: Can't coerce string to type. targetType: DOUBLE, path: $.A"},
    {"A DOUBLE", "{\"A\":\"\"}", "ERR: Can't coerce string to type. targetType: DOUBLE, path: $.A"},
    /* DECIMAL */
    {"A DECIMAL(4,2)", "{\"A\":10.1}", "dec:10.10"},
    {"A DECIMAL(4,2)", "{\"A\":\"10.1\"}", "dec:10.10"},
    {"A DECIMAL(4,2)", "{\"A\":1}", "dec:1.00"},
    {"A DECIMAL(4,2)", "{\"A\":1.005}", "dec:1.01"},
    {"A DECIMAL(4,2)", "{\"A\":-1.005}", "dec:-1.01"},
    {"A DECIMAL(4,2)", "{\"A\":1.00499999999999999999999999999999999999999}", "dec:1.00"},
    {"A DECIMAL(4,2)", "{\"A\":0.001}", "dec:0.00"},
    {"A DECIMAL(4,2)", "{\"A\":0.005}", "dec:0.01"},
    {"A DECIMAL(4,2)", "{\"A\":1e1}", "dec:10.00"},
    {"A DECIMAL(4,2)", "{\"A\":\"1E-2\"}", "dec:0.01"},
    {"A DECIMAL(4,2)", "{\"A\":\".5\"}", "dec:0.50"},
    {"A DECIMAL(4,2)", "{\"A\":1e-9999999}", "dec:0.00"},
    {"A DECIMAL(4,2)", "{\"A\":100}",
     "ERR: Numeric field overflow: A field with precision 4 and scale 2 must round to an "
     "absolute value less than 10^2. Got 100, path: $.A"},
    {"A DECIMAL(4,2)", "{\"A\":99.995}",
     "ERR: Numeric field overflow: A field with precision 4 and scale 2 must round to an "
     "absolute value less than 10^2. Got 99.995, path: $.A"},
    {"A DECIMAL(4,2)", "{\"A\":\"abc\"}",
     "ERR: Can't coerce string to type. targetType: DECIMAL, path: $.A"},
    {"A DECIMAL(4,2)", "{\"A\":true}",
     "ERR: Can't convert type. sourceType: BooleanNode, requiredType: DECIMAL(4, 2), path: $.A"},
    {"A DECIMAL(21,19)", "{\"A\":10.1234512345123451234}", "dec:10.1234512345123451234"},
    {"A DECIMAL(38,0)", "{\"A\":99999999999999999999999999999999999999}",
     "dec:99999999999999999999999999999999999999"},
    {"A DECIMAL(38,38)", "{\"A\":0.99999999999999999999999999999999999999}",
     "dec:0.99999999999999999999999999999999999999"},
    /* STRING */
    {"A STRING", "{\"A\":\"x\\\"y\\\\z\\/\\b\\f\\n\\r\\t\"}", "s:'x\"y\\z/\b\f\n\r\t'"},
    {"A STRING", "{\"A\":\"\\u00e9\\u20ac\\ud83d\\ude00\"}",
     "s:'\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80'"},
    {"A STRING", "{\"A\":\"\\ud800x\"}", "s:'?x'"},
    {"A STRING", "{\"A\":\"\xc3\xa9\"}", "s:'\xc3\xa9'"},
    {"A STRING", "{\"A\":12}", "s:'12'"},
    {"A STRING", "{\"A\":-0}", "s:'0'"},
    {"A STRING", "{\"A\":-12}", "s:'-12'"},
    {"A STRING", "{\"A\":123456789012345678901234567890}", "s:'123456789012345678901234567890'"},
    {"A STRING", "{\"A\":1.50}", "s:'1.5'"},
    {"A STRING", "{\"A\":10.0}", "s:'1E+1'"},
    {"A STRING", "{\"A\":0.0}", "s:'0'"},
    {"A STRING", "{\"A\":-0.5}", "s:'-0.5'"},
    {"A STRING", "{\"A\":1e-7}", "s:'1E-7'"},
    {"A STRING", "{\"A\":0.000001}", "s:'0.000001'"},
    {"A STRING", "{\"A\":1.5e3}", "s:'1.5E+3'"},
    {"A STRING", "{\"A\":12.345e1}", "s:'123.45'"},
    {"A STRING", "{\"A\":true}", "s:'true'"},
    {"A STRING", "{\"A\":{\"a\":1, \"b\" : [1, \"x\", null, 2.50], \"c\":{}}}",
     "s:'{\"a\":1,\"b\":[1,\"x\",null,2.5],\"c\":{}}'"},
    {"A STRING", "{\"A\":{\"a\":1,\"b\":2,\"a\":3}}", "s:'{\"a\":3,\"b\":2}'"},
    {"A STRING", "{\"A\":{\"s\":\"\\u0001\\n\\u00e9\"}}", "s:'{\"s\":\"\\u0001\\n\xc3\xa9\"}'"},
    {"A STRING", "{\"A\":[1,\"a\",null,true,{\"x\":1},[2,\"b\"],1.0]}",
     "s:'[1, a, null, true, {\"x\":1}, [2, b], 1]'"},
    {"A STRING", "{\"A\":[]}", "s:'[]'"},
    /* BYTES */
    {"A BYTES", "{\"A\":\"AQID\"}", "y:AQID"},
    {"A BYTES", "{\"A\":\"AQI=\"}", "y:AQI="},
    {"A BYTES", "{\"A\":\"\"}", "y:"},
    {"A BYTES", "{\"A\":\"AQI\"}", "ERR: Value is not a valid Base64 encoded string, path: $.A"},
    {"A BYTES", "{\"A\":\"A-I=\"}", "ERR: Value is not a valid Base64 encoded string, path: $.A"},
    {"A BYTES", "{\"A\":5}",
     "ERR: Can't convert type. sourceType: IntNode, requiredType: BYTES, path: $.A"},
    /* temporal */
    {"A TIMESTAMP, B DATE, C TIME", "{\"A\":1234,\"B\":18000,\"C\":1000}",
     "ts:1234, date:18000, time:1000"},
    {"A TIMESTAMP, B DATE, C TIME", "{\"A\":\"1234\",\"B\":\"1\",\"C\":\"2\"}",
     "ts:1234, date:1, time:2"},
    {"A TIMESTAMP", "{\"A\":\"2020-01-01\"}",
     "ERR: Can't coerce string to type. targetType: TIMESTAMP, path: $.A"},
    {"A DATE", "{\"A\":true}",
     "ERR: Can't convert type. sourceType: BooleanNode, requiredType: DATE, path: $.A"},
    /* ARRAY / MAP / STRUCT */
    {"A ARRAY<INT>", "{\"A\":[1,\"2\",null]}", "[i:1, i:2, NULL]"},
    {"A ARRAY<INT>", "{\"A\":[]}", "[]"},
    {"A ARRAY<ARRAY<STRING>>", "{\"A\":[[\"a\"],[],[1,null]]}", "[[s:'a'], [], [s:'1', NULL]]"},
    {"A ARRAY<INT>", "{\"A\":[1,\"x\",\"y\"]}",
     "ERR: Can't coerce string to type. targetType: INTEGER, path: $.A[1]"},
    {"A ARRAY<INT>", "{\"A\":\"x\"}",
     "ERR: Can't convert type. sourceType: TextNode, requiredType: ARRAY<INTEGER>, path: $.A"},
    {"A MAP<STRING, INT>", "{\"A\":{\"a\":1,\"b\":\"2\",\"c\":null}}",
     "{s:'a'=i:1, s:'b'=i:2, s:'c'=NULL}"},
    {"A MAP<STRING, INT>", "{\"A\":{\"a\":1,\"b\":2,\"a\":3}}", "{s:'a'=i:3, s:'b'=i:2}"},
    {"A MAP<STRING, INT>", "{\"A\":{}}", "{}"},
    {"A MAP<STRING, INT>", "{\"A\":{\"k\":\"v\"}}",
     "ERR: Can't coerce string to type. targetType: INTEGER, path: $.A.k"},
    {"A MAP<STRING, INT>", "{\"A\":[]}",
     "ERR: Can't convert type. sourceType: ArrayNode, requiredType: MAP<STRING, INTEGER>, path: "
     "$.A"},
    {"A STRUCT<F1 INT, `f2` STRING>", "{\"a\":{\"f1\":1,\"f2\":\"x\"}}",
     "Struct{F1=i:1, f2=s:'x'}"},
    {"A STRUCT<F1 INT, `f2` STRING>", "{\"a\":{\"F2\":\"x\"}}", "Struct{F1=NULL, f2=NULL}"},
    {"A STRUCT<F1 INT, `f2` STRING>", "{\"a\":{}}", "Struct{F1=NULL, f2=NULL}"},
    {"A STRUCT<F1 INT, `f2` STRING>", "{\"a\":null}", "NULL"},
    {"A STRUCT<F1 STRUCT<G ARRAY<INT>>>", "{\"A\":{\"F1\":{\"G\":[1,\"z\"]}}}",
     "ERR: Can't coerce string to type. targetType: INTEGER, path: $.A.F1.G[1]"},
    {"A STRUCT<F1 INT>", "{\"A\":1}",
     "ERR: Can't convert type. sourceType: IntNode, requiredType: STRUCT<`F1` INTEGER>, path: $.A"},
    /* which failure is reported; later keys replace failed values */
    {"A INT, B INT", "{\"B\":\"x\",\"A\":\"y\"}",
     "ERR: Can't coerce string to type. targetType: INTEGER, path: $.A"},
    {"A INT, B INT", "{\"B\":\"x\",\"A\":1}",
     "ERR: Can't coerce string to type. targetType: INTEGER, path: $.B"},
    {"A INT", "{\"A\":\"x\",\"A\":1}", "i:1"},
    {"A INT", "{\"a\":\"x\",\"A\":1}", "i:1"},
    {"A INT", "{\"A\":1,\"a\":\"x\"}", "i:1"},
    {"A STRUCT<F INT, G INT>", "{\"A\":{\"G\":\"x\",\"F\":\"y\"}}",
     "ERR: Can't coerce string to type. targetType: INTEGER, path: $.A.F"},
    /* the row itself */
    {"A INT", "null", "NULLROW NULL"},
    {"A INT", " null ", "NULLROW NULL"},
    {"A INT", "[1]",
     "ERR: Can't convert type. sourceType: ArrayNode, requiredType: STRUCT<`A` INTEGER>, path: $"},
    {"A INT", "5",
     "ERR: Can't convert type. sourceType: IntNode, requiredType: STRUCT<`A` INTEGER>, path: $"},
    {"A INT", "",
     "ERR: Can't convert type. sourceType: MissingNode, requiredType: STRUCT<`A` INTEGER>, path: "
     "$"},
    {"A INT", "  \n",
     "ERR: Can't convert type. sourceType: MissingNode, requiredType: STRUCT<`A` INTEGER>, path: "
     "$"},
    {"A INT", "{\"A\":1} trailing garbage", "i:1"},
    {"A INT", "{\"A\":1}{\"A\":2}", "i:1"},
    /* syntax errors win over coercion errors, and never crash */
    {"A INT", "{\"A\":\"x\",}",
     "ERR: Unexpected character ('}' (code 125)): was expecting double-quote to start field name"},
    {"A INT", "{\"A\":1",
     "ERR: Unexpected end-of-input: was expecting comma to separate Object entries"},
    {"A INT", "{\"A\":1,",
     "ERR: Unexpected end-of-input: was expecting double-quote to start field name"},
    {"A INT", "{\"A\"",
     "ERR: Unexpected end-of-input: was expecting a colon to separate field name and value"},
    {"A INT", "{\"A\":", "ERR: Unexpected end-of-input: expected a value"},
    {"A INT", "{\"A",
     "ERR: Unexpected end-of-input: was expecting closing quote for a string value"},
    {"A INT", "{A:1}",
     "ERR: Unexpected character ('A' (code 65)): was expecting double-quote to start field name"},
    {"A INT", "{\"A\":01}", "ERR: Invalid numeric value: Leading zeroes not allowed"},
    {"A INT", "{\"A\":-}",
     "ERR: Unexpected character ('}' (code 125)): expected digit (0-9) to follow minus sign, for "
     "valid numeric value"},
    {"A INT", "{\"A\":1.}",
     "ERR: Unexpected character ('}' (code 125)): Decimal point not followed by a digit"},
    {"A INT", "{\"A\":1e}",
     "ERR: Unexpected character ('}' (code 125)): Exponent indicator not followed by a digit"},
    {"A INT", "{\"A\":+1}",
     "ERR: Unexpected character ('+' (code 43)): expected a valid value (JSON String, Number, "
     "Array, Object or token 'null', 'true' or 'false')"},
    {"A INT", "{\"A\":.5}",
     "ERR: Unexpected character ('.' (code 46)): expected a valid value (JSON String, Number, "
     "Array, Object or token 'null', 'true' or 'false')"},
    {"A INT", "{\"A\":tru}",
     "ERR: Unrecognized token 'tru': was expecting (JSON String, Number, Array, Object or token "
     "'null', 'true' or 'false')"},
    {"A INT", "{\"A\":nullx}",
     "ERR: Unrecognized token 'nullx': was expecting (JSON String, Number, Array, Object or token "
     "'null', 'true' or 'false')"},
    {"A INT", "{\"A\":NaN}",
     "ERR: Unrecognized token 'NaN': was expecting (JSON String, Number, Array, Object or token "
     "'null', 'true' or 'false')"},
    {"A STRING", "{\"A\":\"a\\qb\"}", "ERR: Unrecognized character escape 'q' (code 113)"},
    {"A STRING", "{\"A\":\"\\u12G4\"}",
     "ERR: Unexpected character ('G' (code 71)): expected a hex-digit for character escape "
     "sequence"},
    {"A STRING", "{\"A\":\"a\nb\"}",
     "ERR: Illegal unquoted character ((CTRL-CHAR, code 10)): has to be escaped using backslash to "
     "be included in string value"},
    {"A STRING", "{\"A\":\"\xff\"}", "ERR: Invalid UTF-8 start byte 0xff"},
    {"A STRING", "{\"A\":\"\xc3\"}", "ERR: Invalid UTF-8 start byte 0xc3"},
    {"A STRING", "{\"A\":\"\xed\xa0\x80\"}", "ERR: Invalid UTF-8 start byte 0xed"},
    {"A STRING", "{\"x\":\"\xc0\xaf\",\"A\":\"ok\"}", "ERR: Invalid UTF-8 start byte 0xc0"},
    {"A INT", "{\"x\":[1,2}",
     "ERR: Unexpected character ('}' (code 125)): was expecting comma to separate Array entries"},
    {"A INT", "{\"x\":[1,]}",
     "ERR: Unexpected character (']' (code 93)): expected a valid value (JSON String, Number, "
     "Array, Object or token 'null', 'true' or 'false')"},
    {"A ARRAY<INT>", "{\"A\":[1,]}",
     "ERR: Unexpected character (']' (code 93)): expected a valid value (JSON String, Number, "
     "Array, Object or token 'null', 'true' or 'false')"},
    {"A ARRAY<INT>", "{\"A\":[\"x\",}",
     "ERR: Unexpected character ('}' (code 125)): expected a valid value (JSON String, Number, "
     "Array, Object or token 'null', 'true' or 'false')"},
    {"A STRING", "{\"A\":{\"a\":1,}}",
     "ERR: Unexpected character ('}' (code 125)): was expecting double-quote to start field name"},
    {"A STRING", "{\"A\":[1 2]}",
     "ERR: Unexpected character ('2' (code 50)): was expecting comma to separate Array entries"},
    {"A INT", "\x01{}",
     "ERR: Unexpected character ((CTRL-CHAR, code 1)): expected a valid value (JSON String, "
     "Number, Array, Object or token 'null', 'true' or 'false')"},
    /* wide objects go through the hash table */
    {"C0 INT, C1 INT, C2 INT, C3 INT, C4 INT, C5 INT, C6 INT, C7 INT, C8 INT, C9 INT, C10 INT, "
     "C11 INT, C12 INT, C13 INT, `c14` INT, C14 INT",
     "{\"c14\":14,\"C13\":13,\"c12\":12,\"x\":0,\"C1\":1,\"c0\":0,\"C14\":41}",
     "i:0, i:1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, i:12, i:13, i:14, "
     "i:41"},
};

START_TEST(json_decode)
{
    const JCase *c = &json_cases[_i];
    const char *got = dec_json(c->schema, c->in);
    ck_assert_msg(strcmp(got, c->want) == 0, "case %d %s <- %s\n got:  %s\n want: %s", _i,
                  c->schema, c->in, got, c->want);
}
END_TEST

typedef struct UCase {
    bool key;
    int wrap;
    const char *schema;
    const char *in;
    const char *want;
} UCase;

static const UCase unwrapped_cases[] = {
    {false, 0, "V INT", "10", "i:10"},
    {false, 0, "V INT", " 10 ", "i:10"},
    {false, 0, "V INT", "10 garbage", "i:10"},
    {false, 0, "V INT", "10x",
     "ERR: Unexpected character ('x' (code 120)): Expected space separating root-level values"},
    {false, 0, "V INT", "10,",
     "ERR: Unexpected character (',' (code 44)): Expected space separating root-level values"},
    {false, 0, "V INT", "\"5\"", "i:5"},
    {false, 0, "V INT", "null", "NULL"},
    {false, 0, "V INT", "",
     "ERR: Can't convert type. sourceType: MissingNode, requiredType: INTEGER, path: $"},
    {false, 0, "V STRING", "", "s:''"},
    {false, 0, "V STRING", "\"hello\"", "s:'hello'"},
    {false, 0, "V STRING", "{\"V\":1}", "s:'{\"V\":1}'"},
    {false, 0, "V INT", "{\"V\":1}",
     "ERR: Can't convert type. sourceType: ObjectNode, requiredType: INTEGER, path: $"},
    {false, 0, "V BOOLEAN", "true", "b:true"},
    {false, 0, "V BOOLEAN", "truex",
     "ERR: Unrecognized token 'truex': was expecting (JSON String, Number, Array, Object or token "
     "'null', 'true' or 'false')"},
    {false, 0, "V DECIMAL(4,2)", "10.1", "dec:10.10"},
    {false, 0, "V ARRAY<DOUBLE>", "[10.1]", "[d:10.1]"},
    {false, 0, "V MAP<STRING, DOUBLE>", "{\"a\": 45.67}", "{s:'a'=d:45.67}"},
    {false, 0, "V STRUCT<A DOUBLE>", "{\"a\": 45.67}", "Struct{A=d:45.67}"},
    {false, 0, "FOO ARRAY<STRING>", "[1, 2, 3]", "[s:'1', s:'2', s:'3']"},
    {false, 1, "FOO INT", "{\"FOO\": 10}", "i:10"},
    {false, 1, "FOO INT", "10",
     "ERR: Can't convert type. sourceType: IntNode, requiredType: STRUCT<`FOO` INTEGER>, path: $"},
    /* keys: one column is bare, several are an object */
    {true, -1, "K STRING", "\"Hey\"", "s:'Hey'"},
    {true, -1, "K BOOLEAN", "true", "b:true"},
    {true, -1, "K BIGINT", "998877665544332211", "l:998877665544332211"},
    {true, -1, "K DECIMAL(6,4)", "12.365", "dec:12.3650"},
    {true, -1, "K STRUCT<F DOUBLE>", "{\"f\": 45.67}", "Struct{F=d:45.67}"},
    {true, -1, "K ARRAY<DOUBLE>", "[10.1]", "[d:10.1]"},
    {true, -1, "K1 INT, K2 STRING", "{\"k1\":1,\"K2\":\"x\"}", "i:1, s:'x'"},
    {true, -1, "K1 INT, K2 STRING", "null", "NULLROW NULL, NULL"},
    {true, -1, "", "whatever {", ""},
};

START_TEST(json_unwrapped)
{
    const UCase *c = &unwrapped_cases[_i];
    const char *got = dec_row(FMT_JSON, c->key, c->wrap, 0, c->schema, c->in, -1);
    ck_assert_msg(strcmp(got, c->want) == 0, "case %d %s <- %s\n got:  %s\n want: %s", _i,
                  c->schema, c->in, got, c->want);
}
END_TEST

START_TEST(json_kafka_null_and_prefix)
{
    ck_assert_str_eq(dec_row(FMT_JSON, false, -1, 0, "A INT, B INT", NULL, 0),
                     "NULLROW NULL, NULL");
    ck_assert_str_eq(dec_row(FMT_JSON, false, 0, 0, "A INT", NULL, 0), "NULLROW NULL");
    /* with a topic, errors name it as ksqlDB's processing log does */
    TlSchema sc = tl_schema("A INT");
    FormatSpec f = format_spec_default(FMT_JSON);
    EddyError err;
    Serde *s = serde_new(&f, false, sc.n, sc.names, sc.types, &err);
    serde_set_topic(s, "t1");
    Arena a;
    arena_init(&a, 256);
    Value v;
    const char *in = "{\"A\":\"x\"}";
    ck_assert_int_eq(serde_decode(s, in, strlen(in), &a, &v, &err), ERR_SERDE);
    ck_assert_str_eq(err.msg, "Failed to deserialize value from topic: t1. Can't coerce string "
                              "to type. targetType: INTEGER, path: $.A");
    serde_free(s);
    Serde *k = serde_new(&f, true, sc.n, sc.names, sc.types, &err);
    serde_set_topic(k, "t2");
    ck_assert_int_eq(serde_decode(k, "{", 1, &a, &v, &err), ERR_SERDE);
    ck_assert_str_eq(err.msg, "Failed to deserialize key from topic: t2. Unexpected "
                              "end-of-input: was expecting double-quote to start field name");
    serde_free(k);
    arena_free(&a);
}
END_TEST

/* Strings without escapes point into the input; with escapes they are copied. */
START_TEST(json_zero_copy)
{
    TlSchema sc = tl_schema("A STRING, B STRING");
    FormatSpec f = format_spec_default(FMT_JSON);
    EddyError err;
    Serde *s = serde_new(&f, false, sc.n, sc.names, sc.types, &err);
    Arena a;
    arena_init(&a, 256);
    Value v[2];
    const char *in = "{\"A\":\"plain\",\"B\":\"esc\\n\"}";
    ck_assert_int_eq(serde_decode(s, in, strlen(in), &a, v, &err), 0);
    ck_assert_ptr_eq(v[0].u.s, in + 6);
    ck_assert(v[1].u.s < in || v[1].u.s > in + strlen(in));
    serde_free(s);
    arena_free(&a);
}
END_TEST

/* Deep nesting fails cleanly wherever it appears. */
START_TEST(json_deep_nesting)
{
    size_t depth = 200000;
    char *buf = malloc(depth * 2 + 32);
    static const char *schemas[] = {"A INT", "A STRING", "A ARRAY<STRING>", "A STRUCT<B INT>"};
    for (int open = 0; open < 2; open++) {
        for (size_t si = 0; si < 4; si++) {
            size_t n = (size_t)sprintf(buf, "{\"A\":");
            for (size_t i = 0; i < depth; i++)
                buf[n++] = open ? '{' : '[';
            const char *got = dec_row(FMT_JSON, false, -1, 0, schemas[si], buf, (long)n);
            ck_assert_msg(strncmp(got, "ERR: ", 5) == 0, "%s: %s", schemas[si], got);
        }
    }
    /* nested objects with keys */
    size_t n = (size_t)sprintf(buf, "{\"A\":");
    for (size_t i = 0; i < 2000; i++)
        n += (size_t)sprintf(buf + n, "{\"a\":");
    const char *got = dec_row(FMT_JSON, false, -1, 0, "A STRING", buf, (long)n);
    ck_assert_msg(strstr(got, "nesting depth"), "%s", got);
    /* 999 levels are fine */
    n = (size_t)sprintf(buf, "{\"A\":");
    for (size_t i = 0; i < 998; i++)
        buf[n++] = '[';
    for (size_t i = 0; i < 998; i++)
        buf[n++] = ']';
    buf[n++] = '}';
    got = dec_row(FMT_JSON, false, -1, 0, "X INT", buf, (long)n);
    ck_assert_str_eq(got, "NULL");
    free(buf);
}
END_TEST

/* Every prefix of valid documents fails or succeeds without crashing. */
START_TEST(json_truncations)
{
    static const char *docs[] = {
        "{\"A\":[1,2.5e3,\"x\\u00e9\\n\",{\"b\":true}],\"B\":{\"k\":null,\"m\":[false]},"
        "\"C\":\"\xc3\xa9\xe2\x82\xac\",\"D\":-12.5E-3}",
    };
    static const char *schemas[] = {
        "A ARRAY<STRING>, B MAP<STRING, ARRAY<BOOLEAN>>, C STRING, D DECIMAL(10,5)",
        "A STRING, B STRING, C BYTES, D DOUBLE",
        "X INT",
    };
    for (size_t si = 0; si < 3; si++) {
        for (size_t len = 0; len <= strlen(docs[0]); len++) {
            const char *got = dec_row(FMT_JSON, false, -1, 0, schemas[si], docs[0], (long)len);
            if (len < strlen(docs[0]))
                ck_assert_msg(strncmp(got, "ERR: ", 5) == 0 || len == 0, "len %zu: %s", len, got);
        }
    }
}
END_TEST

/* ---------------------------------------------------------------- JSON encoding */

typedef struct ECase {
    FormatKind k;
    bool key;
    int wrap;
    char delim;
    const char *schema;
    const char *row; /* a JSON object read with the schema */
    const char *want;
} ECase;

static const ECase enc_cases[] = {
    {FMT_JSON, false, -1, 0, "A INT, B STRING", "{\"A\":1,\"B\":\"x\"}", "{\"A\":1,\"B\":\"x\"}"},
    {FMT_JSON, false, -1, 0, "A INT, B STRING", "{}", "{\"A\":null,\"B\":null}"},
    {FMT_JSON, false, -1, 0, "`a b` INT, `q\"` INT", "{\"a b\":1,\"q\\\"\":2}",
     "{\"a b\":1,\"q\\\"\":2}"},
    {FMT_JSON, false, -1, 0, "D DOUBLE", "{\"D\":1e10}", "{\"D\":1.0E10}"},
    {FMT_JSON, false, -1, 0, "D DOUBLE", "{\"D\":100}", "{\"D\":100.0}"},
    {FMT_JSON, false, -1, 0, "D DOUBLE", "{\"D\":0.1}", "{\"D\":0.1}"},
    {FMT_JSON, false, -1, 0, "D DOUBLE", "{\"D\":\"NaN\"}", "{\"D\":\"NaN\"}"},
    {FMT_JSON, false, -1, 0, "D DOUBLE", "{\"D\":\"-Infinity\"}", "{\"D\":\"-Infinity\"}"},
    {FMT_JSON, false, -1, 0, "D DECIMAL(4,2)", "{\"D\":1.1}", "{\"D\":1.10}"},
    {FMT_JSON, false, -1, 0, "D DECIMAL(4,2)", "{\"D\":-0.5}", "{\"D\":-0.50}"},
    {FMT_JSON, false, -1, 0, "D DECIMAL(12,10)", "{\"D\":0}", "{\"D\":0E-10}"},
    {FMT_JSON, false, -1, 0, "D DECIMAL(12,10)", "{\"D\":0.0000001}", "{\"D\":1.000E-7}"},
    {FMT_JSON, false, -1, 0, "D DECIMAL(12,10)", "{\"D\":0.000001}", "{\"D\":0.0000010000}"},
    {FMT_JSON, false, -1, 0, "S STRING", "{\"S\":\"\\u0001\\u001f\\t\\\"\\\\/\xc3\xa9\\u007f\"}",
     "{\"S\":\"\\u0001\\u001F\\t\\\"\\\\/\xc3\xa9\x7f\"}"},
    {FMT_JSON, false, -1, 0, "B BYTES", "{\"B\":\"AQID\"}", "{\"B\":\"AQID\"}"},
    {FMT_JSON, false, -1, 0, "T TIMESTAMP, D DATE, TI TIME", "{\"T\":1234,\"D\":3,\"TI\":100}",
     "{\"T\":1234,\"D\":3,\"TI\":100}"},
    {FMT_JSON, false, -1, 0, "A ARRAY<BIGINT>, M MAP<STRING, DOUBLE>, S STRUCT<X INT, `y` STRING>",
     "{\"A\":[12,null],\"M\":{\"a\":1.1,\"b\":null},\"S\":{\"x\":1,\"y\":\"v\"}}",
     "{\"A\":[12,null],\"M\":{\"a\":1.1,\"b\":null},\"S\":{\"X\":1,\"y\":\"v\"}}"},
    {FMT_JSON, false, -1, 0, "S STRUCT<F0 INT>", "{\"S\":{}}", "{\"S\":{\"F0\":null}}"},
    {FMT_JSON, false, 0, 0, "FOO BOOLEAN", "{\"FOO\":true}", "true"},
    {FMT_JSON, false, 0, 0, "FOO BOOLEAN", "{\"FOO\":null}", "<null>"},
    {FMT_JSON, false, 0, 0, "FOO ARRAY<BIGINT>", "{\"FOO\":[12,34,999]}", "[12,34,999]"},
    {FMT_JSON, false, 0, 0, "FOO STRUCT<F0 INT>", "{\"FOO\":{\"F0\":1}}", "{\"F0\":1}"},
    {FMT_JSON, false, 0, 0, "FOO MAP<STRING, DOUBLE>", "{\"FOO\":{\"b\":76.54}}", "{\"b\":76.54}"},
    {FMT_JSON, false, 1, 0, "FOO BOOLEAN", "{\"FOO\":true}", "{\"FOO\":true}"},
    {FMT_JSON, true, -1, 0, "K STRING", "{\"K\":\"hello\"}", "\"hello\""},
    {FMT_JSON, true, -1, 0, "K STRING", "{}", "<null>"},
    {FMT_JSON, true, -1, 0, "K STRUCT<F DOUBLE>", "{\"K\":{\"f\":45.67}}", "{\"F\":45.67}"},
    {FMT_JSON, true, -1, 0, "K1 STRING, K2 INT", "{}", "{\"K1\":null,\"K2\":null}"},
    {FMT_JSON, true, -1, 0, "K1 STRING, K2 INT", "{\"K2\":1}", "{\"K1\":null,\"K2\":1}"},
    {FMT_DELIMITED, true, -1, 0, "K1 STRING, K2 INT", "{}", "<null>"},
    {FMT_DELIMITED, true, -1, 0, "K1 STRING, K2 INT", "{\"K2\":1}", ",1"},
    {FMT_JSON, true, -1, 0, "K1 STRING, K2 INT", "{\"K1\":\"foo\",\"K2\":1}",
     "{\"K1\":\"foo\",\"K2\":1}"},
    /* KAFKA */
    {FMT_KAFKA, false, -1, 0, "V INT", "{\"V\":1}", "00000001"},
    {FMT_KAFKA, false, -1, 0, "V INT", "{\"V\":-2}", "fffffffe"},
    {FMT_KAFKA, false, -1, 0, "V BIGINT", "{\"V\":2}", "0000000000000002"},
    {FMT_KAFKA, false, -1, 0, "V DOUBLE", "{\"V\":2.2}", "400199999999999a"},
    {FMT_KAFKA, false, -1, 0, "V STRING", "{\"V\":\"bar\"}", "626172"},
    {FMT_KAFKA, false, -1, 0, "V STRING", "{\"V\":\"\"}", ""},
    {FMT_KAFKA, false, -1, 0, "V BYTES", "{\"V\":\"AQID\"}", "010203"},
    {FMT_KAFKA, false, -1, 0, "V INT", "{}", "<null>"},
    {FMT_KAFKA, true, -1, 0, "", "{}", "<null>"},
    {FMT_NONE, true, -1, 0, "", "{}", "<null>"},
    /* DELIMITED */
    {FMT_DELIMITED, false, -1, 0, "ID BIGINT, NAME STRING, V INT",
     "{\"ID\":0,\"NAME\":\"zero\",\"V\":0}", "0,zero,0"},
    {FMT_DELIMITED, false, -1, '|', "ID BIGINT, NAME STRING, V INT",
     "{\"ID\":0,\"NAME\":\"zero\",\"V\":0}", "0|zero|0"},
    {FMT_DELIMITED, false, -1, '\t', "ID BIGINT, NAME STRING", "{\"ID\":0,\"NAME\":\"a b\"}",
     "0\ta b"},
    {FMT_DELIMITED, false, -1, 0, "A INT, B INT", "{\"A\":-1,\"B\":-2}", "\"-1\",-2"},
    {FMT_DELIMITED, false, -1, 0, "A INT, B STRING, C STRING", "{\"B\":\"x\"}", ",x,"},
    {FMT_DELIMITED, false, -1, 0, "A STRING, B STRING", "{}", ","},
    {FMT_DELIMITED, false, -1, 0, "A STRING, B STRING", "{\"A\":\"\",\"B\":\"\"}", "\"\","},
    {FMT_DELIMITED, false, -1, 0, "A STRING", "{}", ""},
    {FMT_DELIMITED, false, -1, 0, "A STRING, B STRING", "{\"A\":\"a,b\",\"B\":\"c\\\"d\"}",
     "\"a,b\",\"c\"\"d\""},
    {FMT_DELIMITED, false, -1, 0, "A STRING, B STRING, C STRING, D STRING",
     "{\"A\":\" \\t x \\t\",\"B\":\" \\t X\",\"C\":\"x y\",\"D\":\"\\t w\"}",
     "\" \t x \t\",\" \t X\",x y,\"\t w\""},
    {FMT_DELIMITED, false, -1, 0, "A STRING, B STRING", "{\"A\":\"_x\",\"B\":\"_x\"}", "\"_x\",_x"},
    {FMT_DELIMITED, false, -1, 0, "A STRING, B STRING", "{\"A\":\"x \",\"B\":\"#x\"}",
     "\"x \",\"#x\""},
    {FMT_DELIMITED, false, -1, 0, "A STRING, B STRING", "{\"A\":\"\xc3\xa9\",\"B\":\"\xc3\xa9\"}",
     "\"\xc3\xa9\",\xc3\xa9"},
    {FMT_DELIMITED, false, -1, 0, "A STRING, B STRING", "{\"A\":\"a\\nb\",\"B\":\"$x\"}",
     "\"a\nb\",$x"},
    {FMT_DELIMITED, false, -1, 0, "A DOUBLE, B DECIMAL(33,16), C BOOLEAN, D BYTES",
     "{\"A\":1e10,\"B\":0,\"C\":true,\"D\":\"AQID\"}", "1.0E10,0.0000000000000000,true,AQID"},
    {FMT_DELIMITED, false, -1, 0, "D DECIMAL(33,16)", "{\"D\":-12345.12}",
     "\"-12345.1200000000000000\""},
    {FMT_DELIMITED, false, -1, 0, "T TIMESTAMP, D DATE, TI TIME",
     "{\"T\":1234,\"D\":-10,\"TI\":100}", "1234,-10,100"},
};

START_TEST(encode)
{
    const ECase *c = &enc_cases[_i];
    const char *got = reencode(c->k, c->key, c->wrap, c->delim, c->schema, c->row);
    ck_assert_msg(strcmp(got, c->want) == 0, "case %d %s %s\n got:  %s\n want: %s", _i,
                  format_name(c->k), c->row, got, c->want);
}
END_TEST

/* ---------------------------------------------------------------- KAFKA decoding */

typedef struct KCase {
    const char *schema;
    const char *in;
    long len;
    const char *want;
} KCase;

static const KCase kafka_cases[] = {
    {"V INT", "\x00\x00\x00\x01", 4, "i:1"},
    {"V INT", "\xff\xff\xff\xfe", 4, "i:-2"},
    {"V INT", "\x00\x00\x01", 3, "ERR: Size of data received by IntegerDeserializer is not 4"},
    {"V INT", "", 0, "ERR: Size of data received by IntegerDeserializer is not 4"},
    {"V BIGINT", "\x00\x00\x00\x00\x00\x00\x00\x02", 8, "l:2"},
    {"V BIGINT", "\x00\x00\x00\x02", 4, "ERR: Size of data received by LongDeserializer is not 8"},
    {"V DOUBLE", "\x40\x01\x99\x99\x99\x99\x99\x9a", 8, "d:2.2"},
    {"V DOUBLE", "\x40", 1, "ERR: Size of data received by DoubleDeserializer is not 8"},
    {"V STRING", "bar", 3, "s:'bar'"},
    {"V STRING", "", 0, "s:''"},
    {"V STRING",
     "a\xff"
     "b",
     3,
     "s:'a\xef\xbf\xbd"
     "b'"},
    {"V BYTES", "\x01\x02\x00", 3, "y:AQIA"},
    {"V INT", NULL, 0, "NULLROW NULL"},
};

START_TEST(kafka_decode)
{
    const KCase *c = &kafka_cases[_i];
    const char *got = dec_row(FMT_KAFKA, false, -1, 0, c->schema, c->in, c->len);
    ck_assert_msg(strcmp(got, c->want) == 0, "case %d\n got:  %s\n want: %s", _i, got, c->want);
}
END_TEST

/* ---------------------------------------------------------------- DELIMITED decoding */

typedef struct DCase {
    char delim;
    const char *schema;
    const char *in;
    const char *want;
} DCase;

static const DCase delim_cases[] = {
    {0, "ID BIGINT, NAME STRING, V INT", "0,zero,0", "l:0, s:'zero', i:0"},
    {'|', "ID BIGINT, NAME STRING, V INT", "0|zero|0", "l:0, s:'zero', i:0"},
    {'\t', "ID BIGINT, NAME STRING, V INT", "0\tzero\t0", "l:0, s:'zero', i:0"},
    {' ', "ID BIGINT, NAME STRING, V INT", "0 zero 0", "l:0, s:'zero', i:0"},
    {0, "A STRING, B STRING", "\"a\"\"b\",\"c,d\"", "s:'a\"b', s:'c,d'"},
    {0, "A STRING, B STRING", "a\"b,c", "s:'a\"b', s:'c'"},
    {0, "A STRING, B STRING", "\"\",x", "NULL, s:'x'"},
    {0, "A STRING, B STRING, C STRING", ",,", "NULL, NULL, NULL"},
    {0, "A STRING, B STRING", "\"a\" ,b", "s:'a', s:'b'"},
    {0, "A STRING, B STRING", " a , b ", "s:' a ', s:' b '"},
    {0, "A STRING, B STRING", "\"a\nb\",c", "s:'a\nb', s:'c'"},
    {0, "A STRING, B STRING", "\n\r\n1,2", "s:'1', s:'2'"},
    {0, "A STRING, B STRING", "1,2\r\n3", "s:'1', s:'2'"},
    {0, "A STRING, B STRING", "1,2\n", "s:'1', s:'2'"},
    {0, "A STRING, B STRING", "1,\"2\"\r\n", "s:'1', s:'2'"},
    {0, "A STRING, B STRING", "\"a\"x,b",
     "ERR: Error deserializing delimited: (line 1) invalid char between encapsulated token and "
     "delimiter"},
    {0, "A STRING, B STRING", "a,\"b",
     "ERR: Error deserializing delimited: (startline 1) EOF reached before encapsulated token "
     "finished"},
    {0, "A STRING, B STRING", "1,2\n\"x",
     "ERR: Error deserializing delimited: (startline 2) EOF reached before encapsulated token "
     "finished"},
    {0, "A STRING, B STRING", "1,2,3",
     "ERR: Error deserializing delimited: Column count mismatch on deserialization. topic: , "
     "expected: 2, got: 3"},
    {0, "A STRING, B STRING", "1",
     "ERR: Error deserializing delimited: Column count mismatch on deserialization. topic: , "
     "expected: 2, got: 1"},
    {0, "A STRING", "", "ERR: Error deserializing delimited: No fields in record"},
    {0, "A STRING", "\n\n", "ERR: Error deserializing delimited: No fields in record"},
    {0, "A STRING", "\"\"", "NULL"},
    {0, "A BOOLEAN, B BOOLEAN, C BOOLEAN", "true,TRUE,yes", "b:true, b:true, b:false"},
    {0, "A INT", "\"22\"", "i:22"},
    {0, "A INT", " 1", "ERR: Error deserializing delimited: For input string: \" 1\""},
    {0, "A INT", "2147483648",
     "ERR: Error deserializing delimited: For input string: \"2147483648\""},
    {0, "A BIGINT", "998877665544332211", "l:998877665544332211"},
    {0, "A DOUBLE", " 1.5 ", "d:1.5"},
    {0, "A DOUBLE", "654.321", "d:654.321"},
    {0, "A DOUBLE", "1.5f", "d:1.5"},
    {0, "A DOUBLE", "x", "ERR: Error deserializing delimited: For input string: \"x\""},
    {0, "A DECIMAL(6,4)", "12.365", "dec:12.3650"},
    {0, "A DECIMAL(6,4)", "\"12.0\"", "dec:12.0000"},
    {0, "A DECIMAL(33,16)", ".12", "dec:0.1200000000000000"},
    {0, "A DECIMAL(33,16)", "\"-12345.12\"", "dec:-12345.1200000000000000"},
    {0, "A DECIMAL(4,2)", "100",
     "ERR: Error deserializing delimited: Numeric field overflow: A field with precision 4 and "
     "scale 2 must round to an absolute value less than 10^2. Got 100"},
    {0, "A DECIMAL(4,2)", "1.2.3",
     "ERR: Error deserializing delimited: For input string: \"1.2.3\""},
    {0, "A BYTES", "AQID", "y:AQID"},
    {0, "A BYTES", "AQI", "y:AQI="},
    {0, "A BYTES", "A*I=", "ERR: Error deserializing delimited: Illegal base64 value: \"A*I=\""},
    {0, "A TIMESTAMP, B DATE, C TIME", "1234,-10,100", "ts:1234, date:-10, time:100"},
    {0, "A STRING", "a\xff", "s:'a\xef\xbf\xbd'"},
    {0, "K1 STRING, K2 STRING", "foo,bar", "s:'foo', s:'bar'"},
    {';', "K1 STRING, K2 STRING", "foo,bar;baz", "s:'foo,bar', s:'baz'"},
};

START_TEST(delimited_decode)
{
    const DCase *c = &delim_cases[_i];
    const char *got = dec_row(FMT_DELIMITED, false, -1, c->delim, c->schema, c->in, -1);
    ck_assert_msg(strcmp(got, c->want) == 0, "case %d %s <- %s\n got:  %s\n want: %s", _i,
                  c->schema, c->in, got, c->want);
}
END_TEST

/* Encoding then decoding gives the values back, for awkward strings. */
START_TEST(delimited_roundtrip)
{
    static const char *strs[] = {"",   " ",  "\"", "\"\"", ",",        "a,b",     "\n", "\r\n",
                                 "x ", " x", "#",  "-1",   "\xc3\xa9", "a\"b\"c", "''", "\t"};
    TlSchema sc = tl_schema("A STRING, B STRING");
    FormatSpec f = format_spec_default(FMT_DELIMITED);
    EddyError err;
    Serde *s = serde_new(&f, false, sc.n, sc.names, sc.types, &err);
    Arena a;
    arena_init(&a, 256);
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        for (size_t j = 0; j < sizeof strs / sizeof strs[0]; j++) {
            Value in[2] = {val_string(strs[i], (uint32_t)strlen(strs[i])),
                           val_string(strs[j], (uint32_t)strlen(strs[j]))};
            StrBuf sb = STRBUF_INIT;
            bool is_null;
            ck_assert_int_eq(serde_encode(s, in, &sb, &is_null, &err), 0);
            Value out[2];
            int rc = serde_decode(s, sb.data, sb.len, &a, out, &err);
            ck_assert_msg(rc == 0, "'%s','%s' -> %s: %s", strs[i], strs[j], sb.data, err.msg);
            for (int k = 0; k < 2; k++) {
                if (in[k].len == 0) { /* empty reads back as NULL */
                    ck_assert_int_eq(out[k].kind, TYPE_NULL);
                    continue;
                }
                ck_assert_int_eq(out[k].kind, TYPE_STRING);
                ck_assert_msg(out[k].len == in[k].len &&
                                  memcmp(out[k].u.s, in[k].u.s, in[k].len) == 0,
                              "'%s','%s' -> [%s]", strs[i], strs[j], sb.data);
            }
            sb_free(&sb);
            arena_reset(&a);
        }
    }
    serde_free(s);
    arena_free(&a);
}
END_TEST

/* ---------------------------------------------------------------- windowed keys */

START_TEST(windowed_keys)
{
    StrBuf sb = STRBUF_INIT;
    sb_append(&sb, "\x00\x00\x00\x0a", 4);
    serde_window_append(&sb, false, 30000, 60000);
    ck_assert_uint_eq(sb.len, 12);
    ck_assert_int_eq(memcmp(sb.data + 4, "\x00\x00\x00\x00\x00\x00\x75\x30", 8), 0);
    int64_t st = 0, en = 0;
    ck_assert_int_eq(serde_window_split(sb.data, sb.len, false, &st, &en), 4);
    ck_assert_int_eq(st, 30000);
    sb_clear(&sb);
    sb_append(&sb, "k", 1);
    serde_window_append(&sb, true, 10, 20);
    ck_assert_uint_eq(sb.len, 17);
    ck_assert_int_eq(memcmp(sb.data + 1, "\x00\x00\x00\x00\x00\x00\x00\x14", 8), 0); /* end first */
    ck_assert_int_eq(memcmp(sb.data + 9, "\x00\x00\x00\x00\x00\x00\x00\x0a", 8), 0);
    ck_assert_int_eq(serde_window_split(sb.data, sb.len, true, &st, &en), 1);
    ck_assert_int_eq(st, 10);
    ck_assert_int_eq(en, 20);
    ck_assert_int_eq(serde_window_split(sb.data, 7, false, &st, &en), -1);
    ck_assert_int_eq(serde_window_split(sb.data, 15, true, &st, &en), -1);
    ck_assert_int_eq(serde_window_split(NULL, 0, true, &st, &en), -1);
    /* negative starts keep their bits */
    sb_clear(&sb);
    serde_window_append(&sb, false, -5, 0);
    ck_assert_int_eq(serde_window_split(sb.data, sb.len, false, &st, &en), 0);
    ck_assert_int_eq(st, -5);
    sb_free(&sb);
}
END_TEST

/* ---------------------------------------------------------------- json_value.h */

START_TEST(json_values)
{
    Arena a;
    arena_init(&a, 256);
    EddyError err;
    const Type *t = tl_schema("X STRUCT<A INT, B DECIMAL(4,2), C ARRAY<STRING>, D TIMESTAMP, "
                              "E BYTES, F DOUBLE, G MAP<STRING, BOOLEAN>>")
                        .types[0];
    json_t *j = json_loads("{\"a\":\"7\",\"B\":1.1,\"c\":[1,\"x\",null],\"D\":86400001,"
                           "\"E\":\"AQID\",\"F\":1e10,\"G\":{\"k\":\"true\"}}",
                           0, NULL);
    ck_assert_ptr_nonnull(j);
    Value v;
    ck_assert_int_eq(serde_json_to_value(j, t, &a, &v, &err), 0);
    json_decref(j);
    StrBuf sb = STRBUF_INIT;
    tl_render(&sb, &v);
    ck_assert_str_eq(sb_cstr(&sb),
                     "Struct{A=i:7, B=dec:1.10, C=[s:'1', s:'x', NULL], D=ts:86400001, "
                     "E=y:AQID, F=d:1.0E10, G={s:'k'=b:true}}");
    sb_clear(&sb);
    serde_value_write_json(&sb, &v, t, SERDE_JSON_KAFKA);
    ck_assert_str_eq(sb_cstr(&sb), "{\"A\":7,\"B\":1.10,\"C\":[\"1\",\"x\",null],\"D\":86400001,"
                                   "\"E\":\"AQID\",\"F\":1.0E10,\"G\":{\"k\":true}}");
    sb_clear(&sb);
    serde_value_write_json(&sb, &v, t, SERDE_JSON_REST);
    ck_assert_str_eq(sb_cstr(&sb), "{\"A\":7,\"B\":1.10,\"C\":[\"1\",\"x\",null],"
                                   "\"D\":\"1970-01-02T00:00:00.001\",\"E\":\"AQID\",\"F\":1.0E10,"
                                   "\"G\":{\"k\":true}}");
    json_t *k = serde_value_to_json(&v, t);
    char *txt = json_dumps(k, JSON_COMPACT | JSON_PRESERVE_ORDER);
    ck_assert_str_eq(txt, "{\"A\":7,\"B\":1.1000000000000001,\"C\":[\"1\",\"x\",null],"
                          "\"D\":86400001,\"E\":\"AQID\",\"F\":10000000000.0,\"G\":{\"k\":true}}");
    free(txt);
    json_decref(k);
    json_t *r = serde_value_to_json_rest(&v, t);
    ck_assert_str_eq(json_string_value(json_object_get(r, "D")), "1970-01-02T00:00:00.001");
    json_decref(r);
    /* errors carry the same texts as records */
    j = json_string("x");
    ck_assert_int_eq(serde_json_to_value(j, T_INT, &a, &v, &err), ERR_SERDE);
    ck_assert_str_eq(err.msg, "Can't coerce string to type. targetType: INTEGER, path: $");
    json_decref(j);
    j = json_integer(3);
    ck_assert_int_eq(serde_json_to_value(j, T_BOOLEAN, &a, &v, &err), ERR_SERDE);
    ck_assert_str_eq(err.msg,
                     "Can't convert type. sourceType: IntNode, requiredType: BOOLEAN, path: $");
    json_decref(j);
    ck_assert_int_eq(serde_json_to_value(NULL, T_INT, &a, &v, &err), 0);
    ck_assert_int_eq(v.kind, TYPE_NULL);
    ck_assert_int_eq(serde_json_text_to_value("123456789012345678901234.5", 26, type_decimal(30, 1),
                                              &a, &v, &err),
                     0);
    sb_clear(&sb);
    tl_render(&sb, &v);
    ck_assert_str_eq(sb_cstr(&sb), "dec:123456789012345678901234.5");
    sb_free(&sb);
    arena_free(&a);
}
END_TEST

static Suite *serde_suite(void)
{
    Suite *s = suite_create("serde");
    TCase *tc = tcase_create("formats");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, format_names);
    tcase_add_test(tc, format_delimiters);
    tcase_add_loop_test(tc, format_validation, 0, (int)(sizeof vcases / sizeof vcases[0]));
    suite_add_tcase(s, tc);

    tc = tcase_create("json");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, json_decode, 0, (int)(sizeof json_cases / sizeof json_cases[0]));
    tcase_add_loop_test(tc, json_unwrapped, 0,
                        (int)(sizeof unwrapped_cases / sizeof unwrapped_cases[0]));
    tcase_add_test(tc, json_kafka_null_and_prefix);
    tcase_add_test(tc, json_zero_copy);
    tcase_add_test(tc, json_deep_nesting);
    tcase_add_test(tc, json_truncations);
    tcase_add_test(tc, json_values);
    suite_add_tcase(s, tc);

    tc = tcase_create("encode");
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, encode, 0, (int)(sizeof enc_cases / sizeof enc_cases[0]));
    suite_add_tcase(s, tc);

    tc = tcase_create("kafka_delimited_windows");
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, kafka_decode, 0, (int)(sizeof kafka_cases / sizeof kafka_cases[0]));
    tcase_add_loop_test(tc, delimited_decode, 0, (int)(sizeof delim_cases / sizeof delim_cases[0]));
    tcase_add_test(tc, delimited_roundtrip);
    tcase_add_test(tc, windowed_keys);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(serde_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
