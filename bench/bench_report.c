/*
 * bench_report.c - the benchmark's outputs: the table on stdout, results.json, and
 * docs/benchmarks.md with a gnuplot plot (see bench.h).
 *
 * docs/benchmarks.md keeps its hand-written text: only the part between the markers
 * "<!-- figures:begin -->" and "<!-- figures:end -->" is regenerated (a missing file
 * or missing markers get a fresh page).
 */
#include "bench.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/common/strbuf.h"
#include "bench_proc.h"

double rate_eps(const Rate *r)
{
    return r->ok && r->seconds > 0 ? (double)r->records / r->seconds : 0;
}

double rate_per_cpu(const Rate *r)
{
    return r->ok && r->cpu_s > 0 ? (double)r->records / r->cpu_s : 0;
}

/* "412.3K", "1.21M", "-" */
static const char *human(double v, char *buf, size_t sz)
{
    if (v <= 0)
        snprintf(buf, sz, "-");
    else if (v >= 1e6)
        snprintf(buf, sz, "%.2fM", v / 1e6);
    else if (v >= 1e3)
        snprintf(buf, sz, "%.1fK", v / 1e3);
    else
        snprintf(buf, sz, "%.0f", v);
    return buf;
}

static const char *num(double v, const char *fmt, char *buf, size_t sz)
{
    if (v < 0)
        snprintf(buf, sz, "-");
    else
        snprintf(buf, sz, fmt, v);
    return buf;
}

static double ratio(double a, double b)
{
    return a > 0 && b > 0 ? a / b : -1;
}

