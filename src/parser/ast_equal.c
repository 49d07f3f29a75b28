/*
 * ast_equal.c - structural equality of AST trees, ignoring positions.
 *
 * Offsets, ends and whether an identifier was quoted are presentation, not
 * meaning (ksqlDB forgets both after parsing), so they are not compared. Used by
 * the printer round-trip tests: parse, print, parse again, compare.
 */
#include <string.h>

#include "ast.h"

static bool str_eq(const char *a, const char *b)
{
    if (!a || !b) return a == b;
    return strcmp(a, b) == 0;
}

static bool type_eq(const AstType *a, const AstType *b)
{
    if (!a || !b) return a == b;
    if (a->kind != b->kind) return false;
    switch (a->kind) {
    case AST_T_DECIMAL: return a->precision == b->precision && a->scale == b->scale;
    case AST_T_ARRAY: return type_eq(a->elem, b->elem);
    case AST_T_MAP: return type_eq(a->key, b->key) && type_eq(a->elem, b->elem);
    case AST_T_STRUCT:
        if (a->nfields != b->nfields) return false;
        for (int i = 0; i < a->nfields; i++)
            if (!str_eq(a->fields[i].name, b->fields[i].name) ||
                !type_eq(a->fields[i].type, b->fields[i].type))
                return false;
        return true;
    case AST_T_CUSTOM: return str_eq(a->name, b->name);
    default: return true;
    }
}

static bool exprs_eq(AstExpr *const *a, AstExpr *const *b, int n)
{
    for (int i = 0; i < n; i++)
        if (!ast_expr_equal(a[i], b[i])) return false;
    return true;
}

bool ast_expr_equal(const AstExpr *a, const AstExpr *b)
{
    if (!a || !b) return a == b;
    if (a->kind != b->kind || a->op != b->op || a->negated != b->negated || a->star != b->star ||
        a->distinct != b->distinct || a->nargs != b->nargs)
        return false;
    if (!str_eq(a->qualifier, b->qualifier) || !str_eq(a->name, b->name)) return false;
    switch (a->kind) {
    case AST_BOOL:
        if (a->u.b != b->u.b) return false;
        break;
    case AST_INT:
        if (a->u.i != b->u.i) return false;
        break;
    case AST_DECIMAL:
    case AST_DOUBLE:
    case AST_LIKE:
    case AST_AT_TIMEZONE:
        if (!str_eq(a->text, b->text)) return false;
        break;
    case AST_STRING:
        if (a->len != b->len || memcmp(a->text, b->text, a->len) != 0) return false;
        break;
    default: break;
    }
    if (!ast_expr_equal(a->left, b->left) || !ast_expr_equal(a->right, b->right)) return false;
    if (!type_eq(a->type, b->type)) return false;
    if (a->kind == AST_STRUCT || a->kind == AST_LAMBDA) {
        for (int i = 0; i < a->nargs; i++)
            if (!str_eq(a->names[i], b->names[i])) return false;
        if (a->kind == AST_LAMBDA) return true;
    }
    return exprs_eq(a->args, b->args, a->nargs);
}

static bool dur_eq(const AstDuration *a, const AstDuration *b)
{
    if (a->present != b->present) return false;
    if (!a->present) return true;
    return a->value == b->value && str_eq(a->unit, b->unit) && a->ms == b->ms;
}

static bool rel_eq(const AstRelation *a, const AstRelation *b)
{
    if (!a || !b) return a == b;
    if (a->kind != b->kind) return false;
    if (a->kind == AST_REL_SOURCE) return str_eq(a->name, b->name) && str_eq(a->alias, b->alias);
    return a->join_type == b->join_type && rel_eq(a->left, b->left) && rel_eq(a->right, b->right) &&
           a->has_within == b->has_within && dur_eq(&a->within_before, &b->within_before) &&
           dur_eq(&a->within_after, &b->within_after) && dur_eq(&a->grace, &b->grace) &&
           ast_expr_equal(a->on, b->on);
}

