/*
 * test_aggregates.c - aggregates through init/add/undo/merge/result, with the sequences
 * of ksqlDB's count.json, average-udaf.json, standarddeviation.json, histogram.json,
 * topk-group-by.json, topk-distinct.json, count-distinct.json, udaf.json and
 * latest-offset-udaf.json (including session-window merges).
 */
#include "harness.h"

#include <stdlib.h>

static void setup(void)
{
    h_setup();
}

static void teardown(void)
{
    h_teardown();
}

#define START(a, name, ...)                                                                        \
    do {                                                                                           \
        const Type *types_[] = {__VA_ARGS__};                                                      \
        h_agg_start(a, name, (int)(sizeof types_ / sizeof types_[0]), types_, NULL);               \
    } while (0)

START_TEST(count_and_sum)
{
    HAgg a;
    h_agg_start(&a, "COUNT", 0, NULL, NULL);
    ck_assert_str_eq(h_agg_result(&a), "0");
    h_agg_add(&a, 0);
    h_agg_add(&a, 0);
    ck_assert_str_eq(h_agg_result(&a), "2");
    h_agg_undo(&a, 0);
    h_agg_undo(&a, 0);
    ck_assert_str_eq(h_agg_result(&a), "0");

    START(&a, "COUNT", T_STRING);
    h_agg_add(&a, 1, S("x"));
    h_agg_add(&a, 1, NUL());
    h_agg_add(&a, 1, S("y"));
    ck_assert_str_eq(h_agg_result(&a), "2");
    HAgg b;
    START(&b, "COUNT", T_STRING);
    h_agg_add(&b, 1, S("z"));
    h_agg_merge(&a, &b);
    ck_assert_str_eq(h_agg_result(&a), "3");
    ck_assert_ptr_eq(a.call.state_type, T_BIGINT);

    START(&a, "SUM", T_INT);
    h_agg_add(&a, 1, I(INT32_MAX));
    h_agg_add(&a, 1, I(1));
    ck_assert_str_eq(h_agg_result(&a), "-2147483648"); /* Java int overflow */
    h_agg_undo(&a, 1, I(1));
    h_agg_add(&a, 1, NUL());
    ck_assert_str_eq(h_agg_result(&a), "2147483647");

    START(&a, "SUM", type_decimal(4, 2));
    h_agg_add(&a, 1, DECP("1.50", 4, 2));
    h_agg_add(&a, 1, DECP("2.25", 4, 2));
    ck_assert_str_eq(h_agg_result(&a), "3.75");
    ck_assert_str_eq(type_name(a.call.ret), "DECIMAL(4, 2)");

    START(&a, "SUM", T_DOUBLE);
    ck_assert_str_eq(h_agg_result(&a), "0.0");
    h_agg_add(&a, 1, D(0.5));
    ck_assert_str_eq(h_agg_result(&a), "0.5");
}
END_TEST

START_TEST(average)
{
    HAgg a;
    START(&a, "AVG", T_INT);
    ck_assert_str_eq(type_name(a.call.state_type), "STRUCT<`SUM` INTEGER, `COUNT` BIGINT>");
    ck_assert_ptr_eq(a.call.ret, T_DOUBLE);
    const char *want[] = {"1.0", "1.5", "1.6666666666666667", "1.6666666666666667"};
    Value in[] = {I(1), I(2), I(2), NUL()};
    for (int i = 0; i < 4; i++) {
        h_agg_add(&a, 1, in[i]);
        ck_assert_str_eq(h_agg_result(&a), want[i]);
    }
    START(&a, "AVG", T_BIGINT);
    h_agg_add(&a, 1, L(-1));
    h_agg_add(&a, 1, L(INT64_MAX));
    ck_assert_str_eq(h_agg_result(&a), "4.611686018427388E18");
    h_agg_add(&a, 1, L(1));
    ck_assert_str_eq(h_agg_result(&a), "3.0744573456182584E18");
    START(&a, "AVG", T_DOUBLE);
    h_agg_add(&a, 1, D(2.3));
    h_agg_add(&a, 1, D(-200000.6));
    ck_assert_str_eq(h_agg_result(&a), "-99999.15000000001");
    h_agg_add(&a, 1, D(0.0));
    ck_assert_str_eq(h_agg_result(&a), "-66666.1");
    /* average-udaf.json "average udaf with table": undo of a replaced row. */
    START(&a, "AVG", T_INT);
    h_agg_add(&a, 1, I(1));
    h_agg_add(&a, 1, I(2));
    ck_assert_str_eq(h_agg_result(&a), "1.5");
    h_agg_undo(&a, 1, I(1));
    h_agg_add(&a, 1, NUL());
    ck_assert_str_eq(h_agg_result(&a), "2.0");
    h_agg_undo(&a, 1, NUL());
    h_agg_add(&a, 1, I(4));
    ck_assert_str_eq(h_agg_result(&a), "3.0");
    /* AVG over DECIMAL widens to the DOUBLE variant. */
    START(&a, "AVG", type_decimal(5, 2));
    ck_assert_ptr_eq(a.call.arg_types[0], T_DOUBLE);
}
END_TEST

