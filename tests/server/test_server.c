/*
 * test_server.c - eddyd through its public surface: HTTP in, JSON out. Each
 * test starts build/eddyd (in-memory topics, a free port, its own data
 * directory) and talks to it with libcurl: /ksql entities and errors, pull and
 * push query framing, /query-stream, /inserts-stream, /close-query, the info
 * endpoints, 404/405/406/413, CORS, and a SIGKILL restart that must bring back
 * streams, tables, queries (same ids) and the table state.
 */
#include <check.h>
#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct Srv {
    pid_t pid;
    int port;
    char dir[256];
} Srv;

static void msleep(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void srv_start(Srv *s, const char *dir, const char *extra)
{
    snprintf(s->dir, sizeof s->dir, "%s", dir);
    char portfile[300];
    snprintf(portfile, sizeof portfile, "%s/port", dir);
    unlink(portfile);
    mkdir(dir, 0700);
    const char *bd = getenv("EDDY_BUILD_DIR");
    char bin[512];
    snprintf(bin, sizeof bin, "%s/eddyd", bd ? bd : ".");
    char data[300];
    snprintf(data, sizeof data, "%s/data", dir);
    pid_t pid = fork();
    if (pid == 0) {
        const char *argv[20];
        int n = 0;
        argv[n++] = bin;
        /* "kafka": the Kafka engine on the embedded broker instead of memory topics */
        bool kafka = extra && strcmp(extra, "kafka") == 0;
        if (kafka)
            extra = NULL;
        else
            argv[n++] = "--memory";
        argv[n++] = "--quiet";
        argv[n++] = "--listeners";
        argv[n++] = "http://127.0.0.1:0";
        argv[n++] = "--state-dir";
        argv[n++] = data;
        argv[n++] = "--port-file";
        argv[n++] = portfile;
        argv[n++] = "--set";
        argv[n++] = "access.control.allow.origin=http://dash.example";
        argv[n++] = "--set";
        argv[n++] = "eddy.http.max.request.bytes=100000";
        argv[n++] = "--test-endpoints";
        if (extra) argv[n++] = extra;
        argv[n] = NULL;
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    s->pid = pid;
    for (int i = 0; i < 400; i++) {
        FILE *f = fopen(portfile, "r");
        if (f) {
            int p = 0;
            int ok = fscanf(f, "%d", &p);
            fclose(f);
            if (ok == 1 && p > 0) {
                s->port = p;
                return;
            }
        }
        msleep(25);
    }
    ck_abort_msg("eddyd did not start");
}

static void srv_stop(Srv *s, int sig)
{
    int st;
    kill(s->pid, sig);
    waitpid(s->pid, &st, 0);
    if (sig == SIGTERM) {
        ck_assert(WIFEXITED(st));
        ck_assert_int_eq(WEXITSTATUS(st), 0);
    }
}

typedef struct Resp {
    long status;
    char *body;
    size_t len;
    char ctype[128];
    char acao[128];
} Resp;

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
    Resp *r = ud;
    r->body = realloc(r->body, r->len + sz * n + 1);
    memcpy(r->body + r->len, p, sz * n);
    r->len += sz * n;
    r->body[r->len] = 0;
    return sz * n;
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
    Resp *r = ud;
    size_t l = sz * n;
    if (l > 14 && strncasecmp(p, "Content-Type: ", 14) == 0)
        snprintf(r->ctype, sizeof r->ctype, "%.*s", (int)(l - 16), p + 14);
    if (l > 29 && strncasecmp(p, "Access-Control-Allow-Origin: ", 29) == 0)
        snprintf(r->acao, sizeof r->acao, "%.*s", (int)(l - 31), p + 29);
    return l;
}

static Resp req(const Srv *s, const char *method, const char *path, const char *body,
                const char *const *headers)
{
    Resp r = {0};
    r.body = calloc(1, 1);
    CURL *c = curl_easy_init();
    char url[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", s->port, path);
    struct curl_slist *h = NULL;
    for (int i = 0; headers && headers[i]; i++)
        h = curl_slist_append(h, headers[i]);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (body) curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return r;
}

static Resp post(const Srv *s, const char *path, const char *body)
{
    return req(s, "POST", path, body, NULL);
}

static json_t *js(const Resp *r)
{
    json_error_t je;
    json_t *j = json_loads(r->body, 0, &je);
    ck_assert_msg(j != NULL, "not JSON: %s", r->body);
    return j;
}

static const char *SETUP =
    "{\"ksql\":\"CREATE STREAM PV (USERID STRING KEY, PAGE STRING, MS INT) WITH "
    "(KAFKA_TOPIC='pv', VALUE_FORMAT='JSON', PARTITIONS=1); "
    "CREATE TABLE VIEWS AS SELECT USERID, COUNT(*) AS N FROM PV GROUP BY USERID; "
    "CREATE TABLE WIN AS SELECT USERID, COUNT(*) AS N FROM PV WINDOW TUMBLING (SIZE 1 MINUTE) "
    "GROUP BY USERID;\"}";

static const char *INPUTS =
    "{\"records\":[{\"topic\":\"pv\",\"key\":\"alice\",\"value\":{\"PAGE\":\"a\",\"MS\":1},"
    "\"timestamp\":1000},{\"topic\":\"pv\",\"key\":\"bob\",\"value\":{\"PAGE\":\"b\",\"MS\":2},"
    "\"timestamp\":2000},{\"topic\":\"pv\",\"key\":\"alice\",\"value\":{\"PAGE\":\"c\",\"MS\":3},"
    "\"timestamp\":70000}]}";

static void tmpdir(char *out, size_t n, const char *tag)
{
    snprintf(out, n, "/tmp/eddy-test-server-%s-%d", tag, (int)getpid());
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", out);
    ck_assert_int_eq(system(cmd), 0);
}

static void rmdir_all(const char *d)
{
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", d);
    if (system(cmd) != 0) {
    }
}

START_TEST(ksql_and_pull)
{
    char d[256];
    tmpdir(d, sizeof d, "pull");
    Srv s;
    srv_start(&s, d, NULL);
    Resp r = post(&s, "/ksql", SETUP);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.ctype, "application/vnd.ksql.v1+json");
    json_t *j = js(&r);
    ck_assert_int_eq(json_array_size(j), 3);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(j, 1), "@type")),
                     "currentStatus");
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_object_get(json_array_get(j, 1), "commandStatus"), "queryId")),
                     "CTAS_VIEWS_0");
    json_decref(j);
    free(r.body);
    r = post(&s, "/test/produce", INPUTS);
    ck_assert_int_eq(r.status, 200);
    free(r.body);
    /* key lookup */
    r = post(&s, "/query", "{\"ksql\":\"SELECT * FROM VIEWS WHERE USERID='alice';\"}");
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "[{\"header\":{\"schema\":\"`USERID` STRING KEY, `N` BIGINT\"}},\n"
                             "{\"row\":{\"columns\":[\"alice\",2]}}]\n");
    free(r.body);
    /* windowed table: bounds as key columns, WHERE on WINDOWSTART */
    r = post(&s, "/query",
             "{\"ksql\":\"SELECT * FROM WIN WHERE USERID='alice' AND WINDOWSTART >= 60000;\"}");
    ck_assert_str_eq(r.body, "[{\"header\":{\"schema\":\"`USERID` STRING KEY, `WINDOWSTART` BIGINT "
                             "KEY, `WINDOWEND` BIGINT KEY, `N` BIGINT\"}},\n"
                             "{\"row\":{\"columns\":[\"alice\",60000,120000,1]}}]\n");
    free(r.body);
    /* stream pull with LIMIT */
    r = post(&s, "/query", "{\"ksql\":\"SELECT PAGE FROM PV LIMIT 2;\"}");
    ck_assert_str_eq(r.body, "[{\"header\":{\"schema\":\"`PAGE` STRING\"}},\n"
                             "{\"row\":{\"columns\":[\"a\"]}},\n{\"row\":{\"columns\":[\"b\"]}},\n"
                             "{\"finalMessage\":\"Limit Reached\"}]\n");
    free(r.body);
    /* /query-stream, delimited by default */
    r = post(&s, "/query-stream", "{\"sql\":\"SELECT * FROM VIEWS WHERE USERID='bob';\"}");
    ck_assert_str_eq(r.ctype, "application/vnd.ksqlapi.delimited.v1");
    ck_assert_str_eq(
        r.body, "{\"columnNames\":[\"USERID\",\"N\"],\"columnTypes\":[\"STRING\",\"BIGINT\"]}\n"
                "[\"bob\",1]\n");
    free(r.body);
    /* errors */
    r = post(&s, "/query", "{\"ksql\":\"SELECT * FROM VIEWS WHERE N > 1 GROUP BY N;\"}");
    ck_assert_int_eq(r.status, 400);
    j = js(&r);
    ck_assert_str_eq(json_string_value(json_object_get(j, "@type")), "statement_error");
    ck_assert_int_eq(json_integer_value(json_object_get(j, "error_code")), 40001);
    ck_assert(strstr(json_string_value(json_object_get(j, "message")),
                     "Pull queries don't support GROUP BY clauses"));
    json_decref(j);
    free(r.body);
    r = post(&s, "/ksql",
             "{\"ksql\":\"CREATE STREAM X (A INT) WITH (KAFKA_TOPIC='x', VALUE_FORMAT='JSON', "
             "PARTITIONS=1); DROP STREAM NOPE;\"}");
    ck_assert_int_eq(r.status, 400);
    j = js(&r);
    ck_assert_str_eq(json_string_value(json_object_get(j, "statementText")), "DROP STREAM NOPE;");
    ck_assert_int_eq(json_array_size(json_object_get(j, "entities")), 1);
    json_decref(j);
    free(r.body);
    r = post(&s, "/ksql", "{\"ksql\":\"SELECT * FROM VIEWS;\"}");
    ck_assert_int_eq(r.status, 400);
    free(r.body);
    r = post(&s, "/ksql", "not json");
    ck_assert_int_eq(r.status, 400);
    ck_assert(strstr(r.body, "\"generic_error\""));
    free(r.body);
    srv_stop(&s, SIGTERM);
    rmdir_all(d);
}
END_TEST

