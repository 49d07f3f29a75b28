/*
 * test_math.c - numeric functions: values from ksqlDB's math.json, greatest.json and
 * least.json, the ROUND/TRUNC rules for doubles and decimals, and edge cases.
 */
#include "harness.h"

#include <math.h>

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

START_TEST(unary_functions)
{
    Case c[] = {
        {h_run("EXP", 1, I(-1)), "0.36787944117144233"},
        {h_run("EXP", 1, L(2)), "7.38905609893065"},
        {h_run("EXP", 1, D(3.0)), "20.085536923187668"},
        {h_run("EXP", 1, TNUL(T_INT)), "null"},
        {h_run("LN", 1, I(-1)), "NaN"},
        {h_run("LN", 1, I(0)), "-Infinity"},
        {h_run("LN", 1, D(3.0)), "1.0986122886681098"},
        {h_run("SQRT", 1, L(2)), "1.4142135623730951"},
        {h_run("SQRT", 1, D(-3)), "NaN"},
        {h_run("CBRT", 1, I(-8)), "-2.0"},
        {h_run("CBRT", 1, L(3)), "1.4422495703074083"},
        {h_run("SIGN", 1, D(-3.0)), "-1"},
        {h_run("SIGN", 1, L(0)), "0"},
        {h_run("SIGN", 1, I(7)), "1"},
        {h_run("COT", 1, I(0)), "Infinity"},
        {h_run("ACOS", 1, D(1.1)), "NaN"},
        {h_run("PI", 0), "3.141592653589793"},
        {h_run("ABS", 1, I(-1)), "1"},
        {h_run("ABS", 1, D(-3.1)), "3.1"},
        {h_run("ABS", 1, DEC("-3.2")), "3.2"},
        {h_run("ABS", 1, I(INT32_MIN)), "-2147483648"},
        {h_run("LOG", 1, I(13)), "2.5649493574615367"},
        {h_run("LOG", 2, I(15), I(13)), "0.9471572411831843"},
        {h_run("LOG", 2, I(15), I(0)), "-Infinity"},
        {h_run("LOG", 2, I(0), I(13)), "NaN"},
        {h_run("LOG", 2, I(1), I(13)), "NaN"},
        {h_run("LOG", 2, D(-15), D(13)), "NaN"},
        {h_run("POWER", 2, I(15), I(-1)), "0.06666666666666667"},
        {h_run("POWER", 2, I(15), I(13)), "1.946195068359375E15"},
        {h_run("POWER", 2, I(0), I(0)), "1.0"},
        {h_run("ATAN2", 2, I(0), I(-3)), "3.141592653589793"},
        {h_run("ATAN2", 2, NUL(), I(-3)), "null"},
        {h_run("COSH", 1, I(0)), "1.0"},
    };
    CHECK_ALL(c);
}
END_TEST

START_TEST(ceil_floor)
{
    Case c[] = {
        {h_run("FLOOR", 1, D(-1.1)), "-2.0"},
        {h_run("FLOOR", 1, I(-1)), "-1"},
        {h_run("FLOOR", 1, DEC("-1.1")), "-2.0"},
        {h_run("FLOOR", 1, DEC("1.7")), "1.0"},
        {h_run("CEIL", 1, D(1.1)), "2.0"},
        {h_run("CEIL", 1, DEC("-1.7")), "-1.0"},
        {h_run("CEIL", 1, DEC("1.1")), "2.0"},
        {h_run("CEIL", 1, L(5)), "5"},
        {h_run("CEIL", 1, DEC("9.9")),
         "ERR:Numeric field overflow: result does not fit DECIMAL(2, 1)"},
    };
    CHECK_ALL(c);
}
END_TEST

