/*
 * test_collections.c - array/map functions, lambdas (TRANSFORM, FILTER, REDUCE through a
 * C-callback evaluator), null functions and table functions; values from ksqlDB's
 * array.json, array-set-functions.json, arraycontains.json, transform-*.json,
 * reduce-map.json and complex-lambda.json.
 */
#include "harness.h"

static void setup(void)
{
    h_setup();
}

static void teardown(void)
{
    h_teardown();
}

typedef struct Case {
    const char *got;
    const char *want;
} Case;

#define CHECK_ALL(arr)                                                                             \
    for (size_t i_ = 0; i_ < sizeof arr / sizeof arr[0]; i_++)                                     \
    ck_assert_msg(strcmp(arr[i_].got, arr[i_].want) == 0, "case %zu: got %s, want %s", i_,         \
                  arr[i_].got, arr[i_].want)

#define IA(n, ...) ARR(T_INT, n, __VA_ARGS__)
#define SA(n, ...) ARR(T_STRING, n, __VA_ARGS__)

START_TEST(array_functions)
{
    Case c[] = {
        {h_run("ARRAY_CONTAINS", 2, SA(2, S("Pink"), NUL()), S("Pink")), "true"},
        {h_run("ARRAY_CONTAINS", 2, SA(2, S("Red"), S("Green")), S("Pink")), "false"},
        {h_run("ARRAY_CONTAINS", 2, TNUL(type_array(T_STRING)), S("Pink")), "false"},
        {h_run("ARRAY_CONTAINS", 2, SA(2, S("a"), NUL()), TNUL(T_STRING)), "true"},
        {h_run("ARRAY_DISTINCT", 1, IA(5, I(0), NUL(), I(1), I(0), I(-1))), "[0, null, 1, -1]"},
        {h_run("ARRAY_DISTINCT", 1, ARR(T_DOUBLE, 4, D(0.3), D(-12345.678), NUL(), D(0.3))),
         "[0.3, -12345.678, null]"},
        {h_run("ARRAY_DISTINCT", 1,
               ARR(type_array(T_STRING), 3, SA(2, S("foo"), NUL()), SA(2, S("foo"), S("bar")),
                   SA(2, S("foo"), NUL()))),
         "[['foo', null], ['foo', 'bar']]"},
        {h_run("ARRAY_EXCEPT", 2, IA(5, I(0), I(0), I(1), I(0), I(-1)), IA(2, I(1), I(-2))),
         "[0, -1]"},
        {h_run("ARRAY_EXCEPT", 2, IA(2, I(0), I(1)), TNUL(type_array(T_INT))), "null"},
        {h_run("ARRAY_INTERSECT", 2, IA(5, I(0), I(0), I(1), I(0), I(-1)),
               IA(3, I(1), I(-2), I(0))),
         "[0, 1]"},
        {h_run("ARRAY_UNION", 2, IA(5, I(0), I(0), I(1), I(0), I(-1)), IA(3, I(1), I(-2), I(0))),
         "[0, 1, -1, -2]"},
        {h_run("ARRAY_CONCAT", 2, TNUL(type_array(T_INT)), IA(2, I(1), I(-2))), "[1, -2]"},
        {h_run("ARRAY_CONCAT", 2, TNUL(type_array(T_INT)), TNUL(type_array(T_INT))), "null"},
        {h_run("ARRAY_CONCAT", 2, SA(1, S("foo")), SA(2, S("foo"), S("baz"))),
         "['foo', 'foo', 'baz']"},
        {h_run("ARRAY_LENGTH", 1, IA(2, I(-1), I(0))), "2"},
        {h_run("ARRAY_LENGTH", 1, TNUL(type_array(T_INT))), "null"},
        {h_run("ARRAY_MAX", 1, IA(4, I(123), I(452), I(451), NUL())), "452"},
        {h_run("ARRAY_MIN", 1, SA(3, S("b"), S("a"), NUL())), "'a'"},
        {h_run("ARRAY_MIN", 1, ARR(T_INT, 0)), "null"},
        {h_run("ARRAY_JOIN", 1, IA(3, I(1), NUL(), I(3))), "'1,null,3'"},
        {h_run("ARRAY_JOIN", 2, ARR(T_DOUBLE, 2, D(1), D(2.5)), S("|")), "'1.0|2.5'"},
        {h_run("ARRAY_REMOVE", 2, IA(4, I(1), I(2), I(1), NUL()), I(1)), "[2, null]"},
        {h_run("ARRAY_REMOVE", 2, IA(3, I(1), NUL(), I(1)), TNUL(T_INT)), "[1, 1]"},
        {h_run("ARRAY_SORT", 1, IA(4, I(3), NUL(), I(1), I(2))), "[1, 2, 3, null]"},
        {h_run("ARRAY_SORT", 2, IA(4, I(3), NUL(), I(1), I(2)), S("desc")), "[3, 2, 1, null]"},
        {h_run("ARRAY_SORT", 2, IA(2, I(3), I(1)), S("sideways")), "null"},
        {h_run("SLICE", 3, IA(4, I(1), I(2), I(3), I(4)), I(2), I(3)), "[2, 3]"},
        {h_run("SLICE", 3, IA(4, I(1), I(2), I(3), I(4)), TNUL(T_INT), I(2)), "[1, 2]"},
        {h_run("SLICE", 3, IA(2, I(1), I(2)), I(0), I(2)), "null"},
        {h_run("SLICE", 3, IA(2, I(1), I(2)), I(2), I(5)), "null"},
    };
    CHECK_ALL(c);
}
END_TEST

