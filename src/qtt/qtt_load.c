/*
 * qtt_load.c - reading, expanding and listing QTT/RQTT test files (see
 * qtt_load.h).
 */
#include "qtt_load.h"

#include <dirent.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/arena.h"
#include "../common/strbuf.h"

char *qtt_strip_comments(const char *text, size_t n)
{
    char *out = xmalloc(n + 1);
    size_t i = 0;
    bool in_string = false;
    while (i < n) {
        char c = text[i];
        if (in_string) {
            out[i] = c;
            if (c == '\\' && i + 1 < n) {
                out[i + 1] = text[i + 1];
                i += 2;
                continue;
            }
            if (c == '"') in_string = false;
            i++;
            continue;
        }
        if (c == '"') {
            in_string = true;
            out[i++] = c;
        } else if (c == '/' && i + 1 < n && text[i + 1] == '/') {
            while (i < n && text[i] != '\n')
                out[i++] = ' ';
        } else if (c == '/' && i + 1 < n && text[i + 1] == '*') {
            out[i] = out[i + 1] = ' ';
            i += 2;
            while (i < n && !(text[i] == '*' && i + 1 < n && text[i + 1] == '/')) {
                out[i] = text[i] == '\n' ? '\n' : ' ';
                i++;
            }
            for (int k = 0; k < 2 && i < n; k++)
                out[i++] = ' ';
        } else {
            out[i++] = c;
        }
    }
    out[n] = 0;
    return out;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    StrBuf sb = STRBUF_INIT;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sb_append(&sb, buf, n);
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        sb_free(&sb);
        return NULL;
    }
    *len = sb.len;
    if (!sb.data) return xstrdup("");
    return sb_steal(&sb);
}

/* Numbers that a double cannot hold exactly (more than 15 significant digits)
 * become strings "\x1b" "NUM:<text>" so that their digits survive jansson; the
 * runner writes them back as numbers and compares them as numbers. Returns a
 * malloc'd copy; *len is updated. */
char *qtt_protect_numbers(const char *s, size_t *len)
{
    StrBuf sb = STRBUF_INIT;
    size_t n = *len, i = 0;
    bool in_str = false;
    while (i < n) {
        char c = s[i];
        if (in_str) {
            sb_putc(&sb, c);
            if (c == '\\' && i + 1 < n) {
                sb_putc(&sb, s[i + 1]);
                i += 2;
                continue;
            }
            if (c == '"') in_str = false;
            i++;
            continue;
        }
        if (c == '"') {
            in_str = true;
            sb_putc(&sb, c);
            i++;
            continue;
        }
        bool starts = (c == '-' && i + 1 < n && isdigit((unsigned char)s[i + 1])) ||
                      isdigit((unsigned char)c);
        bool after_value = i > 0 && (isalnum((unsigned char)s[i - 1]) || s[i - 1] == '.');
        if (starts && !after_value) {
            size_t j = i + (c == '-');
            int digits = 0;
            bool lead = true;
            while (j < n && (isdigit((unsigned char)s[j]) || s[j] == '.' || s[j] == 'e' ||
                             s[j] == 'E' || ((s[j] == '+' || s[j] == '-') && (s[j - 1] == 'e' || s[j - 1] == 'E')))) {
                if (isdigit((unsigned char)s[j]) && !(lead && s[j] == '0')) {
                    digits++;
                    lead = false;
                }
                if (s[j] == 'e' || s[j] == 'E') lead = false;
                j++;
            }
            if (digits > 15) {
                sb_puts(&sb, "\"\\u001bNUM:");
                sb_append(&sb, s + i, j - i);
                sb_putc(&sb, '"');
            } else {
                sb_append(&sb, s + i, j - i);
            }
            i = j;
            continue;
        }
        sb_putc(&sb, c);
        i++;
    }
    *len = sb.len;
    return sb_steal(&sb);
}

