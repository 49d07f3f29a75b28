/*
 * fuzz_json.c - libFuzzer target for the record-path decoders (serde_json.c and
 * its lexer json_scan.c, serde_delimited.c, serde_kafka.c) and json_value.c.
 *
 * Every input is decoded with a set of schemas covering each column type, as a
 * wrapped row, an unwrapped value and a multi-column key. Whatever decodes must
 * re-encode, and the re-encoded bytes must decode to equal values: a mismatch
 * traps. The sanitizers catch the rest.
 *
 * Build (from the repository root):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -std=c11 \
 *     fuzz/fuzz_json.c
 * src/runtime/{json_scan,json_value,serde,serde_json,serde_kafka,serde_delimited}.c \
 *     src/common/{arena,error,format,strbuf,types,value}.c -ljansson -lm -lpthread -o fuzz_json
 *   ./fuzz_json -max_len=4096 corpus/
 * With -DFUZZ_REPLAY_MAIN (and no -fsanitize=fuzzer) it is a plain program that
 * replays the files named on its command line, like fuzz_parser.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/common/format.h"
#include "../src/runtime/json_value.h"
#include "../src/runtime/serde.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct FSchema {
    FormatKind kind;
    bool key;
    int wrap; /* -1 default */
    int n;
    const char *names[6];
    const Type *types[6];
} FSchema;

#define NSCHEMAS 9
static FSchema schemas[NSCHEMAS];
static Serde *serdes[NSCHEMAS];
static bool ready;

static void setup(void)
{
    const Type *st_fields_t[3];
    TypeField sf[3] = {{"A", NULL}, {"b", NULL}, {"C", NULL}};
    st_fields_t[0] = T_INT;
    st_fields_t[1] = type_array(T_STRING);
    st_fields_t[2] = type_decimal(10, 3);
    for (int i = 0; i < 3; i++)
        sf[i].type = st_fields_t[i];
    const Type *st = type_struct(3, sf);
    FSchema all[NSCHEMAS] = {
        {FMT_JSON,
         false,
         -1,
         6,
         {"A", "B", "C", "D", "E", "F"},
         {T_INT, T_BIGINT, T_DOUBLE, T_STRING, T_BOOLEAN, type_decimal(8, 2)}},
        {FMT_JSON,
         false,
         -1,
         6,
         {"A", "a", "T", "X", "Y", "Z"},
         {T_STRING, T_INT, T_TIMESTAMP, T_BYTES, T_DATE, T_TIME}},
        {FMT_JSON,
         false,
         -1,
         3,
         {"ARR", "M", "S"},
         {type_array(type_array(T_BIGINT)), type_map(T_STRING, st), st}},
        {FMT_JSON, false, 0, 1, {"V"}, {T_STRING}},
        {FMT_JSON, false, 0, 1, {"V"}, {type_array(st)}},
        {FMT_JSON, true, -1, 2, {"K1", "K2"}, {T_STRING, type_decimal(38, 10)}},
        {FMT_DELIMITED,
         false,
         -1,
         6,
         {"A", "B", "C", "D", "E", "F"},
         {T_INT, T_STRING, T_DOUBLE, type_decimal(6, 2), T_BYTES, T_BOOLEAN}},
        {FMT_DELIMITED, false, -1, 2, {"A", "B"}, {T_STRING, T_STRING}},
        {FMT_KAFKA, false, -1, 1, {"V"}, {T_STRING}},
    };
    memcpy(schemas, all, sizeof all);
    for (int i = 0; i < NSCHEMAS; i++) {
        FormatSpec f = format_spec_default(schemas[i].kind);
        if (schemas[i].wrap >= 0) {
            f.wrap_single = schemas[i].wrap;
            f.wrap_explicit = true;
        }
        if (i == 7) f.delimiter = '|';
        EddyError err;
        serdes[i] =
            serde_new(&f, schemas[i].key, schemas[i].n, schemas[i].names, schemas[i].types, &err);
        if (!serdes[i]) __builtin_trap();
    }
    ready = true;
}

static void check_roundtrip(Serde *s, const FSchema *fs, const Value *cols, Arena *a)
{
    StrBuf sb = STRBUF_INIT;
    bool is_null;
    EddyError err;
    if (serde_encode(s, cols, &sb, &is_null, &err) < 0) __builtin_trap();
    Value again[6];
    int rc = serde_decode(s, is_null ? NULL : sb.data ? sb.data : "", sb.len, a, again, &err);
    if (rc < 0) {
        __builtin_trap();
    } else {
        for (int i = 0; i < fs->n; i++) {
            if (fs->kind == FMT_DELIMITED &&
                (cols[i].kind == TYPE_STRING || cols[i].kind == TYPE_BYTES) && cols[i].len == 0 &&
                again[i].kind == TYPE_NULL)
                continue; /* an empty field reads back as NULL */
            if (!val_equal(&cols[i], &again[i])) __builtin_trap();
        }
    }
    sb_free(&sb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ready) setup();
    Arena a;
    arena_init(&a, 4096);
    const char *buf = (const char *)data;
    for (int i = 0; i < NSCHEMAS; i++) {
        Value cols[6];
        EddyError err;
        int rc = serde_decode(serdes[i], buf, size, &a, cols, &err);
        if (rc == 0) check_roundtrip(serdes[i], &schemas[i], cols, &a);
        arena_reset(&a);
    }
    /* One value of a nested type, through json_value.c. */
    Value v;
    EddyError err;
    if (serde_json_text_to_value(buf, size, schemas[2].types[1], &a, &v, &err) == 0) {
        StrBuf sb = STRBUF_INIT;
        serde_value_write_json(&sb, &v, schemas[2].types[1], SERDE_JSON_REST);
        json_t *j = serde_value_to_json(&v, schemas[2].types[1]);
        json_decref(j);
        sb_free(&sb);
    }
    arena_free(&a);
    return 0;
}

#ifdef FUZZ_REPLAY_MAIN
/* Replays the files named on the command line (a regression run). */
int main(int argc, char **argv)
{
    static uint8_t buf[1 << 20];
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            fprintf(stderr, "%s: cannot open\n", argv[i]);
            return 1;
        }
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        LLVMFuzzerTestOneInput(buf, n);
    }
    printf("replayed %d inputs\n", argc - 1);
    return 0;
}
#endif