START_TEST(min_max)
{
    HAgg a;
    START(&a, "MAX", T_STRING);
    ck_assert_str_eq(h_agg_result(&a), "null");
    h_agg_add(&a, 1, S("b"));
    h_agg_add(&a, 1, NUL());
    h_agg_add(&a, 1, S("c"));
    h_agg_add(&a, 1, S("a"));
    ck_assert_str_eq(h_agg_result(&a), "'c'");
    ck_assert_ptr_null(a.call.variant->agg->undo);
    START(&a, "MIN", type_decimal(4, 2));
    h_agg_add(&a, 1, DECP("1.50", 4, 2));
    h_agg_add(&a, 1, DECP("-2.25", 4, 2));
    ck_assert_str_eq(h_agg_result(&a), "-2.25");
    ck_assert_str_eq(type_name(a.call.ret), "DECIMAL(4, 2)");
    HAgg b;
    START(&b, "MIN", type_decimal(4, 2));
    h_agg_add(&b, 1, DECP("-9.00", 4, 2));
    h_agg_merge(&a, &b);
    ck_assert_str_eq(h_agg_result(&a), "-9.00");
    START(&a, "MAX", T_TIMESTAMP);
    h_agg_add(&a, 1, val_timestamp(5));
    h_agg_add(&a, 1, val_timestamp(3));
    ck_assert_str_eq(h_agg_result(&a), "ts:5");
}
END_TEST

START_TEST(stddev)
{
    HAgg a, b;
    START(&a, "STDDEV_SAMPLE", T_INT);
    START(&b, "STDDEV_SAMPLE", T_INT);
    Value in0[] = {I(0), I(10), I(7), I(6)};
    const char *w0[] = {"0.0", "7.0710678118654755", "5.131601439446884", "4.193248541803041"};
    for (int i = 0; i < 4; i++) {
        h_agg_add(&a, 1, in0[i]);
        ck_assert_str_eq(h_agg_result(&a), w0[i]);
    }
    Value in1[] = {I(50), I(10), I(3), NUL()};
    const char *w1[] = {"0.0", "28.284271247461902", "25.357444666211933", "25.357444666211933"};
    for (int i = 0; i < 4; i++) {
        h_agg_add(&b, 1, in1[i]);
        ck_assert_str_eq(h_agg_result(&b), w1[i]);
    }
    START(&a, "STDDEV_SAMPLE", T_BIGINT);
    h_agg_add(&a, 1, L(2147483648LL));
    h_agg_add(&a, 1, L(100));
    ck_assert_str_eq(h_agg_result(&a), "1.5185001792773468E9");
    h_agg_add(&a, 1, L(-2));
    ck_assert_str_eq(h_agg_result(&a), "1.2398502339629574E9");
    START(&a, "STDDEV_SAMPLE", T_DOUBLE);
    Value in2[] = {D(9223372036854.775), D(300.8), D(-200000.6), D(0.0)};
    const char *w2[] = {"0.0", "6.521908912453693E12", "5.32511638596254E12",
                        "4.611686051710689E12"};
    for (int i = 0; i < 4; i++) {
        h_agg_add(&a, 1, in2[i]);
        ck_assert_str_eq(h_agg_result(&a), w2[i]);
    }
    /* ksqlDB's STDDEV_SAMP returns the sample variance (standarddeviation.json). */
    START(&a, "STDDEV_SAMP", T_DOUBLE);
    const double vin[] = {10, 12, 13, 14, 16};
    const char *vw[] = {"0.0", "2.0", "2.333333333333333", "2.9166666666666665", "5.0"};
    for (int i = 0; i < 5; i++) {
        h_agg_add(&a, 1, D(vin[i]));
        ck_assert_str_eq(h_agg_result(&a), vw[i]);
    }
    START(&a, "STDDEV_SAMP", T_BIGINT);
    h_agg_add(&a, 1, L(2147483648LL));
    h_agg_add(&a, 1, L(100));
    ck_assert_str_eq(h_agg_result(&a), "2.3058427944653343E18");
    /* Undo returns to the earlier state; merge equals feeding one instance. */
    START(&a, "STDDEV_SAMPLE", T_DOUBLE);
    h_agg_add(&a, 1, D(-1.8));
    h_agg_add(&a, 1, D(2.3));
    h_agg_add(&a, 1, D(100.2));
    h_agg_undo(&a, 1, D(100.2));
    Value out;
    a.call.variant->agg->result(&a.ctx, &a.state, &out);
    ck_assert_double_eq_tol(out.u.d, 2.899137802864845, 1e-9);
    START(&b, "STDDEV_SAMPLE", T_DOUBLE);
    h_agg_add(&b, 1, D(100.2));
    h_agg_merge(&a, &b);
    a.call.variant->agg->result(&a.ctx, &a.state, &out);
    ck_assert_double_eq_tol(out.u.d, 57.74256084841869, 1e-9);

    START(&a, "CORRELATION", T_DOUBLE, T_DOUBLE);
    h_agg_add(&a, 2, D(1), D(2));
    h_agg_add(&a, 2, D(2), D(4));
    h_agg_add(&a, 2, D(3), D(7));
    h_agg_add(&a, 2, D(4), NUL());
    a.call.variant->agg->result(&a.ctx, &a.state, &out);
    ck_assert_double_eq_tol(out.u.d, 0.9933992677987828, 1e-12);
    h_agg_undo(&a, 2, D(3), D(7));
    ck_assert_str_eq(h_agg_result(&a), "1.0");
}
END_TEST

