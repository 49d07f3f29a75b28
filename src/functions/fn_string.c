/*
 * fn_string.c - string scalar functions (category STRING): CONCAT, CONCAT_WS, CHR,
 * INITCAP, INSTR, LCASE, UCASE, LEN, LPAD/RPAD (strings and bytes), MASK*, MD5,
 * REPLACE, SPLIT (strings and bytes), SPLIT_TO_MAP, SUBSTRING (strings and bytes),
 * TRIM, UUID.
 *
 * Positions and lengths count code points (Java counts UTF-16 units; the two agree
 * outside the supplementary planes), except LEN, which reports Java's String.length().
 */
#include "functions_int.h"

#include <string.h>

#define RET_NULL_IF_ANY_NULL(n)                                                                    \
    do {                                                                                           \
        if (fn_any_null(n, args)) {                                                                \
            *out = val_null();                                                                     \
            return 0;                                                                              \
        }                                                                                          \
    } while (0)

/* ---------------------------------------------------------------- CONCAT */

/* CONCAT(STRING...) / CONCAT(BYTES...): null arguments are skipped. */
static int s_concat(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    size_t total = 0;
    for (int i = 0; i < nargs; i++)
        if (args[i].kind != TYPE_NULL) total += args[i].len;
    ABuf b;
    fn_abuf_init(&b, ctx->arena, total + 1);
    bool bytes = ctx->call->ret->kind == TYPE_BYTES;
    for (int i = 0; i < nargs; i++)
        if (args[i].kind != TYPE_NULL) fn_abuf_put(&b, args[i].u.s, args[i].len);
    *out = bytes ? fn_abuf_bytes(&b) : fn_abuf_string(&b);
    return 0;
}

/* CONCAT_WS(sep, ...): NULL separator gives NULL; null values are skipped. */
static int s_concat_ws(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    if (args[0].kind == TYPE_NULL) {
        *out = val_null();
        return 0;
    }
    ABuf b;
    fn_abuf_init(&b, ctx->arena, 64);
    bool first = true;
    for (int i = 1; i < nargs; i++) {
        if (args[i].kind == TYPE_NULL) continue;
        if (!first) fn_abuf_put(&b, args[0].u.s, args[0].len);
        first = false;
        fn_abuf_put(&b, args[i].u.s, args[i].len);
    }
    *out = ctx->call->ret->kind == TYPE_BYTES ? fn_abuf_bytes(&b) : fn_abuf_string(&b);
    return 0;
}

/* ---------------------------------------------------------------- CHR */

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* CHR(INT code point) or CHR(STRING '\uXXXX[\uXXXX]') (unescaped like Java's
 * StringEscapeUtils.unescapeJava, surrogate pairs combined). */
static int s_chr(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    RET_NULL_IF_ANY_NULL(nargs);
    ABuf b;
    fn_abuf_init(&b, ctx->arena, 8);
    if (args[0].kind == TYPE_INT) {
        int32_t c = args[0].u.i;
        if (c < 0 || c > 0x10FFFF) {
            *out = val_null();
            return 0;
        }
        fn_abuf_put_cp(&b, (uint32_t)c);
        *out = fn_abuf_string(&b);
        return 0;
    }
    const char *s = args[0].u.s;
    size_t n = args[0].len;
    if (n < 6 || s[0] != '\\' || s[1] != 'u') {
        *out = val_null();
        return 0;
    }
    uint32_t pending_high = 0;
    for (size_t i = 0; i < n;) {
        if (s[i] == '\\' && i + 1 < n && s[i + 1] == 'u') {
            uint32_t u = 0;
            bool ok = i + 6 <= n;
            for (int k = 0; ok && k < 4; k++) {
                int h = hexval((unsigned char)s[i + 2 + (size_t)k]);
                if (h < 0)
                    ok = false;
                else
                    u = u << 4 | (uint32_t)h;
            }
            if (!ok) {
                *out = val_null();
                return 0;
            }
            i += 6;
            if (u >= 0xD800 && u < 0xDC00) {
                if (pending_high) fn_abuf_put_cp(&b, 0xFFFD);
                pending_high = u;
                continue;
            }
            if (u >= 0xDC00 && u < 0xE000 && pending_high) {
                fn_abuf_put_cp(&b, 0x10000 + ((pending_high - 0xD800) << 10) + (u - 0xDC00));
                pending_high = 0;
                continue;
            }
            if (pending_high) fn_abuf_put_cp(&b, 0xFFFD);
            pending_high = 0;
            fn_abuf_put_cp(&b, u);
        } else {
            if (pending_high) fn_abuf_put_cp(&b, 0xFFFD);
            pending_high = 0;
            fn_abuf_putc(&b, s[i++]);
        }
    }
    if (pending_high) fn_abuf_put_cp(&b, 0xFFFD);
    *out = fn_abuf_string(&b);
    return 0;
}

