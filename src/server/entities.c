/*
 * entities.c - building ksqlDB's REST entities as JSON (see entities.h).
 */
#include "entities.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *ent_format_name(const FormatSpec *f)
{
    return format_name(f->kind);
}

const char *ent_window_name(WindowType w)
{
    switch (w) {
    case WIN_TUMBLING: return "TUMBLING";
    case WIN_HOPPING: return "HOPPING";
    case WIN_SESSION: return "SESSION";
    default: return NULL;
    }
}

static json_t *warnings(void)
{
    return json_array();
}

json_t *ent_current_status(const char *stmt, const char *command_id, const char *message,
                           const char *query_id, long seq)
{
    json_t *st = json_object();
    json_object_set_new(st, "status", json_string("SUCCESS"));
    json_object_set_new(st, "message", json_string(message));
    json_object_set_new(st, "queryId", query_id ? json_string(query_id) : json_null());
    json_t *o = json_object();
    json_object_set_new(o, "@type", json_string("currentStatus"));
    json_object_set_new(o, "statementText", json_string(stmt));
    json_object_set_new(o, "commandId", json_string(command_id));
    json_object_set_new(o, "commandStatus", st);
    json_object_set_new(o, "commandSequenceNumber", json_integer(seq));
    json_object_set_new(o, "warnings", warnings());
    return o;
}

static const char *schema_type_name(const Type *t)
{
    switch (t->kind) {
    case TYPE_BOOLEAN: return "BOOLEAN";
    case TYPE_INT: return "INTEGER";
    case TYPE_BIGINT: return "BIGINT";
    case TYPE_DOUBLE: return "DOUBLE";
    case TYPE_DECIMAL: return "DECIMAL";
    case TYPE_STRING: return "STRING";
    case TYPE_BYTES: return "BYTES";
    case TYPE_DATE: return "DATE";
    case TYPE_TIME: return "TIME";
    case TYPE_TIMESTAMP: return "TIMESTAMP";
    case TYPE_ARRAY: return "ARRAY";
    case TYPE_MAP: return "MAP";
    case TYPE_STRUCT: return "STRUCT";
    default: return "STRING";
    }
}

json_t *ent_schema(const Type *t)
{
    json_t *o = json_object();
    json_object_set_new(o, "type", json_string(schema_type_name(t)));
    if (t->kind == TYPE_STRUCT) {
        json_t *f = json_array();
        for (int i = 0; i < t->nfields; i++) {
            json_t *fo = json_object();
            json_object_set_new(fo, "name", json_string(t->fields[i].name));
            json_object_set_new(fo, "schema", ent_schema(t->fields[i].type));
            json_array_append_new(f, fo);
        }
        json_object_set_new(o, "fields", f);
    } else {
        json_object_set_new(o, "fields", json_null());
    }
    if (t->kind == TYPE_ARRAY || t->kind == TYPE_MAP)
        json_object_set_new(o, "memberSchema", ent_schema(t->elem));
    else
        json_object_set_new(o, "memberSchema", json_null());
    if (t->kind == TYPE_DECIMAL) {
        json_t *p = json_object();
        json_object_set_new(p, "precision", json_integer(t->precision));
        json_object_set_new(p, "scale", json_integer(t->scale));
        json_object_set_new(o, "parameters", p);
    }
    return o;
}

json_t *ent_fields(const Schema *s, bool is_table)
{
    json_t *a = json_array();
    for (int i = 0; i < s->ncols; i++) {
        const Column *c = &s->cols[i];
        json_t *f = json_object();
        json_object_set_new(f, "name", json_string(c->name));
        json_object_set_new(f, "schema", ent_schema(c->type));
        /* ksqlDB's FieldType: KEY for streams and tables alike (the CLI says
         * "primary key" for tables; Cube's driver looks for "KEY"). */
        (void)is_table;
        if (c->role == COL_KEY)
            json_object_set_new(f, "type", json_string("KEY"));
        else if (c->role == COL_HEADERS || c->role == COL_HEADER)
            json_object_set_new(f, "type", json_string("HEADER"));
        json_array_append_new(a, f);
    }
    return a;
}

