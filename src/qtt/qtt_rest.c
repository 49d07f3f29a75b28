/*
 * qtt_rest.c - RQTT cases over HTTP against a real eddyd (see qtt_rest.h).
 *
 * Each case gets a fresh eddyd process (its own data directory, a free port
 * reported through --port-file, the /test endpoints to write inputs and read
 * topics back), so cases cannot leak into each other and a crash fails one case
 * only. The protocol is upstream's RestTestExecutor's: statements before the
 * first SELECT go to /ksql as one request, the inputs are written, then each
 * query goes to /query and its streamed array is matched against the expected
 * `query` response.
 */
#include "qtt_rest.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../common/arena.h"

/* ---------------------------------------------------------------- eddyd */

typedef struct Eddyd {
    pid_t pid;
    int port;
    char dir[512];
} Eddyd;

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void rm_rf(const char *dir)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) { /* best effort */
    }
}

static int eddyd_start(Eddyd *d, const QttRestConfig *cfg, StrBuf *reason)
{
    static int counter;
    snprintf(d->dir, sizeof d->dir, "%s/rest-%d-%d", cfg->state_root, (int)getpid(), counter++);
    rm_rf(d->dir);
    mkdir(d->dir, 0700);
    char data[600], portfile[600], logfile[600];
    snprintf(data, sizeof data, "%s/data", d->dir);
    snprintf(portfile, sizeof portfile, "%s/port", d->dir);
    snprintf(logfile, sizeof logfile, "%s/eddyd.log", d->dir);
    pid_t pid = fork();
    if (pid < 0) {
        sb_printf(reason, "fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        FILE *lf = freopen(logfile, "w", stderr);
        (void)lf;
        const char *argv[16];
        int n = 0;
        argv[n++] = cfg->eddyd;
        argv[n++] = "--listeners";
        argv[n++] = "http://127.0.0.1:0";
        argv[n++] = "--state-dir";
        argv[n++] = data;
        argv[n++] = "--port-file";
        argv[n++] = portfile;
        argv[n++] = "--test-endpoints";
        argv[n++] = "--quiet";
        if (!cfg->kafka) argv[n++] = "--memory";
        argv[n] = NULL;
        execv(cfg->eddyd, (char *const *)argv);
        _exit(127);
    }
    d->pid = pid;
    for (int i = 0; i < 400; i++) {
        FILE *f = fopen(portfile, "r");
        if (f) {
            int port = 0;
            if (fscanf(f, "%d", &port) == 1 && port > 0) {
                fclose(f);
                d->port = port;
                return 0;
            }
            fclose(f);
        }
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid) {
            d->pid = 0;
            sb_printf(reason, "eddyd exited at start (see %s)", logfile);
            return -1;
        }
        sleep_ms(25);
    }
    sb_puts(reason, "eddyd did not start listening in 10 s");
    return -1;
}

/* Stops eddyd. Returns false when it had crashed. */
static bool eddyd_stop(Eddyd *d, StrBuf *crash)
{
    bool ok = true;
    if (d->pid > 0) {
        int st = 0;
        if (waitpid(d->pid, &st, WNOHANG) == d->pid) {
            if (WIFSIGNALED(st)) {
                ok = false;
                if (crash) sb_printf(crash, "eddyd died with signal %d", WTERMSIG(st));
            }
        } else {
            kill(d->pid, SIGTERM);
            int i;
            for (i = 0; i < 200; i++) {
                if (waitpid(d->pid, &st, WNOHANG) == d->pid) break;
                sleep_ms(25);
            }
            if (i == 200) {
                kill(d->pid, SIGKILL);
                waitpid(d->pid, &st, 0);
            } else if (WIFSIGNALED(st) && WTERMSIG(st) != SIGTERM) {
                ok = false;
                if (crash) sb_printf(crash, "eddyd died with signal %d", WTERMSIG(st));
            }
        }
        d->pid = 0;
    }
    if (ok) rm_rf(d->dir);
    return ok;
}

