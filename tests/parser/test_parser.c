/*
 * test_parser.c - the SQL front end through its public surface: tokens, the
 * statements and expressions each form parses to (checked by printing them
 * back), exact syntax error messages and positions, literal rules, and
 * ${variable} substitution.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/common/arena.h"
#include "../../src/common/strbuf.h"
#include "../../src/parser/parse_int.h"
#include "../../src/parser/parser.h"

#include "eddy.h"

/* ---------------------------------------------------------------- tokenizer */

typedef struct {
    const char *text;
    int kinds[8]; /* expected kinds, blanks and comments skipped, 0-terminated */
    int len0;     /* expected length of the first token */
} TokCase;

static const TokCase tok_cases[] = {
    {"select", {TK_SELECT}, 6},
    {"SeLeCt x", {TK_SELECT, TK_ID}, 6},
    {"`my col`", {TK_ID}, 8},
    {"`a``b`", {TK_ID}, 6},
    {"\"Quoted\"", {TK_ID}, 8},
    {"'it''s'", {TK_STRING}, 7},
    {"'unterminated", {TK_ILLEGAL, TK_ID}, 1},
    {"`unterminated", {TK_ILLEGAL, TK_ID}, 1},
    {"123", {TK_INTEGER_VALUE}, 3},
    {"1.5", {TK_DECIMAL_VALUE}, 3},
    {".5", {TK_DECIMAL_VALUE}, 2},
    {"1.", {TK_DECIMAL_VALUE}, 2},
    {"1.5E3", {TK_FLOAT_VALUE}, 5},
    {"1E-2", {TK_FLOAT_VALUE}, 4},
    {"1e5", {TK_FLOAT_VALUE}, 3},
    {"12abc", {TK_ID}, 5},
    {"1.5abc", {TK_DECIMAL_VALUE, TK_ID}, 3},
    {"a_b@c1", {TK_ID}, 6},
    {"-- comment\nx", {TK_ID}, 10},
    {"/* c */ x", {TK_ID}, 7},
    {"/* open", {TK_SLASH, TK_STAR, TK_ID}, 1},
    {"= != <> < <= > >=", {TK_EQ, TK_NE, TK_NE, TK_LT, TK_LE, TK_GT, TK_GE}, 1},
    {"+ - * / % ||", {TK_PLUS, TK_MINUS, TK_STAR, TK_SLASH, TK_PERCENT, TK_CONCAT}, 1},
    {"-> => :=", {TK_ARROW, TK_LAMBDA, TK_ASSIGN}, 2},
    {"[ ] ( ) , . ;", {TK_LBRACKET, TK_RBRACKET, TK_LP, TK_RP, TK_COMMA, TK_DOT, TK_SEMI}, 1},
    {"${var_1}", {TK_VARIABLE}, 8},
    {"${1}", {TK_ILLEGAL, TK_ILLEGAL, TK_INTEGER_VALUE, TK_ILLEGAL}, 1},
    {"#", {TK_ILLEGAL}, 1},
    {"|", {TK_ILLEGAL}, 1},
    {"a.b", {TK_ID, TK_DOT, TK_ID}, 1},
    {"s->f", {TK_ID, TK_ARROW, TK_ID}, 1},
    {"x=>1", {TK_ID, TK_LAMBDA, TK_INTEGER_VALUE}, 1},
};

START_TEST(tokenizer_table)
{
    const TokCase *tc = &tok_cases[_i];
    const char *z = tc->text;
    int n = (int)strlen(z), pos = 0, k = 0, first = 1;
    while (pos < n) {
        int kind, len = tok_next(z + pos, n - pos, &kind);
        ck_assert_int_ge(len, 1);
        if (first) {
            ck_assert_msg(len == tc->len0, "%s: first token length %d, want %d", z, len, tc->len0);
            first = 0;
        }
        pos += len;
        if (kind == TK_SPACE || kind == TK_COMMENT) continue;
        ck_assert_msg(kind == tc->kinds[k], "%s: token %d is %d, want %d", z, k, kind,
                      tc->kinds[k]);
        k++;
    }
    ck_assert_msg(tc->kinds[k] == 0, "%s: %d tokens, more expected", z, k);
}
END_TEST

START_TEST(tokenizer_never_reads_past_n)
{
    /* each prefix of each case, scanned with exactly that many bytes */
    char buf[64];
    for (size_t i = 0; i < sizeof tok_cases / sizeof tok_cases[0]; i++) {
        size_t n = strlen(tok_cases[i].text);
        for (size_t m = 1; m <= n; m++) {
            memcpy(buf, tok_cases[i].text, m);
            int pos = 0;
            while (pos < (int)m) {
                int kind, len = tok_next(buf + pos, (int)m - pos, &kind);
                ck_assert_int_ge(len, 1);
                ck_assert_int_le(pos + len, (int)m);
                pos += len;
            }
        }
    }
}
END_TEST

