/*
 * fuzz_http.c - libFuzzer target for eddyd's request handlers: the bodies of
 * POST /ksql, /query, /query-stream and /inserts-stream, handled in-process.
 *
 * The handlers (src/server/ep_*.c) run as in eddyd, on an in-memory engine set
 * up with a stream, a table, aggregations and a source table holding a few
 * records, so statements, pull and push queries and inserts reach real plans
 * and data. What is fuzzed is the request: the first byte of an input picks the
 * endpoint, the second the Accept header, the rest is the body. The HTTP layer
 * (http.c, libmicrohttpd) is replaced here by a recorder: replies are kept in a
 * buffer, and a streamed reply is drained at once (push queries are closed
 * after what they produced at the start, as if the server were stopping). The
 * engine is rebuilt every 256 inputs so state created by the inputs stays
 * bounded. Sanitizers catch memory errors; a reply that is not a single HTTP
 * status with a body, or an error body that is not ksqlDB's envelope, traps.
 *
 * Build: `make fuzz` (fuzz/run.sh, clang, a build directory with every library
 * instrumented), or any clang build of the tree builds build/fuzz/fuzz_http
 * (only this file instrumented; used by the short run in `make test-asan`).
 * With -DFUZZ_REPLAY_MAIN it is a plain program that replays the files named on
 * its command line (fuzz/seeds/http).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../src/server/server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ------------------------------------------------------------ the HTTP layer */

static StrBuf reply;     /* what the last request was answered */
static int reply_status; /* 0: nothing answered */
static int replies;      /* answers queued for the request (must be 1) */

static void note_reply(HttpReq *r, int status)
{
    r->status = status;
    r->queued = true;
    reply_status = status;
    replies++;
}

const char *http_negotiate(const HttpReq *r, const char *const *offered)
{
    if (!r->accept || !*r->accept) return offered[0];
    for (int i = 0; offered[i]; i++)
        if (strstr(r->accept, offered[i])) return offered[i];
    if (strstr(r->accept, "*/*")) return offered[0];
    return NULL;
}

int http_reply(HttpReq *r, int status, const char *content_type, const char *body, size_t len)
{
    (void)content_type;
    note_reply(r, status);
    sb_clear(&reply);
    sb_append(&reply, body, len);
    return 1;
}

int http_reply_json(HttpReq *r, int status, json_t *body, const char *content_type)
{
    char *t = json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(body);
    int rc = http_reply(r, status, content_type, t ? t : "", t ? strlen(t) : 0);
    free(t);
    return rc;
}

int http_reply_error(HttpReq *r, int status, int error_code, const char *fmt, ...)
{
    char msg[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_t *o = json_object();
    json_object_set_new(o, "@type", json_string("generic_error"));
    json_object_set_new(o, "error_code", json_integer(error_code));
    json_object_set_new(o, "message", json_string(msg));
    return http_reply_json(r, status, o, NULL);
}

int http_reply_text(HttpReq *r, int status, const char *text)
{
    return http_reply(r, status, "text/plain", text, strlen(text));
}

int http_reply_stream(HttpReq *r, int status, const char *content_type, const HttpStream *s)
{
    (void)content_type;
    note_reply(r, status);
    sb_clear(&reply);
    /* The first piece as it comes (a push query's header), then as a stopping
     * server would: what push queries produced so far, then their end. */
    int rc = s->next(s->ctx, &reply);
    r->srv->shutting_down = 1;
    for (int i = 0; i < 100000 && rc == 1; i++)
        rc = s->next(s->ctx, &reply);
    r->srv->shutting_down = 0;
    if (rc == 1) __builtin_trap(); /* a stream that never ends */
    s->done(s->ctx);
    return 1;
}

bool http_client_gone(struct MHD_Connection *conn)
{
    (void)conn;
    return false;
}

int64_t http_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Defined in ep_info.c, which this target does not link. */
void server_note_status(Server *s, const char *command_id, const char *status, const char *msg)
{
    (void)s;
    (void)command_id;
    (void)status;
    (void)msg;
}

/* ------------------------------------------------------------ the server */

static Server srv;
static ServerConfig cfg;
static char dir[256];
static int uses;

static const char *const SETUP[] = {
    "CREATE STREAM PV (USERID STRING KEY, PAGE STRING, MS INT, TAGS ARRAY<STRING>, "
    "M MAP<STRING, INT>, S STRUCT<A INT, B STRING>) WITH (KAFKA_TOPIC='pv', VALUE_FORMAT='JSON', "
    "PARTITIONS=2);",
    "CREATE STREAM D (K INT KEY, A DOUBLE, B DECIMAL(6,2), T TIMESTAMP) WITH (KAFKA_TOPIC='d', "
    "FORMAT='DELIMITED', PARTITIONS=1);",
    "CREATE TABLE VIEWS AS SELECT USERID, COUNT(*) AS N, LATEST_BY_OFFSET(PAGE) AS P FROM PV "
    "GROUP BY USERID;",
    "CREATE TABLE WIN AS SELECT USERID, COUNT(*) AS N FROM PV WINDOW TUMBLING (SIZE 1 MINUTE) "
    "GROUP BY USERID;",
    "CREATE SOURCE TABLE USERS (ID STRING PRIMARY KEY, NAME STRING) WITH (KAFKA_TOPIC='users', "
    "VALUE_FORMAT='JSON', PARTITIONS=1);",
    "CREATE STREAM PAGES AS SELECT PAGE, USERID FROM PV PARTITION BY PAGE;",
    "INSERT INTO PV (USERID, PAGE, MS, TAGS) VALUES ('alice', 'home', 1, ARRAY['x']);",
    "INSERT INTO PV (USERID, PAGE, MS, M) VALUES ('bob', 'cart', 2, MAP('k' := 1));",
    "INSERT INTO PV (USERID, PAGE, MS, S) VALUES ('alice', 'cart', 3, STRUCT(A := 1, B := 'b'));",
    "INSERT INTO D (K, A, B, T) VALUES (1, 1.5, 2.25, '2020-01-01T00:00:00');",
    NULL,
};

static void server_stop(void)
{
    executor_free(srv.exec);
    command_log_close(srv.clog);
    engine_free(srv.engine);
    metrics_free(srv.metrics);
    json_decref(srv.statuses);
    srv.exec = NULL;
    srv.engine = NULL;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) {
    }
}

