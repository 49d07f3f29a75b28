/*
 * test_restart.c - eddyd on the Kafka engine comes back after SIGKILL.
 *
 * The broker runs in its own process (eddy-broker), so topics, committed
 * offsets and the command topic outlive eddyd. The test creates a stream, a
 * source table (written through a stream over its topic), a CSAS, a CTAS and a windowed CTAS,
 * writes records through INSERT INTO, waits for the tables to show them, and kills eddyd with
 * SIGKILL. Then:
 *   1. eddyd restarts on the same data directory: the same streams, tables and
 *      query ids are back, pull queries answer from the state that was there,
 *      and new records flow through the queries;
 *   2. eddyd is killed again and started on an EMPTY data directory: the
 *      statements come back from the command topic, the tables' state from
 *      Kafka (changelogs, sink topics), and the queries go on.
 * It prints how long each restart took until pull queries answered.
 *
 * Usage: test_restart (EDDY_BUILD_DIR names the directory holding eddyd and
 * eddy-broker). Logs and data stay in the printed directory when it fails.
 */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char g_dir[256];
static char g_build[512];
static pid_t g_broker = -1, g_eddyd = -1;
static char g_bootstrap[256], g_control[256];
static int g_port;

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "restart test FAILED: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    if (g_eddyd > 0) kill(g_eddyd, SIGKILL);
    if (g_broker > 0) kill(g_broker, SIGKILL);
    fprintf(stderr, "(logs and data kept in %s)\n", g_dir);
    exit(1);
}

static void msleep(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------ processes */

static void start_broker(void)
{
    char bin[600], out[300];
    snprintf(bin, sizeof bin, "%s/eddy-broker", g_build);
    snprintf(out, sizeof out, "%s/broker.out", g_dir);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen(out, "w", stdout) || !freopen("/dev/null", "w", stderr)) _exit(126);
        execl(bin, bin, "--listen", "127.0.0.1:0", "--control", "127.0.0.1:0", "--quiet",
              (char *)NULL);
        _exit(127);
    }
    g_broker = pid;
    for (int i = 0; i < 400 && (!g_bootstrap[0] || !g_control[0]); i++) {
        msleep(25);
        FILE *f = fopen(out, "r");
        if (!f) continue;
        char line[256];
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\n")] = 0;
            if (strncmp(line, "bootstrap.servers=", 18) == 0)
                snprintf(g_bootstrap, sizeof g_bootstrap, "%s", line + 18);
            else if (strncmp(line, "eddy.broker.control=", 20) == 0)
                snprintf(g_control, sizeof g_control, "%s", line + 20);
        }
        fclose(f);
    }
    if (!g_bootstrap[0] || !g_control[0]) die("eddy-broker did not start (%s)", bin);
}

static void start_eddyd(const char *data, const char *tag)
{
    char bin[600], portfile[300], log[300], ctl[300];
    snprintf(bin, sizeof bin, "%s/eddyd", g_build);
    snprintf(portfile, sizeof portfile, "%s/port", g_dir);
    snprintf(log, sizeof log, "%s/eddyd.%s.log", g_dir, tag);
    snprintf(ctl, sizeof ctl, "eddy.broker.control=%s", g_control);
    unlink(portfile);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen(log, "w", stdout) || !freopen(log, "a", stderr)) _exit(126);
        execl(bin, bin, "--listeners", "http://127.0.0.1:0", "--port-file", portfile, "--state-dir",
              data, "--bootstrap-servers", g_bootstrap, "--set", ctl, (char *)NULL);
        _exit(127);
    }
    g_eddyd = pid;
    for (int i = 0; i < 800; i++) {
        FILE *f = fopen(portfile, "r");
        if (f) {
            int p = 0;
            int ok = fscanf(f, "%d", &p);
            fclose(f);
            if (ok == 1 && p > 0) {
                g_port = p;
                return;
            }
        }
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid) {
            g_eddyd = -1;
            die("eddyd exited at start (%s, see %s)", tag, log);
        }
        msleep(25);
    }
    die("eddyd did not start listening (%s, see %s)", tag, log);
}

