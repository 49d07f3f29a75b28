/*
 * render.c - eddyd's answers as the user sees them, in the look of ksqlDB's CLI.
 *
 * /ksql entities (reference §a) become Message tables (statuses), list tables
 * (SHOW/LIST), the DESCRIBE and EXPLAIN layouts, or pretty JSON; query results
 * become bordered grids, vertical records (asked for with \G or `output
 * vertical`, or taken when a row is wider than the terminal) or JSON lines.
 * Everything is drawn into a StrBuf, so the caller decides where it goes
 * (terminal, spool file) and tests compare text.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "shell.h"

bool render_parse_format(const char *s, OutputFormat *out)
{
    if (strcasecmp(s, "tabular") == 0)
        *out = OUT_TABULAR;
    else if (strcasecmp(s, "json") == 0)
        *out = OUT_JSON;
    else if (strcasecmp(s, "vertical") == 0)
        *out = OUT_VERTICAL;
    else
        return false;
    return true;
}

const char *render_format_name(OutputFormat f)
{
    switch (f) {
    case OUT_JSON: return "JSON";
    case OUT_VERTICAL: return "VERTICAL";
    default: return "TABULAR";
    }
}

/* ---------------------------------------------------------------- values */

/* The shortest text that reads back as d, always with a '.' or exponent:
 * plain digits for everyday magnitudes (10.0, 37.3952, 0.001), an exponent
 * only for very large or small ones (1.0E20 style is Java's; we print 1e+20). */