json_t *ent_source_list(Engine *e, bool tables, const char *stmt, bool extended)
{
    Catalog *c = engine_catalog(e);
    json_t *list = json_array();
    for (int i = 0; i < catalog_count(c); i++) {
        const Source *s = catalog_at(c, i);
        if (s->is_table != tables) continue;
        if (extended) {
            json_array_append_new(list, ent_source_description(e, s, true));
            continue;
        }
        json_t *o = json_object();
        json_object_set_new(o, "type", json_string(tables ? "TABLE" : "STREAM"));
        json_object_set_new(o, "name", json_string(s->name));
        json_object_set_new(o, "topic", json_string(s->topic));
        json_object_set_new(o, "keyFormat", json_string(ent_format_name(&s->key_fmt)));
        json_object_set_new(o, "valueFormat", json_string(ent_format_name(&s->val_fmt)));
        json_object_set_new(o, "isWindowed", json_boolean(s->window.type != WIN_NONE));
        json_array_append_new(list, o);
    }
    json_t *o = json_object();
    if (extended) {
        json_object_set_new(o, "@type", json_string("source_descriptions"));
        json_object_set_new(o, "statementText", json_string(stmt));
        json_object_set_new(o, "sourceDescriptions", list);
    } else {
        json_object_set_new(o, "@type", json_string(tables ? "tables" : "streams"));
        json_object_set_new(o, "statementText", json_string(stmt));
        json_object_set_new(o, tables ? "tables" : "streams", list);
    }
    json_object_set_new(o, "warnings", warnings());
    return o;
}

static json_t *query_refs(Engine *e, const char *source, bool writing)
{
    const char **ids;
    int n =
        writing ? engine_queries_writing(e, source, &ids) : engine_queries_reading(e, source, &ids);
    json_t *a = json_array();
    for (int i = 0; i < n; i++) {
        RunningQuery *rq = engine_query_find(e, ids[i]);
        json_t *q = json_object();
        json_object_set_new(q, "queryString", json_string(rq ? rq_sql(rq) : ""));
        json_t *sinks = json_array();
        const Plan *p = rq ? rq_plan(rq) : NULL;
        if (p && p->sink) json_array_append_new(sinks, json_string(p->sink));
        json_object_set_new(q, "sinks", sinks);
        json_t *topics = json_array();
        if (p && p->root && p->root->kind == STEP_SINK && p->root->sink_topic &&
            !p->root->materialize_only)
            json_array_append_new(topics, json_string(p->root->sink_topic));
        json_object_set_new(q, "sinkKafkaTopics", topics);
        json_object_set_new(q, "id", json_string(ids[i]));
        json_t *sc = json_object();
        json_object_set_new(sc, "RUNNING", json_integer(1));
        json_object_set_new(q, "statusCount", sc);
        json_object_set_new(q, "queryType", json_string("PERSISTENT"));
        json_object_set_new(q, "state", json_string("RUNNING"));
        json_array_append_new(a, q);
    }
    free(ids);
    return a;
}

json_t *ent_source_description(Engine *e, const Source *s, bool extended)
{
    json_t *d = json_object();
    json_object_set_new(d, "name", json_string(s->name));
    const char *wn = ent_window_name(s->window.type);
    json_object_set_new(d, "windowType", wn ? json_string(wn) : json_null());
    json_object_set_new(d, "readQueries", query_refs(e, s->name, false));
    json_object_set_new(d, "writeQueries", query_refs(e, s->name, true));
    json_object_set_new(d, "fields", ent_fields(&s->schema, s->is_table));
    json_object_set_new(d, "type", json_string(s->is_table ? "TABLE" : "STREAM"));
    json_object_set_new(d, "timestamp",
                        json_string(s->ts_col >= 0 ? s->schema.cols[s->ts_col].name : ""));
    /* Runtime statistics of the queries writing this source. */
    StrBuf stats = STRBUF_INIT, errs = STRBUF_INIT;
    if (extended) {
        const char **ids;
        int n = engine_queries_writing(e, s->name, &ids);
        for (int i = 0; i < n; i++) {
            RunningQuery *rq = engine_query_find(e, ids[i]);
            if (!rq) continue;
            QueryStats st = rq_stats(rq);
            const QueryStats *qs = &st;
            sb_printf(&stats, "%smessages-per-sec: 0 total-messages: %llu last-message: %lld",
                      stats.len ? " " : "", (unsigned long long)qs->produced,
                      (long long)qs->last_message_ms);
            if (qs->errors)
                sb_printf(&errs, "%sfailed-messages: %llu", errs.len ? " " : "",
                          (unsigned long long)qs->errors);
            if (qs->late_dropped)
                sb_printf(&errs, "%sdropped-late-records: %llu", errs.len ? " " : "",
                          (unsigned long long)qs->late_dropped);
        }
        free(ids);
    }
    json_object_set_new(d, "statistics", json_string(sb_cstr(&stats)));
    json_object_set_new(d, "errorStats", json_string(sb_cstr(&errs)));
    sb_free(&stats);
    sb_free(&errs);
    json_object_set_new(d, "extended", json_boolean(extended));
    json_object_set_new(d, "keyFormat", json_string(ent_format_name(&s->key_fmt)));
    json_object_set_new(d, "valueFormat", json_string(ent_format_name(&s->val_fmt)));
    json_object_set_new(d, "topic", json_string(s->topic));
    int parts = s->partitions;
    engine_topic_exists(e, s->topic, &parts);
    json_object_set_new(d, "partitions", json_integer(parts));
    json_object_set_new(d, "replication", json_integer(s->replicas ? s->replicas : 1));
    json_object_set_new(d, "statement", json_string(s->sql ? s->sql : ""));
    json_object_set_new(d, "queryOffsetSummaries", json_array());
    json_object_set_new(d, "sourceConstraints", json_array());
    json_object_set_new(d, "clusterStatistics", json_array());
    json_object_set_new(d, "clusterErrorStats", json_array());
    json_t *o = json_object();
    json_object_set_new(o, "@type", json_string("sourceDescription"));
    json_object_set_new(o, "sourceDescription", d);
    json_object_set_new(o, "warnings", warnings());
    return o;
}

