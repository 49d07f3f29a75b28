/*
 * test_shell.c - the shell's pieces without a server or a terminal: statement
 * splitting (quotes, comments, \G), classification, the lexer of local
 * commands, table drawing, rendering of canned /ksql entities and query
 * results, the /query-stream decoder, error bodies, and completion candidates.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/shell/shell.h"

/* ---------------------------------------------------------------- splitting */

typedef struct {
    const char *text;
    const char *stmts[4]; /* expected statements, NULL-terminated */
    bool vertical[4];
    SplitState rest; /* state of what is left */
} SplitCase;

static const SplitCase split_cases[] = {
    {"SHOW STREAMS;", {"SHOW STREAMS"}, {false}, SPLIT_BLANK},
    {"  show streams ;  ", {"show streams"}, {false}, SPLIT_BLANK},
    {"a; b;", {"a", "b"}, {false, false}, SPLIT_BLANK},
    {";;a;;", {"a"}, {false}, SPLIT_BLANK},
    {"SELECT 'x;y' FROM s;", {"SELECT 'x;y' FROM s"}, {false}, SPLIT_BLANK},
    {"SELECT 'it''s;' FROM s;", {"SELECT 'it''s;' FROM s"}, {false}, SPLIT_BLANK},
    {"SELECT `a;b` FROM s;", {"SELECT `a;b` FROM s"}, {false}, SPLIT_BLANK},
    {"SELECT \"a;b\" FROM s;", {"SELECT \"a;b\" FROM s"}, {false}, SPLIT_BLANK},
    {"SELECT 1 -- not; here\n FROM s;", {"SELECT 1 -- not; here\n FROM s"}, {false}, SPLIT_BLANK},
    {"SELECT /* ; */ 1;", {"SELECT /* ; */ 1"}, {false}, SPLIT_BLANK},
    {"-- leading comment\nSHOW TABLES;", {"SHOW TABLES"}, {false}, SPLIT_BLANK},
    {"SELECT * FROM t\\G", {"SELECT * FROM t"}, {true}, SPLIT_BLANK},
    {"SELECT * FROM t\\G SHOW X;", {"SELECT * FROM t", "SHOW X"}, {true, false}, SPLIT_BLANK},
    {"SELECT '\\G' FROM t;", {"SELECT '\\G' FROM t"}, {false}, SPLIT_BLANK},
    {"SELECT * FROM t\\g", {"SELECT * FROM t"}, {false}, SPLIT_BLANK},
    {"SELECT *\nFROM t", {NULL}, {false}, SPLIT_PARTIAL},
    {"SELECT 'abc;", {NULL}, {false}, SPLIT_QUOTE},
    {"SELECT `abc;", {NULL}, {false}, SPLIT_BACKTICK},
    {"SELECT \"abc;", {NULL}, {false}, SPLIT_DQUOTE},
    {"SELECT /* abc;", {NULL}, {false}, SPLIT_COMMENT},
    {"/* only a comment */ -- and another", {NULL}, {false}, SPLIT_BLANK},
    {"a; SELECT 'open", {"a"}, {false}, SPLIT_QUOTE},
    {"", {NULL}, {false}, SPLIT_BLANK},
};

START_TEST(test_split)
{
    const SplitCase *c = &split_cases[_i];
    size_t len = strlen(c->text), off = 0;
    int k = 0;
    SplitStmt st;
    SplitState state;
    while (split_next(c->text + off, len - off, &st, &state)) {
        ck_assert_msg(c->stmts[k] != NULL, "case %d: extra statement", _i);
        char got[256];
        snprintf(got, sizeof got, "%.*s", (int)(st.end - st.start), c->text + off + st.start);
        ck_assert_str_eq(got, c->stmts[k]);
        ck_assert_int_eq(st.vertical, c->vertical[k]);
        off += st.next;
        k++;
    }
    ck_assert_msg(c->stmts[k] == NULL, "case %d: missing statement %d", _i, k);
    ck_assert_int_eq(state, c->rest);
}
END_TEST

