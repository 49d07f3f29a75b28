/*
 * fn_datetime.c - date and time functions (category "DATE / TIME"): UNIX_DATE,
 * UNIX_TIMESTAMP, FROM_DAYS, FROM_UNIXTIME, DATEADD/DATESUB, TIMEADD/TIMESUB,
 * TIMESTAMPADD/TIMESTAMPSUB, CONVERT_TZ, FORMAT_/PARSE_ DATE, TIME and TIMESTAMP, and the
 * deprecated DATETOSTRING, STRINGTODATE, STRINGTOTIMESTAMP and TIMESTAMPTOSTRING.
 *
 * Patterns are Java DateTimeFormatter patterns (java_format.c) and zones come from the
 * system tz database (tz.c). When the pattern, the zone or the time unit of a call is
 * a literal it is compiled/resolved once in prepare(); other patterns go through a
 * small per-thread cache. Where ksqlDB uses the JVM's default zone (the deprecated
 * functions without a zone argument, UNIX_DATE()), eddy uses UTC.
 */
#include "functions_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MS_PER_DAY 86400000LL

/* ---------------------------------------------------------------- call sites */

typedef struct DtSite {
    bool unit_literal;
    int64_t unit_num, unit_den;
    bool unit_bad;
    bool fmt_literal;
    JFmt *fmt; /* NULL with fmt_err when the literal pattern is invalid */
    char fmt_err[160];
    bool tz_literal[2];
    const Tz *tz[2];
} DtSite;

static DtSite *site_new(FnCall *call, Arena *a)
{
    DtSite *s = call->state;
    if (!s) {
        s = arena_zalloc(a, sizeof *s);
        call->state = s;
    }
    return s;
}

static void site_fmt(DtSite *s, const Value *lit, Arena *a)
{
    if (!lit || lit->kind != TYPE_STRING) return;
    s->fmt_literal = true;
    s->fmt = jfmt_compile(a, lit->u.s, lit->len, s->fmt_err, sizeof s->fmt_err);
}

static void site_tz(DtSite *s, int slot, const Value *lit)
{
    if (!lit || lit->kind != TYPE_STRING) return;
    s->tz_literal[slot] = true;
    s->tz[slot] = tz_get(lit->u.s, lit->len); /* NULL: reported per call */
}

/* Format pattern at argument 1, optional zone at argument 2. */
static int prep_fmt(FnCall *call, const Value *const *lits, Arena *a, EddyError *err)
{
    (void)err;
    DtSite *s = site_new(call, a);
    site_fmt(s, lits ? lits[1] : NULL, a);
    if (call->nargs > 2) site_tz(s, 0, lits ? lits[2] : NULL);
    return 0;
}

/* CONVERT_TZ: zones at arguments 1 and 2. */
static int prep_tz2(FnCall *call, const Value *const *lits, Arena *a, EddyError *err)
{
    (void)err;
    DtSite *s = site_new(call, a);
    site_tz(s, 0, lits ? lits[1] : NULL);
    site_tz(s, 1, lits ? lits[2] : NULL);
    return 0;
}

/* Time unit at argument 0. */
static int prep_unit(FnCall *call, const Value *const *lits, Arena *a, EddyError *err)
{
    const Value *lit = lits ? lits[0] : NULL;
    if (!lit || lit->kind != TYPE_STRING) return 0;
    DtSite *s = site_new(call, a);
    s->unit_literal = true;
    if (!fn_time_unit(lit->u.s, lit->len, &s->unit_num, &s->unit_den))
        return err_set(err, ERR_SEMANTIC, -1, "Unknown time unit: '%.*s'", (int)lit->len, lit->u.s);
    return 0;
}

/* Per-thread cache of compiled patterns that are not literals. */
#define FMT_CACHE 16

typedef struct FmtEntry {
    char *pat;
    size_t n;
    Arena arena;
    JFmt *fmt;
    char err[160];
    uint64_t used;
} FmtEntry;

typedef struct FmtThread {
    FmtEntry e[FMT_CACHE];
    uint64_t tick;
} FmtThread;

