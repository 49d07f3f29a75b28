/*
 * ddl.c - CREATE STREAM / CREATE TABLE over an existing topic: column and WITH
 * property validation with ksqlDB's rules and messages, producing a Source.
 *
 * Also the WITH-property helpers shared with CREATE ... AS SELECT (formats,
 * delimiters, wrapping, durations).
 */
#include "ddl_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const known_props[] = {
    "KAFKA_TOPIC",
    "FORMAT",
    "KEY_FORMAT",
    "VALUE_FORMAT",
    "PARTITIONS",
    "REPLICAS",
    "RETENTION_MS",
    "TIMESTAMP",
    "TIMESTAMP_FORMAT",
    "VALUE_DELIMITER",
    "KEY_DELIMITER",
    "WRAP_SINGLE_VALUE",
    "KEY_SCHEMA_ID",
    "VALUE_SCHEMA_ID",
    "KEY_SCHEMA_FULL_NAME",
    "VALUE_SCHEMA_FULL_NAME",
    "VALUE_AVRO_SCHEMA_FULL_NAME",
    "KEY_PROTOBUF_NULLABLE_REPRESENTATION",
    "VALUE_PROTOBUF_NULLABLE_REPRESENTATION",
    "WINDOW_TYPE",
    "WINDOW_SIZE",
    "SOURCE_CONNECTOR",
};

const AstProperty *ddl_prop(const AstStmt *s, const char *name)
{
    for (int i = 0; i < s->nprops; i++)
        if (strcasecmp(s->props[i].name, name) == 0) return &s->props[i];
    return NULL;
}

/* The text of a property value: strings as-is, numbers and booleans rendered. */
const char *ddl_prop_text(Arena *a, const AstProperty *p)
{
    if (!p || !p->value) return NULL;
    const AstExpr *v = p->value;
    switch (v->kind) {
    case AST_STRING: return arena_strndup(a, v->text, v->len);
    case AST_INT: return arena_printf(a, "%lld", (long long)v->u.i);
    case AST_BOOL: return v->u.b ? "true" : "false";
    case AST_DECIMAL:
    case AST_DOUBLE: return v->text;
    case AST_NULL: return NULL;
    case AST_UNARY:
        if (v->op == '-' && v->left && v->left->kind == AST_INT)
            return arena_printf(a, "-%lld", (long long)v->left->u.i);
        return NULL;
    case AST_COLUMN: return v->name;
    default: return NULL;
    }
}

int ddl_check_props(const AstStmt *s, EddyError *err)
{
    for (int i = 0; i < s->nprops; i++) {
        bool ok = false;
        for (size_t k = 0; k < sizeof known_props / sizeof known_props[0]; k++)
            if (strcasecmp(s->props[i].name, known_props[k]) == 0) ok = true;
        if (!ok)
            return err_set(err, ERR_SEMANTIC, s->props[i].offset,
                           "Invalid config variable(s) in the WITH clause: %s", s->props[i].name);
    }
    return 0;
}

int ddl_parse_delimiter(const char *prop, const char *v, char *out, EddyError *err)
{
    /* ksqlDB trims the value: a lone space or tab counts as empty. */
    while (v && (*v == ' ' || *v == '\t'))
        v++;
    if (!v || !*v)
        return err_set(err, ERR_SEMANTIC, -1,
                       "Configuration %s is invalid: Delimiter cannot be empty, if you meant to "
                       "have a tab or space for delimiter, please use the special values 'TAB' or "
                       "'SPACE'\nExample valid value: ';'",
                       prop);
    if (strcasecmp(v, "TAB") == 0) {
        *out = '\t';
        return 0;
    }
    if (strcasecmp(v, "SPACE") == 0) {
        *out = ' ';
        return 0;
    }
    if (strlen(v) != 1)
        return err_set(err, ERR_SEMANTIC, -1,
                       "Configuration %s is invalid: Invalid delimiter value: '%s'. Delimiter must "
                       "be a single character or TAB,SPACE\nExample valid value: ';'",
                       prop, v);
    *out = v[0];
    return 0;
}

