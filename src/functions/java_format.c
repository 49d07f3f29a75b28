/*
 * java_format.c - Java DateTimeFormatter patterns ("yyyy-MM-dd'T'HH:mm:ss.SSSXXX"):
 * compilation, formatting and parsing in the ISO calendar with the English/US locale
 * texts ksqlDB gets by default (Jan, Monday, AM, weeks starting on Sunday).
 *
 * The pattern language is DateTimeFormatterBuilder.appendPattern's: letter runs are
 * fields, 'text' is quoted ('' is a quote), [ ] are optional sections, other characters
 * are literals. Parsing is case-insensitive (ksqlDB's parsers set parseCaseInsensitive),
 * variable-width numbers leave room for fixed-width numbers that follow them directly
 * ("yyyyMMdd"), and errors carry Java's texts ("Text '...' could not be parsed at index
 * 4"). Resolution of the parsed fields into a date or time is left to the caller.
 */
#include "functions_int.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

typedef enum JTokKind { JT_LIT, JT_FIELD, JT_OPT_START, JT_OPT_END } JTokKind;

typedef struct JTok {
    JTokKind kind;
    char letter;
    int count;
    int pad;         /* 'p' modifier width, 0 when none */
    const char *lit; /* JT_LIT text */
    size_t litn;
    int match; /* JT_OPT_START: index of its JT_OPT_END */
} JTok;

struct JFmt {
    int n;
    JTok *t;
    char *pattern;
};