/* ---------------------------------------------------------------- case */

/* Java's String.toUpperCase / toLowerCase (root locale): full mappings such as
 * U+00DF -> "SS", U+0130 -> "i" + U+0307, and the final sigma. */
static Value map_case(Arena *a, const Value *v, bool upper)
{
    ABuf b;
    fn_abuf_init(&b, a, v->len + 4);
    size_t i = 0;
    uint32_t prev = 0;
    while (i < v->len) {
        uint32_t c = fn_utf8_next(v->u.s, v->len, &i);
        if (upper) {
            const char *sp = fn_cp_upper_special(c);
            if (sp) {
                while (*sp)
                    fn_abuf_putc(&b, *sp++);
            } else {
                fn_abuf_put_cp(&b, fn_cp_upper(c));
            }
        } else if (c == 0x130) {
            fn_abuf_putc(&b, 'i');
            fn_abuf_put_cp(&b, 0x307);
        } else if (c == 0x3A3) {
            /* Final sigma: after a letter and not before one. */
            size_t j = i;
            uint32_t next = j < v->len ? fn_utf8_next(v->u.s, v->len, &j) : 0;
            bool final = fn_cp_is_letter(prev) && !fn_cp_is_letter(next);
            fn_abuf_put_cp(&b, final ? 0x3C2 : 0x3C3);
        } else {
            fn_abuf_put_cp(&b, fn_cp_lower(c));
        }
        prev = c;
    }
    return fn_abuf_string(&b);
}

static int s_lcase(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    RET_NULL_IF_ANY_NULL(nargs);
    *out = map_case(ctx->arena, &args[0], false);
    return 0;
}

static int s_ucase(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    RET_NULL_IF_ANY_NULL(nargs);
    *out = map_case(ctx->arena, &args[0], true);
    return 0;
}

static bool java_regex_space(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
}

/* INITCAP: ksqlDB lower-cases the whole string (String.toLowerCase), then matches
 * [^\\s]+\\s* and upper-cases the first character of each match: leading spaces
 * are dropped, the rest is kept. */
static int s_initcap(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    RET_NULL_IF_ANY_NULL(nargs);
    Value low = map_case(ctx->arena, &args[0], false);
    const char *s = low.u.s;
    size_t n = low.len, i = 0;
    ABuf b;
    fn_abuf_init(&b, ctx->arena, n + 4);
    bool word_start = true, seen = false;
    while (i < n) {
        size_t at = i;
        uint32_t c = fn_utf8_next(s, n, &i);
        if (java_regex_space(c)) {
            if (seen) fn_abuf_put_cp(&b, c);
            word_start = true;
            continue;
        }
        seen = true;
        if (word_start) {
            Value one = val_string(s + at, (uint32_t)(i - at));
            Value up = map_case(ctx->arena, &one, true);
            for (uint32_t k = 0; k < up.len; k++)
                fn_abuf_putc(&b, up.u.s[k]);
        } else {
            for (size_t k = at; k < i; k++)
                fn_abuf_putc(&b, s[k]);
        }
        word_start = false;
    }
    *out = fn_abuf_string(&b);
    return 0;
}

/* ---------------------------------------------------------------- LEN, TRIM */

static int s_len(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)ctx;
    RET_NULL_IF_ANY_NULL(nargs);
    if (args[0].kind == TYPE_BYTES)
        *out = val_int((int32_t)args[0].len);
    else
        *out = val_int((int32_t)fn_utf16_length(args[0].u.s, args[0].len));
    return 0;
}

static int s_trim(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)ctx;
    RET_NULL_IF_ANY_NULL(nargs);
    const char *s = args[0].u.s;
    size_t a = 0, e = args[0].len;
    while (a < e && (unsigned char)s[a] <= ' ')
        a++;
    while (e > a && (unsigned char)s[e - 1] <= ' ')
        e--;
    *out = val_string(s + a, (uint32_t)(e - a));
    return 0;
}

/* ---------------------------------------------------------------- INSTR */

/* Code point index of the first occurrence of needle at or after code point `from`. */
static long cp_index_of(const char *h, size_t hn, const char *nd, size_t nn, long from)
{
    if (from < 0) from = 0;
    size_t off = fn_utf8_offset(h, hn, (size_t)from);
    long idx = from;
    for (size_t i = off; i + nn <= hn;) {
        if (memcmp(h + i, nd, nn) == 0) return idx;
        fn_utf8_next(h, hn, &i);
        idx++;
    }
    return -1;
}

