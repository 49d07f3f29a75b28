/* fn_pending.c - temporary empty families while the library is being written. */
#include "functions_int.h"
const FnFamily fn_family_test_defs = {NULL, 0};