int64_t planner_parse_duration(const char *text, EddyError *err)
{
    char num[64], unit[64];
    const char *p = text;
    while (*p == ' ')
        p++;
    size_t n = 0;
    while (*p && isdigit((unsigned char)*p) && n + 1 < sizeof num)
        num[n++] = *p++;
    num[n] = 0;
    while (*p == ' ')
        p++;
    size_t m = 0;
    while (*p && *p != ' ' && m + 1 < sizeof unit)
        unit[m++] = (char)toupper((unsigned char)*p++);
    unit[m] = 0;
    while (*p == ' ')
        p++;
    if (!n || !m || *p) {
        err_set(err, ERR_SEMANTIC, -1, "Invalid duration: '%s'. Expected format: '<number> <unit>'",
                text);
        return -1;
    }
    int64_t v = strtoll(num, NULL, 10);
    int64_t ms = duration_unit_ms(unit);
    if (ms < 0) {
        err_set(err, ERR_SEMANTIC, -1, "Invalid duration: '%s'. Unknown time unit: '%s'", text,
                unit);
        return -1;
    }
    if (ms == 0) return v / 1000000; /* NANOSECONDS .. */
    return v * ms;
}

int64_t duration_unit_ms(const char *unit)
{
    static const struct {
        const char *name;
        int64_t ms;
    } units[] = {
        {"MILLISECOND", 1}, {"MILLISECONDS", 1}, {"SECOND", 1000},  {"SECONDS", 1000},
        {"MINUTE", 60000},  {"MINUTES", 60000},  {"HOUR", 3600000}, {"HOURS", 3600000},
        {"DAY", 86400000},  {"DAYS", 86400000},  {"NANOSECOND", 0}, {"NANOSECONDS", 0},
        {"MICROSECOND", 0}, {"MICROSECONDS", 0},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcasecmp(units[i].name, unit) == 0) return units[i].ms;
    return -1;
}

int64_t planner_default_grace_ms(int64_t size_ms)
{
    /* Kafka Streams' legacy default: 24 hours minus the window size, at least 0. */
    int64_t g = 86400000LL - size_ms;
    return g > 0 ? g : 0;
}

static bool reserved_name(const char *n)
{
    return strcmp(n, "ROWTIME") == 0 || strcmp(n, "ROWPARTITION") == 0 ||
           strcmp(n, "ROWOFFSET") == 0 || strcmp(n, "WINDOWSTART") == 0 ||
           strcmp(n, "WINDOWEND") == 0;
}

bool ddl_reserved_column(const char *name)
{
    return reserved_name(name);
}

