/*
 * test_string.c - string, bytes and regular-expression functions, with the values of
 * ksqlDB's string.json, substring.json, initcap.json, chr.json, md5.json,
 * string-lpad-rpad.json, bytes-lpad-rpad.json, split.json, split-to-map.json and
 * regex.json.
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

START_TEST(basic_strings)
{
    Case c[] = {
        {h_run("LCASE", 1, S("MiXeD")), "'mixed'"},
        {h_run("UCASE", 1, S(" \t with white space \t")), "' \t WITH WHITE SPACE \t'"},
        {h_run("UCASE", 1, S("\xc3\xa9t\xc3\xa9")), "'\xc3\x89T\xc3\x89'"},
        {h_run("TRIM", 1, S(" \t with white space \t")), "'with white space'"},
        {h_run("LEN", 1, S("h\xc3\xa9llo")), "5"},
        {h_run("LEN", 1, S("\xf0\x9f\x98\x80")), "2"},
        {h_run("LEN", 1, B64("YWJj")), "3"},
        {h_run("CONCAT", 3, S("a"), TNUL(T_STRING), S("b")), "'ab'"},
        {h_run("CONCAT", 2, B64("YQ=="), B64("Yg==")), "b:YWI="},
        {h_run("CONCAT_WS", 4, S(", "), S("a"), TNUL(T_STRING), S("b")), "'a, b'"},
        {h_run("CONCAT_WS", 3, TNUL(T_STRING), S("a"), S("b")), "null"},
        {h_run("INITCAP", 1, S("some_string")), "'Some_string'"},
        {h_run("INITCAP", 1, S("the   Quick br0wn fOx")), "'The   Quick Br0wn Fox'"},
        {h_run("INITCAP", 1, S("  lead")), "'Lead'"},
        {h_run("MD5", 1, S("r1")), "'7c92cf1eee8d99cc85f8355a3d6e4b86'"},
        {h_run("MD5", 1, S("")), "'d41d8cd98f00b204e9800998ecf8427e'"},
        {h_run("MD5", 1, S("  ")), "'23b58def11b45727d3351702515f86af'"},
        {h_run("REPLACE", 3, S("aXbXc"), S("X"), S("--")), "'a--b--c'"},
        {h_run("REPLACE", 3, S("ab"), S(""), S("-")), "'-a-b-'"},
        {h_run("REPLACE", 3, S("ab"), TNUL(T_STRING), S("-")), "null"},
        {h_run("INSTR", 2, S("CORPORATE FLOOR"), S("OR")), "2"},
        {h_run("INSTR", 3, S("CORPORATE FLOOR"), S("OR"), I(3)), "5"},
        {h_run("INSTR", 4, S("CORPORATE FLOOR"), S("OR"), I(3), I(2)), "14"},
        {h_run("INSTR", 4, S("CORPORATE FLOOR"), S("OR"), I(-3), I(2)), "2"},
        {h_run("INSTR", 3, S("CORPORATE FLOOR"), S("OR"), I(-1)), "14"},
        {h_run("INSTR", 2, S("CORPORATE FLOOR"), S("MISSING")), "0"},
        {h_run("INSTR", 2, TNUL(T_STRING), S("x")), "0"},
        {h_run("ELT", 3, I(2), S("a"), S("b")), "'b'"},
        {h_run("ELT", 3, I(3), S("a"), S("b")), "null"},
        {h_run("FIELD", 3, S("b"), S("a"), S("b")), "2"},
        {h_run("FIELD", 3, S("c"), S("a"), S("b")), "0"},
    };
    CHECK_ALL(c);
}
END_TEST

START_TEST(chr)
{
    Case c[] = {
        {h_run("CHR", 1, I(75)), "'K'"},
        {h_run("CHR", 1, I(22909)), "'\xe5\xa5\xbd'"},
        {h_run("CHR", 1, I(99000)), "'\xf0\x98\x8a\xb8'"},
        {h_run("CHR", 1, I(-1)), "null"},
        {h_run("CHR", 1, S("\\u004b")), "'K'"},
        {h_run("CHR", 1, S("\\u597d")), "'\xe5\xa5\xbd'"},
        {h_run("CHR", 1, S("\\ud820\\udeb8")), "'\xf0\x98\x8a\xb8'"},
        {h_run("CHR", 1, S("75")), "null"},
        {h_run("CHR", 1, S("004b")), "null"},
        {h_run("CHR", 1, S("")), "null"},
        {h_run("CONCAT", 4, S("K"), S("S"), S("Q"), S("L")), "'KSQL'"},
    };
    CHECK_ALL(c);
}
END_TEST

START_TEST(substring)
{
    Case c[] = {
        {h_run("SUBSTRING", 2, S("some_string"), I(6)), "'string'"},
        {h_run("SUBSTRING", 2, S("short"), I(6)), "''"},
        {h_run("SUBSTRING", 3, S("some_string"), I(6), I(3)), "'str'"},
        {h_run("SUBSTRING", 3, S("another"), I(6), I(3)), "'er'"},
        {h_run("SUBSTRING", 3, S("some string"), I(0), I(2)), "'so'"},
        {h_run("SUBSTRING", 3, S("lower"), I(2), I(5)), "'ower'"},
        {h_run("SUBSTRING", 2, S("abcdef"), I(-2)), "'ef'"},
        {h_run("SUBSTRING", 3, S("abcdef"), I(-10), I(3)), "'abc'"},
        {h_run("SUBSTRING", 3, S("abcdef"), I(2), I(-1)), "''"},
        {h_run("SUBSTRING", 2, S("h\xc3\xa9llo"), I(2)), "'\xc3\xa9llo'"},
        {h_run("SUBSTRING", 2, S("x"), TNUL(T_INT)), "null"},
        {h_run("SUBSTRING", 2, B64("c29tZV9zdHJpbmc="), I(6)), "b:c3RyaW5n"},
        {h_run("SUBSTRING", 3, B64("c29tZV9zdHJpbmc="), I(6), I(3)), "b:c3Ry"},
        {h_run("SUBSTRING", 2, B64("c2hvcnQ="), I(6)), "b:"},
    };
    CHECK_ALL(c);
}
END_TEST

START_TEST(padding)
{
    Case c[] = {
        {h_run("LPAD", 3, S("foo"), I(7), S("Bar")), "'BarBfoo'"},
        {h_run("LPAD", 3, S("foo"), I(5), S("Bar")), "'Bafoo'"},
        {h_run("LPAD", 3, S("foo"), I(2), S("Bar")), "'fo'"},
        {h_run("LPAD", 3, S("foo"), I(-1), S("Bar")), "null"},
        {h_run("LPAD", 3, S("foo"), I(7), S("")), "null"},
        {h_run("LPAD", 3, S(""), I(7), S("Bar")), "'BarBarB'"},
        {h_run("RPAD", 3, S("foo"), I(7), S("Bar")), "'fooBarB'"},
        {h_run("RPAD", 3, S("foo"), I(5), S("Bar")), "'fooBa'"},
        {h_run("RPAD", 3, S("foo"), I(2), S("Bar")), "'fo'"},
        {h_run("LPAD", 3, B64("eWVz"), I(8), B64("bm8=")), "b:bm9ub255ZXM="},
        {h_run("LPAD", 3, B64("eWVz"), I(2), B64("bm8=")), "b:eWU="},
        {h_run("LPAD", 3, B64("eWVz"), I(0), B64("bm8=")), "b:"},
        {h_run("RPAD", 3, B64("eWVz"), I(8), B64("bm8=")), "b:eWVzbm9ub24="},
        {h_run("RPAD", 3, B64("eWVz"), I(5), B64("bm8=")), "b:eWVzbm8="},
        {h_run("RPAD", 3, B64("eWVz"), I(3), B64("")), "null"},
    };
    CHECK_ALL(c);
}
END_TEST

START_TEST(masking)
{
    Case c[] = {
        {h_run("MASK", 1, S("Hello-World 42!")), "'Xxxxx-Xxxxx-nn-'"},
        {h_run("MASK", 5, S("AbC-1"), S("U"), S("l"), S("#"), TNUL(T_STRING)), "'UlU-#'"},
        {h_run("MASK_LEFT", 2, S("AbCd12"), I(3)), "'XxXd12'"},
        {h_run("MASK_RIGHT", 2, S("AbCd12"), I(3)), "'AbCxnn'"},
        {h_run("MASK_KEEP_LEFT", 2, S("AbCd12"), I(3)), "'AbCxnn'"},
        {h_run("MASK_KEEP_RIGHT", 2, S("AbCd12"), I(3)), "'XxXd12'"},
        {h_run("MASK_LEFT", 2, S("Ab"), I(10)), "'Xx'"},
        {h_run("MASK_LEFT", 2, S("Ab"), I(-1)),
         "ERR:function mask_left requires a non-negative number"},
        {h_run("MASK", 1, TNUL(T_STRING)), "null"},
    };
    CHECK_ALL(c);
}
END_TEST

START_TEST(split)
{
    Case c[] = {
        {h_run("SPLIT", 2, S("a.b.c"), S(".")), "['a', 'b', 'c']"},
        {h_run("SPLIT", 2, S(".abc."), S(".")), "['', 'abc', '']"},
        {h_run("SPLIT", 2, S("..a.."), S(".")), "['', '', 'a', '', '']"},
        {h_run("SPLIT", 2, S(""), S(".")), "['']"},
        {h_run("SPLIT", 2, S("a$$b.c"), S("$$")), "['a', 'b.c']"},
        {h_run("SPLIT", 2, S("a$$$b"), S("$$")), "['a', '$b']"},
        {h_run("SPLIT", 2, S("aaa"), S("aa")), "['', 'a']"},
        {h_run("SPLIT", 2, S("https://x.com/a/b/i.htm"), S("/")),
         "['https:', '', 'x.com', 'a', 'b', 'i.htm']"},
        {h_run("SPLIT", 2, S("abc"), S("")), "['a', 'b', 'c']"},
        {h_run("SPLIT", 2, S(""), S("")), "['']"},
        {h_run("SPLIT", 2, B64("YS5iLmM="), B64("Lg==")), "[b:YQ==, b:Yg==, b:Yw==]"},
        {h_run("SPLIT", 2, B64("YWJj"), B64("")), "[b:YQ==, b:Yg==, b:Yw==]"},
        {h_run("SPLIT_TO_MAP", 3, S("apple:green/banana:yellow/cherry:red"), S("/"), S(":")),
         "{'banana'='yellow', 'apple'='green', 'cherry'='red'}"}, /* Java HashMap order */
        {h_run("SPLIT_TO_MAP", 3, S("apple:green/banana:yellow/cherry:red"), S("&&"), S(":")),
         "{'apple'='green/banana'}"},
        {h_run("SPLIT_TO_MAP", 3, S("apple:green//banana:yellow//cherry:red/"), S("/"), S(":")),
         "{'banana'='yellow', 'apple'='green', 'cherry'='red'}"},
        {h_run("SPLIT_TO_MAP", 3, S("apple:green/banana:yellow"), S("/"), S("=")), "{}"},
        {h_run("SPLIT_TO_MAP", 3, S("a:b"), S(""), S(":")), "null"},
        {h_run("SPLIT_TO_MAP", 3, S(""), S("/"), S(":")), "{}"},
        {h_run("SPLIT_TO_MAP", 3, S("a:1/a:2"), S("/"), S(":")), "{'a'='2'}"},
    };
    CHECK_ALL(c);
}
END_TEST

