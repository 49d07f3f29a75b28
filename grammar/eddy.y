/*
** eddy.y - the lemon grammar of ksqlDB's SQL dialect.
**
** Meson runs Debian's /usr/bin/lemon on this file at build time; the generated
** eddy.c / eddy.h live in the build directory only. The grammar follows
** ksqlDB's SqlBase.g4 (statement forms, expression precedence, which keywords
** are reserved) recast for an LALR(1) parser:
**
**   - Tokens are windows into the text (Token: pointer, length, offset); the
**     actions are one or two calls to the pb_* builders in src/parser/build.c,
**     which allocate AST nodes in the caller's arena.
**   - Every pointer-typed nonterminal has a %type and a %destructor. Nodes are
**     arena-owned, so the destructors free nothing, but a syntax error half way
**     through a statement leaks nothing either.
**   - %fallback ID lists the keywords that may be used as identifiers. The
**     driver (parse.c) decides per token, with one token of lookahead, whether a
**     non-reserved keyword is the keyword or an identifier, so lemon's own
**     fallback rarely has to.
**   - Errors are found by the driver before a token is fed (so the expected set
**     is computed on an unreduced stack); %syntax_error is the safety net.
**
** Three start tokens select what is parsed: a script (statements separated by
** ';'), a single expression, or a type.
*/

%name EddyParser
%token_prefix TK_
%token_type {Token}
%default_type {Token}
%extra_context {ParseCtx *pctx}
%stack_size 1000
%start_symbol input

%include {
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "parse_int.h"

/* Nodes live in the arena; a destructor only documents that. */
#define ARENA_OWNED(p) ((void)(p))
}

%syntax_error {
    parse_report_syntax(pctx, yypParser, yymajor, TOKEN);
}

%stack_overflow {
    parse_report(pctx, 0, "Statement is too deeply nested");
}

%parse_failure {
    if (!pctx->failed) parse_report(pctx, 0, "Syntax Error");
}

/* Terminal codes follow this order, which is also the order expected tokens
** are listed in error messages: classes, punctuation, then keywords. */
%token ID STRING INTEGER_VALUE DECIMAL_VALUE FLOAT_VALUE VARIABLE.
%token SEMI COMMA DOT LP RP LBRACKET RBRACKET EQ NE LT LE GT GE
       PLUS MINUS STAR SLASH PERCENT CONCAT ARROW LAMBDA ASSIGN.
%token SELECT FROM AS ALL DISTINCT WHERE WITHIN WINDOW GROUP BY HAVING LIMIT
       AT OR AND IN NOT EXISTS BETWEEN LIKE ESCAPE IS NULL TRUE FALSE
       CASE WHEN THEN ELSE END JOIN FULL OUTER INNER LEFT RIGHT ON
       WITH VALUES CREATE TABLE STREAM INSERT DELETE INTO DROP CAST.
%token EMIT CHANGES FINAL PARTITION TIME ZONE TUMBLING HOPPING SESSION SIZE ADVANCE
       RETENTION GRACE PERIOD STRUCT MAP ARRAY TOPIC STREAMS TABLES DESCRIBE
       EXTENDED PRINT EXPLAIN TYPE TYPES SHOW LIST TOPICS QUERIES TERMINATE PAUSE
       RESUME FUNCTIONS FUNCTION SET UNSET DEFINE UNDEFINE SAMPLE INTERVAL
       PROPERTIES VARIABLES BEGINNING RUN SCRIPT DECIMAL KEY PRIMARY HEADERS
       HEADER CONNECTOR CONNECTORS PLUGINS SINK SOURCE REPLACE ASSERT ADD ALTER
       COLUMN SYSTEM IF TIMEOUT SCHEMA SUBJECT ID_KW
       MILLISECOND MILLISECONDS SECOND SECONDS MINUTE MINUTES HOUR HOURS DAY DAYS
       NANOSECOND NANOSECONDS MICROSECOND MICROSECONDS.
%token ILLEGAL SPACE COMMENT START_SCRIPT START_EXPR START_TYPE.

/* Non-reserved keywords: everything after CAST above. ksqlDB reserves fewer
** words than most SQL dialects and eddy is more generous still: only the words
** that would make statements ambiguous stay reserved. */
%fallback ID
       EMIT CHANGES FINAL PARTITION TIME ZONE TUMBLING HOPPING SESSION SIZE ADVANCE
       RETENTION GRACE PERIOD STRUCT MAP ARRAY TOPIC STREAMS TABLES DESCRIBE
       EXTENDED PRINT EXPLAIN TYPE TYPES SHOW LIST TOPICS QUERIES TERMINATE PAUSE
       RESUME FUNCTIONS FUNCTION SET UNSET DEFINE UNDEFINE SAMPLE INTERVAL
       PROPERTIES VARIABLES BEGINNING RUN SCRIPT DECIMAL KEY PRIMARY HEADERS
       HEADER CONNECTOR CONNECTORS PLUGINS SINK SOURCE REPLACE ASSERT ADD ALTER
       COLUMN SYSTEM IF TIMEOUT SCHEMA SUBJECT ID_KW
       MILLISECOND MILLISECONDS SECOND SECONDS MINUTE MINUTES HOUR HOURS DAY DAYS
       NANOSECOND NANOSECONDS MICROSECOND MICROSECONDS.

//////////////////////////// ENTRY POINTS ////////////////////////////////////

input ::= START_SCRIPT cmdlist.
input ::= START_SCRIPT.
input ::= START_EXPR expr(E).        { pctx->expr = E; }
input ::= START_TYPE type(T).        { pctx->type = T; }

cmdlist ::= cmdlist ecmd.
cmdlist ::= ecmd.
ecmd ::= SEMI.
ecmd ::= cmd(C) SEMI(S).             { pb_stmt_done(pctx, C, S); }

%type cmd {AstStmt *}
%destructor cmd { ARENA_OWNED($$); }

//////////////////////////// COMMON PIECES ///////////////////////////////////

%type nm {AstIdent}
nm(A) ::= ID(X).                     { A = pb_ident(pctx, X); }
/* An unsubstituted ${name} reads as an identifier named "${name}", as in
** ksqlDB's grammar (the engine substitutes variables before parsing). */
nm(A) ::= VARIABLE(X).               { A = pb_ident_raw(pctx, X); A.quoted = true; }

%type strtab {int}
strtab(A) ::= STREAM.                { A = 0; }
strtab(A) ::= TABLE.                 { A = 1; }

%type ifnotexists {int}
ifnotexists(A) ::= .                 { A = 0; }
ifnotexists(A) ::= IF NOT EXISTS.    { A = 1; }

%type ifexists {int}
ifexists(A) ::= .                    { A = 0; }
ifexists(A) ::= IF EXISTS.           { A = 1; }

%type extended {int}
extended(A) ::= .                    { A = 0; }
extended(A) ::= EXTENDED.            { A = 1; }