static json_t *query_entry(RunningQuery *rq)
{
    json_t *q = json_object();
    const Plan *p = rq_plan(rq);
    json_object_set_new(q, "queryString", json_string(rq_sql(rq)));
    json_t *sinks = json_array(), *topics = json_array();
    if (p && p->sink) {
        json_array_append_new(sinks, json_string(p->sink));
        if (p->root && p->root->sink_topic)
            json_array_append_new(topics, json_string(p->root->sink_topic));
    }
    json_object_set_new(q, "sinks", sinks);
    json_object_set_new(q, "sinkKafkaTopics", topics);
    json_object_set_new(q, "id", json_string(rq_id(rq)));
    const char *state = rq_state(rq) == QS_RUNNING  ? "RUNNING"
                        : rq_state(rq) == QS_PAUSED ? "PAUSED"
                                                    : "ERROR";
    json_t *sc = json_object();
    json_object_set_new(sc, state, json_integer(1));
    json_object_set_new(q, "statusCount", sc);
    json_object_set_new(q, "queryType", json_string("PERSISTENT"));
    json_object_set_new(q, "state", json_string(state));
    return q;
}

json_t *ent_query_list(Engine *e, const char *stmt, bool extended)
{
    json_t *list = json_array();
    for (int i = 0; i < engine_query_count(e); i++) {
        RunningQuery *rq = engine_query_at(e, i);
        if (extended) {
            json_t *d = ent_query_description(e, rq);
            json_array_append(list, json_object_get(d, "queryDescription"));
            json_decref(d);
        } else {
            json_array_append_new(list, query_entry(rq));
        }
    }
    json_t *o = json_object();
    json_object_set_new(o, "@type", json_string(extended ? "query_descriptions" : "queries"));
    json_object_set_new(o, "statementText", json_string(stmt));
    json_object_set_new(o, extended ? "queryDescriptions" : "queries", list);
    json_object_set_new(o, "warnings", warnings());
    return o;
}

static void plan_text(StrBuf *sb, const Plan *p)
{
    for (int i = p->nsteps - 1; i >= 0; i--) {
        const Step *s = p->steps[i];
        int depth = p->nsteps - 1 - i;
        for (int k = 0; k < depth; k++)
            sb_puts(sb, "\t");
        sb_printf(sb, " > [ %s ] | Schema: ", s->name ? s->name : "STEP");
        schema_print(sb, &s->schema, s->is_table);
        sb_putc(sb, '\n');
    }
}

