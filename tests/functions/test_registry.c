/*
 * test_registry.c - registry contents and overload resolution: exact matches, implicit
 * widening, NULL arguments, generics, varargs, ambiguity, CONST parameters, and the
 * exact ksqlDB error texts.
 */
#include "harness.h"

#include <strings.h>

static void setup(void)
{
    h_setup();
}

static void teardown(void)
{
    h_teardown();
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

START_TEST(all_patterns_compile)
{
    char buf[256];
    int n = fn_registry_pattern_errors(buf, sizeof buf);
    ck_assert_msg(n == 0, "%d bad patterns, first: %s", n, buf);
}
END_TEST

START_TEST(lookup_and_list)
{
    ck_assert_ptr_nonnull(fn_lookup("abs"));
    ck_assert_ptr_eq(fn_lookup("abs"), fn_lookup("ABS"));
    ck_assert_ptr_eq(fn_lookup("Abs"), fn_lookup("ABS"));
    ck_assert_ptr_null(fn_lookup("WONT_FIND_ME"));
    int n;
    const FnDef *const *all = fn_list(&n);
    ck_assert_int_gt(n, 20);
    for (int i = 1; i < n; i++)
        ck_assert_msg(strcasecmp(all[i - 1]->name, all[i]->name) < 0, "%s before %s",
                      all[i - 1]->name, all[i]->name);
    for (int i = 0; i < n; i++) {
        ck_assert_ptr_nonnull(all[i]->category);
        ck_assert_ptr_nonnull(all[i]->description);
        ck_assert_int_gt(all[i]->nvariants, 0);
        for (const char *c = all[i]->name; *c; c++)
            ck_assert_msg(!(*c >= 'a' && *c <= 'z'), "name not upper case: %s", all[i]->name);
    }
}
END_TEST

START_TEST(unknown_function)
{
    int rc = h_resolve("WONT_FIND_ME", 0, NULL, NULL);
    ck_assert_int_eq(rc, ERR_SEMANTIC);
    ck_assert_str_eq(h_err.msg, "Can't find any functions with the name 'WONT_FIND_ME'");
}
END_TEST

typedef struct ResolveCase {
    const char *name;
    int n;
    const Type *args[6];
    const char *ret;   /* expected return type text, or NULL for an error */
    const char *error; /* expected message prefix when ret is NULL */
} ResolveCase;

START_TEST(resolution_table)
{
    const Type *D92 = type_decimal(9, 2), *D76 = type_decimal(7, 6), *D3018 = type_decimal(30, 18);
    const Type *D5030 = type_decimal(38, 30);
    const Type *N = T_NULLTYPE;
    ResolveCase cases[] = {
        {"ABS", 1, {T_INT}, "INTEGER", NULL},
        {"ABS", 1, {D92}, "DECIMAL(9, 2)", NULL},
        {"GREATEST", 5, {T_INT, T_INT, T_INT, N, T_INT}, "INTEGER", NULL},
        {"GREATEST", 2, {D92, D76}, "DECIMAL(13, 6)", NULL},
        {"GREATEST", 5, {T_INT, T_BIGINT, D3018, T_DOUBLE, N}, "DOUBLE", NULL},
        {"GREATEST", 2, {T_INT, T_DOUBLE}, "DOUBLE", NULL},
        {"GREATEST", 2, {T_DATE, T_STRING}, "DATE", NULL},
        {"GREATEST",
         2,
         {T_INT, T_BIGINT},
         NULL,
         "Function 'greatest' cannot be resolved due to ambiguous method parameters (INTEGER, "
         "BIGINT)."},
        {"LEAST",
         3,
         {T_INT, T_BIGINT, D5030},
         NULL,
         "Function 'least' cannot be resolved due to ambiguous method parameters (INTEGER, "
         "BIGINT, DECIMAL(38, 30))."},
        {"GREATEST",
         4,
         {N, N, N, N},
         NULL,
         "Function 'greatest' cannot be resolved due to ambiguous method parameters (null, "
         "null, null, null)."},
        {"LEAST", 0, {0}, NULL, "Function 'least' does not accept parameters ()."},
        {"LEAST",
         2,
         {T_STRING, T_INT},
         NULL,
         "Function 'least' does not accept parameters (STRING, INTEGER)."},
        {"GEO_DISTANCE", 4, {T_DOUBLE, T_DOUBLE, T_INT, T_INT}, "DOUBLE", NULL},
        {"GEO_DISTANCE",
         4,
         {T_DOUBLE, T_DOUBLE, T_STRING, T_INT},
         NULL,
         "Function 'geo_distance' does not accept parameters (DOUBLE, DOUBLE, STRING, "
         "INTEGER)."},
        {"ROUND", 1, {type_decimal(33, 16)}, "DECIMAL(17, 0)", NULL},
        {"ROUND", 2, {type_decimal(33, 16), T_INT}, "DECIMAL(33, 16)", NULL},
        {"ROUND", 1, {T_DOUBLE}, "BIGINT", NULL},
        {"ROUND", 2, {T_DOUBLE, T_INT}, "DOUBLE", NULL},
        {"EXP", 1, {T_BIGINT}, "DOUBLE", NULL},
        {"SIGN", 1, {T_DOUBLE}, "INTEGER", NULL},
        {"LOG", 2, {T_INT, T_INT}, "DOUBLE", NULL},
        /* Test-registry UDAFs: varargs at the end, in the middle, and generic varargs. */
        {"VAR_ARG",
         2,
         {T_STRING, T_STRING},
         NULL,
         "Function 'VAR_ARG' does not accept parameters (STRING, STRING)."},
        {"VAR_ARG",
         2,
         {T_BIGINT, T_INT},
         NULL,
         "Function 'VAR_ARG' does not accept parameters (BIGINT, INTEGER)."},
        {"VAR_ARG", 1, {T_BIGINT}, "BIGINT", NULL},
        {"MID_VAR_ARG",
         4,
         {T_BIGINT, T_STRING, T_STRING, T_INT},
         NULL,
         "Function 'MID_VAR_ARG' does not accept parameters (BIGINT, STRING, STRING, INTEGER)."},
        {"MID_VAR_ARG",
         4,
         {T_BIGINT, T_INT, T_INT, T_INT},
         NULL,
         "Function 'MID_VAR_ARG' does not accept parameters (BIGINT, INTEGER, INTEGER, INTEGER)."},
        {"GENERIC_VAR_ARG",
         5,
         {type_decimal(5, 1), T_INT, T_DOUBLE, T_STRING, T_DOUBLE},
         NULL,
         "Function 'GENERIC_VAR_ARG' does not accept parameters (DECIMAL(5, 1), INTEGER, "
         "DOUBLE, STRING, DOUBLE)."},
        {"GENERIC_VAR_ARG",
         5,
         {type_decimal(5, 1), T_INT, T_DOUBLE, T_DOUBLE, T_DOUBLE},
         "ARRAY<DECIMAL(5, 1)>",
         NULL},
        {"TEST_UDF", 2, {T_BIGINT, N}, "STRING", NULL},
        {"DATEADD",
         3,
         {T_DATE, T_INT, T_DATE},
         NULL,
         "Function 'dateadd' does not accept parameters (DATE, INTEGER, DATE)."},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ResolveCase *c = &cases[i];
        int rc = h_resolve(c->name, c->n, c->args, NULL);
        if (c->ret) {
            ck_assert_msg(rc == 0, "case %zu %s: %s", i, c->name, h_err.msg);
            ck_assert_str_eq(type_name(h_call.ret), c->ret);
        } else {
            ck_assert_msg(rc == ERR_SEMANTIC, "case %zu %s resolved", i, c->name);
            ck_assert_msg(starts_with(h_err.msg, c->error), "case %zu: got '%s'", i, h_err.msg);
        }
    }
}
END_TEST

START_TEST(constants_and_middle_varargs)
{
    /* MID_VAR_ARG(BIGINT first, STRING... rest, CONST INT a, CONST INT b) */
    Value seven = val_int(7), three = val_int(3);
    const Type *args[] = {T_BIGINT, T_STRING, T_STRING, T_INT, T_INT};
    const Value *lits[] = {NULL, NULL, NULL, &seven, &three};
    ck_assert_int_eq(h_resolve("MID_VAR_ARG", 5, args, lits), 0);
    ck_assert(!h_call.is_const[0] && !h_call.is_const[2]);
    ck_assert(h_call.is_const[3] && h_call.is_const[4]);
    ck_assert_int_eq(h_call.const_args[3].u.i, 7);
    ck_assert_int_eq(h_call.const_args[4].u.i, 3);
    /* Zero varargs. */
    const Type *a2[] = {T_BIGINT, T_INT, T_INT};
    const Value *l2[] = {NULL, &seven, &three};
    ck_assert_int_eq(h_resolve("MID_VAR_ARG", 3, a2, l2), 0);
    /* Generic varargs take the common type of their arguments. */
    const Type *g[] = {T_STRING, T_INT, T_INT, T_BIGINT};
    ck_assert_int_eq(h_resolve("GENERIC_VAR_ARG", 4, g, NULL), 0);
    ck_assert_ptr_eq(h_call.arg_types[2], T_BIGINT);
    ck_assert_ptr_eq(h_call.arg_types[3], T_BIGINT);
    /* Test-registry functions resolve but are not listed. */
    int n;
    const FnDef *const *all = fn_list(&n);
    for (int i = 0; i < n; i++)
        ck_assert(!all[i]->test_only);
    ck_assert_ptr_nonnull(fn_lookup("test_udf"));
}
END_TEST

START_TEST(widened_argument_types)
{
    const Type *args[] = {T_INT, T_BIGINT, type_decimal(30, 18), T_DOUBLE, T_NULLTYPE};
    ck_assert_int_eq(h_resolve("GREATEST", 5, args, NULL), 0);
    for (int i = 0; i < 5; i++)
        ck_assert_ptr_eq(h_call.arg_types[i], T_DOUBLE);
    const Type *g[] = {T_DOUBLE, T_DOUBLE, T_INT, T_BIGINT};
    ck_assert_int_eq(h_resolve("GEO_DISTANCE", 4, g, NULL), 0);
    ck_assert_ptr_eq(h_call.arg_types[2], T_DOUBLE);
    ck_assert_ptr_eq(h_call.arg_types[3], T_DOUBLE);
    /* Exact match wins over widening: ABS(INT) stays INT. */
    const Type *a[] = {T_INT};
    ck_assert_int_eq(h_resolve("ABS", 1, a, NULL), 0);
    ck_assert_ptr_eq(h_call.arg_types[0], T_INT);
}
END_TEST

START_TEST(no_match_lists_alternatives)
{
    const Type *args[] = {T_STRING};
    ck_assert_int_eq(h_resolve("ABS", 1, args, NULL), ERR_SEMANTIC);
    ck_assert_ptr_nonnull(strstr(h_err.msg, "Valid alternatives are:\nabs(INT num)\n"));
    ck_assert_ptr_nonnull(strstr(h_err.msg, "abs(DECIMAL num)\nFor detailed information"));
}
END_TEST

START_TEST(signatures)
{
    const FnDef *abs = fn_lookup("ABS");
    StrBuf sb = STRBUF_INIT;
    fn_variant_print_signature(&sb, abs, &abs->variants[0], false);
    ck_assert_str_eq(sb_cstr(&sb), "ABS(INT num)");
    sb_clear(&sb);
    const FnDef *g = fn_lookup("GREATEST");
    fn_variant_print_signature(&sb, g, &g->variants[0], true);
    ck_assert_str_eq(sb_cstr(&sb), "greatest(INT val, INT... vals)");
    sb_clear(&sb);
    fn_variant_print_return(&sb, g, &g->variants[1]);
    ck_assert_str_eq(sb_cstr(&sb), "BIGINT");
    sb_free(&sb);
    FnParamInfo p[4];
    ck_assert_int_eq(fn_variant_params(g, &g->variants[0], p, 4), 2);
    ck_assert_str_eq(p[0].name, "val");
    ck_assert_str_eq(p[0].type, "INT");
    ck_assert(!p[0].variadic);
    ck_assert(p[1].variadic);
    ck_assert_str_eq(fn_kind_text(abs->kind), "SCALAR");
    ck_assert_str_eq(fn_display_name(abs), "abs");
}
END_TEST

TCase *tc_registry(void)
{
    TCase *tc = tcase_create("registry");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, all_patterns_compile);
    tcase_add_test(tc, lookup_and_list);
    tcase_add_test(tc, unknown_function);
    tcase_add_test(tc, resolution_table);
    tcase_add_test(tc, constants_and_middle_varargs);
    tcase_add_test(tc, widened_argument_types);
    tcase_add_test(tc, no_match_lists_alternatives);
    tcase_add_test(tc, signatures);
    return tc;
}