/* WITH (name = literal, ...) */
%type with_opt {PList *}
%destructor with_opt { ARENA_OWNED($$); }
with_opt(A) ::= .                    { A = NULL; }
with_opt(A) ::= WITH LP proplist(L) RP. { A = L; }

%type proplist {PList *}
%destructor proplist { ARENA_OWNED($$); }
proplist(A) ::= prop(P).             { A = pb_list(pctx, P); }
proplist(A) ::= proplist(L) COMMA prop(P). { A = pb_list_add(pctx, L, P); }

%type prop {AstProperty *}
%destructor prop { ARENA_OWNED($$); }
prop(A) ::= nm(N) EQ literal(V).     { A = pb_property(pctx, &N, NULL, V); }
prop(A) ::= STRING(S) EQ literal(V). { A = pb_property(pctx, NULL, &S, V); }

/* A literal as ksqlDB's `literal` rule: numbers may carry a minus sign. */
%type literal {AstExpr *}
%destructor literal { ARENA_OWNED($$); }
literal(A) ::= NULL(X).              { A = pb_literal(pctx, TK_NULL, X); }
literal(A) ::= TRUE(X).              { A = pb_literal(pctx, TK_TRUE, X); }
literal(A) ::= FALSE(X).             { A = pb_literal(pctx, TK_FALSE, X); }
literal(A) ::= STRING(X).            { A = pb_literal(pctx, TK_STRING, X); }
literal(A) ::= snumber(X).           { A = X; }

/* ksqlDB's `number`: a numeric literal with an optional minus sign. */
%type snumber {AstExpr *}
%destructor snumber { ARENA_OWNED($$); }
snumber(A) ::= number(X).            { A = X; }
snumber(A) ::= MINUS(M) INTEGER_VALUE(X). { A = pb_signed_literal(pctx, M, TK_INTEGER_VALUE, X); }
snumber(A) ::= MINUS(M) DECIMAL_VALUE(X). { A = pb_signed_literal(pctx, M, TK_DECIMAL_VALUE, X); }
snumber(A) ::= MINUS(M) FLOAT_VALUE(X).   { A = pb_signed_literal(pctx, M, TK_FLOAT_VALUE, X); }

%type number {AstExpr *}
%destructor number { ARENA_OWNED($$); }
number(A) ::= INTEGER_VALUE(X).      { A = pb_literal(pctx, TK_INTEGER_VALUE, X); }
number(A) ::= DECIMAL_VALUE(X).      { A = pb_literal(pctx, TK_DECIMAL_VALUE, X); }
number(A) ::= FLOAT_VALUE(X).        { A = pb_literal(pctx, TK_FLOAT_VALUE, X); }

%type nmlist {PList *}
%destructor nmlist { ARENA_OWNED($$); }
nmlist(A) ::= nm(N).                 { AstIdent *p = arena_alloc(pctx->arena, sizeof *p);
                                       *p = N; A = pb_list(pctx, p); }
nmlist(A) ::= nmlist(L) COMMA nm(N). { AstIdent *p = arena_alloc(pctx->arena, sizeof *p);
                                       *p = N; A = pb_list_add(pctx, L, p); }

/* Durations: n unit. */
%type dur {AstDuration}
dur(A) ::= INTEGER_VALUE(N) unit(U). { A = pb_duration(pctx, N, U.name); }

%type unit {UnitTok}
unit(A) ::= MILLISECOND(T).         { A = pb_unit(T, "MILLISECONDS"); }
unit(A) ::= MILLISECONDS(T).        { A = pb_unit(T, "MILLISECONDS"); }
unit(A) ::= SECOND(T).              { A = pb_unit(T, "SECONDS"); }
unit(A) ::= SECONDS(T).             { A = pb_unit(T, "SECONDS"); }
unit(A) ::= MINUTE(T).              { A = pb_unit(T, "MINUTES"); }
unit(A) ::= MINUTES(T).             { A = pb_unit(T, "MINUTES"); }
unit(A) ::= HOUR(T).                { A = pb_unit(T, "HOURS"); }
unit(A) ::= HOURS(T).               { A = pb_unit(T, "HOURS"); }
unit(A) ::= DAY(T).                 { A = pb_unit(T, "DAYS"); }
unit(A) ::= DAYS(T).                { A = pb_unit(T, "DAYS"); }
unit(A) ::= NANOSECOND(T).          { A = pb_unit(T, "NANOSECONDS"); }
unit(A) ::= NANOSECONDS(T).         { A = pb_unit(T, "NANOSECONDS"); }
unit(A) ::= MICROSECOND(T).         { A = pb_unit(T, "MICROSECONDS"); }
unit(A) ::= MICROSECONDS(T).        { A = pb_unit(T, "MICROSECONDS"); }

//////////////////////////// CREATE STREAM / TABLE ///////////////////////////

cmd(A) ::= CREATE(C) create(S).      { A = S; A->offset = C.off; }
cmd(A) ::= CREATE(C) OR REPLACE replaceable(S). { A = S; A->offset = C.off; A->or_replace = true; }

%type create {AstStmt *}
%destructor create { ARENA_OWNED($$); }
create(A) ::= replaceable(S).        { A = S; }
create(A) ::= TYPE(T) ifnotexists(I) nm(N) AS type(Y).
    { A = pb_stmt(pctx, AST_CREATE_TYPE, T); A->if_not_exists = I;
      pb_stmt_name(pctx, A, N); A->type = Y; }
create(A) ::= SOURCE(T) CONNECTOR ifnotexists(I) nm(N) WITH LP proplist(P) RP.
    { A = pb_stmt(pctx, AST_CREATE_CONNECTOR, T); A->is_source = true;
      A->if_not_exists = I; pb_stmt_name(pctx, A, N); pb_stmt_props(pctx, A, P); }
create(A) ::= SINK(T) CONNECTOR ifnotexists(I) nm(N) WITH LP proplist(P) RP.
    { A = pb_stmt(pctx, AST_CREATE_CONNECTOR, T); A->is_sink = true;
      A->if_not_exists = I; pb_stmt_name(pctx, A, N); pb_stmt_props(pctx, A, P); }

/* The forms that take OR REPLACE. */
%type replaceable {AstStmt *}
%destructor replaceable { ARENA_OWNED($$); }
replaceable(A) ::= strtab(K) ifnotexists(I) nm(N) source_body(B).
    { A = B; A->is_table = K; A->if_not_exists = I; pb_stmt_name(pctx, A, N); }
replaceable(A) ::= SOURCE strtab(K) ifnotexists(I) nm(N) source_body(B).
    { A = B; A->is_table = K; A->if_not_exists = I; A->is_source = true;
      pb_stmt_name(pctx, A, N); }
