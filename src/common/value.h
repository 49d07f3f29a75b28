/*
 * value.h - runtime values of SQL types.
 *
 * A Value is 32 bytes, self-describing (kind, decimal scale, struct type) and never
 * owns memory: strings, bytes and collection items live in an arena (a batch's
 * scratch arena on the record path, a query's arena for state) or point into an
 * input buffer that outlives the batch. NULL of any type is kind == TYPE_NULL.
 *
 * Collections: ARRAY has `len` items; MAP has `len` entries stored as 2*len items
 * (key0, value0, key1, value1, ...) in insertion order; STRUCT has `len` items in
 * the order of the fields of `type`, which is always set for structs.
 */
#ifndef EDDY_VALUE_H
#define EDDY_VALUE_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "strbuf.h"
#include "types.h"

typedef __int128 int128_t;

typedef struct Value Value;
struct Value {
    uint8_t kind;      /* TypeKind; TYPE_NULL means SQL NULL */
    uint8_t scale;     /* DECIMAL scale */
    uint8_t precision; /* DECIMAL precision */
    uint8_t pad_;
    uint32_t len;     /* STRING/BYTES byte count; ARRAY items; MAP entries; STRUCT fields */
    const Type *type; /* STRUCT: its type (required); ARRAY/MAP: optional, may be NULL */
    union {
        bool b;        /* BOOLEAN */
        int32_t i;     /* INT, DATE (days), TIME (ms of day) */
        int64_t l;     /* BIGINT, TIMESTAMP (ms) */
        double d;      /* DOUBLE */
        int128_t dec;  /* DECIMAL unscaled value */
        const char *s; /* STRING (UTF-8, not NUL-terminated), BYTES */
        Value *items;  /* ARRAY, MAP, STRUCT */
    } u;
};

static inline Value val_null(void)
{
    Value v = {0};
    return v;
}
static inline bool val_is_null(const Value *v)
{
    return v->kind == TYPE_NULL;
}
static inline Value val_bool(bool b)
{
    Value v = {.kind = TYPE_BOOLEAN};
    v.u.b = b;
    return v;
}
static inline Value val_int(int32_t i)
{
    Value v = {.kind = TYPE_INT};
    v.u.i = i;
    return v;
}
static inline Value val_bigint(int64_t l)
{
    Value v = {.kind = TYPE_BIGINT};
    v.u.l = l;
    return v;
}
static inline Value val_double(double d)
{
    Value v = {.kind = TYPE_DOUBLE};
    v.u.d = d;
    return v;
}
static inline Value val_decimal(int128_t unscaled, int precision, int scale)
{
    Value v = {.kind = TYPE_DECIMAL, .precision = (uint8_t)precision, .scale = (uint8_t)scale};
    v.u.dec = unscaled;
    return v;
}
static inline Value val_string(const char *s, uint32_t len)
{
    Value v = {.kind = TYPE_STRING, .len = len};
    v.u.s = s;
    return v;
}
static inline Value val_bytes(const char *s, uint32_t len)
{
    Value v = {.kind = TYPE_BYTES, .len = len};
    v.u.s = s;
    return v;
}
static inline Value val_date(int32_t days)
{
    Value v = {.kind = TYPE_DATE};
    v.u.i = days;
    return v;
}
static inline Value val_time(int32_t ms)
{
    Value v = {.kind = TYPE_TIME};
    v.u.i = ms;
    return v;
}
static inline Value val_timestamp(int64_t ms)
{
    Value v = {.kind = TYPE_TIMESTAMP};
    v.u.l = ms;
    return v;
}

/* NUL-terminated string copied into the arena. */
Value val_cstr(Arena *a, const char *s);
/* Array/map/struct with uninitialised items allocated in the arena. `type` may be
 * NULL for arrays and maps; required for structs. */
Value val_array_new(Arena *a, uint32_t n, const Type *type);
Value val_map_new(Arena *a, uint32_t n, const Type *type);
Value val_struct_new(Arena *a, const Type *type); /* all fields NULL */

/* A typed null: kind NULL but remembers nothing else; provided for symmetry. */
Value val_default_for(const Type *t);

/* Deep copy of strings/bytes/items into the arena. */
Value val_copy(Arena *a, const Value *v);

/* Total order used by comparisons, ORDER-like functions and MIN/MAX:
 * compares values of the same kind (numbers of different numeric kinds are
 * compared numerically); NULL sorts first. Returns <0, 0, >0. */
