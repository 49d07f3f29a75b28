/*
 * serde_bench.c - micro-benchmark of the record-path JSON decoder against jansson
 * and yajl, on Nexmark-style bid records (8 fields, ~200 bytes).
 *
 * Each decoder turns every record into the same eight column Values (strings
 * copied into an arena where the library's buffers do not outlive the call), so
 * the figures compare like with like: eddy's schema-directed serde_decode,
 * jansson's json_loadb + json_object_get per column, and yajl's callback parser.
 * The bench is linked with --wrap=malloc/calloc/realloc to count the allocations
 * eddy's own code makes per record (jansson's and yajl's are in shared libraries
 * and not counted; they allocate per record by design).
 *
 *   serde-bench [records [rounds [eddy]]]   defaults 20000 records, 15 rounds;
 *                                            "eddy" skips the other libraries (profiling)
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef HAVE_YAJL
#include <yajl/yajl_parse.h>
#endif

#include "../src/common/format.h"
#include "../src/runtime/serde.h"

/* ---------------------------------------------------------------- allocation counting */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);

static unsigned long n_allocs;

void *__wrap_malloc(size_t n)
{
    n_allocs++;
    return __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t m)
{
    n_allocs++;
    return __real_calloc(n, m);
}

void *__wrap_realloc(void *p, size_t n)
{
    n_allocs++;
    return __real_realloc(p, n);
}

/* ---------------------------------------------------------------- data */

#define NCOLS 8
static const char *json_keys[NCOLS] = {"auction", "bidder",   "price", "channel",
                                       "url",     "dateTime", "extra", "bidId"};
static const char *col_names[NCOLS] = {"AUCTION", "BIDDER",   "PRICE", "CHANNEL",
                                       "URL",     "DATETIME", "EXTRA", "BIDID"};
static const Type *col_types[NCOLS];

typedef struct Rec {
    char *p;
    size_t n;
} Rec;

