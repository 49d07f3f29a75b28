/*
 * rowcodec.h - eddy's internal binary encoding of values, for state stores and
 * internal (repartition) topics. Compact, exact (DECIMAL keeps its scale) and
 * prefix-free, so an encoded key followed by a window bound keeps a key's windows
 * contiguous in a sorted store.
 */
#ifndef EDDY_ROWCODEC_H
#define EDDY_ROWCODEC_H

#include "../common/arena.h"
#include "../common/strbuf.h"
#include "../common/value.h"

/* Appends one value. */
void rowcodec_put(StrBuf *out, const Value *v);
/* Appends n values. */
void rowcodec_put_all(StrBuf *out, const Value *vals, int n);

/* Reads one value of type t (t is needed for STRUCT types only, may be NULL
 * otherwise). Strings point into buf. Returns bytes consumed, or -1. */
long rowcodec_get(const char *buf, size_t len, const Type *t, Arena *a, Value *out);
/* Reads n values with the given types. Returns bytes consumed, or -1. */
long rowcodec_get_all(const char *buf, size_t len, int n, const Type *const *types, Arena *a,
                      Value *out);

/* Big-endian int64 helpers (window bounds in keys). */
void rowcodec_put_be64(StrBuf *out, int64_t v);
int64_t rowcodec_get_be64(const char *p);

#endif