START_TEST(keyword_table_matches_grammar)
{
    int prev_kind;
    const char *prev = NULL;
    for (int i = 0; i < tok_keyword_count(); i++) {
        int kind;
        const char *name = tok_keyword_at(i, &kind);
        if (prev) ck_assert_msg(strcmp(prev, name) < 0, "keywords not sorted at %s", name);
        ck_assert_int_eq(tok_keyword(name, (int)strlen(name)), kind);
        const char *gname = eddy_parser_token_name(kind);
        if (gname) {
            const char *want = strcmp(name, "ID") == 0 ? "ID_KW" : name;
            ck_assert_str_eq(gname, want);
        }
        prev = name;
        prev_kind = kind;
    }
    (void)prev_kind;
    /* every grammar terminal named like a keyword is in the table */
    for (int t = 1; t < eddy_parser_nterminals(); t++) {
        const char *g = eddy_parser_token_name(t);
        if (!g || t < TK_SELECT || t >= TK_ILLEGAL) continue;
        const char *kw = strcmp(g, "ID_KW") == 0 ? "ID" : g;
        ck_assert_msg(tok_keyword(kw, (int)strlen(kw)) == t, "keyword %s missing", g);
    }
    ck_assert_int_eq(tok_keyword("select", 6), TK_SELECT);
    ck_assert_int_eq(tok_keyword("selectx", 7), 0);
}
END_TEST

/* ---------------------------------------------------------------- statements */

typedef struct {
    const char *sql;
    const char *printed; /* ast_stmt_print of the (single) statement */
} StmtCase;