START_TEST(collections)
{
    HAgg a;
    START(&a, "COUNT_DISTINCT", T_STRING);
    const char *names[] = {"one", "two", "one", "two"};
    for (int i = 0; i < 4; i++)
        h_agg_add(&a, 1, S(names[i]));
    h_agg_add(&a, 1, NUL());
    ck_assert_str_eq(h_agg_result(&a), "2");

    START(&a, "HISTOGRAM", T_STRING);
    h_agg_add(&a, 1, S("carol"));
    h_agg_add(&a, 1, S("dave"));
    h_agg_add(&a, 1, S("bob"));
    h_agg_add(&a, 1, S("dave"));
    ck_assert_str_eq(h_agg_result(&a), "{'carol'=1, 'dave'=2, 'bob'=1}");
    h_agg_undo(&a, 1, S("bob"));
    h_agg_undo(&a, 1, S("nobody"));
    ck_assert_str_eq(h_agg_result(&a), "{'carol'=1, 'dave'=2}");

    START(&a, "COLLECT_LIST", T_INT);
    h_agg_add(&a, 1, I(1));
    h_agg_add(&a, 1, NUL());
    h_agg_add(&a, 1, I(1));
    ck_assert_str_eq(h_agg_result(&a), "[1, null, 1]");
    h_agg_undo(&a, 1, I(1));
    ck_assert_str_eq(h_agg_result(&a), "[1, null]");
    setenv("ksql.functions.collect_list.limit", "2", 1);
    START(&a, "COLLECT_LIST", T_INT);
    unsetenv("ksql.functions.collect_list.limit");
    for (int i = 0; i < 5; i++)
        h_agg_add(&a, 1, I(i));
    ck_assert_str_eq(h_agg_result(&a), "[0, 1]");

    START(&a, "COLLECT_SET", T_STRING);
    h_agg_add(&a, 1, S("a"));
    h_agg_add(&a, 1, S("b"));
    h_agg_add(&a, 1, S("a"));
    HAgg b;
    START(&b, "COLLECT_SET", T_STRING);
    h_agg_add(&b, 1, S("c"));
    h_agg_add(&b, 1, S("b"));
    h_agg_merge(&a, &b);
    ck_assert_str_eq(h_agg_result(&a), "['a', 'b', 'c']");

    START(&a, "ATTR", T_INT);
    ck_assert_str_eq(h_agg_result(&a), "null");
    h_agg_add(&a, 1, I(7));
    h_agg_add(&a, 1, I(7));
    ck_assert_str_eq(h_agg_result(&a), "7");
    h_agg_add(&a, 1, I(8));
    ck_assert_str_eq(h_agg_result(&a), "null");
    h_agg_undo(&a, 1, I(8));
    ck_assert_str_eq(h_agg_result(&a), "7");
}
END_TEST