START_TEST(bytes_conversions)
{
    Case c[] = {
        {h_run("TO_BYTES", 2, S("hello"), S("ascii")), "b:aGVsbG8="},
        {h_run("TO_BYTES", 2, S("0A0b"), S("hex")), "b:Cgs="},
        {h_run("TO_BYTES", 2, S("aGVsbG8="), S("base64")), "b:aGVsbG8="},
        {h_run("TO_BYTES", 2, S("x"), S("ebcdic")),
         "ERR:Supported input and output encodings are: hex, utf8, ascii and base64"},
        {h_run("FROM_BYTES", 2, B64("Cgs="), S("hex")), "'0A0B'"},
        {h_run("FROM_BYTES", 2, B64("aGVsbG8="), S("utf8")), "'hello'"},
        {h_run("FROM_BYTES", 2, B64("aGVsbG8="), S("base64")), "'aGVsbG8='"},
        {h_run("ENCODE", 3, S("hello"), S("utf8"), S("hex")), "'68656c6c6f'"},
        {h_run("ENCODE", 3, S("68656c6c6f"), S("hex"), S("base64")), "'aGVsbG8='"},
        {h_run("ENCODE", 3, S("aGVsbG8="), S("base64"), S("ascii")), "'hello'"},
        {h_run("INT_FROM_BYTES", 1, B64("AAAH5A==")), "2020"},
        {h_run("INT_FROM_BYTES", 2, B64("5AcAAA=="), S("LITTLE_ENDIAN")), "2020"},
        {h_run("INT_FROM_BYTES", 1, B64("AAfk")),
         "ERR:Number of bytes must be equal to 4, but found 3"},
        {h_run("BIGINT_FROM_BYTES", 1, B64("AAAAASoF8gA=")), "5000000000"},
        {h_run("DOUBLE_FROM_BYTES", 1, B64("QJOIAAAAAAA=")), "1250.0"},
    };
    CHECK_ALL(c);
}
END_TEST