static const StmtCase stmt_cases[] = {
    {"CREATE STREAM s (id INT KEY, name STRING) WITH (kafka_topic='t', value_format='JSON');",
     "CREATE STREAM S (ID INTEGER KEY, NAME STRING) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON')"},
    {"create or replace source table if not exists `t` (k bigint primary key, v map<string, "
     "array<int>>) with ('partitions'=4)",
     "CREATE OR REPLACE SOURCE TABLE IF NOT EXISTS `t` (K BIGINT PRIMARY KEY, V MAP<STRING, "
     "ARRAY<INTEGER>>) WITH (`partitions`=4)"},
    {"CREATE STREAM s (h ARRAY<STRUCT<key STRING, value BYTES>> HEADERS, b BYTES HEADER('k'), "
     "d DECIMAL(4, 2), x my_type) WITH (kafka_topic='t');",
     "CREATE STREAM S (H ARRAY<STRUCT<`KEY` STRING, `VALUE` BYTES>> HEADERS, B BYTES "
     "HEADER('k'), D DECIMAL(4, 2), X MY_TYPE) WITH (KAFKA_TOPIC='t')"},
    {"CREATE STREAM s WITH (kafka_topic='t', value_format='AVRO', partitions=-1, x=1.5, y=true, "
     "z=null);",
     "CREATE STREAM S WITH (KAFKA_TOPIC='t', VALUE_FORMAT='AVRO', PARTITIONS=-1, X=1.5, "
     "Y=true, Z=null)"},
    {"CREATE TABLE t AS SELECT k, COUNT(*) AS c FROM s WINDOW TUMBLING (SIZE 1 MINUTE, "
     "RETENTION 2 DAYS, GRACE PERIOD 10 SECONDS) WHERE v > 0 GROUP BY k HAVING COUNT(*) > 1 "
     "EMIT FINAL;",
     "CREATE TABLE T AS SELECT\n  K,\n  COUNT(*) C\nFROM S\nWINDOW TUMBLING (SIZE 1 MINUTES, "
     "RETENTION 2 DAYS, GRACE PERIOD 10 SECONDS)\nWHERE (V > 0)\nGROUP BY K\nHAVING (COUNT(*) "
     "> 1)\nEMIT FINAL"},
    {"CREATE STREAM o WITH (kafka_topic='o') AS SELECT * FROM a LEFT JOIN b WITHIN 10 SECONDS "
     "ON a.id = b.id FULL OUTER JOIN c x WITHIN (1 HOUR, 2 HOURS) GRACE PERIOD 5 MINUTES ON "
     "a.id = x.id PARTITION BY a.k EMIT CHANGES;",
     "CREATE STREAM O WITH (KAFKA_TOPIC='o') AS SELECT *\nFROM A\nLEFT OUTER JOIN B WITHIN 10 "
     "SECONDS ON (A.ID = B.ID)\nFULL OUTER JOIN C X WITHIN (1 HOURS, 2 HOURS) GRACE PERIOD 5 "
     "MINUTES ON (A.ID = X.ID)\nPARTITION BY A.K\nEMIT CHANGES"},
    {"SELECT * FROM a INNER JOIN b AS bb ON a.x = bb.x RIGHT JOIN c ON a.x = c.x;",
     "SELECT *\nFROM A\nINNER JOIN B BB ON (A.X = BB.X)\nRIGHT OUTER JOIN C ON (A.X = C.X)"},
    {"SELECT a.*, s->*, x FROM a WINDOW HOPPING (SIZE 30 SECONDS, ADVANCE BY 10 SECOND) "
     "GROUP BY (x, y) LIMIT 10;",
     "SELECT\n  A.*,\n  S->*,\n  X\nFROM A\nWINDOW HOPPING (SIZE 30 SECONDS, ADVANCE BY 10 "
     "SECONDS)\nGROUP BY X, Y\nLIMIT 10"},
    {"SELECT * FROM s WINDOW SESSION (5 MILLISECONDS, GRACE PERIOD 6 MILLISECONDS) GROUP BY k "
     "EMIT CHANGES",
     "SELECT *\nFROM S\nWINDOW SESSION (5 MILLISECONDS, GRACE PERIOD 6 MILLISECONDS)\nGROUP BY "
     "K\nEMIT CHANGES"},
    {"SELECT * FROM t WHERE k = 1;", "SELECT *\nFROM T\nWHERE (K = 1)"},
    {"SELECT * FROM t LIMIT -1;", "SELECT *\nFROM T\nLIMIT -1"},
    {"INSERT INTO s WITH (QUERY_ID='q') SELECT * FROM t;",
     "INSERT INTO S WITH (QUERY_ID='q') SELECT *\nFROM T"},
    {"INSERT INTO s (ROWTIME, k, v) VALUES (1, 'a', -2.5);",
     "INSERT INTO S (ROWTIME, K, V) VALUES (1, 'a', -2.5)"},
    {"INSERT INTO s VALUES ();", "INSERT INTO S VALUES ()"},
    {"DROP STREAM IF EXISTS s DELETE TOPIC;", "DROP STREAM IF EXISTS S DELETE TOPIC"},
    {"DROP TABLE t", "DROP TABLE T"},
    {"CREATE TYPE IF NOT EXISTS addr AS STRUCT<street STRING, `zip` INT>;",
     "CREATE TYPE IF NOT EXISTS ADDR AS STRUCT<`STREET` STRING, `zip` INTEGER>"},
    {"DROP TYPE IF EXISTS addr;", "DROP TYPE IF EXISTS ADDR"},
    {"SHOW STREAMS EXTENDED;", "SHOW STREAMS EXTENDED"},
    {"LIST TABLES;", "SHOW TABLES"},
    {"SHOW ALL TOPICS;", "SHOW ALL TOPICS"},
    {"show queries;", "SHOW QUERIES"},
    {"SHOW FUNCTIONS;", "SHOW FUNCTIONS"},
    {"SHOW PROPERTIES;", "SHOW PROPERTIES"},
    {"SHOW VARIABLES;", "SHOW VARIABLES"},
    {"SHOW TYPES;", "SHOW TYPES"},
    {"SHOW SINK CONNECTORS;", "SHOW SINK CONNECTORS"},
    {"SHOW CONNECTOR PLUGINS;", "SHOW CONNECTOR PLUGINS"},
    {"DESCRIBE s EXTENDED;", "DESCRIBE S EXTENDED"},
    {"DESCRIBE EXTENDED s;", "DESCRIBE S EXTENDED"},
    {"DESCRIBE STREAMS;", "DESCRIBE STREAMS"},
    {"DESCRIBE TABLES EXTENDED;", "DESCRIBE TABLES EXTENDED"},
    {"DESCRIBE FUNCTION substring;", "DESCRIBE FUNCTION SUBSTRING"},
    {"DESCRIBE CONNECTOR c;", "DESCRIBE CONNECTOR C"},
    {"EXPLAIN CSAS_OUT_0;", "EXPLAIN CSAS_OUT_0"},
    {"EXPLAIN SELECT * FROM t;", "EXPLAIN SELECT *\nFROM T"},
    {"TERMINATE ALL;", "TERMINATE ALL"},
    {"terminate ctas_x_1;", "TERMINATE CTAS_X_1"},
    {"PAUSE q;", "PAUSE Q"},
    {"RESUME ALL;", "RESUME ALL"},
    {"SET 'auto.offset.reset'='earliest';", "SET 'auto.offset.reset'='earliest'"},
    {"UNSET 'auto.offset.reset';", "UNSET 'auto.offset.reset'"},
    {"ALTER SYSTEM 'k'='v';", "ALTER SYSTEM 'k'='v'"},
    {"DEFINE myVar = 'x';", "DEFINE myVar = 'x'"},
    {"UNDEFINE myVar;", "UNDEFINE myVar"},
    {"PRINT 'my-topic' FROM BEGINNING INTERVAL 2 LIMIT 3;",
     "PRINT 'my-topic' FROM BEGINNING INTERVAL 2 LIMIT 3"},
    {"PRINT topic SAMPLE 5;", "PRINT TOPIC INTERVAL 5"},
    {"ASSERT NOT EXISTS TOPIC t WITH (partitions=1) TIMEOUT 3 SECONDS;",
     "ASSERT NOT EXISTS TOPIC T WITH (PARTITIONS=1) TIMEOUT 3 SECONDS"},
    {"ASSERT SCHEMA SUBJECT 's' ID 4;", "ASSERT SCHEMA SUBJECT 's' ID 4"},
    {"ALTER STREAM s ADD COLUMN a INT, ADD b STRING;",
     "ALTER STREAM S ADD COLUMN A INTEGER, ADD COLUMN B STRING"},
    {"CREATE SOURCE CONNECTOR IF NOT EXISTS c WITH ('connector.class'='x');",
     "CREATE SOURCE CONNECTOR IF NOT EXISTS C WITH (`connector.class`='x')"},
    {"DROP CONNECTOR IF EXISTS c;", "DROP CONNECTOR IF EXISTS C"},
    {"RUN SCRIPT '/tmp/x.sql';", "RUN SCRIPT '/tmp/x.sql'"},
    /* non-reserved keywords as names; ORDER is not a keyword at all */
    {"SELECT key, size, window_id AS emit, time FROM session;",
     "SELECT\n  KEY,\n  SIZE,\n  WINDOW_ID EMIT,\n  TIME\nFROM SESSION"},
    {"SELECT * FROM s emit EMIT CHANGES;", "SELECT *\nFROM S EMIT\nEMIT CHANGES"},
    {"CREATE STREAM IF (date DATE, timestamp TIMESTAMP) WITH (kafka_topic='t');",
     "CREATE STREAM IF (DATE DATE, TIMESTAMP TIMESTAMP) WITH (KAFKA_TOPIC='t')"},
};