typedef struct {
    const char *text;
    StmtKind kind;
    long limit;
} ClassCase;

static const ClassCase class_cases[] = {
    {"SELECT * FROM t WHERE k = 1", STMT_PULL, -1},
    {"select * from s emit changes", STMT_PUSH, -1},
    {"SELECT * FROM s EMIT CHANGES LIMIT 3", STMT_PUSH, 3},
    {"SELECT * FROM t LIMIT 10", STMT_PULL, 10},
    {"SELECT (SELECT 1 EMIT) FROM t", STMT_PULL, -1},
    {"-- c\nSELECT * FROM s EMIT FINAL", STMT_PUSH, -1},
    {"PRINT 'topic' FROM BEGINNING LIMIT 2", STMT_PRINT, 2},
    {"SET 'auto.offset.reset'='earliest'", STMT_SET, -1},
    {"set cli wrap off", STMT_SET_CLI, -1},
    {"UNSET 'auto.offset.reset'", STMT_UNSET, -1},
    {"DEFINE x = 'y'", STMT_DEFINE, -1},
    {"undefine x", STMT_UNDEFINE, -1},
    {"SHOW VARIABLES", STMT_SHOW_VARS, -1},
    {"list variables", STMT_SHOW_VARS, -1},
    {"RUN SCRIPT '/tmp/x.sql'", STMT_RUN_SCRIPT, -1},
    {"SPOOL out.txt", STMT_SPOOL, -1},
    {"CREATE STREAM s AS SELECT * FROM t EMIT CHANGES", STMT_KSQL, -1},
    {"SHOW STREAMS", STMT_KSQL, -1},
    {"INSERT INTO s (a) VALUES (1)", STMT_KSQL, -1},
};

START_TEST(test_classify)
{
    const ClassCase *c = &class_cases[_i];
    long limit = 99;
    ck_assert_int_eq(split_classify(c->text, strlen(c->text), &limit), c->kind);
    if (c->kind == STMT_PULL || c->kind == STMT_PUSH || c->kind == STMT_PRINT)
        ck_assert_int_eq(limit, c->limit);
}
END_TEST

START_TEST(test_lexer)
{
    const char *t = "DEFINE name = 'it''s' -- comment\n `Quoted` /* c */ x.y-z";
    size_t pos = 0, len = strlen(t);
    LexTok k;
    lex_next(t, len, &pos, &k);
    ck_assert(lex_is(&k, "define"));
    lex_next(t, len, &pos, &k);
    ck_assert_int_eq(k.kind, LEX_WORD);
    ck_assert_str_eq(k.text, "name");
    lex_next(t, len, &pos, &k);
    ck_assert_int_eq(k.kind, LEX_PUNCT);
    ck_assert_str_eq(k.text, "=");
    lex_next(t, len, &pos, &k);
    ck_assert_int_eq(k.kind, LEX_STRING);
    ck_assert_str_eq(k.text, "it's");
    lex_next(t, len, &pos, &k);
    ck_assert_int_eq(k.kind, LEX_QIDENT);
    ck_assert_str_eq(k.text, "Quoted");
    lex_next(t, len, &pos, &k);
    ck_assert_str_eq(k.text, "x.y-z");
    lex_next(t, len, &pos, &k);
    ck_assert_int_eq(k.kind, LEX_END);
}
END_TEST

/* ---------------------------------------------------------------- tables */

static const TableOpts wide = {0, 0, true};

START_TEST(test_table_list)
{
    const char *hdr[] = {"Stream Name", "Kafka Topic"};
    Table t;
    table_init(&t, 2, hdr);
    const char *r1[] = {"PAGEVIEWS", "pageviews"};
    const char *r2[] = {"S", "a-much-longer-topic"};
    table_add_row(&t, r1);
    table_add_row(&t, r2);
    StrBuf sb = STRBUF_INIT;
    table_print(&sb, &t, TABLE_LIST, &wide);
    ck_assert_str_eq(sb_cstr(&sb), " Stream Name | Kafka Topic\n"
                                   "-----------------------------------\n"
                                   " PAGEVIEWS   | pageviews\n"
                                   " S           | a-much-longer-topic\n"
                                   "-----------------------------------\n");
    sb_free(&sb);
    table_free(&t);
}
END_TEST

