/*
 * client.c - the shell's REST client of eddyd, on libcurl.
 *
 * Four calls: GET /info, POST /ksql (one statement, a JSON array of entities
 * back), POST /query-stream (delimited: a header object line, then one JSON
 * array per row, fed to callbacks as the bytes arrive) and POST /close-query.
 * Streaming runs on curl's multi interface with a short poll so a Ctrl-C
 * (a flag set by the signal handler) is noticed within 100 ms; the push query
 * is then closed with /close-query and the connection dropped. Error bodies
 * (ksqlDB's generic_error / statement_error) are turned into a message and an
 * error code; a server that cannot be reached is a CLIENT_ERR_CONNECT so the
 * shell can say so plainly.
 */
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "shell.h"

struct Client {
    char *url;  /* base URL without trailing slash */
    char *user; /* basic auth, or NULL */
    char *password;
};

static bool curl_ready;

Client *client_new(const char *url, const char *user, const char *password)
{
    if (!curl_ready) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) return NULL;
        curl_ready = true;
    }
    Client *c = calloc(1, sizeof *c);
    client_set_url(c, url);
    c->user = user ? strdup(user) : NULL;
    c->password = password ? strdup(password) : NULL;
    return c;
}

void client_free(Client *c)
{
    if (!c) return;
    free(c->url);
    free(c->user);
    free(c->password);
    free(c);
}

void client_set_url(Client *c, const char *url)
{
    free(c->url);
    size_t n = strlen(url);
    while (n && url[n - 1] == '/')
        n--;
    if (!strstr(url, "://")) {
        /* "host:port" means http */
        c->url = malloc(n + 8);
        memcpy(c->url, "http://", 7);
        memcpy(c->url + 7, url, n);
        c->url[n + 7] = 0;
    } else {
        c->url = strndup(url, n);
    }
}

const char *client_url(const Client *c)
{
    return c->url;
}

/* ---------------------------------------------------------------- errors */

void client_parse_error(const char *body, size_t len, long status, ClientError *err)
{
    err->kind = CLIENT_ERR_HTTP;
    err->status = status;
    err->error_code = 0;
    json_error_t je;
    json_t *j = json_loadb(body, len, 0, &je);
    const char *msg = j ? json_string_value(json_object_get(j, "message")) : NULL;
    if (msg) {
        snprintf(err->message, sizeof err->message, "%s", msg);
        json_t *code = json_object_get(j, "error_code");
        if (json_is_integer(code)) err->error_code = (long)json_integer_value(code);
    } else if (len) {
        int n = len < sizeof err->message ? (int)len : (int)sizeof err->message - 1;
        snprintf(err->message, sizeof err->message, "%.*s", n, body);
        /* one trailing newline is noise */
        size_t l = strlen(err->message);
        while (l && (err->message[l - 1] == '\n' || err->message[l - 1] == '\r'))
            err->message[--l] = 0;
    } else {
        snprintf(err->message, sizeof err->message, "The server answered HTTP %ld", status);
    }
    json_decref(j);
}

static void connect_error(Client *c, CURLcode rc, const char *detail, ClientError *err)
{
    err->kind = CLIENT_ERR_CONNECT;
    err->status = 0;
    err->error_code = 0;
    snprintf(err->message, sizeof err->message, "Could not reach the server at %s: %s", c->url,
             detail && *detail ? detail : curl_easy_strerror(rc));
}

/* ---------------------------------------------------------------- requests */

typedef struct Request {
    CURL *h;
    struct curl_slist *headers;
    char errbuf[CURL_ERROR_SIZE];
    char *body; /* request body (owned) */
} Request;

static size_t collect(char *data, size_t size, size_t n, void *ud)
{
    sb_append((StrBuf *)ud, data, size * n);
    return size * n;
}