/* Last occurrence starting at or before code point `from`. */
static long cp_last_index_of(const char *h, size_t hn, const char *nd, size_t nn, long from)
{
    if (from < 0) return -1;
    long best = -1, idx = 0;
    for (size_t i = 0; i + nn <= hn && idx <= from;) {
        if (memcmp(h + i, nd, nn) == 0) best = idx;
        fn_utf8_next(h, hn, &i);
        idx++;
    }
    if (nn == 0 && best < 0) {
        long len = (long)fn_utf8_count(h, hn);
        return from < len ? from : len;
    }
    return best;
}

static int s_instr(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)ctx;
    if (args[0].kind == TYPE_NULL || args[1].kind == TYPE_NULL) {
        *out = val_int(0);
        return 0;
    }
    for (int i = 2; i < nargs; i++)
        if (args[i].kind == TYPE_NULL) {
            *out = val_null();
            return 0;
        }
    long position = nargs > 2 ? args[2].u.i : 1;
    long occurrence = nargs > 3 ? args[3].u.i : 1;
    const char *h = args[0].u.s, *nd = args[1].u.s;
    size_t hn = args[0].len, nn = args[1].len;
    if (position == 0 || occurrence <= 0) {
        *out = val_int(0);
        return 0;
    }
    long index;
    if (position > 0) {
        index = position - 2;
        for (long i = 0; i < occurrence; i++) {
            index = cp_index_of(h, hn, nd, nn, index + 1);
            if (index < 0) {
                *out = val_int(0);
                return 0;
            }
        }
    } else {
        index = (long)fn_utf8_count(h, hn) + position + 1;
        for (long i = 0; i < occurrence; i++) {
            index = cp_last_index_of(h, hn, nd, nn, index - 1);
            if (index < 0) {
                *out = val_int(0);
                return 0;
            }
        }
    }
    *out = val_int((int32_t)(index + 1));
    return 0;
}

/* ---------------------------------------------------------------- LPAD / RPAD */

/* Pads or truncates to target_len units (code points for strings, bytes for BYTES). */
static int pad(FnCtx *ctx, const Value *args, Value *out, bool left)
{
    if (fn_any_null(3, args) || args[1].u.i < 0 || args[2].len == 0) {
        *out = val_null();
        return 0;
    }
    bool bytes = args[0].kind == TYPE_BYTES;
    size_t target = (size_t)args[1].u.i;
    const char *in = args[0].u.s, *pd = args[2].u.s;
    size_t in_n = args[0].len, pd_n = args[2].len;
    size_t in_units = bytes ? in_n : fn_utf8_count(in, in_n);
    size_t pd_units = bytes ? pd_n : fn_utf8_count(pd, pd_n);
    ABuf b;
    fn_abuf_init(&b, ctx->arena, target * 2 + 8);
    size_t pad_units = target > in_units ? target - in_units : 0;
    if (!left) {
        size_t keep = in_units < target ? in_units : target;
        fn_abuf_put(&b, in, bytes ? keep : fn_utf8_offset(in, in_n, keep));
    }
    for (size_t done = 0; done < pad_units;) {
        size_t take = pad_units - done < pd_units ? pad_units - done : pd_units;
        fn_abuf_put(&b, pd, bytes ? take : fn_utf8_offset(pd, pd_n, take));
        done += take;
    }
    if (left) {
        size_t keep = target - pad_units;
        fn_abuf_put(&b, in, bytes ? keep : fn_utf8_offset(in, in_n, keep));
    }
    *out = bytes ? fn_abuf_bytes(&b) : fn_abuf_string(&b);
    return 0;
}

static int s_lpad(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)nargs;
    return pad(ctx, args, out, true);
}

static int s_rpad(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)nargs;
    return pad(ctx, args, out, false);
}

/* ---------------------------------------------------------------- MASK */

#define NO_MASK 0xFFFFFFFFu

typedef struct Masker {
    uint32_t upper, lower, digit, other;
} Masker;

static bool masker_from_args(FnCtx *ctx, const Value *a, int n, Masker *m, int *rc)
{
    m->upper = 'X';
    m->lower = 'x';
    m->digit = 'n';
    m->other = '-';
    if (n == 0) return true;
    uint32_t *slots[4] = {&m->upper, &m->lower, &m->digit, &m->other};
    for (int i = 0; i < 4 && i < n; i++) {
        if (a[i].kind == TYPE_NULL) {
            *slots[i] = NO_MASK;
            continue;
        }
        if (a[i].len == 0) {
            *rc = fn_error(ctx, "The mask character must not be empty");
            return false;
        }
        size_t k = 0;
        *slots[i] = fn_utf8_next(a[i].u.s, a[i].len, &k);
    }
    return true;
}