static _Thread_local FmtThread *fmt_thread;
static pthread_key_t fmt_key;
static pthread_once_t fmt_key_once = PTHREAD_ONCE_INIT;

static void fmt_thread_free(void *p)
{
    FmtThread *t = p;
    if (!t) return;
    for (int i = 0; i < FMT_CACHE; i++) {
        free(t->e[i].pat);
        if (t->e[i].pat) arena_free(&t->e[i].arena);
    }
    free(t);
}

static void fmt_key_create(void)
{
    pthread_key_create(&fmt_key, fmt_thread_free);
}

static const JFmt *fmt_cached(const char *pat, size_t n, const char **err)
{
    if (!fmt_thread) {
        pthread_once(&fmt_key_once, fmt_key_create);
        fmt_thread = xcalloc(1, sizeof *fmt_thread);
        pthread_setspecific(fmt_key, fmt_thread);
    }
    FmtThread *t = fmt_thread;
    t->tick++;
    int victim = 0;
    for (int i = 0; i < FMT_CACHE; i++) {
        FmtEntry *e = &t->e[i];
        if (e->pat && e->n == n && memcmp(e->pat, pat, n) == 0) {
            e->used = t->tick;
            *err = e->err;
            return e->fmt;
        }
        if (e->used < t->e[victim].used) victim = i;
    }
    FmtEntry *e = &t->e[victim];
    if (e->pat) {
        free(e->pat);
        arena_free(&e->arena);
    }
    e->pat = xstrndup(pat, n);
    e->n = n;
    e->used = t->tick;
    e->err[0] = 0;
    arena_init(&e->arena, 1024);
    e->fmt = jfmt_compile(&e->arena, pat, n, e->err, sizeof e->err);
    *err = e->err;
    return e->fmt;
}

/* The compiled pattern for this call (args[1]); NULL after fn_error. */
static const JFmt *get_fmt(FnCtx *ctx, const Value *pat, int *rc)
{
    const DtSite *s = ctx->call ? ctx->call->state : NULL;
    const char *msg;
    const JFmt *f;
    if (s && s->fmt_literal) {
        f = s->fmt;
        msg = s->fmt_err;
    } else {
        f = fmt_cached(pat->u.s, pat->len, &msg);
    }
    if (!f) *rc = fn_error(ctx, "Unknown format pattern '%.*s': %s", (int)pat->len, pat->u.s, msg);
    return f;
}

static const Tz *get_tz(FnCtx *ctx, int slot, const Value *id, int *rc)
{
    const DtSite *s = ctx->call ? ctx->call->state : NULL;
    const Tz *z = s && s->tz_literal[slot] ? s->tz[slot] : tz_get(id->u.s, id->len);
    if (!z) *rc = fn_error(ctx, "Unknown time-zone ID: %.*s", (int)id->len, id->u.s);
    return z;
}

static bool get_unit(FnCtx *ctx, const Value *unit, int64_t *num, int64_t *den, int *rc)
{
    const DtSite *s = ctx->call ? ctx->call->state : NULL;
    if (s && s->unit_literal) {
        *num = s->unit_num;
        *den = s->unit_den;
        return true;
    }
    if (!fn_time_unit(unit->u.s, unit->len, num, den)) {
        *rc = fn_error(ctx, "Unknown time unit: '%.*s'", (int)unit->len, unit->u.s);
        return false;
    }
    return true;
}

/* TimeUnit.toMillis(interval), truncating sub-millisecond units. */
static int64_t unit_millis(int64_t interval, int64_t num, int64_t den)
{
    return den > 1 ? interval / den : interval * num;
}

/* ---------------------------------------------------------------- conversions */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
    return q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
    return a - floor_div(a, b) * b;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Fields of a timestamp in a zone. */
static void ts_fields(int64_t ms, const Tz *z, JTime *t)
{
    memset(t, 0, sizeof *t);
    int64_t sec = floor_div(ms, 1000);
    int32_t off = tz_offset_at(z, sec);
    int64_t local = sec + off;
    int64_t day = floor_div(local, 86400);
    int64_t sod = local - day * 86400;
    int64_t y;
    unsigned m, d;
    civil_from_days(day, &y, &m, &d);
    t->has_date = t->has_time = t->has_zone = true;
    t->year = y;
    t->month = (int)m;
    t->day = (int)d;
    t->hour = (int)(sod / 3600);
    t->minute = (int)(sod / 60 % 60);
    t->second = (int)(sod % 60);
    t->nano = (int32_t)(floor_mod(ms, 1000) * 1000000);
    t->zone = z;
    t->offset = off;
    t->epoch_sec = sec;
}