/* ---------------------------------------------------------------- HTTP */

typedef struct Resp {
    long status;
    StrBuf body;
    int want_rows; /* stop reading after this many rows (-1: read to the end) */
    volatile int header_seen;
} Resp;

static int count_rows(const StrBuf *b)
{
    int n = 0;
    const char *p = b->data;
    while (p && (p = strstr(p, "{\"row\":")) != NULL) {
        n++;
        p += 7;
    }
    return n;
}

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
    Resp *r = ud;
    sb_append(&r->body, ptr, size * nmemb);
    if (!r->header_seen && strstr(r->body.data, "\"header\"")) r->header_seen = 1;
    if (r->want_rows >= 0 && count_rows(&r->body) >= r->want_rows) {
        /* Enough rows and nothing more is expected: hang up. */
        return 0;
    }
    return size * nmemb;
}

static int http_post(int port, const char *path, const char *body, long timeout_ms, Resp *r)
{
    CURL *c = curl_easy_init();
    if (!c) return -1;
    char url[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    struct curl_slist *h = NULL;
    h = curl_slist_append(h, "Content-Type: application/vnd.ksql.v1+json");
    h = curl_slist_append(h, "Accept: application/vnd.ksql.v1+json");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (!r->body.data) sb_puts(&r->body, "");
    CURLcode rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    if (rc != CURLE_OK && rc != CURLE_OPERATION_TIMEDOUT && rc != CURLE_WRITE_ERROR) return -1;
    return 0;
}

/* ---------------------------------------------------------------- matching */

static bool num_of(const json_t *j, double *d)
{
    if (json_is_integer(j)) {
        *d = (double)json_integer_value(j);
        return true;
    }
    if (json_is_real(j)) {
        *d = json_real_value(j);
        return true;
    }
    return false;
}

static bool str_match(const char *exp, const char *act, const char *stmt)
{
    const char *m = strstr(exp, "{STATEMENT}");
    if (!m || !stmt) return strcmp(exp, act) == 0;
    StrBuf sb = STRBUF_INIT;
    sb_append(&sb, exp, (size_t)(m - exp));
    sb_puts(&sb, stmt);
    sb_puts(&sb, m + strlen("{STATEMENT}"));
    bool ok = strcmp(sb_cstr(&sb), act) == 0;
    sb_free(&sb);
    return ok;
}

/* Partial match: only keys present in exp are checked, recursively. */
static bool pmatch(const json_t *exp, const json_t *act, const char *stmt)
{
    if (json_is_object(exp)) {
        if (!json_is_object(act)) return false;
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)exp, k, v)
        {
            char key[256];
            snprintf(key, sizeof key, "%s", k);
            char *bar = strchr(key, '|');
            const char *op = NULL;
            if (bar) {
                *bar = 0;
                op = bar + 1;
            }
            json_t *a = json_object_get(act, key);
            if (op && strcasecmp(op, "starts_with") == 0) {
                if (!json_is_string(a) || !json_is_string(v)) return false;
                if (strncmp(json_string_value(a), json_string_value(v),
                            strlen(json_string_value(v))) != 0)
                    return false;
                continue;
            }
            if (!a) {
                if (json_is_null(v)) continue;
                return false;
            }
            if (!pmatch(v, a, stmt)) return false;
        }
        return true;
    }
    if (json_is_array(exp)) {
        if (!json_is_array(act) || json_array_size(exp) != json_array_size(act)) return false;
        for (size_t i = 0; i < json_array_size(exp); i++)
            if (!pmatch(json_array_get(exp, i), json_array_get(act, i), stmt)) return false;
        return true;
    }
    double a, b;
    if (num_of(exp, &a)) {
        if (!num_of(act, &b)) {
            /* Decimals may be expected as numbers and written exactly. */
            return false;
        }
        if (json_is_integer(exp) && json_is_integer(act))
            return json_integer_value(exp) == json_integer_value(act);
        return fabs(a - b) <= 1e-6 * fmax(1.0, fabs(a));
    }
    if (json_is_string(exp))
        return json_is_string(act) &&
               str_match(json_string_value(exp), json_string_value(act), stmt);
    if (json_is_null(exp)) return !act || json_is_null(act);
    if (json_is_boolean(exp)) return json_is_boolean(act) && json_is_true(exp) == json_is_true(act);
    return json_equal((json_t *)exp, (json_t *)act);
}

