/*
 * ast_print.c - renders AST nodes back to SQL, and compares trees.
 *
 * Expressions print as ksqlDB's ExpressionFormatter prints them in messages:
 * every operation fully parenthesised "(A + B)", "(ID = '10')", "(NOT X)",
 * functions "SUBSTRING(S, 0, 3)", "COUNT(*)", qualified columns "INPUT.ID",
 * struct fields "S->F", "CAST(X AS INTEGER)", "ARRAY[1, 2]", "MAP(1:='a')",
 * strings re-quoted, null/true/false lower-case, identifiers back-quoted only
 * when they need it. Queries use the layout of ksqlDB's SqlFormatter (one select
 * item per line, one clause per line). The output parses back to an equal tree
 * (ast_stmt_equal): where ksqlDB's text would not (NOT BETWEEN/LIKE/IN, whose
 * ksqlDB form is "(NOT (A LIKE B))", and a minus before a parenthesised number),
 * the printer uses the infix "NOT LIKE" form and "-(5)".
 */
#include <string.h>

#include "ast.h"
#include "parse_int.h"

#include "eddy.h"

/* ---------------------------------------------------------------- identifiers */

/* Whether an identifier must be back-quoted to read back as itself: anything
 * but [A-Z_][A-Z0-9_@]*, reserved words, and the time units (which function
 * arguments would read as units). */