static void date_fields(int64_t days, JTime *t)
{
    memset(t, 0, sizeof *t);
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    t->has_date = true;
    t->year = y;
    t->month = (int)m;
    t->day = (int)d;
}

static void time_fields(int64_t ms, JTime *t)
{
    memset(t, 0, sizeof *t);
    t->has_time = true;
    t->hour = (int)(ms / 3600000);
    t->minute = (int)(ms / 60000 % 60);
    t->second = (int)(ms / 1000 % 60);
    t->nano = (int32_t)(ms % 1000 * 1000000);
}

static int format_with(FnCtx *ctx, const JTime *t, const Value *pat, const char *what,
                       const Value *shown, Value *out)
{
    int rc = 0;
    const JFmt *f = get_fmt(ctx, pat, &rc);
    if (!f) return rc;
    ABuf b;
    fn_abuf_init(&b, ctx->arena, 32);
    char err[200];
    if (jfmt_format(f, t, &b, err, sizeof err) < 0) {
        ABuf v;
        fn_abuf_init(&v, ctx->arena, 32);
        fn_put_value(&v, shown);
        return fn_error(ctx, "Failed to format %s %.*s with formatter '%.*s': %s", what, (int)v.len,
                        v.p, (int)pat->len, pat->u.s, err);
    }
    *out = fn_abuf_string(&b);
    return 0;
}

/* Parses text with the pattern; on failure reports ksqlDB's "Failed to parse ..." text. */
static int parse_with(FnCtx *ctx, const Value *text, const Value *pat, const char *what, JParsed *p)
{
    int rc = 0;
    const JFmt *f = get_fmt(ctx, pat, &rc);
    if (!f) return rc;
    char err[300];
    if (jfmt_parse(f, text->u.s, text->len, p, err, sizeof err) < 0)
        return fn_error(ctx, "Failed to parse %s '%.*s' with formatter '%.*s': %s", what,
                        (int)text->len, text->u.s, (int)pat->len, pat->u.s, err);
    return 0;
}

static int64_t parsed_days(const JParsed *p)
{
    int64_t y = p->has_year ? p->year : 1970;
    int m = p->has_month ? p->month : 1;
    int d = p->has_day ? p->day : 1;
    return days_from_civil(y, (unsigned)m, (unsigned)d);
}

static int64_t parsed_ms_of_day(const JParsed *p)
{
    return ((int64_t)(p->has_hour ? p->hour : 0) * 3600 + (p->has_minute ? p->minute : 0) * 60 +
            (p->has_second ? p->second : 0)) *
               1000 +
           (p->has_nano ? p->nano / 1000000 : 0);
}

#define NULL_IF_ANY_NULL()                                                                         \
    do {                                                                                           \
        if (fn_any_null(nargs, args)) {                                                            \
            *out = val_null();                                                                     \
            return 0;                                                                              \
        }                                                                                          \
    } while (0)

/* ---------------------------------------------------------------- functions */

static int d_unix_timestamp(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)ctx;
    if (nargs == 0) {
        *out = val_bigint(now_ms());
        return 0;
    }
    *out = args[0].kind == TYPE_NULL ? val_null() : val_bigint(args[0].u.l);
    return 0;
}

static int d_unix_date(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)ctx;
    if (nargs == 0) {
        *out = val_int((int32_t)floor_div(now_ms(), MS_PER_DAY));
        return 0;
    }
    *out = args[0].kind == TYPE_NULL ? val_null() : val_int(args[0].u.i);
    return 0;
}

static int d_from_unixtime(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)ctx;
    NULL_IF_ANY_NULL();
    *out = val_timestamp(args[0].u.l);
    return 0;
}

