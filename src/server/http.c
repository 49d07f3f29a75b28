/*
 * http.c - the HTTP layer on libmicrohttpd (see http.h).
 *
 * libmicrohttpd runs one thread per connection, so an endpoint may block (a push
 * query waiting for rows) without holding up anyone else. A request's body is
 * collected into a buffer up to eddy.http.max.request.bytes (413 beyond, before
 * reading it when Content-Length says so), then the route table picks the
 * endpoint. Every response gets the CORS headers ksqlDB's configuration asks
 * for; OPTIONS preflights are answered here. Streamed responses are chunked:
 * each piece the producer hands over becomes one chunk, so one JSON row is one
 * write on the wire.
 */
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "../common/arena.h"
#include "server.h"

struct HttpServer {
    struct MHD_Daemon *d;
    Server *srv;
};

int64_t http_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---------------------------------------------------------------- negotiation */

/* Whether a media range (application/ANY, ANY/ANY or exact) covers type. */
static bool range_covers(const char *range, size_t rl, const char *type)
{
    if (rl == 3 && strncmp(range, "*/*", 3) == 0) return true;
    size_t tl = strlen(type);
    if (rl >= 2 && range[rl - 1] == '*' && range[rl - 2] == '/') {
        const char *slash = strchr(type, '/');
        return slash && (size_t)(slash - type) == rl - 2 && strncasecmp(range, type, rl - 2) == 0;
    }
    return rl == tl && strncasecmp(range, type, tl) == 0;
}

const char *http_negotiate(const HttpReq *r, const char *const *offered)
{
    const char *acc = r->accept;
    if (!acc || !*acc) return offered[0];
    /* Best q over the Accept entries; ties keep the server's order. */
    const char *best = NULL;
    double best_q = 0;
    for (int i = 0; offered[i]; i++) {
        double q_for = -1;
        int specificity = -1;
        const char *p = acc;
        while (*p) {
            while (*p == ' ' || *p == ',') p++;
            if (!*p) break;
            const char *start = p;
            while (*p && *p != ';' && *p != ',') p++;
            size_t rl = (size_t)(p - start);
            while (rl && start[rl - 1] == ' ') rl--;
            double q = 1.0;
            while (*p == ';') {
                p++;
                while (*p == ' ') p++;
                if ((p[0] == 'q' || p[0] == 'Q') && p[1] == '=') q = strtod(p + 2, NULL);
                while (*p && *p != ';' && *p != ',') p++;
            }
            if (range_covers(start, rl, offered[i])) {
                int spec = (rl == 3 && start[0] == '*') ? 0 : (start[rl - 1] == '*' ? 1 : 2);
                if (spec > specificity) {
                    specificity = spec;
                    q_for = q;
                }
            }
            if (*p == ',') p++;
        }
        if (q_for > best_q) {
            best_q = q_for;
            best = offered[i];
        }
    }
    return best;
}

/* ---------------------------------------------------------------- responses */

static void add_cors(HttpReq *r, struct MHD_Response *resp)
{
    const ServerConfig *cfg = r->srv->cfg;
    if (!cfg->cors_origin || !r->origin) return;
    /* A comma-separated list of origins, or "*" (any origin). */
    const char *allowed = NULL;
    if (strcmp(cfg->cors_origin, "*") == 0) {
        allowed = "*";
    } else {
        const char *p = cfg->cors_origin;
        size_t ol = strlen(r->origin);
        while (*p) {
            while (*p == ' ' || *p == ',') p++;
            const char *s = p;
            while (*p && *p != ',') p++;
            size_t l = (size_t)(p - s);
            while (l && s[l - 1] == ' ') l--;
            if (l == ol && strncmp(s, r->origin, l) == 0) allowed = r->origin;
        }
    }
    if (!allowed) return;
    MHD_add_response_header(resp, "Access-Control-Allow-Origin", allowed);
    if (strcmp(allowed, "*") != 0) {
        MHD_add_response_header(resp, "Vary", "Origin");
        MHD_add_response_header(resp, "Access-Control-Allow-Credentials", "true");
    }
}

static int queue(HttpReq *r, int status, struct MHD_Response *resp)
{
    add_cors(r, resp);
    r->status = status;
    r->queued = true;
    enum MHD_Result rc = MHD_queue_response(r->conn, (unsigned)status, resp);
    MHD_destroy_response(resp);
    return rc;
}

int http_reply(HttpReq *r, int status, const char *content_type, const char *body, size_t len)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (!resp) return MHD_NO;
    if (content_type) MHD_add_response_header(resp, "Content-Type", content_type);
    return queue(r, status, resp);
}

int http_reply_text(HttpReq *r, int status, const char *text)
{
    return http_reply(r, status, "text/plain", text, strlen(text));
}

static const char *const json_types[] = {MT_KSQL_JSON, MT_JSON, NULL};