/* Writes the figures as a Markdown table (md) or an aligned text table. */
static void write_table(const BenchReport *r, StrBuf *sb, bool md)
{
    char b[12][32];
    if (md) {
        sb_puts(sb,
                "| query | eddy ev/s | eddy ev/CPU-s | consume+produce ev/s (ev/CPU-s) | eddy / "
                "ceiling | Python ev/s (ev/CPU-s) | eddy / Python | p50 ms | p99 ms | RSS MB | "
                "check |\n"
                "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    } else {
        sb_printf(sb, "%-4s %-22s %9s %9s %9s %7s %9s %7s %7s %7s %7s  %s\n", "q", "", "eddy/s",
                  "eddy/cpu", "ceil/s", "ratio", "python/s", "x py", "p50ms", "p99ms", "rssMB",
                  "check");
    }
    for (int i = 0; i < r->nq; i++) {
        const QueryResult *q = &r->q[i];
        double e = rate_eps(&q->eddy), ec = rate_per_cpu(&q->eddy), c = rate_eps(&q->ceiling);
        double p = rate_eps(&q->python);
        const char *check = q->error[0]       ? q->error
                            : q->correct == 1 ? "ok"
                            : q->correct == 0 ? "DIFFERENT"
                                              : "-";
        if (md) {
            sb_printf(
                sb, "| %s %s | %s | %s | %s (%s) | %s | %s (%s) | %s | %s | %s | %s | %s |\n",
                q->name, q->title, human(e, b[0], 32), human(ec, b[1], 32), human(c, b[2], 32),
                human(rate_per_cpu(&q->ceiling), b[9], 32), num(ratio(e, c), "%.2f", b[3], 32),
                human(p, b[4], 32), human(rate_per_cpu(&q->python), b[10], 32),
                num(ratio(e, p), "%.1fx", b[5], 32), num(q->p50_ms, "%.1f", b[6], 32),
                num(q->p99_ms, "%.1f", b[7], 32), num(q->ran ? q->rss_mb : -1, "%.1f", b[8], 32),
                q->correct == 1 ? q->check : check);
        } else {
            sb_printf(sb, "%-4s %-22s %9s %9s %9s %7s %9s %7s %7s %7s %7s  %s\n", q->name, q->title,
                      human(e, b[0], 32), human(ec, b[1], 32), human(c, b[2], 32),
                      num(ratio(e, c), "%.2f", b[3], 32), human(p, b[4], 32),
                      num(ratio(e, p), "%.1fx", b[5], 32), num(q->p50_ms, "%.1f", b[6], 32),
                      num(q->p99_ms, "%.1f", b[7], 32),
                      num(q->ran ? q->rss_mb : -1, "%.1f", b[8], 32), check);
        }
    }
}

static void write_ceilings(const BenchReport *r, StrBuf *sb, bool md)
{
    char b[6][32];
    const char *fmt = md ? "| %s | %s | %s |\n" : "  %-34s %10s ev/s %10s ev/CPU-s\n";
    if (md)
        sb_puts(sb, "| ceiling (same topic, same run) | ev/s | ev/CPU-s |\n|---|---:|---:|\n");
    else
        sb_puts(sb, "ceilings:\n");
    sb_printf(sb, fmt, "bare librdkafka consumer", human(rate_eps(&r->consume), b[0], 32),
              human(rate_per_cpu(&r->consume), b[1], 32));
    sb_printf(sb, fmt, "consumer + jansson decode", human(rate_eps(&r->decode), b[2], 32),
              human(rate_per_cpu(&r->decode), b[3], 32));
    sb_printf(sb, fmt, "consume + produce (pass-through)",
              human(rate_eps(&r->passthrough), b[4], 32),
              human(rate_per_cpu(&r->passthrough), b[5], 32));
}

void report_table(const BenchReport *r, FILE *out)
{
    StrBuf sb = STRBUF_INIT;
    sb_printf(&sb,
              "eddy-bench%s: %llu bids of %.0f bytes (q0-q22, q5, q7); %llu persons and %llu "
              "auctions (q3, q8); %d partitions\n",
              r->smoke ? " (smoke: figures mean nothing)" : "", (unsigned long long)r->bids,
              r->bid_bytes_avg, (unsigned long long)r->persons, (unsigned long long)r->auctions,
              r->partitions);
    write_table(r, &sb, false);
    write_ceilings(r, &sb, false);
    sb_printf(&sb, "eddyd: idle RSS %.1f MB, start-up %.0f ms; sqlite3 %.2f s\n", r->idle_rss_mb,
              r->startup_ms, r->sqlite_s);
    fputs(sb.data, out);
    fflush(out);
    sb_free(&sb);
}

static json_t *jnum(double v)
{
    return v > 0 ? json_real(v) : json_null();
}

static json_t *rate_json(const Rate *r)
{
    return json_pack("{s:I, s:o, s:o, s:o}", "records", (json_int_t)r->records, "seconds",
                     jnum(r->seconds), "eps", jnum(rate_eps(r)), "events_per_cpu_s",
                     jnum(rate_per_cpu(r)));
}

int report_json(const BenchReport *r, const char *path)
{
    json_t *root = json_object();
    for (int i = 0; i < r->nq; i++) {
        const QueryResult *q = &r->q[i];
        double e = rate_eps(&q->eddy), c = rate_eps(&q->ceiling), p = rate_eps(&q->python);
        json_t *o = json_object();
        json_object_set_new(o, "title", json_string(q->title));
        json_object_set_new(o, "eddy_eps", jnum(e));
        json_object_set_new(o, "eddy_events_per_cpu_s", jnum(rate_per_cpu(&q->eddy)));
        json_object_set_new(o, "ceiling_eps", jnum(c));
        json_object_set_new(o, "ceiling_events_per_cpu_s", jnum(rate_per_cpu(&q->ceiling)));
        json_object_set_new(o, "ratio_to_ceiling", jnum(ratio(e, c)));
        json_object_set_new(o, "python_eps", jnum(p));
        json_object_set_new(o, "python_events_per_cpu_s", jnum(rate_per_cpu(&q->python)));
        json_object_set_new(o, "ratio_to_python", jnum(ratio(e, p)));
        json_object_set_new(o, "p50_ms", q->p50_ms >= 0 ? json_real(q->p50_ms) : json_null());
        json_object_set_new(o, "p99_ms", q->p99_ms >= 0 ? json_real(q->p99_ms) : json_null());
        json_object_set_new(o, "latency_samples", json_integer((json_int_t)q->latency_samples));
        json_object_set_new(o, "rss_mb", q->ran ? json_real(q->rss_mb) : json_null());
        json_object_set_new(o, "outputs", json_integer((json_int_t)q->outputs));
        json_object_set_new(o, "correct", q->correct < 0 ? json_null() : json_boolean(q->correct));
        json_object_set_new(o, "check", json_string(q->error[0] ? q->error : q->check));
        json_object_set_new(o, "eddy", rate_json(&q->eddy));
        json_object_set_new(o, "ceiling", rate_json(&q->ceiling));
        json_object_set_new(o, "python", rate_json(&q->python));
        json_object_set_new(root, q->name, o);
    }
    json_object_set_new(root, "idle_rss_mb", jnum(r->idle_rss_mb));
    json_object_set_new(root, "startup_ms", jnum(r->startup_ms));
    json_object_set_new(root, "smoke", json_boolean(r->smoke));
    json_object_set_new(root, "when", json_string(r->when));
    json_object_set_new(root, "events", json_integer((json_int_t)r->events));
    json_object_set_new(root, "bids", json_integer((json_int_t)r->bids));
    json_object_set_new(root, "persons", json_integer((json_int_t)r->persons));
    json_object_set_new(root, "auctions", json_integer((json_int_t)r->auctions));
    json_object_set_new(root, "bid_bytes_avg", json_real(r->bid_bytes_avg));
    json_object_set_new(root, "partitions", json_integer(r->partitions));
    json_object_set_new(root, "load_eps", jnum(r->load_eps));
    json_object_set_new(root, "consume_ceiling", rate_json(&r->consume));
    json_object_set_new(root, "decode_ceiling", rate_json(&r->decode));
    json_object_set_new(root, "passthrough_ceiling", rate_json(&r->passthrough));
    json_object_set_new(root, "sqlite_s", jnum(r->sqlite_s));
    int rc =
        json_dump_file(root, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
    json_decref(root);
    return rc < 0 ? -1 : 0;
}

/* The plot: events per CPU-second per query for eddyd, the consume+produce ceiling
 * and the Python loop (log scale). Returns 0 or -1 (no gnuplot). */
static int plot(const BenchReport *r, const char *svg_path, const char *data_dir)
{
    if (access("/usr/bin/gnuplot", X_OK) != 0) return -1;
    char dat[4096], gp[4096];
    snprintf(dat, sizeof dat, "%s/plot.dat", data_dir);
    snprintf(gp, sizeof gp, "%s/plot.gp", data_dir);
    FILE *f = fopen(dat, "w");
    if (!f) return -1;
    fprintf(f, "query eddyd ceiling python\n");
    for (int i = 0; i < r->nq; i++) {
        const QueryResult *q = &r->q[i];
        fprintf(f, "%s %.0f %.0f %.0f\n", q->name, rate_per_cpu(&q->eddy),
                rate_per_cpu(&q->ceiling), rate_per_cpu(&q->python));
    }
    fclose(f);
    f = fopen(gp, "w");
    if (!f) return -1;
    fprintf(f,
            "set terminal svg size 760,400 dynamic font 'sans,11' background '#ffffff'\n"
            "set output '%s'\n"
            "set title 'Nexmark on one broker: events per CPU-second (higher is better)'\n"
            "set style data histograms\nset style histogram clustered gap 1\n"
            "set style fill solid 0.85 border -1\nset boxwidth 0.9\n"
            "set logscale y\nset yrange [1000:*]\nset grid ytics\nset key top right\n"
            "set ylabel 'events / CPU-second'\nset datafile missing '0'\nset format y '%%.0s%%c'\n"
            "plot '%s' using 2:xtic(1) title 'eddyd' lc rgb '#1f77b4', \\\n"
            "     '' using 3 title 'consume+produce ceiling' lc rgb '#aaaaaa', \\\n"
            "     '' using 4 title 'Python loop' lc rgb '#ff7f0e'\n",
            svg_path, dat);
    fclose(f);
    const char *argv[] = {"/usr/bin/gnuplot", gp, NULL};
    char err[256];
    return proc_run(argv, NULL, NULL, NULL, NULL, err, sizeof err) == 0 ? 0 : -1;
}

/* The hand-written head of the section, written once (later runs keep whatever the
 * page says outside the markers). */
static const char SECTION_INTRO[] =
    "## Nexmark streaming queries (`make bench`)\n\n"
    "`build/eddy-bench` (src/tools/eddy_bench.c, bench/) runs eddyd against an eddy-broker\n"
    "process and compares it, on the same data in the same run, with what else one could run.\n"
    "Regenerate the figures below with `make bench`.\n\n";

static const QueryResult *find(const BenchReport *r, const char *name)
{
    for (int i = 0; i < r->nq; i++)
        if (strcmp(r->q[i].name, name) == 0) return &r->q[i];
    return NULL;
}

/* The targets of the benchmark issue, checked against this run. */
static void write_targets(const BenchReport *r, StrBuf *sb)
{
    char b[4][32];
    sb_puts(sb, "| target | this run | met |\n|---|---|---|\n");
    static const char *const stateless[] = {"q0", "q1", "q2"};
    StrBuf eff = STRBUF_INIT, rat = STRBUF_INIT;
    bool ok_eff = true, ok_rat = true, any = false;
    for (int i = 0; i < 3; i++) {
        const QueryResult *q = find(r, stateless[i]);
        if (!q || !q->ran) continue;
        any = true;
        double e = rate_per_cpu(&q->eddy), ra = ratio(rate_eps(&q->eddy), rate_eps(&q->ceiling));
        double rc = ratio(e, rate_per_cpu(&q->ceiling));
        sb_printf(&eff, "%s%s %s", eff.len ? ", " : "", q->name, human(e, b[0], 32));
        sb_printf(&rat, "%s%s %s (CPU: %s)", rat.len ? ", " : "", q->name,
                  num(ra, "%.2f", b[1], 32), num(rc, "%.2f", b[2], 32));
        ok_eff = ok_eff && e >= 300e3;
        ok_rat = ok_rat && ra >= 0.7;
    }
    if (any) {
        sb_printf(sb, "| q0/q1/q2 >= 300K ev/CPU-s | %s | %s |\n", eff.data, ok_eff ? "yes" : "no");
        sb_printf(sb, "| q0/q1/q2 >= 70%% of the consume+produce ceiling (ev/s) | %s | %s |\n",
                  rat.data, ok_rat ? "yes" : "no");
    }
    sb_free(&eff);
    sb_free(&rat);
    static const char *const windowed[] = {"q5", "q7"};
    for (int i = 0; i < 2; i++) {
        const QueryResult *q = find(r, windowed[i]);
        if (!q || !q->ran) continue;
        double e = rate_per_cpu(&q->eddy);
        sb_printf(sb, "| %s >= 150K ev/CPU-s, equal to sqlite3 | %s, %s | %s |\n", q->name,
                  human(e, b[0], 32), q->correct == 1 ? "equal" : "NOT equal",
                  e >= 150e3 && q->correct == 1 ? "yes" : "no");
    }
    StrBuf py = STRBUF_INIT, bound = STRBUF_INIT;
    bool ok_py = true;
    for (int i = 0; i < r->nq; i++) {
        const QueryResult *q = &r->q[i];
        double x = ratio(rate_eps(&q->eddy), rate_eps(&q->python));
        if (x < 0) continue;
        sb_printf(&py, "%s%s %s", py.len ? ", " : "", q->name, num(x, "%.1fx", b[0], 32));
        ok_py = ok_py && x >= 10;
        /* No program on librdkafka's consumer reads faster than the bare consumer. */
        double bx = ratio(rate_eps(&r->consume), rate_eps(&q->python));
        if (bx >= 0)
            sb_printf(&bound, "%s%s %s", bound.len ? ", " : "", q->name,
                      num(bx, "%.1fx", b[1], 32));
    }
    if (py.len)
        sb_printf(sb, "| eddy >= 10x the Python loop (ev/s) on every query | %s | %s |\n", py.data,
                  ok_py ? "yes" : "no");
    if (bound.len)
        sb_printf(sb,
                  "| (the bound on it: the bare librdkafka consumer over the Python loop, ev/s) "
                  "| %s | - |\n",
                  bound.data);
    sb_free(&py);
    sb_free(&bound);
    sb_printf(sb, "| eddyd idle RSS <= 20 MB | %.1f MB | %s |\n", r->idle_rss_mb,
              r->idle_rss_mb > 0 && r->idle_rss_mb <= 20 ? "yes" : "no");
}

int report_docs(const BenchReport *r, const char *md_path, const char *svg_path,
                const char *data_dir, const char *command)
{
    static const char BEGIN[] = "<!-- figures:begin -->", END[] = "<!-- figures:end -->";
    const char *svg_name = strrchr(svg_path, '/') ? strrchr(svg_path, '/') + 1 : svg_path;
    bool have_plot = plot(r, svg_path, data_dir) == 0;

    StrBuf fig = STRBUF_INIT;
    sb_printf(&fig,
              "%s\n_Generated by `%s` on %s: %llu Nexmark bids (%.0f bytes of JSON each on "
              "average) for q0-q22, q5 and q7; %llu persons and %llu auctions for q3 and q8; %d "
              "partitions per topic. eddy-broker, eddyd and every comparison program ran on this "
              "machine at once (2 cores, shared with other work)._\n\n",
              BEGIN, command, r->when, (unsigned long long)r->bids, r->bid_bytes_avg,
              (unsigned long long)r->persons, (unsigned long long)r->auctions, r->partitions);
    write_table(r, &fig, true);
    sb_puts(&fig, "\n");
    write_ceilings(r, &fig, true);
    sb_printf(&fig,
              "\neddyd at rest: **%.1f MB** RSS, start-up (exec to REST answering) **%.0f ms**. "
              "sqlite3 imported the bids and ran every reference query in %.2f s.\n",
              r->idle_rss_mb, r->startup_ms, r->sqlite_s);
    sb_puts(&fig, "\nThe targets of the benchmark issue, in this run:\n\n");
    write_targets(r, &fig);
    if (have_plot) sb_printf(&fig, "\n![events per CPU-second](%s)\n", svg_name);
    sb_printf(&fig, "%s\n", END);

    char *old = NULL;
    FILE *f = fopen(md_path, "rb");
    if (f) {
        fseek(f, 0, SEEK_END);
        long n = ftell(f);
        fseek(f, 0, SEEK_SET);
        old = malloc((size_t)n + 1);
        old[fread(old, 1, (size_t)n, f)] = 0;
        fclose(f);
    }
    StrBuf out = STRBUF_INIT;
    char *b = old ? strstr(old, BEGIN) : NULL;
    char *e = b ? strstr(b, END) : NULL;
    if (b && e) {
        sb_append(&out, old, (size_t)(b - old));
        sb_append(&out, fig.data, fig.len - 1); /* without the final newline */
        sb_puts(&out, e + strlen(END));
    } else {
        /* First run: a section of its own, before the page's other sections. */
        char *sec = old ? strstr(old, "\n## ") : NULL;
        if (old && sec)
            sb_append(&out, old, (size_t)(sec - old) + 1);
        else if (old)
            sb_printf(&out, "%s\n", old);
        else
            sb_puts(&out, "# Benchmarks\n\n");
        sb_puts(&out, SECTION_INTRO);
        sb_append(&out, fig.data, fig.len);
        if (sec) sb_printf(&out, "\n%s", sec + 1);
    }
    free(old);
    sb_free(&fig);
    f = fopen(md_path, "wb");
    if (!f) {
        sb_free(&out);
        return -1;
    }
    fwrite(out.data, 1, out.len, f);
    fclose(f);
    sb_free(&out);
    return 0;
}
