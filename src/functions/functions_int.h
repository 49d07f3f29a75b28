/*
 * functions_int.h - internals shared by the files of src/functions: the compiled form
 * of signature patterns, the per-family function tables the registry collects, and
 * small helpers the implementations use on the record path (arena-backed text
 * buffers, UTF-8, Java-compatible number text, null checks).
 *
 * Nothing here is part of the module's public surface; other modules use
 * functions.h only. Tests may include this header.
 */
#ifndef EDDY_FUNCTIONS_INT_H
#define EDDY_FUNCTIONS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "functions.h"

/* ---------------------------------------------------------------- patterns */

typedef enum PatKind {
    PK_PRIM,       /* prim: one primitive TypeKind (also TYPE_INTERVAL_UNIT) */
    PK_DECIMAL,    /* any DECIMAL(p, s) */
    PK_ARRAY,      /* elem */
    PK_MAP,        /* key, elem */
    PK_STRUCT_ANY, /* any STRUCT */
    PK_STRUCT,     /* n fields: names[i], items[i] */
    PK_GENERIC,    /* gen: index of the type variable in the variant */
    PK_LAMBDA,     /* n params items[i], elem = body */
    PK_ANY,        /* every type, binds nothing */
} PatKind;

typedef struct Pat Pat;
struct Pat {
    PatKind kind;
    TypeKind prim;
    int gen;
    const Pat *elem;
    const Pat *key;
    int n;
    const Pat **items;
    const char **names;
    char gen_name[32]; /* PK_GENERIC: the letter(s) as written */
};

typedef struct PatParam {
    const Pat *pat;
    const char *name; /* "" when unnamed */
    bool is_const;
    bool vararg;
} PatParam;

#define FN_MAX_GENERICS 12

typedef struct CompiledVariant {
    int nparams;
    PatParam *params;
    int vararg;       /* index of the "..." parameter, or -1 */
    const Pat *ret;   /* NULL when FnVariant.returns is NULL */
    const Pat *state; /* NULL when FnVariant.state is NULL */
    int ngenerics;
    bool ok; /* parsed without error */
} CompiledVariant;

/* Compiled form of variant `v` of `def` (NULL if def is not registered). */
const CompiledVariant *fn_compiled(const FnDef *def, const FnVariant *v);

/* Number of signature patterns that failed to parse at registry init (tests assert 0);
 * the first failure's text is copied to buf. */
int fn_registry_pattern_errors(char *buf, size_t n);

/* Prints a pattern the way ksqlDB prints a parameter type ("INT", "ARRAY<T>"). */
void fn_pat_print(StrBuf *sb, const Pat *p);

/* ---------------------------------------------------------------- families */

typedef struct FnFamily {
    const FnDef *defs;
    int n;
} FnFamily;

#define FN_FAMILY(arr) const FnFamily fn_family_##arr = {arr, (int)(sizeof arr / sizeof arr[0])}

extern const FnFamily fn_family_math_defs;
extern const FnFamily fn_family_string_defs;
extern const FnFamily fn_family_regex_defs;
extern const FnFamily fn_family_collection_defs;
extern const FnFamily fn_family_lambda_defs;
extern const FnFamily fn_family_json_defs;
extern const FnFamily fn_family_datetime_defs;
extern const FnFamily fn_family_url_defs;
extern const FnFamily fn_family_bytes_defs;
extern const FnFamily fn_family_nulls_defs;
extern const FnFamily fn_family_table_defs;
extern const FnFamily fn_family_agg_basic_defs;
extern const FnFamily fn_family_agg_collect_defs;
extern const FnFamily fn_family_agg_offset_defs;
extern const FnFamily fn_family_agg_stats_defs;
extern const FnFamily fn_family_test_defs;

/* Shorthand for the variants table of one FnDef. */
#define FN_VARIANTS(arr) (int)(sizeof arr / sizeof arr[0]), arr

/* ---------------------------------------------------------------- arena text */

/* A text buffer whose memory comes from an arena (the record path may not malloc). */
typedef struct ABuf {
    Arena *a;
    char *p;
    size_t len;
    size_t cap;
} ABuf;

