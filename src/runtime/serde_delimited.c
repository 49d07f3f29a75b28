/*
 * serde_delimited.c - the DELIMITED format: one CSV record per Kafka record, read
 * and written the way ksqlDB does with Apache Commons CSV 1.4 (CSVFormat.DEFAULT
 * with the configured delimiter).
 *
 * Reading follows that library's lexer: '"' encapsulates, "" inside quotes is a
 * quote, a quote inside an unquoted field is literal, blank lines before a record
 * are skipped, and later records must still parse but are ignored. An empty field
 * is NULL. Each field is parsed with the Java parser ksqlDB uses for the column
 * type (Integer.parseInt, Double.parseDouble, new BigDecimal, Base64, ...).
 *
 * Writing follows the library's "minimal" quoting, including its quirk of quoting
 * a first field that does not start with a letter or digit (so "-5" is written
 * "\"-5\""). NULL is an empty unquoted field.
 */
#include "json_scan.h"
#include "serde_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct DField {
    const char *p; /* text, into the input or the arena */
    size_t n;
} DField;

struct DelimSerde {
    DField *fields; /* scratch for the first record, reused */
    size_t cap;
    StrBuf tmp; /* rendering one field before deciding on quotes */
};

int serde_delim_init(Serde *s, EddyError *err)
{
    (void)err;
    s->delim = xcalloc(1, sizeof *s->delim);
    s->delim->cap = (size_t)(s->ncols > 0 ? s->ncols : 1) + 1;
    s->delim->fields = xcalloc(s->delim->cap, sizeof(DField));
    sb_init(&s->delim->tmp);
    return 0;
}

void serde_delim_fini(Serde *s)
{
    free(s->delim->fields);
    sb_free(&s->delim->tmp);
    free(s->delim);
    s->delim = NULL;
}

/* ---------------------------------------------------------------- lexer */

#define C_EOF   (-1)
#define C_UNDEF (-2)

typedef struct Lex {
    const char *base, *p, *e;
    int last; /* last char read: C_UNDEF at the start, C_EOF after the end */
    int delim;
    Arena *a;
    char msg[160];
} Lex;

enum { TK_TOKEN, TK_EORECORD, TK_EOF };

static int lx_read(Lex *l)
{
    l->last = l->p < l->e ? (unsigned char)*l->p++ : C_EOF;
    return l->last;
}

static int lx_peek(const Lex *l)
{
    return l->p < l->e ? (unsigned char)*l->p : C_EOF;
}

static bool lx_eol(Lex *l, int c)
{
    if (c == '\r' && lx_peek(l) == '\n') lx_read(l);
    return c == '\n' || c == '\r';
}

static bool start_of_line(int c)
{
    return c == '\n' || c == '\r' || c == C_UNDEF;
}

/* Character.isWhitespace for the ASCII range. */
static bool java_space(const Lex *l, int c)
{
    return c != l->delim && (c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' ||
                             c == '\r' || (c >= 0x1C && c <= 0x1F));
}

static int line_of(const Lex *l, const char *upto)
{
    int line = 1;
    for (const char *q = l->base; q < upto; q++)
        if (*q == '\n' || (*q == '\r' && !(q + 1 < upto && q[1] == '\n'))) line++;
    return line;
}

/* Lexes one token into *f. Returns TK_* with *ready telling whether an EOF token
 * carries a value, or -1 with l->msg set. */
