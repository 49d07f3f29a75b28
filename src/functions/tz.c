/*
 * tz.c - time zones from the system tz database, without setenv("TZ") or libc's
 * process-global zone state.
 *
 * A region id is read once from its TZif file (/usr/share/zoneinfo/<id>, or $TZDIR):
 * the 64-bit transition table of a version 2+ file, and the POSIX TZ rule in its footer
 * for instants after the last transition (slim tzdata files rely on it). Zones are
 * immortal: loaded ones stay in a global list guarded by a mutex, and each thread keeps
 * a small cache of the ids it used so that repeated lookups take no lock. Fixed offsets
 * ("+02:00", "UTC", "GMT-5") need no file.
 */
#include "functions_int.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct TzType {
    int32_t utoff;
    bool isdst;
    char abbr[16];
} TzType;

/* One side of a POSIX rule: Mm.w.d, Jn or n, at `time` seconds local. */
typedef struct PosixDate {
    char kind; /* 'M', 'J', 'N' (zero-based day) */
    int m, w, d;
    int32_t time;
} PosixDate;

typedef struct PosixRule {
    bool valid;
    bool has_dst;
    int32_t std_off, dst_off; /* seconds east of UTC */
    char std_abbr[16], dst_abbr[16];
    PosixDate start, end;
} PosixRule;

struct Tz {
    char id[64];
    bool fixed;
    int32_t fixed_off;
    int ntrans;
    int64_t *trans;
    uint8_t *trans_type;
    int ntypes;
    TzType *types;
    PosixRule rule;
    Tz *next; /* global list */
};

static pthread_mutex_t tz_mu = PTHREAD_MUTEX_INITIALIZER;
static Tz *tz_all;
static Tz tz_utc_zone = {.id = "UTC", .fixed = true};

/* ---------------------------------------------------------------- POSIX TZ rules */

static const char *posix_abbr(const char *p, char *out)
{
    size_t k = 0;
    if (*p == '<') {
        p++;
        while (*p && *p != '>') {
            if (k < 15) out[k++] = *p;
            p++;
        }
        if (*p == '>') p++;
    } else {
        while (isalpha((unsigned char)*p)) {
            if (k < 15) out[k++] = *p;
            p++;
        }
    }
    out[k] = 0;
    return k >= 3 || (k > 0 && out[0] != 0) ? p : NULL;
}

/* [+-]hh[:mm[:ss]] -> seconds. */
static const char *posix_time(const char *p, int32_t *out)
{
    int sign = 1;
    if (*p == '+' || *p == '-') sign = *p++ == '-' ? -1 : 1;
    if (!isdigit((unsigned char)*p)) return NULL;
    int32_t h = 0, m = 0, s = 0;
    while (isdigit((unsigned char)*p))
        h = h * 10 + (*p++ - '0');
    if (*p == ':') {
        p++;
        while (isdigit((unsigned char)*p))
            m = m * 10 + (*p++ - '0');
        if (*p == ':') {
            p++;
            while (isdigit((unsigned char)*p))
                s = s * 10 + (*p++ - '0');
        }
    }
    *out = sign * (h * 3600 + m * 60 + s);
    return p;
}

static const char *posix_date(const char *p, PosixDate *d)
{
    memset(d, 0, sizeof *d);
    d->time = 7200;
    if (*p == 'M') {
        d->kind = 'M';
        p++;
        d->m = (int)strtol(p, (char **)&p, 10);
        if (*p++ != '.') return NULL;
        d->w = (int)strtol(p, (char **)&p, 10);
        if (*p++ != '.') return NULL;
        d->d = (int)strtol(p, (char **)&p, 10);
    } else if (*p == 'J') {
        d->kind = 'J';
        p++;
        d->d = (int)strtol(p, (char **)&p, 10);
    } else if (isdigit((unsigned char)*p)) {
        d->kind = 'N';
        d->d = (int)strtol(p, (char **)&p, 10);
    } else {
        return NULL;
    }
    if (*p == '/') {
        p = posix_time(p + 1, &d->time);
        if (!p) return NULL;
    }
    return p;
}