static uint32_t mask_char(const Masker *m, uint32_t c)
{
    /* ksqlDB's Masker switches on Character.getType. */
    uint32_t r;
    switch (fn_cp_category(c)) {
    case UC_LU: r = m->upper; break;
    case UC_LL: r = m->lower; break;
    case UC_ND: r = m->digit; break;
    default: r = m->other; break;
    }
    return r == NO_MASK ? c : r;
}

/* mode: 'A' all, 'L' mask left n, 'R' mask right n, 'l' keep left n, 'r' keep right n. */
static int do_mask(FnCtx *ctx, int nargs, const Value *args, Value *out, char mode,
                   const char *fname)
{
    if (args[0].kind == TYPE_NULL) {
        *out = val_null();
        return 0;
    }
    int first_mask_arg = mode == 'A' ? 1 : 2;
    long n = 0;
    if (mode != 'A') {
        if (args[1].kind == TYPE_NULL) {
            *out = val_null();
            return 0;
        }
        n = args[1].u.i;
        if (n < 0) return fn_error(ctx, "function %s requires a non-negative number", fname);
    }
    Masker m;
    int rc = 0;
    if (!masker_from_args(ctx, args + first_mask_arg, nargs - first_mask_arg, &m, &rc)) return rc;
    const char *s = args[0].u.s;
    size_t len = args[0].len, total = fn_utf8_count(s, len), i = 0, idx = 0;
    ABuf b;
    fn_abuf_init(&b, ctx->arena, len + 4);
    while (i < len) {
        uint32_t c = fn_utf8_next(s, len, &i);
        bool masked;
        switch (mode) {
        case 'L': masked = (long)idx < n; break;
        case 'R': masked = (long)idx >= (long)total - n; break;
        case 'l': masked = (long)idx >= n; break;
        case 'r': masked = (long)idx < (long)total - n; break;
        default: masked = true; break;
        }
        fn_abuf_put_cp(&b, masked ? mask_char(&m, c) : c);
        idx++;
    }
    *out = fn_abuf_string(&b);
    return 0;
}

static int s_mask(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    return do_mask(ctx, nargs, args, out, 'A', "mask");
}

static int s_mask_left(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    return do_mask(ctx, nargs, args, out, 'L', "mask_left");
}

static int s_mask_right(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    return do_mask(ctx, nargs, args, out, 'R', "mask_right");
}

static int s_mask_keep_left(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    return do_mask(ctx, nargs, args, out, 'l', "mask_keep_left");
}

static int s_mask_keep_right(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    return do_mask(ctx, nargs, args, out, 'r', "mask_keep_right");
}

/* ---------------------------------------------------------------- MD5 */

typedef struct Md5 {
    uint32_t a, b, c, d;
    uint64_t len;
    unsigned char buf[64];
    size_t nbuf;
} Md5;

static const uint32_t md5_k[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};
static const int md5_r[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                              5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
                              4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                              6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};

static void md5_block(Md5 *m, const unsigned char *p)
{
    uint32_t w[16];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[i * 4] | (uint32_t)p[i * 4 + 1] << 8 | (uint32_t)p[i * 4 + 2] << 16 |
               (uint32_t)p[i * 4 + 3] << 24;
    uint32_t a = m->a, b = m->b, c = m->c, d = m->d;
    for (int i = 0; i < 64; i++) {
        uint32_t f;
        int g;
        if (i < 16) {
            f = (b & c) | (~b & d);
            g = i;
        } else if (i < 32) {
            f = (d & b) | (~d & c);
            g = (5 * i + 1) % 16;
        } else if (i < 48) {
            f = b ^ c ^ d;
            g = (3 * i + 5) % 16;
        } else {
            f = c ^ (b | ~d);
            g = (7 * i) % 16;
        }
        uint32_t t = d;
        d = c;
        c = b;
        uint32_t x = a + f + md5_k[i] + w[g];
        b = b + ((x << md5_r[i]) | (x >> (32 - md5_r[i])));
        a = t;
    }
    m->a += a;
    m->b += b;
    m->c += c;
    m->d += d;
}

static void md5_update(Md5 *m, const unsigned char *p, size_t n)
{
    m->len += n;
    while (n) {
        size_t take = 64 - m->nbuf < n ? 64 - m->nbuf : n;
        memcpy(m->buf + m->nbuf, p, take);
        m->nbuf += take;
        p += take;
        n -= take;
        if (m->nbuf == 64) {
            md5_block(m, m->buf);
            m->nbuf = 0;
        }
    }
}

