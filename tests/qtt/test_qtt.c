/*
 * test_qtt.c - the conformance runner's loader and output: lenient JSON,
 * format x config expansion and case names, file listing order, and the
 * eddy-qtt command line (lines, summary, exit status).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/common/strbuf.h"
#include "../../src/qtt/qtt_load.h"

START_TEST(strip_comments)
{
    const char *in = "{\"a\": \"// not a comment\", // comment\n"
                     "/* block\n comment */ \"b\": \"/* kept */\", \"c\": \"\\\"//\"}";
    char *out = qtt_strip_comments(in, strlen(in));
    json_error_t je;
    json_t *j = json_loads(out, 0, &je);
    ck_assert_msg(j != NULL, "%s", je.text);
    ck_assert_str_eq(json_string_value(json_object_get(j, "a")), "// not a comment");
    ck_assert_str_eq(json_string_value(json_object_get(j, "b")), "/* kept */");
    ck_assert_str_eq(json_string_value(json_object_get(j, "c")), "\"//");
    ck_assert_int_eq(strlen(out), strlen(in));
    json_decref(j);
    free(out);
}
END_TEST

static const char *doc =
    "{\"tests\": ["
    " {\"name\": \"plain\", \"statements\": [\"SELECT 1 FROM S;\"], \"inputs\": []},"
    " {\"name\": \"fmt\", \"format\": [\"JSON\", \"AVRO\"],"
    "  \"statements\": [\"CREATE STREAM S (A INT) WITH (value_format='{FORMAT}');\"]},"
    " {\"name\": \"both\", \"format\": [\"JSON\", \"KAFKA\"], \"config\": [\"true\", \"false\"],"
    "  \"properties\": {\"ksql.x\": \"{CONFIG}\", \"ksql.y\": 1},"
    "  \"statements\": [\"SELECT 1 FROM S;\"]},"
    " {\"name\": \"off\", \"enabled\": false, \"statements\": [\"x\"],"
    "  \"expectedException\": {\"message\": \"boom\"}}"
    "]}";

START_TEST(expansion_and_names)
{
    json_error_t je;
    json_t *root = json_loads(doc, 0, &je);
    ck_assert_ptr_nonnull(root);
    QttFile f;
    EddyError err;
    ck_assert_int_eq(qtt_file_expand(root, "x.json", &f, &err), 0);
    json_decref(root);
    ck_assert_int_eq(f.ncases, 1 + 2 + 4 + 1);
    ck_assert_str_eq(f.cases[0].name, "plain");
    ck_assert_str_eq(f.cases[0].file, "x.json");
    ck_assert_ptr_nonnull(f.cases[0].inputs);
    ck_assert_str_eq(f.cases[1].name, "fmt - JSON");
    ck_assert_str_eq(f.cases[1].statements[0],
                     "CREATE STREAM S (A INT) WITH (value_format='JSON');");
    ck_assert_str_eq(f.cases[2].name, "fmt - AVRO");
    ck_assert_str_eq(f.cases[2].format, "AVRO");
    ck_assert_str_eq(f.cases[3].name, "both - JSON - ksql.x=true");
    ck_assert_str_eq(f.cases[4].name, "both - JSON - ksql.x=false");
    ck_assert_str_eq(f.cases[5].name, "both - KAFKA - ksql.x=true");
    ck_assert_str_eq(f.cases[6].name, "both - KAFKA - ksql.x=false");
    ck_assert_str_eq(json_string_value(json_object_get(f.cases[4].properties, "ksql.x")), "false");
    ck_assert_int_eq(json_integer_value(json_object_get(f.cases[4].properties, "ksql.y")), 1);
    ck_assert(!f.cases[7].enabled);
    ck_assert_ptr_nonnull(f.cases[7].expected_exception);
    qtt_file_free(&f);

    root = json_loads("{\"tests\": [{\"statements\": []}]}", 0, &je);
    ck_assert_int_eq(qtt_file_expand(root, "bad.json", &f, &err), ERR_SERDE);
    json_decref(root);
}
END_TEST