typedef struct PushArgs {
    Srv *s;
    Resp r;
    const char *body;
    const char *path;
} PushArgs;

static void *push_thread(void *p)
{
    PushArgs *a = p;
    a->r = post(a->s, a->path, a->body);
    return NULL;
}

START_TEST(push_and_inserts)
{
    char d[256];
    tmpdir(d, sizeof d, "push");
    Srv s;
    srv_start(&s, d, NULL);
    Resp r = post(&s, "/ksql", SETUP);
    free(r.body);
    PushArgs a = {
        &s, {0}, "{\"ksql\":\"SELECT USERID, PAGE FROM PV EMIT CHANGES LIMIT 2;\"}", "/query"};
    pthread_t th;
    pthread_create(&th, NULL, push_thread, &a);
    msleep(300);
    r = post(&s, "/inserts-stream",
             "{\"target\":\"pv\"}\n{\"USERID\":\"carol\",\"PAGE\":\"x\",\"MS\":1}\n"
             "{\"userid\":\"dave\",\"page\":\"y\"}\n{\"NOPE\":1}\n");
    ck_assert_int_eq(r.status, 200);
    ck_assert(strstr(r.body, "{\"status\":\"ok\",\"seq\":0}\n{\"status\":\"ok\",\"seq\":1}\n"));
    ck_assert(strstr(r.body, "\"seq\":2") && strstr(r.body, "\"error\""));
    free(r.body);
    pthread_join(th, NULL);
    ck_assert_int_eq(a.r.status, 200);
    ck_assert(strstr(a.r.body, "\"queryId\":\"transient_PV_"));
    ck_assert(strstr(
        a.r.body,
        "{\"row\":{\"columns\":[\"carol\",\"x\"]}},\n{\"row\":{\"columns\":[\"dave\",\"y\"]}},\n"
        "{\"finalMessage\":\"Limit Reached\"}]"));
    free(a.r.body);
    /* /close-query ends a /query-stream push query */
    PushArgs b = {&s, {0}, "{\"sql\":\"SELECT * FROM PV EMIT CHANGES;\"}", "/query-stream"};
    pthread_create(&th, NULL, push_thread, &b);
    msleep(300);
    r = req(&s, "GET", "/metrics", NULL, NULL);
    ck_assert(strstr(r.body, "eddy_push_queries_active 1"));
    ck_assert(strstr(r.body, "eddy_persistent_queries{state=\"RUNNING\"} 2"));
    free(r.body);
    r = post(&s, "/close-query", "{\"queryId\":\"nope\"}");
    ck_assert_int_eq(r.status, 400);
    free(r.body);
    srv_stop(&s, SIGTERM); /* ends the open push query cleanly */
    pthread_join(th, NULL);
    ck_assert(strstr(b.r.body, "{\"queryId\":\"transient_PV_"));
    free(b.r.body);
    rmdir_all(d);
}
END_TEST

