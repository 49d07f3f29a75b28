/*
 * server.h - what eddyd's parts share: the server context (configuration,
 * engine, executor, command log, metrics, the live push queries) and the
 * endpoint families the HTTP layer routes to. Internal to src/server/.
 */
#ifndef EDDY_SERVER_H
#define EDDY_SERVER_H

#include <pthread.h>
#include <stdbool.h>

#include "../runtime/engine.h"
#include "command_log.h"
#include "config.h"
#include "executor.h"
#include "http.h"
#include "metrics.h"

typedef struct PushClient PushClient;

struct Server {
    ServerConfig *cfg;
    Engine *engine;
    Executor *exec;
    CommandLog *clog;
    Metrics *metrics;
    HttpServer *http;
    int port;            /* bound port */
    char host_port[300]; /* "host:port" as /clusterStatus names us */
    char kafka_cluster_id[128];
    char bootstrap[256]; /* the brokers in use (embedded broker's address) */
    volatile int shutting_down;
    pthread_mutex_t push_lock; /* guards the list below */
    PushClient *pushes;        /* live push queries (for /close-query, limits) */
    int npushes;
    long push_seq; /* transient query id counter */
    pthread_mutex_t status_lock;
    json_t *statuses; /* commandId -> {status, message} */
};

/* Records the outcome of a command for /status (commandId "stream/X/create"). */
void server_note_status(Server *s, const char *command_id, const char *status, const char *msg);

/* Endpoint families: each returns the libmicrohttpd handler result. */
int ep_ksql(HttpReq *r);              /* POST /ksql */
int ep_terminate(HttpReq *r);         /* POST /ksql/terminate */
int ep_query(HttpReq *r);             /* POST /query */
int ep_query_stream(HttpReq *r);      /* POST /query-stream */
int ep_close_query(HttpReq *r);       /* POST /close-query */
int ep_inserts_stream(HttpReq *r);    /* POST /inserts-stream */
int ep_info(HttpReq *r);              /* GET /info */
int ep_healthcheck(HttpReq *r);       /* GET /healthcheck */
int ep_status(HttpReq *r);            /* GET /status[/type/entity/action] */
int ep_cluster_status(HttpReq *r);    /* GET /clusterStatus */
int ep_is_valid_property(HttpReq *r); /* GET /is_valid_property/NAME */
int ep_metrics(HttpReq *r);           /* GET /metrics */
int ep_test_produce(HttpReq *r);      /* POST /test/produce (--test-endpoints) */
int ep_test_records(HttpReq *r);      /* POST /test/records (--test-endpoints) */
int ep_test_topics(HttpReq *r);       /* POST /test/topics (--test-endpoints) */

/* Parses a request body as a JSON object. On failure answers 400 itself and
 * returns NULL (*rc holds the handler result). */
json_t *ep_body_object(HttpReq *r, int *rc);
/* Copies a JSON object of properties (strings, numbers, booleans) into p. */
void ep_props_from_json(Props *p, const json_t *obj);
/* Answers an executor error in ksqlDB's envelope (entities stolen, may be NULL). */
int ep_reply_exec_error(HttpReq *r, const ExecError *err, json_t *entities);

/* Stops every push query (shutdown). */
void push_stop_all(Server *s);

#endif
