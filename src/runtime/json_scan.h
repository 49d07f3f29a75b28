/*
 * json_scan.h - the JSON lexer under the record-path decoder (serde_json.c) and
 * json_value.c: strings, numbers, literals and skipping whole values, with the
 * acceptance rules of Jackson's default parser (what ksqlDB reads JSON with): no
 * comments, no single quotes, no leading zeros or plus signs, no NaN, strict UTF-8,
 * no unescaped control characters in strings.
 *
 * Internal to src/runtime. Nothing here allocates except decoded strings that
 * contain escapes (copied into the caller's arena); everything else points into
 * the input.
 */
#ifndef EDDY_JSON_SCAN_H
#define EDDY_JSON_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/arena.h"
#include "../common/strbuf.h"
#include "../common/value.h"

/* Nesting limit for arrays and objects (Jackson 2.15's default). */
#define JSCAN_MAX_DEPTH 1000

typedef struct JScan {
    const char *p;   /* cursor */
    const char *end; /* one past the last input byte */
    int depth;       /* containers currently open */
    char msg[160];   /* syntax error text, when a call returned -1 */
} JScan;

/* A lexed number: sign, the digits before and after the point, and the exponent.
 * The value is (int_digits.frac_digits) * 10^exp. Also used for numbers in text
 * (BigDecimal / parseDouble grammars), see jnum_lex_*. */
typedef struct JNum {
    const char *text; /* the whole token */
    size_t len;
    bool neg;
    bool is_float;    /* had '.' or an exponent: Jackson makes a DecimalNode */
    const char *idig; /* digits before the point */
    size_t nidig;
    const char *fdig; /* digits after the point */
    size_t nfdig;
    int64_t exp; /* clamped to +-2^40 */
} JNum;

static inline void js_init(JScan *s, const char *buf, size_t len)
{
    s->p = buf;
    s->end = buf + len;
    s->depth = 0;
    s->msg[0] = 0;
}

static inline void js_ws(JScan *s)
{
    const char *p = s->p, *e = s->end;
    while (p < e && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
        p++;
    s->p = p;
}

/* Sets s->msg and returns -1. */
int js_fail(JScan *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "Unexpected character ('x' (code 120)): <what>" or end-of-input, returns -1. */
int js_unexpected(JScan *s, const char *what);
/* The cursor is not at a value: Jackson's "Unrecognized token 'abc': ..." for
 * letters, "Unexpected character ... expected a valid value ..." otherwise. -1. */
int js_bad_value(JScan *s);

/* At '"': scans a string. On return *raw and *rawlen are the text between the quotes
 * and *esc tells whether it holds escapes. Validates UTF-8 and escapes. 0 or -1. */
int js_string_raw(JScan *s, const char **raw, size_t *rawlen, bool *esc);
/* Decodes a raw string (from js_string_raw) that has escapes into the arena.
 * Lone surrogates become '?', as Java's UTF-8 encoder writes them. */
size_t js_unescape(const char *raw, size_t rawlen, char *out);
/* At '"': the decoded string, pointing into the input when it has no escapes. */
int js_string(JScan *s, Arena *a, const char **out, size_t *len);

/* At '-' or a digit: lexes a number. 0 or -1. */
int js_number(JScan *s, JNum *n);
/* At 't', 'f' or 'n': lexes a literal; *kind is TYPE_BOOLEAN (with *b) or TYPE_NULL. */
int js_literal(JScan *s, int *kind, bool *b);
/* Skips one value of any kind (iteratively, validating it). 0 or -1. */
int js_skip(JScan *s);
/* After a root value: Jackson insists on white space after a root-level number and
 * ignores whatever follows a root value otherwise. */
int js_root_end(JScan *s, bool was_number);

/* ---- numbers ---- */

/* Jackson's node class for the number: IntNode, LongNode, BigIntegerNode, DecimalNode. */
const char *jnum_node_name(const JNum *n);
/* The low 64 bits of the integer part (truncated toward zero), as Java's
 * BigDecimal/BigInteger longValue() gives them; intValue() is its low 32 bits. */
int64_t jnum_to_i64(const JNum *n);
/* Correctly rounded double. */
double jnum_to_double(const JNum *n);
/* Rounds to `scale` digits (HALF_UP) and checks the result fits `precision`.
 * Returns 0, or -1 on overflow. */
int jnum_to_decimal(const JNum *n, int precision, int scale, int128_t *out);
/* Jackson's asText(): integers as written ("-0" as "0"); floats as a BigDecimal
 * with trailing zeros stripped, in BigDecimal.toString() form ("1E+1", "0.5"). */
void jnum_astext(const JNum *n, StrBuf *sb);
/* BigDecimal.toPlainString(); strip drops trailing zeros first. */
void jnum_plain(const JNum *n, bool strip, StrBuf *sb);

/* Grammar of Java's new BigDecimal(String): [+-]digits[.digits][e[+-]digits]. 0 or -1. */
int jnum_lex_bigdecimal(const char *s, size_t n, JNum *out);
/* Java's Integer.parseInt / Long.parseLong (radix 10). 0 or -1. */
int java_parse_int(const char *s, size_t n, int32_t *out);
int java_parse_long(const char *s, size_t n, int64_t *out);
/* Java's Double.parseDouble: trims blanks, accepts NaN, Infinity, hex and f/d
 * suffixes. 0 or -1. */
int java_parse_double(const char *s, size_t n, double *out);

/* ---- UTF-8 ---- */

/* Length of the valid UTF-8 prefix of s (n when all valid). */
size_t utf8_valid_prefix(const char *s, size_t n);
/* Copies s to the arena replacing each malformed sequence with U+FFFD, as Java's
 * new String(bytes, UTF_8) does. */
const char *utf8_sanitize(Arena *a, const char *s, size_t n, size_t *outlen);

/* Writes s as a JSON string the way Jackson does (short escapes for \b\t\n\f\r,
 * \u00XX upper-case hex for other controls, nothing else escaped). */
void json_put_string(StrBuf *sb, const char *s, size_t n);

#endif
