/*
 * fn_regex.c - the regular-expression functions (REGEXP_EXTRACT, REGEXP_EXTRACT_ALL,
 * REGEXP_REPLACE, REGEXP_SPLIT_TO_ARRAY) on PCRE2 with Java's java.util.regex
 * semantics: Java-only syntax (\p{Lower}, \p{Alpha}, ... POSIX classes) is rewritten,
 * find() advances past empty matches like Matcher.find, replacements use Java's
 * "$1 / ${name} / \x" rules, and splitting follows Pattern.split(input, -1).
 *
 * A literal pattern is compiled once at plan time (prepare) into the plan arena through
 * a PCRE2 general context that allocates from that arena. Patterns that are not literal
 * go through a small per-thread cache of compiled patterns (no locks); its memory is
 * released when the thread exits.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "functions_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- Java syntax */

static const struct {
    const char *java;
    const char *posix; /* POSIX class name, or NULL */
    const char *pcre;  /* replacement escape when not POSIX */
} java_classes[] = {
    {"Lower", "lower", NULL},         {"Upper", "upper", NULL},
    {"ASCII", "ascii", NULL},         {"Alpha", "alpha", NULL},
    {"Digit", "digit", NULL},         {"Alnum", "alnum", NULL},
    {"Punct", "punct", NULL},         {"Graph", "graph", NULL},
    {"Print", "print", NULL},         {"Blank", "blank", NULL},
    {"Cntrl", "cntrl", NULL},         {"XDigit", "xdigit", NULL},
    {"Space", "space", NULL},         {"javaLowerCase", NULL, "p{Ll}"},
    {"javaUpperCase", NULL, "p{Lu}"}, {"javaWhitespace", NULL, "s"},
    {"IsAlphabetic", NULL, "p{L}"},   {"IsLetter", NULL, "p{L}"},
    {"IsDigit", NULL, "p{Nd}"},       {"IsUppercase", NULL, "p{Lu}"},
    {"IsLowercase", NULL, "p{Ll}"},   {"IsWhite_Space", NULL, "s"},
    {"IsPunctuation", NULL, "p{P}"},
};

/* Rewrites Java-only constructs into PCRE2 syntax. Returns a NUL-terminated copy in
 * `out` (size cap); returns the length, or -1 when it does not fit. */
static long java_to_pcre(const char *p, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    int depth = 0; /* character class nesting */
#define EMIT(s_, l_)                                                                               \
    do {                                                                                           \
        if (k + (l_) + 1 > cap) return -1;                                                         \
        memcpy(out + k, (s_), (l_));                                                               \
        k += (l_);                                                                                 \
    } while (0)
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (c == '\\' && i + 1 < n) {
            char e = p[i + 1];
            if (e == 'Q') { /* \Q...\E copied verbatim */
                const char *end = NULL;
                for (size_t j = i + 2; j + 1 < n; j++)
                    if (p[j] == '\\' && p[j + 1] == 'E') {
                        end = p + j;
                        break;
                    }
                size_t stop = end ? (size_t)(end - p) + 2 : n;
                EMIT(p + i, stop - i);
                i = stop - 1;
                continue;
            }
            if ((e == 'p' || e == 'P') && i + 2 < n && p[i + 2] == '{') {
                const char *close = memchr(p + i + 3, '}', n - i - 3);
                if (close) {
                    size_t nl = (size_t)(close - (p + i + 3));
                    const char *name = p + i + 3;
                    bool done = false;
                    for (size_t t = 0; t < sizeof java_classes / sizeof java_classes[0]; t++) {
                        if (strlen(java_classes[t].java) != nl ||
                            strncmp(java_classes[t].java, name, nl) != 0)
                            continue;
                        char buf[64];
                        int bl;
                        if (java_classes[t].posix) {
                            if (depth > 0)
                                bl = snprintf(buf, sizeof buf, "[:%s%s:]", e == 'P' ? "^" : "",
                                              java_classes[t].posix);
                            else
                                bl = snprintf(buf, sizeof buf, "[%s[:%s:]]", e == 'P' ? "^" : "",
                                              java_classes[t].posix);
                        } else {
                            const char *r = java_classes[t].pcre;
                            if (e == 'P') {
                                if (r[0] == 'p')
                                    bl = snprintf(buf, sizeof buf, "\\P%s", r + 1);
                                else
                                    bl = snprintf(buf, sizeof buf, "\\S");
                            } else {
                                bl = snprintf(buf, sizeof buf, "\\%s", r);
                            }
                        }
                        EMIT(buf, (size_t)bl);
                        i = (size_t)(close - p);
                        done = true;
                        break;
                    }
                    if (done) continue;
                    if (nl > 2 && strncmp(name, "Is", 2) == 0) { /* \p{IsLatin} -> \p{Latin} */
                        EMIT(p + i, 3);
                        EMIT(name + 2, nl - 2);
                        EMIT("}", 1);
                        i = (size_t)(close - p);
                        continue;
                    }
                }
            }
            EMIT(p + i, 2);
            i++;
            continue;
        }
        if (c == '[')
            depth++;
        else if (c == ']' && depth > 0)
            depth--;
        EMIT(&c, 1);
    }
