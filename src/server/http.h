/*
 * http.h - eddyd's HTTP layer on libmicrohttpd: one thread per connection,
 * request bodies collected up to a size limit, routing to the endpoint
 * families, content negotiation, CORS, ksqlDB's error envelope, and streamed
 * (chunked) responses fed from a producer callback.
 *
 * Endpoint files (ep_*.c) see an HttpReq and answer with one of the http_reply_*
 * calls; each returns the value the libmicrohttpd handler must return.
 */
#ifndef EDDY_HTTP_H
#define EDDY_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/strbuf.h"

struct MHD_Connection;
typedef struct Server Server;

/* Media types we answer with. */
#define MT_KSQL_JSON  "application/vnd.ksql.v1+json"
#define MT_JSON       "application/json"
#define MT_DELIMITED  "application/vnd.ksqlapi.delimited.v1"
#define MT_KSQL_PROTO "application/vnd.ksql.v1+protobuf"

typedef struct HttpReq {
    Server *srv;
    struct MHD_Connection *conn;
    const char *method;
    const char *url;            /* path without the query string */
    StrBuf body;                /* NUL-terminated */
    bool too_large;             /* body exceeded the limit */
    const char *accept;         /* Accept header or NULL */
    const char *origin;         /* Origin header or NULL */
    const char *content_type;   /* Content-Type header or NULL */
    int64_t start_us;           /* monotonic, for latency metrics */
    int status;                 /* status answered (metrics) */
    const char *route;          /* route label (metrics) */
    bool queued;                /* a response was queued */
} HttpReq;

/* Picks the response media type among `offered` (NULL-terminated, preferred
 * first) from the Accept header: NULL when none is acceptable (406). No Accept
 * header or * / * takes offered[0]. */
const char *http_negotiate(const HttpReq *r, const char *const *offered);

/* Queues a complete response. The content type is set as given. */
int http_reply(HttpReq *r, int status, const char *content_type, const char *body, size_t len);
/* A JSON body (reference stolen). content_type NULL: negotiated ksql JSON. */
int http_reply_json(HttpReq *r, int status, json_t *body, const char *content_type);
/* ksqlDB's generic error: {"@type":"generic_error","error_code":..,"message":..}. */
int http_reply_error(HttpReq *r, int status, int error_code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Plain text (404 "Not Found", 405, ...). */
int http_reply_text(HttpReq *r, int status, const char *text);

/* A streamed response. `next` is called on the connection's thread whenever
 * libmicrohttpd can send: it appends the next piece to `out` and returns 1 (more
 * to come), 0 (the end) or -1 (abort the connection). It may block for a while
 * waiting for data; it should return with nothing appended now and then so a
 * closed client is noticed. `done` is called exactly once when the response
 * ends for any reason (finished, client gone, server stopping). */
typedef struct HttpStream {
    void *ctx;
    int (*next)(void *ctx, StrBuf *out);
    void (*done)(void *ctx);
} HttpStream;
int http_reply_stream(HttpReq *r, int status, const char *content_type, const HttpStream *s);

/* Whether the client of this connection has closed its end (peeks the socket). */
bool http_client_gone(struct MHD_Connection *conn);

/* The server's listener: starts serving on host:port (port 0: any free port).
 * Returns 0 and the bound port, or < 0 with a message in err_msg. */
typedef struct HttpServer HttpServer;
HttpServer *http_start(Server *srv, const char *host, int port, int *bound_port, char *err_msg,
                       size_t err_len);
void http_stop(HttpServer *h);

/* Monotonic microseconds. */
int64_t http_now_us(void);

#endif