static bool posix_parse(const char *s, PosixRule *r)
{
    memset(r, 0, sizeof *r);
    const char *p = posix_abbr(s, r->std_abbr);
    if (!p) return false;
    int32_t off;
    p = posix_time(p, &off);
    if (!p) return false;
    r->std_off = -off;
    if (!*p) {
        r->valid = true;
        return true;
    }
    p = posix_abbr(p, r->dst_abbr);
    if (!p) return false;
    r->has_dst = true;
    r->dst_off = r->std_off + 3600;
    if (*p && *p != ',') {
        p = posix_time(p, &off);
        if (!p) return false;
        r->dst_off = -off;
    }
    if (*p != ',') { /* no rule: POSIX default (US rules) */
        r->start = (PosixDate){'M', 3, 2, 0, 7200};
        r->end = (PosixDate){'M', 11, 1, 0, 7200};
        r->valid = true;
        return true;
    }
    p = posix_date(p + 1, &r->start);
    if (!p || *p != ',') return false;
    p = posix_date(p + 1, &r->end);
    if (!p) return false;
    r->valid = true;
    return true;
}

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Epoch day of a rule date in year y. */
static int64_t posix_day(const PosixDate *d, int64_t y)
{
    int64_t jan1 = days_from_civil(y, 1, 1);
    switch (d->kind) {
    case 'J': { /* 1..365, Feb 29 never counted */
        int64_t day = d->d - 1;
        if (is_leap(y) && d->d >= 60) day++;
        return jan1 + day;
    }
    case 'N': return jan1 + d->d;
    default: {
        int64_t first = days_from_civil(y, (unsigned)d->m, 1);
        int64_t dow = ((first + 4) % 7 + 7) % 7; /* 1970-01-01 was a Thursday (4) */
        int64_t day = first + ((d->d - dow) % 7 + 7) % 7 + (d->w - 1) * 7;
        static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int len = mdays[d->m - 1] + (d->m == 2 && is_leap(y));
        while (day >= first + len)
            day -= 7;
        return day;
    }
    }
}

/* Offset and dst flag of the rule at epoch second t. */
static int32_t posix_offset(const PosixRule *r, int64_t t, bool *dst)
{
    *dst = false;
    if (!r->has_dst) return r->std_off;
    int64_t y;
    unsigned m, d;
    int64_t day = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    civil_from_days(day, &y, &m, &d);
    int64_t start = posix_day(&r->start, y) * 86400 + r->start.time - r->std_off;
    int64_t end = posix_day(&r->end, y) * 86400 + r->end.time - r->dst_off;
    bool in;
    if (start < end)
        in = t >= start && t < end;
    else
        in = !(t >= end && t < start);
    *dst = in;
    return in ? r->dst_off : r->std_off;
}

/* ---------------------------------------------------------------- TZif */

static int64_t be(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    if (n == 4) return (int32_t)(uint32_t)v;
    return (int64_t)v;
}