void fn_abuf_init(ABuf *b, Arena *a, size_t cap);
void fn_abuf_put(ABuf *b, const void *s, size_t n);
void fn_abuf_putc(ABuf *b, char c);
void fn_abuf_puts(ABuf *b, const char *s);
void fn_abuf_printf(ABuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends code point cp as UTF-8. */
void fn_abuf_put_cp(ABuf *b, uint32_t cp);
/* The text as a STRING value (points into the arena). */
Value fn_abuf_string(const ABuf *b);
Value fn_abuf_bytes(const ABuf *b);

/* Copies n bytes into the arena as a STRING value. */
Value fn_string(Arena *a, const char *s, size_t n);
Value fn_cstring(Arena *a, const char *s);

/* ---------------------------------------------------------------- UTF-8 */

/* Decodes the code point at s[*i] (n bytes total) and advances *i; an invalid byte
 * decodes as itself (Latin-1) so that no input is lost. */
uint32_t fn_utf8_next(const char *s, size_t n, size_t *i);
/* Number of code points. */
size_t fn_utf8_count(const char *s, size_t n);
/* Byte offset of code point number k (clamped to n). */
size_t fn_utf8_offset(const char *s, size_t n, size_t k);
/* Java's String.length(): UTF-16 code units. */
size_t fn_utf16_length(const char *s, size_t n);
/* Simple Unicode case mapping of one code point (the C library's Unicode tables). */
uint32_t fn_cp_lower(uint32_t c);
uint32_t fn_cp_upper(uint32_t c);
/* Java Character.getType, reduced to what the string functions distinguish
 * (unicode_cat.c, generated by scripts/gen-unicode-cats.py). */
typedef enum UnicodeCat { UC_OTHER, UC_LU, UC_LL, UC_LT, UC_LM, UC_LO, UC_ND } UnicodeCat;
UnicodeCat fn_cp_category(uint32_t c);
/* Character.isLetter. */
bool fn_cp_is_letter(uint32_t c);
/* Java toUpperCase's one-to-many mappings (U+00DF -> "SS", ligatures), UTF-8, or NULL. */
const char *fn_cp_upper_special(uint32_t c);
/* Java Character.isWhitespace. */
bool fn_cp_is_java_space(uint32_t c);

/* ---------------------------------------------------------------- numbers */

/* INT/BIGINT/DOUBLE/DECIMAL value as a double. */
double fn_to_double(const Value *v);
/* Java's Double.toString. */
void fn_put_double(ABuf *b, double d);
/* Java-compatible text of any value, as String.valueOf/toString would give it
 * (ksqlDB's implicit STRING conversions inside functions). */
void fn_put_value(ABuf *b, const Value *v);
/* Shortest decimal digits of a finite double, as BigDecimal.valueOf(d) sees them:
 * unscaled value and scale (may be negative scale for big numbers -> scale 0).
 * Returns -1 when the value needs more than 38 digits. */
int fn_double_to_dec(double d, int128_t *unscaled, int *scale);
/* Rescales with the given rounding: 'U' HALF_UP, 'D' HALF_DOWN, 'T' truncate (DOWN),
 * 'F' FLOOR, 'C' CEILING. Returns -1 on overflow of 38 digits. */
int fn_dec_round(int128_t in, int from_scale, int to_scale, char mode, int128_t *out);

/* Converts v to kind `to` (numeric widening INT -> BIGINT -> DECIMAL -> DOUBLE, and
 * identity); used where a lambda or a generic returns a narrower value than declared.
 * `to_type` gives the DECIMAL scale. Returns false when no widening applies. */
bool fn_widen_value(const Value *v, const Type *to_type, Value *out);

/* ---------------------------------------------------------------- JSON (json.c) */

typedef enum JKind { J_MISSING, J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } JKind;

/* A parsed JSON value in an arena. Strings are decoded UTF-8; numbers keep their text.
 * Objects keep key order; items holds key, value, key, value ... for objects. */
typedef struct JNode JNode;
struct JNode {
    JKind kind;
    bool b;
    bool integral; /* J_NUM without fraction or exponent */
    const char *s; /* J_STR text / J_NUM text */
    uint32_t n;    /* text length */
    uint32_t len;  /* J_ARR items / J_OBJ entries */
    JNode *items;
};

/* Parses the first JSON value of s (trailing text is ignored, as Jackson's readTree
 * does). Empty or blank input gives J_MISSING. Returns 0, or -1 on malformed JSON. */
int fjson_parse(Arena *a, const char *s, size_t n, JNode *out);
/* Compact serialization as Jackson's JsonNode.toString(). */
void fjson_write(ABuf *b, const JNode *j);
/* Appends s as a JSON string literal. */
void fjson_put_string(ABuf *b, const char *s, size_t n);
/* Member of an object by key (NULL when absent or not an object). */
const JNode *fjson_get(const JNode *obj, const char *key, size_t n);

/* ---------------------------------------------------------------- time zones (tz.c) */

typedef struct Tz Tz;

/* Resolves a Java ZoneId text: region ids from the system tz database
 * ("America/Los_Angeles", "EST5EDT"), "Z", "UTC"/"GMT"/"UT", offsets ("+02:00",
 * "+0200", "-5", "+hh:mm:ss") and prefixed offsets ("UTC+3", "GMT-08:00"). Zones are
 * loaded once and live for the process; lookups after the first use of an id take no
 * lock. NULL when the id is unknown or malformed. */
const Tz *tz_get(const char *id, size_t n);
/* The UTC zone. */
const Tz *tz_utc(void);
/* Offset from UTC in seconds in effect at epoch second t. */
int32_t tz_offset_at(const Tz *z, int64_t t);
/* The epoch second of local time `local` (seconds since 1970-01-01T00:00 as if UTC):
 * in a gap the time moves forward by the gap, in an overlap the earlier offset wins
 * (Java's ZonedDateTime.ofLocal). *offset receives the offset used. */
int64_t tz_local_to_epoch(const Tz *z, int64_t local, int32_t *offset);
/* Abbreviation in effect at epoch second t ("PST", "UTC", "+05:30"). */
const char *tz_abbrev_at(const Tz *z, int64_t t, bool *is_dst);
/* The zone id as Java prints it ("America/Los_Angeles", "Z", "+02:00", "UTC"). */
const char *tz_id(const Tz *z);
/* Whether the zone is a fixed offset (ZoneOffset in Java). */
bool tz_is_offset(const Tz *z);

/* ---------------------------------------------------------------- Java date patterns */

typedef struct JFmt JFmt;

/* Date/time fields handed to the formatter; has_* tell which exist (formatting a field
 * that does not exist is an error "Unsupported field: HourOfDay", as for LocalDate). */
typedef struct JTime {
    bool has_date, has_time, has_zone;
    int64_t year;
    int month, day; /* 1-based */
    int hour, minute, second;
    int32_t nano;
    const Tz *zone;    /* has_zone */
    int32_t offset;    /* seconds east of UTC, has_zone */
    int64_t epoch_sec; /* has_zone: the instant (for zone names) */
} JTime;

/* What a parse produced; missing fields are reported, not defaulted. */
typedef struct JParsed {
    bool has_year, has_month, has_day, has_doy, has_hour, has_minute, has_second, has_nano;
    bool has_offset, has_zone;
    int64_t year;
    int month, day, doy, hour, minute, second;
    int32_t nano;
    int32_t offset; /* seconds, has_offset */
    const Tz *zone; /* has_zone */
    int dow;        /* 1 = Monday .. 7, 0 when not parsed */
} JParsed;

/* Compiles a DateTimeFormatter pattern into arena memory. NULL on a bad pattern with
 * Java's message in err ("Unknown pattern letter: b"). */
JFmt *jfmt_compile(Arena *a, const char *pat, size_t n, char *err, size_t errn);
/* Formats t; returns 0, or -1 with err set (e.g. "Unsupported field: HourOfDay"). */
int jfmt_format(const JFmt *f, const JTime *t, ABuf *out, char *err, size_t errn);
/* Parses the whole text; returns 0 or -1 with Java's message in err. Validates ranges;
 * date fields are resolved (month/day defaulted by the caller). */
int jfmt_parse(const JFmt *f, const char *s, size_t n, JParsed *out, char *err, size_t errn);
/* The pattern text the format was compiled from. */
const char *jfmt_pattern(const JFmt *f);

/* ---------------------------------------------------------------- misc */

static inline bool fn_any_null(int n, const Value *a)
{
    for (int i = 0; i < n; i++)
        if (a[i].kind == TYPE_NULL) return true;
    return false;
}

/* Looks up a config property through call->opts (NULL when none). */
const char *fn_config(const FnCall *call, const char *name);

/* Thread-local pseudo random numbers (xoshiro256**, seeded once per thread from the
 * OS), no locks. */
uint64_t fn_rand64(void);
double fn_rand_double(void);

/* Text of an INTERVALUNIT argument -> milliseconds per unit as a ratio num/den
 * (NANOSECONDS = 1/1000000). Returns false when the name is not a unit. */
bool fn_time_unit(const char *s, size_t n, int64_t *num, int64_t *den);

#endif