static void md5_digest(const unsigned char *p, size_t n, unsigned char out[16])
{
    Md5 m = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0, {0}, 0};
    md5_update(&m, p, n);
    uint64_t bits = m.len * 8;
    unsigned char pad1 = 0x80, zero = 0;
    md5_update(&m, &pad1, 1);
    while (m.nbuf != 56)
        md5_update(&m, &zero, 1);
    unsigned char lenb[8];
    for (int i = 0; i < 8; i++)
        lenb[i] = (unsigned char)(bits >> (8 * i));
    md5_update(&m, lenb, 8);
    uint32_t r[4] = {m.a, m.b, m.c, m.d};
    for (int i = 0; i < 4; i++)
        for (int k = 0; k < 4; k++)
            out[i * 4 + k] = (unsigned char)(r[i] >> (8 * k));
}

static int s_md5(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    RET_NULL_IF_ANY_NULL(nargs);
    unsigned char d[16];
    md5_digest((const unsigned char *)args[0].u.s, args[0].len, d);
    char *hex = arena_alloc(ctx->arena, 32);
    static const char hx[] = "0123456789abcdef";
    for (int i = 0; i < 16; i++) {
        hex[2 * i] = hx[d[i] >> 4];
        hex[2 * i + 1] = hx[d[i] & 15];
    }
    *out = val_string(hex, 32);
    return 0;
}

/* ---------------------------------------------------------------- REPLACE */

/* Java String.replace(target, replacement): literal, every occurrence; an empty target
 * inserts the replacement around every character. */
static int s_replace(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    RET_NULL_IF_ANY_NULL(nargs);
    const char *s = args[0].u.s, *t = args[1].u.s, *r = args[2].u.s;
    size_t n = args[0].len, tn = args[1].len, rn = args[2].len;
    ABuf b;
    fn_abuf_init(&b, ctx->arena, n + 16);
    if (tn == 0) {
        size_t i = 0;
        fn_abuf_put(&b, r, rn);
        while (i < n) {
            size_t st = i;
            fn_utf8_next(s, n, &i);
            fn_abuf_put(&b, s + st, i - st);
            fn_abuf_put(&b, r, rn);
        }
        *out = fn_abuf_string(&b);
        return 0;
    }
    size_t i = 0;
    while (i < n) {
        if (i + tn <= n && memcmp(s + i, t, tn) == 0) {
            fn_abuf_put(&b, r, rn);
            i += tn;
        } else {
            fn_abuf_putc(&b, s[i++]);
        }
    }
    *out = fn_abuf_string(&b);
    return 0;
}

/* ---------------------------------------------------------------- SPLIT */

/* Splits s by a literal delimiter (Guava Splitter.on, keeping empty parts); an empty
 * delimiter splits into characters (bytes for BYTES). */
/* The first occurrence of d (dn > 0 bytes) in s[from..n), or n. */
static size_t find_delim(const char *s, size_t n, size_t from, const char *d, size_t dn)
{
    while (from + dn <= n) {
        const char *hit = memchr(s + from, d[0], n - dn + 1 - from);
        if (!hit) return n;
        size_t i = (size_t)(hit - s);
        if (dn == 1 || memcmp(hit + 1, d + 1, dn - 1) == 0) return i;
        from = i + 1;
    }
    return n;
}

static Value split_literal(Arena *a, const Value *str, const Value *delim, bool bytes)
{
    const char *s = str->u.s, *d = delim->u.s;
    size_t n = str->len, dn = delim->len;
    TypeKind k = bytes ? TYPE_BYTES : TYPE_STRING;
    if (dn == 0) {
        if (n == 0) {
            Value arr = val_array_new(a, 1, NULL);
            arr.u.items[0] = bytes ? val_bytes(s, 0) : val_string(s, 0);
            return arr;
        }
        size_t cnt = bytes ? n : fn_utf8_count(s, n);
        Value arr = val_array_new(a, (uint32_t)cnt, NULL);
        size_t i = 0;
        for (size_t k2 = 0; k2 < cnt; k2++) {
            size_t st = i;
            if (bytes)
                i++;
            else
                fn_utf8_next(s, n, &i);
            Value v = {.kind = (uint8_t)k, .len = (uint32_t)(i - st)};
            v.u.s = s + st;
            arr.u.items[k2] = v;
        }
        return arr;
    }
    size_t parts = 1;
    for (size_t i = find_delim(s, n, 0, d, dn); i < n; i = find_delim(s, n, i + dn, d, dn))
        parts++;
    Value arr = val_array_new(a, (uint32_t)parts, NULL);
    size_t start = 0, p = 0;
    for (size_t i = find_delim(s, n, 0, d, dn); i < n; i = find_delim(s, n, start, d, dn)) {
        Value v = {.kind = (uint8_t)k, .len = (uint32_t)(i - start)};
        v.u.s = s + start;
        arr.u.items[p++] = v;
        start = i + dn;
    }
    Value v = {.kind = (uint8_t)k, .len = (uint32_t)(n - start)};
    v.u.s = s + start;
    arr.u.items[p] = v;
    return arr;
}

