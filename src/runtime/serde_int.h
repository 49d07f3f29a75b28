/*
 * serde_int.h - what serde.c shares with the per-format files serde_json.c,
 * serde_kafka.c and serde_delimited.c. Internal to src/runtime.
 */
#ifndef EDDY_SERDE_INT_H
#define EDDY_SERDE_INT_H

#include "serde.h"

typedef struct JsonSerde JsonSerde;   /* serde_json.c */
typedef struct DelimSerde DelimSerde; /* serde_delimited.c */

struct Serde {
    FormatSpec fmt;
    bool is_key;
    int ncols;
    const char **names; /* copies, owned */
    const Type **types; /* interned */
    char *topic;        /* for error texts; NULL until serde_set_topic */
    bool wrapped;       /* JSON: the columns form an object (else one bare value) */
    JsonSerde *json;
    DelimSerde *delim;
};

/* Per-format halves of serde_new/free/decode/encode. Decoders return 0, 1 for a
 * null record, or ERR_SERDE with the bare reason in err (serde.c adds the
 * "Failed to deserialize value from topic: t. " prefix). */
int serde_json_init(Serde *s, EddyError *err);
void serde_json_fini(Serde *s);
int serde_json_decode(Serde *s, const char *buf, size_t len, Arena *a, Value *cols, EddyError *err);
int serde_json_encode(Serde *s, const Value *cols, StrBuf *out, bool *is_null, EddyError *err);

int serde_kafka_decode(Serde *s, const char *buf, size_t len, Arena *a, Value *cols,
                       EddyError *err);
int serde_kafka_encode(Serde *s, const Value *cols, StrBuf *out, bool *is_null, EddyError *err);

int serde_delim_init(Serde *s, EddyError *err);
void serde_delim_fini(Serde *s);
int serde_delim_decode(Serde *s, const char *buf, size_t len, Arena *a, Value *cols,
                       EddyError *err);
int serde_delim_encode(Serde *s, const Value *cols, StrBuf *out, bool *is_null, EddyError *err);

/* One JSON document as a value of type t, with the JSON format's coercions (for
 * json_value.c). Returns 0 or ERR_SERDE. */
int serde_json_decode_type(const char *buf, size_t len, const Type *t, Arena *a, Value *out,
                           EddyError *err);
/* Appends v as the JSON format writes a value of type t. */
void serde_json_write_value(StrBuf *sb, const Value *v, const Type *t);

/* Base64 as the serdes read it: standard alphabet; Jackson requires the padding,
 * java.util.Base64 lets it be left out. Returns the length or -1. */
long serde_base64_decode(Arena *a, const char *s, size_t n, bool need_padding, char **out);

/* BigDecimal.toString(): plain unless the adjusted exponent is below -6 ("1E-7",
 * "0E-10"). ksqlDB's JSON writer prints decimals this way. */
void serde_put_decimal_java(StrBuf *sb, int128_t unscaled, int scale);

/* Converts an integral or decimal value to DECIMAL(precision, scale) with HALF_UP;
 * -1 on overflow. Used where the engine hands over a value of a neighbouring kind. */
int serde_to_decimal(const Value *v, int precision, int scale, int128_t *out);

#endif