#undef EMIT
    out[k] = 0;
    return (long)k;
}

/* ---------------------------------------------------------------- compiled patterns */

typedef struct Rx {
    pcre2_code *code; /* NULL when the pattern is invalid */
    uint32_t ncap;    /* capture groups */
    char error[200];  /* compile error (Java-like message) */
} Rx;

static void *arena_malloc_cb(PCRE2_SIZE n, void *data)
{
    return arena_alloc((Arena *)data, n);
}

static void arena_free_cb(void *p, void *data)
{
    (void)p;
    (void)data;
}

/* Compiles pattern text; general context `gc` may be NULL (malloc). */
static void rx_compile(Rx *rx, const char *pat, size_t n, pcre2_general_context *gc)
{
    memset(rx, 0, sizeof *rx);
    char stackbuf[1024];
    char *tr = stackbuf;
    size_t cap = n * 2 + 64;
    if (cap > sizeof stackbuf) tr = xmalloc(cap);
    long tl = java_to_pcre(pat, n, tr, cap);
    pcre2_compile_context *cc = pcre2_compile_context_create(gc);
    pcre2_set_newline(cc, PCRE2_NEWLINE_ANYCRLF);
    int errcode;
    PCRE2_SIZE erroff;
    rx->code =
        tl < 0 ? NULL
               : pcre2_compile((PCRE2_SPTR)tr, (PCRE2_SIZE)tl, PCRE2_UTF, &errcode, &erroff, cc);
    pcre2_compile_context_free(cc);
    if (tr != stackbuf) free(tr);
    if (!rx->code) {
        PCRE2_UCHAR msg[160];
        if (tl < 0)
            snprintf((char *)msg, sizeof msg, "pattern too long");
        else
            pcre2_get_error_message(errcode, msg, sizeof msg);
        snprintf(rx->error, sizeof rx->error, "Invalid regular expression pattern: %.*s (%s)",
                 (int)(n > 80 ? 80 : n), pat, (const char *)msg);
        return;
    }
    pcre2_pattern_info(rx->code, PCRE2_INFO_CAPTURECOUNT, &rx->ncap);
}

/* Per-thread cache for patterns that are not literals. */
#define RX_CACHE 16

typedef struct RxCacheEntry {
    char *pat;
    size_t n;
    Rx rx;
    uint64_t used;
} RxCacheEntry;

typedef struct RxThread {
    RxCacheEntry e[RX_CACHE];
    uint64_t tick;
    pcre2_match_data *md;
    uint32_t md_pairs;
} RxThread;

static _Thread_local RxThread *rx_thread;
static pthread_key_t rx_key;
static pthread_once_t rx_key_once = PTHREAD_ONCE_INIT;

static void rx_thread_free(void *p)
{
    RxThread *t = p;
    if (!t) return;
    for (int i = 0; i < RX_CACHE; i++) {
        free(t->e[i].pat);
        pcre2_code_free(t->e[i].rx.code);
    }
    pcre2_match_data_free(t->md);
    free(t);
}

static void rx_key_create(void)
{
    pthread_key_create(&rx_key, rx_thread_free);
}

static RxThread *rx_thread_get(void)
{
    if (!rx_thread) {
        pthread_once(&rx_key_once, rx_key_create);
        rx_thread = xcalloc(1, sizeof *rx_thread);
        pthread_setspecific(rx_key, rx_thread);
    }
    return rx_thread;
}

static const Rx *rx_cached(const char *pat, size_t n)
{
    RxThread *t = rx_thread_get();
    t->tick++;
    int victim = 0;
    for (int i = 0; i < RX_CACHE; i++) {
        RxCacheEntry *e = &t->e[i];
        if (e->pat && e->n == n && memcmp(e->pat, pat, n) == 0) {
            e->used = t->tick;
            return &e->rx;
        }
        if (e->used < t->e[victim].used) victim = i;
    }
    RxCacheEntry *e = &t->e[victim];
    free(e->pat);
    pcre2_code_free(e->rx.code);
    e->pat = xstrndup(pat, n);
    e->n = n;
    e->used = t->tick;
    rx_compile(&e->rx, pat, n, NULL);
    return &e->rx;
}

