/*
 * test_common.c - values, types, decimals and text forms of src/common.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/common/arena.h"
#include "../../src/common/murmur2.h"
#include "../../src/common/strbuf.h"
#include "../../src/common/types.h"
#include "../../src/common/value.h"

static const char *jd(double d)
{
    static char buf[64];
    StrBuf sb = STRBUF_INIT;
    fmt_java_double(&sb, d);
    strcpy(buf, sb_cstr(&sb));
    sb_free(&sb);
    return buf;
}

START_TEST(java_double_texts)
{
    ck_assert_str_eq(jd(1.0), "1.0");
    ck_assert_str_eq(jd(0.1), "0.1");
    ck_assert_str_eq(jd(-2.5), "-2.5");
    ck_assert_str_eq(jd(100.0), "100.0");
    ck_assert_str_eq(jd(1234567.0), "1234567.0");
    ck_assert_str_eq(jd(12345678.0), "1.2345678E7");
    ck_assert_str_eq(jd(0.001), "0.001");
    ck_assert_str_eq(jd(0.0001), "1.0E-4");
    ck_assert_str_eq(jd(1e21), "1.0E21");
    ck_assert_str_eq(jd(22026.465794806718), "22026.465794806718");
    ck_assert_str_eq(jd(NAN), "NaN");
    ck_assert_str_eq(jd(-INFINITY), "-Infinity");
}
END_TEST

static const char *dec(const char *in)
{
    static char buf[80];
    int128_t u;
    int p, s;
    if (dec_parse(in, strlen(in), &u, &p, &s) < 0) return "ERR";
    StrBuf sb = STRBUF_INIT;
    dec_format(&sb, u, s);
    snprintf(buf, sizeof buf, "%s p%d s%d", sb_cstr(&sb), p, s);
    sb_free(&sb);
    return buf;
}

START_TEST(integers_printed)
{
    const int64_t vals[] = {0, 7, -7, 10, 99, 100, -101, 123456789, INT64_MAX, INT64_MIN};
    const char *want[] = {"0",
                          "7",
                          "-7",
                          "10",
                          "99",
                          "100",
                          "-101",
                          "123456789",
                          "9223372036854775807",
                          "-9223372036854775808"};
    for (int i = 0; i < 10; i++) {
        StrBuf sb = STRBUF_INIT;
        sb_put_i64(&sb, vals[i]);
        ck_assert_str_eq(sb_cstr(&sb), want[i]);
        sb_free(&sb);
    }
}
END_TEST

START_TEST(decimal_parse_format)
{
    ck_assert_str_eq(dec("1.10"), "1.10 p3 s2");
    ck_assert_str_eq(dec("-0.05"), "-0.05 p2 s2");
    ck_assert_str_eq(dec("12"), "12 p2 s0");
    ck_assert_str_eq(dec("0"), "0 p1 s0");
    ck_assert_str_eq(dec("1.5e2"), "150 p3 s0");
    ck_assert_str_eq(dec("abc"), "ERR");
    ck_assert_str_eq(dec("1.2.3"), "ERR");
    /* beyond 64 bits: digits and formatting across the 19-digit chunks */
    ck_assert_str_eq(dec("12345678901234567890123.45678901234567"),
                     "12345678901234567890123.45678901234567 p37 s14");
    ck_assert_str_eq(dec("-10000000000000000000"), "-10000000000000000000 p20 s0");
    ck_assert_str_eq(dec("0.00000000000000000000000000000000000001"),
                     "0.00000000000000000000000000000000000001 p38 s38");
    ck_assert_int_eq(dec_digits(dec_pow10(38)), 39);
    ck_assert_int_eq(dec_digits(dec_pow10(19) - 1), 19);
    ck_assert_int_eq(dec_digits(dec_pow10(19)), 20);
    ck_assert_int_eq(dec_digits(-999), 3);
    int128_t out;
    ck_assert_int_eq(dec_rescale(125, 2, 1, 0, &out), 0);
    ck_assert(out == 13); /* HALF_UP */
    ck_assert_int_eq(dec_rescale(-125, 2, 1, 0, &out), 0);
    ck_assert(out == -13);
    ck_assert_int_eq(dec_rescale(12345, 0, 2, 5, &out), -1); /* does not fit */
}
END_TEST