static bool window_eq(const AstWindow *a, const AstWindow *b)
{
    if (!a || !b) return a == b;
    return a->kind == b->kind && dur_eq(&a->size, &b->size) && dur_eq(&a->advance, &b->advance) &&
           dur_eq(&a->retention, &b->retention) && dur_eq(&a->grace, &b->grace);
}

static bool select_eq(const AstSelect *a, const AstSelect *b)
{
    if (!a || !b) return a == b;
    if (a->nitems != b->nitems) return false;
    for (int i = 0; i < a->nitems; i++) {
        const AstSelectItem *x = &a->items[i], *y = &b->items[i];
        if (x->star != y->star || x->struct_star != y->struct_star || !str_eq(x->alias, y->alias) ||
            !str_eq(x->star_qualifier, y->star_qualifier) || !ast_expr_equal(x->expr, y->expr))
            return false;
    }
    if ((a->group_by == NULL) != (b->group_by == NULL) ||
        (a->partition_by == NULL) != (b->partition_by == NULL))
        return false;
    return rel_eq(a->from, b->from) && window_eq(a->window, b->window) &&
           ast_expr_equal(a->where, b->where) && a->ngroup == b->ngroup &&
           exprs_eq(a->group_by, b->group_by, a->ngroup) && a->npartition == b->npartition &&
           exprs_eq(a->partition_by, b->partition_by, a->npartition) &&
           ast_expr_equal(a->having, b->having) && a->emit == b->emit &&
           a->has_limit == b->has_limit && a->limit == b->limit;
}

static bool columns_eq(const AstColumnDef *a, const AstColumnDef *b, int n)
{
    for (int i = 0; i < n; i++)
        if (!str_eq(a[i].name, b[i].name) || !type_eq(a[i].type, b[i].type) ||
            a[i].role != b[i].role || !str_eq(a[i].header_key, b[i].header_key))
            return false;
    return true;
}

static bool props_eq(const AstProperty *a, const AstProperty *b, int n)
{
    for (int i = 0; i < n; i++)
        if (!str_eq(a[i].name, b[i].name) || !ast_expr_equal(a[i].value, b[i].value)) return false;
    return true;
}

bool ast_stmt_equal(const AstStmt *a, const AstStmt *b)
{
    if (!a || !b) return a == b;
    if (a->kind != b->kind || a->is_table != b->is_table || a->or_replace != b->or_replace ||
        a->is_source != b->is_source || a->is_sink != b->is_sink ||
        a->if_not_exists != b->if_not_exists || a->if_exists != b->if_exists ||
        a->delete_topic != b->delete_topic || a->extended != b->extended || a->all != b->all ||
        a->not_exists != b->not_exists || a->from_beginning != b->from_beginning ||
        a->name_string != b->name_string || !str_eq(a->name, b->name) ||
        a->ncolumns != b->ncolumns || a->nprops != b->nprops ||
        a->ninsert_cols != b->ninsert_cols || a->nvalues != b->nvalues ||
        a->list_what != b->list_what || a->describe_all != b->describe_all ||
        !str_eq(a->text, b->text) || a->has_interval != b->has_interval ||
        a->interval != b->interval || a->has_limit != b->has_limit || a->limit != b->limit ||
        a->has_id != b->has_id || a->id != b->id || !dur_eq(&a->timeout, &b->timeout))
        return false;
    for (int i = 0; i < a->ninsert_cols; i++)
        if (!str_eq(a->insert_cols[i], b->insert_cols[i])) return false;
    return columns_eq(a->columns, b->columns, a->ncolumns) &&
           props_eq(a->props, b->props, a->nprops) && select_eq(a->select, b->select) &&
           exprs_eq(a->values, b->values, a->nvalues) && type_eq(a->type, b->type) &&
           ast_stmt_equal(a->inner, b->inner);
}