START_TEST(map_functions)
{
    Value m = MAPV(T_STRING, T_INT, 2, S("K2"), I(2), S("K1"), I(1));
    Case c[] = {
        {h_run("MAP_KEYS", 1, m), "['K2', 'K1']"},
        {h_run("MAP_VALUES", 1, m), "[2, 1]"},
        {h_run("MAP_UNION", 2, m, MAPV(T_STRING, T_INT, 1, S("K1"), I(9))), "{'K1'=9, 'K2'=2}"},
        {h_run("MAP_UNION", 2, TNUL(type_map(T_STRING, T_INT)), m), "{'K2'=2, 'K1'=1}"},
        {h_run("AS_MAP", 2, SA(3, S("a"), S("b"), S("a")), IA(2, I(1), I(2))), "{'a'=null, 'b'=2}"},
        {h_run("ENTRIES", 2, m, BOOL(true)), "[{K='K1', V=1}, {K='K2', V=2}]"},
        {h_run("ENTRIES", 2, m, BOOL(false)), "[{K='K2', V=2}, {K='K1', V=1}]"},
        {h_run("ENTRIES", 2, TNUL(type_map(T_STRING, T_INT)), BOOL(true)), "null"},
    };
    CHECK_ALL(c);
    const Type *mt = type_map(T_STRING, T_DOUBLE);
    const Type *args[] = {mt, T_BOOLEAN};
    ck_assert_int_eq(h_resolve("ENTRIES", 2, args, NULL), 0);
    ck_assert_str_eq(type_name(h_call.ret), "ARRAY<STRUCT<`K` STRING, `V` DOUBLE>>");
}
END_TEST

START_TEST(nulls_and_series)
{
    Case c[] = {
        {h_run("COALESCE", 3, TNUL(T_INT), I(2), I(3)), "2"},
        {h_run("COALESCE", 2, TNUL(T_INT), TNUL(T_INT)), "null"},
        {h_run("IFNULL", 2, TNUL(T_STRING), S("x")), "'x'"},
        {h_run("IFNULL", 2, S("y"), S("x")), "'y'"},
        {h_run("NULLIF", 2, I(1), I(1)), "null"},
        {h_run("NULLIF", 2, I(1), I(2)), "1"},
        {h_run("AS_VALUE", 1, I(5)), "5"},
        {h_run("GENERATE_SERIES", 2, I(0), I(3)), "[0, 1, 2, 3]"},
        {h_run("GENERATE_SERIES", 2, I(4), I(0)), "[4, 3, 2, 1, 0]"},
        {h_run("GENERATE_SERIES", 3, I(-2), I(1), I(2)), "[-2, 0]"},
        {h_run("GENERATE_SERIES", 3, I(9), I(0), I(-3)), "[9, 6, 3, 0]"},
        {h_run("GENERATE_SERIES", 3, L(1), L(3), L(0)), "ERR:GENERATE_SERIES step cannot be zero"},
        {h_run("GENERATE_SERIES", 3, I(1), I(3), I(-1)), "ERR:GENERATE_SERIES step has wrong sign"},
        {h_run("EXPLODE", 1, IA(2, I(1), I(2))), "[1, 2]"},
        {h_run("EXPLODE", 1, TNUL(type_array(T_INT))), "[]"},
        {h_run("CUBE_EXPLODE", 1, IA(2, I(1), I(2))),
         "[[1, 2], [null, 2], [1, null], [null, null]]"},
        {h_run("CUBE_EXPLODE", 1, IA(2, I(1), NUL())), "[[1, null], [null, null]]"},
    };
    CHECK_ALL(c);
    /* COALESCE widens its generic across arguments: INT and BIGINT -> BIGINT. */
    const Type *args[] = {T_INT, T_BIGINT};
    ck_assert_int_eq(h_resolve("COALESCE", 2, args, NULL), 0);
    ck_assert_ptr_eq(h_call.ret, T_BIGINT);
    ck_assert_ptr_eq(h_call.arg_types[0], T_BIGINT);
    const Type *e[] = {type_array(T_INT)};
    ck_assert_int_eq(h_resolve("EXPLODE", 1, e, NULL), 0);
    ck_assert_ptr_eq(h_call.ret, T_INT);
    ck_assert_int_eq(h_call.def->kind, FN_TABLE);
}
END_TEST