replaceable(A) ::= strtab(K) ifnotexists(I) nm(N) with_opt(W) AS select(Q).
    { A = pb_stmt(pctx, AST_CREATE_AS, (Token){0, 0, N.off}); A->is_table = K;
      A->if_not_exists = I; pb_stmt_name(pctx, A, N); pb_stmt_props(pctx, A, W);
      A->select = Q; }

%type source_body {AstStmt *}
%destructor source_body { ARENA_OWNED($$); }
source_body(A) ::= with_opt(W).
    { A = pb_stmt(pctx, AST_CREATE_SOURCE, (Token){0, 0, 0}); pb_stmt_props(pctx, A, W); }
source_body(A) ::= LP collist(L) RP with_opt(W).
    { A = pb_stmt(pctx, AST_CREATE_SOURCE, (Token){0, 0, 0});
      pb_stmt_columns(pctx, A, L); pb_stmt_props(pctx, A, W); }

%type collist {PList *}
%destructor collist { ARENA_OWNED($$); }
collist(A) ::= coldef(C).            { A = pb_list(pctx, C); }
collist(A) ::= collist(L) COMMA coldef(C). { A = pb_list_add(pctx, L, C); }

%type coldef {AstColumnDef *}
%destructor coldef { ARENA_OWNED($$); }
coldef(A) ::= nm(N) type(T).         { A = pb_column_def(pctx, N, T, AST_COL_VALUE, NULL); }
coldef(A) ::= nm(N) type(T) KEY.     { A = pb_column_def(pctx, N, T, AST_COL_KEY, NULL); }
coldef(A) ::= nm(N) type(T) PRIMARY KEY.
                                     { A = pb_column_def(pctx, N, T, AST_COL_PRIMARY_KEY, NULL); }
coldef(A) ::= nm(N) type(T) HEADERS. { A = pb_column_def(pctx, N, T, AST_COL_HEADERS, NULL); }
coldef(A) ::= nm(N) type(T) HEADER LP STRING(S) RP.
                                     { A = pb_column_def(pctx, N, T, AST_COL_HEADER, &S); }

//////////////////////////// TYPES ///////////////////////////////////////////

%type type {AstType *}
%destructor type { ARENA_OWNED($$); }
type(A) ::= nm(N).                   { A = pb_type_named(pctx, N); }
type(A) ::= DECIMAL(T) LP INTEGER_VALUE(P) COMMA INTEGER_VALUE(S) RP.
                                     { A = pb_type_decimal(pctx, T, P, S); }
type(A) ::= ARRAY(T) LT type(E) GT.  { A = pb_type_array(pctx, T, E); }
type(A) ::= MAP(T) LT type(K) COMMA type(V) GT. { A = pb_type_map(pctx, T, K, V); }
type(A) ::= STRUCT(T) LT fieldlist(L) GT. { A = pb_type_struct(pctx, T, L); }
type(A) ::= STRUCT(T) LT GT.         { A = pb_type_struct(pctx, T, NULL); }
type(A) ::= STRUCT(T) NE.            { A = pb_type_struct(pctx, T, NULL); }

%type fieldlist {PList *}
%destructor fieldlist { ARENA_OWNED($$); }
fieldlist(A) ::= nm(N) type(T).      { A = pb_list(pctx, pb_type_field(pctx, N, T)); }
fieldlist(A) ::= fieldlist(L) COMMA nm(N) type(T).
                                     { A = pb_list_add(pctx, L, pb_type_field(pctx, N, T)); }

//////////////////////////// INSERT //////////////////////////////////////////

cmd(A) ::= INSERT(T) INTO nm(N) with_opt(W) select(Q).
    { A = pb_stmt(pctx, AST_INSERT_SELECT, T); pb_stmt_name(pctx, A, N);
      pb_stmt_props(pctx, A, W); A->select = Q; }
cmd(A) ::= INSERT(T) INTO nm(N) VALUES values(V).
    { A = pb_stmt(pctx, AST_INSERT_VALUES, T); pb_stmt_name(pctx, A, N);
      pb_stmt_values(pctx, A, NULL, V); }
cmd(A) ::= INSERT(T) INTO nm(N) LP nmlist(C) RP VALUES values(V).
    { A = pb_stmt(pctx, AST_INSERT_VALUES, T); pb_stmt_name(pctx, A, N);
      pb_stmt_values(pctx, A, C, V); }

%type values {PList *}
%destructor values { ARENA_OWNED($$); }
values(A) ::= LP RP.                 { A = NULL; }
values(A) ::= LP vexprlist(L) RP.    { A = L; }

//////////////////////////// SELECT //////////////////////////////////////////

cmd(A) ::= select(Q).                { A = pb_stmt(pctx, AST_QUERY, (Token){0, 0, Q->offset});
                                       A->select = Q; }

%type select {AstSelect *}
%destructor select { ARENA_OWNED($$); }
select(A) ::= SELECT(T) selitems(I) FROM relation(R) window_opt(W) where_opt(H)
              groupby_opt(G) partitionby_opt(P) having_opt(V) emit_opt(E) limit_opt(L).
    { AstTail tail = {W, H, G, P, V, (AstEmit)E, L.present, L.value};
      A = pb_select(pctx, T, I, R, &tail); }

%type selitems {PList *}
%destructor selitems { ARENA_OWNED($$); }
selitems(A) ::= selitem(I).          { A = pb_list(pctx, I); }
selitems(A) ::= selitems(L) COMMA selitem(I). { A = pb_list_add(pctx, L, I); }

%type selitem {AstSelectItem *}
%destructor selitem { ARENA_OWNED($$); }
selitem(A) ::= STAR(T).              { A = pb_item_star(pctx, T, NULL); }
selitem(A) ::= nm(Q) DOT STAR(T).    { A = pb_item_star(pctx, T, &Q); }
selitem(A) ::= primary(E) ARROW STAR. { A = pb_item_struct_star(pctx, E); }
selitem(A) ::= expr(E).              { A = pb_item_expr(pctx, E, NULL); }
selitem(A) ::= expr(E) nm(N).        { A = pb_item_expr(pctx, E, &N); }
selitem(A) ::= expr(E) AS nm(N).     { A = pb_item_expr(pctx, E, &N); }

/* FROM: a source, or a chain of joins. */
%type relation {AstRelation *}
%destructor relation { ARENA_OWNED($$); }
relation(A) ::= aliased(S).          { A = S; }
relation(A) ::= relation(L) jointype(J) JOIN aliased(R) within_opt(W) ON expr(E).
                                     { A = pb_join(pctx, L, (AstJoinType)J, R, &W, E); }

%type aliased {AstRelation *}
%destructor aliased { ARENA_OWNED($$); }
aliased(A) ::= nm(N).                { A = pb_source(pctx, N, NULL); }
aliased(A) ::= nm(N) nm(L).          { A = pb_source(pctx, N, &L); }
aliased(A) ::= nm(N) AS nm(L).       { A = pb_source(pctx, N, &L); }

