/*
 * ep_info.c - the server's own endpoints: GET /info, /healthcheck, /status,
 * /status/<type>/<entity>/<action>, /clusterStatus, /is_valid_property/<name>
 * and /metrics.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/arena.h"
#include "server.h"

#define EDDY_VERSION "0.1.0"

void server_note_status(Server *s, const char *command_id, const char *status, const char *msg)
{
    if (!command_id || !*command_id) return;
    json_t *o = json_object();
    json_object_set_new(o, "status", json_string(status ? status : "SUCCESS"));
    json_object_set_new(o, "message", json_string(msg ? msg : ""));
    pthread_mutex_lock(&s->status_lock);
    json_object_set_new(s->statuses, command_id, o);
    pthread_mutex_unlock(&s->status_lock);
}

int ep_info(HttpReq *r)
{
    Server *s = r->srv;
    json_t *info = json_object();
    json_object_set_new(info, "version", json_string(EDDY_VERSION));
    json_object_set_new(info, "kafkaClusterId", json_string(s->kafka_cluster_id));
    json_object_set_new(info, "ksqlServiceId", json_string(s->cfg->service_id));
    json_object_set_new(info, "serverStatus", json_string(s->shutting_down ? "TERMINATING" : "RUNNING"));
    if (s->bootstrap[0]) json_object_set_new(info, "bootstrapServers", json_string(s->bootstrap));
    json_t *o = json_object();
    json_object_set_new(o, "KsqlServerInfo", info);
    return http_reply_json(r, 200, o, NULL);
}

int ep_healthcheck(HttpReq *r)
{
    json_t *details = json_object();
    json_t *m = json_object();
    json_object_set_new(m, "isHealthy", json_true());
    json_object_set_new(details, "metastore", m);
    json_t *k = json_object();
    json_object_set_new(k, "isHealthy", json_true());
    json_object_set_new(details, "kafka", k);
    json_t *c = json_object();
    json_object_set_new(c, "isHealthy", json_true());
    json_object_set_new(details, "commandRunner", c);
    json_t *o = json_object();
    json_object_set_new(o, "isHealthy", json_true());
    json_object_set_new(o, "details", details);
    return http_reply_json(r, 200, o, NULL);
}

int ep_status(HttpReq *r)
{
    Server *s = r->srv;
    if (strcmp(r->url, "/status") == 0) {
        json_t *all = json_object();
        pthread_mutex_lock(&s->status_lock);
        const char *k;
        json_t *v;
        json_object_foreach(s->statuses, k, v)
        {
            json_object_set(all, k, json_object_get(v, "status"));
        }
        pthread_mutex_unlock(&s->status_lock);
        json_t *o = json_object();
        json_object_set_new(o, "commandStatuses", all);
        return http_reply_json(r, 200, o, NULL);
    }
    const char *id = r->url + strlen("/status/");
    pthread_mutex_lock(&s->status_lock);
    json_t *st = json_object_get(s->statuses, id);
    json_t *copy = st ? json_deep_copy(st) : NULL;
    pthread_mutex_unlock(&s->status_lock);
    if (!copy) return http_reply_error(r, 404, 40400, "Command not found: %s", id);
    return http_reply_json(r, 200, copy, NULL);
}

int ep_cluster_status(HttpReq *r)
{
    Server *s = r->srv;
    json_t *host = json_object();
    json_object_set_new(host, "hostAlive", json_true());
    json_object_set_new(host, "lastStatusUpdateMs", json_integer(http_now_us() / 1000));
    json_object_set_new(host, "activeStandbyPerQuery", json_object());
    json_object_set_new(host, "hostStoreLags", json_object());
    json_t *hosts = json_object();
    json_object_set_new(hosts, s->host_port, host);
    json_t *o = json_object();
    json_object_set_new(o, "clusterStatus", hosts);
    return http_reply_json(r, 200, o, NULL);
}

int ep_is_valid_property(HttpReq *r)
{
    const char *name = r->url + strlen("/is_valid_property/");
    /* ksqlDB refuses the properties a client may not override. */
    static const char *const denied[] = {"ksql.service.id", "bootstrap.servers", "listeners",
                                         "ksql.streams.state.dir", NULL};
    for (int i = 0; denied[i]; i++)
        if (strcmp(name, denied[i]) == 0)
            return http_reply_error(r, 400, 40000, "Cannot override property '%s'", name);
    return http_reply(r, 200, MT_JSON, "true", 4);
}

int ep_metrics(HttpReq *r)
{
    StrBuf sb = STRBUF_INIT;
    metrics_render(r->srv->metrics, r->srv->engine, &sb);
    int rc = http_reply(r, 200, "text/plain; version=0.0.4; charset=utf-8", sb.data ? sb.data : "",
                        sb.len);
    sb_free(&sb);
    return rc;
}