/* Resolves FORMAT / KEY_FORMAT / VALUE_FORMAT (with defaults) into kinds. */
int ddl_formats(const AstStmt *s, const Props *props, Arena *a, bool has_keys, bool require_value,
                FormatKind inherit_key, FormatKind inherit_val, FormatSpec *key, FormatSpec *val,
                bool *key_explicit, EddyError *err)
{
    const char *fmt = ddl_prop_text(a, ddl_prop(s, "FORMAT"));
    const char *kf = ddl_prop_text(a, ddl_prop(s, "KEY_FORMAT"));
    const char *vf = ddl_prop_text(a, ddl_prop(s, "VALUE_FORMAT"));
    if (fmt && kf)
        return err_set(err, ERR_SEMANTIC, -1,
                       "Cannot supply both 'KEY_FORMAT' and 'FORMAT' properties, as 'FORMAT' sets "
                       "both key and value formats. Either use just 'FORMAT', or use 'KEY_FORMAT' "
                       "and 'VALUE_FORMAT'.");
    if (fmt && vf)
        return err_set(err, ERR_SEMANTIC, -1,
                       "Cannot supply both 'VALUE_FORMAT' and 'FORMAT' properties, as 'FORMAT' "
                       "sets both key and value formats. Either use just 'FORMAT', or use "
                       "'KEY_FORMAT' and 'VALUE_FORMAT'.");
    if (fmt) kf = vf = fmt;
    memset(key, 0, sizeof *key);
    memset(val, 0, sizeof *val);
    key->delimiter = val->delimiter = ',';
    *key_explicit = kf != NULL;
    if (!vf && (int)inherit_val < 0) vf = props_get(props, "ksql.persistence.default.format.value");
    if (vf) {
        if (format_parse(vf, &val->kind, err) < 0) return ERR_SEMANTIC;
    } else if ((int)inherit_val >= 0) {
        val->kind = inherit_val;
    } else if (require_value) {
        return err_set(err, ERR_SEMANTIC, -1,
                       "Statement is missing the 'VALUE_FORMAT' property from the WITH clause. "
                       "Either provide one or set a default via the "
                       "'ksql.persistence.default.format.value' config.");
    }
    if (kf) {
        if (format_parse(kf, &key->kind, err) < 0) return ERR_SEMANTIC;
    } else if ((int)inherit_key >= 0 && !(inherit_key == FMT_NONE && has_keys)) {
        key->kind = inherit_key;
    } else {
        const char *dk = props_get_str(props, "ksql.persistence.default.format.key", "KAFKA");
        if (format_parse(dk, &key->kind, err) < 0) return ERR_SEMANTIC;
    }
    if (!has_keys) {
        /* A source keeps a key format it was given (FORMAT='JSON' applies to keys
         * added later by PARTITION BY); an unkeyed sink has none. */
        bool is_source = require_value;
        if (!is_source && ddl_prop(s, "KEY_FORMAT") && key->kind != FMT_NONE)
            return err_set(err, ERR_SEMANTIC, -1,
                           "Key format specified for stream without key columns.");
        if (!is_source || !*key_explicit) key->kind = FMT_NONE;
    }
    if (has_keys && key->kind == FMT_NONE)
        return err_set(err, ERR_SEMANTIC, -1,
                       "The 'NONE' format can only be used when no columns are defined. Got: key "
                       "columns");
    for (int pass = 0; pass < 2; pass++) {
        FormatSpec *f = pass ? val : key;
        if (format_needs_schema_registry(f->kind))
            return err_set(err, ERR_UNSUPPORTED, -1,
                           "The '%s' format needs a schema registry, and eddy has none configured. "
                           "Use JSON, DELIMITED or KAFKA.",
                           format_name(f->kind));
    }
    const char *vd = ddl_prop_text(a, ddl_prop(s, "VALUE_DELIMITER"));
    if (ddl_prop(s, "VALUE_DELIMITER")) {
        if (val->kind != FMT_DELIMITED)
            return err_set(err, ERR_SEMANTIC, -1,
                           "%s does not support the following configs: [delimiter]",
                           format_name(val->kind));
        if (ddl_parse_delimiter("VALUE_DELIMITER", vd, &val->delimiter, err) < 0)
            return ERR_SEMANTIC;
    }
    const char *kd = ddl_prop_text(a, ddl_prop(s, "KEY_DELIMITER"));
    if (ddl_prop(s, "KEY_DELIMITER")) {
        if (key->kind != FMT_DELIMITED)
            return err_set(err, ERR_SEMANTIC, -1,
                           "%s does not support the following configs: [delimiter]",
                           format_name(key->kind));
        if (ddl_parse_delimiter("KEY_DELIMITER", kd, &key->delimiter, err) < 0) return ERR_SEMANTIC;
    }
    if (ddl_prop(s, "VALUE_SCHEMA_FULL_NAME") || ddl_prop(s, "VALUE_AVRO_SCHEMA_FULL_NAME")) {
        if (val->kind == FMT_JSON || val->kind == FMT_DELIMITED || val->kind == FMT_KAFKA)
            return err_set(err, ERR_SEMANTIC, -1,
                           "%s does not support the following configs: [fullSchemaName]",
                           format_name(val->kind));
    }
    return 0;
}

