/*
 * eddy_functions.c - prints the function registry as Markdown (the function
 * table of docs/functions.md is generated with `build/eddy-functions`), so the
 * documentation lists exactly the functions the engine has.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../functions/functions.h"

static void md_escape(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '|') fputs("\\|", f);
        else if (*s == '\n') fputc(' ', f);
        else fputc(*s, f);
    }
}

int main(void)
{
    fn_registry_init();
    int n;
    const FnDef *const *defs = fn_list(&n);
    const char *kinds[] = {"SCALAR", "TABLE", "AGGREGATE"};
    for (int k = 0; k < 3; k++) {
        printf("\n### %s functions\n\n| function | category | signatures | description |\n|---|---|---|---|\n",
               k == 0 ? "Scalar" : k == 1 ? "Table" : "Aggregate");
        for (int i = 0; i < n; i++) {
            const FnDef *d = defs[i];
            if (strcmp(fn_kind_text(d->kind), kinds[k]) != 0) continue;
            printf("| `%s` | %s | ", d->name, d->category ? d->category : "OTHER");
            for (int v = 0; v < d->nvariants; v++) {
                StrBuf sb = STRBUF_INIT;
                fn_variant_print_signature(&sb, d, &d->variants[v], false);
                sb_puts(&sb, " → ");
                fn_variant_print_return(&sb, d, &d->variants[v]);
                if (v) fputs("<br>", stdout);
                fputs("`", stdout);
                md_escape(stdout, sb_cstr(&sb));
                fputs("`", stdout);
                sb_free(&sb);
            }
            fputs(" | ", stdout);
            md_escape(stdout, d->description ? d->description : "");
            fputs(" |\n", stdout);
        }
    }
    return 0;
}