START_TEST(round_and_trunc)
{
    /* math.json "round": ROUND(v), ROUND(v, 0), (v, 1), (v, 2), (v, 10), (v, -1), (v, -2) */
    double in[] = {1.2, 1.7, 1.5, 3, 1.234567, 0, 111, -1.1, -1.5, -1.7, 12345.678, -12345.678};
    const char *want[][7] = {
        {"1", "1.0", "1.2", "1.2", "1.2", "0.0", "0.0"},
        {"2", "2.0", "1.7", "1.7", "1.7", "0.0", "0.0"},
        {"2", "2.0", "1.5", "1.5", "1.5", "0.0", "0.0"},
        {"3", "3.0", "3.0", "3.0", "3.0", "0.0", "0.0"},
        {"1", "1.0", "1.2", "1.23", "1.234567", "0.0", "0.0"},
        {"0", "0.0", "0.0", "0.0", "0.0", "0.0", "0.0"},
        {"111", "111.0", "111.0", "111.0", "111.0", "110.0", "100.0"},
        {"-1", "-1.0", "-1.1", "-1.1", "-1.1", "0.0", "0.0"},
        {"-1", "-1.0", "-1.5", "-1.5", "-1.5", "0.0", "0.0"},
        {"-2", "-2.0", "-1.7", "-1.7", "-1.7", "0.0", "0.0"},
        {"12346", "12346.0", "12345.7", "12345.68", "12345.678", "12350.0", "12300.0"},
        {"-12346", "-12346.0", "-12345.7", "-12345.68", "-12345.678", "-12350.0", "-12300.0"},
    };
    int places[] = {0, 1, 2, 10, -1, -2};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        ck_assert_str_eq(h_run("ROUND", 1, D(in[i])), want[i][0]);
        for (int k = 0; k < 6; k++)
            ck_assert_msg(strcmp(h_run("ROUND", 2, D(in[i]), I(places[k])), want[i][k + 1]) == 0,
                          "ROUND(%g, %d) = %s", in[i], places[k],
                          h_run("ROUND", 2, D(in[i]), I(places[k])));
    }
    /* math.json "trunc - double" */
    const char *tw[][7] = {
        {"1", "1.0", "1.2", "1.2", "1.2", "0.0", "0.0"},
        {"1", "1.0", "1.7", "1.7", "1.7", "0.0", "0.0"},
        {"1", "1.0", "1.5", "1.5", "1.5", "0.0", "0.0"},
        {"3", "3.0", "3.0", "3.0", "3.0", "0.0", "0.0"},
        {"1", "1.0", "1.2", "1.23", "1.234567", "0.0", "0.0"},
        {"0", "0.0", "0.0", "0.0", "0.0", "0.0", "0.0"},
        {"111", "111.0", "111.0", "111.0", "111.0", "110.0", "100.0"},
        {"-1", "-1.0", "-1.1", "-1.1", "-1.1", "0.0", "0.0"},
        {"-1", "-1.0", "-1.5", "-1.5", "-1.5", "0.0", "0.0"},
        {"-1", "-1.0", "-1.7", "-1.7", "-1.7", "0.0", "0.0"},
        {"12345", "12345.0", "12345.6", "12345.67", "12345.678", "12340.0", "12300.0"},
        {"-12345", "-12345.0", "-12345.6", "-12345.67", "-12345.678", "-12340.0", "-12300.0"},
    };
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        ck_assert_str_eq(h_run("TRUNC", 1, D(in[i])), tw[i][0]);
        for (int k = 0; k < 6; k++)
            ck_assert_msg(strcmp(h_run("TRUNC", 2, D(in[i]), I(places[k])), tw[i][k + 1]) == 0,
                          "TRUNC(%g, %d) = %s", in[i], places[k],
                          h_run("TRUNC", 2, D(in[i]), I(places[k])));
    }
    Case c[] = {
        {h_run("TRUNC", 1, L(2147483648LL)), "2147483648"},
        {h_run("TRUNC", 1, DECP("12345.678", 12, 7)), "12345"},
        {h_run("TRUNC", 2, DECP("-12345.678", 12, 7), I(-1)), "-12340.0000000"},
        {h_run("TRUNC", 2, DECP("1.234567", 12, 7), I(2)), "1.2300000"},
        {h_run("ROUND", 1, DEC("12345678987654321.2345678987654321")), "12345678987654321"},
        {h_run("ROUND", 2, DEC("12345678987654321.2345678987654321"), I(10)),
         "12345678987654321.2345678988000000"},
        {h_run("ROUND", 2, DEC("12345678987654321.2345678987654321"), I(-2)),
         "12345678987654300.0000000000000000"},
        {h_run("ROUND", 1, DECP("10.5", 4, 2)), "11"},
        {h_run("ROUND", 1, DECP("-10.5", 4, 2)), "-10"},
        {h_run("ROUND", 1, DECP("4.49", 4, 2)), "4"},
        {h_run("ROUND", 1, D(-0.5)), "0"},
        {h_run("ROUND", 1, D(0.49999999999999994)), "0"},
        {h_run("ROUND", 2, D(2.675), I(2)), "2.68"},
        {h_run("ROUND", 1, I(7)), "7"},
    };
    CHECK_ALL(c);
}
END_TEST