int ddl_wrapping(const AstStmt *s, const Props *props, Arena *a, int nvalue_cols, FormatSpec *val,
                 EddyError *err)
{
    const AstProperty *w = ddl_prop(s, "WRAP_SINGLE_VALUE");
    val->wrap_single = true;
    if (w) {
        const char *t = ddl_prop_text(a, w);
        bool b = t && strcasecmp(t, "true") == 0;
        if (nvalue_cols != 1)
            return err_set(err, ERR_SEMANTIC, w->offset,
                           "'WRAP_SINGLE_VALUE' is only valid for single-field value schemas");
        if (b && (val->kind == FMT_KAFKA || val->kind == FMT_DELIMITED))
            return err_set(err, ERR_SEMANTIC, w->offset,
                           "Format '%s' does not support 'WRAP_SINGLE_VALUE' set to 'true'.",
                           format_name(val->kind));
        val->wrap_single = b;
        val->wrap_explicit = true;
    } else {
        const char *pv = props_get(props, "ksql.persistence.wrap.single.values");
        if (pv && nvalue_cols == 1 && val->kind != FMT_KAFKA && val->kind != FMT_DELIMITED) {
            val->wrap_single = strcasecmp(pv, "false") != 0;
            val->wrap_explicit = true;
        }
    }
    if (val->kind == FMT_KAFKA || val->kind == FMT_DELIMITED) val->wrap_single = false;
    return 0;
}

int ddl_validate_key_types(const Schema *sc, EddyError *err)
{
    for (int i = 0; i < sc->nkey; i++) {
        if (type_contains_map(sc->cols[i].type))
            return err_set(err, ERR_SEMANTIC, -1,
                           "Map keys, including types that contain maps, are not supported as they "
                           "may lead to unexpected behavior due to inconsistent serialization. Key "
                           "column name: `%s`. Column type: %s. See "
                           "https://github.com/confluentinc/ksql/issues/6621 for more.",
                           sc->cols[i].name, type_name(sc->cols[i].type));
    }
    return 0;
}

int ddl_validate_formats(const Schema *sc, const FormatSpec *key, const FormatSpec *val,
                         EddyError *err)
{
    const char *names[sc->ncols > 0 ? sc->ncols : 1];
    const Type *types[sc->ncols > 0 ? sc->ncols : 1];
    int nk = 0;
    for (int i = 0; i < sc->nkey; i++) {
        names[nk] = sc->cols[i].name;
        types[nk++] = sc->cols[i].type;
    }
    if (format_validate(key, true, nk, names, types, err) < 0) return ERR_SEMANTIC;
    int nv = 0;
    for (int i = sc->nkey; i < sc->ncols; i++) {
        if (sc->cols[i].role == COL_HEADERS || sc->cols[i].role == COL_HEADER) continue;
        names[nv] = sc->cols[i].name;
        types[nv++] = sc->cols[i].type;
    }
    if (format_validate(val, false, nv, names, types, err) < 0) return ERR_SEMANTIC;
    return 0;
}