START_TEST(topk)
{
    Value k3 = I(3);
    const Value *lits[] = {NULL, &k3};
    const Type *types[] = {T_INT, T_INT};
    HAgg a;
    h_agg_start(&a, "TOPK", 2, types, lits);
    ck_assert(a.call.is_const[1]);
    const char *want[] = {"[0]", "[100, 0]", "[100, 99, 0]", "[100, 99, 7]", "[100, 100, 99]"};
    Value in[] = {I(0), I(100), I(99), I(7), I(100)};
    for (int i = 0; i < 5; i++) {
        h_agg_add(&a, 1, in[i]);
        ck_assert_str_eq(h_agg_result(&a), want[i]);
    }
    /* TOPK(value, name, 3): structs sort_col/col0, nulls in the sort column skipped. */
    const Value *lits3[] = {NULL, NULL, &k3};
    const Type *types3[] = {T_STRING, T_STRING, T_INT};
    h_agg_start(&a, "TOPK", 3, types3, lits3);
    ck_assert_str_eq(type_name(a.call.ret), "ARRAY<STRUCT<`sort_col` STRING, `col0` STRING>>");
    h_agg_add(&a, 2, S("a"), S("zero"));
    h_agg_add(&a, 2, NUL(), S("one"));
    h_agg_add(&a, 2, S("c"), S("two"));
    h_agg_add(&a, 2, S("b"), S("three"));
    ck_assert_str_eq(h_agg_result(&a), "[{sort_col='c', col0='two'}, {sort_col='b', col0='three'}, "
                                       "{sort_col='a', col0='zero'}]");
    h_agg_add(&a, 2, S("d"), NUL());
    ck_assert_str_eq(h_agg_result(&a), "[{sort_col='d', col0=null}, {sort_col='c', col0='two'}, "
                                       "{sort_col='b', col0='three'}]");

    const Type *td[] = {type_decimal(2, 1), T_INT};
    h_agg_start(&a, "TOPKDISTINCT", 2, td, lits);
    const char *dv[] = {"9.8", "8.9", "7.8", "6.5", "9.9", "9.8"};
    for (int i = 0; i < 6; i++)
        h_agg_add(&a, 1, DECP(dv[i], 2, 1));
    h_agg_add(&a, 1, NUL());
    ck_assert_str_eq(h_agg_result(&a), "[9.9, 9.8, 8.9]");

    /* k must be a literal. */
    FnResolveOpts opts = {.arg_text = (const char *const[]){"VALUE", "F0"}};
    const Type *tk[] = {T_INT, T_INT};
    err_clear(&h_err);
    FnCall call;
    ck_assert_int_eq(fn_resolve_ex("TOPK", 2, tk, NULL, NULL, NULL, &opts, &h_arena, &call, &h_err),
                     ERR_SEMANTIC);
    ck_assert_str_eq(h_err.msg, "Parameter 2 passed to function TOPK must be a literal constant, "
                                "but was expression: 'F0'");
    Value k0 = I(0);
    const Value *lits0[] = {NULL, &k0};
    ck_assert_int_eq(h_resolve("TOPK", 2, tk, lits0), ERR_SEMANTIC);
}
END_TEST