START_TEST(test_table_grid_wrap_and_cut)
{
    const char *hdr[] = {"K", "V"};
    Table t;
    table_init(&t, 2, hdr);
    const char *r1[] = {"1", "abcdefghij"};
    table_add_row(&t, r1);
    StrBuf sb = STRBUF_INIT;
    TableOpts o = {0, 4, true};
    table_print(&sb, &t, TABLE_GRID, &o);
    ck_assert_str_eq(sb_cstr(&sb), "+----+----+\n"
                                   "|K   |V   |\n"
                                   "+----+----+\n"
                                   "|1   |abcd|\n"
                                   "|    |efgh|\n"
                                   "|    |ij  |\n"
                                   "+----+----+\n");
    sb_clear(&sb);
    o.wrap = false;
    o.column_width = 6;
    table_print(&sb, &t, TABLE_GRID, &o);
    ck_assert_str_eq(sb_cstr(&sb), "+------+------+\n"
                                   "|K     |V     |\n"
                                   "+------+------+\n"
                                   "|1     |abc...|\n"
                                   "+------+------+\n");
    sb_free(&sb);
    table_free(&t);
}
END_TEST

START_TEST(test_table_fits_terminal)
{
    const char *hdr[] = {"ID", "TEXT"};
    Table t;
    table_init(&t, 2, hdr);
    const char *r1[] = {"1", "0123456789012345678901234567890123456789"};
    table_add_row(&t, r1);
    int widths[2];
    TableOpts o = {30, 0, true};
    int total = table_layout(&t, TABLE_GRID, &o, widths);
    ck_assert_int_eq(total, 30);
    ck_assert_int_eq(widths[0], 2);
    ck_assert_int_eq(widths[1], 25);
    ck_assert_int_eq(table_natural_width(&t, TABLE_GRID), 45);
    table_free(&t);
}
END_TEST

START_TEST(test_table_vertical_utf8)
{
    const char *hdr[] = {"ID", "NAME"};
    Table t;
    table_init(&t, 2, hdr);
    const char *r1[] = {"1", "Zoë"};
    table_add_row(&t, r1);
    StrBuf sb = STRBUF_INIT;
    table_print_vertical(&sb, &t, 1);
    ck_assert_str_eq(sb_cstr(&sb), "-[ RECORD 1 ]-----------\n"
                                   "ID   | 1\n"
                                   "NAME | Zoë\n");
    ck_assert_int_eq(table_text_width("Zoë"), 3);
    sb_free(&sb);
    table_free(&t);
}
END_TEST

/* ---------------------------------------------------------------- entities */

static char *render_json(const char *json, OutputFormat f)
{
    json_error_t je;
    json_t *e = json_loads(json, 0, &je);
    ck_assert_msg(e != NULL, "bad test JSON: %s", je.text);
    RenderOpts o = {f, {0, 0, true}};
    StrBuf sb = STRBUF_INIT;
    render_entity(&sb, e, &o);
    json_decref(e);
    sb_puts(&sb, "");
    return sb_steal(&sb);
}

START_TEST(test_render_status)
{
    char *s = render_json("{\"@type\":\"currentStatus\",\"statementText\":\"CREATE STREAM S ...\","
                          "\"commandId\":\"stream/S/create\",\"commandStatus\":{\"status\":"
                          "\"SUCCESS\",\"message\":\"Stream created\",\"queryId\":null},"
                          "\"commandSequenceNumber\":2,\"warnings\":[]}",
                          OUT_TABULAR);
    ck_assert_str_eq(s, " Message\n"
                        "----------------\n"
                        " Stream created\n"
                        "----------------\n");
    free(s);
}
END_TEST

