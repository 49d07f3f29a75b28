/*
 * eddy_bench.c - eddy-bench: the Nexmark benchmark of eddyd (`make bench`).
 *
 * One run: start an eddy-broker process; load Nexmark events (persons, auctions,
 * bids) into its topics; compute sqlite3's answers; measure the ceilings (a bare
 * librdkafka consumer, the same plus jansson decoding, a consume+produce
 * pass-through) in child processes; then for every query start a fresh eddyd,
 * create the query over the loaded bids and time it to the end of the topic
 * (throughput, CPU of the eddyd process from /proc), check its output against
 * sqlite3, run it again over a live topic fed at a fixed rate (latency), note its
 * peak RSS, and run the Python loop doing the same work. Writes the table on stdout,
 * results.json, and in full mode docs/benchmarks.md with its plot.
 *
 *   eddy-bench [--smoke] [options]            see usage()
 *   eddy-bench --ceiling KIND --bootstrap B --topic T [--out-topic O] [--max N]
 *                                             (internal: one ceiling, JSON on stdout)
 *
 * --smoke (used by `make test`) runs every query on a few thousand events in one
 * eddyd, to check that the whole pipeline works; its figures mean nothing.
 */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../bench/bench.h"
#include "../../bench/bench_eddyd.h"
#include "../../bench/bench_kafka.h"
#include "../../bench/bench_proc.h"
#include "../../bench/nexmark.h"
#include "../common/strbuf.h"
#include "../runtime/topic_admin.h"

#ifndef EDDY_SOURCE_DIR
#define EDDY_SOURCE_DIR "."
#endif

#define PYTHON "/usr/bin/python3"
#define SQLITE "/usr/bin/sqlite3"

typedef struct QueryDef {
    const char *name;
    const char *title;
    CompareKind compare;
    unsigned inputs; /* LOAD_* kinds the query reads */
} QueryDef;

static const QueryDef QUERIES[] = {
    {"q0", "pass-through", COMPARE_COUNT, LOAD_BIDS},
    {"q1", "currency conversion", COMPARE_COUNT, LOAD_BIDS},
    {"q2", "filter", COMPARE_COUNT, LOAD_BIDS},
    {"q22", "string split", COMPARE_COUNT, LOAD_BIDS},
    {"q5", "hopping-window count", COMPARE_FINAL, LOAD_BIDS},
    {"q7", "tumbling-window max", COMPARE_FINAL, LOAD_BIDS},
    {"q3", "stream-table join", COMPARE_COUNT, LOAD_PERSONS | LOAD_AUCTIONS},
    {"q8", "windowed join", COMPARE_COUNT, LOAD_PERSONS | LOAD_AUCTIONS},
};
#define NQUERIES ((int)(sizeof QUERIES / sizeof QUERIES[0]))

typedef struct Options {
    bool smoke;
    uint64_t events;      /* events loaded for the throughput phase */
    uint64_t join_events; /* events whose persons and auctions are loaded (>= events) */
    int partitions;
    char queries[256];   /* comma-separated names; "" = all */
    uint64_t python_max; /* records the Python loop reads */
    double live_rate;    /* events/s in the latency phase */
    double live_seconds;
    bool no_python, no_eddy, no_docs;
    bool profile; /* perf record eddyd during the throughput phase */
    int repeat;   /* runs of each query (and of its ceiling and Python loop); best kept */
    char bindir[PATH_MAX];
    char srcdir[PATH_MAX];
    char outdir[PATH_MAX];
    char eddyd[PATH_MAX];
    char broker[PATH_MAX];
    char docs[PATH_MAX];
    const char *eddyd_args[16]; /* --eddyd-arg, NULL-terminated */
    int neddyd_args;
} Options;

typedef struct Ctx {
    Options o;
    Proc broker;
    char bootstrap[256];
    char control[256];
    TopicAdmin *admin;
    BenchTopics topics;
    NexmarkConfig cfg;
    LoadStats load;     /* totals of every kind loaded */
    char log[PATH_MAX]; /* stderr of the children */
    /* sqlite3's answers per query */
    int64_t sqlite_count[NQUERIES];
    int64_t (*sqlite_rows[NQUERIES])[3];
    size_t sqlite_nrows[NQUERIES];
    BenchReport rep;
} Ctx;

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

static void die(Ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

static void cleanup(Ctx *c)
{
    if (c->admin) topic_admin_close(c->admin);
    c->admin = NULL;
    if (c->broker.pid > 0) {
        kill(c->broker.pid, SIGTERM);
        proc_wait(&c->broker, NULL, NULL);
        c->broker.pid = 0;
    }
}

static void die(Ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "eddy-bench: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    cleanup(c);
    exit(1);
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int64_t t_origin; /* bk_mono_us() at start */

static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "eddy-bench [%5.1f s]: ", (double)(bk_mono_us() - t_origin) / 1e6);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: eddy-bench [options]\n"
               "  --smoke             seconds-long check of the whole pipeline (make test)\n"
               "  --events N          Nexmark events to load (default 440000; 46/50 are bids)\n"
               "  --repeat N          runs of each query, its ceiling and its Python loop; the\n"
               "                      best is reported (default 3; a shared machine is noisy)\n"
               "  --join-events N     events whose persons and auctions are loaded for the\n"
               "                      joins q3 and q8 (default 4 x --events)\n"
               "  --partitions N      partitions per topic (default 32; the embedded broker keeps\n"
               "                      at most ~5 MiB per partition)\n"
               "  --queries LIST      e.g. q0,q5 (default: all)\n"
               "  --python-max N      records the Python loop reads (default 0: all, the\n"
               "                      same data as eddyd)\n"
               "  --live-rate R       events/s of the latency phase (default 10000)\n"
               "  --live-seconds S    length of the latency phase (default 4)\n"
               "  --no-python, --no-eddy, --no-docs   skip a part\n"
               "  --profile           perf record eddyd during each throughput phase\n"
               "                      (DIR/perf-QUERY.data; see perf report -i)\n"
               "  --eddyd-arg ARG     pass ARG to eddyd (repeatable), e.g. --eddyd-arg --set\n"
               "                      --eddyd-arg consumer.debug=cgrp\n"
               "  --eddyd PATH, --broker PATH, --out DIR, --docs PATH, --source-dir DIR\n"
               "Writes the table on stdout, DIR/results.json (default build/bench), and in full\n"
               "mode docs/benchmarks.md with docs/benchmarks.svg.\n");
}

/* ---------------------------------------------------------------- helpers */

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    size_t got = fread(buf, 1, (size_t)n, f);
    buf[got] = 0;
    fclose(f);
    return buf;
}

/* Replaces every ${name} of text by the value of the matching pair. */
static char *substitute(const char *text, const char *const *pairs)
{
    size_t cap = strlen(text) * 2 + 256, len = 0;
    char *out = malloc(cap);
    for (const char *p = text; *p;) {
        const char *val = NULL;
        size_t skip = 0;
        if (p[0] == '$' && p[1] == '{') {
            const char *end = strchr(p, '}');
            for (int i = 0; end && pairs[i]; i += 2)
                if (strlen(pairs[i]) == (size_t)(end - p - 2) &&
                    strncmp(pairs[i], p + 2, (size_t)(end - p - 2)) == 0) {
                    val = pairs[i + 1];
                    skip = (size_t)(end - p + 1);
                }
        }
        size_t add = val ? strlen(val) : 1;
        if (len + add + 1 > cap) out = realloc(out, cap = (len + add + 1) * 2);
        if (val) {
            memcpy(out + len, val, add);
            p += skip;
        } else {
            out[len] = *p++;
        }
        len += add;
    }
    out[len] = 0;
    return out;
}