static int s_split(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    RET_NULL_IF_ANY_NULL(nargs);
    *out = split_literal(ctx->arena, &args[0], &args[1], args[0].kind == TYPE_BYTES);
    out->type = ctx->call->ret;
    return 0;
}

/* SPLIT_TO_MAP(input, entryDelimiter, kvDelimiter): empty entries are skipped, entries
 * without the kv delimiter are dropped, later duplicate keys win. */
static int s_split_to_map(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    RET_NULL_IF_ANY_NULL(nargs);
    if (args[1].len == 0 || args[2].len == 0) {
        *out = val_null();
        return 0;
    }
    Value entries = split_literal(ctx->arena, &args[0], &args[1], false);
    Value m = val_map_new(ctx->arena, entries.len, ctx->call->ret);
    uint32_t n = 0;
    for (uint32_t i = 0; i < entries.len; i++) {
        if (entries.u.items[i].len == 0) continue;
        Value kv = split_literal(ctx->arena, &entries.u.items[i], &args[2], false);
        if (kv.len < 2) continue;
        uint32_t slot = n;
        for (uint32_t k = 0; k < n; k++)
            if (val_equal(&m.u.items[2 * k], &kv.u.items[0])) slot = k;
        m.u.items[2 * slot] = kv.u.items[0];
        m.u.items[2 * slot + 1] = kv.u.items[1];
        if (slot == n) n++;
    }
    m.len = n;
    fn_map_java_order(&m, ctx->arena, 0); /* Collectors.toMap: a HashMap */
    *out = m;
    return 0;
}

/* ---------------------------------------------------------------- SUBSTRING */

static int s_substring(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)ctx;
    RET_NULL_IF_ANY_NULL(nargs);
    bool bytes = args[0].kind == TYPE_BYTES;
    const char *s = args[0].u.s;
    size_t n = args[0].len;
    long len = bytes ? (long)n : (long)fn_utf8_count(s, n);
    long pos = args[1].u.i;
    long start = pos < 0 ? (len + pos > 0 ? len + pos : 0) : (pos - 1 < len ? pos - 1 : len);
    if (start < 0) start = 0;
    long end = len;
    if (nargs > 2) {
        long want = start + (long)args[2].u.i;
        end = want < len ? want : len;
        if (end < start) end = start;
    }
    size_t bs = bytes ? (size_t)start : fn_utf8_offset(s, n, (size_t)start);
    size_t be = bytes ? (size_t)end : fn_utf8_offset(s, n, (size_t)end);
    *out = bytes ? val_bytes(s + bs, (uint32_t)(be - bs)) : val_string(s + bs, (uint32_t)(be - bs));
    return 0;
}

/* ---------------------------------------------------------------- UUID */

static Value format_uuid(Arena *a, const unsigned char *u)
{
    static const char hx[] = "0123456789abcdef";
    char *p = arena_alloc(a, 36);
    size_t k = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) p[k++] = '-';
        p[k++] = hx[u[i] >> 4];
        p[k++] = hx[u[i] & 15];
    }
    return val_string(p, 36);
}

static int s_uuid(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    unsigned char u[16];
    if (nargs == 1) {
        if (args[0].kind == TYPE_NULL || args[0].len != 16) {
            *out = val_null();
            return 0;
        }
        memcpy(u, args[0].u.s, 16);
    } else {
        uint64_t a = fn_rand64(), b = fn_rand64();
        for (int i = 0; i < 8; i++) {
            u[i] = (unsigned char)(a >> (8 * i));
            u[8 + i] = (unsigned char)(b >> (8 * i));
        }
        u[6] = (unsigned char)((u[6] & 0x0F) | 0x40); /* version 4 */
        u[8] = (unsigned char)((u[8] & 0x3F) | 0x80); /* IETF variant */
    }
    *out = format_uuid(ctx->arena, u);
    return 0;
}

/* ---------------------------------------------------------------- table */

#define STR(NAME, vs, desc)                                                                        \
    {                                                                                              \
        .name = NAME, .kind = FN_SCALAR, .category = "STRING", .description = desc,                \
        FN_VARIANTS(vs)                                                                            \
    }

