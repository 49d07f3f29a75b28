/*
 * config.h - eddyd's configuration: a ksqlDB-style properties file
 * (`listeners`, `bootstrap.servers`, `ksql.service.id`,
 * `ksql.streams.state.dir`, `access.control.allow.origin`, ...) overlaid with
 * command-line flags. Every property is kept as text in `props` (what
 * SHOW PROPERTIES reports and what the engine reads); the fields below are the
 * values eddyd itself needs, parsed once.
 */
#ifndef EDDY_CONFIG_H
#define EDDY_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../common/error.h"
#include "../common/props.h"

typedef struct ServerConfig {
    Props props;               /* every property, file then flags */
    char host[256];            /* from `listeners` (first entry) */
    int port;                  /* 0: pick a free port (tests) */
    const char *bootstrap;     /* bootstrap.servers, or NULL: embedded broker */
    const char *state_dir;     /* ksql.streams.state.dir */
    const char *service_id;    /* ksql.service.id */
    bool memory_engine;        /* --memory: in-memory topics, no Kafka (tests) */
    bool test_endpoints;       /* --test-endpoints: the conformance runner endpoints */
    int64_t max_body_bytes;    /* eddy.http.max.request.bytes */
    int64_t push_buffer_rows;  /* eddy.push.buffer.rows: per push query */
    int64_t max_push_queries;  /* ksql.max.push.queries */
    int64_t pull_timeout_ms;   /* ksql.query.pull.timeout.ms (stream pull reading) */
    const char *cors_origin;   /* access.control.allow.origin, or NULL */
    const char *cors_methods;  /* access.control.allow.methods */
    const char *cors_headers;  /* access.control.allow.headers */
    const char *port_file;     /* --port-file: write the bound port there (tests) */
    bool quiet;                /* --quiet: log warnings and errors only */
} ServerConfig;

/* Fills cfg from the command line (and the --config file it names). Returns 0,
 * 1 when --help was printed (the caller exits 0), or < 0 with err set. */
int config_parse_args(ServerConfig *cfg, int argc, char **argv, EddyError *err);

/* Reads a properties file (key=value or key: value, # and ! comments, line
 * continuations) into props. Returns 0 or ERR_IO / ERR_SYNTAX with err set. */
int config_load_file(Props *props, const char *path, EddyError *err);

/* Derives the typed fields from cfg->props. */
int config_finish(ServerConfig *cfg, EddyError *err);

/* Prints the flags and the properties eddyd reads. */
void config_usage(FILE *out);

void config_free(ServerConfig *cfg);

#endif
