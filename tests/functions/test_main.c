/*
 * test_main.c - runs every test case of the function library in one Check suite.
 */
#include <stdlib.h>

#include "harness.h"

int main(void)
{
    Suite *s = suite_create("functions");
    suite_add_tcase(s, tc_registry());
    suite_add_tcase(s, tc_math());
    suite_add_tcase(s, tc_string());
    suite_add_tcase(s, tc_collections());
    suite_add_tcase(s, tc_json());
    suite_add_tcase(s, tc_datetime());
    suite_add_tcase(s, tc_aggregates());
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
