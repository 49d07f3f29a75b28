/*
 * procs.c - eddy-broker and eddyd as processes for tests (see procs.h).
 */
#include "procs.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

void procs_msleep(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}

double procs_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void procs_init(Procs *p, const char *name, const char *tag)
{
    memset(p, 0, sizeof *p);
    p->name = name;
    p->broker = p->eddyd = -1;
    const char *bd = getenv("EDDY_BUILD_DIR");
    snprintf(p->build, sizeof p->build, "%s", bd ? bd : ".");
    snprintf(p->dir, sizeof p->dir, "/tmp/eddy-%s-XXXXXX", tag);
    if (!mkdtemp(p->dir)) procs_die(p, "mkdtemp: %s", strerror(errno));
    signal(SIGPIPE, SIG_IGN);
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

void procs_die(Procs *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s FAILED: ", p->name);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    if (p->eddyd > 0) kill(p->eddyd, SIGKILL);
    if (p->broker > 0) kill(p->broker, SIGKILL);
    fprintf(stderr, "(logs and data kept in %s)\n", p->dir);
    exit(1);
}

void procs_finish(Procs *p)
{
    if (p->eddyd > 0) procs_stop_eddyd(p, SIGTERM);
    if (p->broker > 0) {
        kill(p->broker, SIGTERM);
        waitpid(p->broker, NULL, 0);
        p->broker = -1;
    }
    curl_global_cleanup();
    if (getenv("EDDY_TEST_KEEP")) return; /* keep the logs for a look */
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", p->dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", p->dir);
}

/* Forks and execs bin with the arguments (argv[0] included), stdout to out and
 * stderr to err_path (NULL: /dev/null). */
static pid_t spawn(Procs *p, const char *const *argv, const char *out, const char *err_path)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) procs_die(p, "fork: %s", strerror(errno));
    if (pid == 0) {
        if (!freopen(out, "w", stdout)) _exit(126);
        if (!freopen(err_path ? err_path : "/dev/null", err_path ? "a" : "w", stderr)) _exit(126);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    return pid;
}

static int add_args(const char **argv, int n, const char *const *extra, int cap)
{
    for (int i = 0; extra && extra[i] && n < cap - 1; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    return n;
}

void procs_start_broker(Procs *p, const char *const *extra)
{
    char bin[600], out[300];
    snprintf(bin, sizeof bin, "%s/eddy-broker", p->build);
    snprintf(out, sizeof out, "%s/broker.out", p->dir);
    const char *argv[32] = {bin, "--listen", "127.0.0.1:0", "--control", "127.0.0.1:0", "--quiet"};
    add_args(argv, 6, extra, 32);
    p->broker = spawn(p, argv, out, NULL);
    for (int i = 0; i < 400 && (!p->bootstrap[0] || !p->control[0]); i++) {
        procs_msleep(25);
        FILE *f = fopen(out, "r");
        if (!f) continue;
        char line[256];
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\n")] = 0;
            if (strncmp(line, "bootstrap.servers=", 18) == 0)
                snprintf(p->bootstrap, sizeof p->bootstrap, "%s", line + 18);
            else if (strncmp(line, "eddy.broker.control=", 20) == 0)
                snprintf(p->control, sizeof p->control, "%s", line + 20);
        }
        fclose(f);
    }
    if (!p->bootstrap[0] || !p->control[0]) procs_die(p, "eddy-broker did not start (%s)", bin);
}

void procs_broker_command(Procs *p, const char *cmd)
{
    char host[256];
    snprintf(host, sizeof host, "%s", p->control);
    char *colon = strrchr(host, ':');
    if (!colon) procs_die(p, "bad control address %s", p->control);
    *colon = 0;
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)atoi(colon + 1));
    inet_pton(AF_INET, host, &sa.sin_addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
        procs_die(p, "cannot reach the broker control endpoint %s", p->control);
    char line[512];
    int n = snprintf(line, sizeof line, "%s\n", cmd);
    if (write(fd, line, (size_t)n) != n) procs_die(p, "control write failed");
    ssize_t got = read(fd, line, sizeof line - 1);
    close(fd);
    if (got < 2 || strncmp(line, "OK", 2) != 0)
        procs_die(p, "control command '%s' answered '%.*s'", cmd, got > 0 ? (int)got : 0, line);
}

void procs_start_eddyd(Procs *p, const char *data, const char *tag, const char *const *extra)
{
    char bin[600], portfile[300], log[300], ctl[300];
    snprintf(bin, sizeof bin, "%s/eddyd", p->build);
    snprintf(portfile, sizeof portfile, "%s/port", p->dir);
    snprintf(log, sizeof log, "%s/eddyd.%s.log", p->dir, tag);
    snprintf(ctl, sizeof ctl, "eddy.broker.control=%s", p->control);
    unlink(portfile);
    const char *argv[48] = {
        bin,  "--listeners",         "http://127.0.0.1:0", "--port-file", portfile, "--state-dir",
        data, "--bootstrap-servers", p->bootstrap,         "--set",       ctl};
    add_args(argv, 11, extra, 48);
    pid_t pid = spawn(p, argv, log, log);
    p->eddyd = pid;
    for (int i = 0; i < 800; i++) {
        FILE *f = fopen(portfile, "r");
        if (f) {
            int port = 0;
            int ok = fscanf(f, "%d", &port);
            fclose(f);
            if (ok == 1 && port > 0) {
                p->port = port;
                return;
            }
        }
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid) {
            p->eddyd = -1;
            procs_die(p, "eddyd exited at start (%s, see %s)", tag, log);
        }
        procs_msleep(25);
    }
    procs_die(p, "eddyd did not start listening (%s, see %s)", tag, log);
}

void procs_stop_eddyd(Procs *p, int sig)
{
    int st;
    pid_t pid = p->eddyd;
    p->eddyd = -1;
    kill(pid, sig);
    waitpid(pid, &st, 0);
    if (sig == SIGTERM && !(WIFEXITED(st) && WEXITSTATUS(st) == 0))
        procs_die(p, "eddyd did not exit cleanly on SIGTERM");
}

typedef struct Buf {
    char *p;
    size_t n;
} Buf;

static size_t on_body(char *data, size_t sz, size_t n, void *ud)
{
    Buf *b = ud;
    b->p = realloc(b->p, b->n + sz * n + 1);
    memcpy(b->p + b->n, data, sz * n);
    b->n += sz * n;
    b->p[b->n] = 0;
    return sz * n;
}

char *procs_post(Procs *p, const char *path, const char *sql, const char *props, long *status)
{
    json_error_t je;
    json_t *pr = props ? json_loads(props, 0, &je) : json_object();
    if (!pr) procs_die(p, "bad properties %s: %s", props, je.text);
    json_t *req = json_pack("{s:s, s:o}", "ksql", sql, "streamsProperties", pr);
    char *payload = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    Buf b = {calloc(1, 1), 0};
    CURL *c = curl_easy_init();
    char url[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", p->port, path);
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/vnd.ksql.v1+json");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, payload);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    *status = 0;
    if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    free(payload);
    return b.p;
}
