/*
 * test_roundtrip.c - printer round trip over every statement of the shared
 * ksqlDB conformance files: parse, print, parse the printed text, and compare
 * the trees. Statements that do not parse are skipped here (the parse-only
 * ratchet in tests/qtt covers them). Skips (exit 77) when ../shared is absent.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../src/common/arena.h"
#include "../../src/common/strbuf.h"
#include "../../src/parser/parser.h"
#include "../../src/qtt/qtt_load.h"

static char qtt_dir[4096];

START_TEST(roundtrip_all_statements)
{
    char **paths, **rels;
    EddyError err;
    int n = qtt_collect(qtt_dir, &paths, &rels, &err);
    ck_assert_msg(n > 0, "%s", err.msg);
    int checked = 0, bad = 0;
    Arena a;
    arena_init(&a, 65536);
    for (int f = 0; f < n; f++) {
        QttFile file;
        ck_assert_msg(qtt_file_load(paths[f], rels[f], &file, &err) == 0, "%s", err.msg);
        for (int c = 0; c < file.ncases; c++) {
            const QttCase *tc = &file.cases[c];
            for (int s = 0; s < tc->nstatements; s++) {
                AstScript sc;
                if (parse_script(&a, tc->statements[s], &sc, &err) < 0) continue;
                for (int i = 0; i < sc.nstmts; i++) {
                    StrBuf sb = STRBUF_INIT;
                    ast_stmt_print(&sb, sc.stmts[i]);
                    AstStmt *again;
                    checked++;
                    if (parse_statement(&a, sb_cstr(&sb), &again, &err) < 0) {
                        if (bad++ < 10)
                            fprintf(stderr, "%s: %s\n  printed: %s\n  %s\n", rels[f],
                                    tc->statements[s], sb_cstr(&sb), err.msg);
                    } else if (!ast_stmt_equal(sc.stmts[i], again)) {
                        if (bad++ < 10)
                            fprintf(stderr, "%s: %s\n  printed: %s\n  differs\n", rels[f],
                                    tc->statements[s], sb_cstr(&sb));
                    }
                    sb_free(&sb);
                }
                arena_reset(&a);
            }
        }
        qtt_file_free(&file);
    }
    arena_free(&a);
    qtt_collect_free(paths, rels, n);
    fprintf(stderr, "round trip: %d statements, %d differ\n", checked, bad);
    ck_assert_int_gt(checked, 1000);
    ck_assert_int_eq(bad, 0);
}
END_TEST

int main(void)
{
    const char *shared = getenv("EDDY_SHARED_DIR");
    struct stat st;
    snprintf(qtt_dir, sizeof qtt_dir, "%s/ksql-qtt", shared ? shared : "../shared");
    if (stat(qtt_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        printf("SKIP: %s is absent; the printer round trip over the conformance files needs it\n",
               qtt_dir);
        return 77;
    }
    Suite *s = suite_create("parser-roundtrip");
    TCase *tc = tcase_create("roundtrip");
    tcase_set_timeout(tc, 100);
    tcase_add_test(tc, roundtrip_all_statements);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
