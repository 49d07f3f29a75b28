/*
 * fn_table.c - table functions (category TABLE): EXPLODE and CUBE_EXPLODE. Each implementation
 * returns an ARRAY holding the rows it produces; the runtime emits one output row per element (none
 * for an empty or NULL array). (GENERATE_SERIES is a scalar function returning an array in ksqlDB:
 * see fn_math.c.)
 */
#include "functions_int.h"

#include <string.h>

/* EXPLODE(array): the array itself; NULL gives no rows. */
static int t_explode(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)nargs;
    if (args[0].kind == TYPE_NULL) {
        *out = val_array_new(ctx->arena, 0, NULL);
        return 0;
    }
    *out = args[0];
    return 0;
}

/* CUBE_EXPLODE(array): every combination of the elements and NULL, the element at
 * position j being nulled when bit j of the combination number is set; combinations
 * that would null an element that is already NULL are skipped (they repeat others). */
static int t_cube(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)nargs;
    if (args[0].kind == TYPE_NULL) {
        *out = val_array_new(ctx->arena, 0, NULL);
        return 0;
    }
    uint32_t n = args[0].len;
    if (n > 20) return fn_error(ctx, "CUBE_EXPLODE supports at most 20 columns, got %u", n);
    uint32_t combos = 1u << n, nullmask = 0;
    for (uint32_t j = 0; j < n; j++)
        if (args[0].u.items[j].kind == TYPE_NULL) nullmask |= 1u << j;
    uint32_t rows = 0;
    for (uint32_t i = 0; i < combos; i++)
        if (!(i & nullmask)) rows++;
    Value r = val_array_new(ctx->arena, rows, NULL);
    uint32_t k = 0;
    for (uint32_t i = 0; i < combos; i++) {
        if (i & nullmask) continue;
        Value row = val_array_new(ctx->arena, n, ctx->call->ret);
        for (uint32_t j = 0; j < n; j++)
            row.u.items[j] = (i & (1u << j)) ? val_null() : args[0].u.items[j];
        r.u.items[k++] = row;
    }
    *out = r;
    return 0;
}

static const FnVariant v_explode[] = {
    {.params = "ARRAY<T> input",
     .returns = "T",
     .description = "Produces one row per element of the array.",
     .impl = t_explode},
};

static const FnVariant v_cube[] = {
    {.params = "ARRAY<T> input",
     .returns = "ARRAY<T>",
     .description = "Produces one row per combination of the elements with NULL.",
     .impl = t_cube},
};

static const FnDef table_defs[] = {
    {.name = "CUBE_EXPLODE",
     .kind = FN_TABLE,
     .category = "TABLE",
     .description = "Produces all combinations of the array's elements with NULL.",
     FN_VARIANTS(v_cube)},
    {.name = "EXPLODE",
     .kind = FN_TABLE,
     .category = "TABLE",
     .description = "Produces one row per element of an array.",
     FN_VARIANTS(v_explode)},
};

FN_FAMILY(table_defs);