json_t *ent_query_description(Engine *e, RunningQuery *rq)
{
    (void)e;
    const Plan *p = rq_plan(rq);
    json_t *d = json_object();
    json_object_set_new(d, "id", json_string(rq_id(rq)));
    json_object_set_new(d, "statementText", json_string(rq_sql(rq)));
    const char *wn = p && p->root ? ent_window_name(p->root->window.type) : NULL;
    json_object_set_new(d, "windowType", wn ? json_string(wn) : json_null());
    json_object_set_new(d, "fields", p ? ent_fields(&p->output, p->output_is_table) : json_array());
    json_t *sources = json_array(), *sinks = json_array();
    for (int i = 0; p && i < p->nsources; i++)
        json_array_append_new(sources, json_string(p->sources[i]));
    if (p && p->sink) json_array_append_new(sinks, json_string(p->sink));
    json_object_set_new(d, "sources", sources);
    json_object_set_new(d, "sinks", sinks);
    StrBuf sb = STRBUF_INIT;
    if (p) plan_text(&sb, p);
    json_object_set_new(d, "topology", json_string(sb_cstr(&sb)));
    json_object_set_new(d, "executionPlan", json_string(sb_cstr(&sb)));
    sb_free(&sb);
    json_t *ov = json_object();
    const Props *op = rq_overrides(rq);
    for (int i = 0; i < op->n; i++)
        json_object_set_new(ov, op->names[i], json_string(op->values[i]));
    json_object_set_new(d, "overriddenProperties", ov);
    json_object_set_new(d, "ksqlHostQueryStatus", json_object());
    json_object_set_new(d, "queryType", json_string("PERSISTENT"));
    json_object_set_new(d, "queryErrors", json_array());
    json_object_set_new(d, "tasksMetadata", json_array());
    json_object_set_new(d, "state",
                        json_string(rq_state(rq) == QS_RUNNING  ? "RUNNING"
                                    : rq_state(rq) == QS_PAUSED ? "PAUSED"
                                                                : "ERROR"));
    json_t *o = json_object();
    json_object_set_new(o, "@type", json_string("queryDescription"));
    json_object_set_new(o, "queryDescription", d);
    json_object_set_new(o, "warnings", warnings());
    return o;
}

json_t *ent_topic_list(Engine *e, const char *stmt, bool all, bool extended, EddyError *err)
{
    TopicInfo *ti = NULL;
    int n = engine_topic_list(e, &ti, err);
    if (n < 0) return NULL;
    json_t *list = json_array();
    for (int i = 0; i < n; i++) {
        if (!all &&
            (strncmp(ti[i].name, "__", 2) == 0 || strncmp(ti[i].name, "_confluent", 10) == 0))
            continue;
        json_t *t = json_object();
        json_object_set_new(t, "name", json_string(ti[i].name));
        json_t *ri = json_array();
        for (int p = 0; p < ti[i].partitions; p++)
            json_array_append_new(ri, json_integer(ti[i].replicas ? ti[i].replicas : 1));
        json_object_set_new(t, "replicaInfo", ri);
        if (extended) {
            json_object_set_new(t, "consumerCount", json_integer(0));
            json_object_set_new(t, "consumerGroupCount", json_integer(0));
        }
        json_array_append_new(list, t);
    }
    free(ti);
    json_t *o = json_object();
    json_object_set_new(o, "@type",
                        json_string(extended ? "kafka_topics_extended" : "kafka_topics"));
    json_object_set_new(o, "statementText", json_string(stmt));
    json_object_set_new(o, "topics", list);
    json_object_set_new(o, "warnings", warnings());
    return o;
}

static const char *ent_fn_kind(FnKind k)
{
    switch (k) {
    case FN_AGGREGATE: return "AGGREGATE";
    case FN_TABLE: return "TABLE";
    default: return "SCALAR";
    }
}

json_t *ent_function_list(const char *stmt)
{
    int n;
    const FnDef *const *defs = fn_list(&n);
    json_t *list = json_array();
    for (int i = 0; i < n; i++) {
        json_t *f = json_object();
        json_object_set_new(f, "name", json_string(defs[i]->name));
        json_object_set_new(f, "category",
                            json_string(defs[i]->category ? defs[i]->category : "OTHER"));
        json_object_set_new(f, "type", json_string(ent_fn_kind(defs[i]->kind)));
        json_array_append_new(list, f);
    }
    json_t *o = json_object();
    json_object_set_new(o, "@type", json_string("function_names"));
    json_object_set_new(o, "statementText", json_string(stmt));
    json_object_set_new(o, "functions", list);
    json_object_set_new(o, "warnings", warnings());
    return o;
}