static const char *print_stmt(const AstStmt *s)
{
    static char buf[4096];
    StrBuf sb = STRBUF_INIT;
    ast_stmt_print(&sb, s);
    snprintf(buf, sizeof buf, "%s", sb_cstr(&sb));
    sb_free(&sb);
    return buf;
}

START_TEST(statement_table)
{
    const StmtCase *tc = &stmt_cases[_i];
    Arena a;
    arena_init(&a, 4096);
    AstStmt *s;
    EddyError err;
    int rc = parse_statement(&a, tc->sql, &s, &err);
    ck_assert_msg(rc == 0, "%s: %s", tc->sql, err.msg);
    ck_assert_str_eq(print_stmt(s), tc->printed);
    /* and the printed text reads back to the same tree */
    AstStmt *again;
    rc = parse_statement(&a, tc->printed, &again, &err);
    ck_assert_msg(rc == 0, "%s: %s", tc->printed, err.msg);
    ck_assert_msg(ast_stmt_equal(s, again), "round trip differs: %s", tc->printed);
    arena_free(&a);
}
END_TEST

START_TEST(statement_spans)
{
    const char *text = "CREATE STREAM a (x INT) WITH (kafka_topic='a');\n"
                       "  -- a comment\n"
                       "SELECT * FROM a EMIT CHANGES;  SHOW STREAMS";
    Arena a;
    arena_init(&a, 4096);
    AstScript s;
    EddyError err;
    ck_assert_int_eq(parse_script(&a, text, &s, &err), 0);
    ck_assert_int_eq(s.nstmts, 3);
    ck_assert_int_eq(s.stmts[0]->offset, 0);
    ck_assert_int_eq(s.stmts[0]->end, 47);
    ck_assert_int_eq(s.stmts[1]->kind, AST_QUERY);
    ck_assert_int_eq(strncmp(text + s.stmts[1]->offset, "SELECT", 6), 0);
    ck_assert_int_eq(text[s.stmts[1]->end - 1], ';');
    ck_assert_int_eq(s.stmts[2]->kind, AST_LIST);
    ck_assert_int_eq(s.stmts[2]->end, (int)strlen(text));
    ck_assert_int_eq(s.stmts[1]->select->emit, AST_EMIT_CHANGES);
    /* empty input and lone semicolons are no statements */
    ck_assert_int_eq(parse_script(&a, "", &s, &err), 0);
    ck_assert_int_eq(s.nstmts, 0);
    ck_assert_int_eq(parse_script(&a, " ; ;\n", &s, &err), 0);
    ck_assert_int_eq(s.nstmts, 0);
    AstStmt *one;
    ck_assert_int_eq(parse_statement(&a, "SHOW TABLES; SHOW STREAMS;", &one, &err), ERR_SYNTAX);
    arena_free(&a);
}
END_TEST

