/*
 * config.c - eddyd's properties file and command-line flags (see config.h).
 *
 * The file format is Java's .properties as ksqlDB reads it: `key=value`,
 * `key: value` or `key value`, `#` and `!` comment lines, a trailing backslash
 * continuing a line. Flags override the file; `--set key=value` sets any
 * property. Defaults are ksqlDB's where ksqlDB has one.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/arena.h"
#include "../common/strbuf.h"

static const struct {
    const char *name;
    const char *dflt;
} defaults[] = {
    {"listeners", "http://0.0.0.0:8088"},
    {"ksql.service.id", "default_"},
    {"ksql.streams.state.dir", "./data"},
    {"ksql.query.pull.table.scan.enabled", "true"},
    {"ksql.query.pull.range.scan.enabled", "true"},
    {"ksql.query.pull.stream.enabled", "true"},
    {"ksql.query.pull.limit.clause.enabled", "true"},
    {"ksql.query.pull.max.allowed.offset.lag", "9223372036854775807"},
    {"ksql.max.push.queries", "100"},
    {"ksql.query.pull.timeout.ms", "30000"},
    {"access.control.allow.methods", "GET,POST,HEAD"},
    {"access.control.allow.headers", "X-Requested-With,Content-Type,Accept,Origin"},
    {"eddy.http.max.request.bytes", "10485760"},
    {"eddy.push.buffer.rows", "10000"},
};

void config_usage(FILE *out)
{
    fprintf(out,
            "usage: eddyd [options]\n"
            "\n"
            "eddy's ksqlDB-compatible REST server.\n"
            "\n"
            "options:\n"
            "  --config FILE             read properties from FILE (ksqlDB style)\n"
            "  --listeners URL           where to listen (listeners), default http://0.0.0.0:8088\n"
            "  --bootstrap-servers HOSTS Kafka cluster (bootstrap.servers); none: embedded broker\n"
            "  --state-dir DIR           data directory (ksql.streams.state.dir), default ./data\n"
            "  --service-id ID           service id (ksql.service.id), default default_\n"
            "  --set KEY=VALUE           set any property (repeatable)\n"
            "  --memory                  in-memory topics instead of Kafka (tests, trying out)\n"
            "  --test-endpoints          enable /test/produce and /test/records (conformance runner)\n"
            "  --port-file FILE          write the port listened on to FILE once listening\n"
            "  --quiet                   log only warnings and errors\n"
            "  --help                    this text\n"
            "\n"
            "properties read by eddyd (file or --set):\n"
            "  listeners, bootstrap.servers, ksql.service.id, ksql.streams.state.dir,\n"
            "  ksql.streams.auto.offset.reset, ksql.query.pull.table.scan.enabled,\n"
            "  ksql.query.pull.range.scan.enabled, ksql.query.pull.stream.enabled,\n"
            "  ksql.query.pull.limit.clause.enabled, ksql.max.push.queries,\n"
            "  ksql.query.pull.timeout.ms, access.control.allow.origin,\n"
            "  access.control.allow.methods, access.control.allow.headers,\n"
            "  eddy.http.max.request.bytes, eddy.push.buffer.rows;\n"
            "  other ksql.* and Kafka client properties are passed to the engine.\n");
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s)) s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1])) s[--n] = 0;
    return s;
}

/* Java properties escapes: \t \n \r \f \\ \uXXXX (ASCII only) and \<char>. */
static void unescape(char *s)
{
    char *o = s;
    for (char *p = s; *p; p++) {
        if (*p != '\\' || !p[1]) {
            *o++ = *p;
            continue;
        }
        p++;
        switch (*p) {
        case 't': *o++ = '\t'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 'f': *o++ = '\f'; break;
        case 'u':
            if (isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2]) &&
                isxdigit((unsigned char)p[3]) && isxdigit((unsigned char)p[4])) {
                char hex[5] = {p[1], p[2], p[3], p[4], 0};
                long v = strtol(hex, NULL, 16);
                *o++ = v < 128 ? (char)v : '?';
                p += 4;
            } else {
                *o++ = 'u';
            }
            break;
        default: *o++ = *p;
        }
    }
    *o = 0;
}

