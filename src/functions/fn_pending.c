/* fn_pending.c - temporary empty families while the library is being written. */
#include "functions_int.h"
const FnFamily fn_family_agg_basic_defs = {NULL, 0};
const FnFamily fn_family_agg_collect_defs = {NULL, 0};
const FnFamily fn_family_agg_offset_defs = {NULL, 0};
const FnFamily fn_family_agg_stats_defs = {NULL, 0};
const FnFamily fn_family_test_defs = {NULL, 0};