int qtt_file_load(const char *path, const char *rel, QttFile *out, EddyError *err)
{
    memset(out, 0, sizeof *out);
    size_t len = 0;
    char *text = read_file(path, &len);
    if (!text) return err_set(err, ERR_IO, -1, "%s: cannot read", rel);
    char *stripped = qtt_strip_comments(text, len);
    free(text);
    char *clean = qtt_protect_numbers(stripped, &len);
    free(stripped);
    json_error_t jerr;
    json_t *root = json_loadb(clean, len, 0, &jerr);
    free(clean);
    if (!root) return err_set(err, ERR_SERDE, -1, "%s:%d: %s", rel, jerr.line, jerr.text);
    int rc = qtt_file_expand(root, rel, out, err);
    json_decref(root);
    return rc;
}

/* Replaces every occurrence of `from` in s by `to`; returns malloc'd text. */
static char *replace_all(const char *s, const char *from, const char *to)
{
    StrBuf sb = STRBUF_INIT;
    size_t fl = strlen(from);
    const char *p;
    while ((p = strstr(s, from)) != NULL) {
        sb_append(&sb, s, (size_t)(p - s));
        sb_puts(&sb, to);
        s = p + fl;
    }
    sb_puts(&sb, s);
    return sb_steal(&sb);
}

static json_t *field(json_t *test, const char *key)
{
    return json_object_get(test, key);
}

/* The key of the property whose value is "{CONFIG}", or NULL. */
static const char *config_key(json_t *props)
{
    const char *k;
    json_t *v;
    json_object_foreach(props, k, v)
    {
        if (json_is_string(v) && strcmp(json_string_value(v), "{CONFIG}") == 0) return k;
    }
    return NULL;
}

static void case_add(QttFile *f, int *cap, QttCase *c)
{
    if (f->ncases == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        f->cases = xrealloc(f->cases, sizeof(QttCase) * (size_t)*cap);
    }
    f->cases[f->ncases++] = *c;
}

int qtt_file_expand(json_t *root, const char *rel, QttFile *out, EddyError *err)
{
    memset(out, 0, sizeof *out);
    out->rel = xstrdup(rel);
    out->root = json_incref(root);
    json_t *tests = json_object_get(root, "tests");
    if (!json_is_array(tests)) {
        qtt_file_free(out);
        return err_set(err, ERR_SERDE, -1, "%s: no \"tests\" array", rel);
    }
    int cap = 0;
    size_t ti;
    json_t *test;
    json_array_foreach(tests, ti, test)
    {
        json_t *name = field(test, "name"), *stmts = field(test, "statements");
        if (!json_is_string(name) || !json_is_array(stmts)) {
            qtt_file_free(out);
            return err_set(err, ERR_SERDE, -1, "%s: test %zu has no name or statements", rel, ti);
        }
        json_t *formats = field(test, "format"), *configs = field(test, "config");
        json_t *props = field(test, "properties");
        size_t nf =
            json_is_array(formats) && json_array_size(formats) ? json_array_size(formats) : 1;
        size_t nc =
            json_is_array(configs) && json_array_size(configs) ? json_array_size(configs) : 1;
        const char *ckey = json_is_array(configs) ? config_key(props) : NULL;
        json_t *enabled = field(test, "enabled");
        for (size_t fi = 0; fi < nf; fi++) {
            const char *fmt = NULL;
            if (json_is_array(formats) && json_array_size(formats))
                fmt = json_string_value(json_array_get(formats, fi));
            for (size_t ci = 0; ci < nc; ci++) {
                QttCase c;
                memset(&c, 0, sizeof c);
                c.file = out->rel;
                c.test = test;
                c.format = fmt;
                if (json_is_array(configs) && json_array_size(configs))
                    c.config = json_string_value(json_array_get(configs, ci));
                StrBuf nm = STRBUF_INIT;
                sb_puts(&nm, json_string_value(name));
                if (fmt) sb_printf(&nm, " - %s", fmt);
                if (c.config && ckey) sb_printf(&nm, " - %s=%s", ckey, c.config);
                c.name = sb_steal(&nm);
                c.nstatements = (int)json_array_size(stmts);
                c.statements = xcalloc((size_t)c.nstatements + 1, sizeof(char *));
                for (int si = 0; si < c.nstatements; si++) {
                    const char *s = json_string_value(json_array_get(stmts, (size_t)si));
                    c.statements[si] =
                        fmt ? replace_all(s ? s : "", "{FORMAT}", fmt) : xstrdup(s ? s : "");
                }
                c.enabled = !json_is_false(enabled);
                c.inputs = field(test, "inputs");
                c.outputs = field(test, "outputs");
                c.topics = field(test, "topics");
                c.post = field(test, "post");
                c.expected_exception = field(test, "expectedException");
                c.expected_error = field(test, "expectedError");
                c.responses = field(test, "responses");
                c.input_conditions = field(test, "inputConditions");
                c.output_conditions = field(test, "outputConditions");
                c.rest = c.responses || c.expected_error || strncmp(rel, "rest/", 5) == 0;
                if (props) {
                    c.properties = json_deep_copy(props);
                    if (ckey && c.config)
                        json_object_set_new(c.properties, ckey, json_string(c.config));
                }
                case_add(out, &cap, &c);
            }
        }
    }
    return 0;
}