static const FnVariant v_concat[] = {
    {.params = "STRING... inputs",
     .returns = "STRING",
     .description = "Concatenates the strings; null inputs are skipped.",
     .impl = s_concat},
    {.params = "BYTES... inputs",
     .returns = "BYTES",
     .description = "Concatenates the byte arrays; null inputs are skipped.",
     .impl = s_concat},
};

static const FnVariant v_concat_ws[] = {
    {.params = "STRING separator, STRING... args",
     .returns = "STRING",
     .description =
         "Concatenates the strings with the separator between them; null inputs are skipped.",
     .impl = s_concat_ws},
    {.params = "BYTES separator, BYTES... args",
     .returns = "BYTES",
     .description =
         "Concatenates the byte arrays with the separator between them; null inputs are skipped.",
     .impl = s_concat_ws},
};

static const FnVariant v_chr[] = {
    {.params = "INT decimalCode",
     .returns = "STRING",
     .description = "Returns the character of the given Unicode code point.",
     .impl = s_chr},
    {.params = "STRING utf16Code",
     .returns = "STRING",
     .description =
         "Returns the character of the given '\\uXXXX' escape (surrogate pairs allowed).",
     .impl = s_chr},
};

static const FnVariant v_lcase[] = {
    {.params = "STRING input",
     .returns = "STRING",
     .description = "Returns the input in lower case.",
     .impl = s_lcase},
};

static const FnVariant v_ucase[] = {
    {.params = "STRING input",
     .returns = "STRING",
     .description = "Returns the input in upper case.",
     .impl = s_ucase},
};

static const FnVariant v_initcap[] = {
    {.params = "STRING input",
     .returns = "STRING",
     .description = "Capitalizes the first letter of each word and lower-cases the rest.",
     .impl = s_initcap},
};

static const FnVariant v_len[] = {
    {.params = "STRING input",
     .returns = "INT",
     .description = "Returns the length of the string.",
     .impl = s_len},
    {.params = "BYTES input",
     .returns = "INT",
     .description = "Returns the number of bytes.",
     .impl = s_len},
};

static const FnVariant v_trim[] = {
    {.params = "STRING input",
     .returns = "STRING",
     .description = "Removes leading and trailing whitespace.",
     .impl = s_trim},
};

static const FnVariant v_instr[] = {
    {.params = "STRING str, STRING substring",
     .returns = "INT",
     .description = "Returns the 1-based position of substring in str, or 0.",
     .impl = s_instr},
    {.params = "STRING str, STRING substring, INT position",
     .returns = "INT",
     .description = "Searches from position (negative: from the end backwards).",
     .impl = s_instr},
    {.params = "STRING str, STRING substring, INT position, INT occurrence",
     .returns = "INT",
     .description = "Returns the position of the nth occurrence of substring.",
     .impl = s_instr},
};

static const FnVariant v_lpad[] = {
    {.params = "STRING input, INT length, STRING padding",
     .returns = "STRING",
     .description = "Pads the input on the left to length with padding (or truncates it).",
     .impl = s_lpad},
    {.params = "BYTES input, INT length, BYTES padding",
     .returns = "BYTES",
     .description = "Pads the bytes on the left to length with padding (or truncates them).",
     .impl = s_lpad},
};

static const FnVariant v_rpad[] = {
    {.params = "STRING input, INT length, STRING padding",
     .returns = "STRING",
     .description = "Pads the input on the right to length with padding (or truncates it).",
     .impl = s_rpad},
    {.params = "BYTES input, INT length, BYTES padding",
     .returns = "BYTES",
     .description = "Pads the bytes on the right to length with padding (or truncates them).",
     .impl = s_rpad},
};

#define MASK_VARIANTS(cname, fn, what)                                                             \
    static const FnVariant cname[] = {                                                             \
        {.params = "STRING input, INT numChars",                                                   \
         .returns = "STRING",                                                                      \
         .description = what,                                                                      \
         .impl = fn},                                                                              \
        {.params =                                                                                 \
             "STRING input, INT numChars, STRING upper, STRING lower, STRING digit, STRING other", \
         .returns = "STRING",                                                                      \
         .description = what,                                                                      \
         .impl = fn},                                                                              \
    };

static const FnVariant v_mask[] = {
    {.params = "STRING input",
     .returns = "STRING",
     .description =
         "Masks all characters: upper case to X, lower case to x, digits to n, others to -.",
     .impl = s_mask},
    {.params = "STRING input, STRING upper, STRING lower, STRING digit, STRING other",
     .returns = "STRING",
     .description = "Masks all characters with the given mask characters (null keeps that class).",
     .impl = s_mask},
};
MASK_VARIANTS(v_mask_left, s_mask_left, "Masks the first numChars characters.")
MASK_VARIANTS(v_mask_right, s_mask_right, "Masks the last numChars characters.")
MASK_VARIANTS(v_mask_keep_left, s_mask_keep_left, "Masks all but the first numChars characters.")
MASK_VARIANTS(v_mask_keep_right, s_mask_keep_right, "Masks all but the last numChars characters.")