static bool tzif_load(Tz *z, const unsigned char *buf, size_t len)
{
    if (len < 44 || memcmp(buf, "TZif", 4) != 0) return false;
    int version = buf[4] ? buf[4] - '0' : 1;
    const unsigned char *h = buf;
    size_t off = 0;
    int tsize = 4;
    for (int pass = 0; pass < 2; pass++) {
        if (off + 44 > len) return false;
        h = buf + off;
        int64_t isutcnt = be(h + 20, 4), isstdcnt = be(h + 24, 4), leapcnt = be(h + 28, 4);
        int64_t timecnt = be(h + 32, 4), typecnt = be(h + 36, 4), charcnt = be(h + 40, 4);
        size_t body = (size_t)(timecnt * tsize + timecnt + typecnt * 6 + charcnt +
                               leapcnt * (tsize + 4) + isstdcnt + isutcnt);
        if (timecnt < 0 || typecnt <= 0 || typecnt > 255 || off + 44 + body > len) return false;
        if (pass == 0 && version >= 2) {
            off += 44 + body;
            tsize = 8;
            continue;
        }
        const unsigned char *p = h + 44;
        z->ntrans = (int)timecnt;
        z->trans = xmalloc(sizeof(int64_t) * (size_t)(timecnt ? timecnt : 1));
        z->trans_type = xmalloc((size_t)(timecnt ? timecnt : 1));
        for (int64_t i = 0; i < timecnt; i++)
            z->trans[i] = be(p + i * tsize, tsize);
        p += timecnt * tsize;
        for (int64_t i = 0; i < timecnt; i++) {
            z->trans_type[i] = p[i];
            if (p[i] >= typecnt) return false;
        }
        p += timecnt;
        z->ntypes = (int)typecnt;
        z->types = xcalloc((size_t)typecnt, sizeof(TzType));
        const unsigned char *chars = p + typecnt * 6;
        for (int64_t i = 0; i < typecnt; i++) {
            z->types[i].utoff = (int32_t)be(p + i * 6, 4);
            z->types[i].isdst = p[i * 6 + 4];
            unsigned idx = p[i * 6 + 5];
            if (idx < charcnt)
                snprintf(z->types[i].abbr, sizeof z->types[i].abbr, "%.*s",
                         (int)strnlen((const char *)chars + idx, (size_t)(charcnt - idx)),
                         (const char *)chars + idx);
        }
        if (pass == 1 || version < 2) {
            size_t foot = off + 44 + body;
            if (version >= 2 && foot < len && buf[foot] == '\n') {
                const char *fs = (const char *)buf + foot + 1;
                const char *fe = memchr(fs, '\n', len - foot - 1);
                if (fe && fe > fs) {
                    char rule[128];
                    snprintf(rule, sizeof rule, "%.*s", (int)(fe - fs), fs);
                    posix_parse(rule, &z->rule);
                }
            }
        }
        return true;
    }
    return false;
}

static bool valid_region_id(const char *id, size_t n)
{
    if (n == 0 || n >= 63 || id[0] == '/' || id[0] == '.') return false;
    for (size_t i = 0; i < n; i++) {
        char c = id[i];
        if (!(isalnum((unsigned char)c) || c == '/' || c == '_' || c == '-' || c == '+'))
            return false;
        if (c == '.' || (c == '/' && i + 1 < n && id[i + 1] == '.')) return false;
    }
    return true;
}

static Tz *load_region(const char *id)
{
    const char *dir = getenv("TZDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", id);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    unsigned char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 8192;
            if (cap > (1 << 22)) break;
            buf = xrealloc(buf, cap);
        }
        size_t r = fread(buf + len, 1, cap - len, f);
        if (r == 0) break;
        len += r;
    }
    fclose(f);
    Tz *z = xcalloc(1, sizeof *z);
    snprintf(z->id, sizeof z->id, "%s", id);
    bool ok = buf && tzif_load(z, buf, len);
    free(buf);
    if (!ok) {
        free(z->trans);
        free(z->trans_type);
        free(z->types);
        free(z);
        return NULL;
    }
    return z;
}

/* ---------------------------------------------------------------- ids */

