/*
 * json_value.c - values to and from JSON off the record path (see json_value.h).
 *
 * Reading a json_t goes through the record-path decoder: the json_t is written
 * back to text (reals as their shortest decimal form) and decoded with the column
 * type, so REST input and topic records share one set of coercions and messages.
 */
#include "json_value.h"

#include "json_scan.h"
#include "serde_int.h"

#include <math.h>
#include <string.h>

/* ---------------------------------------------------------------- values to JSON */

static json_t *to_json(const Value *v, const Type *t, int style);

static json_t *temporal_text(const Value *v)
{
    StrBuf sb = STRBUF_INIT;
    val_format(&sb, v);
    json_t *j = json_stringn(sb.data ? sb.data : "", sb.len);
    sb_free(&sb);
    return j;
}

static json_t *to_json(const Value *v, const Type *t, int style)
{
    switch (v->kind) {
    case TYPE_NULL: return json_null();
    case TYPE_BOOLEAN: return json_boolean(v->u.b);
    case TYPE_INT: return json_integer(v->u.i);
    case TYPE_BIGINT: return json_integer(v->u.l);
    case TYPE_DOUBLE:
        if (isnan(v->u.d) || isinf(v->u.d))
            return json_string(isnan(v->u.d) ? "NaN" : v->u.d > 0 ? "Infinity" : "-Infinity");
        return json_real(v->u.d);
    case TYPE_DECIMAL: return json_real(dec_to_double(v->u.dec, v->scale));
    case TYPE_STRING: {
        json_t *j = json_stringn_nocheck(v->u.s ? v->u.s : "", v->len);
        return j ? j : json_null();
    }
    case TYPE_BYTES: {
        StrBuf sb = STRBUF_INIT;
        base64_encode(&sb, v->u.s, v->len);
        json_t *j = json_stringn(sb.data ? sb.data : "", sb.len);
        sb_free(&sb);
        return j;
    }
    case TYPE_DATE:
    case TYPE_TIME:
        if (style == SERDE_JSON_REST) return temporal_text(v);
        return json_integer(v->u.i);
    case TYPE_TIMESTAMP:
        if (style == SERDE_JSON_REST) return temporal_text(v);
        return json_integer(v->u.l);
    case TYPE_ARRAY: {
        json_t *a = json_array();
        const Type *et = t && t->kind == TYPE_ARRAY ? t->elem : NULL;
        for (uint32_t i = 0; i < v->len; i++)
            json_array_append_new(a, to_json(&v->u.items[i], et, style));
        return a;
    }
    case TYPE_MAP: {
        json_t *o = json_object();
        const Type *et = t && t->kind == TYPE_MAP ? t->elem : NULL;
        for (uint32_t i = 0; i < v->len; i++) {
            const Value *k = &v->u.items[2 * i];
            StrBuf kt = STRBUF_INIT;
            if (k->kind == TYPE_STRING)
                sb_append(&kt, k->u.s, k->len);
            else
                val_format(&kt, k);
            json_object_setn_new_nocheck(o, kt.data ? kt.data : "", kt.len,
                                         to_json(&v->u.items[2 * i + 1], et, style));
            sb_free(&kt);
        }
        return o;
    }
    case TYPE_STRUCT: {
        json_t *o = json_object();
        const Type *st = v->type ? v->type : t;
        for (uint32_t i = 0; st && i < v->len && (int)i < st->nfields; i++)
            json_object_set_new_nocheck(o, st->fields[i].name,
                                        to_json(&v->u.items[i], st->fields[i].type, style));
        return o;
    }
    default: return json_null();
    }
}

json_t *serde_value_to_json(const Value *v, const Type *t)
{
    return to_json(v, t, SERDE_JSON_KAFKA);
}

json_t *serde_value_to_json_rest(const Value *v, const Type *t)
{
    return to_json(v, t, SERDE_JSON_REST);
}