/* Record comparison (outputs): exact field counts, names as written or upper-cased. */
static bool rmatch(const json_t *exp, const json_t *act)
{
    if (json_is_object(exp)) {
        if (!json_is_object(act) || json_object_size(exp) != json_object_size(act)) return false;
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)exp, k, v)
        {
            json_t *a = json_object_get(act, k);
            if (!a) {
                char up[256];
                snprintf(up, sizeof up, "%s", k);
                for (char *p = up; *p; p++)
                    *p = (char)((*p >= 'a' && *p <= 'z') ? *p - 32 : *p);
                a = json_object_get(act, up);
            }
            if (!a || !rmatch(v, a)) return false;
        }
        return true;
    }
    if (json_is_array(exp)) {
        if (!json_is_array(act) || json_array_size(exp) != json_array_size(act)) return false;
        for (size_t i = 0; i < json_array_size(exp); i++)
            if (!rmatch(json_array_get(exp, i), json_array_get(act, i))) return false;
        return true;
    }
    if (json_is_string(exp) && (json_is_integer(act) || json_is_real(act))) {
        /* Decimals expected as strings. */
        double d = strtod(json_string_value(exp), NULL), b = 0;
        num_of(act, &b);
        return fabs(d - b) <= 1e-9;
    }
    return pmatch(exp, act, NULL);
}

static json_t *parse_array(const StrBuf *b)
{
    json_error_t je;
    json_t *j = json_loadb(b->data ? b->data : "", b->len, 0, &je);
    if (j) return j;
    /* A stream cut short: close the array after the last complete element. */
    StrBuf t = STRBUF_INIT;
    sb_append(&t, b->data ? b->data : "", b->len);
    while (t.len > 0) {
        char *last = NULL;
        for (size_t i = t.len; i > 0; i--)
            if (t.data[i - 1] == '\n') {
                last = &t.data[i - 1];
                break;
            }
        if (!last) break;
        t.len = (size_t)(last - t.data);
        while (t.len && (t.data[t.len - 1] == ',' || t.data[t.len - 1] == '\n'))
            t.len--;
        t.data[t.len] = 0;
        StrBuf u = STRBUF_INIT;
        sb_append(&u, t.data, t.len);
        sb_puts(&u, "]");
        j = json_loadb(u.data, u.len, 0, &je);
        sb_free(&u);
        if (j) break;
    }
    sb_free(&t);
    return j;
}

static bool query_match(const json_t *exp, const json_t *act, bool ordered, const char *stmt,
                        StrBuf *why)
{
    if (!json_is_array(act)) {
        sb_puts(why, "response is not a JSON array");
        return false;
    }
    size_t ne = json_array_size(exp), na = json_array_size(act);
    if (ne != na) {
        sb_printf(why, "expected %zu elements, got %zu", ne, na);
        return false;
    }
    bool *used = calloc(na + 1, 1);
    bool ok = true;
    for (size_t i = 0; i < ne && ok; i++) {
        json_t *e = json_array_get(exp, i);
        bool is_row = json_object_get(e, "row") != NULL;
        if (!is_row || ordered) {
            if (!pmatch(e, json_array_get(act, i), stmt)) {
                char *a = json_dumps(json_array_get(act, i), JSON_COMPACT);
                char *x = json_dumps(e, JSON_COMPACT);
                sb_printf(why, "element %zu: expected %s got %s", i, x, a);
                free(a);
                free(x);
                ok = false;
            }
            used[i] = true;
            continue;
        }
        bool found = false;
        for (size_t j = 0; j < na && !found; j++) {
            json_t *a = json_array_get(act, j);
            if (used[j] || !json_object_get(a, "row")) continue;
            if (pmatch(e, a, stmt)) {
                used[j] = true;
                found = true;
            }
        }
        if (!found) {
            char *x = json_dumps(e, JSON_COMPACT);
            char *a = json_dumps(act, JSON_COMPACT);
            sb_printf(why, "no row matches %s in %.600s", x, a);
            free(x);
            free(a);
            ok = false;
        }
    }
    free(used);
    return ok;
}