static pcre2_match_data *rx_match_data(const Rx *rx)
{
    RxThread *t = rx_thread_get();
    uint32_t need = rx->ncap + 1;
    if (!t->md || t->md_pairs < need) {
        pcre2_match_data_free(t->md);
        t->md_pairs = need < 32 ? 32 : need;
        t->md = pcre2_match_data_create(t->md_pairs, NULL);
    }
    return t->md;
}

/* Per call site: the compiled literal pattern (NULL when the pattern is not literal). */
typedef struct RxSite {
    int pattern_arg;
    Rx rx;
    bool literal;
} RxSite;

static int rx_prepare(FnCall *call, const Value *const *literals, Arena *plan_arena, EddyError *err,
                      int pattern_arg)
{
    (void)err;
    RxSite *site = arena_zalloc(plan_arena, sizeof *site);
    site->pattern_arg = pattern_arg;
    const Value *lit = literals ? literals[pattern_arg] : NULL;
    if (lit && lit->kind == TYPE_STRING) {
        pcre2_general_context *gc =
            pcre2_general_context_create(arena_malloc_cb, arena_free_cb, plan_arena);
        rx_compile(&site->rx, lit->u.s, lit->len, gc);
        /* The context and the code live in the plan arena; nothing to free. */
        site->literal = true;
    }
    call->state = site;
    return 0;
}

static int prep_pattern_first(FnCall *call, const Value *const *literals, Arena *plan_arena,
                              EddyError *err)
{
    return rx_prepare(call, literals, plan_arena, err, 0);
}

static int prep_pattern_second(FnCall *call, const Value *const *literals, Arena *plan_arena,
                               EddyError *err)
{
    return rx_prepare(call, literals, plan_arena, err, 1);
}

/* The compiled pattern for this call; sets *rc and returns NULL on an invalid pattern. */
static const Rx *rx_get(FnCtx *ctx, const Value *pattern, int *rc)
{
    const RxSite *site = ctx->call ? ctx->call->state : NULL;
    const Rx *rx = site && site->literal ? &site->rx : rx_cached(pattern->u.s, pattern->len);
    if (!rx->code) {
        *rc = fn_error(ctx, "%s", rx->error);
        return NULL;
    }
    return rx;
}

/* Java Matcher.find from `start`: returns 1 with ovector filled, 0 when no match, <0 on
 * a matching error (invalid UTF-8 input). */
static int rx_find(const Rx *rx, pcre2_match_data *md, const char *s, size_t n, size_t start,
                   bool checked)
{
    int r =
        pcre2_match(rx->code, (PCRE2_SPTR)s, n, start, checked ? PCRE2_NO_UTF_CHECK : 0, md, NULL);
    if (r == PCRE2_ERROR_NOMATCH) return 0;
    if (r < 0) return r;
    return 1;
}

/* Where the next find starts after a match [ms, me): Java skips one character after an
 * empty match. */
static size_t next_start(const char *s, size_t n, size_t ms, size_t me)
{
    if (me > ms) return me;
    if (me >= n) return n + 1;
    size_t i = me;
    fn_utf8_next(s, n, &i);
    return i;
}

static Value group_value(const char *s, PCRE2_SIZE *ov, uint32_t g)
{
    if (ov[2 * g] == PCRE2_UNSET) return val_null();
    return val_string(s + ov[2 * g], (uint32_t)(ov[2 * g + 1] - ov[2 * g]));
}

static int match_error(FnCtx *ctx, int r)
{
    PCRE2_UCHAR msg[160];
    pcre2_get_error_message(r, msg, sizeof msg);
    return fn_error(ctx, "Regular expression match failed: %s", (const char *)msg);
}

/* ---------------------------------------------------------------- functions */

/* REGEXP_EXTRACT(pattern, input[, group]) */
static int r_extract(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    if (fn_any_null(nargs, args)) {
        *out = val_null();
        return 0;
    }
    int rc = 0;
    const Rx *rx = rx_get(ctx, &args[0], &rc);
    if (!rx) return rc;
    int32_t group = nargs > 2 ? args[2].u.i : 0;
    pcre2_match_data *md = rx_match_data(rx);
    int r = rx_find(rx, md, args[1].u.s, args[1].len, 0, false);
    if (r < 0) return match_error(ctx, r);
    if (r == 0) {
        *out = val_null();
        return 0;
    }
    if (group < 0 || (uint32_t)group > rx->ncap) return fn_error(ctx, "No group %d", group);
    *out = group_value(args[1].u.s, pcre2_get_ovector_pointer(md), (uint32_t)group);
    return 0;
}

