/*
 * op_join_int.h - what the join operator's files share (op_join.c: dispatch,
 * stream-table and table-table joins; op_join_window.c: stream-stream joins;
 * op_join_fk.c: foreign-key joins). Internal to src/runtime/.
 *
 * State lives in four LMDB stores per JOIN step ("<step>.0" .. "<step>.3"):
 *   .0  rows of both sides: [partition][side][key]            tables
 *                           [partition][side][key][ts][seq]   stream buffers
 *   .1  stream-stream: time index [partition][side][ts][key][seq];
 *       foreign-key joins: subscriptions [foreign key][left key]
 *   .2  stream-stream: unmatched rows awaiting their window's close
 *       [partition][ts][side (right 0, left 1)][key][seq]
 *   .3  stream-stream: stream times and counters per partition
 * Keys are rowcodec encodings (prefix-free, so a key's entries are contiguous)
 * followed, for windowed sources, by the window bounds. Stored rows carry the
 * side's input columns and their metadata (ROWTIME, partition, offset, window).
 */
#ifndef EDDY_OP_JOIN_INT_H
#define EDDY_OP_JOIN_INT_H

#include "op.h"

/* One side's row, arriving or read back from a store. */
typedef struct JoinSide {
    const Value *cols; /* the side's input columns */
    int64_t ts;        /* ROWTIME, ms */
    int64_t offset;
    int64_t win_start, win_end;
    int32_t partition;
} JoinSide;

typedef struct JoinOp {
    Op op;
    int nk;                /* output key columns */
    int ncol[2];           /* input columns per side */
    const Type **types[2]; /* input column types per side */
    int ncols;             /* output columns */
    StateStore store[4];
    bool have_store;
    StrBuf kbuf, k2buf, vbuf, ibuf; /* reused encode buffers (no allocation per record) */
    StrBuf lbuf;                    /* the join key alone, to check its length */
    StrBuf pbuf, p2buf, xbuf, ybuf;
    /* output of the current process() call (scratch memory) */
    Row *out;
    int nout, cap;
    /* stream-stream */
    int64_t retention; /* before + after + grace */
    int64_t grace;
    bool spurious_fix; /* GRACE PERIOD given: outer rows wait for the window to close */
    bool meta_loaded, meta_dirty;
    int64_t stream_time; /* highest timestamp seen by the join (both sides) */
    int64_t observed[2]; /* highest timestamp put into each side's buffer */
    int64_t min_outer;   /* lowest timestamp in the outer store (a lower bound) */
    uint64_t seq;        /* makes buffered duplicates distinct */
    int64_t expired[2];  /* buffers swept up to here */
    int64_t next_emit;   /* wall clock: outer rows are looked for at most every second */
} JoinOp;

/* [partition][side] */
void jo_prefix(const JoinOp *j, Task *t, StrBuf *b, int side);
/* Appends the encoded join key (and the row's window when windowed). */
void jo_put_key(const JoinOp *j, StrBuf *b, const Value *kv, int n, const Row *r);
/* The stored form of a side's row. */
void jo_encode_side(StrBuf *b, const Row *r, const Value *cols, int n);
/* Reads a stored row back (values copied into a). false when corrupt. */
bool jo_decode_side(const JoinOp *j, int side, const void *v, size_t vl, Arena *a, JoinSide *out);
/* A side's view of an arriving row. */
JoinSide jo_side_of(const Row *r);
/* Evaluates the join key of an arriving row of a side. false when it is NULL. */
bool jo_eval_key(JoinOp *j, Task *t, int side, const Row *r, const Value *cols, Value *kv,
                 ExecCtx *ctx);
/* Queues an output row: keys, the left and right rows (NULL when absent). */
Row *jo_emit(JoinOp *j, const Value *keys, const JoinSide *l, const JoinSide *r, int64_t ts,
             int64_t stream_time, ExecCtx *ctx);
/* Queues a tombstone for keys. */
Row *jo_emit_tombstone(JoinOp *j, const Value *keys, int64_t ts, int64_t stream_time, ExecCtx *ctx);
/* The output columns a (left, right) pair would produce (for Row.old). */
Value *jo_cols(JoinOp *j, const Value *keys, const JoinSide *l, const JoinSide *r, Arena *a);

int jo_window_process(JoinOp *j, int side, Row *rows, int n, ExecCtx *ctx);
int jo_window_flush(JoinOp *j, ExecCtx *ctx);
int jo_fk_process(JoinOp *j, int side, Row *rows, int n, ExecCtx *ctx);

#endif