static void put_double(StrBuf *out, double d)
{
    if (isnan(d) || isinf(d)) {
        sb_puts(out, isnan(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
        return;
    }
    char buf[400];
    double a = fabs(d);
    bool done = false;
    if (a == 0 || (a >= 1e-4 && a < 1e15)) {
        for (int k = 0; k <= 20 && !done; k++) {
            snprintf(buf, sizeof buf, "%.*f", k, d);
            done = strtod(buf, NULL) == d;
        }
    }
    for (int p = 1; p <= 17 && !done; p++) {
        snprintf(buf, sizeof buf, "%.*g", p, d);
        done = strtod(buf, NULL) == d;
    }
    sb_puts(out, buf);
    if (!strpbrk(buf, ".eEn")) sb_puts(out, ".0");
}

static void put_json(StrBuf *out, const json_t *v, bool top)
{
    switch (json_typeof(v)) {
    case JSON_STRING:
        if (top)
            sb_append(out, json_string_value(v), json_string_length(v));
        else
            sb_put_json_string(out, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER: sb_put_i64(out, (int64_t)json_integer_value(v)); break;
    case JSON_REAL: put_double(out, json_real_value(v)); break;
    case JSON_TRUE: sb_puts(out, "true"); break;
    case JSON_FALSE: sb_puts(out, "false"); break;
    case JSON_NULL: sb_puts(out, "null"); break;
    case JSON_ARRAY: {
        sb_putc(out, '[');
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i) sb_putc(out, ',');
            put_json(out, json_array_get(v, i), false);
        }
        sb_putc(out, ']');
        break;
    }
    case JSON_OBJECT: {
        sb_putc(out, '{');
        const char *k;
        json_t *e;
        bool first = true;
        json_object_foreach((json_t *)v, k, e)
        {
            if (!first) sb_putc(out, ',');
            first = false;
            sb_put_json_string(out, k, strlen(k));
            sb_putc(out, ':');
            put_json(out, e, false);
        }
        sb_putc(out, '}');
        break;
    }
    }
}

void render_value(StrBuf *out, const json_t *v)
{
    if (!v) {
        sb_puts(out, "null");
        return;
    }
    put_json(out, v, true);
}

static const char *jstr(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static const char *jstr_or(const json_t *o, const char *key, const char *dflt)
{
    const char *s = jstr(o, key);
    return s ? s : dflt;
}

/* A field of an object as cell text (strings bare, others as JSON). */
static char *jcell(const json_t *o, const char *key)
{
    StrBuf sb = STRBUF_INIT;
    const json_t *v = json_object_get(o, key);
    if (v) render_value(&sb, v);
    sb_puts(&sb, "");
    return sb_steal(&sb);
}

void render_schema(StrBuf *out, const json_t *schema)
{
    const char *type = jstr(schema, "type");
    if (!type) {
        sb_puts(out, "?");
        return;
    }
    if (strcmp(type, "STRING") == 0) {
        sb_puts(out, "VARCHAR(STRING)");
    } else if (strcmp(type, "ARRAY") == 0) {
        sb_puts(out, "ARRAY<");
        render_schema(out, json_object_get(schema, "memberSchema"));
        sb_putc(out, '>');
    } else if (strcmp(type, "MAP") == 0) {
        sb_puts(out, "MAP<STRING, ");
        render_schema(out, json_object_get(schema, "memberSchema"));
        sb_putc(out, '>');
    } else if (strcmp(type, "STRUCT") == 0) {
        sb_puts(out, "STRUCT<");
        const json_t *fields = json_object_get(schema, "fields");
        for (size_t i = 0; i < json_array_size(fields); i++) {
            const json_t *f = json_array_get(fields, i);
            if (i) sb_puts(out, ", ");
            sb_puts(out, jstr_or(f, "name", "?"));
            sb_putc(out, ' ');
            render_schema(out, json_object_get(f, "schema"));
        }
        sb_putc(out, '>');
    } else if (strcmp(type, "DECIMAL") == 0) {
        const json_t *p = json_object_get(schema, "parameters");
        const json_t *pr = json_object_get(p, "precision"), *sc = json_object_get(p, "scale");
        if (pr && sc) {
            sb_puts(out, "DECIMAL(");
            render_value(out, pr);
            sb_puts(out, ", ");
            render_value(out, sc);
            sb_putc(out, ')');
        } else {
            sb_puts(out, "DECIMAL");
        }
    } else {
        sb_puts(out, type);
    }
}

/* ---------------------------------------------------------------- tables */

/* Draws t in the chosen format: list/grid, vertical records, or (for JSON the
 * caller prints the entity itself) nothing. */
static void put_table(StrBuf *out, const Table *t, TableStyle style, const RenderOpts *o)
{
    if (o->format == OUT_VERTICAL)
        table_print_vertical(out, t, 1);
    else
        table_print(out, t, style, &o->table);
}

static void put_message_table(StrBuf *out, const char *msg, const RenderOpts *o)
{
    const char *hdr[] = {"Message"};
    Table t;
    table_init(&t, 1, hdr);
    const char *cells[] = {msg};
    table_add_row(&t, cells);
    put_table(out, &t, TABLE_LIST, o);
    table_free(&t);
}

static void put_sources(StrBuf *out, const json_t *list, bool tables, const RenderOpts *o)
{
    const char *hdr[] = {tables ? "Table Name" : "Stream Name", "Kafka Topic", "Key Format",
                         "Value Format", "Windowed"};
    Table t;
    table_init(&t, 5, hdr);
    for (size_t i = 0; i < json_array_size(list); i++) {
        const json_t *s = json_array_get(list, i);
        const char *fmt = jstr_or(s, "format", "");
        char *windowed = jcell(s, "isWindowed");
        const char *cells[] = {jstr_or(s, "name", ""), jstr_or(s, "topic", ""),
                               jstr_or(s, "keyFormat", ""), jstr_or(s, "valueFormat", fmt),
                               windowed};
        table_add_row(&t, cells);
        free(windowed);
    }
    put_table(out, &t, TABLE_LIST, o);
    table_free(&t);
}

/* "RUNNING:1" from {"RUNNING":1}, else the state. */
static char *query_status(const json_t *q)
{
    StrBuf sb = STRBUF_INIT;
    const json_t *sc = json_object_get(q, "statusCount");
    const char *k;
    json_t *v;
    if (json_is_object(sc)) {
        json_object_foreach((json_t *)sc, k, v)
        {
            if (sb.len) sb_putc(&sb, ' ');
            sb_printf(&sb, "%s:", k);
            render_value(&sb, v);
        }
    }
    if (!sb.len) sb_puts(&sb, jstr_or(q, "state", ""));
    sb_puts(&sb, "");
    return sb_steal(&sb);
}

static char *join_strings(const json_t *arr)
{
    StrBuf sb = STRBUF_INIT;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        if (i) sb_puts(&sb, ", ");
        render_value(&sb, json_array_get(arr, i));
    }
    sb_puts(&sb, "");
    return sb_steal(&sb);
}

static void put_queries(StrBuf *out, const json_t *list, const RenderOpts *o)
{
    const char *hdr[] = {"Query ID",  "Query Type",       "Status",
                         "Sink Name", "Sink Kafka Topic", "Query String"};
    Table t;
    table_init(&t, 6, hdr);
    for (size_t i = 0; i < json_array_size(list); i++) {
        const json_t *q = json_array_get(list, i);
        char *status = query_status(q);
        char *sinks = join_strings(json_object_get(q, "sinks"));
        char *topics = join_strings(json_object_get(q, "sinkKafkaTopics"));
        const char *cells[] = {
            jstr_or(q, "id", ""),         jstr_or(q, "queryType", ""), status, sinks, topics,
            jstr_or(q, "queryString", "")};
        table_add_row(&t, cells);
        free(status);
        free(sinks);
        free(topics);
    }
    put_table(out, &t, TABLE_LIST, o);
    table_free(&t);
    if (o->format != OUT_VERTICAL)
        sb_puts(out, "For detailed information on a Query run: EXPLAIN <Query ID>;\n");
}

static void put_topics(StrBuf *out, const json_t *list, bool extended, const RenderOpts *o)
{
    const char *hdr[] = {"Kafka Topic", "Partitions", "Partition Replicas", "Consumers",
                         "Consumer Groups"};
    Table t;
    table_init(&t, extended ? 5 : 3, hdr);
    for (size_t i = 0; i < json_array_size(list); i++) {
        const json_t *tp = json_array_get(list, i);
        const json_t *ri = json_object_get(tp, "replicaInfo");
        char parts[32], reps[32];
        snprintf(parts, sizeof parts, "%zu", json_array_size(ri));
        const json_t *r0 = json_array_get(ri, 0);
        snprintf(reps, sizeof reps, "%lld", r0 ? (long long)json_integer_value(r0) : 0LL);
        char *cons = jcell(tp, "consumerCount"), *groups = jcell(tp, "consumerGroupCount");
        const char *cells[] = {jstr_or(tp, "name", ""), parts, reps, cons, groups};
        table_add_row(&t, cells);
        free(cons);
        free(groups);
    }
    put_table(out, &t, TABLE_LIST, o);
    table_free(&t);
}

static void put_properties(StrBuf *out, const json_t *e, const RenderOpts *o)
{
    const char *hdr[] = {"Property", "Scope", "Level", "Effective Value"};
    Table t;
    table_init(&t, 4, hdr);
    const json_t *list = json_object_get(e, "properties");
    for (size_t i = 0; i < json_array_size(list); i++) {
        const json_t *p = json_array_get(list, i);
        char *val = jcell(p, "value");
        const char *cells[] = {jstr_or(p, "name", ""), jstr_or(p, "scope", ""),
                               jstr_or(p, "level", ""), val};
        table_add_row(&t, cells);
        free(val);
    }
    put_table(out, &t, TABLE_LIST, o);
    table_free(&t);
}

static void put_functions(StrBuf *out, const json_t *list, const RenderOpts *o)
{
    const char *hdr[] = {"Function Name", "Category"};
    Table t;
    table_init(&t, 2, hdr);
    for (size_t i = 0; i < json_array_size(list); i++) {
        const json_t *f = json_array_get(list, i);
        const char *cells[] = {jstr_or(f, "name", ""), jstr_or(f, "category", "")};
        table_add_row(&t, cells);
    }
    put_table(out, &t, TABLE_LIST, o);
    table_free(&t);
    if (o->format != OUT_VERTICAL)
        sb_puts(out, "For detailed information on a function run: DESCRIBE FUNCTION "
                     "<Function Name>;\n");
}

static void put_label(StrBuf *out, const char *label, const char *value)
{
    sb_printf(out, "%-20s : %s\n", label, value ? value : "");
}

static void put_fields(StrBuf *out, const json_t *fields, bool table, const RenderOpts *o)
{
    const char *hdr[] = {"Field", "Type"};
    Table t;
    table_init(&t, 2, hdr);
    for (size_t i = 0; i < json_array_size(fields); i++) {
        const json_t *f = json_array_get(fields, i);
        StrBuf ty = STRBUF_INIT;
        render_schema(&ty, json_object_get(f, "schema"));
        const char *kind = jstr(f, "type");
        if (kind && strcmp(kind, "KEY") == 0)
            sb_puts(&ty, table ? "  (primary key)" : "  (key)");
        else if (kind && strcmp(kind, "PRIMARY_KEY") == 0)
            sb_puts(&ty, "  (primary key)");
        else if (kind && strncmp(kind, "HEADER", 6) == 0)
            sb_puts(&ty, "  (headers)");
        const char *cells[] = {jstr_or(f, "name", ""), sb_cstr(&ty)};
        table_add_row(&t, cells);
        sb_free(&ty);
    }
    put_table(out, &t, TABLE_LIST, o);
    table_free(&t);
}

static void put_query_refs(StrBuf *out, const json_t *list, const char *title)
{
    sb_printf(out, "\n%s\n", title);
    for (int i = table_text_width(title); i > 0; i--)
        sb_putc(out, '-');
    sb_putc(out, '\n');
    for (size_t i = 0; i < json_array_size(list); i++) {
        const json_t *q = json_array_get(list, i);
        sb_printf(out, "%s (%s) : %s\n", jstr_or(q, "id", ""), jstr_or(q, "state", "RUNNING"),
                  jstr_or(q, "queryString", ""));
    }
}

static void put_source_description(StrBuf *out, const json_t *d, const RenderOpts *o)
{
    bool extended = json_is_true(json_object_get(d, "extended"));
    const char *type = jstr_or(d, "type", "STREAM");
    bool table = strcmp(type, "TABLE") == 0;
    put_label(out, "Name", jstr(d, "name"));
    if (extended) {
        put_label(out, "Type", type);
        const char *ts = jstr(d, "timestamp");
        put_label(out, "Timestamp field", ts && *ts ? ts : "Not set - using <ROWTIME>");
        put_label(out, "Key format", jstr(d, "keyFormat"));
        put_label(out, "Value format", jstr(d, "valueFormat"));
        StrBuf topic = STRBUF_INIT;
        sb_printf(&topic, "%s (partitions: ", jstr_or(d, "topic", ""));
        render_value(&topic, json_object_get(d, "partitions"));
        sb_puts(&topic, ", replication: ");
        render_value(&topic, json_object_get(d, "replication"));
        sb_putc(&topic, ')');
        put_label(out, "Kafka topic", sb_cstr(&topic));
        sb_free(&topic);
        const char *wt = jstr(d, "windowType");
        if (wt) put_label(out, "Window type", wt);
        put_label(out, "Statement", jstr(d, "statement"));
        sb_putc(out, '\n');
    }
    put_fields(out, json_object_get(d, "fields"), table, o);
    if (!extended) {
        sb_puts(out, "For runtime statistics and query details run: DESCRIBE <Stream,Table> "
                     "EXTENDED;\n");
        return;
    }
    char title[128];
    snprintf(title, sizeof title, "Queries that read from this %s", type);
    put_query_refs(out, json_object_get(d, "readQueries"), title);
    snprintf(title, sizeof title, "Queries that write from this %s", type);
    put_query_refs(out, json_object_get(d, "writeQueries"), title);
    sb_puts(out, "\nFor query topology and execution plan please run: EXPLAIN <QueryId>\n");
    sb_puts(out, "\nLocal runtime statistics\n------------------------\n");
    const char *stats = jstr_or(d, "statistics", ""), *errs = jstr_or(d, "errorStats", "");
    sb_printf(out, "%s%s%s\n", stats, *stats && *errs ? "\n" : "", errs);
    sb_printf(out, "(Statistics of the local eddy server interaction with the Kafka topic %s)\n",
              jstr_or(d, "topic", ""));
}

static void put_names_block(StrBuf *out, const char *title, const json_t *names, const char *hint)
{
    sb_printf(out, "\n%s\n-----------------------------------\n", title);
    for (size_t i = 0; i < json_array_size(names); i++) {
        render_value(out, json_array_get(names, i));
        sb_putc(out, '\n');
    }
    sb_printf(out, "\n%s\n", hint);
}

static void put_text_block(StrBuf *out, const char *title, const char *text)
{
    if (!text || !*text) return;
    sb_printf(out, "\n%s\n", title);
    for (int i = table_text_width(title); i > 0; i--)
        sb_putc(out, '-');
    sb_putc(out, '\n');
    sb_puts(out, text);
    if (text[strlen(text) - 1] != '\n') sb_putc(out, '\n');
}

static void put_query_description(StrBuf *out, const json_t *d, const RenderOpts *o)
{
    put_label(out, "ID", jstr(d, "id"));
    put_label(out, "Query Type", jstr(d, "queryType"));
    put_label(out, "SQL", jstr(d, "statementText"));
    const json_t *hs = json_object_get(d, "ksqlHostQueryStatus");
    if (json_is_object(hs) && json_object_size(hs)) {
        char *s = jcell(d, "ksqlHostQueryStatus");
        put_label(out, "Host Query Status", s);
        free(s);
    } else if (jstr(d, "state")) {
        put_label(out, "Status", jstr(d, "state"));
    }
    sb_putc(out, '\n');
    put_fields(out, json_object_get(d, "fields"), false, o);
    put_names_block(out, "Sources that this query reads from: ", json_object_get(d, "sources"),
                    "For source description please run: DESCRIBE [EXTENDED] <SourceId>");
    put_names_block(out, "Sinks that this query writes to: ", json_object_get(d, "sinks"),
                    "For sink description please run: DESCRIBE [EXTENDED] <SinkId>");
    put_text_block(out, "Execution plan", jstr(d, "executionPlan"));
    put_text_block(out, "Processing topology", jstr(d, "topology"));
    const json_t *ov = json_object_get(d, "overriddenProperties");
    if (json_is_object(ov) && json_object_size(ov)) {
        sb_puts(out, "\nOverridden Properties\n---------------------\n");
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)ov, k, v)
        {
            sb_printf(out, " %s = ", k);
            render_value(out, v);
            sb_putc(out, '\n');
        }
    }
    const json_t *qe = json_object_get(d, "queryErrors");
    for (size_t i = 0; i < json_array_size(qe); i++) {
        if (i == 0) sb_puts(out, "\nQuery errors\n------------\n");
        char *e = jcell(json_array_get(qe, i), "errorMessage");
        sb_printf(out, "%s\n", e);
        free(e);
    }
}