START_TEST(regex)
{
    Case c[] = {
        {h_run("REGEXP_EXTRACT", 2, S("test."), S("some_test_string")), "'test_'"},
        {h_run("REGEXP_EXTRACT", 2, S("test."), S("anothertest")), "null"},
        {h_run("REGEXP_EXTRACT", 3, S("(.*) (.*)"), S("steven zhang"), I(2)), "'zhang'"},
        {h_run("REGEXP_EXTRACT", 3, S("(.*) (.*)"), S("agavra"), I(2)), "null"},
        {h_run("REGEXP_EXTRACT", 2, S("test."), TNUL(T_STRING)), "null"},
        {h_run("REGEXP_EXTRACT_ALL", 2, S("test."), S("some_test_string_testabab")),
         "['test_', 'testa']"},
        {h_run("REGEXP_EXTRACT_ALL", 2, S("test."), S("nothing")), "[]"},
        {h_run("REGEXP_EXTRACT_ALL", 3, S("(\\w+) (\\w*)"), S("apurva mehta agavra "), I(2)),
         "['mehta', '']"},
        {h_run("REGEXP_EXTRACT_ALL", 3, S("(\\w+) (\\w*)"), S("steven zhang andy coates"), I(2)),
         "['zhang', 'coates']"},
        {h_run("REGEXP_EXTRACT_ALL", 2, S("a*"), S("baaac")), "['', 'aaa', '', '']"},
        {h_run("REGEXP_SPLIT_TO_ARRAY", 2, S("aabcda"), S("(ab|cd)")), "['a', '', 'a']"},
        {h_run("REGEXP_SPLIT_TO_ARRAY", 2, S("aabdcda"), S("(ab|cd)")), "['a', 'd', 'a']"},
        {h_run("REGEXP_SPLIT_TO_ARRAY", 2, S("zxy"), S("(ab|cd)")), "['zxy']"},
        {h_run("REGEXP_SPLIT_TO_ARRAY", 2, S("abc"), S("")), "['a', 'b', 'c', '']"},
        {h_run("REGEXP_SPLIT_TO_ARRAY", 2, S("a,b,"), S(",")), "['a', 'b', '']"},
        {h_run("REGEXP_REPLACE", 3, S("foobar"), S("o+"), S("0")), "'f0bar'"},
        {h_run("REGEXP_REPLACE", 3, S("john smith"), S("(\\w+) (\\w+)"), S("$2, $1")),
         "'smith, john'"},
        {h_run("REGEXP_REPLACE", 3, S("a.b"), S("\\."), S("\\$")), "'a$b'"},
        {h_run("REGEXP_REPLACE", 3, S("abc"), S("(?<x>b)"), S("[${x}]")), "'a[b]c'"},
        {h_run("REGEXP_REPLACE", 3, S("abc"), S("b"), S("$2")), "ERR:No group 2"},
        {h_run("REGEXP_EXTRACT", 2, S("\\p{Upper}+"), S("abCDe")), "'CD'"},
        {h_run("REGEXP_EXTRACT", 2, S("[\\p{Digit}x]+"), S("ab1x2c")), "'1x2'"},
        {h_run("REGEXP_EXTRACT", 2, S("\\Qa.b\\E"), S("xa.b")), "'a.b'"},
        {h_run("REGEXP_EXTRACT", 2, S("(unclosed"), S("x")),
         "ERR:Invalid regular expression pattern: (unclosed (missing closing parenthesis)"},
    };
    CHECK_ALL(c);
    /* Non-literal patterns go through the per-thread cache. */
    Case d[] = {
        {h_run_nolit("REGEXP_EXTRACT", 2, S("test."), S("some_test_string")), "'test_'"},
        {h_run_nolit("REGEXP_SPLIT_TO_ARRAY", 2, S("aabcda"), S("(ab|cd)")), "['a', '', 'a']"},
        {h_run_nolit("REGEXP_EXTRACT", 2, S("("), S("x")),
         "ERR:Invalid regular expression pattern: ( (missing closing parenthesis)"},
    };
    CHECK_ALL(d);
    for (int i = 0; i < 40; i++) { /* more patterns than cache slots */
        char pat[16];
        snprintf(pat, sizeof pat, "a{%d}", i % 20 + 1);
        Value out, args[] = {S(pat), S("aaaaaaaaaaaaaaaaaaaaaaaa")};
        ck_assert_int_eq(h_call_values("REGEXP_EXTRACT", 2, args, false, &out), 0);
        ck_assert_uint_eq(out.len, (unsigned)(i % 20 + 1));
    }
}
END_TEST

START_TEST(uuid)
{
    Value out;
    ck_assert_int_eq(h_call_values("UUID", 0, NULL, false, &out), 0);
    ck_assert_uint_eq(out.len, 36);
    ck_assert_int_eq(out.u.s[14], '4');
    ck_assert_int_eq(out.u.s[8], '-');
    Value out2;
    ck_assert_int_eq(h_call_values("UUID", 0, NULL, false, &out2), 0);
    ck_assert(memcmp(out.u.s, out2.u.s, 36) != 0);
    ck_assert_str_eq(h_run("UUID", 1, B64("ASNFZ4mrze8BI0VniavN7w==")),
                     "'01234567-89ab-cdef-0123-456789abcdef'");
}
END_TEST

TCase *tc_string(void)
{
    TCase *tc = tcase_create("string");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, basic_strings);
    tcase_add_test(tc, chr);
    tcase_add_test(tc, substring);
    tcase_add_test(tc, padding);
    tcase_add_test(tc, masking);
    tcase_add_test(tc, split);
    tcase_add_test(tc, bytes_conversions);
    tcase_add_test(tc, regex);
    tcase_add_test(tc, uuid);
    return tc;
}