/* ---------------------------------------------------------------- lambdas */

static int lam_plus5(int n, const Value *p, Value *out)
{
    (void)n;
    if (p[0].kind == TYPE_NULL) return ERR_EVAL; /* ksqlDB: NPE unboxing null + 5 */
    *out = val_int(p[0].u.i + 5);
    return 0;
}

static int lam_is_even(int n, const Value *p, Value *out)
{
    (void)n;
    *out = p[0].kind == TYPE_NULL ? val_null() : val_bool(p[0].u.i % 2 == 0);
    return 0;
}

static int lam_key_suffix(int n, const Value *p, Value *out)
{
    (void)n;
    char *s = arena_printf(&h_arena, "%.*s_test", (int)p[0].len, p[0].u.s);
    *out = val_string(s, (uint32_t)strlen(s));
    return 0;
}

static int lam_value_len(int n, const Value *p, Value *out)
{
    (void)n;
    *out = val_int((int32_t)p[1].len);
    return 0;
}

static int lam_const_key(int n, const Value *p, Value *out)
{
    (void)n;
    (void)p;
    *out = S("same");
    return 0;
}

/* (s, k, v) => CASE WHEN LEN(k) > 3 THEN s + v ELSE s - v END */
static int lam_reduce_map(int n, const Value *p, Value *out)
{
    (void)n;
    if (p[0].kind == TYPE_NULL || p[2].kind == TYPE_NULL) return ERR_EVAL;
    *out = val_int(p[1].len > 3 ? p[0].u.i + p[2].u.i : p[0].u.i - p[2].u.i);
    return 0;
}

/* (s, x) => s + x with s BIGINT and x INT */
static int lam_sum(int n, const Value *p, Value *out)
{
    (void)n;
    *out = val_bigint(p[0].u.l + p[1].u.i);
    return 0;
}