static void put_describe_function(StrBuf *out, const json_t *e)
{
    put_label(out, "Name", jstr(e, "name"));
    put_label(out, "Overview", jstr(e, "description"));
    put_label(out, "Type", jstr(e, "type"));
    put_label(out, "Author", jstr(e, "author"));
    put_label(out, "Version", jstr(e, "version"));
    const json_t *fns = json_object_get(e, "functions");
    for (size_t i = 0; i < json_array_size(fns); i++) {
        const json_t *f = json_array_get(fns, i);
        StrBuf sig = STRBUF_INIT;
        sb_printf(&sig, "%s(", jstr_or(e, "name", ""));
        const json_t *args = json_object_get(f, "arguments");
        for (size_t k = 0; k < json_array_size(args); k++) {
            const json_t *a = json_array_get(args, k);
            if (k) sb_puts(&sig, ", ");
            const char *n = jstr(a, "name");
            if (n && *n) sb_printf(&sig, "%s ", n);
            sb_puts(&sig, jstr_or(a, "type", "?"));
        }
        sb_putc(&sig, ')');
        sb_puts(out, "\n");
        put_label(out, "Variation", sb_cstr(&sig));
        put_label(out, "Returns", jstr(f, "returnType"));
        const char *desc = jstr(f, "description");
        if (desc && *desc) put_label(out, "Description", desc);
        sb_free(&sig);
    }
}