/* ---------------------------------------------------------------- a case */

static bool starts_select(const char *s)
{
    while (*s == ' ' || *s == '\n' || *s == '\t')
        s++;
    return strncasecmp(s, "SELECT ", 7) == 0 || strncasecmp(s, "SELECT\n", 7) == 0;
}

static bool needs_sr(const QttCase *tc)
{
    static const char *const bad[] = {"AVRO",      "PROTOBUF",         "JSON_SR",
                                      "SCHEMA_ID", "SCHEMA_FULL_NAME", NULL};
    for (int i = 0; i < tc->nstatements; i++)
        for (int b = 0; bad[b]; b++)
            if (strcasestr(tc->statements[i], bad[b])) return true;
    if (tc->format &&
        (strcasecmp(tc->format, "AVRO") == 0 || strncasecmp(tc->format, "PROTOBUF", 8) == 0 ||
         strcasecmp(tc->format, "JSON_SR") == 0))
        return true;
    return false;
}

static bool error_matches(const json_t *exp, long status, const json_t *body, const char *stmt,
                          StrBuf *why)
{
    json_t *st = json_object_get(exp, "status");
    if (st && json_integer_value(st) != status) {
        sb_printf(why, "expected status %lld, got %ld", (long long)json_integer_value(st), status);
        return false;
    }
    const char *type = json_string_value(json_object_get(exp, "type"));
    const char *atype = json_string_value(json_object_get(body, "@type"));
    if (type && strstr(type, "KsqlStatementErrorMessage")) {
        if (!atype || strcmp(atype, "statement_error") != 0) {
            sb_printf(why, "expected a statement_error, got %s", atype ? atype : "(none)");
            return false;
        }
        const char *text = json_string_value(json_object_get(body, "statementText"));
        if (stmt && (!text || !strstr(text, stmt))) {
            /* The failing statement's text. */
            char trimmed[4096];
            snprintf(trimmed, sizeof trimmed, "%s", stmt);
            size_t l = strlen(trimmed);
            while (l && (trimmed[l - 1] == ';' || trimmed[l - 1] == ' '))
                trimmed[--l] = 0;
            if (!text || !strstr(text, trimmed)) {
                sb_printf(why, "statementText %s does not contain the statement",
                          text ? text : "(none)");
                return false;
            }
        }
    }
    const char *msg = json_string_value(json_object_get(exp, "message"));
    const char *amsg = json_string_value(json_object_get(body, "message"));
    if (msg && (!amsg || !strstr(amsg, msg))) {
        sb_printf(why, "expected message containing \"%s\", got \"%s\"", msg,
                  amsg ? amsg : "(none)");
        return false;
    }
    return true;
}

typedef struct QueryThread {
    int port;
    char *body;
    long timeout_ms;
    Resp resp;
    int rc;
} QueryThread;

static void *query_thread(void *arg)
{
    QueryThread *qt = arg;
    qt->rc = http_post(qt->port, "/query", qt->body, qt->timeout_ms, &qt->resp);
    return NULL;
}

/* The value of `WITH (... name = <value> ...)` in a statement: a quoted string's
 * contents or a number's digits, into out. false when absent. */
