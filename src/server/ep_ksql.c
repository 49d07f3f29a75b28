/*
 * ep_ksql.c - POST /ksql (every statement but SELECT and PRINT, answered with
 * one entity per statement) and POST /ksql/terminate; the request-body helpers
 * the other endpoints share.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/arena.h"
#include "entities.h"
#include "server.h"

json_t *ep_body_object(HttpReq *r, int *rc)
{
    json_error_t je;
    json_t *j = json_loadb(r->body.data ? r->body.data : "", r->body.len, JSON_DECODE_ANY, &je);
    if (!j) {
        *rc = http_reply_error(r, 400, 40000, "Invalid JSON in request: %s", je.text);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        *rc = http_reply_error(r, 400, 40000, "Invalid JSON in request: expected an object");
        return NULL;
    }
    return j;
}

void ep_props_from_json(Props *p, const json_t *obj)
{
    if (!json_is_object(obj)) return;
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)obj, k, v)
    {
        char buf[64];
        const char *text = NULL;
        if (json_is_string(v)) {
            text = json_string_value(v);
        } else if (json_is_integer(v)) {
            snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
            text = buf;
        } else if (json_is_real(v)) {
            snprintf(buf, sizeof buf, "%.17g", json_real_value(v));
            text = buf;
        } else if (json_is_boolean(v)) {
            text = json_is_true(v) ? "true" : "false";
        } else if (json_is_null(v)) {
            continue;
        } else {
            char *d = json_dumps(v, JSON_COMPACT);
            props_set(p, k, d ? d : "");
            free(d);
            continue;
        }
        props_set(p, k, text);
    }
}

int ep_reply_exec_error(HttpReq *r, const ExecError *err, json_t *entities)
{
    json_t *o = json_object();
    const char *type = err->type ? err->type : "generic_error";
    json_object_set_new(o, "@type", json_string(type));
    json_object_set_new(o, "error_code", json_integer(err->error_code ? err->error_code : 40000));
    json_object_set_new(o, "message", json_string(err->message));
    if (strcmp(type, "statement_error") == 0) {
        json_object_set_new(o, "statementText", json_string(err->statement ? err->statement : ""));
        json_object_set_new(o, "entities", entities ? entities : json_array());
        entities = NULL;
    }
    json_decref(entities);
    return http_reply_json(r, err->status ? err->status : 400, o, NULL);
}

/* Records the commandIds of the entities for /status. */
static void note_statuses(Server *s, json_t *entities)
{
    size_t i;
    json_t *e;
    json_array_foreach(entities, i, e)
    {
        const char *id = json_string_value(json_object_get(e, "commandId"));
        if (!id || !*id) continue;
        json_t *cs = json_object_get(e, "commandStatus");
        server_note_status(s, id, json_string_value(json_object_get(cs, "status")),
                           json_string_value(json_object_get(cs, "message")));
    }
}

int ep_ksql(HttpReq *r)
{
    static const char *const offered[] = {MT_KSQL_JSON, MT_JSON, NULL};
    if (!http_negotiate(r, offered)) return http_reply_text(r, 406, "Not Acceptable");
    int rc;
    json_t *body = ep_body_object(r, &rc);
    if (!body) return rc;
    json_t *ksql = json_object_get(body, "ksql");
    if (!json_is_string(ksql)) {
        json_decref(body);
        return http_reply_error(r, 400, 40000, "Required field 'ksql' is missing or not a string");
    }
    Props overrides, vars;
    props_init(&overrides);
    props_init(&vars);
    ep_props_from_json(&overrides, json_object_get(body, "streamsProperties"));
    ep_props_from_json(&vars, json_object_get(body, "sessionVariables"));
    ExecRequest req = {0};
    req.sql = json_string_value(ksql);
    req.overrides = &overrides;
    req.variables = &vars;
    req.allow_queries = false;
    json_t *entities = NULL;
    ExecError err;
    int xrc = executor_run(r->srv->exec, &req, &entities, &err);
    if (entities) note_statuses(r->srv, entities);
    if (xrc < 0) {
        rc = ep_reply_exec_error(r, &err, entities);
    } else {
        rc = http_reply_json(r, 200, entities, NULL);
    }
    exec_error_clear(&err);
    props_free(&overrides);
    props_free(&vars);
    json_decref(body);
    return rc;
}

int ep_terminate(HttpReq *r)
{
    int rc;
    json_t *body = ep_body_object(r, &rc);
    if (!body) return rc;
    Server *s = r->srv;
    /* Every persistent query stops, the command log is emptied and the listed
     * topics (regular expressions) that queries created are deleted. */
    push_stop_all(s);
    engine_lock(s->engine);
    while (engine_query_count(s->engine) > 0) {
        EddyError te;
        err_clear(&te);
        engine_terminate_query(s->engine, rq_id(engine_query_at(s->engine, 0)), &te);
    }
    engine_unlock(s->engine);
    command_log_clear(s->clog);
    json_decref(body);
    json_t *o = json_object();
    json_object_set_new(o, "@type", json_string("terminate"));
    json_object_set_new(o, "status", json_string("SUCCESS"));
    return http_reply_json(r, 200, o, NULL);
}