/* REGEXP_EXTRACT_ALL(pattern, input[, group]) */
static int r_extract_all(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    if (fn_any_null(nargs, args)) {
        *out = val_null();
        return 0;
    }
    int rc = 0;
    const Rx *rx = rx_get(ctx, &args[0], &rc);
    if (!rx) return rc;
    int32_t group = nargs > 2 ? args[2].u.i : 0;
    if (group < 0 || (uint32_t)group > rx->ncap) return fn_error(ctx, "No group %d", group);
    const char *s = args[1].u.s;
    size_t n = args[1].len, start = 0;
    pcre2_match_data *md = rx_match_data(rx);
    uint32_t cap = 8, cnt = 0;
    Value *items = arena_alloc(ctx->arena, sizeof(Value) * cap);
    bool checked = false;
    while (start <= n) {
        int r = rx_find(rx, md, s, n, start, checked);
        if (r < 0) return match_error(ctx, r);
        if (r == 0) break;
        checked = true;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        if (cnt == cap) {
            items = arena_realloc(ctx->arena, items, sizeof(Value) * cap, sizeof(Value) * cap * 2);
            cap *= 2;
        }
        items[cnt++] = group_value(s, ov, (uint32_t)group);
        start = next_start(s, n, ov[0], ov[1]);
    }
    Value arr = {.kind = TYPE_ARRAY, .len = cnt, .type = ctx->call->ret};
    arr.u.items = items;
    *out = arr;
    return 0;
}