static void stop_eddyd(int sig)
{
    int st;
    kill(g_eddyd, sig);
    waitpid(g_eddyd, &st, 0);
    if (sig == SIGTERM && !(WIFEXITED(st) && WEXITSTATUS(st) == 0))
        die("eddyd did not exit cleanly on SIGTERM");
    g_eddyd = -1;
}

/* ------------------------------------------------------------ HTTP */

typedef struct Buf {
    char *p;
    size_t n;
} Buf;

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
    Buf *b = ud;
    b->p = realloc(b->p, b->n + sz * n + 1);
    memcpy(b->p + b->n, p, sz * n);
    b->n += sz * n;
    b->p[b->n] = 0;
    return sz * n;
}

/* POSTs {"ksql": sql, "streamsProperties": props} to path; returns the body
 * (caller frees) and the status in *status. */
static char *post(const char *path, const char *sql, const char *props, long *status)
{
    json_error_t je;
    json_t *p = props ? json_loads(props, 0, &je) : json_object();
    json_t *req = json_pack("{s:s, s:o}", "ksql", sql, "streamsProperties", p);
    char *payload = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    Buf b = {calloc(1, 1), 0};
    CURL *c = curl_easy_init();
    char url[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", g_port, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, payload);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    *status = 0;
    if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
    curl_easy_cleanup(c);
    free(payload);
    return b.p;
}

static void ksql_ok(const char *sql, const char *props)
{
    long st;
    char *body = post("/ksql", sql, props, &st);
    if (st != 200) die("'%s' answered %ld: %s", sql, st, body);
    free(body);
}

/* Polls a pull query until its answer contains every string of want[] (NULL
 * ended); returns the seconds it took. */
static double pull_until(const char *sql, const char *const *want, double timeout_s)
{
    double t0 = now_s();
    char *body = NULL;
    while (now_s() - t0 < timeout_s) {
        long st;
        free(body);
        body = post("/query", sql, NULL, &st);
        bool all = st == 200;
        for (int i = 0; all && want[i]; i++)
            if (!strstr(body, want[i])) all = false;
        if (all) {
            free(body);
            return now_s() - t0;
        }
        msleep(50);
    }
    die("'%s' never showed %s; last answer: %s", sql, want[0], body ? body : "(none)");
    return 0;
}

/* Event times from 2026-01-01T00:00:00Z (a minute boundary); 0 would mean "now". */
#define BASE_TS 1767225600000LL

static void insert_views(const char *user, int n, int t0)
{
    char sql[8192];
    int len = 0;
    for (int i = 0; i < n; i++)
        len += snprintf(sql + len, sizeof sql - (size_t)len,
                        "INSERT INTO PV (USERID, PAGE, ROWTIME) VALUES ('%s', 'p%d', %lld);", user,
                        i, BASE_TS + t0 + i * 1000);
    ksql_ok(sql, NULL);
}

static const char *SETUP =
    "CREATE STREAM PV (USERID STRING KEY, PAGE STRING) WITH (KAFKA_TOPIC='pv', "
    "VALUE_FORMAT='JSON', PARTITIONS=2);"
    "CREATE STREAM USERS_IN (ID STRING KEY, NAME STRING) WITH (KAFKA_TOPIC='users', "
    "VALUE_FORMAT='JSON', PARTITIONS=2);"
    "CREATE SOURCE TABLE USERS (ID STRING PRIMARY KEY, NAME STRING) WITH (KAFKA_TOPIC='users', "
    "VALUE_FORMAT='JSON');"
    "CREATE TABLE VIEWS AS SELECT USERID, COUNT(*) AS N FROM PV GROUP BY USERID;"
    "CREATE TABLE PERMIN AS SELECT USERID, COUNT(*) AS N FROM PV WINDOW TUMBLING (SIZE 1 MINUTE) "
    "GROUP BY USERID;"
    "CREATE STREAM P1 AS SELECT USERID, PAGE FROM PV WHERE PAGE = 'p1';"
    "CREATE TABLE P1COUNT AS SELECT USERID, COUNT(*) AS N FROM P1 GROUP BY USERID;";

/* The queries and their ids: the same after every restart. */
static const char *const QUERY_IDS[] = {"\"CST_USERS_0\"",    "\"CTAS_VIEWS_1\"",
                                        "\"CTAS_PERMIN_2\"",  "\"CSAS_P1_3\"",
                                        "\"CTAS_P1COUNT_4\"", NULL};

static void check_catalog(void)
{
    long st;
    char *body = post("/ksql", "SHOW QUERIES; SHOW STREAMS; SHOW TABLES;", NULL, &st);
    if (st != 200) die("SHOW answered %ld: %s", st, body);
    for (int i = 0; QUERY_IDS[i]; i++)
        if (!strstr(body, QUERY_IDS[i])) die("query %s is missing: %s", QUERY_IDS[i], body);
    const char *names[] = {"\"name\":\"PV\"",
                           "\"name\":\"P1\"",
                           "\"name\":\"USERS\"",
                           "\"name\":\"VIEWS\"",
                           "\"name\":\"PERMIN\"",
                           "\"name\":\"P1COUNT\"",
                           NULL};
    for (int i = 0; names[i]; i++)
        if (!strstr(body, names[i])) die("%s is missing: %s", names[i], body);
    free(body);
}

int main(void)
{
    const char *bd = getenv("EDDY_BUILD_DIR");
    snprintf(g_build, sizeof g_build, "%s", bd ? bd : ".");
    snprintf(g_dir, sizeof g_dir, "/tmp/eddy-restart-XXXXXX");
    if (!mkdtemp(g_dir)) die("mkdtemp: %s", strerror(errno));
    curl_global_init(CURL_GLOBAL_DEFAULT);
    double t_all = now_s();
    start_broker();
    char data1[300], data2[300];
    snprintf(data1, sizeof data1, "%s/data1", g_dir);
    snprintf(data2, sizeof data2, "%s/data2", g_dir);

    /* ---- first life */
    start_eddyd(data1, "first");
    ksql_ok(SETUP, "{\"auto.offset.reset\":\"earliest\"}");
    ksql_ok("INSERT INTO USERS_IN (ID, NAME) VALUES ('alice', 'Alice');"
            "INSERT INTO USERS_IN (ID, NAME) VALUES ('bob', 'Bob');",
            NULL);
    insert_views("alice", 3, 0);
    insert_views("bob", 2, 0);
    double t_first = pull_until("SELECT * FROM VIEWS;",
                                (const char *[]){"[\"alice\",3]", "[\"bob\",2]", NULL}, 20);
    pull_until("SELECT * FROM PERMIN WHERE USERID='alice';",
               (const char *[]){"[\"alice\",1767225600000,1767225660000,3]", NULL}, 10);
    pull_until("SELECT * FROM P1COUNT;", (const char *[]){"[\"alice\",1]", "[\"bob\",1]", NULL},
               10);
    pull_until("SELECT * FROM USERS WHERE ID='bob';", (const char *[]){"[\"bob\",\"Bob\"]", NULL},
               10);
    check_catalog();
    printf("first start: tables up to date %.2f s after the inserts\n", t_first);
    /* A stateless query (P1) commits its input offsets shortly after its output
     * is acknowledged; a kill inside that window makes it write some records
     * again after the restart (at-least-once, as ksqlDB without exactly-once).
     * The crash test covers kills at any moment; here the kill comes at rest. */
    msleep(1000);
    stop_eddyd(SIGKILL);

    /* ---- restart on the same data directory */
    double t0 = now_s();
    start_eddyd(data1, "restart");
    double t_listen = now_s() - t0;
    check_catalog();
    /* pull queries answer from the state that was there */
    pull_until("SELECT * FROM VIEWS;", (const char *[]){"[\"alice\",3]", "[\"bob\",2]", NULL}, 10);
    pull_until("SELECT * FROM USERS WHERE ID='alice';",
               (const char *[]){"[\"alice\",\"Alice\"]", NULL}, 10);
    double t_pull = now_s() - t0;
    /* and the queries go on */
    insert_views("alice", 2, 60000);
    ksql_ok("INSERT INTO USERS_IN (ID, NAME) VALUES ('carol', 'Carol');", NULL);
    double t_flow = pull_until("SELECT * FROM VIEWS;",
                               (const char *[]){"[\"alice\",5]", "[\"bob\",2]", NULL}, 20);
    pull_until("SELECT * FROM PERMIN WHERE USERID='alice';",
               (const char *[]){"[\"alice\",1767225600000,1767225660000,3]",
                                "[\"alice\",1767225660000,1767225720000,2]", NULL},
               10);
    pull_until("SELECT * FROM P1COUNT;", (const char *[]){"[\"alice\",2]", "[\"bob\",1]", NULL},
               10);
    pull_until("SELECT * FROM USERS;", (const char *[]){"[\"carol\",\"Carol\"]", NULL}, 10);
    /* new statements get the next id */
    long st;
    char *body =
        post("/ksql", "CREATE TABLE PAGES AS SELECT PAGE, COUNT(*) AS N FROM PV GROUP BY PAGE;",
             "{\"auto.offset.reset\":\"earliest\"}", &st);
    if (st != 200 || !strstr(body, "CTAS_PAGES_5")) die("new CTAS: %s", body);
    free(body);
    pull_until("SELECT * FROM PAGES WHERE PAGE='p0';", (const char *[]){"[\"p0\",3]", NULL}, 20);
    printf("restart (same data directory): listening after %.2f s, pull queries answered after "
           "%.2f s, new records through the queries in %.2f s\n",
           t_listen, t_pull, t_flow);
    msleep(1000);
    stop_eddyd(SIGKILL);

    /* ---- restart with the data directory lost: the command topic and Kafka */
    t0 = now_s();
    start_eddyd(data2, "lost");
    t_listen = now_s() - t0;
    check_catalog();
    body = post("/ksql", "SHOW QUERIES;", NULL, &st);
    if (!strstr(body, "\"CTAS_PAGES_5\"")) die("CTAS_PAGES_5 not replayed: %s", body);
    free(body);
    pull_until("SELECT * FROM VIEWS;", (const char *[]){"[\"alice\",5]", "[\"bob\",2]", NULL}, 20);
    pull_until("SELECT * FROM PERMIN WHERE USERID='alice';",
               (const char *[]){"[\"alice\",1767225600000,1767225660000,3]",
                                "[\"alice\",1767225660000,1767225720000,2]", NULL},
               20);
    pull_until("SELECT * FROM USERS;",
               (const char *[]){"[\"alice\",\"Alice\"]", "[\"carol\",\"Carol\"]", NULL}, 20);
    t_pull = now_s() - t0;
    insert_views("bob", 1, 120000);
    pull_until("SELECT * FROM VIEWS;", (const char *[]){"[\"alice\",5]", "[\"bob\",3]", NULL}, 20);
    pull_until("SELECT * FROM PAGES WHERE PAGE='p0';", (const char *[]){"[\"p0\",4]", NULL}, 20);
    printf("restart (data directory lost): listening after %.2f s, state rebuilt and pull queries "
           "answered after %.2f s\n",
           t_listen, t_pull);
    stop_eddyd(SIGTERM);

    kill(g_broker, SIGTERM);
    waitpid(g_broker, NULL, 0);
    curl_global_cleanup();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", g_dir);
    if (system(cmd) != 0) {
    }
    printf("restart test passed in %.1f s\n", now_s() - t_all);
    return 0;
}
