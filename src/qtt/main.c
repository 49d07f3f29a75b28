/*
 * main.c - eddy-qtt: runs ksqlDB query-validation test files.
 *
 *   eddy-qtt [--parse-only] [--rest | --rest-kafka] [--eddyd PATH] [--min-pass N] PATH...
 *
 * --rest runs the REST cases (the rest directory) over HTTP against eddyd (one
 * process per case, in-memory topics; --rest-kafka: on its embedded broker).
 *
 * A directory PATH means its *.json files and then those in rest/. One line per
 * case, tab-separated: PASS file name / FAIL file name reason / SKIP file name
 * reason, then "N passed, N failed, N skipped". Exit status 1 when a case
 * failed (or a file could not be loaded); with --min-pass N, 0 exactly when at
 * least N cases passed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qtt_engine.h"
#include "qtt_load.h"
#include "qtt_rest.h"
#include "qtt_run.h"

static void usage(void)
{
    fprintf(stderr, "usage: eddy-qtt [--parse-only] [--rest | --rest-kafka] [--eddyd PATH] [--min-pass N] PATH...\n");
}

int main(int argc, char **argv)
{
    bool parse_only = false;
    bool rest = false;
    QttRestConfig rest_cfg = {0};
    char eddyd_path[4096] = "";
    long min_pass = -1;
    int npaths = 0;
    char **paths_in = calloc((size_t)argc, sizeof(char *));
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--parse-only") == 0) {
            parse_only = true;
        } else if (strcmp(argv[i], "--rest") == 0) {
            rest = true;
        } else if (strcmp(argv[i], "--rest-kafka") == 0) {
            rest = true;
            rest_cfg.kafka = true;
        } else if (strcmp(argv[i], "--eddyd") == 0 && i + 1 < argc) {
            snprintf(eddyd_path, sizeof eddyd_path, "%s", argv[++i]);
        } else if (strcmp(argv[i], "--min-pass") == 0 && i + 1 < argc) {
            char *end;
            min_pass = strtol(argv[++i], &end, 10);
            if (*end || min_pass < 0) {
                usage();
                free(paths_in);
                return 2;
            }
        } else if (argv[i][0] == '-' && argv[i][1]) {
            usage();
            free(paths_in);
            return 2;
        } else {
            paths_in[npaths++] = argv[i];
        }
    }
    if (npaths == 0) {
        usage();
        free(paths_in);
        return 2;
    }
    long passed = 0, failed = 0, skipped = 0, broken = 0;
    /* Per-case LMDB directories live under a temporary root (tmpfs when there is one). */
    char state_root[256];
    const char *tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(state_root, sizeof state_root, "%s/eddy-qtt-%d", tmp, (int)getpid());
    if (!parse_only) mkdir(state_root, 0700);
    if (!eddyd_path[0]) {
        /* eddyd next to eddy-qtt (both at the top of the build directory). */
        const char *slash = strrchr(argv[0], '/');
        snprintf(eddyd_path, sizeof eddyd_path, "%.*seddyd", slash ? (int)(slash - argv[0] + 1) : 0,
                 argv[0]);
    }
    rest_cfg.eddyd = eddyd_path;
    rest_cfg.state_root = state_root;
    StrBuf reason = STRBUF_INIT;
    for (int p = 0; p < npaths; p++) {
        char **files, **rels;
        EddyError err;
        int n = qtt_collect(paths_in[p], &files, &rels, &err);
        if (n < 0) {
            fprintf(stderr, "eddy-qtt: %s\n", err.msg);
            broken++;
            continue;
        }
        for (int f = 0; f < n; f++) {
            QttFile file;
            if (qtt_file_load(files[f], rels[f], &file, &err) < 0) {
                fprintf(stderr, "eddy-qtt: %s\n", err.msg);
                broken++;
                continue;
            }
            for (int c = 0; c < file.ncases; c++) {
                const QttCase *tc = &file.cases[c];
                QttVerdict v = QTT_SKIP;
                sb_clear(&reason);
                if (parse_only)
                    v = qtt_case_parse_only(tc, &reason);
                else if (tc->rest && rest)
                    v = qtt_rest_case_run(tc, &rest_cfg, &reason);
                else if (tc->rest)
                    sb_puts(&reason, "REST case: runs against eddyd with --rest");
                else
                    v = qtt_case_run(tc, state_root, &reason);
                if (v == QTT_PASS) {
                    printf("PASS\t%s\t%s\n", tc->file, tc->name);
                    passed++;
                } else {
                    printf("%s\t%s\t%s\t%s\n", v == QTT_FAIL ? "FAIL" : "SKIP", tc->file, tc->name,
                           sb_cstr(&reason));
                    if (v == QTT_FAIL)
                        failed++;
                    else
                        skipped++;
                }
            }
            qtt_file_free(&file);
        }
        qtt_collect_free(files, rels, n);
    }
    if (!parse_only) rmdir(state_root);
    printf("%ld passed, %ld failed, %ld skipped\n", passed, failed, skipped);
    sb_free(&reason);
    free(paths_in);
    if (min_pass >= 0) return passed >= min_pass ? 0 : 1;
    return failed || broken ? 1 : 0;
}
