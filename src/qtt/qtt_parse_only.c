/*
 * qtt_parse_only.c - the --parse-only check of a QTT case: every statement must
 * parse. Cases that expect an error are not judged here (their error may come
 * from any later stage), nor are disabled ones.
 */
#include "qtt_run.h"

#include <string.h>

#include "../common/arena.h"
#include "../parser/parser.h"

/* Appends msg with newlines shown as "\n", so a reason stays on one line. */
static void put_one_line(StrBuf *sb, const char *msg)
{
    for (const char *p = msg; *p; p++) {
        if (*p == '\n')
            sb_puts(sb, "\\n");
        else if (*p == '\t')
            sb_putc(sb, ' ');
        else
            sb_putc(sb, *p);
    }
}

QttVerdict qtt_case_parse_only(const QttCase *c, StrBuf *reason)
{
    if (!c->enabled) {
        sb_puts(reason, "disabled");
        return QTT_SKIP;
    }
    if (c->expected_exception || c->expected_error) {
        sb_puts(reason, "expects an error");
        return QTT_SKIP;
    }
    Arena a;
    arena_init(&a, 16384);
    QttVerdict v = QTT_PASS;
    for (int i = 0; i < c->nstatements; i++) {
        AstScript script;
        EddyError err;
        if (parse_script(&a, c->statements[i], &script, &err) < 0) {
            sb_printf(reason, "statement %d: ", i + 1);
            put_one_line(reason, err.msg);
            v = QTT_FAIL;
            break;
        }
        arena_reset(&a);
    }
    arena_free(&a);
    return v;
}