int config_load_file(Props *props, const char *path, EddyError *err)
{
    FILE *f = fopen(path, "r");
    if (!f) return err_set(err, ERR_IO, -1, "cannot read config file %s", path);
    StrBuf logical = STRBUF_INIT;
    char line[8192];
    while (fgets(line, sizeof line, f)) {
        size_t n = strlen(line);
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
        char *l = line;
        if (logical.len == 0) {
            l = trim(line);
            if (!*l || *l == '#' || *l == '!') continue;
        } else {
            while (isspace((unsigned char)*l)) l++;
        }
        n = strlen(l);
        /* An odd number of trailing backslashes continues the line. */
        size_t bs = 0;
        while (bs < n && l[n - 1 - bs] == '\\') bs++;
        if (bs % 2 == 1) {
            sb_append(&logical, l, n - 1);
            continue;
        }
        sb_puts(&logical, l);
        char *kv = sb_steal(&logical);
        char *p = kv;
        while (*p && !(*p == '=' || *p == ':' || isspace((unsigned char)*p))) {
            if (*p == '\\' && p[1]) p++;
            p++;
        }
        char *val = p;
        if (*p) {
            char sep = *p;
            *p = 0;
            val = p + 1;
            while (isspace((unsigned char)*val)) val++;
            /* "key = value": the separator comes after blanks */
            if (isspace((unsigned char)sep) && (*val == '=' || *val == ':')) {
                val++;
                while (isspace((unsigned char)*val)) val++;
            }
        }
        char *key = trim(kv);
        unescape(key);
        val = trim(val);
        unescape(val);
        if (*key) props_set(props, key, val);
        free(kv);
    }
    if (logical.len) {
        char *kv = sb_steal(&logical);
        char *eq = strchr(kv, '=');
        if (eq) {
            *eq = 0;
            props_set(props, trim(kv), trim(eq + 1));
        }
        free(kv);
    }
    sb_free(&logical);
    fclose(f);
    return 0;
}

static int parse_listener(ServerConfig *cfg, const char *listeners, EddyError *err)
{
    /* First entry of a comma-separated list: http://HOST:PORT */
    char buf[512];
    snprintf(buf, sizeof buf, "%s", listeners);
    char *comma = strchr(buf, ',');
    if (comma) *comma = 0;
    char *s = trim(buf);
    if (strncmp(s, "http://", 7) == 0) {
        s += 7;
    } else if (strncmp(s, "https://", 8) == 0) {
        return err_set(err, ERR_UNSUPPORTED, -1, "listener %s: https is not supported", s);
    }
    char *slash = strchr(s, '/');
    if (slash) *slash = 0;
    char *colon = strrchr(s, ':');
    if (!colon) return err_set(err, ERR_SYNTAX, -1, "listener %s: expected http://HOST:PORT", listeners);
    *colon = 0;
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535)
        return err_set(err, ERR_SYNTAX, -1, "listener %s: bad port", listeners);
    const char *host = s;
    if (host[0] == '[') {
        host++;
        size_t hl = strlen(host);
        if (hl && host[hl - 1] == ']') ((char *)host)[hl - 1] = 0;
    }
    snprintf(cfg->host, sizeof cfg->host, "%s", *host ? host : "0.0.0.0");
    cfg->port = (int)port;
    return 0;
}

