/*
 * test_json.c - JSON and URL functions: values from ksqlDB's extract-json-field.json,
 * json_items.json, json_keys.json, json_records.json, plus URL parsing and escaping.
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

START_TEST(extract_json_field)
{
    const char *doc = "{\"name\": \"cdd\", \"version\": \"2\", \"@type\": \"VAL\"}}";
    Case c[] = {
        {h_run("EXTRACTJSONFIELD", 2, S(doc), S("$.name")), "'cdd'"},
        {h_run("EXTRACTJSONFIELD", 2, S(doc), S("$.@type")), "'VAL'"},
        {h_run("EXTRACTJSONFIELD", 2, S(doc), S("$.missing")), "null"},
        {h_run("EXTRACTJSONFIELD", 2, S("{\"array\": [1, 2, 3]}"), S("$.array[-1]")), "null"},
        {h_run("EXTRACTJSONFIELD", 2, S("{\"array\": [1, 2, 3]}"), S("$.array[0]")), "'1'"},
        {h_run("EXTRACTJSONFIELD", 2, S("{\"array\": [1.23450]}"), S("$.array[0]")), "'1.23450'"},
        {h_run("EXTRACTJSONFIELD", 2, S("{\"array\": [1.23450]}"), S("$.array[1]")), "null"},
        {h_run("EXTRACTJSONFIELD", 2, S("{\"a\": {\"b\": [true, {\"c\": \"x\\ny\"}]}}"),
               S("$.a.b[1]")),
         "'{\"c\":\"x\\ny\"}'"},
        {h_run("EXTRACTJSONFIELD", 2, S("{\"a\": {\"b c\": null}}"), S("$['a']['b c']")), "'null'"},
        {h_run("EXTRACTJSONFIELD", 2, S("{\"a\": \"\\u00e9\\ud83d\\ude00\"}"), S("$.a")),
         "'\xc3\xa9\xf0\x9f\x98\x80'"},
        {h_run("EXTRACTJSONFIELD", 2, S("{\"a\": 1}"), S("$")), "'{\"a\":1}'"},
        {h_run("EXTRACTJSONFIELD", 2, S("not json"), S("$.a")),
         "ERR:Invalid JSON format: not json"},
        {h_run_nolit("EXTRACTJSONFIELD", 2, S("{\"nested\": \"nest0\"}"), S("$.nested")),
         "'nest0'"},
        {h_run("EXTRACTJSONFIELD", 2, S("{}"), S("name")),
         "ERR:Invalid JsonPath: 'name' must start with '$'"},
    };
    CHECK_ALL(c);
}
END_TEST

START_TEST(json_functions)
{
    Case c[] = {
        {h_run("JSON_KEYS", 1, S("{\"Red\": 3, \"Green\": 5}")), "['Red', 'Green']"},
        {h_run("JSON_KEYS", 1, S("{}")), "[]"},
        {h_run("JSON_KEYS", 1, S("")), "null"},
        {h_run("JSON_KEYS", 1, S("[1]")), "null"},
        {h_run("JSON_RECORDS", 1, S("{\"Red\": 3, \"Green\": 5}")), "{'Red'='3', 'Green'='5'}"},
        {h_run("JSON_RECORDS", 1, S("{\"White\": \"Seven\"}")), "{'White'='Seven'}"},
        {h_run("JSON_RECORDS", 1, S("{\"a\": [1, \"x\"]}")), "{'a'='[1,\"x\"]'}"},
        {h_run("JSON_RECORDS", 1, S("")), "null"},
        {h_run("JSON_ITEMS", 1,
               S("[{\"type\": \"A\", \"timestamp\": \"2022-01-27\"}, {\"type\": \"B\"}]")),
         "['{\"type\":\"A\",\"timestamp\":\"2022-01-27\"}', '{\"type\":\"B\"}']"},
        {h_run("JSON_ITEMS", 1, S("[]")), "[]"},
        {h_run("JSON_ARRAY_LENGTH", 1, S("[1, [2], {}]")), "3"},
        {h_run("JSON_ARRAY_LENGTH", 1, S("{}")), "null"},
        {h_run("JSON_ARRAY_LENGTH", 1, S("[1,")), "ERR:Invalid JSON format: [1,"},
        {h_run("IS_JSON_STRING", 1, S("{\"a\": [1, 2.5e3, null, true]}")), "true"},
        {h_run("IS_JSON_STRING", 1, S("abc")), "false"},
        {h_run("IS_JSON_STRING", 1, S("  ")), "false"},
        {h_run("IS_JSON_STRING", 1, TNUL(T_STRING)), "false"},
        {h_run("JSON_CONCAT", 2, S("{\"a\": 1, \"b\": 2}"), S("{\"a\": 3, \"c\": 4}")),
         "'{\"a\":3,\"b\":2,\"c\":4}'"},
        {h_run("JSON_CONCAT", 2, S("[1, 2]"), S("[3]")), "'[1,2,3]'"},
        {h_run("JSON_CONCAT", 2, S("{\"a\": 1}"), S("[2]")), "'[{\"a\":1},2]'"},
        {h_run("JSON_CONCAT", 2, S("{}"), TNUL(T_STRING)), "null"},
        {h_run("JSON_ARRAY_CONTAINS", 2, S("[1, 2, 3]"), I(2)), "true"},
        {h_run("JSON_ARRAY_CONTAINS", 2, S("[1, 2, 3]"), D(2.0)), "false"},
        {h_run("JSON_ARRAY_CONTAINS", 2, S("[\"a\", null]"), S("a")), "true"},
        {h_run("JSON_ARRAY_CONTAINS", 2, S("[\"a\", null]"), TNUL(T_STRING)), "true"},
        {h_run("JSON_ARRAY_CONTAINS", 2, S("[true]"), BOOL(false)), "false"},
        {h_run("JSON_ARRAY_CONTAINS", 2, S("nope"), I(1)), "false"},
        {h_run("TO_JSON_STRING", 1, MAPV(T_STRING, T_INT, 2, S("a"), I(1), S("b\""), NUL())),
         "'{\"a\":1,\"b\\\"\":null}'"},
        {h_run("TO_JSON_STRING", 1, ARR(T_DOUBLE, 2, D(1.0), D(1e20))), "'[1.0,1.0E20]'"},
        {h_run("TO_JSON_STRING", 1, DEC("1.50")), "'1.50'"},
        {h_run("TO_JSON_STRING", 1, S("x")), "'\"x\"'"},
        {h_run("TO_JSON_STRING", 1, TNUL(T_STRING)), "'null'"},
    };
    CHECK_ALL(c);
    /* Struct serialization uses the declared field names. */
    TypeField f[] = {{type_intern_name("A"), T_INT}, {type_intern_name("b"), T_STRING}};
    const Type *st = type_struct(2, f);
    Value sv = val_struct_new(&h_arena, st);
    sv.u.items[0] = I(1);
    sv.u.items[1] = S("x");
    ck_assert_str_eq(h_run("TO_JSON_STRING", 1, sv), "'{\"A\":1,\"b\":\"x\"}'");
}
END_TEST