int http_reply_json(HttpReq *r, int status, json_t *body, const char *content_type)
{
    if (!content_type) {
        content_type = http_negotiate(r, json_types);
        if (!content_type) content_type = MT_KSQL_JSON;
    }
    char *text = json_dumps(body, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_ENCODE_ANY);
    json_decref(body);
    if (!text) return http_reply_text(r, 500, "Internal Server Error");
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(text);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", content_type);
    return queue(r, status, resp);
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

/* ---------------------------------------------------------------- streams */

typedef struct StreamState {
    HttpStream s;
    struct MHD_Connection *conn;
    StrBuf buf;
    size_t pos;
    bool ended;
    bool done_called;
} StreamState;

static ssize_t stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
    (void)pos;
    StreamState *st = cls;
    for (;;) {
        if (st->pos < st->buf.len) {
            size_t n = st->buf.len - st->pos;
            if (n > max) n = max;
            memcpy(out, st->buf.data + st->pos, n);
            st->pos += n;
            if (st->pos == st->buf.len) {
                sb_clear(&st->buf);
                st->pos = 0;
            }
            return (ssize_t)n;
        }
        if (st->ended) return MHD_CONTENT_READER_END_OF_STREAM;
        int rc = st->s.next(st->s.ctx, &st->buf);
        if (rc < 0) return MHD_CONTENT_READER_END_WITH_ERROR;
        if (rc == 0) st->ended = true;
        if (st->buf.len == 0 && !st->ended && http_client_gone(st->conn))
            return MHD_CONTENT_READER_END_WITH_ERROR;
    }
}

static void stream_free(void *cls)
{
    StreamState *st = cls;
    if (!st->done_called && st->s.done) st->s.done(st->s.ctx);
    sb_free(&st->buf);
    free(st);
}

int http_reply_stream(HttpReq *r, int status, const char *content_type, const HttpStream *s)
{
    StreamState *st = xcalloc(1, sizeof *st);
    st->s = *s;
    st->conn = r->conn;
    struct MHD_Response *resp =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, stream_read, st, stream_free);
    if (!resp) {
        stream_free(st);
        return MHD_NO;
    }
    if (content_type) MHD_add_response_header(resp, "Content-Type", content_type);
    return queue(r, status, resp);
}

bool http_client_gone(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (!ci) return false;
    int fd = ci->connect_fd;
    struct pollfd pfd = {fd, POLLIN | POLLRDHUP, 0};
    if (poll(&pfd, 1, 0) <= 0) return false;
    if (pfd.revents & (POLLHUP | POLLERR | POLLRDHUP)) return true;
    if (pfd.revents & POLLIN) {
        char c;
        ssize_t n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
        if (n == 0) return true;
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return true;
    }
    return false;
}

/* ---------------------------------------------------------------- routing */

typedef int (*Handler)(HttpReq *r);

typedef struct Route {
    const char *path;
    bool prefix;       /* path is a prefix ("/status/") */
    const char *method;
    Handler fn;
    bool test_only;
} Route;

static int redirect_info(HttpReq *r)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(resp, "Location", "/info");
    return queue(r, 302, resp);
}

static const Route routes[] = {
    {"/ksql", false, "POST", ep_ksql, false},
    {"/ksql/terminate", false, "POST", ep_terminate, false},
    {"/query", false, "POST", ep_query, false},
    {"/query-stream", false, "POST", ep_query_stream, false},
    {"/close-query", false, "POST", ep_close_query, false},
    {"/inserts-stream", false, "POST", ep_inserts_stream, false},
    {"/info", false, "GET", ep_info, false},
    {"/v1/metadata", false, "GET", ep_info, false},
    {"/healthcheck", false, "GET", ep_healthcheck, false},
    {"/chc/live", false, "GET", ep_healthcheck, false},
    {"/chc/ready", false, "GET", ep_healthcheck, false},
    {"/status", false, "GET", ep_status, false},
    {"/status/", true, "GET", ep_status, false},
    {"/clusterStatus", false, "GET", ep_cluster_status, false},
    {"/is_valid_property/", true, "GET", ep_is_valid_property, false},
    {"/metrics", false, "GET", ep_metrics, false},
    {"/", false, "GET", redirect_info, false},
    {"/test/produce", false, "POST", ep_test_produce, true},
    {"/test/records", false, "POST", ep_test_records, true},
    {"/test/topics", false, "POST", ep_test_topics, true},
};

static bool path_matches(const Route *rt, const char *url)
{
    if (rt->prefix) return strncmp(url, rt->path, strlen(rt->path)) == 0 && url[strlen(rt->path)];
    return strcmp(url, rt->path) == 0;
}

static int preflight(HttpReq *r)
{
    const ServerConfig *cfg = r->srv->cfg;
    struct MHD_Response *resp = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
    if (cfg->cors_origin && r->origin) {
        MHD_add_response_header(resp, "Access-Control-Allow-Methods", cfg->cors_methods);
        MHD_add_response_header(resp, "Access-Control-Allow-Headers", cfg->cors_headers);
        MHD_add_response_header(resp, "Access-Control-Max-Age", "1800");
    }
    return queue(r, 204, resp);
}