static bool needs_quotes(const char *s)
{
    if (!s || !s[0]) return true;
    if (!((s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_')) return true;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '@'))
            return true;
    int kw = tok_keyword(s, (int)strlen(s));
    if (!kw) return false;
    if (!eddy_parser_nonreserved(kw)) return true;
    return kw >= TK_MILLISECOND && kw <= TK_MICROSECONDS;
}

static void put_ident(StrBuf *sb, const char *s)
{
    if (!needs_quotes(s)) {
        sb_puts(sb, s);
        return;
    }
    sb_putc(sb, '`');
    for (const char *p = s ? s : ""; *p; p++) {
        if (*p == '`') sb_putc(sb, '`');
        sb_putc(sb, *p);
    }
    sb_putc(sb, '`');
}

static void put_string(StrBuf *sb, const char *s, size_t n)
{
    sb_putc(sb, '\'');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\'') sb_putc(sb, '\'');
        sb_putc(sb, s[i]);
    }
    sb_putc(sb, '\'');
}

static void put_cstring(StrBuf *sb, const char *s)
{
    put_string(sb, s ? s : "", s ? strlen(s) : 0);
}

/* ---------------------------------------------------------------- types */

void ast_type_print(StrBuf *sb, const AstType *t)
{
    if (!t) return;
    switch (t->kind) {
    case AST_T_BOOLEAN: sb_puts(sb, "BOOLEAN"); break;
    case AST_T_INT: sb_puts(sb, "INTEGER"); break;
    case AST_T_BIGINT: sb_puts(sb, "BIGINT"); break;
    case AST_T_DOUBLE: sb_puts(sb, "DOUBLE"); break;
    case AST_T_DECIMAL: sb_printf(sb, "DECIMAL(%d, %d)", t->precision, t->scale); break;
    case AST_T_STRING: sb_puts(sb, "STRING"); break;
    case AST_T_BYTES: sb_puts(sb, "BYTES"); break;
    case AST_T_DATE: sb_puts(sb, "DATE"); break;
    case AST_T_TIME: sb_puts(sb, "TIME"); break;
    case AST_T_TIMESTAMP: sb_puts(sb, "TIMESTAMP"); break;
    case AST_T_ARRAY:
        sb_puts(sb, "ARRAY<");
        ast_type_print(sb, t->elem);
        sb_putc(sb, '>');
        break;
    case AST_T_MAP:
        sb_puts(sb, "MAP<");
        ast_type_print(sb, t->key);
        sb_puts(sb, ", ");
        ast_type_print(sb, t->elem);
        sb_putc(sb, '>');
        break;
    case AST_T_STRUCT:
        sb_puts(sb, "STRUCT<");
        for (int i = 0; i < t->nfields; i++) {
            if (i) sb_puts(sb, ", ");
            /* ksqlDB always quotes struct field names in types */
            sb_putc(sb, '`');
            for (const char *p = t->fields[i].name; *p; p++) {
                if (*p == '`') sb_putc(sb, '`');
                sb_putc(sb, *p);
            }
            sb_puts(sb, "` ");
            ast_type_print(sb, t->fields[i].type);
        }
        sb_putc(sb, '>');
        break;
    case AST_T_CUSTOM: put_ident(sb, t->name); break;
    }
}

/* ---------------------------------------------------------------- expressions */

static const char *binop_text(int op)
{
    switch (op) {
    case AST_OP_ADD: return "+";
    case AST_OP_SUB: return "-";
    case AST_OP_MUL: return "*";
    case AST_OP_DIV: return "/";
    case AST_OP_MOD: return "%";
    case AST_OP_CONCAT: return "||";
    case AST_OP_EQ: return "=";
    case AST_OP_NE: return "<>";
    case AST_OP_LT: return "<";
    case AST_OP_LE: return "<=";
    case AST_OP_GT: return ">";
    case AST_OP_GE: return ">=";
    case AST_OP_AND: return "AND";
    case AST_OP_OR: return "OR";
    default: return "?";
    }
}

static void put_args(StrBuf *sb, AstExpr *const *args, int n)
{
    for (int i = 0; i < n; i++) {
        if (i) sb_puts(sb, ", ");
        ast_expr_print(sb, args[i]);
    }
}

static bool is_number(const AstExpr *e)
{
    return e && (e->kind == AST_INT || e->kind == AST_DECIMAL || e->kind == AST_DOUBLE);
}

static void put_literal_number(StrBuf *sb, const AstExpr *e)
{
    if (e->kind == AST_INT)
        sb_put_i64(sb, e->u.i);
    else
        sb_puts(sb, e->text ? e->text : "0");
}

void ast_expr_print(StrBuf *sb, const AstExpr *e)
{
    if (!e) return;
    switch (e->kind) {
    case AST_NULL: sb_puts(sb, "null"); break;
    case AST_BOOL: sb_puts(sb, e->u.b ? "true" : "false"); break;
    case AST_INT:
    case AST_DECIMAL:
    case AST_DOUBLE: put_literal_number(sb, e); break;
    case AST_STRING: put_string(sb, e->text ? e->text : "", e->len); break;
    case AST_COLUMN:
        if (e->qualifier) {
            put_ident(sb, e->qualifier);
            sb_putc(sb, '.');
        }
        put_ident(sb, e->name);
        break;
    case AST_DEREF:
        ast_expr_print(sb, e->left);
        sb_puts(sb, "->");
        put_ident(sb, e->name);
        break;
    case AST_SUBSCRIPT:
        ast_expr_print(sb, e->left);
        sb_putc(sb, '[');
        ast_expr_print(sb, e->right);
        sb_putc(sb, ']');
        break;
    case AST_UNARY:
        if (e->op == 'N') {
            sb_puts(sb, "(NOT ");
            ast_expr_print(sb, e->left);
            sb_putc(sb, ')');
            break;
        }
        sb_putc(sb, e->op == '-' ? '-' : '+');
        if (e->op == '-' && is_number(e->left) &&
            !(e->left->kind == AST_INT ? e->left->u.i < 0
                                       : e->left->text && e->left->text[0] == '-')) {
            /* "-5" would read back as the literal -5 */
            sb_putc(sb, '(');
            put_literal_number(sb, e->left);
            sb_putc(sb, ')');
            break;
        }
        {
            size_t at = sb->len;
            ast_expr_print(sb, e->left);
            if (sb->len > at && sb->data[at] == '-') {
                /* keep "- -5" from reading as a comment */
                StrBuf tmp = STRBUF_INIT;
                sb_append(&tmp, sb->data + at, sb->len - at);
                sb->len = at;
                sb_putc(sb, ' ');
                sb_append(sb, tmp.data, tmp.len);
                sb_free(&tmp);
            }
        }
        break;
    case AST_BINARY:
        sb_putc(sb, '(');
        ast_expr_print(sb, e->left);
        sb_printf(sb, " %s ", binop_text(e->op));
        ast_expr_print(sb, e->right);
        sb_putc(sb, ')');
        break;
    case AST_IS_NULL:
        sb_putc(sb, '(');
        ast_expr_print(sb, e->left);
        sb_puts(sb, e->negated ? " IS NOT NULL)" : " IS NULL)");
        break;
    case AST_DISTINCT:
        sb_putc(sb, '(');
        ast_expr_print(sb, e->left);
        sb_puts(sb, e->negated ? " IS NOT DISTINCT FROM " : " IS DISTINCT FROM ");
        ast_expr_print(sb, e->right);
        sb_putc(sb, ')');
        break;
    case AST_BETWEEN:
        sb_putc(sb, '(');
        ast_expr_print(sb, e->left);
        sb_puts(sb, e->negated ? " NOT BETWEEN " : " BETWEEN ");
        ast_expr_print(sb, e->nargs > 0 ? e->args[0] : NULL);
        sb_puts(sb, " AND ");
        ast_expr_print(sb, e->nargs > 1 ? e->args[1] : NULL);
        sb_putc(sb, ')');
        break;
    case AST_LIKE:
        sb_putc(sb, '(');
        ast_expr_print(sb, e->left);
        sb_puts(sb, e->negated ? " NOT LIKE " : " LIKE ");
        ast_expr_print(sb, e->right);
        if (e->text) {
            sb_puts(sb, " ESCAPE ");
            put_cstring(sb, e->text);
        }
        sb_putc(sb, ')');
        break;
    case AST_IN:
        sb_putc(sb, '(');
        ast_expr_print(sb, e->left);
        sb_puts(sb, e->negated ? " NOT IN (" : " IN (");
        put_args(sb, e->args, e->nargs);
        sb_puts(sb, "))");
        break;
    case AST_CASE:
        sb_puts(sb, "(CASE");
        if (e->left) {
            sb_putc(sb, ' ');
            ast_expr_print(sb, e->left);
        }
        for (int i = 0; i + 1 < e->nargs; i += 2) {
            sb_puts(sb, " WHEN ");
            ast_expr_print(sb, e->args[i]);
            sb_puts(sb, " THEN ");
            ast_expr_print(sb, e->args[i + 1]);
        }
        if (e->right) {
            sb_puts(sb, " ELSE ");
            ast_expr_print(sb, e->right);
        }
        sb_puts(sb, " END)");
        break;
    case AST_CAST:
        sb_puts(sb, "CAST(");
        ast_expr_print(sb, e->left);
        sb_puts(sb, " AS ");
        ast_type_print(sb, e->type);
        sb_putc(sb, ')');
        break;
    case AST_FUNC:
        put_ident(sb, e->name);
        sb_putc(sb, '(');
        if (e->star) sb_putc(sb, '*');
        if (e->distinct) sb_puts(sb, "DISTINCT ");
        put_args(sb, e->args, e->nargs);
        sb_putc(sb, ')');
        break;
    case AST_LAMBDA:
        sb_putc(sb, '(');
        for (int i = 0; i < e->nargs; i++) {
            if (i) sb_puts(sb, ", ");
            put_ident(sb, e->names[i]);
        }
        sb_puts(sb, ") => ");
        ast_expr_print(sb, e->left);
        break;
    case AST_ARRAY:
        sb_puts(sb, "ARRAY[");
        put_args(sb, e->args, e->nargs);
        sb_putc(sb, ']');
        break;
    case AST_MAP:
        sb_puts(sb, "MAP(");
        for (int i = 0; i + 1 < e->nargs; i += 2) {
            if (i) sb_puts(sb, ", ");
            ast_expr_print(sb, e->args[i]);
            sb_puts(sb, ":=");
            ast_expr_print(sb, e->args[i + 1]);
        }
        sb_putc(sb, ')');
        break;
    case AST_STRUCT:
        sb_puts(sb, "STRUCT(");
        for (int i = 0; i < e->nargs; i++) {
            if (i) sb_puts(sb, ", ");
            put_ident(sb, e->names[i]);
            sb_puts(sb, ":=");
            ast_expr_print(sb, e->args[i]);
        }
        sb_putc(sb, ')');
        break;
    case AST_INTERVAL_UNIT: sb_puts(sb, e->name); break;
    case AST_AT_TIMEZONE:
        sb_putc(sb, '(');
        ast_expr_print(sb, e->left);
        sb_puts(sb, " AT TIME ZONE ");
        put_cstring(sb, e->text);
        sb_putc(sb, ')');
        break;
    }
}

/* ---------------------------------------------------------------- queries */

static void put_duration(StrBuf *sb, const AstDuration *d)
{
    sb_put_i64(sb, d->value);
    sb_putc(sb, ' ');
    sb_puts(sb, d->unit ? d->unit : "MILLISECONDS");
}

static void put_relation(StrBuf *sb, const AstRelation *r)
{
    if (!r) return;
    if (r->kind == AST_REL_SOURCE) {
        put_ident(sb, r->name);
        if (r->alias) {
            sb_putc(sb, ' ');
            put_ident(sb, r->alias);
        }
        return;
    }
    static const char *const types[] = {"INNER", "LEFT OUTER", "RIGHT OUTER", "FULL OUTER"};
    put_relation(sb, r->left);
    sb_putc(sb, '\n');
    sb_puts(sb, types[r->join_type]);
    sb_puts(sb, " JOIN ");
    put_relation(sb, r->right);
    if (r->has_within) {
        sb_puts(sb, " WITHIN ");
        if (r->within_before.value == r->within_after.value &&
            strcmp(r->within_before.unit, r->within_after.unit) == 0) {
            put_duration(sb, &r->within_before);
        } else {
            sb_putc(sb, '(');
            put_duration(sb, &r->within_before);
            sb_puts(sb, ", ");
            put_duration(sb, &r->within_after);
            sb_putc(sb, ')');
        }
        if (r->grace.present) {
            sb_puts(sb, " GRACE PERIOD ");
            put_duration(sb, &r->grace);
        }
    }
    sb_puts(sb, " ON ");
    ast_expr_print(sb, r->on);
}

static void put_window(StrBuf *sb, const AstWindow *w)
{
    switch (w->kind) {
    case AST_WIN_TUMBLING: sb_puts(sb, "TUMBLING (SIZE "); break;
    case AST_WIN_HOPPING: sb_puts(sb, "HOPPING (SIZE "); break;
    default: sb_puts(sb, "SESSION ("); break;
    }
    put_duration(sb, &w->size);
    if (w->kind == AST_WIN_HOPPING) {
        sb_puts(sb, ", ADVANCE BY ");
        put_duration(sb, &w->advance);
    }
    if (w->retention.present) {
        sb_puts(sb, ", RETENTION ");
        put_duration(sb, &w->retention);
    }
    if (w->grace.present) {
        sb_puts(sb, ", GRACE PERIOD ");
        put_duration(sb, &w->grace);
    }
    sb_putc(sb, ')');
}

static void put_item(StrBuf *sb, const AstSelectItem *it)
{
    if (it->star) {
        if (it->star_qualifier) {
            put_ident(sb, it->star_qualifier);
            sb_putc(sb, '.');
        }
        sb_putc(sb, '*');
        return;
    }
    ast_expr_print(sb, it->expr);
    if (it->struct_star) {
        sb_puts(sb, "->*");
        return;
    }
    if (it->alias) {
        sb_putc(sb, ' ');
        put_ident(sb, it->alias);
    }
}

static void put_exprs(StrBuf *sb, AstExpr *const *v, int n)
{
    put_args(sb, v, n);
}

static void put_select(StrBuf *sb, const AstSelect *q)
{
    sb_puts(sb, "SELECT");
    if (q->nitems > 1) {
        for (int i = 0; i < q->nitems; i++) {
            sb_puts(sb, i ? ",\n  " : "\n  ");
            put_item(sb, &q->items[i]);
        }
    } else if (q->nitems == 1) {
        sb_putc(sb, ' ');
        put_item(sb, &q->items[0]);
    }
    sb_puts(sb, "\nFROM ");
    put_relation(sb, q->from);
    if (q->window) {
        sb_puts(sb, "\nWINDOW ");
        put_window(sb, q->window);
    }
    if (q->where) {
        sb_puts(sb, "\nWHERE ");
        ast_expr_print(sb, q->where);
    }
    if (q->group_by) {
        sb_puts(sb, "\nGROUP BY ");
        if (q->ngroup == 0) sb_puts(sb, "()");
        put_exprs(sb, q->group_by, q->ngroup);
    }
    if (q->partition_by) {
        sb_puts(sb, "\nPARTITION BY ");
        if (q->npartition == 0) sb_puts(sb, "()");
        put_exprs(sb, q->partition_by, q->npartition);
    }
    if (q->having) {
        sb_puts(sb, "\nHAVING ");
        ast_expr_print(sb, q->having);
    }
    if (q->emit == AST_EMIT_CHANGES) sb_puts(sb, "\nEMIT CHANGES");
    if (q->emit == AST_EMIT_FINAL) sb_puts(sb, "\nEMIT FINAL");
    if (q->has_limit) {
        sb_puts(sb, "\nLIMIT ");
        sb_put_i64(sb, q->limit);
    }
}

/* ---------------------------------------------------------------- statements */

static void put_props(StrBuf *sb, const AstStmt *s)
{
    if (!s->nprops) return;
    sb_puts(sb, " WITH (");
    for (int i = 0; i < s->nprops; i++) {
        if (i) sb_puts(sb, ", ");
        put_ident(sb, s->props[i].name);
        sb_putc(sb, '=');
        ast_expr_print(sb, s->props[i].value);
    }
    sb_putc(sb, ')');
}

static void put_column_def(StrBuf *sb, const AstColumnDef *c)
{
    put_ident(sb, c->name);
    sb_putc(sb, ' ');
    ast_type_print(sb, c->type);
    switch (c->role) {
    case AST_COL_KEY: sb_puts(sb, " KEY"); break;
    case AST_COL_PRIMARY_KEY: sb_puts(sb, " PRIMARY KEY"); break;
    case AST_COL_HEADERS: sb_puts(sb, " HEADERS"); break;
    case AST_COL_HEADER:
        sb_puts(sb, " HEADER(");
        put_cstring(sb, c->header_key);
        sb_putc(sb, ')');
        break;
    default: break;
    }
}

static void put_timeout(StrBuf *sb, const AstDuration *d)
{
    if (!d->present) return;
    sb_puts(sb, " TIMEOUT ");
    put_duration(sb, d);
}

static const char *list_what_text(AstListWhat w)
{
    switch (w) {
    case AST_LIST_STREAMS: return "STREAMS";
    case AST_LIST_TABLES: return "TABLES";
    case AST_LIST_QUERIES: return "QUERIES";
    case AST_LIST_TOPICS: return "TOPICS";
    case AST_LIST_ALL_TOPICS: return "ALL TOPICS";
    case AST_LIST_FUNCTIONS: return "FUNCTIONS";
    case AST_LIST_PROPERTIES: return "PROPERTIES";
    case AST_LIST_VARIABLES: return "VARIABLES";
    case AST_LIST_TYPES: return "TYPES";
    case AST_LIST_CONNECTORS: return "CONNECTORS";
    case AST_LIST_CONNECTOR_PLUGINS: return "CONNECTOR PLUGINS";
    }
    return "STREAMS";
}

static void put_id_or_all(StrBuf *sb, const char *verb, const AstStmt *s)
{
    sb_puts(sb, verb);
    sb_putc(sb, ' ');
    if (s->all)
        sb_puts(sb, "ALL");
    else
        put_ident(sb, s->name);
}

void ast_stmt_print(StrBuf *sb, const AstStmt *s)
{
    if (!s) return;
    const char *st = s->is_table ? "TABLE" : "STREAM";
    switch (s->kind) {
    case AST_CREATE_SOURCE:
    case AST_CREATE_AS:
        sb_puts(sb, "CREATE ");
        if (s->or_replace) sb_puts(sb, "OR REPLACE ");
        if (s->is_source) sb_puts(sb, "SOURCE ");
        sb_printf(sb, "%s ", st);
        if (s->if_not_exists) sb_puts(sb, "IF NOT EXISTS ");
        put_ident(sb, s->name);
        if (s->kind == AST_CREATE_SOURCE && s->ncolumns) {
            sb_puts(sb, " (");
            for (int i = 0; i < s->ncolumns; i++) {
                if (i) sb_puts(sb, ", ");
                put_column_def(sb, &s->columns[i]);
            }
            sb_putc(sb, ')');
        }
        put_props(sb, s);
        if (s->kind == AST_CREATE_AS) {
            sb_puts(sb, " AS ");
            if (s->select) put_select(sb, s->select);
        }
        break;
    case AST_INSERT_SELECT:
        sb_puts(sb, "INSERT INTO ");
        put_ident(sb, s->name);
        put_props(sb, s);
        sb_putc(sb, ' ');
        if (s->select) put_select(sb, s->select);
        break;
    case AST_INSERT_VALUES:
        sb_puts(sb, "INSERT INTO ");
        put_ident(sb, s->name);
        if (s->ninsert_cols) {
            sb_puts(sb, " (");
            for (int i = 0; i < s->ninsert_cols; i++) {
                if (i) sb_puts(sb, ", ");
                put_ident(sb, s->insert_cols[i]);
            }
            sb_putc(sb, ')');
        }
        sb_puts(sb, " VALUES (");
        put_exprs(sb, s->values, s->nvalues);
        sb_putc(sb, ')');
        break;
    case AST_QUERY:
        if (s->select) put_select(sb, s->select);
        break;
    case AST_DROP_SOURCE:
        sb_printf(sb, "DROP %s ", st);
        if (s->if_exists) sb_puts(sb, "IF EXISTS ");
        put_ident(sb, s->name);
        if (s->delete_topic) sb_puts(sb, " DELETE TOPIC");
        break;
    case AST_CREATE_TYPE:
        sb_puts(sb, "CREATE TYPE ");
        if (s->if_not_exists) sb_puts(sb, "IF NOT EXISTS ");
        put_ident(sb, s->name);
        sb_puts(sb, " AS ");
        ast_type_print(sb, s->type);
        break;
    case AST_DROP_TYPE:
        sb_puts(sb, "DROP TYPE ");
        if (s->if_exists) sb_puts(sb, "IF EXISTS ");
        put_ident(sb, s->name);
        break;
    case AST_LIST:
        sb_puts(sb, "SHOW ");
        if (s->list_what == AST_LIST_CONNECTORS && s->is_source) sb_puts(sb, "SOURCE ");
        if (s->list_what == AST_LIST_CONNECTORS && s->is_sink) sb_puts(sb, "SINK ");
        sb_puts(sb, list_what_text(s->list_what));
        if (s->extended) sb_puts(sb, " EXTENDED");
        break;
    case AST_DESCRIBE:
        sb_puts(sb, "DESCRIBE ");
        if (s->describe_all)
            sb_puts(sb, list_what_text(s->list_what));
        else
            put_ident(sb, s->name);
        if (s->extended) sb_puts(sb, " EXTENDED");
        break;
    case AST_DESCRIBE_FUNCTION:
        sb_puts(sb, "DESCRIBE FUNCTION ");
        put_ident(sb, s->name);
        break;
    case AST_DESCRIBE_CONNECTOR:
        sb_puts(sb, "DESCRIBE CONNECTOR ");
        put_ident(sb, s->name);
        break;
    case AST_EXPLAIN:
        sb_puts(sb, "EXPLAIN ");
        if (s->inner)
            ast_stmt_print(sb, s->inner);
        else
            put_ident(sb, s->name);
        break;
    case AST_TERMINATE: put_id_or_all(sb, "TERMINATE", s); break;
    case AST_PAUSE: put_id_or_all(sb, "PAUSE", s); break;
    case AST_RESUME: put_id_or_all(sb, "RESUME", s); break;
    case AST_SET:
    case AST_ALTER_SYSTEM:
        sb_puts(sb, s->kind == AST_SET ? "SET " : "ALTER SYSTEM ");
        put_cstring(sb, s->name);
        sb_puts(sb, "=");
        put_cstring(sb, s->text);
        break;
    case AST_UNSET:
        sb_puts(sb, "UNSET ");
        put_cstring(sb, s->name);
        break;
    case AST_DEFINE:
        sb_printf(sb, "DEFINE %s = ", s->name ? s->name : "");
        put_cstring(sb, s->text);
        break;
    case AST_UNDEFINE: sb_printf(sb, "UNDEFINE %s", s->name ? s->name : ""); break;
    case AST_PRINT:
        sb_puts(sb, "PRINT ");
        if (s->name_string)
            put_cstring(sb, s->name);
        else
            put_ident(sb, s->name);
        if (s->from_beginning) sb_puts(sb, " FROM BEGINNING");
        if (s->has_interval) sb_printf(sb, " INTERVAL %lld", (long long)s->interval);
        if (s->has_limit) sb_printf(sb, " LIMIT %lld", (long long)s->limit);
        break;
    case AST_ASSERT_TOPIC:
        sb_puts(sb, s->not_exists ? "ASSERT NOT EXISTS TOPIC " : "ASSERT TOPIC ");
        if (s->name_string)
            put_cstring(sb, s->name);
        else
            put_ident(sb, s->name);
        put_props(sb, s);
        put_timeout(sb, &s->timeout);
        break;
    case AST_ASSERT_SCHEMA:
        sb_puts(sb, s->not_exists ? "ASSERT NOT EXISTS SCHEMA" : "ASSERT SCHEMA");
        if (s->text) {
            sb_puts(sb, " SUBJECT ");
            put_cstring(sb, s->text);
        }
        if (s->has_id) sb_printf(sb, " ID %lld", (long long)s->id);
        put_timeout(sb, &s->timeout);
        break;
    case AST_ALTER_SOURCE:
        sb_printf(sb, "ALTER %s ", st);
        put_ident(sb, s->name);
        for (int i = 0; i < s->ncolumns; i++) {
            sb_puts(sb, i ? ", ADD COLUMN " : " ADD COLUMN ");
            put_column_def(sb, &s->columns[i]);
        }
        break;
    case AST_CREATE_CONNECTOR:
        sb_printf(sb, "CREATE %s CONNECTOR ", s->is_source ? "SOURCE" : "SINK");
        if (s->if_not_exists) sb_puts(sb, "IF NOT EXISTS ");
        put_ident(sb, s->name);
        put_props(sb, s);
        break;
    case AST_DROP_CONNECTOR:
        sb_puts(sb, "DROP CONNECTOR ");
        if (s->if_exists) sb_puts(sb, "IF EXISTS ");
        put_ident(sb, s->name);
        break;
    case AST_RUN_SCRIPT:
        sb_puts(sb, "RUN SCRIPT ");
        put_cstring(sb, s->text);
        break;
    }
}