START_TEST(urls)
{
    const char *u =
        "https://user:pw@www.example.com:8080/a%20b/c?x=1&name=J%C3%B6rg+S&flag#frag%21";
    Case c[] = {
        {h_run("URL_EXTRACT_HOST", 1, S(u)), "'www.example.com'"},
        {h_run("URL_EXTRACT_PORT", 1, S(u)), "8080"},
        {h_run("URL_EXTRACT_PORT", 1, S("http://a.com/x")), "null"},
        {h_run("URL_EXTRACT_PROTOCOL", 1, S(u)), "'https'"},
        {h_run("URL_EXTRACT_PATH", 1, S(u)), "'/a b/c'"},
        {h_run("URL_EXTRACT_PATH", 1, S("http://a.com")), "''"},
        {h_run("URL_EXTRACT_QUERY", 1, S(u)), "'x=1&name=J\xc3\xb6rg+S&flag'"},
        {h_run("URL_EXTRACT_QUERY", 1, S("http://a.com/x")), "null"},
        {h_run("URL_EXTRACT_FRAGMENT", 1, S(u)), "'frag!'"},
        {h_run("URL_EXTRACT_PARAMETER", 2, S(u), S("name")), "'J\xc3\xb6rg S'"},
        {h_run("URL_EXTRACT_PARAMETER", 2, S(u), S("flag")), "''"},
        {h_run("URL_EXTRACT_PARAMETER", 2, S(u), S("nope")), "null"},
        {h_run("URL_EXTRACT_HOST", 1, S("http://[::1]:80/")), "'[::1]'"},
        {h_run("URL_EXTRACT_HOST", 1, S("mailto:someone@example.com")), "null"},
        {h_run("URL_EXTRACT_PROTOCOL", 1, S("/relative/path")), "null"},
        {h_run("URL_EXTRACT_HOST", 1, S("http://bad host.com")),
         "ERR:URL input has invalid syntax: http://bad host.com"},
        {h_run("URL_ENCODE_PARAM", 1, S("a b&c=d/\xc3\xa9*~")), "'a+b%26c%3Dd%2F%C3%A9*%7E'"},
        {h_run("URL_DECODE_PARAM", 1, S("a+b%26c%3Dd%2F%C3%A9")), "'a b&c=d/\xc3\xa9'"},
        {h_run("URL_DECODE_PARAM", 1, S("bad%2")),
         "ERR:URLDecoder: Illegal hex characters in escape (%) pattern"},
    };
    CHECK_ALL(c);
}
END_TEST

TCase *tc_json(void)
{
    TCase *tc = tcase_create("json_url");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, extract_json_field);
    tcase_add_test(tc, json_functions);
    tcase_add_test(tc, urls);
    return tc;
}
