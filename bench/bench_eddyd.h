/*
 * bench_eddyd.h - an eddyd process under benchmark: started against a broker of its
 * own process, timed until its REST API answers, driven with POST /ksql, and
 * measured through /proc (CPU time, RSS).
 */
#ifndef EDDY_BENCH_EDDYD_H
#define EDDY_BENCH_EDDYD_H

#include <jansson.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct Eddyd {
    pid_t pid;
    char url[128];       /* http://127.0.0.1:PORT */
    char state_dir[512]; /* removed by eddyd_stop */
    double startup_ms;   /* exec -> GET /info answered */
    char service_id[64]; /* ksql.service.id, new for every start: each eddyd has
                            its own command topic and consumer groups */
} Eddyd;

/* Starts `binary` (eddyd) with a fresh state directory under work_dir, the given
 * bootstrap servers and eddy-broker control endpoint, listening on a free port, with
 * extra_args (NULL-terminated, may be NULL) appended to its command line;
 * stderr goes to log_path. Waits up to 20 s for GET /info to answer. Returns 0, or -1
 * with err filled. */
int eddyd_start(const char *binary, const char *work_dir, const char *bootstrap,
                const char *control, const char *const *extra_args, const char *log_path, Eddyd *d,
                char *err, size_t errsz);

/* POST /ksql with the statements and streamsProperties
 * {"ksql.streams.auto.offset.reset": "earliest"}. Returns 0 with the response
 * entities in *out (caller decrefs), or -1 with err filled (HTTP errors included,
 * with the message eddyd gave). */
int eddyd_ksql(const Eddyd *d, const char *sql, json_t **out, char *err, size_t errsz);

/* The query id a CREATE ... AS SELECT response names, or NULL (borrowed from resp). */
const char *eddyd_query_id(json_t *resp);

/* SIGTERM, wait (SIGKILL after 3 s), remove the state directory. */
void eddyd_stop(Eddyd *d);

#endif