START_TEST(ast_fields)
{
    Arena a;
    arena_init(&a, 4096);
    AstStmt *s;
    EddyError err;
    ck_assert_int_eq(parse_statement(&a,
                                     "CREATE TABLE T AS SELECT K, LATEST_BY_OFFSET(V) FROM S "
                                     "WINDOW TUMBLING (SIZE 2 SECONDS) GROUP BY K;",
                                     &s, &err),
                     0);
    ck_assert_int_eq(s->kind, AST_CREATE_AS);
    ck_assert(s->is_table);
    AstSelect *q = s->select;
    ck_assert_int_eq(q->nitems, 2);
    ck_assert_int_eq(q->items[1].expr->kind, AST_FUNC);
    ck_assert_str_eq(q->items[1].expr->name, "LATEST_BY_OFFSET");
    ck_assert_int_eq(q->window->kind, AST_WIN_TUMBLING);
    ck_assert_int_eq(q->window->size.ms, 2000);
    ck_assert_str_eq(q->window->size.unit, "SECONDS");
    ck_assert_int_eq(q->ngroup, 1);
    ck_assert_int_eq(q->emit, AST_EMIT_NONE);

    ck_assert_int_eq(parse_statement(&a,
                                     "SELECT * FROM a JOIN b WITHIN (1 SECOND, 5 MINUTES) "
                                     "ON a.k = b.k;",
                                     &s, &err),
                     0);
    AstRelation *j = s->select->from;
    ck_assert_int_eq(j->kind, AST_REL_JOIN);
    ck_assert_int_eq(j->join_type, AST_JOIN_INNER);
    ck_assert(j->has_within);
    ck_assert_int_eq(j->within_before.ms, 1000);
    ck_assert_int_eq(j->within_after.ms, 300000);
    ck_assert(!j->grace.present);
    ck_assert_str_eq(j->right->name, "B");

    ck_assert_int_eq(
        parse_statement(&a, "CREATE STREAM `Mixed` (`k` INT KEY) WITH (x='y');", &s, &err), 0);
    ck_assert_str_eq(s->name, "Mixed");
    ck_assert(s->name_quoted);
    ck_assert_str_eq(s->columns[0].name, "k");
    ck_assert(s->columns[0].quoted);
    ck_assert_int_eq(s->columns[0].role, AST_COL_KEY);
    arena_free(&a);
}
END_TEST

/* ---------------------------------------------------------------- expressions */

typedef struct {
    const char *expr;
    const char *printed;
} ExprCase;

static const ExprCase expr_cases[] = {
    {"f1 + f2", "(F1 + F2)"},
    {"id = '10'", "(ID = '10')"},
    {"f1 * SUM(f2)", "(F1 * SUM(F2))"},
    {"substring(source, 0, 3)", "SUBSTRING(SOURCE, 0, 3)"},
    {"input.id", "INPUT.ID"},
    {"abs(input.id)", "ABS(INPUT.ID)"},
    {"s->f->g", "S->F->G"},
    {"cast(x as int)", "CAST(X AS INTEGER)"},
    {"'it''s'", "'it''s'"},
    {"`lower`", "`lower`"},
    {"`SELECT`", "`SELECT`"},
    {"`a b`", "`a b`"},
    {"1 + 2 * 3", "(1 + (2 * 3))"},
    {"(1 + 2) * 3", "((1 + 2) * 3)"},
    {"a || b + c", "(A || (B + C))"},
    {"a - b - c", "((A - B) - C)"},
    {"-x * 2", "(-X * 2)"},
    {"-5", "-5"},
    {"- 5", "-5"},
    {"-(5)", "-(5)"},
    {"- -5", "- -5"},
    {"+5", "+5"},
    {"a - -5", "(A - -5)"},
    {"NOT a AND b OR c", "(((NOT A) AND B) OR C)"},
    {"a OR b AND c", "(A OR (B AND C))"},
    {"NOT NOT a", "(NOT (NOT A))"},
    {"a != b", "(A <> B)"},
    {"a BETWEEN 1 AND 2 AND b", "((A BETWEEN 1 AND 2) AND B)"},
    {"a NOT BETWEEN 1 AND 2", "(A NOT BETWEEN 1 AND 2)"},
    {"a IN (1, 2)", "(A IN (1, 2))"},
    {"a NOT IN ('x')", "(A NOT IN ('x'))"},
    {"a LIKE 'x%' ESCAPE '!'", "(A LIKE 'x%' ESCAPE '!')"},
    {"a NOT LIKE b", "(A NOT LIKE B)"},
    {"a IS NULL", "(A IS NULL)"},
    {"a IS NOT NULL", "(A IS NOT NULL)"},
    {"a IS DISTINCT FROM b", "(A IS DISTINCT FROM B)"},
    {"a IS NOT DISTINCT FROM b", "(A IS NOT DISTINCT FROM B)"},
    {"CASE WHEN a > 1 THEN 'x' WHEN a > 0 THEN 'y' ELSE 'z' END",
     "(CASE WHEN (A > 1) THEN 'x' WHEN (A > 0) THEN 'y' ELSE 'z' END)"},
    {"CASE a WHEN 1 THEN 'one' END", "(CASE A WHEN 1 THEN 'one' END)"},
    {"ARRAY[1, 2, 3]", "ARRAY[1, 2, 3]"},
    {"ARRAY[]", "ARRAY[]"},
    {"MAP(1 := 'cat')", "MAP(1:='cat')"},
    {"STRUCT(a := 1, `b` := 'x')", "STRUCT(A:=1, `b`:='x')"},
    {"COUNT(*)", "COUNT(*)"},
    {"count(distinct x)", "COUNT(DISTINCT X)"},
    {"now()", "NOW()"},
    {"TIMESTAMPADD(SECONDS, 5, ts)", "TIMESTAMPADD(SECONDS, 5, TS)"},
    {"TRANSFORM(arr, x => x + 1)", "TRANSFORM(ARR, (X) => (X + 1))"},
    {"REDUCE(arr, 0, (s, x) => s + x)", "REDUCE(ARR, 0, (S, X) => (S + X))"},
    {"TRANSFORM(m, (k, v) => k, (k, v) => v * 2)", "TRANSFORM(M, (K, V) => K, (K, V) => (V * 2))"},
    {"a[1]", "A[1]"},
    {"m['k']['j']", "M['k']['j']"},
    {"(a + b)[1]", "(A + B)[1]"},
    {"s->arr[2]->f", "S->ARR[2]->F"},
    {"ts AT TIME ZONE 'UTC'", "(TS AT TIME ZONE 'UTC')"},
    {"null", "null"},
    {"TRUE AND false", "(true AND false)"},
    {"1.50", "1.50"},
    {".5", "0.5"},
    {"1.5e3", "1.5E3"},
    {"-1.5E3", "-1.5E3"},
    {"2147483648", "2147483648"},
    {"-9223372036854775808", "-9223372036854775808"},
    {"x > -1", "(X > -1)"},
};

