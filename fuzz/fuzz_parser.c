/*
 * fuzz_parser.c - libFuzzer target over the tokenizer and the parser.
 *
 * Every input is tokenized, parsed as a script, an expression and a type, and
 * run through ${var} substitution. Whatever parses is printed and parsed again,
 * and the two trees must be equal, so the fuzzer checks the printer too.
 * Built by fuzz/run.sh with clang -fsanitize=fuzzer,address,undefined; the
 * regular build compiles it with FUZZ_REPLAY_MAIN into a program that replays
 * files (fuzz/seeds), so it cannot rot.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/common/arena.h"
#include "../src/common/strbuf.h"
#include "../src/parser/parse_int.h"
#include "../src/parser/parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *lookup(void *ctx, const char *name)
{
    (void)ctx;
    return name[0] == 'u' ? NULL : "v";
}

static void check_roundtrip(Arena *a, const AstStmt *s)
{
    StrBuf sb = STRBUF_INIT;
    ast_stmt_print(&sb, s);
    AstStmt *again;
    EddyError err;
    if (parse_statement(a, sb_cstr(&sb), &again, &err) < 0) {
        /* the printer adds parentheses, so a statement just under the nesting
         * limit may print to one just over it: a limit, not a bug */
        if (strstr(err.msg, "too deeply nested")) {
            sb_free(&sb);
            return;
        }
        fprintf(stderr, "printed statement does not parse:\n%s\n%s\n", sb_cstr(&sb), err.msg);
        __builtin_trap();
    }
    if (!ast_stmt_equal(s, again)) {
        fprintf(stderr, "printed statement parses differently:\n%s\n", sb_cstr(&sb));
        __builtin_trap();
    }
    sb_free(&sb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536) return 0;
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = 0;
    int n = (int)strlen(text);

    for (int pos = 0; pos < n;) {
        int kind, len = tok_next(text + pos, n - pos, &kind);
        if (len < 1 || pos + len > n) __builtin_trap();
        pos += len;
    }

    Arena a;
    arena_init(&a, 8192);
    AstScript script;
    EddyError err;
    if (parse_script(&a, text, &script, &err) == 0) {
        for (int i = 0; i < script.nstmts; i++)
            check_roundtrip(&a, script.stmts[i]);
    } else if (err.msg[0] == 0) {
        __builtin_trap(); /* an error must say something */
    }
    AstExpr *e;
    if (parse_expression(&a, text, &e, &err) == 0) {
        StrBuf sb = STRBUF_INIT;
        ast_expr_print(&sb, e);
        AstExpr *again;
        int rc = parse_expression(&a, sb_cstr(&sb), &again, &err);
        if (rc < 0 && strstr(err.msg, "too deeply nested")) {
            /* see check_roundtrip */
        } else if (rc < 0 || !ast_expr_equal(e, again)) {
            fprintf(stderr, "expression round trip failed:\n%s\n", sb_cstr(&sb));
            __builtin_trap();
        }
        sb_free(&sb);
    }
    AstType *t;
    (void)parse_type(&a, text, &t, &err);
    StrBuf out = STRBUF_INIT;
    (void)parse_substitute_vars(text, lookup, NULL, &out, &err);
    sb_free(&out);
    arena_free(&a);
    free(text);
    return 0;
}

#ifdef FUZZ_REPLAY_MAIN
/* Replays the files named on the command line (a regression run). */
int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            fprintf(stderr, "%s: cannot open\n", argv[i]);
            return 1;
        }
        static uint8_t buf[65536];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        LLVMFuzzerTestOneInput(buf, n);
    }
    printf("replayed %d inputs\n", argc - 1);
    return 0;
}
#endif