static int lx_token(Lex *l, DField *f, bool *ready)
{
    *ready = false;
    f->p = l->p;
    f->n = 0;
    int last = l->last;
    int c = lx_read(l);
    bool eol = lx_eol(l, c);
    while (eol && start_of_line(last)) { /* blank lines are skipped */
        last = c;
        c = lx_read(l);
        eol = lx_eol(l, c);
        if (c == C_EOF) return TK_EOF;
    }
    if (last == C_EOF || (last != l->delim && c == C_EOF)) return TK_EOF;
    if (c == l->delim) return TK_TOKEN;
    if (eol) return TK_EORECORD;
    if (c == C_EOF) {
        *ready = true;
        return TK_EOF;
    }
    if (c == '"') {
        const char *startline = l->p - 1;
        const char *start = l->p;
        char *buf = NULL; /* copy only when "" occurs */
        size_t bn = 0;
        for (;;) {
            const char *q = memchr(l->p, '"', (size_t)(l->e - l->p));
            if (!q) {
                l->p = l->e;
                l->last = C_EOF;
                snprintf(l->msg, sizeof l->msg,
                         "(startline %d) EOF reached before encapsulated token finished",
                         line_of(l, startline));
                return -1;
            }
            if (q + 1 < l->e && q[1] == '"') {
                if (!buf) buf = arena_alloc(l->a, (size_t)(l->e - start) + 1);
                memcpy(buf + bn, l->p, (size_t)(q + 1 - l->p));
                bn += (size_t)(q + 1 - l->p);
                l->p = q + 2;
                continue;
            }
            if (buf) {
                memcpy(buf + bn, l->p, (size_t)(q - l->p));
                bn += (size_t)(q - l->p);
                f->p = buf;
                f->n = bn;
            } else {
                f->p = start;
                f->n = (size_t)(q - start);
            }
            l->p = q + 1;
            l->last = '"';
            break;
        }
        for (;;) {
            c = lx_read(l);
            if (c == l->delim) return TK_TOKEN;
            if (c == C_EOF) {
                *ready = true;
                return TK_EOF;
            }
            if (lx_eol(l, c)) return TK_EORECORD;
            if (!java_space(l, c)) {
                snprintf(l->msg, sizeof l->msg,
                         "(line %d) invalid char between encapsulated token and delimiter",
                         line_of(l, l->p));
                return -1;
            }
        }
    }
    f->p = l->p - 1;
    for (;;) {
        if (c == C_EOF) {
            f->n = (size_t)(l->p - f->p);
            *ready = true;
            return TK_EOF;
        }
        const char *at = l->p - 1; /* where c was */
        if (c == '\r' || c == '\n') {
            f->n = (size_t)(at - f->p);
            lx_eol(l, c);
            return TK_EORECORD;
        }
        if (c == l->delim) {
            f->n = (size_t)(at - f->p);
            return TK_TOKEN;
        }
        c = lx_read(l);
    }
}

/* Reads one record. Returns the number of fields (0 at the end of input) or -1.
 * With keep == false the fields are not stored. */
static long lx_record(Lex *l, DelimSerde *d, bool keep)
{
    size_t n = 0;
    for (;;) {
        DField f;
        bool ready;
        int t = lx_token(l, &f, &ready);
        if (t < 0) return -1;
        if (t == TK_EOF && !ready) return (long)n;
        if (keep) {
            if (n == d->cap) {
                d->cap *= 2;
                d->fields = xrealloc(d->fields, d->cap * sizeof(DField));
            }
            d->fields[n] = f;
        }
        n++;
        if (t != TK_TOKEN) return (long)n;
    }
}

/* ---------------------------------------------------------------- decoding */

static int bad_number(EddyError *err, const DField *f)
{
    return err_set(err, ERR_SERDE, -1, "Error deserializing delimited: For input string: \"%.*s\"",
                   (int)(f->n > 200 ? 200 : f->n), f->p);
}

