/*
 * ast.c - AST node constructors (see ast.h).
 *
 * Nodes are zero-filled arena allocations; the grammar's builders (build.c) set
 * the fields. Nothing here frees: the arena owns every node.
 */
#include "ast.h"

AstExpr *ast_expr_new(Arena *a, AstExprKind kind, int offset)
{
    AstExpr *e = arena_zalloc(a, sizeof *e);
    e->kind = kind;
    e->offset = offset;
    e->end = offset;
    return e;
}

AstType *ast_type_new(Arena *a, AstTypeKind kind, int offset)
{
    AstType *t = arena_zalloc(a, sizeof *t);
    t->kind = kind;
    t->offset = offset;
    return t;
}

AstStmt *ast_stmt_new(Arena *a, AstStmtKind kind, int offset)
{
    AstStmt *s = arena_zalloc(a, sizeof *s);
    s->kind = kind;
    s->offset = offset;
    s->end = offset;
    return s;
}