json_t *ent_describe_function(const FnDef *d, const char *stmt)
{
    json_t *fns = json_array();
    for (int i = 0; i < d->nvariants; i++) {
        const FnVariant *v = &d->variants[i];
        json_t *f = json_object();
        json_t *args = json_array(), *argtypes = json_array();
        /* Parameters as written in the signature: "TYPE name, ...". */
        const char *p = v->params ? v->params : "";
        char buf[512];
        while (*p) {
            const char *comma = p;
            int depth = 0;
            while (*comma && !(depth == 0 && *comma == ',')) {
                if (*comma == '<' || *comma == '(') depth++;
                if (*comma == '>' || *comma == ')') depth--;
                comma++;
            }
            size_t len = (size_t)(comma - p);
            if (len >= sizeof buf) len = sizeof buf - 1;
            memcpy(buf, p, len);
            buf[len] = 0;
            char *s = buf;
            while (*s == ' ')
                s++;
            json_t *a = json_object();
            json_object_set_new(a, "name", json_string(""));
            json_object_set_new(a, "type", json_string(s));
            json_object_set_new(a, "description", json_string(""));
            json_object_set_new(a, "isVariadic", json_boolean(strstr(s, "...") != NULL));
            json_array_append_new(args, a);
            json_array_append_new(argtypes, json_string(s));
            p = *comma ? comma + 1 : comma;
        }
        json_object_set_new(f, "arguments", args);
        json_object_set_new(f, "returnType", json_string(v->returns ? v->returns : "ANY"));
        json_object_set_new(f, "description", json_string(v->description ? v->description : ""));
        json_object_set_new(f, "argumentTypes", argtypes);
        json_array_append_new(fns, f);
    }
    json_t *o = json_object();
    json_object_set_new(o, "@type", json_string("describe_function"));
    json_object_set_new(o, "statementText", json_string(stmt));
    json_object_set_new(o, "name", json_string(d->name));
    json_object_set_new(o, "description", json_string(d->description ? d->description : ""));
    json_object_set_new(o, "author", json_string("eddy"));
    json_object_set_new(o, "version", json_string(""));
    json_object_set_new(o, "path", json_string("internal"));
    json_object_set_new(o, "functions", fns);
    json_object_set_new(o, "type", json_string(ent_fn_kind(d->kind)));
    json_object_set_new(o, "warnings", warnings());
    return o;
}

json_t *ent_type_list(Catalog *c, const char *stmt)
{
    json_t *types = json_object();
    for (int i = 0; i < catalog_type_count(c); i++) {
        const CustomType *ct = catalog_type_at(c, i);
        json_object_set_new(types, ct->name, ent_schema(ct->type));
    }
    json_t *o = json_object();
    json_object_set_new(o, "@type", json_string("type_list"));
    json_object_set_new(o, "statementText", json_string(stmt));
    json_object_set_new(o, "types", types);
    json_object_set_new(o, "warnings", warnings());
    return o;
}

json_t *ent_properties(const Props *effective, const Props *overrides, const char *stmt)
{
    json_t *list = json_array();
    for (int i = 0; i < effective->n; i++) {
        json_t *p = json_object();
        json_object_set_new(p, "name", json_string(effective->names[i]));
        const char *scope = strncmp(effective->names[i], "ksql.", 5) == 0 ? "KSQL" : "KAFKA";
        json_object_set_new(p, "scope", json_string(scope));
        json_object_set_new(p, "value", json_string(effective->values[i]));
        json_object_set_new(p, "editable", json_boolean(true));
        bool over = overrides && props_get(overrides, effective->names[i]);
        json_object_set_new(p, "level", json_string(over ? "SESSION" : "SERVER"));
        json_array_append_new(list, p);
    }
    json_t *ow = json_array();
    for (int i = 0; overrides && i < overrides->n; i++)
        json_array_append_new(ow, json_string(overrides->names[i]));
    json_t *o = json_object();
    json_object_set_new(o, "@type", json_string("properties"));
    json_object_set_new(o, "statementText", json_string(stmt));
    json_object_set_new(o, "properties", list);
    json_object_set_new(o, "overwrittenProperties", ow);
    json_object_set_new(o, "defaultProperties", json_array());
    json_object_set_new(o, "warnings", warnings());
    return o;
}

json_t *ent_variables(const Props *vars, const char *stmt)
{
    json_t *list = json_array();
    for (int i = 0; vars && i < vars->n; i++) {
        json_t *v = json_object();
        json_object_set_new(v, "name", json_string(vars->names[i]));
        json_object_set_new(v, "value", json_string(vars->values[i]));
        json_array_append_new(list, v);
    }
    json_t *o = json_object();
    json_object_set_new(o, "@type", json_string("variables"));
    json_object_set_new(o, "statementText", json_string(stmt));
    json_object_set_new(o, "variables", list);
    json_object_set_new(o, "warnings", warnings());
    return o;
}