START_TEST(test_render_streams)
{
    char *s = render_json(
        "{\"@type\":\"streams\",\"statementText\":\"SHOW STREAMS;\",\"streams\":["
        "{\"type\":\"STREAM\",\"name\":\"PAGEVIEWS\",\"topic\":\"pageviews\",\"keyFormat\":"
        "\"KAFKA\",\"valueFormat\":\"JSON\",\"isWindowed\":false}],\"warnings\":[]}",
        OUT_TABULAR);
    ck_assert_str_eq(s, " Stream Name | Kafka Topic | Key Format | Value Format | Windowed\n"
                        "------------------------------------------------------------------\n"
                        " PAGEVIEWS   | pageviews   | KAFKA      | JSON         | false\n"
                        "------------------------------------------------------------------\n");
    free(s);
    s = render_json("{\"@type\":\"tables\",\"tables\":[],\"warnings\":[{\"message\":\"careful\"}]}",
                    OUT_TABULAR);
    ck_assert(strstr(s, " Table Name | Kafka Topic"));
    ck_assert(strstr(s, "WARNING: careful\n"));
    free(s);
}
END_TEST

START_TEST(test_render_queries_and_topics)
{
    char *s = render_json(
        "{\"@type\":\"queries\",\"queries\":[{\"queryString\":\"CREATE STREAM B AS SELECT * "
        "FROM A;\",\"sinks\":[\"B\"],\"sinkKafkaTopics\":[\"B\"],\"id\":\"CSAS_B_1\","
        "\"statusCount\":{\"RUNNING\":1},\"queryType\":\"PERSISTENT\",\"state\":\"RUNNING\"}]}",
        OUT_TABULAR);
    ck_assert(strstr(s, " Query ID | Query Type | Status    | Sink Name | Sink Kafka Topic | "
                        "Query String\n"));
    ck_assert(strstr(s, " CSAS_B_1 | PERSISTENT | RUNNING:1 | B         | B                | "
                        "CREATE STREAM B AS SELECT * FROM A;\n"));
    free(s);
    s = render_json("{\"@type\":\"kafka_topics\",\"topics\":[{\"name\":\"t1\",\"replicaInfo\":[1,1,"
                    "1]}]}",
                    OUT_TABULAR);
    ck_assert(strstr(s, " Kafka Topic | Partitions | Partition Replicas\n"));
    ck_assert(strstr(s, " t1          | 3          | 1\n"));
    free(s);
}
END_TEST

START_TEST(test_render_describe)
{
    const char *d =
        "{\"@type\":\"sourceDescription\",\"sourceDescription\":{\"name\":\"PV\",\"windowType\":"
        "null,\"readQueries\":[],\"writeQueries\":[{\"id\":\"CSAS_PV_0\",\"queryString\":\"CREATE "
        "STREAM PV AS ...\",\"state\":\"RUNNING\"}],\"fields\":[{\"name\":\"ID\",\"schema\":{"
        "\"type\":\"STRING\",\"fields\":null,\"memberSchema\":null},\"type\":\"KEY\"},{\"name\":"
        "\"TAGS\",\"schema\":{\"type\":\"ARRAY\",\"fields\":null,\"memberSchema\":{\"type\":"
        "\"INTEGER\"}}},{\"name\":\"S\",\"schema\":{\"type\":\"STRUCT\",\"fields\":[{\"name\":"
        "\"A\","
        "\"schema\":{\"type\":\"DECIMAL\",\"parameters\":{\"precision\":4,\"scale\":2}}}],"
        "\"memberSchema\":null}}],\"type\":\"STREAM\",\"timestamp\":\"\",\"statistics\":\"total-"
        "messages: 3\",\"errorStats\":\"\",\"extended\":%s,\"keyFormat\":\"KAFKA\",\"valueFormat\":"
        "\"JSON\",\"topic\":\"pv\",\"partitions\":1,\"replication\":1,\"statement\":\"CREATE "
        "STREAM PV ...\"},\"warnings\":[]}";
    char buf[4096];
    snprintf(buf, sizeof buf, d, "false");
    char *s = render_json(buf, OUT_TABULAR);
    ck_assert_str_eq(s, "Name                 : PV\n"
                        " Field | Type\n"
                        "---------------------------------\n"
                        " ID    | VARCHAR(STRING)  (key)\n"
                        " TAGS  | ARRAY<INTEGER>\n"
                        " S     | STRUCT<A DECIMAL(4, 2)>\n"
                        "---------------------------------\n"
                        "For runtime statistics and query details run: DESCRIBE <Stream,Table> "
                        "EXTENDED;\n");
    free(s);
    snprintf(buf, sizeof buf, d, "true");
    s = render_json(buf, OUT_TABULAR);
    ck_assert(strstr(s, "Type                 : STREAM\n"));
    ck_assert(strstr(s, "Timestamp field      : Not set - using <ROWTIME>\n"));
    ck_assert(strstr(s, "Kafka topic          : pv (partitions: 1, replication: 1)\n"));
    ck_assert(strstr(s, "Queries that write from this STREAM\n"));
    ck_assert(strstr(s, "CSAS_PV_0 (RUNNING) : CREATE STREAM PV AS ...\n"));
    ck_assert(strstr(s, "Local runtime statistics\n------------------------\ntotal-messages: 3\n"));
    free(s);
}
END_TEST