static int parse_field(const Type *t, const DField *f, Arena *a, Value *out, EddyError *err)
{
    switch (t->kind) {
    case TYPE_BOOLEAN:
        /* Boolean.parseBoolean: anything but "true" (any case) is false. */
        *out = val_bool(f->n == 4 && strncasecmp(f->p, "true", 4) == 0);
        return 0;
    case TYPE_INT: {
        int32_t v;
        if (java_parse_int(f->p, f->n, &v) < 0) return bad_number(err, f);
        *out = val_int(v);
        return 0;
    }
    case TYPE_BIGINT:
    case TYPE_TIMESTAMP:
    case TYPE_TIME:
    case TYPE_DATE: {
        int64_t v;
        if (java_parse_long(f->p, f->n, &v) < 0) return bad_number(err, f);
        if (t->kind == TYPE_BIGINT)
            *out = val_bigint(v);
        else if (t->kind == TYPE_TIMESTAMP)
            *out = val_timestamp(v);
        else if (t->kind == TYPE_TIME)
            *out = val_time((int32_t)v);
        else
            *out = val_date((int32_t)v);
        return 0;
    }
    case TYPE_DOUBLE: {
        double d;
        if (java_parse_double(f->p, f->n, &d) < 0) return bad_number(err, f);
        *out = val_double(d);
        return 0;
    }
    case TYPE_DECIMAL: {
        JNum n;
        int128_t u;
        if (jnum_lex_bigdecimal(f->p, f->n, &n) < 0) return bad_number(err, f);
        if (jnum_to_decimal(&n, t->precision, t->scale, &u) < 0) {
            StrBuf sb = STRBUF_INIT;
            jnum_plain(&n, false, &sb);
            err_set(err, ERR_SERDE, -1,
                    "Error deserializing delimited: Numeric field overflow: A field with "
                    "precision %d and scale %d must round to an absolute value less than 10^%d. "
                    "Got %s",
                    t->precision, t->scale, t->precision - t->scale, sb_cstr(&sb));
            sb_free(&sb);
            return ERR_SERDE;
        }
        *out = val_decimal(u, t->precision, t->scale);
        return 0;
    }
    case TYPE_STRING:
        if (f->n > UINT32_MAX) return err_set(err, ERR_SERDE, -1, "String too long");
        *out = val_string(f->p, (uint32_t)f->n);
        return 0;
    case TYPE_BYTES: {
        char *b;
        long n = serde_base64_decode(a, f->p, f->n, false, &b);
        if (n < 0)
            return err_set(err, ERR_SERDE, -1,
                           "Error deserializing delimited: Illegal base64 value: \"%.*s\"",
                           (int)(f->n > 200 ? 200 : f->n), f->p);
        *out = val_bytes(b, (uint32_t)n);
        return 0;
    }
    default:
        return err_set(err, ERR_SERDE, -1, "The 'DELIMITED' format does not support type '%s'",
                       type_name(t));
    }
}

int serde_delim_decode(Serde *s, const char *buf, size_t len, Arena *a, Value *cols, EddyError *err)
{
    for (int i = 0; i < s->ncols; i++)
        cols[i] = val_null();
    if (s->ncols == 0) return 0;
    /* Java decodes the bytes as UTF-8 first, replacing what is malformed. */
    size_t n;
    buf = utf8_sanitize(a, buf, len, &n);
    Lex l = {.base = buf,
             .p = buf,
             .e = buf + n,
             .last = C_UNDEF,
             .delim = (unsigned char)s->fmt.delimiter,
             .a = a};
    long nf = lx_record(&l, s->delim, true);
    if (nf < 0) return err_set(err, ERR_SERDE, -1, "Error deserializing delimited: %s", l.msg);
    if (nf == 0)
        return err_set(err, ERR_SERDE, -1, "Error deserializing delimited: No fields in record");
    long more;
    while ((more = lx_record(&l, s->delim, false)) > 0) { /* CSVParser.getRecords() */
    }
    if (more < 0) return err_set(err, ERR_SERDE, -1, "Error deserializing delimited: %s", l.msg);
    if (nf != s->ncols)
        return err_set(err, ERR_SERDE, -1,
                       "Error deserializing delimited: Column count mismatch on deserialization. "
                       "topic: %s, expected: %d, got: %ld",
                       s->topic ? s->topic : "", s->ncols, nf);
    for (int i = 0; i < s->ncols; i++) {
        const DField *f = &s->delim->fields[i];
        if (f->n == 0) continue; /* empty is NULL */
        int rc = parse_field(s->types[i], f, a, &cols[i], err);
        if (rc) return rc;
    }
    return 0;
}

/* ---------------------------------------------------------------- encoding */