%type jointype {int}
jointype(A) ::= .                    { A = AST_JOIN_INNER; }
jointype(A) ::= INNER.               { A = AST_JOIN_INNER; }
jointype(A) ::= LEFT.                { A = AST_JOIN_LEFT; }
jointype(A) ::= LEFT OUTER.          { A = AST_JOIN_LEFT; }
jointype(A) ::= RIGHT.               { A = AST_JOIN_RIGHT; }
jointype(A) ::= RIGHT OUTER.         { A = AST_JOIN_RIGHT; }
jointype(A) ::= FULL.                { A = AST_JOIN_FULL; }
jointype(A) ::= FULL OUTER.          { A = AST_JOIN_FULL; }

%type within_opt {AstWithin}
within_opt(A) ::= .                  { memset(&A, 0, sizeof A); }
within_opt(A) ::= WITHIN dur(D) grace_opt(G).
    { memset(&A, 0, sizeof A); A.present = true; A.before = D; A.after = D; A.grace = G; }
within_opt(A) ::= WITHIN LP dur(B) COMMA dur(F) RP grace_opt(G).
    { memset(&A, 0, sizeof A); A.present = true; A.before = B; A.after = F; A.grace = G; }

%type grace_opt {AstDuration}
grace_opt(A) ::= .                   { memset(&A, 0, sizeof A); }
grace_opt(A) ::= GRACE PERIOD dur(D). { A = D; }

/* WINDOW TUMBLING (...) | HOPPING (...) | SESSION (...) */
%type window_opt {AstWindow *}
%destructor window_opt { ARENA_OWNED($$); }
window_opt(A) ::= .                  { A = NULL; }
window_opt(A) ::= WINDOW winname TUMBLING(T) LP SIZE dur(S) wintail(O).
    { A = pb_window(pctx, T, AST_WIN_TUMBLING, S, NULL, &O); }
window_opt(A) ::= WINDOW winname HOPPING(T) LP SIZE dur(S) COMMA ADVANCE BY dur(V) wintail(O).
    { A = pb_window(pctx, T, AST_WIN_HOPPING, S, &V, &O); }
window_opt(A) ::= WINDOW winname SESSION(T) LP dur(S) wintail(O).
    { A = pb_window(pctx, T, AST_WIN_SESSION, S, NULL, &O); }

/* ksqlDB allows (and ignores) a name before the window kind. */
winname ::= .
winname ::= ID.

%type wintail {AstWinOpts}
wintail(A) ::= RP.                   { memset(&A, 0, sizeof A); }
wintail(A) ::= COMMA RETENTION dur(R) RP. { memset(&A, 0, sizeof A); A.retention = R; }
wintail(A) ::= COMMA GRACE PERIOD dur(G) RP. { memset(&A, 0, sizeof A); A.grace = G; }
wintail(A) ::= COMMA RETENTION dur(R) COMMA GRACE PERIOD dur(G) RP.
    { A.retention = R; A.grace = G; }

%type where_opt {AstExpr *}
%destructor where_opt { ARENA_OWNED($$); }
where_opt(A) ::= .                   { A = NULL; }
where_opt(A) ::= WHERE expr(E).      { A = E; }

/* GROUP BY and PARTITION BY take value expressions, not boolean ones, as
** ksqlDB's groupBy/partitionBy rules do; a parenthesised list needs two or more
** items (a single one is a parenthesised expression). */
%type groupby_opt {PList *}
%destructor groupby_opt { ARENA_OWNED($$); }
groupby_opt(A) ::= .                 { A = NULL; }
groupby_opt(A) ::= GROUP BY bylist(L). { A = L; }

%type partitionby_opt {PList *}
%destructor partitionby_opt { ARENA_OWNED($$); }
partitionby_opt(A) ::= .             { A = NULL; }
partitionby_opt(A) ::= PARTITION BY bylist(L). { A = L; }

%type bylist {PList *}
%destructor bylist { ARENA_OWNED($$); }
bylist(A) ::= vexprlist(L).          { A = L; }
bylist(A) ::= LP RP.                 { A = pb_list(pctx, NULL); }
bylist(A) ::= LP vexpr(E) COMMA vexprlist(L) RP.
    { A = pb_list(pctx, E); for (int i = 0; i < L->n; i++) pb_list_add(pctx, A, L->v[i]); }

%type having_opt {AstExpr *}
%destructor having_opt { ARENA_OWNED($$); }
having_opt(A) ::= .                  { A = NULL; }
having_opt(A) ::= HAVING expr(E).    { A = E; }

%type emit_opt {int}
emit_opt(A) ::= .                    { A = AST_EMIT_NONE; }
emit_opt(A) ::= EMIT CHANGES.        { A = AST_EMIT_CHANGES; }
emit_opt(A) ::= EMIT FINAL.          { A = AST_EMIT_FINAL; }

/* LIMIT takes any number, as in ksqlDB; the planner rejects negative ones. */
%type limit_opt {AstLimit}
limit_opt(A) ::= .                   { A.present = false; A.value = 0; }
limit_opt(A) ::= LIMIT snumber(N).   { A = pb_limit(pctx, N); }

//////////////////////////// DROP ////////////////////////////////////////////

cmd(A) ::= DROP(T) strtab(K) ifexists(I) nm(N) delete_opt(D).
    { A = pb_stmt(pctx, AST_DROP_SOURCE, T); A->is_table = K; A->if_exists = I;
      pb_stmt_name(pctx, A, N); A->delete_topic = D; }
cmd(A) ::= DROP(T) TYPE ifexists(I) nm(N).
    { A = pb_stmt(pctx, AST_DROP_TYPE, T); A->if_exists = I; pb_stmt_name(pctx, A, N); }
cmd(A) ::= DROP(T) CONNECTOR ifexists(I) nm(N).
    { A = pb_stmt(pctx, AST_DROP_CONNECTOR, T); A->if_exists = I; pb_stmt_name(pctx, A, N); }

%type delete_opt {int}
delete_opt(A) ::= .                  { A = 0; }
delete_opt(A) ::= DELETE TOPIC.      { A = 1; }

//////////////////////////// SHOW / LIST / DESCRIBE / EXPLAIN ////////////////

cmd(A) ::= show(T) listwhat(W) extended(E).
    { A = pb_stmt(pctx, AST_LIST, T); A->list_what = (AstListWhat)W; A->extended = E; }
cmd(A) ::= show(T) SOURCE CONNECTORS.
    { A = pb_stmt(pctx, AST_LIST, T); A->list_what = AST_LIST_CONNECTORS; A->is_source = true; }
cmd(A) ::= show(T) SINK CONNECTORS.
    { A = pb_stmt(pctx, AST_LIST, T); A->list_what = AST_LIST_CONNECTORS; A->is_sink = true; }

show(A) ::= SHOW(T).                 { A = T; }
show(A) ::= LIST(T).                 { A = T; }