static int d_from_days(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)ctx;
    NULL_IF_ANY_NULL();
    *out = val_date(args[0].u.i);
    return 0;
}

/* DATEADD/DATESUB(unit, interval, date): epoch days of (date millis +- unit millis),
 * truncated toward zero as TimeUnit.MILLISECONDS.toDays does. */
static int date_add(FnCtx *ctx, int nargs, const Value *args, Value *out, int sign)
{
    NULL_IF_ANY_NULL();
    int64_t num, den;
    int rc = 0;
    if (!get_unit(ctx, &args[0], &num, &den, &rc)) return rc;
    int64_t iv = args[1].kind == TYPE_BIGINT ? args[1].u.l : args[1].u.i;
    int64_t ms = (int64_t)args[2].u.i * MS_PER_DAY + sign * unit_millis(iv, num, den);
    *out = val_date((int32_t)(ms / MS_PER_DAY));
    return 0;
}

static int d_dateadd(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    return date_add(ctx, nargs, args, out, 1);
}

static int d_datesub(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    return date_add(ctx, nargs, args, out, -1);
}

static int time_add(FnCtx *ctx, int nargs, const Value *args, Value *out, int sign)
{
    NULL_IF_ANY_NULL();
    int64_t num, den;
    int rc = 0;
    if (!get_unit(ctx, &args[0], &num, &den, &rc)) return rc;
    int64_t iv = args[1].kind == TYPE_BIGINT ? args[1].u.l : args[1].u.i;
    int64_t ms = args[2].u.i + sign * unit_millis(iv, num, den);
    *out = val_time((int32_t)floor_mod(ms, MS_PER_DAY));
    return 0;
}

static int d_timeadd(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    return time_add(ctx, nargs, args, out, 1);
}

static int d_timesub(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    return time_add(ctx, nargs, args, out, -1);
}

static int ts_add(FnCtx *ctx, int nargs, const Value *args, Value *out, int sign)
{
    NULL_IF_ANY_NULL();
    int64_t num, den;
    int rc = 0;
    if (!get_unit(ctx, &args[0], &num, &den, &rc)) return rc;
    int64_t iv = args[1].kind == TYPE_BIGINT ? args[1].u.l : args[1].u.i;
    *out = val_timestamp(args[2].u.l + sign * unit_millis(iv, num, den));
    return 0;
}

static int d_timestampadd(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    return ts_add(ctx, nargs, args, out, 1);
}

static int d_timestampsub(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    return ts_add(ctx, nargs, args, out, -1);
}

/* CONVERT_TZ(ts, from, to): shifts by the difference of the zones' offsets at ts. */
static int d_convert_tz(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    NULL_IF_ANY_NULL();
    int rc = 0;
    const Tz *from = get_tz(ctx, 0, &args[1], &rc);
    if (!from) return rc;
    const Tz *to = get_tz(ctx, 1, &args[2], &rc);
    if (!to) return rc;
    int64_t ms = args[0].u.l, sec = floor_div(ms, 1000);
    int64_t shift = (int64_t)(tz_offset_at(to, sec) - tz_offset_at(from, sec)) * 1000;
    *out = val_timestamp(ms + shift);
    return 0;
}

/* FORMAT_TIMESTAMP / TIMESTAMPTOSTRING (ts or BIGINT, pattern[, zone]). */
static int d_format_timestamp(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    NULL_IF_ANY_NULL();
    int rc = 0;
    const Tz *z = tz_utc();
    if (nargs > 2 && !(z = get_tz(ctx, 0, &args[2], &rc))) return rc;
    JTime t;
    ts_fields(args[0].u.l, z, &t);
    Value shown = val_timestamp(args[0].u.l);
    return format_with(ctx, &t, &args[1], "timestamp", &shown, out);
}

static int d_format_date(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    NULL_IF_ANY_NULL();
    JTime t;
    date_fields(args[0].u.i, &t);
    Value shown = val_date(args[0].u.i);
    return format_with(ctx, &t, &args[1], "date", &shown, out);
}

static int d_format_time(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    NULL_IF_ANY_NULL();
    JTime t;
    time_fields(args[0].u.i, &t);
    Value shown = val_time(args[0].u.i);
    return format_with(ctx, &t, &args[1], "time", &shown, out);
}