/* Commons CSV 1.4 QuoteMode.MINIMAL. */
static bool needs_quote(const char *v, size_t n, bool first, unsigned char delim)
{
    if (n == 0) return first;
    unsigned char c = (unsigned char)v[0];
    if (first && (c < '0' || (c > '9' && c < 'A') || (c > 'Z' && c < 'a') || c > 'z')) return true;
    if (c <= '#') return true;
    for (size_t i = 0; i < n; i++) {
        c = (unsigned char)v[i];
        if (c == '\n' || c == '\r' || c == '"' || c == delim) return true;
    }
    return (unsigned char)v[n - 1] <= ' ';
}

static void put_quoted(StrBuf *out, const char *v, size_t n)
{
    sb_putc(out, '"');
    const char *run = v, *e = v + n, *q;
    while ((q = memchr(run, '"', (size_t)(e - run)))) {
        sb_append(out, run, (size_t)(q + 1 - run));
        sb_putc(out, '"'); /* doubled */
        run = q + 1;
    }
    sb_append(out, run, (size_t)(e - run));
    sb_putc(out, '"');
}

static int render(StrBuf *sb, const Type *t, const Value *v, EddyError *err)
{
    switch (v->kind) {
    case TYPE_BOOLEAN: sb_puts(sb, v->u.b ? "true" : "false"); return 0;
    case TYPE_INT:
    case TYPE_DATE:
    case TYPE_TIME:
        if (t->kind == TYPE_DOUBLE)
            fmt_java_double(sb, v->u.i);
        else
            sb_put_i64(sb, v->u.i);
        return 0;
    case TYPE_BIGINT:
    case TYPE_TIMESTAMP:
        if (t->kind == TYPE_DOUBLE)
            fmt_java_double(sb, (double)v->u.l);
        else
            sb_put_i64(sb, v->u.l);
        return 0;
    case TYPE_DOUBLE: fmt_java_double(sb, v->u.d); return 0;
    case TYPE_DECIMAL:
        if (t->kind == TYPE_DECIMAL && t->scale != v->scale) {
            int128_t u;
            if (dec_rescale(v->u.dec, v->scale, t->scale, t->precision, &u) < 0)
                return err_set(err, ERR_SERDE, -1, "Decimal does not fit %s", type_name(t));
            dec_format(sb, u, t->scale);
        } else if (t->kind == TYPE_DOUBLE) {
            fmt_java_double(sb, dec_to_double(v->u.dec, v->scale));
        } else {
            dec_format(sb, v->u.dec, v->scale);
        }
        return 0;
    case TYPE_STRING: sb_append(sb, v->u.s, v->len); return 0;
    case TYPE_BYTES: base64_encode(sb, v->u.s, v->len); return 0;
    default:
        return err_set(err, ERR_SERDE, -1, "The 'DELIMITED' format does not support type '%s'",
                       type_name(t));
    }
}

int serde_delim_encode(Serde *s, const Value *cols, StrBuf *out, bool *is_null, EddyError *err)
{
    *is_null = false;
    if (s->is_key) {
        /* A key whose columns are all NULL is a Kafka null, as ksqlDB writes it. */
        bool all_null = true;
        for (int i = 0; i < s->ncols; i++)
            if (cols[i].kind != TYPE_NULL) all_null = false;
        if (all_null) {
            *is_null = true;
            return 0;
        }
    }
    StrBuf *tmp = &s->delim->tmp;
    unsigned char delim = (unsigned char)s->fmt.delimiter;
    sb_append(out, "", 0); /* an empty record is empty bytes, not a Kafka null */
    for (int i = 0; i < s->ncols; i++) {
        if (i) sb_putc(out, (char)delim);
        const Value *v = &cols[i];
        if (v->kind == TYPE_NULL) continue;
        sb_clear(tmp);
        int rc = render(tmp, s->types[i], v, err);
        if (rc) return rc;
        if (needs_quote(tmp->data, tmp->len, i == 0, delim))
            put_quoted(out, tmp->data, tmp->len);
        else
            sb_append(out, tmp->data, tmp->len);
    }
    return 0;
}