static void put_types(StrBuf *out, const json_t *types, const RenderOpts *o)
{
    const char *hdr[] = {"Type Name", "Schema"};
    Table t;
    table_init(&t, 2, hdr);
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)types, k, v)
    {
        StrBuf s = STRBUF_INIT;
        render_schema(&s, v);
        const char *cells[] = {k, sb_cstr(&s)};
        table_add_row(&t, cells);
        sb_free(&s);
    }
    put_table(out, &t, TABLE_LIST, o);
    table_free(&t);
}

static void put_variables(StrBuf *out, const json_t *vars, const RenderOpts *o)
{
    const char *hdr[] = {"Variable Name", "Value"};
    Table t;
    table_init(&t, 2, hdr);
    for (size_t i = 0; i < json_array_size(vars); i++) {
        const json_t *v = json_array_get(vars, i);
        char *val = jcell(v, "value");
        const char *cells[] = {jstr_or(v, "name", ""), val};
        table_add_row(&t, cells);
        free(val);
    }
    put_table(out, &t, TABLE_LIST, o);
    table_free(&t);
}

void render_entity(StrBuf *out, const json_t *e, const RenderOpts *o)
{
    if (o->format == OUT_JSON) {
        char *s = json_dumps(e, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
        if (s) sb_printf(out, "%s\n", s);
        free(s);
        return;
    }
    const char *type = jstr_or(e, "@type", "");
    if (strcmp(type, "currentStatus") == 0) {
        const json_t *cs = json_object_get(e, "commandStatus");
        put_message_table(out, jstr_or(cs, "message", jstr_or(cs, "status", "")), o);
    } else if (strcmp(type, "streams") == 0) {
        put_sources(out, json_object_get(e, "streams"), false, o);
    } else if (strcmp(type, "tables") == 0) {
        put_sources(out, json_object_get(e, "tables"), true, o);
    } else if (strcmp(type, "queries") == 0) {
        put_queries(out, json_object_get(e, "queries"), o);
    } else if (strcmp(type, "kafka_topics") == 0 || strcmp(type, "kafka_topics_extended") == 0) {
        put_topics(out, json_object_get(e, "topics"), type[12] == '_', o);
    } else if (strcmp(type, "properties") == 0) {
        put_properties(out, e, o);
    } else if (strcmp(type, "sourceDescription") == 0) {
        put_source_description(out, json_object_get(e, "sourceDescription"), o);
    } else if (strcmp(type, "source_descriptions") == 0) {
        const json_t *l = json_object_get(e, "sourceDescriptions");
        for (size_t i = 0; i < json_array_size(l); i++) {
            if (i) sb_putc(out, '\n');
            put_source_description(out, json_array_get(l, i), o);
        }
    } else if (strcmp(type, "queryDescription") == 0) {
        put_query_description(out, json_object_get(e, "queryDescription"), o);
    } else if (strcmp(type, "query_descriptions") == 0) {
        const json_t *l = json_object_get(e, "queryDescriptions");
        for (size_t i = 0; i < json_array_size(l); i++) {
            if (i) sb_putc(out, '\n');
            put_query_description(out, json_array_get(l, i), o);
        }
    } else if (strcmp(type, "function_names") == 0) {
        put_functions(out, json_object_get(e, "functions"), o);
    } else if (strcmp(type, "describe_function") == 0) {
        put_describe_function(out, e);
    } else if (strcmp(type, "type_list") == 0) {
        put_types(out, json_object_get(e, "types"), o);
    } else if (strcmp(type, "variables") == 0) {
        put_variables(out, json_object_get(e, "variables"), o);
    } else if (strcmp(type, "executionPlan") == 0) {
        sb_printf(out, "%s\n", jstr_or(e, "executionPlan", ""));
    } else if (strcmp(type, "terminate_query") == 0) {
        put_message_table(out, "Query terminated.", o);
    } else if (strcmp(type, "warning_entity") == 0) {
        sb_printf(out, "%s\n", jstr_or(e, "message", ""));
    } else if (strcmp(type, "assert_topic") == 0 || strcmp(type, "assert_schema") == 0) {
        const char *what = type[7] == 't' ? "Topic" : "Schema";
        const char *name = jstr_or(e, type[7] == 't' ? "topicName" : "subject", "");
        bool exists = json_is_true(json_object_get(e, "exists"));
        char msg[512];
        snprintf(msg, sizeof msg, "%s %s %s", what, name, exists ? "exists" : "does not exist");
        put_message_table(out, msg, o);
    } else {
        char *s = json_dumps(e, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (s) sb_printf(out, "%s\n", s);
        free(s);
    }
    const json_t *w = json_object_get(e, "warnings");
    for (size_t i = 0; i < json_array_size(w); i++)
        sb_printf(out, "WARNING: %s\n", jstr_or(json_array_get(w, i), "message", ""));
}

/* ---------------------------------------------------------------- query results */

static char **header_names(const json_t *header, int *n)
{
    const json_t *names = json_object_get(header, "columnNames");
    *n = (int)json_array_size(names);
    char **out = calloc((size_t)(*n ? *n : 1), sizeof(char *));
    for (int i = 0; i < *n; i++) {
        const json_t *v = json_array_get(names, (size_t)i);
        out[i] = strdup(json_is_string(v) ? json_string_value(v) : "?");
    }
    return out;
}

static void free_names(char **names, int n)
{
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* Row values as cell texts (missing values are empty). */
static char **row_cells(const json_t *row, int ncols)
{
    char **cells = calloc((size_t)(ncols ? ncols : 1), sizeof(char *));
    for (int i = 0; i < ncols; i++) {
        StrBuf sb = STRBUF_INIT;
        const json_t *v = json_array_get(row, (size_t)i);
        if (v) render_value(&sb, v);
        sb_puts(&sb, "");
        cells[i] = sb_steal(&sb);
    }
    return cells;
}

/* One row as a JSON object {"COL":value,...} on one line (numbers in their
 * shortest form, as in tables). */
static void put_json_row(StrBuf *out, char **names, int ncols, const json_t *row)
{
    sb_putc(out, '{');
    for (int i = 0; i < ncols; i++) {
        if (i) sb_putc(out, ',');
        sb_put_json_string(out, names[i], strlen(names[i]));
        sb_putc(out, ':');
        const json_t *v = json_array_get(row, (size_t)i);
        if (json_is_real(v) && (isnan(json_real_value(v)) || isinf(json_real_value(v))))
            sb_puts(out, "null");
        else if (v)
            put_json(out, v, false);
        else
            sb_puts(out, "null");
    }
    sb_puts(out, "}\n");
}

void render_pull_result(StrBuf *out, const json_t *header, const json_t *rows, const RenderOpts *o)
{
    int n;
    char **names = header_names(header, &n);
    size_t nrows = json_array_size(rows);
    if (o->format == OUT_JSON) {
        for (size_t r = 0; r < nrows; r++)
            put_json_row(out, names, n, json_array_get(rows, r));
        free_names(names, n);
        return;
    }
    Table t;
    table_init(&t, n, (const char *const *)names);
    for (size_t r = 0; r < nrows; r++) {
        char **cells = row_cells(json_array_get(rows, r), n);
        table_add_row(&t, (const char *const *)cells);
        free_names(cells, n);
    }
    bool vertical =
        o->format == OUT_VERTICAL || (o->table.term_width > 0 && o->table.column_width <= 0 &&
                                      table_natural_width(&t, TABLE_GRID) > o->table.term_width);
    if (vertical) {
        if (nrows) table_print_vertical(out, &t, 1);
    } else {
        table_print(out, &t, TABLE_GRID, &o->table);
    }
    sb_printf(out, "(%zu row%s)\n", nrows, nrows == 1 ? "" : "s");
    table_free(&t);
    free_names(names, n);
}

/* Width a column of this type needs for typical values. */
static int type_width(const char *type)
{
    if (!type) return 10;
    if (strncmp(type, "INT", 3) == 0) return 11;
    if (strcmp(type, "BIGINT") == 0) return 14;
    if (strcmp(type, "DOUBLE") == 0 || strncmp(type, "DECIMAL", 7) == 0) return 12;
    if (strcmp(type, "BOOLEAN") == 0) return 7;
    if (strcmp(type, "TIMESTAMP") == 0) return 23;
    if (strcmp(type, "DATE") == 0 || strcmp(type, "TIME") == 0) return 12;
    return 16;
}

void render_push_begin(PushRender *p, StrBuf *out, const json_t *header, const RenderOpts *o)
{
    memset(p, 0, sizeof *p);
    p->opts = *o;
    p->names = header_names(header, &p->ncols);
    p->widths = calloc((size_t)(p->ncols ? p->ncols : 1), sizeof(int));
    const json_t *types = json_object_get(header, "columnTypes");
    int total = p->ncols + 1;
    for (int i = 0; i < p->ncols; i++) {
        const json_t *ty = json_array_get(types, (size_t)i);
        int w = o->table.column_width > 0
                    ? o->table.column_width
                    : type_width(json_is_string(ty) ? json_string_value(ty) : NULL);
        int nw = table_text_width(p->names[i]);
        if (o->table.column_width <= 0 && nw > w) w = nw;
        p->widths[i] = w;
        total += w;
    }
    if (o->format == OUT_VERTICAL) p->vertical = true;
    if (o->format == OUT_TABULAR && o->table.term_width > 0 && total > o->table.term_width) {
        /* shrink toward the names, then give up and draw records */
        for (int i = 0; i < p->ncols && total > o->table.term_width; i++) {
            int nw = table_text_width(p->names[i]);
            if (nw < 6) nw = 6;
            if (p->widths[i] > nw) {
                int cut = p->widths[i] - nw;
                if (cut > total - o->table.term_width) cut = total - o->table.term_width;
                p->widths[i] -= cut;
                total -= cut;
            }
        }
        if (total > o->table.term_width) p->vertical = true;
    }
    if (o->format == OUT_TABULAR && !p->vertical)
        table_grid_header(out, p->ncols, (const char *const *)p->names, p->widths);
}

void render_push_row(PushRender *p, StrBuf *out, const json_t *row)
{
    p->nrows++;
    if (p->opts.format == OUT_JSON) {
        put_json_row(out, p->names, p->ncols, row);
        return;
    }
    char **cells = row_cells(row, p->ncols);
    if (p->vertical) {
        Table t;
        table_init(&t, p->ncols, (const char *const *)p->names);
        table_add_row(&t, (const char *const *)cells);
        table_print_vertical(out, &t, (int)p->nrows);
        table_free(&t);
    } else {
        table_grid_row(out, p->ncols, (const char *const *)cells, p->widths, p->opts.table.wrap);
    }
    free_names(cells, p->ncols);
}

void render_push_end(PushRender *p, StrBuf *out, const char *footer)
{
    if (p->opts.format == OUT_TABULAR && !p->vertical && p->names)
        table_grid_rule(out, p->ncols, p->widths);
    if (footer && p->opts.format != OUT_JSON) sb_printf(out, "%s\n", footer);
}

void render_push_free(PushRender *p)
{
    free_names(p->names, p->ncols);
    free(p->widths);
    memset(p, 0, sizeof *p);
}

/* ---------------------------------------------------------------- errors */

void render_error(StrBuf *out, const char *message, const char *statement)
{
    sb_puts(out, message);
    if (!*message || message[strlen(message) - 1] != '\n') sb_putc(out, '\n');
    int line, col;
    if (!statement || sscanf(message, "line %d:%d:", &line, &col) != 2 || line < 1 || col < 1)
        return;
    const char *p = statement;
    for (int l = 1; l < line && p; l++) {
        p = strchr(p, '\n');
        if (p) p++;
    }
    if (!p) return;
    size_t n = strcspn(p, "\n");
    sb_puts(out, "Statement: ");
    sb_append(out, p, n);
    sb_putc(out, '\n');
    for (int i = 0; i < (int)strlen("Statement: ") + col - 1; i++)
        sb_putc(out, ' ');
    sb_puts(out, "^\n");
}