START_TEST(lambdas)
{
    h_lambdas[1] = (TestLambdaSpec){lam_plus5, T_INT};
    ck_assert_str_eq(h_run("TRANSFORM", 2, IA(2, I(3), I(6)), LAMBDA(1)), "[8, 11]");
    ck_assert_str_eq(type_name(h_call.ret), "ARRAY<INTEGER>");
    ck_assert_int_eq(h_call.arg_types[1]->kind, TYPE_LAMBDA);
    ck_assert_ptr_eq(h_call.arg_types[1]->fields[0].type, T_INT);
    ck_assert_ptr_eq(h_call.arg_types[1]->elem, T_INT);
    ck_assert_str_eq(h_run("TRANSFORM", 2, IA(2, I(5), NUL()), LAMBDA(1)), "ERR:");
    ck_assert_str_eq(h_run("TRANSFORM", 2, TNUL(type_array(T_INT)), LAMBDA(1)), "null");

    h_lambdas[1] = (TestLambdaSpec){lam_is_even, T_BOOLEAN};
    ck_assert_str_eq(h_run("FILTER", 2, IA(4, I(1), I(2), I(3), I(4)), LAMBDA(1)), "[2, 4]");
    ck_assert_str_eq(h_run("FILTER", 2, IA(2, I(2), NUL()), LAMBDA(1)),
                     "ERR:FILTER lambda returned null");
    /* A lambda of the wrong arity does not match. */
    ck_assert_str_eq(h_run("FILTER", 2, IA(1, I(1)), LAMBDA(2)),
                     "ERR:Function 'filter' does not accept parameters (ARRAY<INTEGER>, LAMBDA).\n"
                     "Valid alternatives are:\n"
                     "filter(ARRAY<T> array, LAMBDA(T) => BOOLEAN function)\n"
                     "filter(MAP<K, V> map, LAMBDA(K, V) => BOOLEAN function)\n"
                     "For detailed information on a function run: DESCRIBE FUNCTION "
                     "<Function-Name>;");
    /* FILTER's lambda must return BOOLEAN. */
    h_lambdas[1] = (TestLambdaSpec){lam_plus5, T_INT};
    ck_assert_str_eq(h_run("FILTER", 2, IA(1, I(1)), LAMBDA(1)),
                     "ERR:Lambda passed to function 'filter' returns INTEGER, which does not match "
                     "BOOLEAN");

    Value m = MAPV(T_STRING, type_array(T_INT), 2, S("a"), IA(3, I(2), I(4), I(5)), S("b"),
                   IA(2, I(-1), I(-2)));
    h_lambdas[1] = (TestLambdaSpec){lam_key_suffix, T_STRING};
    h_lambdas[2] = (TestLambdaSpec){lam_value_len, T_INT};
    ck_assert_str_eq(h_run("TRANSFORM", 3, m, LAMBDA(2), LAMBDA(2)), "{'b_test'=2, 'a_test'=3}");
    ck_assert_str_eq(type_name(h_call.ret), "MAP<STRING, INTEGER>");
    h_lambdas[1] = (TestLambdaSpec){lam_const_key, T_STRING};
    ck_assert_str_eq(h_run("TRANSFORM", 3, m, LAMBDA(2), LAMBDA(2)),
                     "ERR:Duplicate key same (attempted merging values 3 and 2)");

    Value rm = MAPV(T_STRING, T_INT, 3, S("123"), I(3), S("12"), I(7), S("1234"), I(2));
    h_lambdas[2] = (TestLambdaSpec){lam_reduce_map, T_INT};
    ck_assert_str_eq(h_run("REDUCE", 3, rm, I(0), LAMBDA(3)), "-8");
    ck_assert_str_eq(h_run("REDUCE", 3, TNUL(type_map(T_STRING, T_INT)), I(0), LAMBDA(3)), "0");
    ck_assert_str_eq(h_run("REDUCE", 3, rm, TNUL(T_INT), LAMBDA(3)), "null");
    Value bad = MAPV(T_STRING, T_INT, 2, S("1"), I(1), S("ttttt"), NUL());
    ck_assert_str_eq(h_run("REDUCE", 3, bad, I(0), LAMBDA(3)), "ERR:");

    h_lambdas[2] = (TestLambdaSpec){lam_sum, T_BIGINT};
    ck_assert_str_eq(h_run("REDUCE", 3, IA(3, I(1), I(2), I(3)), L(10), LAMBDA(2)), "16");
    ck_assert_ptr_eq(h_call.ret, T_BIGINT);
}
END_TEST

START_TEST(java_hashmap_order)
{
    /* reduce-map.json: a JSON map of 3 entries is a HashMap(3) in ksqlDB, iterated
     * "yes, thanks", "sure, yeah", "nope" (REDUCE's result depends on it). */
    Value m = MAPV(T_STRING, T_DOUBLE, 3, S("yes, thanks"), D(3.5), S("nope"), D(7.3),
                   S("sure, yeah"), D(2.1));
    fn_map_java_order(&m, &h_arena, 3);
    ck_assert_str_eq(h_str(&m), "{'yes, thanks'=3.5, 'sure, yeah'=2.1, 'nope'=7.3}");
    /* Default capacity 16: "nope" (bucket 5) before "sure, yeah" (bucket 12). */
    Value m2 = MAPV(T_STRING, T_DOUBLE, 3, S("sure, yeah"), D(2.1), S("nope"), D(7.3),
                    S("yes, thanks"), D(3.5));
    fn_map_java_order(&m2, &h_arena, 0);
    ck_assert_str_eq(h_str(&m2), "{'yes, thanks'=3.5, 'nope'=7.3, 'sure, yeah'=2.1}");
    /* Integer keys hash to themselves; 17 collides with 1 at capacity 16 and follows it. */
    Value m3 = MAPV(T_INT, T_INT, 4, I(17), I(0), I(3), I(0), I(1), I(0), I(2), I(0));
    fn_map_java_order(&m3, &h_arena, 0);
    ck_assert_str_eq(h_str(&m3), "{17=0, 1=0, 2=0, 3=0}");
    /* 13 entries grow the default table to 32. */
    Value big = val_map_new(&h_arena, 13, NULL);
    for (int i = 0; i < 13; i++) {
        big.u.items[2 * i] = I(31 - i);
        big.u.items[2 * i + 1] = I(i);
    }
    fn_map_java_order(&big, &h_arena, 0);
    ck_assert_int_eq(big.u.items[0].u.i, 19);
    ck_assert_int_eq(big.u.items[24].u.i, 31);
}
END_TEST

TCase *tc_collections(void)
{
    TCase *tc = tcase_create("collections");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, array_functions);
    tcase_add_test(tc, map_functions);
    tcase_add_test(tc, nulls_and_series);
    tcase_add_test(tc, lambdas);
    tcase_add_test(tc, java_hashmap_order);
    return tc;
}