void qtt_file_free(QttFile *f)
{
    for (int i = 0; i < f->ncases; i++) {
        QttCase *c = &f->cases[i];
        free(c->name);
        for (int s = 0; s < c->nstatements; s++)
            free(c->statements[s]);
        free(c->statements);
        json_decref(c->properties);
    }
    free(f->cases);
    free(f->rel);
    json_decref(f->root);
    memset(f, 0, sizeof *f);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends the sorted *.json files of dir (prefix for the reported names). */
static int list_json(const char *dir, const char *prefix, char ***paths, char ***rels, int *n,
                     int *cap)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    char **names = NULL;
    int nn = 0, ncap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t l = strlen(de->d_name);
        if (l < 6 || strcmp(de->d_name + l - 5, ".json") != 0) continue;
        if (nn == ncap) {
            ncap = ncap ? ncap * 2 : 64;
            names = xrealloc(names, sizeof(char *) * (size_t)ncap);
        }
        names[nn++] = xstrdup(de->d_name);
    }
    closedir(d);
    if (nn) qsort(names, (size_t)nn, sizeof(char *), cmp_str);
    for (int i = 0; i < nn; i++) {
        if (*n == *cap) {
            *cap = *cap ? *cap * 2 : 128;
            *paths = xrealloc(*paths, sizeof(char *) * (size_t)*cap);
            *rels = xrealloc(*rels, sizeof(char *) * (size_t)*cap);
        }
        StrBuf p = STRBUF_INIT, r = STRBUF_INIT;
        sb_printf(&p, "%s/%s", dir, names[i]);
        sb_printf(&r, "%s%s", prefix, names[i]);
        (*paths)[*n] = sb_steal(&p);
        (*rels)[*n] = sb_steal(&r);
        (*n)++;
        free(names[i]);
    }
    free(names);
    return 0;
}

int qtt_collect(const char *path, char ***paths, char ***rels, EddyError *err)
{
    struct stat st;
    *paths = NULL;
    *rels = NULL;
    if (stat(path, &st) != 0)
        return err_set(err, ERR_IO, -1, "%s: no such file or directory", path);
    int n = 0, cap = 0;
    if (!S_ISDIR(st.st_mode)) {
        *paths = xmalloc(sizeof(char *));
        *rels = xmalloc(sizeof(char *));
        (*paths)[0] = xstrdup(path);
        (*rels)[0] = xstrdup(path);
        return 1;
    }
    if (list_json(path, "", paths, rels, &n, &cap) < 0) {
        qtt_collect_free(*paths, *rels, n);
        return err_set(err, ERR_IO, -1, "%s: cannot list", path);
    }
    StrBuf sub = STRBUF_INIT;
    sb_printf(&sub, "%s/rest", path);
    if (stat(sb_cstr(&sub), &st) == 0 && S_ISDIR(st.st_mode))
        list_json(sb_cstr(&sub), "rest/", paths, rels, &n, &cap);
    sb_free(&sub);
    return n;
}

void qtt_collect_free(char **paths, char **rels, int n)
{
    for (int i = 0; i < n; i++) {
        free(paths[i]);
        free(rels[i]);
    }
    free(paths);
    free(rels);
}