/* Appends Java's Matcher.appendReplacement expansion of `rep` for the current match. */
static int append_replacement(FnCtx *ctx, ABuf *b, const Rx *rx, const char *s, PCRE2_SIZE *ov,
                              const char *rep, size_t rn)
{
    for (size_t i = 0; i < rn; i++) {
        char c = rep[i];
        if (c == '\\') {
            if (++i >= rn) return fn_error(ctx, "character to be escaped is missing");
            fn_abuf_putc(b, rep[i]);
        } else if (c == '$') {
            if (++i >= rn) return fn_error(ctx, "Illegal group reference: group index is missing");
            uint32_t g;
            if (rep[i] == '{') {
                size_t st = ++i;
                while (i < rn && rep[i] != '}')
                    i++;
                if (i >= rn) return fn_error(ctx, "named capturing group is missing trailing '}'");
                char name[128];
                size_t nl = i - st < sizeof name - 1 ? i - st : sizeof name - 1;
                memcpy(name, rep + st, nl);
                name[nl] = 0;
                int num = pcre2_substring_number_from_name(rx->code, (PCRE2_SPTR)name);
                if (num < 0) return fn_error(ctx, "No group with name {%s}", name);
                g = (uint32_t)num;
            } else {
                if (rep[i] < '0' || rep[i] > '9') return fn_error(ctx, "Illegal group reference");
                g = (uint32_t)(rep[i] - '0');
                if (g > rx->ncap) return fn_error(ctx, "No group %u", g);
                /* Java takes more digits while the group number stays valid. */
                while (i + 1 < rn && rep[i + 1] >= '0' && rep[i + 1] <= '9') {
                    uint32_t ng = g * 10 + (uint32_t)(rep[i + 1] - '0');
                    if (ng > rx->ncap) break;
                    g = ng;
                    i++;
                }
            }
            if (ov[2 * g] != PCRE2_UNSET) fn_abuf_put(b, s + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
        } else {
            fn_abuf_putc(b, c);
        }
    }
    return 0;
}

/* REGEXP_REPLACE(input, pattern, replacement): String.replaceAll. */
static int r_replace(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    if (fn_any_null(nargs, args)) {
        *out = val_null();
        return 0;
    }
    int rc = 0;
    const Rx *rx = rx_get(ctx, &args[1], &rc);
    if (!rx) return rc;
    const char *s = args[0].u.s;
    size_t n = args[0].len, start = 0, copied = 0;
    pcre2_match_data *md = rx_match_data(rx);
    ABuf b;
    fn_abuf_init(&b, ctx->arena, n + 16);
    bool checked = false;
    while (start <= n) {
        int r = rx_find(rx, md, s, n, start, checked);
        if (r < 0) return match_error(ctx, r);
        if (r == 0) break;
        checked = true;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        fn_abuf_put(&b, s + copied, ov[0] - copied);
        rc = append_replacement(ctx, &b, rx, s, ov, args[2].u.s, args[2].len);
        if (rc < 0) return rc;
        copied = ov[1];
        start = next_start(s, n, ov[0], ov[1]);
    }
    fn_abuf_put(&b, s + copied, n - copied);
    *out = fn_abuf_string(&b);
    return 0;
}

/* REGEXP_SPLIT_TO_ARRAY(input, pattern): Pattern.split(input, -1). */
static int r_split(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    if (fn_any_null(nargs, args)) {
        *out = val_null();
        return 0;
    }
    int rc = 0;
    const Rx *rx = rx_get(ctx, &args[1], &rc);
    if (!rx) return rc;
    const char *s = args[0].u.s;
    size_t n = args[0].len, start = 0, index = 0;
    pcre2_match_data *md = rx_match_data(rx);
    uint32_t cap = 8, cnt = 0;
    Value *items = arena_alloc(ctx->arena, sizeof(Value) * cap);
    bool checked = false;
    while (start <= n) {
        int r = rx_find(rx, md, s, n, start, checked);
        if (r < 0) return match_error(ctx, r);
        if (r == 0) break;
        checked = true;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        size_t ms = ov[0], me = ov[1];
        start = next_start(s, n, ms, me);
        if (index == 0 && ms == 0 && me == 0) continue;
        if (cnt + 1 >= cap) {
            items = arena_realloc(ctx->arena, items, sizeof(Value) * cap, sizeof(Value) * cap * 2);
            cap *= 2;
        }
        items[cnt++] = val_string(s + index, (uint32_t)(ms - index));
        index = me;
    }
    if (index == 0) {
        items[0] = args[0];
        cnt = 1;
    } else {
        items[cnt++] = val_string(s + index, (uint32_t)(n - index));
    }
    Value arr = {.kind = TYPE_ARRAY, .len = cnt, .type = ctx->call->ret};
    arr.u.items = items;
    *out = arr;
    return 0;
}

/* ---------------------------------------------------------------- table */

static const FnVariant v_extract[] = {
    {.params = "STRING pattern, STRING input",
     .returns = "STRING",
     .description = "Returns the first substring of input that matches pattern, or null.",
     .impl = r_extract,
     .prepare = prep_pattern_first},
    {.params = "STRING pattern, STRING input, INT group",
     .returns = "STRING",
     .description = "Returns the given capture group of the first match of pattern in input.",
     .impl = r_extract,
     .prepare = prep_pattern_first},
};

static const FnVariant v_extract_all[] = {
    {.params = "STRING pattern, STRING input",
     .returns = "ARRAY<STRING>",
     .description = "Returns every substring of input that matches pattern.",
     .impl = r_extract_all,
     .prepare = prep_pattern_first},
    {.params = "STRING pattern, STRING input, INT group",
     .returns = "ARRAY<STRING>",
     .description = "Returns the given capture group of every match of pattern in input.",
     .impl = r_extract_all,
     .prepare = prep_pattern_first},
};

static const FnVariant v_replace[] = {
    {.params = "STRING input, STRING regex, STRING replacement",
     .returns = "STRING",
     .description =
         "Replaces every match of regex in input with replacement ($1 refers to groups).",
     .impl = r_replace,
     .prepare = prep_pattern_second},
};

static const FnVariant v_split_to_array[] = {
    {.params = "STRING string, STRING regexp",
     .returns = "ARRAY<STRING>",
     .description = "Splits the string around matches of the regular expression.",
     .impl = r_split,
     .prepare = prep_pattern_second},
};

#define RX(NAME, vs, desc)                                                                         \
    {                                                                                              \
        .name = NAME, .kind = FN_SCALAR, .category = "REGULAR_EXPRESSION", .description = desc,    \
        FN_VARIANTS(vs)                                                                            \
    }

static const FnDef regex_defs[] = {
    RX("REGEXP_EXTRACT", v_extract, "Extracts the first match of a regular expression."),
    RX("REGEXP_EXTRACT_ALL", v_extract_all, "Extracts every match of a regular expression."),
    RX("REGEXP_REPLACE", v_replace, "Replaces every match of a regular expression."),
    RX("REGEXP_SPLIT_TO_ARRAY", v_split_to_array,
       "Splits a string around regular expression matches."),
};

FN_FAMILY(regex_defs);