START_TEST(types_interned_and_printed)
{
    const Type *a = type_array(type_decimal(10, 2));
    ck_assert_ptr_eq(a, type_array(type_decimal(10, 2)));
    TypeField f[2] = {{"A", T_INT}, {"B", type_map(T_STRING, T_BIGINT)}};
    const Type *s = type_struct(2, f);
    ck_assert_ptr_eq(s, type_struct(2, f));
    StrBuf sb = STRBUF_INIT;
    type_print(&sb, type_array(s));
    ck_assert_str_eq(sb_cstr(&sb), "ARRAY<STRUCT<`A` INTEGER, `B` MAP<STRING, BIGINT>>>");
    sb_free(&sb);
    ck_assert(type_can_widen(T_INT, T_DOUBLE));
    ck_assert(!type_can_widen(T_DOUBLE, T_INT));
    ck_assert(type_contains_map(s));
}
END_TEST

START_TEST(values_compare_and_format)
{
    Arena a;
    arena_init(&a, 0);
    Value x = val_int(3), y = val_decimal(300, 3, 2);
    ck_assert_int_eq(val_compare(&x, &y), 0);
    ck_assert(val_hash(&x) == val_hash(&y));
    Value arr = val_array_new(&a, 2, NULL);
    arr.u.items[0] = val_cstr(&a, "a");
    arr.u.items[1] = val_null();
    StrBuf sb = STRBUF_INIT;
    val_format(&sb, &arr);
    ck_assert_str_eq(sb_cstr(&sb), "[a, null]");
    sb_clear(&sb);
    Value ts = val_timestamp(1234);
    val_format(&sb, &ts);
    ck_assert_str_eq(sb_cstr(&sb), "1970-01-01T00:00:01.234");
    sb_clear(&sb);
    base64_encode(&sb, "hello", 5);
    ck_assert_str_eq(sb_cstr(&sb), "aGVsbG8=");
    char *out;
    ck_assert_int_eq(base64_decode(&a, "aGVsbG8=", 8, &out), 5);
    ck_assert(memcmp(out, "hello", 5) == 0);
    sb_free(&sb);
    arena_free(&a);
}
END_TEST

/* Kafka's own test vectors (UtilsTest.testMurmur2), and its partition rule. */
START_TEST(kafka_murmur2_matches_kafka)
{
    static const struct {
        const char *key;
        int32_t hash;
    } v[] = {
        {"21", -973932308},
        {"foobar", -790332482},
        {"a-little-bit-long-string", -985981536},
        {"a-little-bit-longer-string", -1486304829},
        {"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971},
        {"abc", 479470107},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        ck_assert_int_eq((int32_t)kafka_murmur2(v[i].key, strlen(v[i].key)), v[i].hash);
    /* toPositive(-973932308) % 4 = (0xC5F2D42C & 0x7fffffff) % 4 */
    ck_assert_int_eq(kafka_partition_of("21", 2, 4),
                     (int32_t)(((uint32_t)-973932308 & 0x7fffffff) % 4));
    ck_assert_int_eq(kafka_partition_of("x", 1, 4), 2);
    ck_assert_int_eq(kafka_partition_of("x", 1, 1), 0);
}
END_TEST

START_TEST(json_string_escape)
{
    StrBuf sb = STRBUF_INIT;
    sb_put_json_string(&sb, "a\"b\\c\n\x01", 7);
    ck_assert_str_eq(sb_cstr(&sb), "\"a\\\"b\\\\c\\n\\u0001\"");
    sb_free(&sb);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("common");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, java_double_texts);
    tcase_add_test(tc, decimal_parse_format);
    tcase_add_test(tc, integers_printed);
    tcase_add_test(tc, types_interned_and_printed);
    tcase_add_test(tc, values_compare_and_format);
    tcase_add_test(tc, json_string_escape);
    tcase_add_test(tc, kafka_murmur2_matches_kafka);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
