/*
 * bench_eddyd.c - starting, driving and stopping eddyd (see bench_eddyd.h), REST
 * over libcurl.
 */
#include "bench_eddyd.h"

#include <curl/curl.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_kafka.h"
#include "bench_proc.h"

typedef struct Body {
    char *data;
    size_t len;
} Body;

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
    Body *b = ctx;
    size_t add = size * n;
    b->data = realloc(b->data, b->len + add + 1);
    memcpy(b->data + b->len, p, add);
    b->len += add;
    b->data[b->len] = 0;
    return add;
}

/* One HTTP request; returns the status (0 when the connection failed) and the body. */
static long http(const char *url, const char *post, Body *body, long timeout_ms)
{
    CURL *c = curl_easy_init();
    if (!c) return 0;
    struct curl_slist *hdr = NULL;
    hdr = curl_slist_append(hdr, "Content-Type: application/vnd.ksql.v1+json");
    hdr = curl_slist_append(hdr, "Accept: application/vnd.ksql.v1+json");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (post) curl_easy_setopt(c, CURLOPT_POSTFIELDS, post);
    long status = 0;
    if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(hdr);
    curl_easy_cleanup(c);
    return status;
}

static int read_port(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    int port = 0;
    if (fscanf(f, "%d", &port) != 1) port = 0;
    fclose(f);
    return port;
}

int eddyd_start(const char *binary, const char *work_dir, const char *bootstrap,
                const char *control, const char *const *extra_args, const char *log_path, Eddyd *d,
                char *err, size_t errsz)
{
    static int seq;
    memset(d, 0, sizeof *d);
    snprintf(d->state_dir, sizeof d->state_dir, "%s/eddyd-state-%d-%d", work_dir, (int)getpid(),
             ++seq);
    char cmd[1100];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", d->state_dir);
    if (system(cmd) != 0 || mkdir(d->state_dir, 0755) < 0) {
        snprintf(err, errsz, "cannot create %s", d->state_dir);
        return -1;
    }
    char port_file[600], ctl[300];
    /* A service id of its own: eddyd replays the command topic of its service id at
     * start, and earlier runs' statements must not come back. */
    snprintf(d->service_id, sizeof d->service_id, "bench%d_%d_", (int)getpid(), seq);
    snprintf(port_file, sizeof port_file, "%s/port", d->state_dir);
    snprintf(ctl, sizeof ctl, "eddy.broker.control=%s", control);
    const char *argv[32] = {binary, "--listeners", "http://127.0.0.1:0", "--port-file", port_file,
                            "--state-dir", d->state_dir, "--service-id", d->service_id,
                            "--bootstrap-servers", bootstrap, "--set", ctl,
                            /* Also server-wide: eddyd applies streamsProperties of a
                             * request to its pull/push queries only (for now). */
                            "--set", "ksql.streams.auto.offset.reset=earliest", NULL};
    for (int i = 0, n = 15; extra_args && extra_args[i] && n < 31; i++)
        argv[n++] = extra_args[i];
    int64_t t0 = bk_mono_us();
    Proc p;
    if (proc_spawn(argv, false, log_path, &p, err, errsz) < 0) return -1;
    d->pid = p.pid;
    for (;;) {
        int st;
        if (waitpid(d->pid, &st, WNOHANG) == d->pid) {
            d->pid = 0;
            snprintf(err, errsz, "eddyd exited at start (status %d); see %s",
                     WIFEXITED(st) ? WEXITSTATUS(st) : -1, log_path ? log_path : "stderr");
            return -1;
        }
        int port = read_port(port_file);
        if (port > 0) {
            snprintf(d->url, sizeof d->url, "http://127.0.0.1:%d", port);
            char info[200];
            snprintf(info, sizeof info, "%s/info", d->url);
            Body b = {0};
            long status = http(info, NULL, &b, 1000);
            free(b.data);
            if (status == 200) break;
        }
        if (bk_mono_us() - t0 > 20000000) {
            snprintf(err, errsz, "eddyd did not answer GET /info within 20 s");
            eddyd_stop(d);
            return -1;
        }
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    d->startup_ms = (double)(bk_mono_us() - t0) / 1000.0;
    return 0;
}

int eddyd_ksql(const Eddyd *d, const char *sql, json_t **out, char *err, size_t errsz)
{
    *out = NULL;
    json_t *req = json_pack("{s:s, s:{s:s}}", "ksql", sql, "streamsProperties",
                            "ksql.streams.auto.offset.reset", "earliest");
    char *text = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    char url[200];
    snprintf(url, sizeof url, "%s/ksql", d->url);
    Body b = {0};
    long status = http(url, text, &b, 60000);
    free(text);
    json_error_t je;
    json_t *resp = b.data ? json_loads(b.data, 0, &je) : NULL;
    if (status != 200) {
        const char *msg = resp ? json_string_value(json_object_get(resp, "message")) : NULL;
        snprintf(err, errsz, "POST /ksql: HTTP %ld: %s", status,
                 msg ? msg : (b.data ? b.data : "no answer"));
        json_decref(resp);
        free(b.data);
        return -1;
    }
    free(b.data);
    if (!resp) {
        snprintf(err, errsz, "POST /ksql: the answer is not JSON");
        return -1;
    }
    *out = resp;
    return 0;
}

const char *eddyd_query_id(json_t *resp)
{
    size_t i;
    json_t *ent;
    json_array_foreach(resp, i, ent)
    {
        json_t *cs = json_object_get(ent, "commandStatus");
        const char *id = json_string_value(json_object_get(cs, "queryId"));
        if (id) return id;
    }
    return NULL;
}

void eddyd_stop(Eddyd *d)
{
    if (d->pid > 0) {
        kill(d->pid, SIGTERM);
        int64_t t0 = bk_mono_us();
        int st;
        while (waitpid(d->pid, &st, WNOHANG) != d->pid) {
            if (bk_mono_us() - t0 > 3000000) {
                fprintf(stderr, "eddy-bench: eddyd did not stop within 3 s of SIGTERM: killed\n");
                kill(d->pid, SIGKILL);
                waitpid(d->pid, &st, 0);
                break;
            }
            usleep(10000);
        }
        d->pid = 0;
    }
    if (d->state_dir[0]) {
        char cmd[600];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", d->state_dir);
        if (system(cmd) != 0) fprintf(stderr, "eddy-bench: cannot remove %s\n", d->state_dir);
        d->state_dir[0] = 0;
    }
}