int config_finish(ServerConfig *cfg, EddyError *err)
{
    Props *p = &cfg->props;
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
        if (!props_get(p, defaults[i].name)) props_set(p, defaults[i].name, defaults[i].dflt);
    if (parse_listener(cfg, props_get(p, "listeners"), err) < 0) return err->code;
    cfg->bootstrap = props_get(p, "bootstrap.servers");
    if (cfg->bootstrap && !*cfg->bootstrap) cfg->bootstrap = NULL;
    cfg->state_dir = props_get(p, "ksql.streams.state.dir");
    cfg->service_id = props_get(p, "ksql.service.id");
    cfg->max_body_bytes = props_get_i64(p, "eddy.http.max.request.bytes", 10485760);
    cfg->push_buffer_rows = props_get_i64(p, "eddy.push.buffer.rows", 10000);
    if (cfg->push_buffer_rows < 1) cfg->push_buffer_rows = 1;
    cfg->max_push_queries = props_get_i64(p, "ksql.max.push.queries", 100);
    cfg->pull_timeout_ms = props_get_i64(p, "ksql.query.pull.timeout.ms", 30000);
    cfg->cors_origin = props_get(p, "access.control.allow.origin");
    if (cfg->cors_origin && !*cfg->cors_origin) cfg->cors_origin = NULL;
    cfg->cors_methods = props_get(p, "access.control.allow.methods");
    cfg->cors_headers = props_get(p, "access.control.allow.headers");
    return 0;
}

static int need_arg(int i, int argc, const char *flag, EddyError *err)
{
    if (i + 1 >= argc) return err_set(err, ERR_SYNTAX, -1, "%s needs a value", flag);
    return 0;
}

int config_parse_args(ServerConfig *cfg, int argc, char **argv, EddyError *err)
{
    memset(cfg, 0, sizeof *cfg);
    props_init(&cfg->props);
    Props flags;
    props_init(&flags);
    const char *file = NULL;
    int rc = 0;
    for (int i = 1; i < argc && rc == 0; i++) {
        const char *a = argv[i];
        const char *prop = NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            config_usage(stdout);
            props_free(&flags);
            return 1;
        } else if (strcmp(a, "--config") == 0) {
            if ((rc = need_arg(i, argc, a, err)) < 0) break;
            file = argv[++i];
            continue;
        } else if (strcmp(a, "--listeners") == 0) {
            prop = "listeners";
        } else if (strcmp(a, "--bootstrap-servers") == 0) {
            prop = "bootstrap.servers";
        } else if (strcmp(a, "--state-dir") == 0) {
            prop = "ksql.streams.state.dir";
        } else if (strcmp(a, "--service-id") == 0) {
            prop = "ksql.service.id";
        } else if (strcmp(a, "--set") == 0) {
            if ((rc = need_arg(i, argc, a, err)) < 0) break;
            const char *kv = argv[++i];
            const char *eq = strchr(kv, '=');
            if (!eq || eq == kv) {
                rc = err_set(err, ERR_SYNTAX, -1, "--set expects KEY=VALUE, got %s", kv);
                break;
            }
            char key[512];
            snprintf(key, sizeof key, "%.*s", (int)(eq - kv), kv);
            props_set(&flags, key, eq + 1);
            continue;
        } else if (strcmp(a, "--memory") == 0) {
            cfg->memory_engine = true;
            continue;
        } else if (strcmp(a, "--test-endpoints") == 0) {
            cfg->test_endpoints = true;
            continue;
        } else if (strcmp(a, "--quiet") == 0) {
            cfg->quiet = true;
            continue;
        } else if (strcmp(a, "--port-file") == 0) {
            if ((rc = need_arg(i, argc, a, err)) < 0) break;
            cfg->port_file = argv[++i];
            continue;
        } else {
            rc = err_set(err, ERR_SYNTAX, -1, "unknown option %s (see eddyd --help)", a);
            break;
        }
        if ((rc = need_arg(i, argc, a, err)) < 0) break;
        props_set(&flags, prop, argv[++i]);
    }
    if (rc == 0 && file) rc = config_load_file(&cfg->props, file, err);
    if (rc == 0) {
        props_merge(&cfg->props, &flags);
        rc = config_finish(cfg, err);
    }
    props_free(&flags);
    return rc < 0 ? rc : 0;
}

void config_free(ServerConfig *cfg)
{
    props_free(&cfg->props);
}