static uint64_t rng = 88172645463325252ULL;
static uint64_t xr(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void rand_word(char *o, int n)
{
    static const char al[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    for (int i = 0; i < n; i++)
        o[i] = al[xr() % (sizeof al - 1)];
    o[n] = 0;
}

static Rec *make_records(int n, size_t *total)
{
    static const char *channels[] = {"Google", "Facebook", "Baidu", "Apple", "channel-1234"};
    Rec *r = malloc(sizeof *r * (size_t)n);
    *total = 0;
    for (int i = 0; i < n; i++) {
        char a[16], b[16], c[12], d[12];
        rand_word(a, 8);
        rand_word(b, 6);
        rand_word(c, 10);
        rand_word(d, 8);
        char buf[512];
        int len = snprintf(buf, sizeof buf,
                           "{\"auction\":%llu,\"bidder\":%llu,\"price\":%llu,\"channel\":\"%s\","
                           "\"url\":\"https://www.nexmark.com/%s/%s/item.htm?query=1\","
                           "\"dateTime\":%llu,\"extra\":\"%s\",\"bidId\":\"%s\"}",
                           (unsigned long long)(1000 + xr() % 100000),
                           (unsigned long long)(1000 + xr() % 1000000),
                           (unsigned long long)(100 + xr() % 10000000), channels[xr() % 5], a, b,
                           (unsigned long long)(1699999999000ULL + xr() % 100000000), c, d);
        r[i].p = malloc((size_t)len);
        memcpy(r[i].p, buf, (size_t)len);
        r[i].n = (size_t)len;
        *total += (size_t)len;
    }
    return r;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#define BATCH 500

/* ---------------------------------------------------------------- decoders */

static long sink; /* keeps results alive */

static int eddy_run(Serde *s, Rec *r, int n, Arena *a)
{
    Value cols[NCOLS];
    EddyError err;
    for (int i = 0; i < n; i++) {
        if (serde_decode(s, r[i].p, r[i].n, a, cols, &err) != 0) {
            fprintf(stderr, "eddy: %s\n", err.msg);
            return -1;
        }
        sink += cols[0].u.l + cols[3].len;
        if ((i + 1) % BATCH == 0) arena_reset(a);
    }
    arena_reset(a);
    return 0;
}

static Value str_value(Arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n);
    memcpy(p, s, n);
    return val_string(p, (uint32_t)n);
}

static int jansson_run(Rec *r, int n, Arena *a)
{
    Value cols[NCOLS];
    for (int i = 0; i < n; i++) {
        json_error_t je;
        json_t *o = json_loadb(r[i].p, r[i].n, 0, &je);
        if (!o) {
            fprintf(stderr, "jansson: %s\n", je.text);
            return -1;
        }
        for (int c = 0; c < NCOLS; c++) {
            json_t *v = json_object_get(o, json_keys[c]);
            if (!v)
                cols[c] = val_null();
            else if (json_is_integer(v))
                cols[c] = val_bigint(json_integer_value(v));
            else if (json_is_string(v))
                cols[c] = str_value(a, json_string_value(v), json_string_length(v));
            else
                cols[c] = val_null();
        }
        json_decref(o);
        sink += cols[0].u.l + cols[3].len;
        if ((i + 1) % BATCH == 0) arena_reset(a);
    }
    arena_reset(a);
    return 0;
}

#ifdef HAVE_YAJL
typedef struct YCtx {
    Arena *a;
    Value *cols;
    int cur;
} YCtx;

static int y_key(void *ctx, const unsigned char *k, size_t n)
{
    YCtx *y = ctx;
    y->cur = -1;
    for (int c = 0; c < NCOLS; c++)
        if (strlen(json_keys[c]) == n && memcmp(json_keys[c], k, n) == 0) y->cur = c;
    return 1;
}

static int y_int(void *ctx, long long v)
{
    YCtx *y = ctx;
    if (y->cur >= 0) y->cols[y->cur] = val_bigint(v);
    return 1;
}

static int y_str(void *ctx, const unsigned char *s, size_t n)
{
    YCtx *y = ctx;
    if (y->cur >= 0) y->cols[y->cur] = str_value(y->a, (const char *)s, n);
    return 1;
}

static const yajl_callbacks y_cbs = {
    .yajl_integer = y_int,
    .yajl_string = y_str,
    .yajl_map_key = y_key,
};

static int yajl_run(Rec *r, int n, Arena *a)
{
    Value cols[NCOLS];
    YCtx y = {a, cols, -1};
    for (int i = 0; i < n; i++) {
        for (int c = 0; c < NCOLS; c++)
            cols[c] = val_null();
        yajl_handle h = yajl_alloc(&y_cbs, NULL, &y);
        if (yajl_parse(h, (const unsigned char *)r[i].p, r[i].n) != yajl_status_ok ||
            yajl_complete_parse(h) != yajl_status_ok) {
            fprintf(stderr, "yajl: parse error\n");
            yajl_free(h);
            return -1;
        }
        yajl_free(h);
        sink += cols[0].u.l + cols[3].len;
        if ((i + 1) % BATCH == 0) arena_reset(a);
    }
    arena_reset(a);
    return 0;
}
#endif

/* ---------------------------------------------------------------- driver */

typedef int (*RunFn)(void *ctx, Rec *r, int n, Arena *a);

static int run_eddy(void *ctx, Rec *r, int n, Arena *a)
{
    return eddy_run(ctx, r, n, a);
}
static int run_jansson(void *ctx, Rec *r, int n, Arena *a)
{
    (void)ctx;
    return jansson_run(r, n, a);
}
#ifdef HAVE_YAJL
static int run_yajl(void *ctx, Rec *r, int n, Arena *a)
{
    (void)ctx;
    return yajl_run(r, n, a);
}
#endif

static void measure(const char *name, RunFn fn, void *ctx, Rec *r, int n, int rounds, size_t bytes,
                    bool count_allocs)
{
    Arena a;
    arena_init(&a, 64 * 1024);
    if (fn(ctx, r, n, &a) < 0) return; /* warm-up; the arena reaches its size */
    double best = 1e30;
    unsigned long allocs = 0;
    for (int k = 0; k < rounds; k++) {
        unsigned long before = n_allocs;
        double t0 = now();
        fn(ctx, r, n, &a);
        double dt = now() - t0;
        if (dt < best) best = dt;
        allocs = n_allocs - before;
    }
    printf("%-34s %10.0f rec/s %8.1f ns/rec %8.1f MB/s", name, n / best, best * 1e9 / n,
           (double)bytes / best / 1e6);
    if (count_allocs) printf("   eddy allocs/rec %.3f", (double)allocs / n);
    printf("\n");
    arena_free(&a);
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 20000;
    int rounds = argc > 2 ? atoi(argv[2]) : 15;
    if (n <= 0) n = 20000;
    if (rounds <= 0) rounds = 15;
    size_t bytes;
    Rec *r = make_records(n, &bytes);
    col_types[0] = col_types[1] = col_types[2] = T_BIGINT;
    col_types[3] = col_types[4] = col_types[6] = col_types[7] = T_STRING;
    col_types[5] = T_TIMESTAMP;
    printf("%d records, %.1f bytes each on average, best of %d rounds\n", n, (double)bytes / n,
           rounds);
    printf("example: %.*s\n\n", (int)r[0].n, r[0].p);

    FormatSpec f = format_spec_default(FMT_JSON);
    EddyError err;
    /* Column names upper-case, JSON keys lower-case: the usual ksqlDB situation,
     * matched case-insensitively. */
    Serde *upper = serde_new(&f, false, NCOLS, col_names, col_types, &err);
    /* Exact-case names. */
    Serde *exact = serde_new(&f, false, NCOLS, json_keys, col_types, &err);
    measure("eddy serde_decode (case-insens.)", run_eddy, upper, r, n, rounds, bytes, true);
    measure("eddy serde_decode (exact names)", run_eddy, exact, r, n, rounds, bytes, true);
    bool others = !(argc > 3 && strcmp(argv[3], "eddy") == 0);
    if (others) measure("jansson json_loadb + get", run_jansson, NULL, r, n, rounds, bytes, false);
#ifdef HAVE_YAJL
    if (others) measure("yajl callbacks", run_yajl, NULL, r, n, rounds, bytes, false);
#endif

    /* Encoding, for reference. */
    Arena a;
    arena_init(&a, 64 * 1024);
    Value *rows = malloc(sizeof(Value) * NCOLS * (size_t)n);
    for (int i = 0; i < n; i++)
        serde_decode(upper, r[i].p, r[i].n, &a, rows + i * NCOLS, &err);
    StrBuf sb = STRBUF_INIT;
    bool is_null;
    double best = 1e30;
    for (int k = 0; k < rounds; k++) {
        double t0 = now();
        for (int i = 0; i < n; i++) {
            sb_clear(&sb);
            serde_encode(upper, rows + i * NCOLS, &sb, &is_null, &err);
            sink += (long)sb.len;
        }
        double dt = now() - t0;
        if (dt < best) best = dt;
    }
    printf("%-34s %10.0f rec/s %8.1f ns/rec\n", "eddy serde_encode", n / best, best * 1e9 / n);
    sb_free(&sb);
    free(rows);
    arena_free(&a);
    serde_free(upper);
    serde_free(exact);
    for (int i = 0; i < n; i++)
        free(r[i].p);
    free(r);
    return sink == 42 ? 1 : 0;
}