static bool with_value(const char *stmt, const char *name, char *out, size_t cap)
{
    size_t nl = strlen(name);
    for (const char *p = stmt; (p = strcasestr(p, name)) != NULL; p += nl) {
        if (p > stmt && (isalnum((unsigned char)p[-1]) || p[-1] == '_')) continue;
        const char *q = p + nl;
        while (isspace((unsigned char)*q))
            q++;
        if (*q != '=') continue;
        q++;
        while (isspace((unsigned char)*q))
            q++;
        size_t n = 0;
        if (*q == '\'') {
            for (q++; *q && *q != '\'' && n + 1 < cap; q++)
                out[n++] = *q;
        } else {
            for (; isdigit((unsigned char)*q) && n + 1 < cap; q++)
                out[n++] = *q;
        }
        out[n] = 0;
        return n > 0;
    }
    return false;
}

/* Creates the case's topics before its statements run, as upstream's harness
 * does: those listed under `topics` (1 partition unless given), then those the
 * CREATE statements name, with their PARTITIONS or the harness's default of 4.
 * Sinks of CREATE ... AS SELECT are left to their queries. */
static int create_topics(int port, const QttCase *tc, StrBuf *reason)
{
    json_t *list = json_array();
    size_t i;
    json_t *t;
    json_array_foreach(tc->topics, i, t)
    {
        const char *name = json_string_value(json_object_get(t, "name"));
        if (!name) continue;
        json_t *p = json_object_get(t, "partitions");
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(name));
        json_object_set_new(o, "partitions", json_integer(p ? json_integer_value(p) : 1));
        json_array_append_new(list, o);
    }
    for (int k = 0; k < tc->nstatements; k++) {
        const char *st = tc->statements[k];
        while (isspace((unsigned char)*st))
            st++;
        if (strncasecmp(st, "CREATE", 6) != 0 || strcasestr(st, " AS SELECT") ||
            strcasestr(st, "\nAS SELECT"))
            continue;
        char name[256], parts[16];
        if (!with_value(st, "KAFKA_TOPIC", name, sizeof name)) continue;
        bool listed = false;
        json_array_foreach(list, i, t) listed =
            listed || strcmp(json_string_value(json_object_get(t, "name")), name) == 0;
        if (listed) continue;
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(name));
        json_object_set_new(
            o, "partitions",
            json_integer(with_value(st, "PARTITIONS", parts, sizeof parts) ? atoi(parts) : 4));
        json_array_append_new(list, o);
    }
    if (json_array_size(list) == 0) {
        json_decref(list);
        return 0;
    }
    json_t *o = json_object();
    json_object_set_new(o, "topics", list);
    char *body = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    Resp r = {0};
    r.want_rows = -1;
    int rc = http_post(port, "/test/topics", body, 30000, &r);
    free(body);
    if (rc < 0 || r.status != 200) {
        sb_printf(reason, "creating topics failed (%ld): %.300s", r.status, sb_cstr(&r.body));
        sb_free(&r.body);
        return -1;
    }
    sb_free(&r.body);
    return 0;
}

static int produce_inputs(int port, const QttCase *tc, StrBuf *reason)
{
    if (!tc->inputs || json_array_size(tc->inputs) == 0) return 0;
    json_t *o = json_object();
    json_object_set(o, "records", tc->inputs);
    char *body = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    Resp r = {0};
    r.want_rows = -1;
    int rc = http_post(port, "/test/produce", body, 30000, &r);
    free(body);
    if (rc < 0 || r.status != 200) {
        sb_printf(reason, "writing inputs failed (%ld): %.300s", r.status, sb_cstr(&r.body));
        sb_free(&r.body);
        return -1;
    }
    sb_free(&r.body);
    return 0;
}

static int expected_rows(const json_t *list)
{
    int n = 0;
    size_t i;
    json_t *e;
    json_array_foreach((json_t *)list, i, e) if (json_object_get(e, "row")) n++;
    return n;
}