START_TEST(by_offset)
{
    HAgg a, b;
    START(&a, "LATEST_BY_OFFSET", T_INT);
    ck_assert_str_eq(type_name(a.call.state_type), "STRUCT<`SEQ` BIGINT, `VAL` INTEGER>");
    h_agg_add(&a, 1, I(12));
    h_agg_add(&a, 1, NUL());
    ck_assert_str_eq(h_agg_result(&a), "12"); /* nulls ignored by default */

    Value f = BOOL(false), t = BOOL(true), two = I(2);
    const Type *tb[] = {T_INT, T_BOOLEAN};
    const Value *lf[] = {NULL, &f};
    h_agg_start(&a, "LATEST_BY_OFFSET", 2, tb, lf);
    h_agg_add(&a, 1, I(12));
    h_agg_add(&a, 1, NUL());
    ck_assert_str_eq(h_agg_result(&a), "null");

    const Type *tn[] = {T_INT, T_INT};
    const Value *ln[] = {NULL, &two};
    h_agg_start(&a, "LATEST_BY_OFFSET", 2, tn, ln);
    ck_assert_str_eq(h_agg_result(&a), "[]");
    h_agg_add(&a, 1, I(12));
    h_agg_add(&a, 1, NUL());
    ck_assert_str_eq(h_agg_result(&a), "[12]");
    h_agg_add(&a, 1, I(21));
    h_agg_add(&a, 1, I(30));
    ck_assert_str_eq(h_agg_result(&a), "[21, 30]");

    const Type *tnb[] = {T_INT, T_INT, T_BOOLEAN};
    const Value *lnt[] = {NULL, &two, &t};
    h_agg_start(&a, "EARLIEST_BY_OFFSET", 3, tnb, lnt);
    h_agg_add(&a, 1, I(1));
    ck_assert_str_eq(h_agg_result(&a), "[1]");
    h_agg_add(&a, 1, NUL());
    h_agg_add(&a, 1, I(2));
    h_agg_add(&a, 1, I(3));
    ck_assert_str_eq(h_agg_result(&a), "[1, 2]");

    START(&a, "EARLIEST_BY_OFFSET", T_STRING);
    h_agg_add(&a, 1, NUL());
    h_agg_add(&a, 1, S("x"));
    h_agg_add(&a, 1, S("y"));
    ck_assert_str_eq(h_agg_result(&a), "'x'");

    /* Session merge: values 1 (session A), 3 (session B) then 2 arrives in a new
     * session that merges both; the latest by sequence is 2. */
    HAgg c;
    START(&a, "LATEST_BY_OFFSET", T_INT);
    START(&b, "LATEST_BY_OFFSET", T_INT);
    START(&c, "LATEST_BY_OFFSET", T_INT);
    h_agg_add(&a, 1, I(1));
    h_agg_add(&b, 1, I(3));
    h_agg_add(&c, 1, I(2));
    h_agg_merge(&c, &a);
    h_agg_merge(&c, &b);
    ck_assert_str_eq(h_agg_result(&c), "2");
    HAgg d;
    START(&d, "LATEST_BY_OFFSET", T_INT);
    h_agg_merge(&d, &a); /* merging into an empty state */
    ck_assert_str_eq(h_agg_result(&d), "1");
    /* N variant, nulls kept: [1] [null] then 2 merges to [null, 2]. */
    const Value *lnf[] = {NULL, &two, &f};
    h_agg_start(&a, "LATEST_BY_OFFSET", 3, tnb, lnf);
    h_agg_start(&b, "LATEST_BY_OFFSET", 3, tnb, lnf);
    h_agg_start(&c, "LATEST_BY_OFFSET", 3, tnb, lnf);
    h_agg_add(&a, 1, I(1));
    h_agg_add(&b, 1, NUL());
    h_agg_add(&c, 1, I(2));
    h_agg_merge(&c, &a);
    h_agg_merge(&c, &b);
    ck_assert_str_eq(h_agg_result(&c), "[null, 2]");

    /* udaf.json: a CONST parameter given an expression. */
    FnResolveOpts opts = {.arg_text = (const char *const[]){"F0", "F0"}};
    err_clear(&h_err);
    FnCall call;
    ck_assert_int_eq(fn_resolve_ex("EARLIEST_BY_OFFSET", 2, tn, NULL, NULL, NULL, &opts, &h_arena,
                                   &call, &h_err),
                     ERR_SEMANTIC);
    ck_assert_str_eq(h_err.msg, "Parameter 2 passed to function EARLIEST_BY_OFFSET must be a "
                                "literal constant, but was expression: 'F0'");
}
END_TEST

TCase *tc_aggregates(void)
{
    TCase *tc = tcase_create("aggregates");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, count_and_sum);
    tcase_add_test(tc, average);
    tcase_add_test(tc, min_max);
    tcase_add_test(tc, stddev);
    tcase_add_test(tc, collections);
    tcase_add_test(tc, topk);
    tcase_add_test(tc, by_offset);
    return tc;
}
