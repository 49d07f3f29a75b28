/*
 * fn_nulls.c - NULL handling and identity functions: COALESCE, IFNULL, NULLIF
 * (category CONDITIONAL) and AS_VALUE (category OTHER; the planner gives it meaning
 * when a key column is copied into the value, elsewhere it returns its argument).
 */
#include "functions_int.h"

static int n_coalesce(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)ctx;
    for (int i = 0; i < nargs; i++)
        if (args[i].kind != TYPE_NULL) {
            *out = args[i];
            return 0;
        }
    *out = val_null();
    return 0;
}

static int n_nullif(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)ctx;
    (void)nargs;
    if (args[0].kind != TYPE_NULL && args[1].kind != TYPE_NULL && val_equal(&args[0], &args[1]))
        *out = val_null();
    else
        *out = args[0];
    return 0;
}

static int n_identity(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)ctx;
    (void)nargs;
    *out = args[0];
    return 0;
}

static const FnVariant v_coalesce[] = {
    {.params = "T first, T... others",
     .returns = "T",
     .description = "Returns the first non-null argument.",
     .impl = n_coalesce},
};

static const FnVariant v_ifnull[] = {
    {.params = "T expression, T altValue",
     .returns = "T",
     .description = "Returns expression, or altValue when expression is null.",
     .impl = n_coalesce},
};

static const FnVariant v_nullif[] = {
    {.params = "T expression1, T expression2",
     .returns = "T",
     .description = "Returns null when both arguments are equal, else expression1.",
     .impl = n_nullif},
};

static const FnVariant v_as_value[] = {
    {.params = "T source",
     .returns = "T",
     .description = "Copies a key column into the value of the result.",
     .impl = n_identity},
};

static const FnDef nulls_defs[] = {
    {.name = "AS_VALUE",
     .kind = FN_SCALAR,
     .category = "OTHER",
     .description = "Used in the projection of a query to copy a key column into the value.",
     FN_VARIANTS(v_as_value)},
    {.name = "COALESCE",
     .kind = FN_SCALAR,
     .category = "CONDITIONAL",
     .description = "Returns the first non-null argument.",
     FN_VARIANTS(v_coalesce)},
    {.name = "IFNULL",
     .kind = FN_SCALAR,
     .category = "CONDITIONAL",
     .description = "Returns an alternative value when an expression is null.",
     FN_VARIANTS(v_ifnull)},
    {.name = "NULLIF",
     .kind = FN_SCALAR,
     .category = "CONDITIONAL",
     .description = "Returns null when two values are equal.",
     FN_VARIANTS(v_nullif)},
};

FN_FAMILY(nulls_defs);