/* Parses "+h", "+hh", "+hh:mm", "+hhmm", "+hh:mm:ss", "+hhmmss" (Java ZoneOffset.of). */
static bool parse_offset(const char *s, size_t n, int32_t *out)
{
    if (n < 2 || (s[0] != '+' && s[0] != '-')) return false;
    int sign = s[0] == '-' ? -1 : 1;
    const char *d = s + 1;
    size_t k = n - 1;
    int h, m = 0, sec = 0;
    for (size_t i = 0; i < k; i++)
        if (!isdigit((unsigned char)d[i]) && d[i] != ':') return false;
#define DD(i) ((d[i] - '0') * 10 + (d[(i) + 1] - '0'))
    switch (k) {
    case 1: h = d[0] - '0'; break;
    case 2: h = DD(0); break;
    case 4:
        if (d[2] == ':') return false;
        h = DD(0);
        m = DD(2);
        break;
    case 5:
        if (d[2] != ':') return false;
        h = DD(0);
        m = DD(3);
        break;
    case 6:
        h = DD(0);
        m = DD(2);
        sec = DD(4);
        break;
    case 8:
        if (d[2] != ':' || d[5] != ':') return false;
        h = DD(0);
        m = DD(3);
        sec = DD(6);
        break;
    default: return false;
    }
#undef DD
    if (h > 18 || m > 59 || sec > 59 || (h == 18 && (m || sec))) return false;
    *out = sign * (h * 3600 + m * 60 + sec);
    return true;
}

/* Java's canonical offset id: "Z", "+02:00", "+05:30:15". */
static void offset_id(char *buf, size_t n, int32_t off)
{
    if (off == 0) {
        snprintf(buf, n, "Z");
        return;
    }
    int32_t a = off < 0 ? -off : off;
    if (a % 60)
        snprintf(buf, n, "%c%02d:%02d:%02d", off < 0 ? '-' : '+', a / 3600, a / 60 % 60, a % 60);
    else
        snprintf(buf, n, "%c%02d:%02d", off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
}

static Tz *make_fixed(const char *id, int32_t off)
{
    Tz *z = xcalloc(1, sizeof *z);
    snprintf(z->id, sizeof z->id, "%s", id);
    z->fixed = true;
    z->fixed_off = off;
    return z;
}

/* Builds a zone for id (not yet in the list); NULL when unknown. */
static Tz *build_zone(const char *id, size_t n)
{
    char cid[64];
    if (n == 1 && id[0] == 'Z') return make_fixed("Z", 0);
    if (id[0] == '+' || id[0] == '-') {
        int32_t off;
        if (!parse_offset(id, n, &off)) return NULL;
        offset_id(cid, sizeof cid, off);
        return make_fixed(cid, off);
    }
    static const char *prefixes[] = {"UTC", "GMT", "UT"};
    for (int i = 0; i < 3; i++) {
        size_t pl = strlen(prefixes[i]);
        if (n < pl || strncmp(id, prefixes[i], pl) != 0) continue;
        if (n == pl) return make_fixed(prefixes[i], 0);
        if (id[pl] == '+' || id[pl] == '-') {
            int32_t off;
            if (!parse_offset(id + pl, n - pl, &off)) return NULL;
            char oid[32];
            offset_id(oid, sizeof oid, off);
            snprintf(cid, sizeof cid, "%s%s", prefixes[i], off == 0 ? "" : oid);
            return make_fixed(cid, off);
        }
    }
    if (!valid_region_id(id, n)) return NULL;
    snprintf(cid, sizeof cid, "%.*s", (int)n, id);
    return load_region(cid);
}

/* Every id asked for, mapped to its (shared, immortal) zone: "+2" and "+02:00" share. */
typedef struct TzName {
    char asked[64];
    Tz *z;
    struct TzName *next;
} TzName;
static TzName *tz_names;

/* Per-thread cache of resolved ids, so that repeated lookups take no lock. */
#define TZ_TCACHE 16
typedef struct TzCacheEntry {
    char id[64];
    const Tz *z;
} TzCacheEntry;
static _Thread_local TzCacheEntry tz_tcache[TZ_TCACHE];
static _Thread_local unsigned tz_tnext;

static void tz_free(Tz *z)
{
    free(z->trans);
    free(z->trans_type);
    free(z->types);
    free(z);
}

const Tz *tz_get(const char *id, size_t n)
{
    if (n == 0 || n >= 63) return NULL;
    for (int i = 0; i < TZ_TCACHE; i++)
        if (tz_tcache[i].z && strlen(tz_tcache[i].id) == n && memcmp(tz_tcache[i].id, id, n) == 0)
            return tz_tcache[i].z;
    const Tz *found = NULL;
    pthread_mutex_lock(&tz_mu);
    for (TzName *nm = tz_names; nm; nm = nm->next)
        if (strlen(nm->asked) == n && memcmp(nm->asked, id, n) == 0) {
            found = nm->z;
            break;
        }
    if (!found) {
        Tz *z = build_zone(id, n);
        if (z) {
            Tz *existing = NULL;
            for (Tz *o = tz_all; o; o = o->next)
                if (strcmp(o->id, z->id) == 0) {
                    existing = o;
                    break;
                }
            if (existing) {
                tz_free(z);
                z = existing;
            } else {
                z->next = tz_all;
                tz_all = z;
            }
            TzName *nm = xcalloc(1, sizeof *nm);
            snprintf(nm->asked, sizeof nm->asked, "%.*s", (int)n, id);
            nm->z = z;
            nm->next = tz_names;
            tz_names = nm;
            found = z;
        }
    }
    pthread_mutex_unlock(&tz_mu);
    if (found) {
        TzCacheEntry *e = &tz_tcache[tz_tnext++ % TZ_TCACHE];
        snprintf(e->id, sizeof e->id, "%.*s", (int)n, id);
        e->z = found;
    }
    return found;
}

const Tz *tz_utc(void)
{
    return &tz_utc_zone;
}

const char *tz_id(const Tz *z)
{
    return z->id;
}

bool tz_is_offset(const Tz *z)
{
    return z->fixed && (z->id[0] == '+' || z->id[0] == '-' || strcmp(z->id, "Z") == 0);
}

/* Index of the type in effect at t, or -1 when the POSIX rule applies. */
static int type_at(const Tz *z, int64_t t)
{
    if (z->ntrans == 0) return z->rule.valid ? -1 : 0;
    if (t < z->trans[0]) {
        for (int i = 0; i < z->ntypes; i++)
            if (!z->types[i].isdst) return i;
        return 0;
    }
    if (t >= z->trans[z->ntrans - 1] && z->rule.valid) return -1;
    int lo = 0, hi = z->ntrans - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (z->trans[mid] <= t)
            lo = mid;
        else
            hi = mid - 1;
    }
    return z->trans_type[lo];
}