START_TEST(http_surface)
{
    char d[256];
    tmpdir(d, sizeof d, "http");
    Srv s;
    srv_start(&s, d, NULL);
    Resp r = req(&s, "GET", "/info", NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert(strstr(r.body, "\"KsqlServerInfo\"") &&
              strstr(r.body, "\"serverStatus\":\"RUNNING\""));
    free(r.body);
    r = req(&s, "GET", "/healthcheck", NULL, NULL);
    ck_assert(strstr(r.body, "\"isHealthy\":true"));
    free(r.body);
    r = req(&s, "GET", "/nowhere", NULL, NULL);
    ck_assert_int_eq(r.status, 404);
    ck_assert_str_eq(r.body, "Not Found");
    free(r.body);
    r = req(&s, "GET", "/ksql", NULL, NULL);
    ck_assert_int_eq(r.status, 405);
    free(r.body);
    const char *acc[] = {"Accept: text/html", NULL};
    r = req(&s, "POST", "/ksql", "{\"ksql\":\"SHOW STREAMS;\"}", acc);
    ck_assert_int_eq(r.status, 406);
    free(r.body);
    const char *xml[] = {"Content-Type: application/xml", NULL};
    r = req(&s, "POST", "/ksql", "<ksql/>", xml);
    ck_assert_int_eq(r.status, 415);
    free(r.body);
    char *big = malloc(200001);
    memset(big, ' ', 200000);
    big[200000] = 0;
    r = post(&s, "/ksql", big);
    ck_assert_int_eq(r.status, 413);
    free(r.body);
    free(big);
    const char *origin[] = {"Origin: http://dash.example", "Access-Control-Request-Method: POST",
                            NULL};
    r = req(&s, "OPTIONS", "/ksql", NULL, origin);
    ck_assert_int_eq(r.status, 204);
    ck_assert_str_eq(r.acao, "http://dash.example");
    free(r.body);
    const char *other[] = {"Origin: http://evil.example", NULL};
    r = req(&s, "GET", "/info", NULL, other);
    ck_assert_str_eq(r.acao, "");
    free(r.body);
    r = post(&s, "/ksql",
             "{\"ksql\":\"DEFINE t = 'pv'; CREATE STREAM S (A INT) WITH (KAFKA_TOPIC='${t}', "
             "VALUE_FORMAT='JSON', PARTITIONS=1); SHOW STREAMS; SHOW PROPERTIES; LIST FUNCTIONS; "
             "DESCRIBE S; SHOW TOPICS; SHOW QUERIES; SHOW VARIABLES;\"}");
    ck_assert_int_eq(r.status, 200);
    ck_assert(strstr(r.body, "\"topic\":\"pv\""));
    ck_assert(strstr(r.body, "\"@type\":\"properties\"") &&
              strstr(r.body, "\"@type\":\"function_names\"") &&
              strstr(r.body, "\"@type\":\"sourceDescription\"") &&
              strstr(r.body, "\"@type\":\"kafka_topics\"") &&
              strstr(r.body, "\"@type\":\"queries\""));
    free(r.body);
    r = req(&s, "GET", "/status/stream/S/create", NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert(strstr(r.body, "\"SUCCESS\""));
    free(r.body);
    srv_stop(&s, SIGTERM);
    rmdir_all(d);
}
END_TEST

START_TEST(restart_after_sigkill)
{
    char d[256];
    tmpdir(d, sizeof d, "restart");
    Srv s;
    srv_start(&s, d, NULL);
    Resp r = post(&s, "/ksql", SETUP);
    free(r.body);
    r = post(&s, "/ksql",
             "{\"ksql\":\"CREATE STREAM BIG AS SELECT * FROM PV WHERE MS > 1;\","
             "\"streamsProperties\":{\"auto.offset.reset\":\"earliest\"}}");
    free(r.body);
    r = post(&s, "/test/produce", INPUTS);
    free(r.body);
    srv_stop(&s, SIGKILL);
    srv_start(&s, d, NULL);
    r = post(&s, "/ksql", "{\"ksql\":\"SHOW QUERIES;\"}");
    ck_assert(strstr(r.body, "\"CTAS_VIEWS_0\"") && strstr(r.body, "\"CTAS_WIN_1\"") &&
              strstr(r.body, "\"CSAS_BIG_2\""));
    free(r.body);
    /* the statement's own properties came back with it */
    r = post(&s, "/ksql", "{\"ksql\":\"EXPLAIN CSAS_BIG_2;\"}");
    ck_assert_msg(strstr(r.body, "\"overriddenProperties\":{\"auto.offset.reset\":\"earliest\"}"),
                  "%s", r.body);
    free(r.body);
    /* the table state survived the kill */
    r = post(&s, "/query", "{\"ksql\":\"SELECT * FROM VIEWS WHERE USERID='alice';\"}");
    ck_assert(strstr(r.body, "[\"alice\",2]"));
    free(r.body);
    /* and the queries go on: new ids continue after the replayed ones */
    r = post(&s, "/ksql",
             "{\"ksql\":\"CREATE TABLE T2 AS SELECT PAGE, COUNT(*) AS C FROM PV GROUP BY PAGE;\"}");
    ck_assert(strstr(r.body, "CTAS_T2_3"));
    free(r.body);
    r = post(&s, "/test/produce",
             "{\"records\":[{\"topic\":\"pv\",\"key\":\"alice\",\"value\":{\"PAGE\":\"z\"}}]}");
    free(r.body);
    r = post(&s, "/query", "{\"ksql\":\"SELECT * FROM VIEWS WHERE USERID='alice';\"}");
    ck_assert(strstr(r.body, "[\"alice\",3]"));
    free(r.body);
    srv_stop(&s, SIGTERM);
    rmdir_all(d);
}
END_TEST

/* Polls a pull query until its answer contains `want` (Kafka is asynchronous). */
static Resp query_until(const Srv *s, const char *body, const char *want)
{
    Resp r = {0};
    for (int i = 0; i < 100; i++) {
        free(r.body);
        r = post(s, "/query", body);
        if (strstr(r.body, want)) break;
        msleep(100);
    }
    return r;
}

START_TEST(kafka_engine_pull_and_print)
{
    char d[256];
    tmpdir(d, sizeof d, "kafka");
    Srv s;
    srv_start(&s, d, "kafka");
    Resp r =
        post(&s, "/ksql",
             "{\"ksql\":\"CREATE STREAM S (K STRING KEY, V INT) WITH (KAFKA_TOPIC='s', "
             "VALUE_FORMAT='JSON', PARTITIONS=3); CREATE SOURCE TABLE T (K STRING PRIMARY KEY, V "
             "INT) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON');\"}");
    ck_assert_int_eq(r.status, 200);
    free(r.body);
    r = post(&s, "/ksql", "{\"ksql\":\"SHOW QUERIES;\"}");
    ck_assert_msg(strstr(r.body, "\"CST_T_0\""), "%s", r.body);
    free(r.body);
    r = post(
        &s, "/ksql",
        "{\"ksql\":\"INSERT INTO S (K, V) VALUES ('a', 1); INSERT INTO S (K, V) VALUES ('b', 2); "
        "INSERT INTO S (K, V) VALUES ('c', 3); INSERT INTO S (K, V) VALUES ('a', 4);\"}");
    ck_assert_int_eq(r.status, 200);
    free(r.body);
    /* a pull query on a stream reads every partition to its end, then finishes */
    r = query_until(&s, "{\"ksql\":\"SELECT * FROM S;\"}", "[\"a\",4]");
    ck_assert_msg(strstr(r.body, "[\"a\",1]") && strstr(r.body, "[\"b\",2]") &&
                      strstr(r.body, "[\"c\",3]") &&
                      strstr(r.body, "{\"finalMessage\":\"Query Completed\"}]"),
                  "%s", r.body);
    free(r.body);
    r = post(&s, "/query", "{\"ksql\":\"SELECT V FROM S WHERE V > 1 LIMIT 1;\"}");
    ck_assert_msg(strstr(r.body, "{\"finalMessage\":\"Limit Reached\"}]"), "%s", r.body);
    free(r.body);
    /* the source table is materialized: pull queries read it */
    r = query_until(&s, "{\"ksql\":\"SELECT * FROM T WHERE K='a';\"}", "[\"a\",4]");
    ck_assert_msg(strstr(r.body, "`K` STRING KEY, `V` INTEGER") && strstr(r.body, "[\"a\",4]"),
                  "%s", r.body);
    free(r.body);
    /* PRINT: the formats, then one line per record */
    r = post(&s, "/query", "{\"ksql\":\"PRINT 's' FROM BEGINNING LIMIT 2;\"}");
    ck_assert_int_eq(r.status, 200);
    ck_assert_msg(strstr(r.body, "Key format: KAFKA_STRING\nValue format: JSON or KAFKA_STRING\n"
                                 "rowtime: ") &&
                      strstr(r.body, ", partition: "),
                  "%s", r.body);
    int lines = 0;
    for (const char *p = r.body; (p = strstr(p, "rowtime: ")); p++)
        lines++;
    ck_assert_int_eq(lines, 2);
    free(r.body);
    r = post(&s, "/query-stream", "{\"sql\":\"PRINT s FROM BEGINNING INTERVAL 2 LIMIT 2;\"}");
    ck_assert_msg(strstr(r.body, "value: {\"V\":"), "%s", r.body);
    free(r.body);
    const char *json[] = {"Accept: application/json", NULL};
    r = req(&s, "POST", "/query-stream", "{\"sql\":\"PRINT s;\"}", json);
    ck_assert_int_eq(r.status, 406);
    free(r.body);
    r = post(&s, "/query", "{\"ksql\":\"PRINT nope;\"}");
    ck_assert_int_eq(r.status, 400);
    ck_assert(strstr(r.body, "Could not find topic 'NOPE'"));
    free(r.body);
    /* dropping the source table ends its query */
    r = post(&s, "/ksql", "{\"ksql\":\"DROP TABLE T; SHOW QUERIES;\"}");
    ck_assert_msg(r.status == 200 && !strstr(r.body, "CST_T_0\""), "%s", r.body);
    free(r.body);
    srv_stop(&s, SIGTERM);
    rmdir_all(d);
}
END_TEST

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    Suite *s = suite_create("server");
    TCase *tc = tcase_create("http");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, ksql_and_pull);
    tcase_add_test(tc, push_and_inserts);
    tcase_add_test(tc, http_surface);
    tcase_add_test(tc, restart_after_sigkill);
    tcase_add_test(tc, kafka_engine_pull_and_print);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