static const FnVariant v_md5[] = {
    {.params = "STRING input",
     .returns = "STRING",
     .description = "Returns the hex-encoded MD5 hash of the UTF-8 bytes of input.",
     .impl = s_md5},
};

static const FnVariant v_replace[] = {
    {.params = "STRING str, STRING substring, STRING replacement",
     .returns = "STRING",
     .description = "Replaces every occurrence of substring in str with replacement.",
     .impl = s_replace},
};

static const FnVariant v_split[] = {
    {.params = "STRING string, STRING delimiter",
     .returns = "ARRAY<STRING>",
     .description =
         "Splits the string by the delimiter; an empty delimiter splits into characters.",
     .impl = s_split},
    {.params = "BYTES bytes, BYTES delimiter",
     .returns = "ARRAY<BYTES>",
     .description =
         "Splits the bytes by the delimiter; an empty delimiter splits into single bytes.",
     .impl = s_split},
};

static const FnVariant v_split_to_map[] = {
    {.params = "STRING input, STRING entryDelimiter, STRING kvDelimiter",
     .returns = "MAP<STRING, STRING>",
     .description = "Splits the input into a map of key-value pairs.",
     .impl = s_split_to_map},
};

static const FnVariant v_substring[] = {
    {.params = "STRING str, INT pos",
     .returns = "STRING",
     .description =
         "Returns str from the 1-based position pos (negative counts from the end) to the end.",
     .impl = s_substring},
    {.params = "STRING str, INT pos, INT length",
     .returns = "STRING",
     .description = "Returns length characters of str from the 1-based position pos.",
     .impl = s_substring},
    {.params = "BYTES str, INT pos",
     .returns = "BYTES",
     .description = "Returns the bytes from the 1-based position pos to the end.",
     .impl = s_substring},
    {.params = "BYTES str, INT pos, INT length",
     .returns = "BYTES",
     .description = "Returns length bytes from the 1-based position pos.",
     .impl = s_substring},
};

static const FnVariant v_uuid[] = {
    {.params = "",
     .returns = "STRING",
     .description = "Returns a random (version 4) UUID string.",
     .impl = s_uuid},
    {.params = "BYTES bytes",
     .returns = "STRING",
     .description = "Formats 16 bytes as a UUID string.",
     .impl = s_uuid},
};

static const FnDef string_defs[] = {
    STR("CHR", v_chr, "Returns a single-character string for a code point or a \\u escape."),
    STR("CONCAT", v_concat, "Concatenates strings or byte arrays."),
    STR("CONCAT_WS", v_concat_ws, "Concatenates strings or byte arrays with a separator."),
    STR("INITCAP", v_initcap, "Capitalizes the first letter of each word."),
    STR("INSTR", v_instr, "Returns the position of a substring."),
    STR("LCASE", v_lcase, "Converts a string to lower case."),
    STR("LEN", v_len, "Returns the length of a string or byte array."),
    STR("LPAD", v_lpad, "Left-pads a string or byte array to a length."),
    STR("MASK", v_mask, "Masks a string."),
    STR("MASK_KEEP_LEFT", v_mask_keep_left, "Masks all but the leftmost characters of a string."),
    STR("MASK_KEEP_RIGHT", v_mask_keep_right,
        "Masks all but the rightmost characters of a string."),
    STR("MASK_LEFT", v_mask_left, "Masks the leftmost characters of a string."),
    STR("MASK_RIGHT", v_mask_right, "Masks the rightmost characters of a string."),
    STR("MD5", v_md5, "Computes the MD5 hash of a string, hex encoded."),
    STR("REPLACE", v_replace, "Replaces all occurrences of a substring."),
    STR("RPAD", v_rpad, "Right-pads a string or byte array to a length."),
    STR("SPLIT", v_split, "Splits a string or byte array by a delimiter."),
    STR("SPLIT_TO_MAP", v_split_to_map, "Splits a string into a map of key-value pairs."),
    STR("SUBSTRING", v_substring, "Returns a substring (1-based positions)."),
    STR("TRIM", v_trim, "Removes leading and trailing whitespace."),
    STR("UCASE", v_ucase, "Converts a string to upper case."),
    STR("UUID", v_uuid, "Creates a UUID string."),
};

FN_FAMILY(string_defs);