%type listwhat {int}
listwhat(A) ::= STREAMS.             { A = AST_LIST_STREAMS; }
listwhat(A) ::= TABLES.              { A = AST_LIST_TABLES; }
listwhat(A) ::= QUERIES.             { A = AST_LIST_QUERIES; }
listwhat(A) ::= TOPICS.              { A = AST_LIST_TOPICS; }
listwhat(A) ::= ALL TOPICS.          { A = AST_LIST_ALL_TOPICS; }
listwhat(A) ::= FUNCTIONS.           { A = AST_LIST_FUNCTIONS; }
listwhat(A) ::= PROPERTIES.          { A = AST_LIST_PROPERTIES; }
listwhat(A) ::= VARIABLES.           { A = AST_LIST_VARIABLES; }
listwhat(A) ::= TYPES.               { A = AST_LIST_TYPES; }
listwhat(A) ::= CONNECTORS.          { A = AST_LIST_CONNECTORS; }
listwhat(A) ::= CONNECTOR PLUGINS.   { A = AST_LIST_CONNECTOR_PLUGINS; }

cmd(A) ::= DESCRIBE(T) nm(N) extended(E).
    { A = pb_stmt(pctx, AST_DESCRIBE, T); pb_stmt_name(pctx, A, N); A->extended = E; }
cmd(A) ::= DESCRIBE(T) EXTENDED nm(N).
    { A = pb_stmt(pctx, AST_DESCRIBE, T); pb_stmt_name(pctx, A, N); A->extended = true; }
cmd(A) ::= DESCRIBE(T) STREAMS extended(E).
    { A = pb_stmt(pctx, AST_DESCRIBE, T); A->describe_all = true;
      A->list_what = AST_LIST_STREAMS; A->extended = E; }
cmd(A) ::= DESCRIBE(T) TABLES extended(E).
    { A = pb_stmt(pctx, AST_DESCRIBE, T); A->describe_all = true;
      A->list_what = AST_LIST_TABLES; A->extended = E; }
cmd(A) ::= DESCRIBE(T) FUNCTION nm(N).
    { A = pb_stmt(pctx, AST_DESCRIBE_FUNCTION, T); pb_stmt_name(pctx, A, N); }
cmd(A) ::= DESCRIBE(T) CONNECTOR nm(N).
    { A = pb_stmt(pctx, AST_DESCRIBE_CONNECTOR, T); pb_stmt_name(pctx, A, N); }

cmd(A) ::= EXPLAIN(T) nm(N).         { A = pb_stmt(pctx, AST_EXPLAIN, T); pb_stmt_name(pctx, A, N); }
cmd(A) ::= EXPLAIN(T) cmd(S).        { A = pb_stmt(pctx, AST_EXPLAIN, T); A->inner = S; }

//////////////////////////// QUERY LIFECYCLE /////////////////////////////////

cmd(A) ::= TERMINATE(T) nm(N).       { A = pb_stmt(pctx, AST_TERMINATE, T); pb_stmt_name(pctx, A, N); }
cmd(A) ::= TERMINATE(T) ALL.         { A = pb_stmt(pctx, AST_TERMINATE, T); A->all = true; }
cmd(A) ::= PAUSE(T) nm(N).           { A = pb_stmt(pctx, AST_PAUSE, T); pb_stmt_name(pctx, A, N); }
cmd(A) ::= PAUSE(T) ALL.             { A = pb_stmt(pctx, AST_PAUSE, T); A->all = true; }
cmd(A) ::= RESUME(T) nm(N).          { A = pb_stmt(pctx, AST_RESUME, T); pb_stmt_name(pctx, A, N); }
cmd(A) ::= RESUME(T) ALL.            { A = pb_stmt(pctx, AST_RESUME, T); A->all = true; }

//////////////////////////// PROPERTIES AND VARIABLES ////////////////////////

cmd(A) ::= SET(T) STRING(K) EQ STRING(V).
    { A = pb_stmt(pctx, AST_SET, T); A->name = pb_string(pctx, K, NULL);
      A->text = pb_string(pctx, V, NULL); }
cmd(A) ::= UNSET(T) STRING(K).
    { A = pb_stmt(pctx, AST_UNSET, T); A->name = pb_string(pctx, K, NULL); }
cmd(A) ::= ALTER(T) SYSTEM STRING(K) EQ STRING(V).
    { A = pb_stmt(pctx, AST_ALTER_SYSTEM, T); A->name = pb_string(pctx, K, NULL);
      A->text = pb_string(pctx, V, NULL); }
cmd(A) ::= DEFINE(T) ID(N) EQ STRING(V).
    { A = pb_stmt(pctx, AST_DEFINE, T); pb_stmt_name(pctx, A, pb_ident_raw(pctx, N));
      A->text = pb_string(pctx, V, NULL); }
cmd(A) ::= UNDEFINE(T) ID(N).
    { A = pb_stmt(pctx, AST_UNDEFINE, T); pb_stmt_name(pctx, A, pb_ident_raw(pctx, N)); }

//////////////////////////// PRINT ///////////////////////////////////////////

cmd(A) ::= PRINT(T) nm(N) print_from(F) print_interval(I) print_limit(L).
    { A = pb_stmt(pctx, AST_PRINT, T); pb_stmt_name(pctx, A, N); A->from_beginning = F;
      A->has_interval = I >= 0; A->interval = I >= 0 ? I : 0;
      A->has_limit = L >= 0; A->limit = L >= 0 ? L : 0; }
cmd(A) ::= PRINT(T) STRING(N) print_from(F) print_interval(I) print_limit(L).
    { A = pb_stmt(pctx, AST_PRINT, T); A->name = pb_string(pctx, N, NULL);
      A->name_string = true; A->from_beginning = F;
      A->has_interval = I >= 0; A->interval = I >= 0 ? I : 0;
      A->has_limit = L >= 0; A->limit = L >= 0 ? L : 0; }

%type print_from {int}
print_from(A) ::= .                  { A = 0; }
print_from(A) ::= FROM BEGINNING.    { A = 1; }

%type print_interval {int64_t}
print_interval(A) ::= .              { A = -1; }
print_interval(A) ::= INTERVAL INTEGER_VALUE(N). { A = pb_int(pctx, N, false); }
print_interval(A) ::= SAMPLE INTEGER_VALUE(N).   { A = pb_int(pctx, N, false); }

%type print_limit {int64_t}
print_limit(A) ::= .                 { A = -1; }
print_limit(A) ::= LIMIT INTEGER_VALUE(N). { A = pb_int(pctx, N, false); }

//////////////////////////// TYPES, ASSERT, ALTER, CONNECTORS, SCRIPTS ///////