static void server_start(void)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/eddy-fuzz-http-%d", (int)getpid());
        props_init(&cfg.props);
        props_set(&cfg.props, "ksql.service.id", "fuzz_");
        cfg.push_buffer_rows = 1000;
        cfg.max_push_queries = 8;
        cfg.max_body_bytes = 1 << 20;
        cfg.state_dir = dir;
        cfg.service_id = "fuzz_";
        cfg.memory_engine = true;
        snprintf(cfg.host, sizeof cfg.host, "127.0.0.1");
        pthread_mutex_init(&srv.push_lock, NULL);
        pthread_mutex_init(&srv.status_lock, NULL);
        sb_init(&reply);
    }
    mkdir(dir, 0700);
    srv.cfg = &cfg;
    srv.statuses = json_object();
    srv.metrics = metrics_new();
    EngineConfig ec;
    memset(&ec, 0, sizeof ec);
    ec.mode = ENGINE_MEMORY;
    ec.state_dir = dir;
    ec.props = &cfg.props;
    EddyError err;
    err_clear(&err);
    srv.engine = engine_new(&ec, &err);
    if (!srv.engine) {
        fprintf(stderr, "fuzz_http: engine: %s\n", err.msg);
        abort();
    }
    srv.exec = executor_new(srv.engine);
    srv.clog = command_log_open(srv.engine, "fuzz_", &err);
    if (!srv.clog) {
        fprintf(stderr, "fuzz_http: command log: %s\n", err.msg);
        abort();
    }
    executor_on_command(srv.exec, command_log_append, srv.clog);
    for (int i = 0; SETUP[i]; i++) {
        ExecRequest req = {0};
        req.sql = SETUP[i];
        json_t *ents = NULL;
        ExecError xe;
        if (executor_run(srv.exec, &req, &ents, &xe) < 0) {
            fprintf(stderr, "fuzz_http: setup `%s`: %s\n", SETUP[i], xe.message);
            abort();
        }
        exec_error_clear(&xe);
        json_decref(ents);
    }
    uses = 0;
}

/* ------------------------------------------------------------ one input */

static const char *const ACCEPTS[] = {
    NULL,
    "application/vnd.ksql.v1+json",
    "application/json",
    "application/vnd.ksqlapi.delimited.v1",
    "text/html",
    "application/vnd.ksql.v1+protobuf",
    "application/json;q=0.5, */*;q=0.1",
    "",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    /* ASSERT ... TIMEOUT n waits as long as it is told to: not a finding. */
    for (size_t i = 0; i + 6 <= size; i++)
        if (strncasecmp((const char *)data + i, "ASSERT", 6) == 0) return 0;
    if (!srv.engine || uses++ >= 256) {
        if (srv.engine) server_stop();
        server_start();
    }
    int endpoint = data[0] % 4;
    HttpReq r;
    memset(&r, 0, sizeof r);
    r.srv = &srv;
    r.method = "POST";
    r.accept = ACCEPTS[data[1] % (sizeof ACCEPTS / sizeof ACCEPTS[0])];
    r.content_type = "application/json";
    sb_init(&r.body);
    sb_append(&r.body, (const char *)data + 2, size - 2);
    reply_status = 0;
    replies = 0;
    switch (endpoint) {
    case 0:
        r.url = "/ksql";
        ep_ksql(&r);
        break;
    case 1:
        r.url = "/query";
        ep_query(&r);
        break;
    case 2:
        r.url = "/query-stream";
        ep_query_stream(&r);
        break;
    default:
        r.url = "/inserts-stream";
        ep_inserts_stream(&r);
        break;
    }
    /* Every request is answered exactly once, with a real status. */
    if (replies != 1 || reply_status < 200 || reply_status > 599) __builtin_trap();
    /* An error answered as JSON is ksqlDB's envelope. */
    if (reply_status >= 400 && reply.len && reply.data[0] == '{') {
        json_t *j = json_loadb(reply.data, reply.len, 0, NULL);
        if (!j || !json_is_integer(json_object_get(j, "error_code")) ||
            !json_is_string(json_object_get(j, "message")))
            __builtin_trap();
        json_decref(j);
    }
    if (getenv("FUZZ_HTTP_VERBOSE"))
        fprintf(stderr, "%s -> %d %.*s\n", r.url, reply_status, (int)reply.len, reply.data);
    sb_free(&r.body);
    return 0;
}

#ifdef FUZZ_REPLAY_MAIN
int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            perror(argv[i]);
            return 1;
        }
        static uint8_t buf[1 << 20];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        LLVMFuzzerTestOneInput(buf, n);
    }
    if (srv.engine) server_stop();
    printf("fuzz_http: %d inputs replayed\n", argc - 1);
    return 0;
}
#endif