static void write_rest(StrBuf *sb, const Value *v, const Type *t)
{
    switch (v->kind) {
    case TYPE_DATE:
    case TYPE_TIME:
    case TYPE_TIMESTAMP: {
        StrBuf tmp = STRBUF_INIT;
        val_format(&tmp, v);
        json_put_string(sb, tmp.data ? tmp.data : "", tmp.len);
        sb_free(&tmp);
        return;
    }
    case TYPE_ARRAY:
        sb_putc(sb, '[');
        for (uint32_t i = 0; i < v->len; i++) {
            if (i) sb_putc(sb, ',');
            write_rest(sb, &v->u.items[i], t && t->kind == TYPE_ARRAY ? t->elem : NULL);
        }
        sb_putc(sb, ']');
        return;
    case TYPE_MAP:
        sb_putc(sb, '{');
        for (uint32_t i = 0; i < v->len; i++) {
            if (i) sb_putc(sb, ',');
            const Value *k = &v->u.items[2 * i];
            StrBuf kt = STRBUF_INIT;
            if (k->kind == TYPE_STRING)
                sb_append(&kt, k->u.s, k->len);
            else
                val_format(&kt, k);
            json_put_string(sb, kt.data ? kt.data : "", kt.len);
            sb_free(&kt);
            sb_putc(sb, ':');
            write_rest(sb, &v->u.items[2 * i + 1], t && t->kind == TYPE_MAP ? t->elem : NULL);
        }
        sb_putc(sb, '}');
        return;
    case TYPE_STRUCT: {
        const Type *st = v->type ? v->type : t;
        sb_putc(sb, '{');
        for (uint32_t i = 0; st && i < v->len && (int)i < st->nfields; i++) {
            if (i) sb_putc(sb, ',');
            json_put_string(sb, st->fields[i].name, strlen(st->fields[i].name));
            sb_putc(sb, ':');
            write_rest(sb, &v->u.items[i], st->fields[i].type);
        }
        sb_putc(sb, '}');
        return;
    }
    default:
        /* Scalars print alike in both styles; the value's own kind decides. */
        serde_json_write_value(sb, v,
                               v->kind == TYPE_DECIMAL && t && t->kind == TYPE_DECIMAL
                                   ? t
                                   : type_prim((TypeKind)v->kind));
        return;
    }
}

void serde_value_write_json(StrBuf *sb, const Value *v, const Type *t, int style)
{
    if (style == SERDE_JSON_REST)
        write_rest(sb, v, t);
    else if (t)
        serde_json_write_value(sb, v, t);
    else
        write_rest(sb, v, NULL);
}

/* ---------------------------------------------------------------- JSON to values */

/* Writes j as JSON text; reals in their shortest round-tripping form. */
static void jt_write(StrBuf *sb, json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        const char *k;
        size_t kl;
        json_t *v;
        bool first = true;
        sb_putc(sb, '{');
        json_object_keylen_foreach(j, k, kl, v)
        {
            if (!first) sb_putc(sb, ',');
            first = false;
            json_put_string(sb, k, kl);
            sb_putc(sb, ':');
            jt_write(sb, v);
        }
        sb_putc(sb, '}');
        break;
    }
    case JSON_ARRAY:
        sb_putc(sb, '[');
        for (size_t i = 0; i < json_array_size(j); i++) {
            if (i) sb_putc(sb, ',');
            jt_write(sb, json_array_get(j, i));
        }
        sb_putc(sb, ']');
        break;
    case JSON_STRING: json_put_string(sb, json_string_value(j), json_string_length(j)); break;
    case JSON_INTEGER: sb_put_i64(sb, json_integer_value(j)); break;
    case JSON_REAL: {
        double d = json_real_value(j);
        if (isnan(d) || isinf(d))
            sb_puts(sb, "null");
        else
            fmt_java_double(sb, d); /* "1.0E10" is valid JSON */
        break;
    }
    case JSON_TRUE: sb_puts(sb, "true"); break;
    case JSON_FALSE: sb_puts(sb, "false"); break;
    case JSON_NULL: sb_puts(sb, "null"); break;
    }
}

int serde_json_text_to_value(const char *buf, size_t len, const Type *t, Arena *a, Value *out,
                             EddyError *err)
{
    return serde_json_decode_type(buf, len, t, a, out, err);
}

int serde_json_to_value(json_t *j, const Type *t, Arena *a, Value *out, EddyError *err)
{
    if (!j || json_is_null(j)) {
        *out = val_null();
        return 0;
    }
    StrBuf sb = STRBUF_INIT;
    jt_write(&sb, j);
    Value v;
    int rc = serde_json_decode_type(sb.data, sb.len, t, a, &v, err);
    *out = rc ? val_null() : val_copy(a, &v); /* v may point into sb */
    sb_free(&sb);
    return rc;
}