int ddl_window(const AstStmt *s, Arena *a, WindowInfo *w, EddyError *err)
{
    const char *wt = ddl_prop_text(a, ddl_prop(s, "WINDOW_TYPE"));
    const char *ws = ddl_prop_text(a, ddl_prop(s, "WINDOW_SIZE"));
    memset(w, 0, sizeof *w);
    if (!wt) {
        if (ws)
            return err_set(err, ERR_SEMANTIC, -1,
                           "'WINDOW_SIZE' should not be set without 'WINDOW_TYPE'.");
        return 0;
    }
    if (strcasecmp(wt, "TUMBLING") == 0)
        w->type = WIN_TUMBLING;
    else if (strcasecmp(wt, "HOPPING") == 0)
        w->type = WIN_HOPPING;
    else if (strcasecmp(wt, "SESSION") == 0)
        w->type = WIN_SESSION;
    else
        return err_set(err, ERR_SEMANTIC, -1,
                       "Invalid value %s for property WINDOW_TYPE: String must be one of: SESSION, "
                       "HOPPING, TUMBLING",
                       wt);
    if (w->type == WIN_SESSION) {
        if (ws)
            return err_set(err, ERR_SEMANTIC, -1,
                           "'WINDOW_SIZE' should not be set for SESSION windows.");
        return 0;
    }
    if (!ws)
        return err_set(err, ERR_SEMANTIC, -1,
                       "Tumbling and Hopping window types should set 'WINDOW_SIZE' in the WITH "
                       "clause.");
    EddyError local;
    err_clear(&local);
    int64_t ms = planner_parse_duration(ws, &local);
    if (ms < 0)
        return err_set(err, ERR_SEMANTIC, -1, "Configuration WINDOW_SIZE is invalid: %s",
                       local.msg);
    w->size_ms = ms;
    return 0;
}

static const char *role_name(AstColumnRole r)
{
    switch (r) {
    case AST_COL_KEY: return "KEY";
    case AST_COL_PRIMARY_KEY: return "PRIMARY KEY";
    default: return "";
    }
}

static bool same_column(const Column *a, const Column *b)
{
    return strcmp(a->name, b->name) == 0 && a->type == b->type && a->role == b->role &&
           (a->role != COL_HEADER || strcmp(a->header_key, b->header_key) == 0);
}

static bool schema_upgradeable(const Schema *old, const Schema *next)
{
    if (old->nkey != next->nkey || old->ncols > next->ncols) return false;
    for (int i = 0; i < old->ncols; i++)
        if (!same_column(&old->cols[i], &next->cols[i])) return false;
    return true;
}

static int upgrade_error(const Source *old, const char *what, const char *from, const char *to,
                         EddyError *err)
{
    return err_set(err, ERR_SEMANTIC, -1,
                   "Cannot upgrade data source: DataSource '`%s`' has %s = %s which is not "
                   "upgradeable to %s",
                   old->name, what, from, to);
}

int ddl_check_upgrade(const Source *old, const Source *next, EddyError *err)
{
    if (!schema_upgradeable(&old->schema, &next->schema)) {
        StrBuf a = STRBUF_INIT, b = STRBUF_INIT;
        schema_print(&a, &old->schema, false);
        schema_print(&b, &next->schema, false);
        upgrade_error(old, "schema", sb_cstr(&a), sb_cstr(&b), err);
        sb_free(&a);
        sb_free(&b);
        return ERR_SEMANTIC;
    }
    if (strcmp(old->topic, next->topic) != 0)
        return upgrade_error(old, "topic", old->topic, next->topic, err);
    if (old->key_fmt.kind != next->key_fmt.kind)
        return upgrade_error(old, "keyFormat", format_name(old->key_fmt.kind),
                             format_name(next->key_fmt.kind), err);
    if (old->val_fmt.kind != next->val_fmt.kind)
        return upgrade_error(old, "valueFormat", format_name(old->val_fmt.kind),
                             format_name(next->val_fmt.kind), err);
    const char *ots = old->ts_col >= 0 ? old->schema.cols[old->ts_col].name : "Optional.empty";
    const char *nts = next->ts_col >= 0 ? next->schema.cols[next->ts_col].name : "Optional.empty";
    if (strcmp(ots, nts) != 0) return upgrade_error(old, "timestampColumn", ots, nts, err);
    if (old->window.type != next->window.type || old->window.size_ms != next->window.size_ms)
        return upgrade_error(old, "windowType", old->window.type == WIN_NONE ? "none" : "windowed",
                             next->window.type == WIN_NONE ? "none" : "windowed", err);
    return 0;
}