START_TEST(greatest_least)
{
    Case c[] = {
        {h_run("GREATEST", 5, I(2147483647), I(-2147483647 - 1), NUL(), NUL(), I(5)), "2147483647"},
        {h_run("LEAST", 4, L(INT64_MAX), L(INT64_MIN), NUL(), NUL()), "-9223372036854775808"},
        {h_run("GREATEST", 4, DECP("123456.789", 9, 3), DECP("-987654.321", 9, 3), NUL(), NUL()),
         "123456.789"},
        {h_run("LEAST", 2, DECP("1234567.89", 9, 2), DECP("0.123456", 7, 6)), "0.123456"},
        {h_run("GREATEST", 2, DECP("1234567.89", 9, 2), DECP("0.123456", 7, 6)), "1234567.890000"},
        {h_run("GREATEST", 5, I(500000), L(1), DECP("99999.99999", 30, 18), D(2.5), NUL()),
         "500000.0"},
        {h_run("GREATEST", 4, I(-1), L(1), DECP("55555.555555555555", 30, 18), TNUL(T_DOUBLE)),
         "55555.555555555555"},
        {h_run("GREATEST", 7, S("apple"), S("banana"), S("aardvark"), NUL(), NUL(), NUL(),
               S("hello")),
         "'hello'"},
        {h_run("LEAST", 4, S("!"), S("Zebra"), S("aardvark"), S("hello")), "'!'"},
        {h_run("GREATEST", 3, NUL(), S("a"), NUL()), "'a'"},
        {h_run("GREATEST", 2, D(1.0), D(NAN)), "NaN"},
        {h_run("LEAST", 2, B64("YXBwbGU="), B64("YWFyZGF2YXJr")), "b:YWFyZGF2YXJr"},
    };
    CHECK_ALL(c);
}
END_TEST

START_TEST(geo_distance)
{
    Case c[] = {
        {h_run("GEO_DISTANCE", 4, D(37.4439), D(-122.1663), D(51), TNUL(T_DOUBLE)), "null"},
        {h_run("GEO_DISTANCE", 4, D(91), D(0), D(0), D(0)),
         "ERR:valid latitude values for GeoDistance function are in the range of -90 to 90 "
         "decimal degrees"},
        {h_run("GEO_DISTANCE", 5, D(1), D(0), D(0), D(0), S("parsecs")),
         "ERR:GeoDistance function units parameter must be one of 'MI', 'MILES', 'KM' or "
         "'KILOMETERS'. Values are case-insensitive."},
    };
    CHECK_ALL(c);
}
END_TEST

START_TEST(geo_distance_values)
{
    /* udf-implicit-cast.json: 8682.459061368269 (Java's fdlibm may differ by an ulp). */
    Value out, args[] = {D(37.4439), D(-122.1663), I(51), I(0), S("MILES")};
    ck_assert_int_eq(h_call_values("GEO_DISTANCE", 4, args, false, &out), 0);
    ck_assert_double_eq_tol(out.u.d, 8682.459061368269, 1e-9);
    ck_assert_int_eq(h_call_values("GEO_DISTANCE", 5, args, false, &out), 0);
    ck_assert_double_eq_tol(out.u.d, 8682.459061368269 * 3959.0 / 6371.0, 1e-9);
}
END_TEST

START_TEST(random_values)
{
    for (int i = 0; i < 100; i++) {
        Value out;
        ck_assert_int_eq(h_call_values("RANDOM", 0, NULL, false, &out), 0);
        ck_assert_int_eq(out.kind, TYPE_DOUBLE);
        ck_assert(out.u.d >= 0.0 && out.u.d < 1.0);
    }
}
END_TEST

TCase *tc_math(void)
{
    TCase *tc = tcase_create("math");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, unary_functions);
    tcase_add_test(tc, ceil_floor);
    tcase_add_test(tc, round_and_trunc);
    tcase_add_test(tc, greatest_least);
    tcase_add_test(tc, geo_distance);
    tcase_add_test(tc, geo_distance_values);
    tcase_add_test(tc, random_values);
    return tc;
}