static bool has_final(const json_t *list)
{
    size_t i;
    json_t *e;
    json_array_foreach((json_t *)list, i, e) if (json_object_get(e, "finalMessage") ||
                                                 json_object_get(e, "errorMessage")) return true;
    return false;
}

static QttVerdict run_case(const QttCase *tc, Eddyd *d, const QttRestConfig *cfg, StrBuf *reason)
{
    (void)cfg;
    int nadmin = 0;
    while (nadmin < tc->nstatements && !starts_select(tc->statements[nadmin]))
        nadmin++;
    json_t *props = tc->properties ? json_deep_copy(tc->properties) : json_object();
    const json_t *responses = tc->responses;
    size_t ri = 0;
    bool expect_error = tc->expected_error != NULL;
    const char *last_stmt = tc->nstatements ? tc->statements[tc->nstatements - 1] : NULL;
    QttVerdict v = QTT_PASS;
    if (create_topics(d->port, tc, reason) < 0) {
        json_decref(props);
        return QTT_FAIL;
    }
    /* 1. admin statements, as one request */
    if (nadmin > 0) {
        StrBuf sql = STRBUF_INIT;
        for (int i = 0; i < nadmin; i++) {
            if (i) sb_putc(&sql, '\n');
            sb_puts(&sql, tc->statements[i]);
        }
        json_t *req = json_object();
        json_object_set_new(req, "ksql", json_string(sb_cstr(&sql)));
        json_object_set(req, "streamsProperties", props);
        char *body = json_dumps(req, JSON_COMPACT);
        json_decref(req);
        sb_free(&sql);
        Resp r = {0};
        r.want_rows = -1;
        int rc = http_post(d->port, "/ksql", body, 60000, &r);
        free(body);
        json_error_t je;
        json_t *ents = rc == 0 ? json_loadb(r.body.data, r.body.len, 0, &je) : NULL;
        if (rc < 0 || !ents) {
            sb_printf(reason, "/ksql failed (%ld): %.300s", r.status, sb_cstr(&r.body));
            v = QTT_FAIL;
        } else if (r.status != 200) {
            if (expect_error && nadmin == tc->nstatements) {
                StrBuf why = STRBUF_INIT;
                if (!error_matches(tc->expected_error, r.status, ents, last_stmt, &why)) {
                    sb_printf(reason, "%s", sb_cstr(&why));
                    v = QTT_FAIL;
                }
                sb_free(&why);
                json_decref(ents);
                sb_free(&r.body);
                json_decref(props);
                return v;
            }
            sb_printf(reason, "/ksql answered %ld: %.400s", r.status, sb_cstr(&r.body));
            v = QTT_FAIL;
        } else {
            if (expect_error && nadmin == tc->nstatements) {
                sb_puts(reason, "expected an error, the statements succeeded");
                v = QTT_FAIL;
            }
            for (size_t i = 0; v == QTT_PASS && i < json_array_size(ents); i++) {
                const json_t *er = json_array_get(responses, ri);
                const json_t *admin = json_object_get(er, "admin");
                if (!admin) break;
                ri++;
                if (!pmatch(admin, json_array_get(ents, i),
                            tc->statements[i < (size_t)nadmin ? i : 0])) {
                    char *a = json_dumps(json_array_get(ents, i), JSON_COMPACT);
                    char *x = json_dumps(admin, JSON_COMPACT);
                    sb_printf(reason, "admin response %zu: expected %s got %.400s", i, x, a);
                    free(a);
                    free(x);
                    v = QTT_FAIL;
                }
            }
        }
        json_decref(ents);
        sb_free(&r.body);
        if (v != QTT_PASS) {
            json_decref(props);
            return v;
        }
    }
    bool wait_push = tc->input_conditions &&
                     json_is_true(json_object_get(tc->input_conditions, "waitForActivePushQuery"));
    if (!wait_push && produce_inputs(d->port, tc, reason) < 0) {
        json_decref(props);
        return QTT_FAIL;
    }
    bool ordered = tc->output_conditions &&
                   json_is_true(json_object_get(tc->output_conditions, "verifyOrder"));
    /* 2. queries */
    for (int qi = nadmin; qi < tc->nstatements && v == QTT_PASS; qi++) {
        const char *stmt = tc->statements[qi];
        bool last = qi == tc->nstatements - 1;
        const json_t *exp = NULL;
        while (ri < json_array_size(responses)) {
            const json_t *er = json_array_get(responses, ri++);
            exp = json_object_get(er, "query");
            if (exp) break;
        }
        json_t *qp = json_deep_copy(props);
        if (!json_object_get(qp, "auto.offset.reset"))
            json_object_set_new(qp, "auto.offset.reset", json_string("earliest"));
        json_t *req = json_object();
        json_object_set_new(req, "ksql", json_string(stmt));
        json_object_set_new(req, "streamsProperties", qp);
        QueryThread qt;
        memset(&qt, 0, sizeof qt);
        qt.port = d->port;
        qt.body = json_dumps(req, JSON_COMPACT);
        json_decref(req);
        bool push =
            strcasestr(stmt, "EMIT CHANGES") != NULL || strcasestr(stmt, "EMIT FINAL") != NULL;
        qt.resp.want_rows = (exp && push && !has_final(exp)) ? expected_rows(exp) : -1;
        qt.timeout_ms = push ? (cfg->kafka ? 8000 : 3000) : 30000;
        if (push && exp && !has_final(exp) && qt.resp.want_rows == 0)
            qt.timeout_ms = cfg->kafka ? 3000 : 500;
        pthread_t th;
        pthread_create(&th, NULL, query_thread, &qt);
        if (wait_push) {
            for (int i = 0; i < 400 && !qt.resp.header_seen; i++)
                sleep_ms(25);
            if (produce_inputs(d->port, tc, reason) < 0) v = QTT_FAIL;
            wait_push = false;
        }
        pthread_join(th, NULL);
        free(qt.body);
        if (v != QTT_PASS) {
            sb_free(&qt.resp.body);
            break;
        }
        if (qt.rc < 0) {
            sb_printf(reason, "query %d: HTTP request failed", qi - nadmin);
            v = QTT_FAIL;
        } else if (qt.resp.status != 200) {
            json_error_t je;
            json_t *eb = json_loadb(qt.resp.body.data, qt.resp.body.len, 0, &je);
            if (expect_error && last) {
                StrBuf why = STRBUF_INIT;
                if (!error_matches(tc->expected_error, qt.resp.status, eb, stmt, &why)) {
                    sb_printf(reason, "%s", sb_cstr(&why));
                    v = QTT_FAIL;
                }
                sb_free(&why);
            } else {
                sb_printf(reason, "query %d answered %ld: %.400s", qi - nadmin, qt.resp.status,
                          sb_cstr(&qt.resp.body));
                v = QTT_FAIL;
            }
            json_decref(eb);
        } else if (expect_error && last) {
            sb_printf(reason, "expected an error, the query succeeded: %.300s",
                      sb_cstr(&qt.resp.body));
            v = QTT_FAIL;
        } else if (exp) {
            json_t *act = parse_array(&qt.resp.body);
            StrBuf why = STRBUF_INIT;
            if (!act || !query_match(exp, act, ordered, stmt, &why)) {
                sb_printf(reason, "query %d: %s%s", qi - nadmin, act ? "" : "unreadable response: ",
                          act ? sb_cstr(&why) : sb_cstr(&qt.resp.body));
                v = QTT_FAIL;
            }
            sb_free(&why);
            json_decref(act);
        }
        sb_free(&qt.resp.body);
    }
    if (wait_push && v == QTT_PASS && produce_inputs(d->port, tc, reason) < 0) v = QTT_FAIL;
    /* 3. outputs */
    if (v == QTT_PASS && tc->outputs && json_array_size(tc->outputs) > 0) {
        json_t *topics = json_array();
        size_t i;
        json_t *o;
        json_array_foreach(tc->outputs, i, o)
        {
            const char *t = json_string_value(json_object_get(o, "topic"));
            bool seen = false;
            for (size_t k = 0; k < json_array_size(topics); k++)
                if (strcmp(json_string_value(json_array_get(topics, k)), t) == 0) seen = true;
            if (!seen) json_array_append_new(topics, json_string(t));
        }
        for (size_t k = 0; k < json_array_size(topics) && v == QTT_PASS; k++) {
            const char *t = json_string_value(json_array_get(topics, k));
            json_t *req = json_object();
            json_object_set_new(req, "topic", json_string(t));
            char *body = json_dumps(req, JSON_COMPACT);
            json_decref(req);
            Resp r = {0};
            r.want_rows = -1;
            int rc = http_post(d->port, "/test/records", body, 30000, &r);
            free(body);
            json_error_t je;
            json_t *recs = rc == 0 ? json_loadb(r.body.data, r.body.len, 0, &je) : NULL;
            size_t n = 0;
            json_array_foreach(tc->outputs, i, o)
            {
                if (strcmp(json_string_value(json_object_get(o, "topic")), t) != 0) continue;
                json_t *a = json_array_get(recs, n++);
                bool ok = a && rmatch(json_object_get(o, "value"), json_object_get(a, "value"));
                json_t *ek = json_object_get(o, "key");
                if (ok && ek) ok = rmatch(ek, json_object_get(a, "key"));
                json_t *ts = json_object_get(o, "timestamp");
                if (ok && ts && json_integer_value(ts) != 0)
                    ok = json_integer_value(ts) ==
                         json_integer_value(json_object_get(a, "timestamp"));
                if (!ok) {
                    char *x = json_dumps(o, JSON_COMPACT);
                    char *y = a ? json_dumps(a, JSON_COMPACT) : NULL;
                    sb_printf(reason, "topic %s record %zu: expected %s got %s", t, n - 1, x,
                              y ? y : "(none)");
                    free(x);
                    free(y);
                    v = QTT_FAIL;
                    break;
                }
            }
            if (v == QTT_PASS && json_array_size(recs) != n) {
                sb_printf(reason, "topic %s: expected %zu records, got %zu", t, n,
                          json_array_size(recs));
                v = QTT_FAIL;
            }
            json_decref(recs);
            sb_free(&r.body);
        }
        json_decref(topics);
    }
    json_decref(props);
    return v;
}