START_TEST(test_render_explain_and_json)
{
    const char *q = "{\"@type\":\"queryDescription\",\"queryDescription\":{\"id\":\"CTAS_T_3\","
                    "\"statementText\":\"CREATE TABLE T AS ...\",\"fields\":[],\"sources\":[\"S\"],"
                    "\"sinks\":[\"T\"],\"executionPlan\":\" > [ SINK ]\\n\",\"topology\":\"\","
                    "\"overriddenProperties\":{},\"queryType\":\"PERSISTENT\",\"state\":"
                    "\"RUNNING\"}}";
    char *s = render_json(q, OUT_TABULAR);
    ck_assert(strstr(s, "ID                   : CTAS_T_3\n"));
    ck_assert(strstr(s, "Sources that this query reads from: \n"
                        "-----------------------------------\nS\n"));
    ck_assert(strstr(s, "Execution plan\n--------------\n > [ SINK ]\n"));
    free(s);
    s = render_json("{\"@type\":\"warning_entity\",\"message\":\"hm\"}", OUT_JSON);
    ck_assert_str_eq(s, "{\n  \"@type\": \"warning_entity\",\n  \"message\": \"hm\"\n}\n");
    free(s);
    s = render_json(
        "{\"@type\":\"currentStatus\",\"commandStatus\":{\"message\":\"Table created\"}}",
        OUT_VERTICAL);
    ck_assert_str_eq(s, "-[ RECORD 1 ]--------------\nMessage | Table created\n");
    free(s);
}
END_TEST