/* PARSE_TIMESTAMP / STRINGTOTIMESTAMP (text, pattern[, zone]): missing fields default to
 * 1970-01-01T00:00; a zone or offset in the text wins over the zone argument. */
static int d_parse_timestamp(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    NULL_IF_ANY_NULL();
    int rc = 0;
    const Tz *z = tz_utc();
    if (nargs > 2 && !(z = get_tz(ctx, 0, &args[2], &rc))) return rc;
    JParsed p;
    rc = parse_with(ctx, &args[0], &args[1], "timestamp", &p);
    if (rc < 0) return rc;
    int64_t local = parsed_days(&p) * 86400 + parsed_ms_of_day(&p) / 1000;
    int64_t ms_frac = parsed_ms_of_day(&p) % 1000;
    int64_t sec;
    if (p.has_offset)
        sec = local - p.offset;
    else
        sec = tz_local_to_epoch(p.has_zone ? p.zone : z, local, NULL);
    int64_t ms = sec * 1000 + ms_frac;
    *out = ctx->call->ret->kind == TYPE_BIGINT ? val_bigint(ms) : val_timestamp(ms);
    return 0;
}

/* PARSE_DATE / STRINGTODATE (text, pattern): day and month default to 1. */
static int d_parse_date(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    NULL_IF_ANY_NULL();
    JParsed p;
    int rc = parse_with(ctx, &args[0], &args[1], "date", &p);
    if (rc < 0) return rc;
    int64_t days = parsed_days(&p);
    *out = ctx->call->ret->kind == TYPE_INT ? val_int((int32_t)days) : val_date((int32_t)days);
    return 0;
}

static int d_parse_time(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    NULL_IF_ANY_NULL();
    JParsed p;
    int rc = parse_with(ctx, &args[0], &args[1], "time", &p);
    if (rc < 0) return rc;
    if (!p.has_hour)
        return fn_error(ctx,
                        "Failed to parse time '%.*s' with formatter '%.*s': Unable to obtain "
                        "LocalTime from the parsed fields",
                        (int)args[0].len, args[0].u.s, (int)args[1].len, args[1].u.s);
    *out = val_time((int32_t)parsed_ms_of_day(&p));
    return 0;
}

/* DATETOSTRING(days INT, pattern). */
static int d_datetostring(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    return d_format_date(ctx, nargs, args, out);
}

/* ---------------------------------------------------------------- table */

#define DT(NAME, vs, desc)                                                                         \
    {                                                                                              \
        .name = NAME, .kind = FN_SCALAR, .category = "DATE / TIME", .description = desc,           \
        FN_VARIANTS(vs)                                                                            \
    }

static const FnVariant v_unix_timestamp[] = {
    {.params = "",
     .returns = "BIGINT",
     .description = "Returns the current time as milliseconds since the epoch.",
     .impl = d_unix_timestamp},
    {.params = "TIMESTAMP timestamp",
     .returns = "BIGINT",
     .description = "Returns the timestamp as milliseconds since the epoch.",
     .impl = d_unix_timestamp},
};
static const FnVariant v_unix_date[] = {
    {.params = "",
     .returns = "INT",
     .description = "Returns the current date as days since the epoch.",
     .impl = d_unix_date},
    {.params = "DATE date",
     .returns = "INT",
     .description = "Returns the date as days since the epoch.",
     .impl = d_unix_date},
};
static const FnVariant v_from_unixtime[] = {
    {.params = "BIGINT epochMilli",
     .returns = "TIMESTAMP",
     .description = "Converts milliseconds since the epoch to a TIMESTAMP.",
     .impl = d_from_unixtime},
};
static const FnVariant v_from_days[] = {
    {.params = "INT days",
     .returns = "DATE",
     .description = "Converts days since the epoch to a DATE.",
     .impl = d_from_days},
};