START_TEST(expression_table)
{
    const ExprCase *tc = &expr_cases[_i];
    Arena a;
    arena_init(&a, 4096);
    AstExpr *e;
    EddyError err;
    int rc = parse_expression(&a, tc->expr, &e, &err);
    ck_assert_msg(rc == 0, "%s: %s", tc->expr, err.msg);
    StrBuf sb = STRBUF_INIT;
    ast_expr_print(&sb, e);
    ck_assert_str_eq(sb_cstr(&sb), tc->printed);
    AstExpr *again;
    rc = parse_expression(&a, sb_cstr(&sb), &again, &err);
    ck_assert_msg(rc == 0, "%s: %s", sb_cstr(&sb), err.msg);
    ck_assert_msg(ast_expr_equal(e, again), "round trip differs: %s", sb_cstr(&sb));
    sb_free(&sb);
    arena_free(&a);
}
END_TEST

START_TEST(literal_types)
{
    Arena a;
    arena_init(&a, 4096);
    AstExpr *e;
    EddyError err;
    ck_assert_int_eq(parse_expression(&a, "2147483647", &e, &err), 0);
    ck_assert_int_eq(e->kind, AST_INT);
    ck_assert_int_eq(e->u.i, 2147483647);
    ck_assert_int_eq(parse_expression(&a, "-9223372036854775808", &e, &err), 0);
    ck_assert(e->u.i == INT64_MIN);
    ck_assert_int_eq(parse_expression(&a, "-5", &e, &err), 0);
    ck_assert_int_eq(e->kind, AST_INT);
    ck_assert_int_eq(e->u.i, -5);
    ck_assert_int_eq(e->offset, 0);
    ck_assert_int_eq(parse_expression(&a, "1.25", &e, &err), 0);
    ck_assert_int_eq(e->kind, AST_DECIMAL);
    ck_assert_str_eq(e->text, "1.25");
    ck_assert_int_eq(parse_expression(&a, "1E2", &e, &err), 0);
    ck_assert_int_eq(e->kind, AST_DOUBLE);
    ck_assert(e->u.d == 100.0);
    ck_assert_int_eq(parse_expression(&a, "'a''b'", &e, &err), 0);
    ck_assert_int_eq(e->kind, AST_STRING);
    ck_assert_int_eq(e->len, 3);
    ck_assert_str_eq(e->text, "a'b");
    ck_assert_int_eq(parse_expression(&a, "x", &e, &err), 0);
    ck_assert_int_eq(e->kind, AST_COLUMN);
    ck_assert_int_eq(e->end, 1);
    ck_assert_int_eq(parse_expression(&a, "f(x) + 1", &e, &err), 0);
    ck_assert_int_eq(e->end, 8);

    AstType *t;
    ck_assert_int_eq(
        parse_type(&a, "ARRAY<STRUCT<a INT, `B` MAP<STRING, DECIMAL(10, 2)>>>", &t, &err), 0);
    ck_assert_int_eq(t->kind, AST_T_ARRAY);
    ck_assert_int_eq(t->elem->kind, AST_T_STRUCT);
    ck_assert_int_eq(t->elem->nfields, 2);
    ck_assert_str_eq(t->elem->fields[0].name, "A");
    ck_assert_int_eq(t->elem->fields[1].type->elem->precision, 10);
    StrBuf sb = STRBUF_INIT;
    ast_type_print(&sb, t);
    ck_assert_str_eq(sb_cstr(&sb), "ARRAY<STRUCT<`A` INTEGER, `B` MAP<STRING, DECIMAL(10, 2)>>>");
    sb_free(&sb);
    ck_assert_int_eq(parse_type(&a, "VARCHAR", &t, &err), 0);
    ck_assert_int_eq(t->kind, AST_T_STRING);
    ck_assert_int_eq(parse_type(&a, "STRUCT<>", &t, &err), 0);
    ck_assert_int_eq(t->nfields, 0);
    arena_free(&a);
}
END_TEST