int val_compare(const Value *a, const Value *b);
/* Equality with SQL semantics aside from NULL (NULL equals NULL here, as Java's
 * equals does for collections). Numeric kinds compare numerically;
 * DECIMAL 1.10 equals 1.1 (compareTo, not equals). */
bool val_equal(const Value *a, const Value *b);
uint64_t val_hash(const Value *v);

/* Java/ksqlDB text form used by CAST(x AS STRING), string concatenation and the
 * DELIMITED format: 1.0E10 style doubles, plain decimals, ISO dates.
 * Collections render like Java's toString: [1, 2], {a=1}, Struct{A=1,B=x}. */
void val_format(StrBuf *sb, const Value *v);

/* The same text for any destination: put receives it in pieces. java_decimals
 * prints DECIMALs as BigDecimal.toString does (scientific below 1E-6, as functions
 * that render values with Java's toString show them) instead of plainly. */
typedef void (*ValPutFn)(void *ctx, const char *s, size_t n);
void val_write(const Value *v, bool java_decimals, ValPutFn put, void *ctx);

/* Java's Double.toString(d): into out (JAVA_DOUBLE_TEXT_MAX bytes), returning
 * the length; or appended to sb. */
#define JAVA_DOUBLE_TEXT_MAX 40
size_t java_double_text(char *out, double d);
void fmt_java_double(StrBuf *sb, double d);
/* The digits Java's Double.toString shows for |d| (finite, non-zero), NUL-ended
 * in digits[24]: d = d1.d2d3... * 10^exp10. Returns their count. */
int java_double_digits(double d, char *digits, int *exp10);

/* ---- DECIMAL helpers (unscaled __int128 + scale) ---- */

/* Parses a decimal literal ("-12.340", "1e3", "5") exactly. Returns 0, or -1 when
 * it is not a number or needs more than 38 digits. */
int dec_parse(const char *s, size_t n, int128_t *unscaled, int *precision, int *scale);
/* Plain text like Java BigDecimal.toPlainString (ksqlDB writes decimals plain). */
void dec_format(StrBuf *sb, int128_t unscaled, int scale);
/* The plain text of unscaled/scale ("-12.340") into buf (DEC_TEXT_MAX bytes), and
 * BigDecimal.toString's ("1.2E-7" below 1E-6). Return the length. */
#define DEC_TEXT_MAX 96
size_t dec_text(char *buf, int128_t unscaled, int scale);
size_t dec_text_java(char *buf, int128_t unscaled, int scale);
/* Changes scale with HALF_UP rounding. Returns 0, or -1 when the result does not
 * fit `precision` digits (precision 0 = only check 38 digits). */
int dec_rescale(int128_t in, int from_scale, int to_scale, int precision, int128_t *out);
/* Number of decimal digits of |v| (1 for 0). */
int dec_digits(int128_t v);
/* 10^n for n in 0..38. */
int128_t dec_pow10(int n);
double dec_to_double(int128_t unscaled, int scale);
/* Converts a double to a decimal of the given precision/scale (HALF_UP).
 * Returns -1 when it does not fit. */
int dec_from_double(double d, int precision, int scale, int128_t *out);

/* ---- date/time helpers (proleptic Gregorian, UTC) ---- */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

/* ksqlDB's SqlTimeTypes parsers of CAST(string AS TIMESTAMP | DATE | TIME), also
 * used for strings compared with ROWTIME and temporal columns. Each returns 0, or
 * -1 with a reason in `why` (may be NULL).
 * ts_parse_partial: PartialStringToTimestampParser: "yyyy[-MM[-dd]]", or
 *   "yyyy-MM-dd'T'" + a time completed to HH:mm:ss.SSS + an optional Z / +hh[:mm] /
 *   -hh[:mm] offset (UTC otherwise); SMART resolution (Feb 30 -> Feb 28/29).
 * date_parse_iso: the date completed to yyyy-MM-dd, then ISO_LOCAL_DATE (strict).
 * time_parse_iso: ISO_LOCAL_TIME, HH:mm[:ss[.fffffffff]] (strict). */
int ts_parse_partial(const char *s, size_t n, int64_t *ms, char *why, size_t whylen);
int date_parse_iso(const char *s, size_t n, int32_t *days, char *why, size_t whylen);
int time_parse_iso(const char *s, size_t n, int32_t *ms_of_day, char *why, size_t whylen);

/* ---- base64 (standard alphabet, padded), as ksqlDB renders BYTES ---- */
void base64_encode(StrBuf *sb, const void *p, size_t n);
/* Decodes into arena memory; returns length or -1 on bad input. */
long base64_decode(Arena *a, const char *s, size_t n, char **out);

#endif