/* Prepares a request to path; body NULL means GET. */
static int request_init(Client *c, Request *r, const char *path, char *body, const char *accept)
{
    memset(r, 0, sizeof *r);
    r->h = curl_easy_init();
    if (!r->h) {
        free(body);
        return -1;
    }
    r->body = body;
    char url[4096];
    snprintf(url, sizeof url, "%s%s", c->url, path);
    curl_easy_setopt(r->h, CURLOPT_URL, url);
    curl_easy_setopt(r->h, CURLOPT_ERRORBUFFER, r->errbuf);
    curl_easy_setopt(r->h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(r->h, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
    curl_easy_setopt(r->h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(r->h, CURLOPT_USERAGENT, "eddy-shell/" SHELL_VERSION);
    if (c->user) {
        curl_easy_setopt(r->h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(r->h, CURLOPT_USERNAME, c->user);
        curl_easy_setopt(r->h, CURLOPT_PASSWORD, c->password ? c->password : "");
    }
    char hdr[256];
    snprintf(hdr, sizeof hdr, "Accept: %s", accept);
    r->headers = curl_slist_append(r->headers, hdr);
    if (body) {
        r->headers = curl_slist_append(r->headers, "Content-Type: application/vnd.ksql.v1+json");
        curl_easy_setopt(r->h, CURLOPT_POSTFIELDS, body);
    }
    curl_easy_setopt(r->h, CURLOPT_HTTPHEADER, r->headers);
    return 0;
}

static void request_free(Request *r)
{
    if (r->h) curl_easy_cleanup(r->h);
    curl_slist_free_all(r->headers);
    free(r->body);
}

/* Runs a request to completion; the body goes into resp. Returns the HTTP
 * status, or -1 when there was no answer (err filled). */
static long request_run(Client *c, Request *r, StrBuf *resp, ClientError *err)
{
    curl_easy_setopt(r->h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(r->h, CURLOPT_WRITEDATA, resp);
    CURLcode rc = curl_easy_perform(r->h);
    if (rc != CURLE_OK) {
        connect_error(c, rc, r->errbuf, err);
        return -1;
    }
    long status = 0;
    curl_easy_getinfo(r->h, CURLINFO_RESPONSE_CODE, &status);
    return status;
}

static char *json_body(json_t *o)
{
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return s;
}

int client_info(Client *c, json_t **info, ClientError *err)
{
    Request r;
    *info = NULL;
    memset(err, 0, sizeof *err);
    if (request_init(c, &r, "/info", NULL, "application/json") < 0) {
        connect_error(c, CURLE_FAILED_INIT, NULL, err);
        return -1;
    }
    StrBuf resp = STRBUF_INIT;
    long status = request_run(c, &r, &resp, err);
    int rc = -1;
    if (status >= 400) {
        client_parse_error(sb_cstr(&resp), resp.len, status, err);
    } else if (status > 0) {
        json_t *j = json_loadb(sb_cstr(&resp), resp.len, 0, NULL);
        json_t *si = json_object_get(j, "KsqlServerInfo");
        if (json_is_object(si)) {
            *info = json_incref(si);
            rc = 0;
        } else {
            err->kind = CLIENT_ERR_PROTOCOL;
            snprintf(err->message, sizeof err->message,
                     "The server at %s does not look like eddyd or ksqlDB (GET /info)", c->url);
        }
        json_decref(j);
    }
    sb_free(&resp);
    request_free(&r);
    return rc;
}

int client_ksql(Client *c, const char *sql, const json_t *props, json_t **entities,
                ClientError *err)
{
    Request r;
    *entities = NULL;
    memset(err, 0, sizeof *err);
    json_t *body = json_object();
    json_object_set_new(body, "ksql", json_string(sql));
    json_object_set_new(body, "streamsProperties", props ? json_deep_copy(props) : json_object());
    if (request_init(c, &r, "/ksql", json_body(body), "application/vnd.ksql.v1+json") < 0) {
        connect_error(c, CURLE_FAILED_INIT, NULL, err);
        return -1;
    }
    StrBuf resp = STRBUF_INIT;
    long status = request_run(c, &r, &resp, err);
    int rc = -1;
    if (status >= 300) {
        client_parse_error(sb_cstr(&resp), resp.len, status, err);
    } else if (status > 0) {
        json_error_t je;
        json_t *j = json_loadb(sb_cstr(&resp), resp.len, 0, &je);
        if (json_is_array(j)) {
            *entities = j;
            rc = 0;
        } else {
            json_decref(j);
            err->kind = CLIENT_ERR_PROTOCOL;
            snprintf(err->message, sizeof err->message, "Unexpected answer from the server: %.200s",
                     sb_cstr(&resp));
        }
    }
    sb_free(&resp);
    request_free(&r);
    return rc;
}

int client_close_query(Client *c, const char *query_id, ClientError *err)
{
    Request r;
    memset(err, 0, sizeof *err);
    json_t *body = json_object();
    json_object_set_new(body, "queryId", json_string(query_id));
    if (request_init(c, &r, "/close-query", json_body(body), "application/json") < 0) {
        connect_error(c, CURLE_FAILED_INIT, NULL, err);
        return -1;
    }
    curl_easy_setopt(r.h, CURLOPT_TIMEOUT_MS, 5000L);
    StrBuf resp = STRBUF_INIT;
    long status = request_run(c, &r, &resp, err);
    int rc = 0;
    if (status < 0)
        rc = -1;
    else if (status >= 300) {
        client_parse_error(sb_cstr(&resp), resp.len, status, err);
        rc = -1;
    }
    sb_free(&resp);
    request_free(&r);
    return rc;
}

/* ---------------------------------------------------------------- streaming */

void stream_decoder_init(StreamDecoder *d, const QueryHandler *h, ClientError *err)
{
    memset(d, 0, sizeof *d);
    d->h = h;
    d->err = err;
}

void stream_decoder_free(StreamDecoder *d)
{
    sb_free(&d->pending);
}

static bool is_error_item(const json_t *j)
{
    const char *type = json_string_value(json_object_get(j, "@type"));
    if (type && strstr(type, "error")) return true;
    return json_object_get(j, "error_code") && json_object_get(j, "message");
}

/* Handles one line of the response. */
static int decode_line(StreamDecoder *d, char *line, size_t n)
{
    while (n && (line[n - 1] == '\r' || line[n - 1] == ' '))
        line[--n] = 0;
    char *p = line;
    if (!d->have_header && n >= 2 && p[0] == '[' && p[1] == '{') {
        d->json_array = true; /* application/json framing: [{header},[row],...] */
        p++;
        n--;
    }
    if (d->json_array && n == 1 && p[0] == ']') return 0;
    json_t *j = NULL;
    /* in array framing a line ends with ',' or the closing ']': parse one value */
    size_t flags = JSON_DECODE_ANY | (d->json_array ? JSON_DISABLE_EOF_CHECK : 0);
    if (p[0] == '{' || p[0] == '[') j = json_loadb(p, n, flags, NULL);
    int rc = 0;
    if (json_is_object(j) && is_error_item(j)) {
        client_parse_error(p, n, 0, d->err);
        d->failed = 1;
        rc = -1;
    } else if (json_is_object(j) && !d->have_header && json_object_get(j, "columnNames")) {
        d->have_header = true;
        const char *qid = json_string_value(json_object_get(j, "queryId"));
        if (qid) snprintf(d->query_id, sizeof d->query_id, "%s", qid);
        if (d->h->on_header && d->h->on_header(d->h->ctx, j)) rc = 1;
    } else if (json_is_array(j) && d->have_header) {
        if (d->h->on_row && d->h->on_row(d->h->ctx, j)) rc = 1;
    } else {
        if (d->h->on_text && d->h->on_text(d->h->ctx, p)) rc = 1;
    }
    json_decref(j);
    if (rc == 1) d->stopped = true;
    return rc;
}

int stream_decoder_feed(StreamDecoder *d, const char *data, size_t len)
{
    if (d->failed) return -1;
    if (d->stopped) return 1;
    sb_append(&d->pending, data, len);
    size_t start = 0;
    int rc = 0;
    for (size_t i = 0; i < d->pending.len && rc == 0; i++) {
        if (d->pending.data[i] != '\n') continue;
        d->pending.data[i] = 0;
        rc = decode_line(d, d->pending.data + start, i - start);
        start = i + 1;
    }
    if (start) {
        memmove(d->pending.data, d->pending.data + start, d->pending.len - start);
        d->pending.len -= start;
        d->pending.data[d->pending.len] = 0;
    }
    return rc;
}

int stream_decoder_finish(StreamDecoder *d)
{
    if (d->failed) return -1;
    if (d->stopped) return 1;
    if (!d->pending.len) return 0;
    int rc = decode_line(d, d->pending.data, d->pending.len);
    sb_clear(&d->pending);
    return rc;
}

typedef struct StreamCtx {
    CURL *h;
    StreamDecoder dec;
    StrBuf errbody; /* body of an error status */
    long status;
    int rc; /* what the decoder last said */
} StreamCtx;

static size_t stream_write(char *data, size_t size, size_t n, void *ud)
{
    StreamCtx *s = ud;
    size_t len = size * n;
    if (!s->status) curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &s->status);
    if (s->status >= 300) {
        sb_append(&s->errbody, data, len);
        return len;
    }
    s->rc = stream_decoder_feed(&s->dec, data, len);
    return s->rc == 0 ? len : 0; /* a short count makes curl stop */
}

int client_query_stream(Client *c, const char *sql, const json_t *props, const QueryHandler *h,
                        volatile sig_atomic_t *cancel, ClientError *err)
{
    memset(err, 0, sizeof *err);
    json_t *body = json_object();
    json_object_set_new(body, "sql", json_string(sql));
    json_object_set_new(body, "properties", props ? json_deep_copy(props) : json_object());
    Request r;
    if (request_init(c, &r, "/query-stream", json_body(body),
                     "application/vnd.ksqlapi.delimited.v1") < 0) {
        connect_error(c, CURLE_FAILED_INIT, NULL, err);
        return -1;
    }
    StreamCtx s;
    memset(&s, 0, sizeof s);
    s.h = r.h;
    stream_decoder_init(&s.dec, h, err);
    curl_easy_setopt(r.h, CURLOPT_WRITEFUNCTION, stream_write);
    curl_easy_setopt(r.h, CURLOPT_WRITEDATA, &s);

    CURLM *m = curl_multi_init();
    curl_multi_add_handle(m, r.h);
    int running = 1;
    bool cancelled = false;
    CURLcode result = CURLE_OK;
    while (running) {
        if (cancel && *cancel) {
            cancelled = true;
            break;
        }
        if (curl_multi_perform(m, &running) != CURLM_OK) break;
        if (!running) break;
        curl_multi_poll(m, NULL, 0, 100, NULL);
    }
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(m, &left)))
        if (msg->msg == CURLMSG_DONE) result = msg->data.result;

    int rc;
    if (cancelled || s.rc == 1) {
        /* close the push query on the server, then drop our connection */
        if (s.dec.query_id[0]) {
            ClientError cerr;
            client_close_query(c, s.dec.query_id, &cerr);
        }
        if (cancelled) err->kind = CLIENT_ERR_CANCELLED;
        rc = 1;
    } else if (s.status >= 300) {
        client_parse_error(sb_cstr(&s.errbody), s.errbody.len, s.status, err);
        rc = -1;
    } else if (s.rc < 0) {
        rc = -1; /* an error item; err filled by the decoder */
    } else if (result != CURLE_OK) {
        connect_error(c, result, r.errbuf, err);
        if (s.status) {
            err->kind = CLIENT_ERR_PROTOCOL;
            snprintf(err->message, sizeof err->message, "The query stream broke off: %s",
                     r.errbuf[0] ? r.errbuf : curl_easy_strerror(result));
        }
        rc = -1;
    } else {
        int f = stream_decoder_finish(&s.dec);
        rc = f < 0 ? -1 : 0;
    }
    curl_multi_remove_handle(m, r.h);
    curl_multi_cleanup(m);
    stream_decoder_free(&s.dec);
    sb_free(&s.errbody);
    request_free(&r);
    return rc;
}