/* ---------------------------------------------------------------- errors */

typedef struct {
    const char *sql;
    const char *msg; /* exact */
    int offset;
} ErrCase;

static const ErrCase err_cases[] = {
    {"SELECT * FROM S1 ORDER BY X;",
     "line 1:24: Syntax Error\nsyntax error at 'BY', expecting ';', WHERE, WINDOW, GROUP, "
     "HAVING, LIMIT, JOIN, FULL, ...",
     23},
    {"CREATE STREAM INPUT (K INT KEY) WITH (kafka_topic='t', value_format='JSON');\n"
     "CREATE TABLE OUTPUT AS SELECT f1, f2, COUNT(*) FROM TEST GROUP BY f3, (f2, f1);",
     "line 2:74: Syntax Error\nmissing ')' at ','", 150},
    {"CREATE TABLE OUTPUT AS SELECT COUNT(*) FROM TEST GROUP BY DATA AND ID;",
     "line 1:64: Syntax Error\nsyntax error at 'AND', expecting ';', ',', '.', '(', '[', '+', "
     "'-', '*', ...",
     63},
    {"CREATE STREAM OUTPUT AS select * from INPUT partition by NAME AND AGE;",
     "line 1:63: Syntax Error\nsyntax error at 'AND', expecting ';', ',', '.', '(', '[', '+', "
     "'-', '*', ...",
     62},
    {"SELECT * FROM INPUT WHERE ID IN ( );",
     "line 1:35: Syntax Error\nsyntax error at ')', expecting identifier, string, integer, "
     "decimal, double, '(', '+', '-', ...",
     34},
    {"SELECT * FROM riderLocations LIMIT heh;",
     "line 1:36: Syntax Error\nsyntax error at 'heh', expecting integer, decimal, double or '-'",
     35},
    /* both ',' and FROM would let FORM go on (as a select item or a source) */
    {"SELECT * FORM t;", "line 1:10: Syntax Error\nsyntax error at 'FORM', expecting ',' or FROM",
     9},
    {"SELECT * FROM", "line 1:14: Syntax Error\nmissing identifier at '<EOF>'", 13},
    {"SELECT * FROM t WHERE (a = 1", "line 1:29: Syntax Error\nmissing ')' at '<EOF>'", 28},
    {"SHOW",
     "line 1:5: Syntax Error\nsyntax error at '<EOF>', expecting ALL, STREAMS, TABLES, "
     "TYPES, TOPICS, QUERIES, FUNCTIONS, PROPERTIES, ...",
     4},
    {"DROP STREAM;", "line 1:12: Syntax Error\nmissing identifier at ';'", 11},
    {"SELECT a = b = c FROM t;",
     "line 1:14: Syntax Error\nsyntax error at '=', expecting identifier, ',', '.', '(', '[', "
     "'+', '-', '*', ...",
     13},
    {"SELECT 1 # 2 FROM t;",
     "line 1:10: Syntax Error\nsyntax error at '#', expecting identifier, ',', '[', '=', '<>', "
     "'<', '<=', '>', ...",
     9},
    {"SELECT 'open FROM t;",
     "line 1:8: Syntax Error\nsyntax error at ''', expecting identifier, string, integer, "
     "decimal, double, '(', '+', '-', ...",
     7},
    {"CREATE STREAM s (a INT) WITH (x='y');\n  SELEKT 1;",
     "line 2:3: Syntax Error\nsyntax error at 'SELEKT', expecting <EOF>, ';', SELECT, CREATE, "
     "INSERT, DROP, DESCRIBE, PRINT, ...",
     40},
    {"INSERT INTO s VALUES (a = 1);",
     "line 1:25: Syntax Error\nsyntax error at '=', expecting ',', '.', '(', ')', '[', '+', "
     "'-', '*', ...",
     24},
    {"SELECT * FROM s WINDOW TUMBLING (SIZE 1 WEEK) GROUP BY x;",
     "line 1:41: Syntax Error\nsyntax error at 'WEEK', expecting MILLISECOND, MILLISECONDS, "
     "SECOND, SECONDS, MINUTE, MINUTES, HOUR, HOURS, ...",
     40},
    {"SELECT TRANSFORM(a, x + 1 => 2) FROM s;",
     "line 1:21: Syntax Error\nlambda parameters must be names", 20},
    {"SELECT * FROM s LIMIT 9223372036854775808;",
     "line 1:24: Invalid numeric literal: 9223372036854775808", 22},
    {"SELECT * FROM t;\nSELECT K, id, 9223372036854775808 FROM INPUT;",
     "line 2:16: Invalid numeric literal: 9223372036854775808", 31},
    {"SELECT -9223372036854775809 FROM INPUT;",
     "line 1:9: Invalid numeric literal: -9223372036854775809", 7},
    {"SELECT 1.7976931348623159E308 FROM INPUT;",
     "line 1:9: Number overflows DOUBLE: 1.7976931348623159E308", 7},
    {"SELECT * FROM t LIMIT 2.5;", "Value must be integer for command: LIMIT", 0},
    /* a syntax error anywhere wins over a literal error before it */
    {"SELECT 9223372036854775808 FROM t; SELECT FROM;",
     "line 1:43: Syntax Error\nsyntax error at 'FROM', expecting identifier, string, integer, "
     "decimal, double, '(', '+', '-', ...",
     42},
};