static int dispatch(HttpReq *r)
{
    const Server *srv = r->srv;
    bool path_known = false;
    bool is_head = strcmp(r->method, "HEAD") == 0;
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        const Route *rt = &routes[i];
        if (rt->test_only && !srv->cfg->test_endpoints) continue;
        if (!path_matches(rt, r->url)) continue;
        path_known = true;
        r->route = rt->prefix ? rt->path : rt->path;
        if (strcmp(rt->method, r->method) == 0 || (is_head && strcmp(rt->method, "GET") == 0))
            return rt->fn(r);
    }
    if (path_known && strcmp(r->method, "OPTIONS") == 0) return preflight(r);
    if (path_known) {
        r->route = "other";
        return http_reply_text(r, 405, "Method Not Allowed");
    }
    r->route = "other";
    return http_reply_text(r, 404, "Not Found");
}

/* Content types that cannot carry a JSON body. */
static bool unsupported_content_type(const char *ct)
{
    if (!ct) return false;
    return strncasecmp(ct, "multipart/", 10) == 0 || strstr(ct, "xml") != NULL;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **con_cls)
{
    (void)version;
    HttpServer *h = cls;
    Server *srv = h->srv;
    HttpReq *r = *con_cls;
    if (!r) {
        r = xcalloc(1, sizeof *r);
        r->srv = srv;
        r->conn = conn;
        r->method = method;
        r->url = url;
        r->start_us = http_now_us();
        r->route = "other";
        sb_init(&r->body);
        r->accept = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept");
        r->origin = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin");
        r->content_type = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
        *con_cls = r;
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        if (cl && strtoll(cl, NULL, 10) > srv->cfg->max_body_bytes) {
            r->route = "other";
            return (enum MHD_Result)http_reply_error(
                r, 413, 41300, "Request body too large: the limit is %lld bytes",
                (long long)srv->cfg->max_body_bytes);
        }
        return MHD_YES;
    }
    if (r->queued) {
        *upload_size = 0;
        return MHD_YES;
    }
    if (*upload_size) {
        if ((int64_t)(r->body.len + *upload_size) > srv->cfg->max_body_bytes) {
            r->too_large = true;
            sb_free(&r->body);
        } else if (!r->too_large) {
            sb_append(&r->body, upload_data, *upload_size);
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (r->too_large)
        return (enum MHD_Result)http_reply_error(r, 413, 41300,
                                                 "Request body too large: the limit is %lld bytes",
                                                 (long long)srv->cfg->max_body_bytes);
    if (!r->body.data) sb_puts(&r->body, "");
    if (srv->shutting_down)
        return (enum MHD_Result)http_reply_error(r, 503, 50303, "The server is shutting down");
    if (strcmp(method, "POST") == 0 && unsupported_content_type(r->content_type))
        return (enum MHD_Result)http_reply_error(r, 415, 41500, "Unsupported Media Type: %s",
                                                 r->content_type);
    return (enum MHD_Result)dispatch(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)conn;
    (void)toe;
    HttpServer *h = cls;
    HttpReq *r = *con_cls;
    if (!r) return;
    metrics_http(h->srv->metrics, r->route, r->status ? r->status : 500,
                 http_now_us() - r->start_us);
    sb_free(&r->body);
    free(r);
    *con_cls = NULL;
}

static void on_panic(void *cls, const char *file, unsigned int line, const char *reason)
{
    (void)cls;
    fprintf(stderr, "eddyd: libmicrohttpd internal error at %s:%u: %s\n", file, line,
            reason ? reason : "");
}

HttpServer *http_start(Server *srv, const char *host, int port, int *bound_port, char *err_msg,
                       size_t err_len)
{
    HttpServer *h = xcalloc(1, sizeof *h);
    h->srv = srv;
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                     MHD_USE_ERROR_LOG;
    socklen_t sl;
    if (strchr(host, ':')) {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, host, &a6->sin6_addr) != 1) {
            snprintf(err_msg, err_len, "bad listener address %s", host);
            free(h);
            return NULL;
        }
        flags |= MHD_USE_IPv6;
        sl = sizeof *a6;
    } else {
        struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
        const char *hh = strcmp(host, "localhost") == 0 ? "127.0.0.1" : host;
        if (inet_pton(AF_INET, hh, &a4->sin_addr) != 1) {
            snprintf(err_msg, err_len, "bad listener address %s", host);
            free(h);
            return NULL;
        }
        sl = sizeof *a4;
    }
    (void)sl;
    MHD_set_panic_func(on_panic, NULL);
    h->d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, on_request, h,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)0,
                            MHD_OPTION_CONNECTION_LIMIT, (unsigned)4000,
                            MHD_OPTION_THREAD_STACK_SIZE, (size_t)(256 * 1024),
                            MHD_OPTION_END);
    if (!h->d) {
        snprintf(err_msg, err_len, "cannot listen on %s:%d: %s", host, port, strerror(errno));
        free(h);
        return NULL;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
    *bound_port = di ? di->port : port;
    return h;
}

void http_stop(HttpServer *h)
{
    if (!h) return;
    MHD_stop_daemon(h->d);
    free(h);
}