static char tmpdir[256];

static void write_file(const char *rel, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, rel);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static void make_tree(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/eddy-qtt-test-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    char rest[300];
    snprintf(rest, sizeof rest, "%s/rest", tmpdir);
    mkdir(rest, 0755);
    write_file("b.json", "{\"tests\": [{\"name\": \"ok\", \"statements\": [\"SHOW STREAMS;\"]},"
                         " {\"name\": \"bad\", \"statements\": [\"SELECT FROM;\"]}]}");
    write_file("a.json", "// comment\n{\"tests\": [{\"name\": \"e\", \"statements\": [\"x\"],"
                         " \"expectedException\": {}}]}");
    write_file("notes.txt", "ignored");
    write_file("rest/r.json", "{\"tests\": [{\"name\": \"q\", \"format\": [\"JSON\"],"
                              " \"statements\": [\"SELECT * FROM T;\"], \"responses\": []}]}");
}

static void remove_tree(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

START_TEST(collect_order)
{
    make_tree();
    char **paths, **rels;
    EddyError err;
    int n = qtt_collect(tmpdir, &paths, &rels, &err);
    ck_assert_int_eq(n, 3);
    ck_assert_str_eq(rels[0], "a.json");
    ck_assert_str_eq(rels[1], "b.json");
    ck_assert_str_eq(rels[2], "rest/r.json");
    qtt_collect_free(paths, rels, n);
    ck_assert_int_lt(qtt_collect("/nonexistent/qtt", &paths, &rels, &err), 0);
    remove_tree();
}
END_TEST

/* Runs eddy-qtt with args; returns its exit status and output. */
static int run_qtt(const char *args, StrBuf *out)
{
    const char *build = getenv("EDDY_BUILD_DIR");
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s/eddy-qtt %s 2>&1", build ? build : "build", args);
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
        sb_append(out, buf, n);
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

START_TEST(command_line)
{
    make_tree();
    StrBuf out = STRBUF_INIT;
    char args[512];
    snprintf(args, sizeof args, "--parse-only %s", tmpdir);
    ck_assert_int_eq(run_qtt(args, &out), 1);
    ck_assert_str_eq(sb_cstr(&out),
                     "SKIP\ta.json\te\texpects an error\n"
                     "PASS\tb.json\tok\n"
                     "FAIL\tb.json\tbad\tstatement 1: line 1:8: Syntax Error\\nsyntax error at "
                     "'FROM', expecting identifier, string, integer, decimal, double, '(', '+', "
                     "'-', ...\n"
                     "PASS\trest/r.json\tq - JSON\n"
                     "2 passed, 1 failed, 1 skipped\n");
    sb_clear(&out);
    snprintf(args, sizeof args, "--parse-only --min-pass 2 %s", tmpdir);
    ck_assert_int_eq(run_qtt(args, &out), 0);
    sb_clear(&out);
    snprintf(args, sizeof args, "--parse-only --min-pass 3 %s", tmpdir);
    ck_assert_int_eq(run_qtt(args, &out), 1);
    sb_clear(&out);
    /* a file given directly is reported under the path as given */
    snprintf(args, sizeof args, "--parse-only %s/b.json", tmpdir);
    ck_assert_int_eq(run_qtt(args, &out), 1);
    char want[600];
    snprintf(want, sizeof want, "PASS\t%s/b.json\tok\n", tmpdir);
    ck_assert_ptr_nonnull(strstr(sb_cstr(&out), want));
    ck_assert_ptr_nonnull(strstr(sb_cstr(&out), "1 passed, 1 failed, 0 skipped"));
    sb_clear(&out);
    ck_assert_int_eq(run_qtt("--bogus", &out), 2);
    sb_free(&out);
    remove_tree();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("qtt");
    TCase *tc = tcase_create("qtt");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, strip_comments);
    tcase_add_test(tc, expansion_and_names);
    tcase_add_test(tc, collect_order);
    tcase_add_test(tc, command_line);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
