/*
 * bench.h - what one benchmark run measured, and the report written from it
 * (the table on stdout, results.json, docs/benchmarks.md and its plot).
 */
#ifndef EDDY_BENCH_H
#define EDDY_BENCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* A throughput figure: records over wall seconds and over CPU seconds of the
 * process doing the work. */
typedef struct Rate {
    uint64_t records;
    double seconds; /* wall, first record to last */
    double cpu_s;   /* CPU of the process (user + system) */
    bool ok;
} Rate;

double rate_eps(const Rate *r);
double rate_per_cpu(const Rate *r);

typedef enum CompareKind {
    COMPARE_COUNT, /* the sink holds as many records as sqlite's count */
    COMPARE_ROWS,  /* the last value per (auction, window) equals sqlite's rows */
    COMPARE_FINAL, /* EMIT FINAL: every emitted window equals sqlite's; all closed ones are in */
} CompareKind;

typedef struct QueryResult {
    const char *name;  /* q0 */
    const char *title; /* "pass-through" */
    bool ran;
    Rate eddy;    /* eddyd, throughput phase */
    Rate ceiling; /* consume + produce, measured just before */
    Rate python;
    double p50_ms, p99_ms; /* live phase; -1 when not measured */
    uint64_t latency_samples;
    double rss_mb;    /* eddyd peak RSS (VmHWM) */
    uint64_t outputs; /* sink records of the throughput phase */
    int correct;      /* 1 equal to sqlite, 0 different, -1 not checked */
    char check[256];  /* what was compared, or the difference */
    char error[512];  /* why the query did not run, "" when it did */
} QueryResult;

typedef struct BenchReport {
    bool smoke;
    uint64_t events, bids;      /* events generated, bids among them */
    uint64_t persons, auctions; /* persons and auctions loaded (the joins' input) */
    int partitions;
    double bid_bytes_avg;
    double load_eps;  /* generator -> broker */
    Rate consume;     /* ingest ceiling: bare consumer */
    Rate decode;      /* consumer + jansson decode */
    Rate passthrough; /* consume + produce (the first measurement) */
    double sqlite_s;  /* sqlite3: import + all reference queries */
    double idle_rss_mb;
    double startup_ms;
    const char *machine; /* "2 cores, ..." */
    char when[64];
    QueryResult q[16];
    int nq;
} BenchReport;

/* Prints the table. */
void report_table(const BenchReport *r, FILE *out);
/* Writes results.json. Returns 0 or -1. */
int report_json(const BenchReport *r, const char *path);
/* Writes docs/benchmarks.md and, with gnuplot, its plot (an SVG beside it).
 * `command` is the command line that produced the figures. Returns 0 or -1. */
int report_docs(const BenchReport *r, const char *md_path, const char *svg_path,
                const char *data_dir, const char *command);

#endif