#define ADD_VARIANTS(cname, fn, T, what)                                                           \
    static const FnVariant cname[] = {                                                             \
        {.params = "INTERVALUNIT unit, INT interval, " T " "                                       \
                   "value",                                                                        \
         .returns = T,                                                                             \
         .description = what,                                                                      \
         .impl = fn,                                                                               \
         .prepare = prep_unit},                                                                    \
        {.params = "INTERVALUNIT unit, BIGINT interval, " T " "                                    \
                   "value",                                                                        \
         .returns = T,                                                                             \
         .description = what,                                                                      \
         .impl = fn,                                                                               \
         .prepare = prep_unit},                                                                    \
    };

#define ADD_VARIANT_INT(cname, fn, T, what)                                                        \
    static const FnVariant cname[] = {                                                             \
        {.params = "INTERVALUNIT unit, INT interval, " T " "                                       \
                   "value",                                                                        \
         .returns = T,                                                                             \
         .description = what,                                                                      \
         .impl = fn,                                                                               \
         .prepare = prep_unit},                                                                    \
    };

ADD_VARIANT_INT(v_dateadd, d_dateadd, "DATE", "Adds an interval to a date.")
ADD_VARIANT_INT(v_datesub, d_datesub, "DATE", "Subtracts an interval from a date.")
ADD_VARIANT_INT(v_timeadd, d_timeadd, "TIME",
                "Adds an interval to a time (wrapping around midnight).")
ADD_VARIANT_INT(v_timesub, d_timesub, "TIME",
                "Subtracts an interval from a time (wrapping around midnight).")
ADD_VARIANTS(v_timestampadd, d_timestampadd, "TIMESTAMP", "Adds an interval to a timestamp.")
ADD_VARIANTS(v_timestampsub, d_timestampsub, "TIMESTAMP", "Subtracts an interval from a timestamp.")

static const FnVariant v_convert_tz[] = {
    {.params = "TIMESTAMP timestamp, STRING fromTimeZone, STRING toTimeZone",
     .returns = "TIMESTAMP",
     .description = "Converts a timestamp from one time zone to another.",
     .impl = d_convert_tz,
     .prepare = prep_tz2},
};
static const FnVariant v_format_timestamp[] = {
    {.params = "TIMESTAMP timestamp, STRING formatPattern",
     .returns = "STRING",
     .description = "Formats a timestamp in UTC with a Java DateTimeFormatter pattern.",
     .impl = d_format_timestamp,
     .prepare = prep_fmt},
    {.params = "TIMESTAMP timestamp, STRING formatPattern, STRING timeZone",
     .returns = "STRING",
     .description = "Formats a timestamp in the given time zone.",
     .impl = d_format_timestamp,
     .prepare = prep_fmt},
};
static const FnVariant v_format_date[] = {
    {.params = "DATE date, STRING formatPattern",
     .returns = "STRING",
     .description = "Formats a date with a Java DateTimeFormatter pattern.",
     .impl = d_format_date,
     .prepare = prep_fmt},
};
static const FnVariant v_format_time[] = {
    {.params = "TIME time, STRING formatPattern",
     .returns = "STRING",
     .description = "Formats a time with a Java DateTimeFormatter pattern.",
     .impl = d_format_time,
     .prepare = prep_fmt},
};
static const FnVariant v_parse_timestamp[] = {
    {.params = "STRING formattedTimestamp, STRING formatPattern",
     .returns = "TIMESTAMP",
     .description = "Parses a timestamp string in UTC (unless it has a zone).",
     .impl = d_parse_timestamp,
     .prepare = prep_fmt},
    {.params = "STRING formattedTimestamp, STRING formatPattern, STRING timeZone",
     .returns = "TIMESTAMP",
     .description = "Parses a timestamp string in the given time zone.",
     .impl = d_parse_timestamp,
     .prepare = prep_fmt},
};
static const FnVariant v_parse_date[] = {
    {.params = "STRING formattedDate, STRING formatPattern",
     .returns = "DATE",
     .description = "Parses a date string.",
     .impl = d_parse_date,
     .prepare = prep_fmt},
};
static const FnVariant v_parse_time[] = {
    {.params = "STRING formattedTime, STRING formatPattern",
     .returns = "TIME",
     .description = "Parses a time string.",
     .impl = d_parse_time,
     .prepare = prep_fmt},
};
static const FnVariant v_datetostring[] = {
    {.params = "INT epochDays, STRING formatPattern",
     .returns = "STRING",
     .description = "Formats days since the epoch as a date string (deprecated: use FORMAT_DATE).",
     .impl = d_datetostring,
     .prepare = prep_fmt},
};
static const FnVariant v_stringtodate[] = {
    {.params = "STRING formattedDate, STRING formatPattern",
     .returns = "INT",
     .description = "Parses a date string into days since the epoch (deprecated: use PARSE_DATE).",
     .impl = d_parse_date,
     .prepare = prep_fmt},
};
static const FnVariant v_stringtotimestamp[] = {
    {.params = "STRING formattedTimestamp, STRING formatPattern",
     .returns = "BIGINT",
     .description =
         "Parses a timestamp string into epoch milliseconds (deprecated: use PARSE_TIMESTAMP).",
     .impl = d_parse_timestamp,
     .prepare = prep_fmt},
    {.params = "STRING formattedTimestamp, STRING formatPattern, STRING timeZone",
     .returns = "BIGINT",
     .description = "Parses a timestamp string in a time zone into epoch milliseconds.",
     .impl = d_parse_timestamp,
     .prepare = prep_fmt},
};
static const FnVariant v_timestamptostring[] = {
    {.params = "BIGINT epochMilli, STRING formatPattern",
     .returns = "STRING",
     .description = "Formats epoch milliseconds as a string (deprecated: use FORMAT_TIMESTAMP).",
     .impl = d_format_timestamp,
     .prepare = prep_fmt},
    {.params = "BIGINT epochMilli, STRING formatPattern, STRING timeZone",
     .returns = "STRING",
     .description = "Formats epoch milliseconds as a string in a time zone.",
     .impl = d_format_timestamp,
     .prepare = prep_fmt},
};