cmd(A) ::= ASSERT(T) not_exists(X) TOPIC nm(N) with_opt(W) timeout_opt(O).
    { A = pb_stmt(pctx, AST_ASSERT_TOPIC, T); A->not_exists = X; pb_stmt_name(pctx, A, N);
      pb_stmt_props(pctx, A, W); A->timeout = O; }
cmd(A) ::= ASSERT(T) not_exists(X) TOPIC STRING(N) with_opt(W) timeout_opt(O).
    { A = pb_stmt(pctx, AST_ASSERT_TOPIC, T); A->not_exists = X;
      A->name = pb_string(pctx, N, NULL); A->name_string = true;
      pb_stmt_props(pctx, A, W); A->timeout = O; }
cmd(A) ::= ASSERT(T) not_exists(X) SCHEMA subject_opt(S) id_opt(I) timeout_opt(O).
    { A = pb_stmt(pctx, AST_ASSERT_SCHEMA, T); A->not_exists = X; A->text = S;
      A->has_id = I >= 0; A->id = I >= 0 ? I : 0; A->timeout = O; }

%type not_exists {int}
not_exists(A) ::= .                  { A = 0; }
not_exists(A) ::= NOT EXISTS.        { A = 1; }

%type subject_opt {const char *}
subject_opt(A) ::= .                 { A = NULL; }
subject_opt(A) ::= SUBJECT STRING(S). { A = pb_string(pctx, S, NULL); }
subject_opt(A) ::= SUBJECT nm(N).    { A = N.name; }

%type id_opt {int64_t}
id_opt(A) ::= .                      { A = -1; }
id_opt(A) ::= ID_KW INTEGER_VALUE(N). { A = pb_int(pctx, N, false); }

%type timeout_opt {AstDuration}
timeout_opt(A) ::= .                 { memset(&A, 0, sizeof A); }
timeout_opt(A) ::= TIMEOUT dur(D).   { A = D; }

cmd(A) ::= ALTER(T) strtab(K) nm(N) alterlist(L).
    { A = pb_stmt(pctx, AST_ALTER_SOURCE, T); A->is_table = K; pb_stmt_name(pctx, A, N);
      pb_stmt_columns(pctx, A, L); }

%type alterlist {PList *}
%destructor alterlist { ARENA_OWNED($$); }
alterlist(A) ::= alteropt(C).        { A = pb_list(pctx, C); }
alterlist(A) ::= alterlist(L) COMMA alteropt(C). { A = pb_list_add(pctx, L, C); }

%type alteropt {AstColumnDef *}
%destructor alteropt { ARENA_OWNED($$); }
alteropt(A) ::= ADD nm(N) type(T).   { A = pb_column_def(pctx, N, T, AST_COL_VALUE, NULL); }
alteropt(A) ::= ADD COLUMN nm(N) type(T). { A = pb_column_def(pctx, N, T, AST_COL_VALUE, NULL); }

cmd(A) ::= RUN(T) SCRIPT STRING(P).  { A = pb_stmt(pctx, AST_RUN_SCRIPT, T);
                                       A->text = pb_string(pctx, P, NULL); }

//////////////////////////// EXPRESSIONS /////////////////////////////////////
//
// ksqlDB's precedence, loosest first:
//   OR; AND; NOT; one predicate over value expressions (comparison, BETWEEN,
//   IN, LIKE, IS [NOT] NULL, IS [NOT] DISTINCT FROM; not associative);
//   || ; + - ; * / % ; unary + - ; AT TIME ZONE ; primary.

%type expr {AstExpr *}
%destructor expr { ARENA_OWNED($$); }
expr(A) ::= expr(L) OR andexpr(R).   { A = pb_binary(pctx, AST_OP_OR, L, R); }
expr(A) ::= andexpr(E).              { A = E; }

%type andexpr {AstExpr *}
%destructor andexpr { ARENA_OWNED($$); }
andexpr(A) ::= andexpr(L) AND notexpr(R). { A = pb_binary(pctx, AST_OP_AND, L, R); }
andexpr(A) ::= notexpr(E).           { A = E; }

%type notexpr {AstExpr *}
%destructor notexpr { ARENA_OWNED($$); }
notexpr(A) ::= NOT(T) notexpr(E).    { A = pb_not(pctx, T, E); }
notexpr(A) ::= pred(E).              { A = E; }

%type pred {AstExpr *}
%destructor pred { ARENA_OWNED($$); }
pred(A) ::= vexpr(E).                { A = E; }
pred(A) ::= vexpr(L) cmpop(O) vexpr(R). { A = pb_binary(pctx, O, L, R); }
pred(A) ::= vexpr(L) BETWEEN vexpr(X) AND vexpr(Y).
    { A = pb_predicate(pctx, AST_BETWEEN, false, L, X, Y, Y->end); }
pred(A) ::= vexpr(L) NOT BETWEEN vexpr(X) AND vexpr(Y).
    { A = pb_predicate(pctx, AST_BETWEEN, true, L, X, Y, Y->end); }
pred(A) ::= vexpr(L) IN LP exprlist(I) RP(E).     { A = pb_in(pctx, false, L, I, E); }
pred(A) ::= vexpr(L) NOT IN LP exprlist(I) RP(E). { A = pb_in(pctx, true, L, I, E); }
pred(A) ::= vexpr(L) LIKE vexpr(P).  { A = pb_like(pctx, false, L, P, NULL); }
pred(A) ::= vexpr(L) LIKE vexpr(P) ESCAPE STRING(S). { A = pb_like(pctx, false, L, P, &S); }
pred(A) ::= vexpr(L) NOT LIKE vexpr(P). { A = pb_like(pctx, true, L, P, NULL); }
pred(A) ::= vexpr(L) NOT LIKE vexpr(P) ESCAPE STRING(S). { A = pb_like(pctx, true, L, P, &S); }
pred(A) ::= vexpr(L) IS NULL(E).     { A = pb_predicate(pctx, AST_IS_NULL, false, L, NULL, NULL, E.off + E.n); }
pred(A) ::= vexpr(L) IS NOT NULL(E). { A = pb_predicate(pctx, AST_IS_NULL, true, L, NULL, NULL, E.off + E.n); }
pred(A) ::= vexpr(L) IS DISTINCT FROM vexpr(R).
    { A = pb_predicate(pctx, AST_DISTINCT, false, L, R, NULL, R->end); }
pred(A) ::= vexpr(L) IS NOT DISTINCT FROM vexpr(R).
    { A = pb_predicate(pctx, AST_DISTINCT, true, L, R, NULL, R->end); }

%type cmpop {int}
cmpop(A) ::= EQ.                     { A = AST_OP_EQ; }
cmpop(A) ::= NE.                     { A = AST_OP_NE; }
cmpop(A) ::= LT.                     { A = AST_OP_LT; }
cmpop(A) ::= LE.                     { A = AST_OP_LE; }
cmpop(A) ::= GT.                     { A = AST_OP_GT; }
cmpop(A) ::= GE.                     { A = AST_OP_GE; }