int planner_create_source(const PlanRequest *req, Source **out, EddyError *err)
{
    const AstStmt *s = req->stmt;
    Source *src = source_new(s->name);
    Arena *a = &src->arena;
    src->is_table = s->is_table;
    src->is_source = s->is_source;
    src->sql = arena_strdup(a, req->text);
    if (ddl_check_props(s, err) < 0) goto fail;

    /* Columns: keys first, in declaration order, then values. */
    int n = s->ncolumns;
    Column *cols = arena_zalloc(a, sizeof(Column) * (size_t)(n ? n : 1));
    int nkey = 0, k = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < n; i++) {
            const AstColumnDef *cd = &s->columns[i];
            bool is_key = cd->role == AST_COL_KEY || cd->role == AST_COL_PRIMARY_KEY;
            if (is_key != (pass == 0)) continue;
            if (reserved_name(cd->name)) {
                err_set(err, ERR_SEMANTIC, cd->offset,
                        "'%s' is a reserved column name. You cannot use it as a name for a column.",
                        cd->name);
                goto fail;
            }
            for (int j = 0; j < k; j++) {
                if (strcmp(cols[j].name, cd->name) == 0) {
                    err_set(err, ERR_SEMANTIC, cd->offset, "Duplicate column names:%s%s", " ",
                            cd->name);
                    goto fail;
                }
            }
            if (cd->role == AST_COL_KEY && s->is_table) {
                err_set(err, ERR_SEMANTIC, cd->offset,
                        "Column `%s` is a 'KEY' column: please use 'PRIMARY KEY' for tables.\n"
                        "Tables have PRIMARY KEYs, which are unique and NON NULL.\n"
                        "Streams have KEYs, which have no uniqueness or NON NULL constraints.",
                        cd->name);
                goto fail;
            }
            if (cd->role == AST_COL_PRIMARY_KEY && !s->is_table) {
                err_set(err, ERR_SEMANTIC, cd->offset,
                        "Column `%s` is a 'PRIMARY KEY' column: please use 'KEY' for streams.\n"
                        "Tables have PRIMARY KEYs, which are unique and NON NULL.\n"
                        "Streams have KEYs, which have no uniqueness or NON NULL constraints.",
                        cd->name);
                goto fail;
            }
            Column *c = &cols[k++];
            c->name = type_intern_name(cd->name);
            if (planner_resolve_type(req->catalog, cd->type, &c->type, err) < 0) goto fail;
            switch (cd->role) {
            case AST_COL_KEY:
            case AST_COL_PRIMARY_KEY: c->role = COL_KEY; break;
            case AST_COL_HEADERS:
                c->role = COL_HEADERS;
                {
                    TypeField f[2] = {{"KEY", T_STRING}, {"VALUE", T_BYTES}};
                    const Type *want = type_array(type_struct(2, f));
                    if (c->type != want) {
                        err_set(err, ERR_SEMANTIC, cd->offset,
                                "Invalid type for HEADERS column: expected %s, got %s",
                                type_name(want), type_name(c->type));
                        goto fail;
                    }
                }
                break;
            case AST_COL_HEADER:
                c->role = COL_HEADER;
                c->header_key = arena_strdup(a, cd->header_key);
                if (c->type != T_BYTES) {
                    err_set(err, ERR_SEMANTIC, cd->offset,
                            "Invalid type for HEADER('%s') column: expected BYTES, got %s",
                            cd->header_key, type_name(c->type));
                    goto fail;
                }
                break;
            default: c->role = COL_VALUE; break;
            }
            if (is_key) nkey++;
            (void)role_name;
        }
    }
    src->schema.cols = cols;
    src->schema.ncols = k;
    src->schema.nkey = nkey;
    if (s->is_table && nkey == 0 && n > 0) {
        err_set(err, ERR_SEMANTIC, s->offset,
                "Tables require a PRIMARY KEY. Please define the PRIMARY KEY.\n"
                "Use a partial schema to define the primary key and still load the value columns "
                "from the Schema Registry, for example:\n"
                "\tCREATE TABLE %s (ID INT PRIMARY KEY) WITH (...);",
                s->name);
        goto fail;
    }

    const char *topic = ddl_prop_text(a, ddl_prop(s, "KAFKA_TOPIC"));
    if (!topic) {
        err_set(err, ERR_SEMANTIC, s->offset,
                "Missing required property \"KAFKA_TOPIC\" which has no default value.");
        goto fail;
    }
    src->topic = topic;
    bool key_explicit;
    if (ddl_formats(s, req->props, a, nkey > 0, true, (FormatKind)-1, (FormatKind)-1, &src->key_fmt,
                    &src->val_fmt, &key_explicit, err) < 0)
        goto fail;
    int nval = 0;
    for (int i = nkey; i < k; i++)
        if (cols[i].role == COL_VALUE) nval++;
    if (ddl_wrapping(s, req->props, a, nval, &src->val_fmt, err) < 0) goto fail;
    if (ddl_validate_key_types(&src->schema, err) < 0) goto fail;
    if (ddl_validate_formats(&src->schema, &src->key_fmt, &src->val_fmt, err) < 0) goto fail;
    if (ddl_window(s, a, &src->window, err) < 0) goto fail;
    if (n == 0) {
        err_set(err, ERR_SEMANTIC, s->offset,
                "The statement does not define any columns, and eddy has no schema registry to "
                "infer them from. Declare the columns.");
        goto fail;
    }

    const char *ts = ddl_prop_text(a, ddl_prop(s, "TIMESTAMP"));
    if (ts) {
        char up[256];
        snprintf(up, sizeof up, "%s", ts);
        int idx = schema_find(&src->schema, up);
        if (idx < 0) {
            for (char *p = up; *p; p++)
                *p = (char)toupper((unsigned char)*p);
            idx = schema_find(&src->schema, up);
        }
        if (idx < 0) {
            err_set(
                err, ERR_SEMANTIC, -1,
                "The TIMESTAMP column set in the WITH clause does not exist in the schema: '%s'",
                up);
            goto fail;
        }
        const Type *t = src->schema.cols[idx].type;
        src->ts_format = ddl_prop_text(a, ddl_prop(s, "TIMESTAMP_FORMAT"));
        if (!(t->kind == TYPE_BIGINT || t->kind == TYPE_TIMESTAMP ||
              (t->kind == TYPE_STRING && src->ts_format))) {
            if (t->kind == TYPE_STRING)
                err_set(err, ERR_SEMANTIC, -1,
                        "A String timestamp field has been specified without also specifying the "
                        "TIMESTAMP_FORMAT property.");
            else
                err_set(
                    err, ERR_SEMANTIC, -1,
                    "Timestamp column, `%s`, should be LONG(INT64), TIMESTAMP, or a String with "
                    "a timestamp_format specified.",
                    src->schema.cols[idx].name);
            goto fail;
        }
        src->ts_col = idx;
    }
    const char *parts = ddl_prop_text(a, ddl_prop(s, "PARTITIONS"));
    src->partitions = parts ? atoi(parts) : 0;
    const char *repl = ddl_prop_text(a, ddl_prop(s, "REPLICAS"));
    src->replicas = repl ? atoi(repl) : 1;
    if (s->or_replace) {
        const Source *old = catalog_find(req->catalog, s->name);
        if (old && old->is_table == src->is_table && ddl_check_upgrade(old, src, err) < 0)
            goto fail;
    }
    *out = src;
    return 0;
fail:
    source_free(src);
    return err->code ? err->code : ERR_SEMANTIC;
}