int32_t tz_offset_at(const Tz *z, int64_t t)
{
    if (z->fixed) return z->fixed_off;
    int k = type_at(z, t);
    if (k < 0) {
        bool dst;
        return posix_offset(&z->rule, t, &dst);
    }
    return z->types[k].utoff;
}

const char *tz_abbrev_at(const Tz *z, int64_t t, bool *is_dst)
{
    static _Thread_local char buf[32];
    if (is_dst) *is_dst = false;
    if (z->fixed) return z->id;
    int k = type_at(z, t);
    if (k < 0) {
        bool dst;
        posix_offset(&z->rule, t, &dst);
        if (is_dst) *is_dst = dst;
        snprintf(buf, sizeof buf, "%s", dst ? z->rule.dst_abbr : z->rule.std_abbr);
        return buf;
    }
    if (is_dst) *is_dst = z->types[k].isdst;
    return z->types[k].abbr;
}

int64_t tz_local_to_epoch(const Tz *z, int64_t local, int32_t *offset)
{
    int32_t early = tz_offset_at(z, local - 86400), late = tz_offset_at(z, local + 86400);
    int32_t cand[2] = {early, late};
    for (int i = 0; i < 2; i++) {
        int64_t t = local - cand[i];
        if (tz_offset_at(z, t) == cand[i]) {
            if (offset) *offset = cand[i];
            return t;
        }
    }
    /* In a gap: shift forward by the gap length, i.e. use the offset before it. */
    int64_t t = local - early;
    if (offset) *offset = tz_offset_at(z, t);
    return t;
}