%type vexpr {AstExpr *}
%destructor vexpr { ARENA_OWNED($$); }
vexpr(A) ::= vexpr(L) CONCAT addexpr(R). { A = pb_binary(pctx, AST_OP_CONCAT, L, R); }
vexpr(A) ::= addexpr(E).             { A = E; }

%type addexpr {AstExpr *}
%destructor addexpr { ARENA_OWNED($$); }
addexpr(A) ::= addexpr(L) PLUS mulexpr(R).  { A = pb_binary(pctx, AST_OP_ADD, L, R); }
addexpr(A) ::= addexpr(L) MINUS mulexpr(R). { A = pb_binary(pctx, AST_OP_SUB, L, R); }
addexpr(A) ::= mulexpr(E).           { A = E; }

%type mulexpr {AstExpr *}
%destructor mulexpr { ARENA_OWNED($$); }
mulexpr(A) ::= mulexpr(L) STAR unexpr(R).    { A = pb_binary(pctx, AST_OP_MUL, L, R); }
mulexpr(A) ::= mulexpr(L) SLASH unexpr(R).   { A = pb_binary(pctx, AST_OP_DIV, L, R); }
mulexpr(A) ::= mulexpr(L) PERCENT unexpr(R). { A = pb_binary(pctx, AST_OP_MOD, L, R); }
mulexpr(A) ::= unexpr(E).            { A = E; }

/* A minus sign directly before a number literal folds into it (ksqlDB's
** `number: MINUS? INTEGER_VALUE`); pb_unary does that. */
%type unexpr {AstExpr *}
%destructor unexpr { ARENA_OWNED($$); }
unexpr(A) ::= MINUS(T) unexpr(E).    { A = pb_unary(pctx, T, E); }
unexpr(A) ::= PLUS(T) unexpr(E).     { A = pb_unary(pctx, T, E); }
unexpr(A) ::= atexpr(E).             { A = E; }

%type atexpr {AstExpr *}
%destructor atexpr { ARENA_OWNED($$); }
atexpr(A) ::= atexpr(E) AT TIME ZONE STRING(Z). { A = pb_at_tz(pctx, E, Z); }
atexpr(A) ::= primary(E).            { A = E; }

%type primary {AstExpr *}
%destructor primary { ARENA_OWNED($$); }
primary(A) ::= NULL(X).              { A = pb_literal(pctx, TK_NULL, X); }
primary(A) ::= TRUE(X).              { A = pb_literal(pctx, TK_TRUE, X); }
primary(A) ::= FALSE(X).             { A = pb_literal(pctx, TK_FALSE, X); }
primary(A) ::= STRING(X).            { A = pb_literal(pctx, TK_STRING, X); }
primary(A) ::= number(E).            { A = E; }
primary(A) ::= nm(N).                { A = pb_column(pctx, NULL, N); }
primary(A) ::= nm(Q) DOT nm(N).      { A = pb_column(pctx, &Q, N); }
primary(A) ::= primary(B) ARROW nm(F). { A = pb_deref(pctx, B, F); }
primary(A) ::= primary(B) LBRACKET vexpr(I) RBRACKET(E). { A = pb_subscript(pctx, B, I, E); }
primary(A) ::= LP(L) expr(E) RP(R).  { A = pb_paren(pctx, L, E, R); }
primary(A) ::= CASE(T) whenlist(W) else_opt(X) END(E).
                                     { A = pb_case(pctx, T, NULL, W, X, E); }
primary(A) ::= CASE(T) vexpr(O) whenlist(W) else_opt(X) END(E).
                                     { A = pb_case(pctx, T, O, W, X, E); }
primary(A) ::= CAST(T) LP expr(E) AS type(Y) RP(R). { A = pb_cast(pctx, T, E, Y, R); }
primary(A) ::= ARRAY(T) LBRACKET RBRACKET(E). { A = pb_array(pctx, T, NULL, E); }
primary(A) ::= ARRAY(T) LBRACKET exprlist(L) RBRACKET(E). { A = pb_array(pctx, T, L, E); }
primary(A) ::= MAP(T) LP RP(E).      { A = pb_map(pctx, T, NULL, E); }
primary(A) ::= MAP(T) LP maplist(L) RP(E). { A = pb_map(pctx, T, L, E); }
primary(A) ::= STRUCT(T) LP RP(E).   { A = pb_struct(pctx, T, NULL, E); }
primary(A) ::= STRUCT(T) LP structlist(L) RP(E). { A = pb_struct(pctx, T, L, E); }
primary(A) ::= nm(N) LP STAR RP(E).  { A = pb_func_star(pctx, N, E); }
primary(A) ::= nm(N) LP RP(E).       { A = pb_func(pctx, N, NULL, E); }
primary(A) ::= nm(N) LP DISTINCT expr(X) RP(E). { A = pb_func_distinct(pctx, N, X, E); }
primary(A) ::= nm(N) LP arglist(L) RP(E). { A = pb_func(pctx, N, L, E); }

%type whenlist {PList *}
%destructor whenlist { ARENA_OWNED($$); }
whenlist(A) ::= WHEN expr(C) THEN expr(R).
    { A = pb_list(pctx, C); pb_list_add(pctx, A, R); }
whenlist(A) ::= whenlist(L) WHEN expr(C) THEN expr(R).
    { A = pb_list_add(pctx, L, C); pb_list_add(pctx, A, R); }

%type else_opt {AstExpr *}
%destructor else_opt { ARENA_OWNED($$); }
else_opt(A) ::= .                    { A = NULL; }
else_opt(A) ::= ELSE expr(E).        { A = E; }

%type exprlist {PList *}
%destructor exprlist { ARENA_OWNED($$); }
exprlist(A) ::= expr(E).             { A = pb_list(pctx, E); }
exprlist(A) ::= exprlist(L) COMMA expr(E). { A = pb_list_add(pctx, L, E); }

%type vexprlist {PList *}
%destructor vexprlist { ARENA_OWNED($$); }
vexprlist(A) ::= vexpr(E).           { A = pb_list(pctx, E); }
vexprlist(A) ::= vexprlist(L) COMMA vexpr(E). { A = pb_list_add(pctx, L, E); }

%type maplist {PList *}
%destructor maplist { ARENA_OWNED($$); }
maplist(A) ::= expr(K) ASSIGN expr(V). { A = pb_list(pctx, K); pb_list_add(pctx, A, V); }
maplist(A) ::= maplist(L) COMMA expr(K) ASSIGN expr(V).
    { A = pb_list_add(pctx, L, K); pb_list_add(pctx, A, V); }

%type structlist {PList *}
%destructor structlist { ARENA_OWNED($$); }
structlist(A) ::= nm(N) ASSIGN expr(V). { A = pb_list(pctx, pb_struct_field(pctx, N, V)); }
structlist(A) ::= structlist(L) COMMA nm(N) ASSIGN expr(V).
    { A = pb_list_add(pctx, L, pb_struct_field(pctx, N, V)); }