START_TEST(test_render_values)
{
    const char *cases[][2] = {
        {"\"text\"", "text"},
        {"null", "null"},
        {"1.5", "1.5"},
        {"2.0", "2.0"},
        {"0.1", "0.1"},
        {"10", "10"},
        {"true", "true"},
        {"[1,\"a\",null]", "[1,\"a\",null]"},
        {"{\"A\":1.25}", "{\"A\":1.25}"},
        {"-9007199254740993", "-9007199254740993"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *v = json_loads(cases[i][0], JSON_DECODE_ANY, NULL);
        StrBuf sb = STRBUF_INIT;
        render_value(&sb, v);
        ck_assert_str_eq(sb_cstr(&sb), cases[i][1]);
        sb_free(&sb);
        json_decref(v);
    }
}
END_TEST

/* ---------------------------------------------------------------- query results */

static const char *hdr_json = "{\"queryId\":\"q1\",\"columnNames\":[\"ID\",\"NAME\"],"
                              "\"columnTypes\":[\"INTEGER\",\"STRING\"]}";

START_TEST(test_render_pull)
{
    json_t *h = json_loads(hdr_json, 0, NULL);
    json_t *rows = json_loads("[[1,\"alice\"],[2,null]]", 0, NULL);
    RenderOpts o = {OUT_TABULAR, {0, 0, true}};
    StrBuf sb = STRBUF_INIT;
    render_pull_result(&sb, h, rows, &o);
    ck_assert_str_eq(sb_cstr(&sb), "+--+-----+\n"
                                   "|ID|NAME |\n"
                                   "+--+-----+\n"
                                   "|1 |alice|\n"
                                   "|2 |null |\n"
                                   "+--+-----+\n"
                                   "(2 rows)\n");
    /* wider than the terminal: records */
    sb_clear(&sb);
    o.table.term_width = 8;
    render_pull_result(&sb, h, rows, &o);
    ck_assert(strncmp(sb_cstr(&sb), "-[ RECORD 1 ]", 13) == 0);
    ck_assert(strstr(sb_cstr(&sb), "NAME | alice\n"));
    ck_assert(strstr(sb_cstr(&sb), "(2 rows)\n"));
    /* JSON lines */
    sb_clear(&sb);
    o.format = OUT_JSON;
    render_pull_result(&sb, h, rows, &o);
    ck_assert_str_eq(sb_cstr(&sb), "{\"ID\":1,\"NAME\":\"alice\"}\n{\"ID\":2,\"NAME\":null}\n");
    sb_free(&sb);
    json_decref(h);
    json_decref(rows);
}
END_TEST

START_TEST(test_render_push)
{
    json_t *h = json_loads(hdr_json, 0, NULL);
    json_t *r = json_loads("[7,\"bob\"]", 0, NULL);
    RenderOpts o = {OUT_TABULAR, {0, 0, true}};
    PushRender p;
    StrBuf sb = STRBUF_INIT;
    render_push_begin(&p, &sb, h, &o);
    render_push_row(&p, &sb, r);
    render_push_end(&p, &sb, "Limit Reached\nQuery terminated");
    ck_assert_str_eq(sb_cstr(&sb), "+-----------+----------------+\n"
                                   "|ID         |NAME            |\n"
                                   "+-----------+----------------+\n"
                                   "|7          |bob             |\n"
                                   "+-----------+----------------+\n"
                                   "Limit Reached\nQuery terminated\n");
    render_push_free(&p);
    /* a narrow terminal turns rows into records */
    sb_clear(&sb);
    o.table.term_width = 12;
    render_push_begin(&p, &sb, h, &o);
    ck_assert(p.vertical);
    render_push_row(&p, &sb, r);
    ck_assert(strstr(sb_cstr(&sb), "-[ RECORD 1 ]"));
    ck_assert(strstr(sb_cstr(&sb), "NAME | bob\n"));
    render_push_free(&p);
    sb_free(&sb);
    json_decref(h);
    json_decref(r);
}
END_TEST

START_TEST(test_render_error_caret)
{
    StrBuf sb = STRBUF_INIT;
    render_error(&sb, "line 2:6: Syntax Error\nsyntax error at 'FORM', expecting FROM",
                 "SELECT *\n  x  FORM s");
    ck_assert_str_eq(sb_cstr(&sb), "line 2:6: Syntax Error\n"
                                   "syntax error at 'FORM', expecting FROM\n"
                                   "Statement:   x  FORM s\n"
                                   "                ^\n");
    sb_clear(&sb);
    render_error(&sb, "Stream X does not exist.", "DESCRIBE X");
    ck_assert_str_eq(sb_cstr(&sb), "Stream X does not exist.\n");
    sb_free(&sb);
}
END_TEST

/* ---------------------------------------------------------------- client decoding */

typedef struct {
    StrBuf log;
} Seen;

static int seen_header(void *ctx, const json_t *h)
{
    Seen *s = ctx;
    sb_printf(&s->log, "H%zu ", json_array_size(json_object_get(h, "columnNames")));
    return 0;
}

static int seen_row(void *ctx, const json_t *r)
{
    Seen *s = ctx;
    char *t = json_dumps(r, JSON_COMPACT | JSON_ENCODE_ANY);
    sb_printf(&s->log, "R%s ", t);
    free(t);
    return 0;
}

static int seen_text(void *ctx, const char *line)
{
    Seen *s = ctx;
    sb_printf(&s->log, "T<%s> ", line);
    return 0;
}

START_TEST(test_stream_decoder)
{
    Seen seen = {STRBUF_INIT};
    QueryHandler h = {seen_header, seen_row, seen_text, &seen};
    ClientError err;
    memset(&err, 0, sizeof err);
    StreamDecoder d;
    stream_decoder_init(&d, &h, &err);
    /* delimited, cut at awkward places */
    const char *body = "{\"queryId\":\"q\",\"columnNames\":[\"A\",\"B\"],\"columnTypes\":[\"INT\","
                       "\"STRING\"]}\n[1,\"x\"]\n[2,";
    ck_assert_int_eq(stream_decoder_feed(&d, body, 20), 0);
    ck_assert_int_eq(stream_decoder_feed(&d, body + 20, strlen(body) - 20), 0);
    ck_assert_int_eq(stream_decoder_feed(&d, "\"y\"]", 4), 0); /* no newline: finish */
    ck_assert_int_eq(stream_decoder_finish(&d), 0);
    ck_assert_str_eq(sb_cstr(&seen.log), "H2 R[1,\"x\"] R[2,\"y\"] ");
    ck_assert_str_eq(d.query_id, "q");
    stream_decoder_free(&d);

    /* JSON array framing, one item per line, and an error item */
    sb_clear(&seen.log);
    stream_decoder_init(&d, &h, &err);
    body = "[{\"columnNames\":[\"A\"],\"columnTypes\":[\"ARRAY<INT>\"]},\n[[1,2]],\n[[3]]]\n";
    ck_assert_int_eq(stream_decoder_feed(&d, body, strlen(body)), 0);
    ck_assert_str_eq(sb_cstr(&seen.log), "H1 R[[1,2]] R[[3]] ");
    stream_decoder_free(&d);

    sb_clear(&seen.log);
    stream_decoder_init(&d, &h, &err);
    body = "rowtime: 2022/03/18 15:53:22.989 Z, key: 1, value: {}, partition: 0\n"
           "{\"@type\":\"generic_error\",\"error_code\":50000,\"message\":\"boom\"}\n";
    ck_assert_int_eq(stream_decoder_feed(&d, body, strlen(body)), -1);
    ck_assert_str_eq(sb_cstr(&seen.log),
                     "T<rowtime: 2022/03/18 15:53:22.989 Z, key: 1, value: {}, partition: 0> ");
    ck_assert_str_eq(err.message, "boom");
    ck_assert_int_eq(err.error_code, 50000);
    stream_decoder_free(&d);
    sb_free(&seen.log);
}
END_TEST

START_TEST(test_error_bodies)
{
    ClientError e;
    const char *b = "{\"@type\":\"statement_error\",\"error_code\":40001,\"message\":\"line 1:8: "
                    "Syntax Error\",\"statementText\":\"x\",\"entities\":[]}";
    client_parse_error(b, strlen(b), 400, &e);
    ck_assert_int_eq(e.kind, CLIENT_ERR_HTTP);
    ck_assert_int_eq(e.status, 400);
    ck_assert_int_eq(e.error_code, 40001);
    ck_assert_str_eq(e.message, "line 1:8: Syntax Error");
    client_parse_error("Not Found\n", 10, 404, &e);
    ck_assert_str_eq(e.message, "Not Found");
    client_parse_error("", 0, 502, &e);
    ck_assert_str_eq(e.message, "The server answered HTTP 502");
}
END_TEST

/* ---------------------------------------------------------------- completion */

static char *sources[] = {"PAGEVIEWS", "PAGES", "USERS", "mixedCase"};
static char *topics[] = {"page-views", "users"};
static char *functions[] = {"UCASE", "SUBSTRING"};

static char *complete_str(const char *line)
{
    CompletionNames n = {sources, 4, topics, 2, functions, 2};
    char **c;
    size_t start;
    int k = complete_candidates(line, strlen(line), &n, &c, &start);
    StrBuf sb = STRBUF_INIT;
    sb_printf(&sb, "%zu:", start);
    for (int i = 0; i < k; i++)
        sb_printf(&sb, "%s%s", i ? "," : "", c[i]);
    complete_free(c, k);
    sb_puts(&sb, "");
    return sb_steal(&sb);
}

typedef struct {
    const char *line, *want;
} CompleteCase;

static const CompleteCase complete_cases[] = {
    {"SELECT * FROM PAGEV", "14:PAGEVIEWS"},
    {"select * from pag", "14:pages,pageviews"},
    {"SELECT * FROM ", "14:PAGES,PAGEVIEWS,USERS"},
    {"DROP STREAM US", "12:USERS"},
    {"DESCRIBE EX", "9:EXTENDED"},
    {"describe p", "9:pages,pageviews"},
    {"PRINT page", "6:page-views"},
    {"SELECT * FROM `mixed", "14:`mixedCase`"},
    {"sel", "0:select"},
    {"SEL", "0:SELECT"},
    {"hist", "0:history"},
    {"SELECT hist", "7:"},
    {"SELECT ucas", "7:ucase"},
    {"DESCRIBE FUNCTION SUB", "18:SUBSTRING"},
    {"", "0:"},
    {"SHOW STREAMS; SELECT * FROM u", "28:users"},
};

START_TEST(test_complete)
{
    char *got = complete_str(complete_cases[_i].line);
    ck_assert_str_eq(got, complete_cases[_i].want);
    free(got);
}
END_TEST

START_TEST(test_common_prefix)
{
    char *c[] = {"PAGEVIEWS", "PAGES", "pagex"};
    char *p = complete_common_prefix(c, 3);
    ck_assert_str_eq(p, "PAGE");
    free(p);
    p = complete_common_prefix(c, 1);
    ck_assert_str_eq(p, "PAGEVIEWS");
    free(p);
}
END_TEST

static Suite *shell_suite(void)
{
    Suite *s = suite_create("shell");
    TCase *tc = tcase_create("split");
    tcase_add_loop_test(tc, test_split, 0, sizeof split_cases / sizeof split_cases[0]);
    tcase_add_loop_test(tc, test_classify, 0, sizeof class_cases / sizeof class_cases[0]);
    tcase_add_test(tc, test_lexer);
    suite_add_tcase(s, tc);
    tc = tcase_create("table");
    tcase_add_test(tc, test_table_list);
    tcase_add_test(tc, test_table_grid_wrap_and_cut);
    tcase_add_test(tc, test_table_fits_terminal);
    tcase_add_test(tc, test_table_vertical_utf8);
    suite_add_tcase(s, tc);
    tc = tcase_create("render");
    tcase_add_test(tc, test_render_status);
    tcase_add_test(tc, test_render_streams);
    tcase_add_test(tc, test_render_queries_and_topics);
    tcase_add_test(tc, test_render_describe);
    tcase_add_test(tc, test_render_explain_and_json);
    tcase_add_test(tc, test_render_values);
    tcase_add_test(tc, test_render_pull);
    tcase_add_test(tc, test_render_push);
    tcase_add_test(tc, test_render_error_caret);
    suite_add_tcase(s, tc);
    tc = tcase_create("client");
    tcase_add_test(tc, test_stream_decoder);
    tcase_add_test(tc, test_error_bodies);
    suite_add_tcase(s, tc);
    tc = tcase_create("complete");
    tcase_add_loop_test(tc, test_complete, 0, sizeof complete_cases / sizeof complete_cases[0]);
    tcase_add_test(tc, test_common_prefix);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(shell_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