QttVerdict qtt_rest_case_run(const QttCase *tc, const QttRestConfig *cfg, StrBuf *reason)
{
    if (!tc->enabled) {
        sb_puts(reason, "disabled");
        return QTT_SKIP;
    }
    if (needs_sr(tc)) {
        sb_puts(reason, "needs a schema registry");
        return QTT_SKIP;
    }
    if (tc->test && json_is_true(json_object_get(tc->test, "testPullWithProtoFormat"))) {
        sb_puts(reason, "protobuf query responses are not supported");
        return QTT_SKIP;
    }
    static bool curl_ready;
    if (!curl_ready) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        curl_ready = true;
    }
    Eddyd d;
    memset(&d, 0, sizeof d);
    if (eddyd_start(&d, cfg, reason) < 0) {
        eddyd_stop(&d, NULL);
        return QTT_FAIL;
    }
    QttVerdict v = run_case(tc, &d, cfg, reason);
    StrBuf crash = STRBUF_INIT;
    if (!eddyd_stop(&d, &crash)) {
        sb_clear(reason);
        sb_printf(reason, "%s (data kept in %s)", sb_cstr(&crash), d.dir);
        v = QTT_FAIL;
    }
    sb_free(&crash);
    for (char *p = reason->data; p && *p; p++)
        if (*p == '\n' || *p == '\t') *p = ' ';
    return v;
}