/* Function arguments: expressions, bare time units (TIMESTAMPADD(SECONDS, ..)),
** and lambdas `x => ...` / `(x, y) => ...`. Lambda parameters are parsed as
** expressions (LALR(1) cannot tell `(x)` from `(x) =>` in time) and checked to
** be plain names by pb_lambda. */
%type arglist {PList *}
%destructor arglist { ARENA_OWNED($$); }
arglist(A) ::= arg(E).               { A = pb_list(pctx, E); }
arglist(A) ::= arglist(L) COMMA arg(E). { A = pb_list_add(pctx, L, E); }

%type arg {AstExpr *}
%destructor arg { ARENA_OWNED($$); }
arg(A) ::= expr(E).                  { A = E; }
arg(A) ::= unit(U).                  { A = pb_unit_arg(pctx, U); }
arg(A) ::= expr(P) LAMBDA expr(B).   { A = pb_lambda(pctx, P->offset, pb_list(pctx, P), B); }
arg(A) ::= LP(T) expr(P) COMMA exprlist(L) RP LAMBDA expr(B).
    { PList *ps = pb_list(pctx, P);
      for (int i = 0; i < L->n; i++) pb_list_add(pctx, ps, L->v[i]);
      A = pb_lambda(pctx, T.off, ps, B); }

//////////////////////////// PARSER INTROSPECTION ///////////////////////////
//
// The driver asks, before feeding each token, whether the parser can take it.
// These functions answer by simulating lemon's actions on the state numbers of
// the stack (without fallback), never touching the parser itself.

%code {
/* A virtual stack: the parser's real entries up to sp, plus states pushed by
 * the simulation in ext[]. */
typedef struct Sim {
    const yyStackEntry *base;
    int sp;                 /* index of the top real entry still in use */
    int next;               /* entries used in ext */
    YYACTIONTYPE ext[512];
} Sim;

static void sim_init(Sim *s, void *p)
{
    yyParser *pp = p;
    s->base = pp->yystack;
    s->sp = (int)(pp->yytos - pp->yystack);
    s->next = 0;
}

static int sim_top(const Sim *s)
{
    return s->next ? s->ext[s->next - 1] : s->base[s->sp].stateno;
}

/* The action for terminal tok in state; like yy_find_shift_action without the
 * %fallback step, so a keyword is acceptable only as itself. */
static int sim_action(int state, int tok)
{
    if (state > YY_MAX_SHIFT) return state;
    int i = yy_shift_ofst[state] + tok;
    if (yy_lookahead[i] != tok) return yy_default[state];
    return yy_action[i];
}

/* Feeds tok: 1 when it would be shifted, 2 when the input would be accepted,
 * 0 on a syntax error. */
static int sim_feed(Sim *s, int tok)
{
    for (int guard = 0; guard < 100000; guard++) {
        int act = sim_action(sim_top(s), tok);
        if (act >= YY_MIN_REDUCE && act <= YY_MAX_REDUCE) {
            int rule = act - YY_MIN_REDUCE;
            for (int k = -yyRuleInfoNRhs[rule]; k > 0; k--) {
                if (s->next)
                    s->next--;
                else if (s->sp > 0)
                    s->sp--;
                else
                    return 0;
            }
            if (s->next == (int)(sizeof s->ext / sizeof s->ext[0])) return 0;
            s->ext[s->next++] = yy_find_reduce_action(sim_top(s), yyRuleInfoLhs[rule]);
            continue;
        }
        if (act <= YY_MAX_SHIFTREDUCE) {
            int st = act > YY_MAX_SHIFT ? act + YY_MIN_REDUCE - YY_MIN_SHIFTREDUCE : act;
            if (s->next == (int)(sizeof s->ext / sizeof s->ext[0])) return 0;
            s->ext[s->next++] = (YYACTIONTYPE)st;
            return 1;
        }
        if (act == YY_ACCEPT_ACTION) return 2;
        return 0;
    }
    return 0;
}

/* Feeds one token, as lemon's Parse() does, but looking actions up without the
 * %fallback step: the driver has already decided whether a non-reserved keyword
 * is a keyword or an identifier, and lemon's fallback would second-guess that
 * in states where the keyword is only reached through a default reduction. */
void eddy_parser_feed(void *p, int major, Token minor)
{
    yyParser *yypParser = p;
    EddyParserCTX_FETCH
    int yyact = yypParser->yytos->stateno;
    for (;;) {
        yyact = sim_action(yyact, major);
        if (yyact >= YY_MIN_REDUCE) {
            unsigned int rule = (unsigned int)(yyact - YY_MIN_REDUCE);
            if (yyRuleInfoNRhs[rule] == 0 && yypParser->yytos >= yypParser->yystackEnd) {
                yyStackOverflow(yypParser);
                return;
            }
            yyact = yy_reduce(yypParser, rule, major, minor EddyParserCTX_PARAM);
        } else if (yyact <= YY_MAX_SHIFTREDUCE) {
            yy_shift(yypParser, (YYACTIONTYPE)yyact, (YYCODETYPE)major, minor);
            yypParser->yyerrcnt--;
            return;
        } else if (yyact == YY_ACCEPT_ACTION) {
            yypParser->yytos--;
            yy_accept(yypParser);
            return;
        } else {
            yy_syntax_error(yypParser, major, minor);
            yy_parse_failed(yypParser);
            return;
        }
    }
}

bool eddy_parser_accepts(void *p, int tok)
{
    Sim s;
    if (tok < 0 || tok >= YYNTOKEN) return false;
    sim_init(&s, p);
    return sim_feed(&s, tok) != 0;
}

bool eddy_parser_accepts_after(void *p, int first, int tok)
{
    Sim s;
    if (first < 0 || first >= YYNTOKEN || tok < 0 || tok >= YYNTOKEN) return false;
    sim_init(&s, p);
    if (sim_feed(&s, first) != 1) return false;
    return sim_feed(&s, tok) != 0;
}

int eddy_parser_expected(void *p, int *out, int max)
{
    int n = 0;
    for (int tok = 0; tok < YYNTOKEN && n < max; tok++)
        if (eddy_parser_accepts(p, tok)) out[n++] = tok;
    return n;
}

bool eddy_parser_nonreserved(int tok)
{
    if (tok <= 0 || tok >= (int)(sizeof yyFallback / sizeof yyFallback[0])) return false;
    return yyFallback[tok] != 0;
}

int eddy_parser_nterminals(void)
{
    return YYNTOKEN;
}

const char *eddy_parser_token_name(int tok)
{
#if defined(YYCOVERAGE) || !defined(NDEBUG)
    if (tok >= 0 && tok < YYNTOKEN) return yyTokenName[tok];
#endif
    (void)tok;
    return NULL;
}
}
