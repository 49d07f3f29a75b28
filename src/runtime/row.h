/*
 * row.h - a record as the operators see it: decoded column values plus the
 * record's metadata (event time, partition, offset, window, headers).
 *
 * Rows of one batch and their values live in the task's scratch arena and die
 * when the batch is done; operators that keep something beyond the batch
 * (state, buffers) copy it into their own memory or a state store.
 */
#ifndef EDDY_ROW_H
#define EDDY_ROW_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/value.h"
#include "record.h"

enum {
    ROW_TOMBSTONE = 1, /* table changelog delete: value columns are meaningless */
    ROW_OLD_KNOWN = 2, /* `old` is authoritative: NULL means there was no previous row */
    ROW_RETRACT = 4,   /* a table row leaving its group (aggregations over tables) */
    ROW_NULL_KEY = 8,  /* the source record had a null key (kept while the key is unchanged) */
    ROW_UPDATE = 16,   /* a table row changing within its group: `old` is retracted, then
                          the row added, as one update */
};

typedef struct Row {
    Value *cols;         /* the step's schema order: keys then values */
    Value *old;          /* tables: the previous row's columns (same layout), or NULL */
    int64_t ts;          /* ROWTIME, ms */
    int64_t stream_time; /* the segment's stream time when this row entered it */
    int64_t offset;      /* ROWOFFSET of the source record */
    int32_t partition;   /* ROWPARTITION */
    uint32_t flags;      /* ROW_* */
    int64_t win_start;   /* window bounds when the key is windowed */
    int64_t win_end;
    const RawHeader *headers;
    int nheaders;
} Row;

#endif