static const char *const month_short[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *const month_long[] = {"January",   "February", "March",    "April",
                                         "May",       "June",     "July",     "August",
                                         "September", "October",  "November", "December"};
static const char *const dow_short[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
static const char *const dow_long[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                       "Friday", "Saturday", "Sunday"};

/* ---------------------------------------------------------------- compile */

static int max_count(char c)
{
    switch (c) {
    case 'G':
    case 'M':
    case 'L':
    case 'Q':
    case 'q':
    case 'E':
    case 'e':
    case 'c':
    case 'X':
    case 'x':
    case 'Z': return 5;
    case 'd':
    case 'h':
    case 'K':
    case 'k':
    case 'H':
    case 'm':
    case 's':
    case 'w': return 2;
    case 'D': return 3;
    case 'S': return 9;
    case 'z': return 4;
    case 'O': return 4;
    case 'a':
    case 'W':
    case 'F': return 1;
    case 'V': return 2;
    case 'v': return 4;
    case 'y':
    case 'u':
    case 'Y':
    case 'n':
    case 'A':
    case 'N': return 19;
    default: return -1;
    }
}

JFmt *jfmt_compile(Arena *a, const char *pat, size_t n, char *err, size_t errn)
{
    JFmt *f = arena_zalloc(a, sizeof *f);
    f->pattern = arena_strndup(a, pat, n);
    size_t cap = 16;
    f->t = arena_alloc(a, sizeof(JTok) * cap);
    int stack[16], depth = 0, pad = 0;
    for (size_t i = 0; i < n;) {
        if ((size_t)f->n + 2 >= cap) {
            f->t = arena_realloc(a, f->t, sizeof(JTok) * cap, sizeof(JTok) * cap * 2);
            cap *= 2;
        }
        JTok *t = &f->t[f->n];
        memset(t, 0, sizeof *t);
        char c = pat[i];
        if (isalpha((unsigned char)c)) {
            size_t st = i;
            while (i < n && pat[i] == c)
                i++;
            int count = (int)(i - st);
            if (c == 'p') {
                pad = count;
                continue;
            }
            int mx = max_count(c);
            if (mx < 0) {
                snprintf(err, errn, "Unknown pattern letter: %c", c);
                return NULL;
            }
            if (count > mx || (c == 'V' && count != 2) || (c == 'O' && count != 1 && count != 4) ||
                (c == 'c' && count == 2)) {
                if (c == 'V')
                    snprintf(err, errn, "Pattern letter count must be 2: %c", c);
                else
                    snprintf(err, errn, "Too many pattern letters: %c", c);
                return NULL;
            }
            t->kind = JT_FIELD;
            t->letter = c;
            t->count = count;
            t->pad = pad;
            pad = 0;
            f->n++;
            continue;
        }
        if (c == '\'') {
            size_t j = i + 1;
            char *buf = arena_alloc(a, n - i + 1);
            size_t k = 0;
            if (j < n && pat[j] == '\'') { /* '' is a quote */
                buf[k++] = '\'';
                i = j + 1;
            } else {
                bool closed = false;
                while (j < n) {
                    if (pat[j] == '\'') {
                        if (j + 1 < n && pat[j + 1] == '\'') {
                            buf[k++] = '\'';
                            j += 2;
                            continue;
                        }
                        closed = true;
                        break;
                    }
                    buf[k++] = pat[j++];
                }
                if (!closed) {
                    snprintf(err, errn, "Pattern ends with an incomplete string literal: %.*s",
                             (int)n, pat);
                    return NULL;
                }
                i = j + 1;
            }
            t->kind = JT_LIT;
            t->lit = buf;
            t->litn = k;
            f->n++;
            continue;
        }
        if (c == '[') {
            if (depth == 16) {
                snprintf(err, errn, "Pattern nests optional sections too deeply");
                return NULL;
            }
            t->kind = JT_OPT_START;
            stack[depth++] = f->n;
            f->n++;
            i++;
            continue;
        }
        if (c == ']') {
            if (depth == 0) {
                snprintf(err, errn, "Pattern invalid as it contains ] without previous [");
                return NULL;
            }
            t->kind = JT_OPT_END;
            f->t[stack[--depth]].match = f->n;
            f->n++;
            i++;
            continue;
        }
        if (c == '{' || c == '}' || c == '#') {
            snprintf(err, errn, "Pattern includes reserved character: '%c'", c);
            return NULL;
        }
        t->kind = JT_LIT;
        t->lit = f->pattern + i; /* the arena copy: the caller's text may not outlive f */
        t->litn = 1;
        f->n++;
        i++;
    }
    while (depth > 0)
        f->t[stack[--depth]].match = f->n; /* unclosed '[' runs to the end */
    return f;
}

const char *jfmt_pattern(const JFmt *f)
{
    return f->pattern;
}

/* ---------------------------------------------------------------- calendar helpers */

static bool leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_len(int64_t y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return d[m - 1] + (m == 2 && leap(y));
}

/* ISO day of week, 1 = Monday. */
static int iso_dow(int64_t epoch_day)
{
    return (int)(((epoch_day + 3) % 7 + 7) % 7) + 1;
}

static const char *field_name(char c)
{
    switch (c) {
    case 'G': return "Era";
    case 'u': return "Year";
    case 'y': return "YearOfEra";
    case 'D': return "DayOfYear";
    case 'M':
    case 'L': return "MonthOfYear";
    case 'd': return "DayOfMonth";
    case 'Q':
    case 'q': return "QuarterOfYear";
    case 'Y': return "WeekBasedYear";
    case 'w': return "WeekOfWeekBasedYear";
    case 'W': return "WeekOfMonth";
    case 'E':
    case 'e':
    case 'c': return "DayOfWeek";
    case 'F': return "AlignedWeekOfMonth";
    case 'a': return "AmPmOfDay";
    case 'h': return "ClockHourOfAmPm";
    case 'K': return "HourOfAmPm";
    case 'k': return "ClockHourOfDay";
    case 'H': return "HourOfDay";
    case 'm': return "MinuteOfHour";
    case 's': return "SecondOfMinute";
    case 'S':
    case 'n': return "NanoOfSecond";
    case 'A': return "MilliOfDay";
    case 'N': return "NanoOfDay";
    default: return "OffsetSeconds";
    }
}

static bool is_date_letter(char c)
{
    return strchr("GuyDMLdQqYwWEecF", c) != NULL;
}

static bool is_time_letter(char c)
{
    return strchr("ahKkHmsSAnN", c) != NULL;
}

static bool is_zone_letter(char c)
{
    return strchr("VvzOXxZ", c) != NULL;
}

/* ---------------------------------------------------------------- format */

static void put_num(ABuf *b, int64_t v, int width)
{
    char tmp[32];
    bool neg = v < 0;
    uint64_t u = neg ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    int k = 0;
    do {
        tmp[k++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (neg) fn_abuf_putc(b, '-');
    for (int i = k; i < width; i++)
        fn_abuf_putc(b, '0');
    while (k)
        fn_abuf_putc(b, tmp[--k]);
}

/* Offset as +HH[:]MM[[:]ss] per pattern; `zero` is printed for 0 when non-NULL. */
static void put_offset(ABuf *b, int32_t off, bool colon, bool need_minutes, bool allow_seconds,
                       const char *zero)
{
    if (off == 0 && zero) {
        fn_abuf_puts(b, zero);
        return;
    }
    int32_t a = off < 0 ? -off : off;
    int h = a / 3600, m = a / 60 % 60, s = a % 60;
    fn_abuf_putc(b, off < 0 ? '-' : '+');
    put_num(b, h, 2);
    if (need_minutes || m || (allow_seconds && s)) {
        if (colon) fn_abuf_putc(b, ':');
        put_num(b, m, 2);
    }
    if (allow_seconds && s) {
        if (colon) fn_abuf_putc(b, ':');
        put_num(b, s, 2);
    }
}

static void put_gmt_offset(ABuf *b, int32_t off, bool full)
{
    fn_abuf_puts(b, "GMT");
    if (off == 0) return;
    int32_t a = off < 0 ? -off : off;
    int h = a / 3600, m = a / 60 % 60, s = a % 60;
    fn_abuf_putc(b, off < 0 ? '-' : '+');
    if (full) {
        put_num(b, h, 2);
        fn_abuf_putc(b, ':');
        put_num(b, m, 2);
    } else {
        put_num(b, h, 1);
        if (m || s) {
            fn_abuf_putc(b, ':');
            put_num(b, m, 2);
        }
    }
    if (s) {
        fn_abuf_putc(b, ':');
        put_num(b, s, 2);
    }
}

static void put_text(ABuf *b, const char *s)
{
    fn_abuf_puts(b, s);
}

/* US week fields: weeks start on Sunday; week 1 contains January 1st. */
static void us_week(int64_t y, int64_t epoch_day, int64_t *wby, int *woy)
{
    int64_t jan1 = days_from_civil(y, 1, 1);
    int64_t next_jan1 = days_from_civil(y + 1, 1, 1);
    int f_next = iso_dow(next_jan1) % 7; /* 0 = Sunday */
    if (epoch_day >= next_jan1 - f_next) {
        *wby = y + 1;
        *woy = 1;
        return;
    }
    int f = iso_dow(jan1) % 7;
    *wby = y;
    *woy = (int)((epoch_day - jan1 + f) / 7) + 1;
}

static int fmt_field(const JTok *t, const JTime *tm, ABuf *b, char *err, size_t errn)
{
    char c = t->letter;
    int n = t->count;
    if ((is_date_letter(c) && !tm->has_date) || (is_time_letter(c) && !tm->has_time)) {
        snprintf(err, errn, "Unsupported field: %s", field_name(c));
        return -1;
    }
    if (is_zone_letter(c) && !tm->has_zone) {
        if (c == 'V' || c == 'z' || c == 'v')
            snprintf(err, errn, "Unable to extract ZoneId from temporal");
        else
            snprintf(err, errn, "Unsupported field: OffsetSeconds");
        return -1;
    }
    int64_t eday =
        tm->has_date ? days_from_civil(tm->year, (unsigned)tm->month, (unsigned)tm->day) : 0;
    switch (c) {
    case 'G':
        put_text(b, n == 4   ? (tm->year > 0 ? "Anno Domini" : "Before Christ")
                    : n == 5 ? (tm->year > 0 ? "A" : "B")
                             : (tm->year > 0 ? "AD" : "BC"));
        break;
    case 'u':
    case 'y':
    case 'Y': {
        int64_t y = tm->year;
        if (c == 'Y') {
            int w;
            us_week(tm->year, eday, &y, &w);
        }
        if (c != 'u' && y <= 0) y = 1 - y; /* year of era */
        if (n == 2) {
            put_num(b, ((y % 100) + 100) % 100, 2);
        } else if (n >= 4 && y > 9999 && c != 'Y') {
            fn_abuf_putc(b, '+');
            put_num(b, y, n);
        } else {
            put_num(b, y, n);
        }
        break;
    }
    case 'M':
    case 'L':
        if (n >= 3)
            put_text(b, n == 3   ? month_short[tm->month - 1]
                        : n == 4 ? month_long[tm->month - 1]
                                 : (char[2]){month_long[tm->month - 1][0], 0});
        else
            put_num(b, tm->month, n);
        break;
    case 'd': put_num(b, tm->day, n); break;
    case 'D': {
        int64_t doy = eday - days_from_civil(tm->year, 1, 1) + 1;
        put_num(b, doy, n);
        break;
    }
    case 'Q':
    case 'q': {
        int q = (tm->month - 1) / 3 + 1;
        if (n <= 2)
            put_num(b, q, n);
        else if (n == 3)
            fn_abuf_printf(b, "Q%d", q);
        else if (n == 4)
            fn_abuf_printf(b, "%d%s quarter", q,
                           q == 1   ? "st"
                           : q == 2 ? "nd"
                           : q == 3 ? "rd"
                                    : "th");
        else
            put_num(b, q, 1);
        break;
    }
    case 'w':
    case 'W': {
        if (c == 'w') {
            int64_t y;
            int w;
            us_week(tm->year, eday, &y, &w);
            put_num(b, w, n);
        } else {
            int f = iso_dow(days_from_civil(tm->year, (unsigned)tm->month, 1)) % 7;
            put_num(b, (tm->day - 1 + f) / 7 + 1, n);
        }
        break;
    }
    case 'E':
    case 'e':
    case 'c': {
        int dow = iso_dow(eday);
        if (c != 'E' && n <= 2) {
            put_num(b, dow % 7 + 1, n);
        } else {
            put_text(b, n == 4   ? dow_long[dow - 1]
                        : n == 5 ? (char[2]){dow_long[dow - 1][0], 0}
                                 : dow_short[dow - 1]);
        }
        break;
    }
    case 'F': put_num(b, (tm->day - 1) / 7 + 1, n); break;
    case 'a': put_text(b, tm->hour < 12 ? "AM" : "PM"); break;
    case 'h': put_num(b, tm->hour % 12 == 0 ? 12 : tm->hour % 12, n); break;
    case 'K': put_num(b, tm->hour % 12, n); break;
    case 'k': put_num(b, tm->hour == 0 ? 24 : tm->hour, n); break;
    case 'H': put_num(b, tm->hour, n); break;
    case 'm': put_num(b, tm->minute, n); break;
    case 's': put_num(b, tm->second, n); break;
    case 'S': {
        char d9[10];
        snprintf(d9, sizeof d9, "%09d", tm->nano);
        fn_abuf_put(b, d9, (size_t)n);
        break;
    }
    case 'n': put_num(b, tm->nano, n); break;
    case 'A':
        put_num(b,
                ((int64_t)tm->hour * 3600 + tm->minute * 60 + tm->second) * 1000 +
                    tm->nano / 1000000,
                n);
        break;
    case 'N':
        put_num(b,
                ((int64_t)tm->hour * 3600 + tm->minute * 60 + tm->second) * 1000000000LL + tm->nano,
                n);
        break;
    case 'V': put_text(b, tz_id(tm->zone)); break;
    case 'v':
    case 'z': {
        const char *ab = tz_abbrev_at(tm->zone, tm->epoch_sec, NULL);
        put_text(b, ab);
        break;
    }
    case 'O': put_gmt_offset(b, tm->offset, n == 4); break;
    case 'X':
    case 'x': {
        const char *zero = c == 'X' ? "Z" : NULL;
        switch (n) {
        case 1: put_offset(b, tm->offset, false, false, false, zero); break;
        case 2: put_offset(b, tm->offset, false, true, false, zero); break;
        case 3: put_offset(b, tm->offset, true, true, false, zero); break;
        case 4: put_offset(b, tm->offset, false, true, true, zero); break;
        default: put_offset(b, tm->offset, true, true, true, zero); break;
        }
        break;
    }
    case 'Z':
        if (n <= 3)
            put_offset(b, tm->offset, false, true, false, NULL);
        else if (n == 4)
            put_gmt_offset(b, tm->offset, true);
        else
            put_offset(b, tm->offset, true, true, true, "Z");
        break;
    default: snprintf(err, errn, "Unsupported field: %s", field_name(c)); return -1;
    }
    return 0;
}

static int fmt_range(const JFmt *f, int from, int to, const JTime *tm, ABuf *b, char *err,
                     size_t errn)
{
    for (int i = from; i < to; i++) {
        const JTok *t = &f->t[i];
        switch (t->kind) {
        case JT_LIT: fn_abuf_put(b, t->lit, t->litn); break;
        case JT_OPT_END: break;
        case JT_OPT_START: {
            /* An optional section prints only when all of its fields are available. */
            ABuf tmp;
            fn_abuf_init(&tmp, b->a, 32);
            char e2[8];
            if (fmt_range(f, i + 1, t->match, tm, &tmp, e2, sizeof e2) == 0)
                fn_abuf_put(b, tmp.p, tmp.len);
            i = t->match;
            break;
        }
        case JT_FIELD: {
            size_t before = b->len;
            if (fmt_field(t, tm, b, err, errn) < 0) return -1;
            if (t->pad && b->len - before < (size_t)t->pad) {
                size_t w = b->len - before, need = (size_t)t->pad - w;
                fn_abuf_put(b, "                ", need > 16 ? 16 : need);
                memmove(b->p + before + need, b->p + before, w);
                memset(b->p + before, ' ', need);
            }
            break;
        }
        }
    }
    return 0;
}

int jfmt_format(const JFmt *f, const JTime *t, ABuf *out, char *err, size_t errn)
{
    return fmt_range(f, 0, f->n, t, out, err, errn);
}

/* ---------------------------------------------------------------- parse */

typedef struct PState {
    const char *s;
    size_t n;
    size_t pos;
    size_t err_pos;
    JParsed *p;
    int ampm;              /* -1 none, 0 AM, 1 PM */
    int hour12;            /* h or K value, -1 none */
    bool clock_hour;       /* h (1-12) rather than K (0-11) */
    int era;               /* -1 none, 0 BC, 1 AD */
    bool yoe;              /* year parsed as year-of-era */
    const char *range_err; /* Invalid value ... message */
    char range_buf[128];
} PState;

static bool is_numeric_tok(const JTok *t)
{
    if (t->kind != JT_FIELD) return false;
    switch (t->letter) {
    case 'M':
    case 'L':
    case 'Q':
    case 'q':
    case 'e':
    case 'c': return t->count <= 2;
    case 'G':
    case 'E':
    case 'a':
    case 'V':
    case 'v':
    case 'z':
    case 'O':
    case 'X':
    case 'x':
    case 'Z': return false;
    default: return true;
    }
}

/* Fixed parse width of a numeric token, or 0 when variable. */
static int fixed_width(const JTok *t)
{
    char c = t->letter;
    int n = t->count;
    if (c == 'S') return n;
    if (c == 'y' || c == 'u' || c == 'Y') return n == 2 ? 2 : 0;
    if (c == 'D') return n == 3 ? 3 : 0;
    if (c == 'n' || c == 'A' || c == 'N') return 0;
    return n >= 2 ? n : 0;
}

static size_t count_digits(const char *s, size_t n, size_t pos)
{
    size_t k = 0;
    while (pos + k < n && isdigit((unsigned char)s[pos + k]))
        k++;
    return k;
}

static bool match_ci(const char *s, size_t n, size_t pos, const char *w)
{
    size_t k = strlen(w);
    return pos + k <= n && strncasecmp(s + pos, w, k) == 0;
}

/* Longest case-insensitive match among names; returns index or -1. */
static int match_names(const char *s, size_t n, size_t pos, const char *const *names, int count,
                       size_t *len)
{
    int best = -1;
    size_t bl = 0;
    for (int i = 0; i < count; i++) {
        size_t k = strlen(names[i]);
        if (k > bl && match_ci(s, n, pos, names[i])) {
            best = i;
            bl = k;
        }
    }
    *len = bl;
    return best;
}

static void set_range_err(PState *st, const char *field, int64_t lo, int64_t hi, int64_t v)
{
    snprintf(st->range_buf, sizeof st->range_buf,
             "Invalid value for %s (valid values %lld - %lld): %lld", field, (long long)lo,
             (long long)hi, (long long)v);
    st->range_err = st->range_buf;
}

/* Stores a parsed numeric value; false when out of range. */
static bool store_num(PState *st, const JTok *t, int64_t v, int digits)
{
    JParsed *p = st->p;
    char c = t->letter;
#define RANGE(lo, hi)                                                                              \
    do {                                                                                           \
        if (v < (lo) || v > (hi)) {                                                                \
            set_range_err(st, field_name(c), lo, hi, v);                                           \
            return false;                                                                          \
        }                                                                                          \
    } while (0)
    switch (c) {
    case 'y':
    case 'Y':
    case 'u':
        if (t->count == 2 && digits == 2) v += 2000;
        p->has_year = true;
        p->year = v;
        st->yoe = c != 'u';
        break;
    case 'M':
    case 'L':
        RANGE(1, 12);
        p->has_month = true;
        p->month = (int)v;
        break;
    case 'd':
        RANGE(1, 31);
        p->has_day = true;
        p->day = (int)v;
        break;
    case 'D':
        RANGE(1, 366);
        p->has_doy = true;
        p->doy = (int)v;
        break;
    case 'H':
        RANGE(0, 23);
        p->has_hour = true;
        p->hour = (int)v;
        break;
    case 'k':
        RANGE(1, 24);
        p->has_hour = true;
        p->hour = (int)(v % 24);
        break;
    case 'h':
        RANGE(1, 12);
        st->hour12 = (int)v;
        st->clock_hour = true;
        break;
    case 'K':
        RANGE(0, 11);
        st->hour12 = (int)v;
        st->clock_hour = false;
        break;
    case 'm':
        RANGE(0, 59);
        p->has_minute = true;
        p->minute = (int)v;
        break;
    case 's':
        RANGE(0, 59);
        p->has_second = true;
        p->second = (int)v;
        break;
    case 'S': {
        int64_t nano = v;
        for (int k = digits; k < 9; k++)
            nano *= 10;
        p->has_nano = true;
        p->nano = (int32_t)nano;
        break;
    }
    case 'n':
        RANGE(0, 999999999);
        p->has_nano = true;
        p->nano = (int32_t)v;
        break;
    case 'A':
        RANGE(0, 86399999);
        p->has_hour = p->has_minute = p->has_second = p->has_nano = true;
        p->hour = (int)(v / 3600000);
        p->minute = (int)(v / 60000 % 60);
        p->second = (int)(v / 1000 % 60);
        p->nano = (int32_t)(v % 1000 * 1000000);
        break;
    case 'N':
        RANGE(0, 86399999999999LL);
        p->has_hour = p->has_minute = p->has_second = p->has_nano = true;
        p->hour = (int)(v / 3600000000000LL);
        p->minute = (int)(v / 60000000000LL % 60);
        p->second = (int)(v / 1000000000LL % 60);
        p->nano = (int32_t)(v % 1000000000LL);
        break;
    case 'e':
    case 'c':
        RANGE(1, 7);
        p->dow = (int)((v + 5) % 7) + 1; /* US: 1 = Sunday */
        break;
    case 'Q':
    case 'q': RANGE(1, 4); break;
    default: break; /* week fields are accepted but not used for resolution */
    }
#undef RANGE
    return true;
}

static bool parse_offset_text(PState *st, const JTok *t)
{
    const char *s = st->s;
    size_t n = st->n, pos = st->pos;
    char c = t->letter;
    if (c == 'O' || (c == 'Z' && t->count == 4)) {
        if (!match_ci(s, n, pos, "GMT")) return false;
        pos += 3;
        if (pos >= n || (s[pos] != '+' && s[pos] != '-')) {
            st->p->has_offset = true;
            st->p->offset = 0;
            st->pos = pos;
            return true;
        }
    } else if (pos < n && (s[pos] == 'Z' || s[pos] == 'z') && c != 'x') {
        st->p->has_offset = true;
        st->p->offset = 0;
        st->pos = pos + 1;
        return true;
    }
    if (pos >= n || (s[pos] != '+' && s[pos] != '-')) return false;
    int sign = s[pos] == '-' ? -1 : 1;
    pos++;
    size_t hd = count_digits(s, n, pos);
    int h, m = 0, sec = 0;
    if (hd == 1) {
        h = s[pos] - '0';
        pos += 1;
    } else if (hd >= 2) {
        h = (s[pos] - '0') * 10 + (s[pos + 1] - '0');
        pos += 2;
    } else {
        return false;
    }
    bool colon = pos < n && s[pos] == ':';
    size_t mp = pos + (colon ? 1 : 0);
    if (count_digits(s, n, mp) >= 2) {
        m = (s[mp] - '0') * 10 + (s[mp + 1] - '0');
        pos = mp + 2;
        bool colon2 = pos < n && s[pos] == ':';
        size_t sp = pos + (colon2 ? 1 : 0);
        if ((colon2 == colon) && count_digits(s, n, sp) >= 2) {
            sec = (s[sp] - '0') * 10 + (s[sp + 1] - '0');
            pos = sp + 2;
        }
    }
    if (h > 18 || m > 59 || sec > 59) return false;
    st->p->has_offset = true;
    st->p->offset = sign * (h * 3600 + m * 60 + sec);
    st->pos = pos;
    return true;
}

static const struct {
    const char *abbr;
    const char *zone;
} zone_abbrevs[] = {
    {"UTC", "UTC"},
    {"GMT", "GMT"},
    {"UT", "UT"},
    {"Z", "Z"},
    {"PST", "America/Los_Angeles"},
    {"PDT", "America/Los_Angeles"},
    {"MST", "America/Denver"},
    {"MDT", "America/Denver"},
    {"CST", "America/Chicago"},
    {"CDT", "America/Chicago"},
    {"EST", "America/New_York"},
    {"EDT", "America/New_York"},
    {"HST", "Pacific/Honolulu"},
    {"AKST", "America/Anchorage"},
    {"AKDT", "America/Anchorage"},
    {"CET", "Europe/Paris"},
    {"CEST", "Europe/Paris"},
    {"BST", "Europe/London"},
    {"EET", "Europe/Athens"},
    {"EEST", "Europe/Athens"},
    {"WET", "Europe/Lisbon"},
    {"IST", "Asia/Kolkata"},
    {"JST", "Asia/Tokyo"},
    {"KST", "Asia/Seoul"},
    {"AEST", "Australia/Sydney"},
    {"AEDT", "Australia/Sydney"},
};

static bool parse_zone_text(PState *st, const JTok *t)
{
    const char *s = st->s;
    size_t n = st->n, pos = st->pos;
    if (t->letter == 'z' || t->letter == 'v') {
        size_t best = 0;
        const char *zone = NULL;
        for (size_t i = 0; i < sizeof zone_abbrevs / sizeof zone_abbrevs[0]; i++) {
            size_t k = strlen(zone_abbrevs[i].abbr);
            if (k > best && pos + k <= n && strncmp(s + pos, zone_abbrevs[i].abbr, k) == 0 &&
                !(pos + k < n && isalpha((unsigned char)s[pos + k]))) {
                best = k;
                zone = zone_abbrevs[i].zone;
            }
        }
        if (zone) {
            const Tz *z = tz_get(zone, strlen(zone));
            if (z) {
                st->p->has_zone = true;
                st->p->zone = z;
                st->pos = pos + best;
                return true;
            }
        }
    }
    /* A zone id: the longest prefix that names a zone. */
    size_t e = pos;
    while (e < n && (isalnum((unsigned char)s[e]) || s[e] == '/' || s[e] == '_' || s[e] == '+' ||
                     s[e] == '-' || s[e] == ':'))
        e++;
    for (size_t k = e; k > pos; k--) {
        const Tz *z = tz_get(s + pos, k - pos);
        if (z) {
            st->p->has_zone = true;
            st->p->zone = z;
            st->pos = k;
            return true;
        }
    }
    return false;
}

static bool parse_range(const JFmt *f, int from, int to, PState *st);

static bool parse_field(const JFmt *f, int i, int to, PState *st)
{
    const JTok *t = &f->t[i];
    const char *s = st->s;
    size_t n = st->n;
    char c = t->letter;
    if (is_numeric_tok(t)) {
        int fw = fixed_width(t);
        size_t avail = count_digits(s, n, st->pos);
        bool neg = false;
        size_t sign_len = 0;
        if (fw == 0 && (c == 'y' || c == 'u' || c == 'Y') && st->pos < n &&
            (s[st->pos] == '-' || s[st->pos] == '+')) {
            neg = s[st->pos] == '-';
            sign_len = 1;
            avail = count_digits(s, n, st->pos + 1);
        }
        size_t take;
        if (fw) {
            if (avail < (size_t)fw) return false;
            take = (size_t)fw;
        } else {
            /* Leave digits for fixed-width numbers that follow without a separator. */
            size_t reserved = 0;
            for (int k = i + 1; k < to && is_numeric_tok(&f->t[k]); k++) {
                int w = fixed_width(&f->t[k]);
                if (!w) break;
                reserved += (size_t)w;
            }
            int minw = c == 'y' || c == 'u' || c == 'Y' ? (t->count >= 3 ? t->count : 1)
                                                        : (t->count > 1 && c != 'D' ? t->count : 1);
            if (avail < reserved + (size_t)minw) return false;
            take = avail - reserved;
            if (take > 19) take = 19;
        }
        int64_t v = 0;
        for (size_t k = 0; k < take; k++)
            v = v * 10 + (s[st->pos + sign_len + k] - '0');
        if (neg) v = -v;
        size_t start = st->pos;
        if (!store_num(st, t, v, (int)take)) {
            st->err_pos = start;
            return false;
        }
        st->pos += sign_len + take;
        return true;
    }
    size_t len;
    switch (c) {
    case 'M':
    case 'L': {
        int m = t->count == 3 ? match_names(s, n, st->pos, month_short, 12, &len)
                              : match_names(s, n, st->pos, month_long, 12, &len);
        if (m < 0) return false;
        st->p->has_month = true;
        st->p->month = m + 1;
        st->pos += len;
        return true;
    }
    case 'E':
    case 'e':
    case 'c': {
        int d = t->count == 4 ? match_names(s, n, st->pos, dow_long, 7, &len)
                              : match_names(s, n, st->pos, dow_short, 7, &len);
        if (d < 0) return false;
        st->p->dow = d + 1;
        st->pos += len;
        return true;
    }
    case 'a':
        if (match_ci(s, n, st->pos, "AM") || match_ci(s, n, st->pos, "PM")) {
            st->ampm = (s[st->pos] == 'P' || s[st->pos] == 'p') ? 1 : 0;
            st->pos += 2;
            return true;
        }
        return false;
    case 'G': {
        static const char *const eras[] = {"BC", "AD", "Before Christ", "Anno Domini"};
        int e = match_names(s, n, st->pos, eras, 4, &len);
        if (e < 0) return false;
        st->era = e % 2;
        st->pos += len;
        return true;
    }
    case 'Q':
    case 'q':
        if (match_ci(s, n, st->pos, "Q") && st->pos + 1 < n && s[st->pos + 1] >= '1' &&
            s[st->pos + 1] <= '4') {
            st->pos += 2;
            return true;
        }
        return false;
    case 'X':
    case 'x':
    case 'Z':
    case 'O': return parse_offset_text(st, t);
    case 'V':
    case 'v':
    case 'z': return parse_zone_text(st, t);
    default: return false;
    }
}

static bool parse_range(const JFmt *f, int from, int to, PState *st)
{
    for (int i = from; i < to; i++) {
        const JTok *t = &f->t[i];
        switch (t->kind) {
        case JT_LIT:
            if (st->pos + t->litn > st->n || strncasecmp(st->s + st->pos, t->lit, t->litn) != 0) {
                st->err_pos = st->pos;
                return false;
            }
            st->pos += t->litn;
            break;
        case JT_OPT_END: break;
        case JT_OPT_START: {
            PState save = *st;
            JParsed psave = *st->p;
            if (!parse_range(f, i + 1, t->match, st)) {
                *st = save;
                *st->p = psave;
            }
            i = t->match;
            break;
        }
        case JT_FIELD: {
            size_t before = st->pos;
            if (!parse_field(f, i, to, st)) {
                if (!st->range_err) st->err_pos = before;
                return false;
            }
            break;
        }
        }
    }
    return true;
}

int jfmt_parse(const JFmt *f, const char *s, size_t n, JParsed *out, char *err, size_t errn)
{
    memset(out, 0, sizeof *out);
    PState st = {.s = s, .n = n, .p = out, .ampm = -1, .hour12 = -1, .era = -1};
    if (!parse_range(f, 0, f->n, &st)) {
        if (st.range_err)
            snprintf(err, errn, "Text '%.*s' could not be parsed: %s", (int)n, s, st.range_err);
        else
            snprintf(err, errn, "Text '%.*s' could not be parsed at index %zu", (int)n, s,
                     st.err_pos);
        return -1;
    }
    if (st.pos != n) {
        snprintf(err, errn, "Text '%.*s' could not be parsed, unparsed text found at index %zu",
                 (int)n, s, st.pos);
        return -1;
    }
    if (st.hour12 >= 0) {
        int h = st.hour12 % 12 + (st.ampm == 1 ? 12 : 0);
        if (out->has_hour && out->hour != h) {
            snprintf(err, errn,
                     "Text '%.*s' could not be parsed: Conflict found: HourOfDay %d differs from "
                     "HourOfDay %d",
                     (int)n, s, out->hour, h);
            return -1;
        }
        out->has_hour = true;
        out->hour = h;
    } else if (st.ampm >= 0 && out->has_hour) {
        /* 'a' with H: the 24-hour field wins (Java cross-checks; accept consistent input). */
    }
    if (out->has_year && st.era == 0 && st.yoe) out->year = 1 - out->year;
    /* Day of month against the month length: SMART clamps 29-31, as IsoChronology does. */
    if (out->has_year && out->has_month && out->has_day) {
        int len = month_len(out->year, out->month);
        if (out->day > len) out->day = len;
    }
    if (out->has_year && out->has_doy && !out->has_month) {
        int ylen = leap(out->year) ? 366 : 365;
        if (out->doy > ylen) {
            snprintf(err, errn,
                     "Text '%.*s' could not be parsed: Invalid date 'DayOfYear 366' as '%lld' is "
                     "not a leap year",
                     (int)n, s, (long long)out->year);
            return -1;
        }
        int64_t d = days_from_civil(out->year, 1, 1) + out->doy - 1;
        int64_t y;
        unsigned m, dd;
        civil_from_days(d, &y, &m, &dd);
        out->has_month = out->has_day = true;
        out->month = (int)m;
        out->day = (int)dd;
    }
    if (out->dow && out->has_year && out->has_month && out->has_day) {
        int64_t d = days_from_civil(out->year, (unsigned)out->month, (unsigned)out->day);
        int actual = iso_dow(d);
        if (actual != out->dow) {
            snprintf(err, errn,
                     "Text '%.*s' could not be parsed: Conflict found: Field DayOfWeek %d differs "
                     "from DayOfWeek %d derived from %04lld-%02d-%02d",
                     (int)n, s, out->dow, actual, (long long)out->year, out->month, out->day);
            return -1;
        }
    }
    return 0;
}