static const FnDef datetime_defs[] = {
    DT("CONVERT_TZ", v_convert_tz, "Converts a TIMESTAMP from one time zone to another."),
    DT("DATEADD", v_dateadd, "Adds an interval to a DATE."),
    DT("DATESUB", v_datesub, "Subtracts an interval from a DATE."),
    DT("DATETOSTRING", v_datetostring, "Converts an INT date to a string (deprecated)."),
    DT("FORMAT_DATE", v_format_date, "Formats a DATE as a string."),
    DT("FORMAT_TIME", v_format_time, "Formats a TIME as a string."),
    DT("FORMAT_TIMESTAMP", v_format_timestamp, "Formats a TIMESTAMP as a string."),
    DT("FROM_DAYS", v_from_days, "Converts days since the epoch to a DATE."),
    DT("FROM_UNIXTIME", v_from_unixtime, "Converts milliseconds since the epoch to a TIMESTAMP."),
    DT("PARSE_DATE", v_parse_date, "Parses a string into a DATE."),
    DT("PARSE_TIME", v_parse_time, "Parses a string into a TIME."),
    DT("PARSE_TIMESTAMP", v_parse_timestamp, "Parses a string into a TIMESTAMP."),
    DT("STRINGTODATE", v_stringtodate, "Converts a string to an INT date (deprecated)."),
    DT("STRINGTOTIMESTAMP", v_stringtotimestamp,
       "Converts a string to a BIGINT timestamp (deprecated)."),
    DT("TIMEADD", v_timeadd, "Adds an interval to a TIME."),
    DT("TIMESTAMPADD", v_timestampadd, "Adds an interval to a TIMESTAMP."),
    DT("TIMESTAMPSUB", v_timestampsub, "Subtracts an interval from a TIMESTAMP."),
    DT("TIMESTAMPTOSTRING", v_timestamptostring,
       "Converts a BIGINT timestamp to a string (deprecated)."),
    DT("TIMESUB", v_timesub, "Subtracts an interval from a TIME."),
    DT("UNIX_DATE", v_unix_date, "Returns the current date, or a DATE, as days since the epoch."),
    DT("UNIX_TIMESTAMP", v_unix_timestamp,
       "Returns the current time, or a TIMESTAMP, as epoch milliseconds."),
};

FN_FAMILY(datetime_defs);