static bool query_selected(const Options *o, const char *name)
{
    if (!o->queries[0]) return true;
    char list[260];
    snprintf(list, sizeof list, ",%s,", o->queries);
    char pat[32];
    snprintf(pat, sizeof pat, ",%s,", name);
    return strstr(list, pat) != NULL;
}

/* The topics of the kinds in `inputs`, comma-separated ("bid", "person,auction"). */
static void input_topics(unsigned inputs, const BenchTopics *t, char *out, size_t sz)
{
    snprintf(out, sz, "%s%s%s%s%s", inputs & LOAD_PERSONS ? t->person : "",
             inputs & LOAD_PERSONS && inputs & (LOAD_AUCTIONS | LOAD_BIDS) ? "," : "",
             inputs & LOAD_AUCTIONS ? t->auction : "",
             inputs & LOAD_AUCTIONS && inputs & LOAD_BIDS ? "," : "",
             inputs & LOAD_BIDS ? t->bid : "");
}

/* Records loaded in the topics of `inputs`. */
static uint64_t input_count(const Ctx *c, unsigned inputs)
{
    return (inputs & LOAD_PERSONS ? c->load.persons : 0) +
           (inputs & LOAD_AUCTIONS ? c->load.auctions : 0) +
           (inputs & LOAD_BIDS ? c->load.bids : 0);
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

static int create_topic(Ctx *c, const char *name, int partitions)
{
    EddyError err;
    err_clear(&err);
    TopicSpec spec = {.name = name, .partitions = partitions};
    bool created;
    if (topic_admin_create(c->admin, &spec, &created, &err) < 0) {
        say("cannot create topic %s: %s", name, err.msg);
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- broker, data */

static void start_broker(Ctx *c)
{
    const char *argv[] = {c->o.broker, "--listen", "127.0.0.1:0", "--quiet", NULL};
    char err[512];
    if (proc_spawn(argv, true, c->log, &c->broker, err, sizeof err) < 0) die(c, "%s", err);
    FILE *f = fdopen(c->broker.out_fd, "r");
    char line[512];
    while (f && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (strncmp(line, "bootstrap.servers=", 18) == 0)
            snprintf(c->bootstrap, sizeof c->bootstrap, "%s", line + 18);
        else if (strncmp(line, "eddy.broker.control=", 20) == 0)
            snprintf(c->control, sizeof c->control, "%s", line + 20);
        if (c->bootstrap[0] && c->control[0]) break;
    }
    /* The pipe stays open (the broker prints nothing more); closing it is harmless. */
    if (!c->bootstrap[0] || !c->control[0])
        die(c, "eddy-broker did not print its addresses (see %s)", c->log);
    c->broker.out_fd = -1;
    EddyError e2;
    err_clear(&e2);
    TopicAdminConfig ac = {.broker_control = c->control};
    c->admin = topic_admin_open(&ac, &e2);
    if (!c->admin) die(c, "control endpoint %s: %s", c->control, e2.msg);
    say("eddy-broker at %s (control %s)", c->bootstrap, c->control);
}

static void load_data(Ctx *c)
{
    BenchTopics *t = &c->topics;
    snprintf(t->person, sizeof t->person, "person");
    snprintf(t->auction, sizeof t->auction, "auction");
    snprintf(t->bid, sizeof t->bid, "bid");
    if (create_topic(c, t->person, c->o.partitions) < 0 ||
        create_topic(c, t->auction, c->o.partitions) < 0 ||
        create_topic(c, t->bid, c->o.partitions) < 0)
        die(c, "cannot create the Nexmark topics");
    /* Event times end an hour ago, so live-phase records (stamped now) come later. */
    /* The smoke run's few thousand events span a minute of event time, so that
     * windows close and EMIT FINAL has results to check. */
    double rate = c->o.smoke ? 100 : 10000;
    c->cfg.seed = 42;
    c->cfg.rate = rate;
    c->cfg.base_ms = bk_wall_ms() - 3600 * 1000 - (int64_t)((double)c->o.events * 1000 / rate);
    c->cfg.base_ms -= c->cfg.base_ms % 10000; /* windows line up with the first event */
    char err[512];
    /* Bids of the first `events` events; persons and auctions of `join_events`
     * (they are 4 in 50 events: the joins get more of them to chew on). */
    if (bk_load(c->bootstrap, t, &c->cfg, 0, c->o.events, false, LOAD_ALL, &c->load, err,
                sizeof err) < 0)
        die(c, "loading events: %s", err);
    if (c->o.join_events > c->o.events) {
        LoadStats more;
        if (bk_load(c->bootstrap, t, &c->cfg, c->o.events, c->o.join_events, false,
                    LOAD_PERSONS | LOAD_AUCTIONS, &more, err, sizeof err) < 0)
            die(c, "loading events: %s", err);
        c->load.persons += more.persons;
        c->load.auctions += more.auctions;
        c->load.seconds += more.seconds;
    }
    const char *names[] = {t->person, t->auction, t->bid};
    const uint64_t counts[] = {c->load.persons, c->load.auctions, c->load.bids};
    for (int k = 0; k < 3; k++) {
        int64_t lo, hi;
        if (bk_watermarks(c->bootstrap, names[k], &lo, &hi, err, sizeof err) < 0)
            die(c, "%s watermarks: %s", names[k], err);
        if (lo != 0 || (uint64_t)hi != counts[k])
            die(c,
                "the broker kept %s offsets %lld..%lld of %llu written: more than it holds per "
                "partition (use fewer --events or more --partitions)",
                names[k], (long long)lo, (long long)hi, (unsigned long long)counts[k]);
    }
    BenchReport *r = &c->rep;
    r->events = c->o.events;
    r->bids = c->load.bids;
    r->partitions = c->o.partitions;
    r->bid_bytes_avg = c->load.bids ? (double)c->load.bid_bytes / (double)c->load.bids : 0;
    r->load_eps = c->load.seconds > 0 ? (double)c->o.events / c->load.seconds : 0;
    r->persons = c->load.persons;
    r->auctions = c->load.auctions;
    say("loaded %llu bids (%.0f bytes each on average), %llu persons and %llu auctions in %.2f s",
        (unsigned long long)c->load.bids, r->bid_bytes_avg, (unsigned long long)c->load.persons,
        (unsigned long long)c->load.auctions, c->load.seconds);
}

/* ---------------------------------------------------------------- sqlite3 */

static int cmp_row(const void *a, const void *b)
{
    const int64_t *x = a, *y = b;
    for (int i = 0; i < 3; i++)
        if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
}

static void run_sqlite(Ctx *c)
{
    char csv[3][PATH_MAX + 16], script[PATH_MAX + 16];
    snprintf(csv[0], sizeof csv[0], "%s/bid.csv", c->o.outdir);
    snprintf(csv[1], sizeof csv[1], "%s/auction.csv", c->o.outdir);
    snprintf(csv[2], sizeof csv[2], "%s/person.csv", c->o.outdir);
    snprintf(script, sizeof script, "%s/sqlite.sql", c->o.outdir);
    FILE *fb = fopen(csv[0], "w"), *fa = fopen(csv[1], "w"), *fp = fopen(csv[2], "w");
    if (!fb || !fa || !fp) die(c, "cannot write %s", csv[0]);
    uint64_t end = c->o.join_events > c->o.events ? c->o.join_events : c->o.events;
    for (uint64_t n = 0; n < end; n++) {
        NexmarkKind k = nexmark_kind(n);
        if (k == NEXMARK_BID && n < c->o.events) {
            NexmarkBid b;
            nexmark_bid(&c->cfg, n, &b);
            fprintf(fb, "%lld,%lld,%lld,%s,%lld\n", (long long)b.auction, (long long)b.bidder,
                    (long long)b.price, b.channel, (long long)b.date_time);
        } else if (k == NEXMARK_AUCTION) {
            NexmarkAuction a;
            nexmark_auction(&c->cfg, n, &a);
            fprintf(fa, "%lld,%lld,%lld,%lld\n", (long long)a.id, (long long)a.seller,
                    (long long)a.category, (long long)a.date_time);
        } else if (k == NEXMARK_PERSON) {
            NexmarkPerson p;
            nexmark_person(&c->cfg, n, &p);
            fprintf(fp, "%lld,%s,%lld\n", (long long)p.id, p.state, (long long)p.date_time);
        }
    }
    fclose(fb);
    fclose(fa);
    fclose(fp);
    FILE *f = fopen(script, "w");
    if (!f) die(c, "cannot write %s", script);
    fprintf(f,
            "CREATE TABLE bid(auction INTEGER, bidder INTEGER, price INTEGER, channel TEXT, "
            "ts INTEGER);\n"
            "CREATE TABLE auction(id INTEGER, seller INTEGER, category INTEGER, ts INTEGER);\n"
            "CREATE TABLE person(id INTEGER, state TEXT, ts INTEGER);\n"
            ".mode csv\n.import '%s' bid\n.import '%s' auction\n.import '%s' person\n",
            csv[0], csv[1], csv[2]);
    for (int i = 0; i < NQUERIES; i++) {
        if (!query_selected(&c->o, QUERIES[i].name)) continue;
        char path[PATH_MAX + 32];
        snprintf(path, sizeof path, "%s/bench/sqlite/%s.sql", c->o.srcdir, QUERIES[i].name);
        char *sql = read_file(path);
        if (!sql) die(c, "cannot read %s", path);
        fprintf(f, ".output '%s/sqlite_%s.csv'\n%s\n", c->o.outdir, QUERIES[i].name, sql);
        free(sql);
    }
    fclose(f);
    char cmd[PATH_MAX + 32];
    snprintf(cmd, sizeof cmd, ".read %s", script);
    const char *argv[] = {SQLITE, "-batch", ":memory:", cmd, NULL};
    char err[512];
    int64_t t0 = bk_mono_us();
    int st = proc_run(argv, c->log, NULL, NULL, NULL, err, sizeof err);
    c->rep.sqlite_s = (double)(bk_mono_us() - t0) / 1e6;
    if (st != 0) die(c, "sqlite3 failed (status %d; see %s)", st, c->log);
    for (int i = 0; i < NQUERIES; i++) {
        if (!query_selected(&c->o, QUERIES[i].name)) continue;
        char path[PATH_MAX + 32];
        snprintf(path, sizeof path, "%s/sqlite_%s.csv", c->o.outdir, QUERIES[i].name);
        FILE *in = fopen(path, "r");
        if (!in) die(c, "sqlite3 wrote no %s", path);
        char line[256];
        size_t cap = 0;
        while (fgets(line, sizeof line, in)) {
            long long a, w, v;
            if (QUERIES[i].compare == COMPARE_COUNT) {
                c->sqlite_count[i] = strtoll(line, NULL, 10);
            } else if (sscanf(line, "%lld,%lld,%lld", &a, &w, &v) == 3) {
                if (c->sqlite_nrows[i] == cap) {
                    cap = cap ? cap * 2 : 4096;
                    c->sqlite_rows[i] = realloc(c->sqlite_rows[i], cap * sizeof(int64_t[3]));
                }
                int64_t *row = c->sqlite_rows[i][c->sqlite_nrows[i]++];
                row[0] = a;
                row[1] = w;
                row[2] = v;
            }
        }
        fclose(in);
        if (c->sqlite_nrows[i])
            qsort(c->sqlite_rows[i], c->sqlite_nrows[i], sizeof(int64_t[3]), cmp_row);
    }
    say("sqlite3: %.2f s for the import and every reference query", c->rep.sqlite_s);
}

/* ---------------------------------------------------------------- ceilings, python */

static const char *ceiling_name(CeilingKind k)
{
    return k == CEILING_CONSUME ? "consume" : k == CEILING_DECODE ? "decode" : "passthrough";
}

/* Runs a ceiling in a child process (this binary, --ceiling), so its CPU time is its own. */
static Rate run_ceiling(Ctx *c, CeilingKind kind, const char *topics, const char *out_topic,
                        uint64_t max)
{
    Rate r = {0};
    char maxs[32];
    snprintf(maxs, sizeof maxs, "%llu", (unsigned long long)max);
    char self[PATH_MAX + 16];
    snprintf(self, sizeof self, "%s/eddy-bench", c->o.bindir);
    const char *argv[] = {
        self,   "--ceiling",   ceiling_name(kind),          "--bootstrap", c->bootstrap, "--topic",
        topics, "--out-topic", out_topic ? out_topic : "-", "--max",       maxs,         NULL};
    char *out = NULL, err[512];
    long rss;
    int st = proc_run(argv, c->log, &out, &r.cpu_s, &rss, err, sizeof err);
    json_error_t je;
    json_t *j = st == 0 && out ? json_loads(out, 0, &je) : NULL;
    if (j) {
        r.records = (uint64_t)json_integer_value(json_object_get(j, "records"));
        r.seconds = json_real_value(json_object_get(j, "seconds"));
        r.ok = r.records > 0 && r.seconds > 0;
        json_decref(j);
    }
    if (!r.ok) say("ceiling %s failed (status %d; see %s)", ceiling_name(kind), st, c->log);
    free(out);
    return r;
}

static Rate run_python(Ctx *c, const char *query, const char *topics, char *errbuf, size_t errsz)
{
    Rate r = {0};
    char script[PATH_MAX + 32], maxs[32], out_topic[64];
    snprintf(script, sizeof script, "%s/bench/nexmark_python.py", c->o.srcdir);
    snprintf(maxs, sizeof maxs, "%llu", (unsigned long long)c->o.python_max);
    snprintf(out_topic, sizeof out_topic, "python_%s", strchr(query, ',') ? "all" : query);
    if (access(PYTHON, X_OK) != 0) {
        snprintf(errbuf, errsz, "%s missing", PYTHON);
        return r;
    }
    if (!strchr(query, ',')) create_topic(c, out_topic, c->o.partitions);
    const char *argv[] = {PYTHON,  script,    "--bootstrap", c->bootstrap,  "--query",
                          query,   "--topic", topics,        "--out-topic", out_topic,
                          "--max", maxs,      NULL};
    char *out = NULL;
    long rss;
    int st = proc_run(argv, c->log, &out, &r.cpu_s, &rss, errbuf, errsz);
    json_error_t je;
    json_t *j = st == 0 && out ? json_loads(out, 0, &je) : NULL;
    if (j) {
        r.records = (uint64_t)json_integer_value(json_object_get(j, "records"));
        r.seconds = json_number_value(json_object_get(j, "seconds"));
        r.ok = r.records > 0 && r.seconds > 0;
        json_decref(j);
    }
    if (!r.ok) snprintf(errbuf, errsz, "python loop failed (status %d; see %s)", st, c->log);
    free(out);
    return r;
}

/* ---------------------------------------------------------------- eddyd */

/* One query inside an eddyd session. */
typedef struct Run {
    int qi; /* index in QUERIES */
    QueryResult *res;
    char sink[64], live_sink[64];
    char qid[128];          /* eddyd's query id */
    const char *service_id; /* eddyd's ksql.service.id */
    GroupWatch *watch;      /* the query's group on its input topics */
    GroupWatch *iwatch;     /* ... on its repartition topics, once the inputs are in */
    char itopics[1024];     /* those topics, comma-separated */
    bool inputs_in;
    SinkReader *sink_r, *live_r;
    int64_t start_us, end_us;
    bool done;
} Run;

typedef struct RowsCtx {
    int64_t (*rows)[3];
    size_t n, cap;
    uint64_t bad;
} RowsCtx;

/* A windowed sink record: key = 8-byte auction + 8-byte window start; value = JSON
 * object with one number. */
static void collect_row(void *ctx, const char *key, size_t klen, const char *val, size_t vlen)
{
    RowsCtx *rc = ctx;
    if (klen != 16 || !val) {
        rc->bad++;
        return;
    }
    int64_t a = 0, w = 0;
    for (int i = 0; i < 8; i++) {
        a = (int64_t)((uint64_t)a << 8 | (unsigned char)key[i]);
        w = (int64_t)((uint64_t)w << 8 | (unsigned char)key[8 + i]);
    }
    json_error_t je;
    json_t *j = json_loadb(val, vlen, 0, &je);
    const char *k;
    json_t *v;
    int64_t num = INT64_MIN;
    json_object_foreach(j, k, v)
    {
        if (json_is_number(v)) num = (int64_t)json_number_value(v);
    }
    json_decref(j);
    if (num == INT64_MIN) {
        rc->bad++;
        return;
    }
    if (rc->n == rc->cap) {
        rc->cap = rc->cap ? rc->cap * 2 : 4096;
        rc->rows = realloc(rc->rows, rc->cap * sizeof *rc->rows);
    }
    rc->rows[rc->n][0] = a;
    rc->rows[rc->n][1] = w;
    rc->rows[rc->n][2] = num;
    rc->n++;
}

/* EMIT FINAL: a window is emitted once, when the stream time of its partition
 * passes its end. Every emitted window must be one of sqlite3's with the same value,
 * and every window that ended WINDOW_MS before the last bid (closed in every
 * partition) must have been emitted. */
#define WINDOW_MS 10000
static void check_final(Ctx *c, Run *run, const RowsCtx *rc)
{
    QueryResult *res = run->res;
    int qi = run->qi;
    int64_t(*sq)[3] = c->sqlite_rows[qi];
    size_t n = c->sqlite_nrows[qi];
    int64_t last = 0;
    for (size_t i = 0; i < n; i++)
        if (sq[i][1] + WINDOW_MS > last) last = sq[i][1] + WINDOW_MS;
    /* The last bid is in the latest window: windows ending by last - 2 * size are
     * closed everywhere. */
    int64_t closed = last - 2 * WINDOW_MS;
    size_t wrong = 0, must = 0, have = 0;
    const int64_t *bad = NULL;
    for (size_t i = 0; i < rc->n; i++) {
        const int64_t *e = rc->rows[i];
        size_t lo = 0, hi = n;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            int64_t key[3] = {e[0], e[1], INT64_MIN};
            if (cmp_row(sq[mid], key) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo >= n || sq[lo][0] != e[0] || sq[lo][1] != e[1] || sq[lo][2] != e[2]) {
            if (!bad) bad = e;
            wrong++;
        }
        if (e[1] + WINDOW_MS <= closed) have++;
    }
    for (size_t i = 0; i < n; i++)
        if (sq[i][1] + WINDOW_MS <= closed) must++;
    res->correct = wrong == 0 && have == must && rc->bad == 0;
    if (res->correct)
        snprintf(res->check, sizeof res->check,
                 "%zu final windows equal to sqlite3's (all %zu closed ones)", rc->n, must);
    else if (bad)
        snprintf(res->check, sizeof res->check,
                 "%zu final windows, %zu differ from sqlite3 (first: %lld,%lld,%lld); %zu of "
                 "%zu closed ones",
                 rc->n, wrong, (long long)bad[0], (long long)bad[1], (long long)bad[2], have, must);
    else
        snprintf(res->check, sizeof res->check,
                 "%zu final windows; %zu of the %zu closed ones; %llu unreadable", rc->n, have,
                 must, (unsigned long long)rc->bad);
}

static void check_output(Ctx *c, Run *run)
{
    QueryResult *res = run->res;
    int qi = run->qi;
    if (QUERIES[qi].compare == COMPARE_COUNT) {
        res->correct = (int64_t)res->outputs == c->sqlite_count[qi];
        snprintf(res->check, sizeof res->check, "%llu records, sqlite3 counts %lld",
                 (unsigned long long)res->outputs, (long long)c->sqlite_count[qi]);
        return;
    }
    RowsCtx rc = {0};
    bk_sink_each(run->sink_r, collect_row, &rc);
    if (rc.n) qsort(rc.rows, rc.n, sizeof *rc.rows, cmp_row);
    size_t n = c->sqlite_nrows[qi];
    if (QUERIES[qi].compare == COMPARE_FINAL) {
        check_final(c, run, &rc);
        free(rc.rows);
        return;
    }
    size_t diff = 0, first = (size_t)-1;
    for (size_t i = 0; i < rc.n && i < n; i++)
        if (cmp_row(rc.rows[i], c->sqlite_rows[qi][i]) != 0) {
            if (first == (size_t)-1) first = i;
            diff++;
        }
    res->correct = rc.n == n && diff == 0 && rc.bad == 0;
    if (res->correct) {
        snprintf(res->check, sizeof res->check, "%zu windows equal to sqlite3's", n);
    } else if (first != (size_t)-1) {
        int64_t *e = rc.rows[first], *s = c->sqlite_rows[qi][first];
        snprintf(res->check, sizeof res->check,
                 "%zu windows (sqlite3 %zu), %zu differ; first: eddy %lld,%lld,%lld sqlite3 "
                 "%lld,%lld,%lld",
                 rc.n, n, diff, (long long)e[0], (long long)e[1], (long long)e[2], (long long)s[0],
                 (long long)s[1], (long long)s[2]);
    } else {
        snprintf(res->check, sizeof res->check, "%zu windows, sqlite3 %zu; %llu unreadable", rc.n,
                 n, (unsigned long long)rc.bad);
    }
    free(rc.rows);
}

/* Watches the query's repartition topics (eddy names them
 * _confluent-ksql-<service id>query_<id>-...-repartition), if it has any. */
static void repartition_watch(Ctx *c, Run *r)
{
    if (!r->qid[0]) return;
    char prefix[256];
    snprintf(prefix, sizeof prefix, "_confluent-ksql-%squery_%s-", r->service_id, r->qid);
    EddyError e2;
    err_clear(&e2);
    TopicDesc *list;
    int nt = topic_admin_list(c->admin, &list, &e2);
    r->itopics[0] = 0;
    for (int k = 0; k < nt; k++) {
        size_t l = strlen(list[k].name);
        if (strncmp(list[k].name, prefix, strlen(prefix)) != 0 || l < 12 ||
            strcmp(list[k].name + l - 12, "-repartition") != 0)
            continue;
        size_t used = strlen(r->itopics);
        snprintf(r->itopics + used, sizeof r->itopics - used, "%s%s", used ? "," : "",
                 list[k].name);
    }
    if (nt > 0) topic_desc_free(list, nt);
    if (!r->itopics[0]) return;
    char group[256], err[512];
    snprintf(group, sizeof group, "_confluent-ksql-%squery_%s", r->service_id, r->qid);
    r->iwatch = bk_group_watch(c->bootstrap, group, r->itopics, err, sizeof err);
}

/* Runs the queries runs[0..n) in one fresh eddyd: throughput over the loaded bids,
 * then latency over live topics. */
static void eddy_session(Ctx *c, Run *runs, int n, bool with_live)
{
    char err[1024];
    Eddyd d;
    if (eddyd_start(c->o.eddyd, c->o.outdir, c->bootstrap, c->control, c->o.eddyd_args, c->log, &d,
                    err, sizeof err) < 0) {
        for (int i = 0; i < n; i++)
            snprintf(runs[i].res->error, sizeof runs[i].res->error, "%s", err);
        return;
    }
    sleep_ms(c->o.smoke ? 200 : 1000);
    double idle_mb = (double)proc_status_kb(d.pid, "VmRSS") / 1024.0;
    if (c->rep.startup_ms == 0 || d.startup_ms < c->rep.startup_ms)
        c->rep.startup_ms = d.startup_ms;
    if (idle_mb > c->rep.idle_rss_mb) c->rep.idle_rss_mb = idle_mb;

    /* The streams and queries: each query once over the loaded bids, and once over
     * the session's live topic. */
    static int session_no;
    BenchTopics live_t;
    session_no++;
    snprintf(live_t.bid, sizeof live_t.bid, "bid_live_%d", session_no);
    snprintf(live_t.auction, sizeof live_t.auction, "auction_live_%d", session_no);
    snprintf(live_t.person, sizeof live_t.person, "person_live_%d", session_no);
    create_topic(c, live_t.bid, c->o.partitions);
    create_topic(c, live_t.auction, c->o.partitions);
    create_topic(c, live_t.person, c->o.partitions);
    char *tmpl_streams = NULL;
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/bench/sql/streams.sql", c->o.srcdir);
    tmpl_streams = read_file(path);
    if (!tmpl_streams) die(c, "cannot read %s", path);
    for (int i = 0; i < n; i++) {
        Run *r = &runs[i];
        const char *q = QUERIES[r->qi].name;
        snprintf(r->sink, sizeof r->sink, "%s_out_%d", q, session_no);
        snprintf(r->live_sink, sizeof r->live_sink, "%s_live_out_%d", q, session_no);
    }
    StrBuf sql = STRBUF_INIT;
    {
        const char *p1[] = {"bid",
                            "BID",
                            "bid_topic",
                            c->topics.bid,
                            "auction",
                            "AUCTION",
                            "auction_topic",
                            c->topics.auction,
                            "person",
                            "PERSON",
                            "person_topic",
                            c->topics.person,
                            "person_table",
                            "PERSON_T",
                            NULL};
        const char *p2[] = {
            "bid",          "BID_LIVE",      "bid_topic",    live_t.bid,      "auction",
            "AUCTION_LIVE", "auction_topic", live_t.auction, "person",        "PERSON_LIVE",
            "person_topic", live_t.person,   "person_table", "PERSON_LIVE_T", NULL};
        char *s1 = substitute(tmpl_streams, p1);
        char *s2 = substitute(tmpl_streams, p2);
        sb_printf(&sql, "%s\n%s\n", s1, s2);
        free(s1);
        free(s2);
    }
    json_t *resp;
    if (eddyd_ksql(&d, sql.data, &resp, err, sizeof err) < 0) {
        for (int i = 0; i < n; i++)
            snprintf(runs[i].res->error, sizeof runs[i].res->error, "CREATE STREAM: %s", err);
        goto out;
    }
    json_decref(resp);
    for (int i = 0; i < n; i++) {
        Run *r = &runs[i];
        const char *q = QUERIES[r->qi].name;
        snprintf(path, sizeof path, "%s/bench/sql/%s.sql", c->o.srcdir, q);
        char *tmpl = read_file(path);
        if (!tmpl) die(c, "cannot read %s", path);
        const char *pq[] = {"bid",          "BID",      "auction", "AUCTION", "person", "PERSON",
                            "person_table", "PERSON_T", "sink",    r->sink,   NULL};
        const char *pql[] = {
            "bid",          "BID_LIVE",      "auction", "AUCTION_LIVE", "person", "PERSON_LIVE",
            "person_table", "PERSON_LIVE_T", "sink",    r->live_sink,   NULL};
        char *s2 = substitute(tmpl, pq);
        char *s3 = substitute(tmpl, pql);
        free(tmpl);
        sb_clear(&sql);
        sb_printf(&sql, "%s\n%s\n", s2, s3);
        free(s2);
        free(s3);
        if (eddyd_ksql(&d, sql.data, &resp, err, sizeof err) < 0) {
            snprintf(r->res->error, sizeof r->res->error, "%s", err);
            continue;
        }
        const char *qid = eddyd_query_id(resp);
        if (qid) snprintf(r->qid, sizeof r->qid, "%s", qid);
        r->service_id = d.service_id;
        if (qid) {
            char group[256];
            snprintf(group, sizeof group, "_confluent-ksql-%squery_%s", d.service_id, qid);
            char topics[400];
            input_topics(QUERIES[r->qi].inputs, &c->topics, topics, sizeof topics);
            r->watch = bk_group_watch(c->bootstrap, group, topics, err, sizeof err);
        }
        json_decref(resp);
        bool table = QUERIES[r->qi].compare != COMPARE_COUNT;
        r->sink_r = bk_sink_start(c->bootstrap, r->sink, table, 0, err, sizeof err);
        if (!r->sink_r) snprintf(r->res->error, sizeof r->res->error, "%s", err);
        r->live_r = bk_sink_start(c->bootstrap, r->live_sink, false, 1, err, sizeof err);
        if (!r->live_r) snprintf(r->res->error, sizeof r->res->error, "%s", err);
    }

    say("queries created");
    Proc perf = {.pid = -1, .out_fd = -1};
    if (c->o.profile) {
        char pidarg[32], data[PATH_MAX + 64];
        snprintf(pidarg, sizeof pidarg, "%d", (int)d.pid);
        snprintf(data, sizeof data, "%s/perf-%s.data", c->o.outdir, QUERIES[runs[0].qi].name);
        const char *pargv[] = {"/usr/bin/perf", "record", "-q", "-F", "997", "-g", "-p",
                               pidarg,          "-o",     data, NULL};
        if (proc_spawn(pargv, false, c->log, &perf, err, sizeof err) < 0)
            say("perf: %s", err);
        else
            say("profiling eddyd into %s", data);
    }
    /* Throughput: eddyd's CPU time (all threads, ns resolution) is sampled every
     * 10 ms until every input record is committed (or the output stops growing). The
     * phase is timed from the first of five samples in a row at >= half a core to the
     * last sample at >= a quarter before the end was seen, so the group join before
     * and the commit round trip after are not counted; its CPU time is eddyd's, all
     * threads. */
    size_t ns = 0, capns = 4096;
    int64_t *st = malloc(capns * sizeof *st);
    double *sc = malloc(capns * sizeof *sc);
    st[0] = bk_mono_us();
    sc[0] = proc_cpu_seconds_precise(d.pid);
    ns = 1;
    int64_t deadline = bk_mono_us() + 300000000;
    int pending = 0;
    for (int i = 0; i < n; i++)
        if (!runs[i].res->error[0]) pending++;
    uint64_t last_out[16] = {0};
    int64_t last_change[16] = {0};
    size_t done_at[16] = {0};
    while (pending > 0 && !interrupted && bk_mono_us() < deadline) {
        sleep_ms(10);
        int64_t now = bk_mono_us();
        double cpu = proc_cpu_seconds_precise(d.pid);
        if (cpu < 0) {
            for (int i = 0; i < n; i++)
                if (!runs[i].res->error[0])
                    snprintf(runs[i].res->error, sizeof runs[i].res->error, "eddyd died (see %s)",
                             c->log);
            break;
        }
        if (ns == capns) {
            capns *= 2;
            st = realloc(st, capns * sizeof *st);
            sc = realloc(sc, capns * sizeof *sc);
        }
        st[ns] = now;
        sc[ns] = cpu;
        ns++;
        for (int i = 0; i < n; i++) {
            Run *r = &runs[i];
            if (r->done || r->res->error[0]) continue;
            SinkStats ss;
            bk_sink_stats(r->sink_r, &ss);
            if (ss.records != last_out[i]) {
                last_out[i] = ss.records;
                last_change[i] = now;
            }
            int64_t committed = r->watch ? bk_group_committed(r->watch) : -1;
            uint64_t want = input_count(c, QUERIES[r->qi].inputs);
            bool all_in = committed >= (int64_t)want;
            if (all_in && !r->inputs_in) {
                /* Every input is in; records repartitioned through internal topics
                 * (joins) may still be on their way back. */
                r->inputs_in = true;
                repartition_watch(c, r);
            }
            if (all_in && r->iwatch) {
                int64_t lo, hi, ic = bk_group_committed(r->iwatch);
                all_in = bk_watermarks(c->bootstrap, r->itopics, &lo, &hi, err, sizeof err) >= 0 &&
                         ic >= hi;
            }
            bool stalled = ss.records > 0 && now - last_change[i] > 5000000;
            if (all_in || stalled) {
                r->done = true;
                done_at[i] = ns - 1;
                pending--;
                if (stalled && !all_in && r->watch)
                    say("%s: output stopped growing before every bid was committed (%lld of %llu)",
                        QUERIES[r->qi].name, (long long)committed, (unsigned long long)want);
            }
        }
    }
    for (int i = 0; i < n; i++) {
        Run *r = &runs[i];
        if (r->res->error[0]) continue;
        if (!r->done) {
            snprintf(r->res->error, sizeof r->res->error, "did not finish (see %s)", c->log);
            continue;
        }
        size_t last = done_at[i], a = 0;
        /* Work starts with 5 samples in a row at >= half a core (the group join's
         * blips of CPU are shorter); it ends at the last sample >= a quarter. */
        const double busy = 0.0025; /* CPU seconds in a 10 ms sample */
        for (; a + 5 <= last; a++) {
            int k = 1;
            while (k <= 5 && sc[a + k] - sc[a + k - 1] >= 2 * busy)
                k++;
            if (k > 5) break;
        }
        if (a + 5 > last) { /* a short run: from the first busy sample */
            a = 0;
            while (a + 1 < last && sc[a + 1] - sc[a] < busy)
                a++;
        }
        while (last > a + 1 && sc[last] - sc[last - 1] < busy)
            last--;
        r->res->ran = true;
        r->res->eddy.records = input_count(c, QUERIES[r->qi].inputs);
        r->res->eddy.seconds = (double)(st[last] - st[a]) / 1e6;
        /* In one session the CPU of all its queries is shared: only meaningful alone. */
        r->res->eddy.cpu_s = (sc[last] - sc[a]) / n;
        r->res->eddy.ok = r->res->eddy.seconds > 0 && r->res->eddy.cpu_s > 0;
    }
    {
        /* The samples, for a look at how the phase went (time s, CPU s). */
        char sp[PATH_MAX + 64];
        snprintf(sp, sizeof sp, "%s/cpu-%s.txt", c->o.outdir, QUERIES[runs[0].qi].name);
        FILE *f = fopen(sp, "w");
        for (size_t k = 0; f && k < ns; k++)
            fprintf(f, "%.3f %.4f\n", (double)(st[k] - st[0]) / 1e6, sc[k] - sc[0]);
        if (f) fclose(f);
    }
    free(st);
    free(sc);
    say("throughput phase done");
    if (perf.pid > 0) {
        kill(perf.pid, SIGINT);
        proc_wait(&perf, NULL, NULL);
    }
    /* Let the sink readers drain, then check. */
    for (int i = 0; i < n; i++) {
        Run *r = &runs[i];
        if (!r->res->ran) continue;
        int64_t lo, hi;
        uint64_t want = 0;
        if (bk_watermarks(c->bootstrap, r->sink, &lo, &hi, err, sizeof err) > 0)
            want = (uint64_t)(hi - lo);
        SinkStats ss;
        int64_t t0 = bk_mono_us();
        do {
            sleep_ms(20);
            bk_sink_stats(r->sink_r, &ss);
        } while (ss.records < want && bk_mono_us() - t0 < 10000000);
        bk_sink_stop(r->sink_r);
        r->res->outputs = ss.records;
        check_output(c, r);
    }

    say("outputs checked");
    /* Latency: events sent at live_rate to the live topics, stamped with the time
     * they are sent. */
    if (with_live && c->o.live_seconds > 0) {
        uint64_t nlive = (uint64_t)(c->o.live_rate * c->o.live_seconds);
        NexmarkConfig live = c->cfg;
        live.rate = c->o.live_rate;
        unsigned kinds = 0;
        for (int i = 0; i < n; i++)
            kinds |= QUERIES[runs[i].qi].inputs;
        LoadStats ls;
        /* Event number `events` is due 200 ms from now. */
        live.base_ms = bk_wall_ms() + 200 - (int64_t)((double)c->o.events * 1000 / live.rate);
        if (bk_load(c->bootstrap, &live_t, &live, c->o.events, c->o.events + nlive, true, kinds,
                    &ls, err, sizeof err) < 0)
            say("live phase: %s", err);
        say("live phase sent");
        sleep_ms(c->o.smoke ? 500 : 1500);
        for (int i = 0; i < n; i++) {
            Run *r = &runs[i];
            if (!r->res->ran || !r->live_r) continue;
            bk_sink_stop(r->live_r);
            const double *lat;
            size_t nl = bk_sink_latencies(r->live_r, &lat);
            r->res->latency_samples = nl;
            r->res->p50_ms = nl ? bk_percentile(lat, nl, 50) : -1;
            r->res->p99_ms = nl ? bk_percentile(lat, nl, 99) : -1;
        }
    }
    {
        double hwm = (double)proc_status_kb(d.pid, "VmHWM") / 1024.0;
        for (int i = 0; i < n; i++)
            runs[i].res->rss_mb = hwm;
    }
out:
    for (int i = 0; i < n; i++) {
        bk_sink_free(runs[i].sink_r);
        bk_sink_free(runs[i].live_r);
        bk_group_watch_free(runs[i].watch);
        bk_group_watch_free(runs[i].iwatch);
        runs[i].iwatch = NULL;
        runs[i].sink_r = runs[i].live_r = NULL;
        runs[i].watch = NULL;
    }
    sb_free(&sql);
    free(tmpl_streams);
    say("stopping eddyd");
    eddyd_stop(&d);
    say("eddyd stopped");
}

/* Folds one run of a query into its result: the run with the most events per
 * CPU-second gives the throughput figures; peak RSS is the highest; latency comes
 * from the first run (the only one with a live phase); any error or wrong output
 * stays. */
static void merge_result(QueryResult *res, const QueryResult *one, bool first)
{
    if (one->error[0] && !res->error[0]) snprintf(res->error, sizeof res->error, "%s", one->error);
    if (!one->ran) return;
    if (!res->ran || rate_per_cpu(&one->eddy) > rate_per_cpu(&res->eddy)) res->eddy = one->eddy;
    if (one->rss_mb > res->rss_mb) res->rss_mb = one->rss_mb;
    if (first) {
        res->p50_ms = one->p50_ms;
        res->p99_ms = one->p99_ms;
        res->latency_samples = one->latency_samples;
    }
    if (!res->ran || one->correct == 0) {
        res->correct = one->correct;
        res->outputs = one->outputs;
        snprintf(res->check, sizeof res->check, "%s", one->check);
    }
    res->ran = true;
}

/* ---------------------------------------------------------------- main */

static int ceiling_main(int argc, char **argv)
{
    const char *kind = NULL, *bootstrap = NULL, *topic = NULL, *out_topic = NULL;
    uint64_t max = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--ceiling") == 0)
            kind = argv[i + 1];
        else if (strcmp(argv[i], "--bootstrap") == 0)
            bootstrap = argv[i + 1];
        else if (strcmp(argv[i], "--topic") == 0)
            topic = argv[i + 1];
        else if (strcmp(argv[i], "--out-topic") == 0)
            out_topic = argv[i + 1];
        else if (strcmp(argv[i], "--max") == 0)
            max = strtoull(argv[i + 1], NULL, 10);
    }
    if (!kind || !bootstrap || !topic) {
        fprintf(stderr, "eddy-bench --ceiling KIND --bootstrap B --topic T ...\n");
        return 2;
    }
    CeilingKind k = strcmp(kind, "consume") == 0  ? CEILING_CONSUME
                    : strcmp(kind, "decode") == 0 ? CEILING_DECODE
                                                  : CEILING_PASSTHROUGH;
    CeilingResult r;
    char err[512];
    if (bk_ceiling(bootstrap, k, topic, out_topic, max, &r, err, sizeof err) < 0) {
        fprintf(stderr, "eddy-bench: ceiling %s: %s\n", kind, err);
        return 1;
    }
    printf("{\"records\": %llu, \"seconds\": %.6f}\n", (unsigned long long)r.records, r.seconds);
    return 0;
}

static void parse_args(Ctx *c, int argc, char **argv)
{
    Options *o = &c->o;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = 0;
    char *slash = strrchr(exe, '/');
    if (slash) *slash = 0;
    snprintf(o->bindir, sizeof o->bindir, "%s", exe[0] ? exe : ".");
    snprintf(o->srcdir, sizeof o->srcdir, "%s", EDDY_SOURCE_DIR);
    o->events = 440000;
    o->partitions = 32;
    o->python_max = 0; /* every record: the same data as eddyd */
    o->live_rate = 10000;
    o->live_seconds = 4;
    o->repeat = 3;
    bool set_events = false, set_parts = false, set_py = false, set_live = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            exit(0);
        } else if (strcmp(a, "--smoke") == 0) {
            o->smoke = true;
        } else if (strcmp(a, "--no-python") == 0) {
            o->no_python = true;
        } else if (strcmp(a, "--no-eddy") == 0) {
            o->no_eddy = true;
        } else if (strcmp(a, "--no-docs") == 0) {
            o->no_docs = true;
        } else if (strcmp(a, "--profile") == 0) {
            o->profile = true;
        } else if (!v) {
            fprintf(stderr, "eddy-bench: unknown option or missing value: %s\n", a);
            usage(stderr);
            exit(2);
        } else {
            i++;
            if (strcmp(a, "--events") == 0)
                o->events = strtoull(v, NULL, 10), set_events = true;
            else if (strcmp(a, "--partitions") == 0)
                o->partitions = atoi(v), set_parts = true;
            else if (strcmp(a, "--repeat") == 0)
                o->repeat = atoi(v) > 0 ? atoi(v) : 1;
            else if (strcmp(a, "--join-events") == 0)
                o->join_events = strtoull(v, NULL, 10);
            else if (strcmp(a, "--queries") == 0)
                snprintf(o->queries, sizeof o->queries, "%s", v);
            else if (strcmp(a, "--python-max") == 0)
                o->python_max = strtoull(v, NULL, 10), set_py = true;
            else if (strcmp(a, "--live-rate") == 0)
                o->live_rate = atof(v);
            else if (strcmp(a, "--live-seconds") == 0)
                o->live_seconds = atof(v), set_live = true;
            else if (strcmp(a, "--eddyd") == 0)
                snprintf(o->eddyd, sizeof o->eddyd, "%s", v);
            else if (strcmp(a, "--eddyd-arg") == 0 && o->neddyd_args < 15)
                o->eddyd_args[o->neddyd_args++] = v;
            else if (strcmp(a, "--broker") == 0)
                snprintf(o->broker, sizeof o->broker, "%s", v);
            else if (strcmp(a, "--out") == 0)
                snprintf(o->outdir, sizeof o->outdir, "%s", v);
            else if (strcmp(a, "--docs") == 0)
                snprintf(o->docs, sizeof o->docs, "%s", v);
            else if (strcmp(a, "--source-dir") == 0)
                snprintf(o->srcdir, sizeof o->srcdir, "%s", v);
            else {
                fprintf(stderr, "eddy-bench: unknown option: %s\n", a);
                usage(stderr);
                exit(2);
            }
        }
    }
    if (o->smoke) {
        if (!set_events) o->events = 5000;
        if (!set_parts) o->partitions = 4;
        if (!set_py) o->python_max = 1000;
        if (!set_live) o->live_seconds = 0.5;
        o->no_docs = true;
    }
    if (!o->eddyd[0]) snprintf(o->eddyd, sizeof o->eddyd, "%s/eddyd", o->bindir);
    if (!o->broker[0]) snprintf(o->broker, sizeof o->broker, "%s/eddy-broker", o->bindir);
    if (!o->outdir[0])
        snprintf(o->outdir, sizeof o->outdir, "%s/bench%s", o->bindir, o->smoke ? "-smoke" : "");
    if (!o->docs[0]) snprintf(o->docs, sizeof o->docs, "%s/docs/benchmarks.md", o->srcdir);
    if (!o->join_events) o->join_events = o->smoke ? o->events : 4 * o->events;
    if (o->events < 50 || o->partitions < 1) {
        fprintf(stderr, "eddy-bench: --events must be >= 50 and --partitions >= 1\n");
        exit(2);
    }
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--ceiling") == 0) return ceiling_main(argc, argv);
    static Ctx ctx;
    Ctx *c = &ctx;
    t_origin = bk_mono_us();
    parse_args(c, argc, argv);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    mkdir(c->o.outdir, 0755);
    snprintf(c->log, sizeof c->log, "%s/children.log", c->o.outdir);
    unlink(c->log);
    c->rep.smoke = c->o.smoke;
    time_t now = time(NULL);
    strftime(c->rep.when, sizeof c->rep.when, "%Y-%m-%d %H:%M UTC", gmtime(&now));

    start_broker(c);
    load_data(c);
    run_sqlite(c);

    say("ceilings: consume, decode, consume+produce");
    create_topic(c, "ceiling_out", c->o.partitions);
    c->rep.consume = run_ceiling(c, CEILING_CONSUME, c->topics.bid, NULL, 0);
    c->rep.decode = run_ceiling(c, CEILING_DECODE, c->topics.bid, NULL, 0);
    c->rep.passthrough = run_ceiling(c, CEILING_PASSTHROUGH, c->topics.bid, "ceiling_out", 0);

    Run runs[NQUERIES];
    int nruns = 0;
    for (int i = 0; i < NQUERIES; i++) {
        if (!query_selected(&c->o, QUERIES[i].name)) continue;
        QueryResult *res = &c->rep.q[c->rep.nq++];
        memset(res, 0, sizeof *res);
        res->name = QUERIES[i].name;
        res->title = QUERIES[i].title;
        res->p50_ms = res->p99_ms = -1;
        res->correct = -1;
        memset(&runs[nruns], 0, sizeof runs[nruns]);
        runs[nruns].qi = i;
        runs[nruns].res = res;
        nruns++;
    }
    if (!c->o.no_eddy && access(c->o.eddyd, X_OK) != 0) {
        say("%s is not built: eddy itself is not measured", c->o.eddyd);
        c->o.no_eddy = true;
        for (int i = 0; i < nruns; i++)
            snprintf(runs[i].res->error, sizeof runs[i].res->error, "eddyd not built");
    }
    if (!c->o.no_eddy && c->o.smoke) {
        say("eddyd: every query in one session");
        eddy_session(c, runs, nruns, true);
    }
    for (int i = 0; i < nruns && !interrupted; i++) {
        QueryResult *res = runs[i].res;
        char topics[400];
        input_topics(QUERIES[runs[i].qi].inputs, &c->topics, topics, sizeof topics);
        if (!c->o.smoke) {
            /* Best of --repeat runs of the ceiling and of eddyd, alternated so both
             * see the same load on a shared machine (the latency phase runs once). */
            for (int k = 0; k < c->o.repeat && !interrupted; k++) {
                Rate ceil = run_ceiling(c, CEILING_PASSTHROUGH, topics, "ceiling_out", 0);
                if (rate_eps(&ceil) > rate_eps(&res->ceiling)) res->ceiling = ceil;
                if (c->o.no_eddy) continue;
                say("eddyd: %s (%s), run %d of %d", res->name, res->title, k + 1, c->o.repeat);
                QueryResult one = *res;
                one.ran = false;
                one.error[0] = 0;
                Run r1 = runs[i];
                r1.res = &one;
                eddy_session(c, &r1, 1, k == 0);
                merge_result(res, &one, k == 0);
            }
        } else if (QUERIES[runs[i].qi].inputs == LOAD_BIDS) {
            res->ceiling = c->rep.passthrough;
        }
        for (int k = 0; !c->o.no_python && !c->o.smoke && k < c->o.repeat && !interrupted; k++) {
            char err[512];
            Rate py = run_python(c, res->name, topics, err, sizeof err);
            if (!py.ok) say("%s: %s", res->name, err);
            if (rate_eps(&py) > rate_eps(&res->python)) res->python = py;
        }
        if (res->error[0])
            say("%s: %s", res->name, res->error);
        else if (res->ran)
            say("%s: %s", res->name, res->check);
    }

    bool python_failed = false;
    if (!c->o.no_python && c->o.smoke && nruns > 0) {
        /* One Python process runs every query over each record (a check, not a figure). */
        StrBuf list = STRBUF_INIT;
        for (int i = 0; i < nruns; i++)
            sb_printf(&list, "%s%s", i ? "," : "", runs[i].res->name);
        char err[512];
        char all[400];
        input_topics(LOAD_ALL, &c->topics, all, sizeof all);
        Rate py = run_python(c, list.data, all, err, sizeof err);
        if (!py.ok) {
            say("python: %s", err);
            python_failed = true;
        }
        for (int i = 0; i < nruns; i++)
            runs[i].res->python = py;
        sb_free(&list);
    }

    report_table(&c->rep, stdout);
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/results.json", c->o.outdir);
    if (report_json(&c->rep, path) < 0) die(c, "cannot write %s", path);
    say("wrote %s", path);
    if (!c->o.no_docs && !c->o.no_eddy) {
        char svg[PATH_MAX + 8];
        snprintf(svg, sizeof svg, "%s", c->o.docs);
        char *dot = strrchr(svg, '.');
        if (dot) strcpy(dot, ".svg");
        StrBuf cmd = STRBUF_INIT;
        sb_puts(&cmd, "make bench");
        if (argc > 1) {
            sb_puts(&cmd, "  # build/eddy-bench");
            for (int i = 1; i < argc; i++)
                sb_printf(&cmd, " %s", argv[i]);
        }
        if (report_docs(&c->rep, c->o.docs, svg, c->o.outdir, cmd.data) < 0)
            say("cannot write %s", c->o.docs);
        else
            say("wrote %s", c->o.docs);
        sb_free(&cmd);
    }
    cleanup(c);
    int failed = python_failed ? 1 : 0;
    for (int i = 0; i < c->rep.nq; i++) {
        const QueryResult *q = &c->rep.q[i];
        if (q->ran && q->correct == 0) failed++;
        if (c->o.smoke && !c->o.no_eddy && !q->ran) failed++;
    }
    return failed ? 1 : 0;
}