START_TEST(error_table)
{
    const ErrCase *tc = &err_cases[_i];
    Arena a;
    arena_init(&a, 4096);
    AstScript s;
    EddyError err;
    int rc = parse_script(&a, tc->sql, &s, &err);
    ck_assert_msg(rc == ERR_SYNTAX, "%s: parsed", tc->sql);
    ck_assert_str_eq(err.msg, tc->msg);
    ck_assert_int_eq(err.offset, tc->offset);
    arena_free(&a);
}
END_TEST

START_TEST(expression_errors)
{
    Arena a;
    arena_init(&a, 4096);
    AstExpr *e;
    AstType *t;
    EddyError err;
    ck_assert_int_eq(parse_expression(&a, "a +", &e, &err), ERR_SYNTAX);
    ck_assert_ptr_null(e);
    ck_assert_int_eq(parse_expression(&a, "a;", &e, &err), ERR_SYNTAX);
    ck_assert_int_eq(parse_expression(&a, "9223372036854775808", &e, &err), ERR_SYNTAX);
    ck_assert_str_eq(err.msg, "line 1:2: Invalid numeric literal: 9223372036854775808");
    ck_assert_int_eq(parse_type(&a, "ARRAY<", &t, &err), ERR_SYNTAX);
    ck_assert_int_eq(parse_type(&a, "INT INT", &t, &err), ERR_SYNTAX);
    /* nesting deeper than the parser stack is an error, not a crash */
    StrBuf sb = STRBUF_INIT;
    for (int i = 0; i < 3000; i++)
        sb_putc(&sb, '(');
    sb_putc(&sb, '1');
    ck_assert_int_eq(parse_expression(&a, sb_cstr(&sb), &e, &err), ERR_SYNTAX);
    ck_assert_str_eq(err.msg, "line 1:1: Statement is too deeply nested");
    sb_free(&sb);
    arena_free(&a);
}
END_TEST

/* ---------------------------------------------------------------- variables */

static const char *lookup(void *ctx, const char *name)
{
    (void)ctx;
    if (strcmp(name, "fmt") == 0) return "JSON";
    if (strcmp(name, "topic") == 0) return "t-1";
    return NULL;
}

START_TEST(variable_substitution)
{
    StrBuf out = STRBUF_INIT;
    EddyError err;
    ck_assert_int_eq(parse_substitute_vars("CREATE STREAM s (`${fmt}` INT) WITH "
                                           "(kafka_topic='${topic}', value_format='${fmt}');",
                                           lookup, NULL, &out, &err),
                     0);
    ck_assert_str_eq(sb_cstr(&out), "CREATE STREAM s (`JSON` INT) WITH (kafka_topic='t-1', "
                                    "value_format='JSON');");
    sb_clear(&out);
    ck_assert_int_eq(parse_substitute_vars("no vars, $x, ${, ${1}", lookup, NULL, &out, &err), 0);
    ck_assert_str_eq(sb_cstr(&out), "no vars, $x, ${, ${1}");
    sb_clear(&out);
    ck_assert_int_eq(parse_substitute_vars("SELECT ${nope};", lookup, NULL, &out, &err),
                     ERR_SEMANTIC);
    ck_assert_str_eq(err.msg, "Variable 'nope' is not defined.");
    ck_assert_int_eq(err.offset, 7);
    sb_free(&out);
}
END_TEST

static Suite *parser_suite(void)
{
    Suite *s = suite_create("parser");
    TCase *tc = tcase_create("parser");
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, tokenizer_table, 0, sizeof tok_cases / sizeof tok_cases[0]);
    tcase_add_test(tc, tokenizer_never_reads_past_n);
    tcase_add_test(tc, keyword_table_matches_grammar);
    tcase_add_loop_test(tc, statement_table, 0, sizeof stmt_cases / sizeof stmt_cases[0]);
    tcase_add_test(tc, statement_spans);
    tcase_add_test(tc, ast_fields);
    tcase_add_loop_test(tc, expression_table, 0, sizeof expr_cases / sizeof expr_cases[0]);
    tcase_add_test(tc, literal_types);
    tcase_add_loop_test(tc, error_table, 0, sizeof err_cases / sizeof err_cases[0]);
    tcase_add_test(tc, expression_errors);
    tcase_add_test(tc, variable_substitution);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(parser_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
