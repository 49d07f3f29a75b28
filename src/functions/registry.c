/*
 * registry.c - the function registry and overload resolution.
 *
 * At fn_registry_init every family table (fn_math.c, fn_string.c, ...) is collected,
 * sorted by name, and each variant's signature strings are compiled into Pat trees.
 * The registry is then read-only: lookups and resolution take no lock. All registry
 * memory is process-lifetime, held by a static arena.
 *
 * fn_resolve follows ksqlDB's UdfIndex: a first pass accepts only exact parameter
 * matches (NULL arguments match anything, generics bind to the first type they meet);
 * when it finds nothing, a second pass also accepts implicit widening (INT -> BIGINT ->
 * DECIMAL -> DOUBLE, STRING literals -> DATE/TIME/TIMESTAMP) and generics then take the
 * common widened type of their arguments. Candidates are ranked non-variadic first,
 * then by parameter count; a tie between the best two is ambiguous. Lambdas are typed
 * through the binder's callback only for the chosen variant, once the generics their
 * parameters use are bound; their body types bind the remaining generics.
 */
#include "functions_int.h"

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- state */

typedef struct RegEntry {
    const FnDef *def;
    CompiledVariant *cv; /* def->nvariants */
    const char *display; /* name used in errors */
} RegEntry;

static pthread_once_t reg_once = PTHREAD_ONCE_INIT;
static Arena reg_arena;
static RegEntry *reg_entries; /* sorted by name */
static const FnDef **reg_list;
static int reg_n;       /* registered functions */
static int reg_nlisted; /* in reg_list (test-only functions excluded) */
static int reg_pattern_errors;
static char reg_first_error[256];

static const FnFamily *const families[] = {
    &fn_family_math_defs,        &fn_family_string_defs,     &fn_family_regex_defs,
    &fn_family_collection_defs,  &fn_family_lambda_defs,     &fn_family_json_defs,
    &fn_family_datetime_defs,    &fn_family_url_defs,        &fn_family_bytes_defs,
    &fn_family_nulls_defs,       &fn_family_table_defs,      &fn_family_agg_basic_defs,
    &fn_family_agg_collect_defs, &fn_family_agg_offset_defs, &fn_family_agg_stats_defs,
    &fn_family_test_defs,
};

/* ---------------------------------------------------------------- pattern parser */

typedef struct PatParser {
    const char *s;
    size_t i;
    const char *gen_names[FN_MAX_GENERICS];
    int ngen;
    bool bad;
} PatParser;

static void pp_ws(PatParser *p)
{
    while (p->s[p->i] == ' ')
        p->i++;
}

static bool pp_eat(PatParser *p, const char *tok)
{
    pp_ws(p);
    size_t n = strlen(tok);
    if (strncmp(p->s + p->i, tok, n) == 0) {
        p->i += n;
        return true;
    }
    return false;
}

/* Reads an identifier ([A-Za-z_][A-Za-z0-9_]*) into buf. */
static size_t pp_ident(PatParser *p, char *buf, size_t cap)
{
    pp_ws(p);
    size_t n = 0;
    while ((isalnum((unsigned char)p->s[p->i]) || p->s[p->i] == '_') && n + 1 < cap)
        buf[n++] = p->s[p->i++];
    buf[n] = 0;
    return n;
}

static Pat *pat_new(PatKind k)
{
    Pat *p = arena_zalloc(&reg_arena, sizeof *p);
    p->kind = k;
    return p;
}

static const struct {
    const char *name;
    TypeKind kind;
} prim_names[] = {
    {"BOOLEAN", TYPE_BOOLEAN},     {"INT", TYPE_INT},
    {"INTEGER", TYPE_INT},         {"BIGINT", TYPE_BIGINT},
    {"DOUBLE", TYPE_DOUBLE},       {"STRING", TYPE_STRING},
    {"VARCHAR", TYPE_STRING},      {"BYTES", TYPE_BYTES},
    {"DATE", TYPE_DATE},           {"TIME", TYPE_TIME},
    {"TIMESTAMP", TYPE_TIMESTAMP}, {"INTERVALUNIT", TYPE_INTERVAL_UNIT},
};

static const Pat *pp_type(PatParser *p);

static const Pat *pp_type(PatParser *p)
{
    char id[32];
    if (!pp_ident(p, id, sizeof id)) {
        p->bad = true;
        return NULL;
    }
    for (size_t k = 0; k < sizeof prim_names / sizeof prim_names[0]; k++) {
        if (strcmp(id, prim_names[k].name) == 0) {
            Pat *r = pat_new(PK_PRIM);
            r->prim = prim_names[k].kind;
            return r;
        }
    }
    if (strcmp(id, "DECIMAL") == 0) return pat_new(PK_DECIMAL);
    if (strcmp(id, "ANY") == 0) return pat_new(PK_ANY);
    if (strcmp(id, "ARRAY") == 0) {
        Pat *r = pat_new(PK_ARRAY);
        if (!pp_eat(p, "<")) goto bad;
        r->elem = pp_type(p);
        if (!pp_eat(p, ">")) goto bad;
        return r;
    }
    if (strcmp(id, "MAP") == 0) {
        Pat *r = pat_new(PK_MAP);
        if (!pp_eat(p, "<")) goto bad;
        r->key = pp_type(p);
        if (!pp_eat(p, ",")) goto bad;
        r->elem = pp_type(p);
        if (!pp_eat(p, ">")) goto bad;
        return r;
    }
    if (strcmp(id, "STRUCT") == 0) {
        if (!pp_eat(p, "<")) return pat_new(PK_STRUCT_ANY);
        Pat *r = pat_new(PK_STRUCT);
        const Pat *items[32];
        const char *names[32];
        int n = 0;
        do {
            char fname[64];
            if (!pp_ident(p, fname, sizeof fname) || n == 32) goto bad;
            names[n] = arena_strdup(&reg_arena, fname);
            items[n++] = pp_type(p);
        } while (pp_eat(p, ","));
        if (!pp_eat(p, ">")) goto bad;
        r->n = n;
        r->items = arena_alloc(&reg_arena, sizeof(Pat *) * (size_t)n);
        r->names = arena_alloc(&reg_arena, sizeof(char *) * (size_t)n);
        memcpy(r->items, items, sizeof(Pat *) * (size_t)n);
        memcpy(r->names, names, sizeof(char *) * (size_t)n);
        return r;
    }
    if (strcmp(id, "LAMBDA") == 0) {
        Pat *r = pat_new(PK_LAMBDA);
        const Pat *items[8];
        int n = 0;
        if (!pp_eat(p, "(")) goto bad;
        if (!pp_eat(p, ")")) {
            do {
                if (n == 8) goto bad;
                items[n++] = pp_type(p);
            } while (pp_eat(p, ","));
            if (!pp_eat(p, ")")) goto bad;
        }
        if (!pp_eat(p, "=>")) goto bad;
        r->elem = pp_type(p);
        r->n = n;
        r->items = arena_alloc(&reg_arena, sizeof(Pat *) * (size_t)(n ? n : 1));
        memcpy(r->items, items, sizeof(Pat *) * (size_t)n);
        return r;
    }
    /* A type variable: one upper-case letter, optionally followed by digits. */
    if (isupper((unsigned char)id[0]) && (id[1] == 0 || isdigit((unsigned char)id[1]))) {
        Pat *r = pat_new(PK_GENERIC);
        snprintf(r->gen_name, sizeof r->gen_name, "%s", id);
        int g = -1;
        for (int k = 0; k < p->ngen; k++)
            if (strcmp(p->gen_names[k], id) == 0) g = k;
        if (g < 0) {
            if (p->ngen == FN_MAX_GENERICS) goto bad;
            g = p->ngen;
            p->gen_names[p->ngen++] = arena_strdup(&reg_arena, id);
        }
        r->gen = g;
        return r;
    }
bad:
    p->bad = true;
    return NULL;
}

/* Parses "CONST INT k, STRING... rest" into params. */
static int pp_params(PatParser *p, PatParam *out, int cap)
{
    int n = 0;
    pp_ws(p);
    if (!p->s[p->i]) return 0;
    do {
        if (n == cap) {
            p->bad = true;
            return n;
        }
        PatParam *pr = &out[n++];
        memset(pr, 0, sizeof *pr);
        pp_ws(p);
        if (strncmp(p->s + p->i, "CONST ", 6) == 0) {
            p->i += 6;
            pr->is_const = true;
        }
        pr->pat = pp_type(p);
        if (pp_eat(p, "...")) pr->vararg = true;
        char nm[64];
        pp_ws(p);
        if (p->s[p->i] && p->s[p->i] != ',') {
            pp_ident(p, nm, sizeof nm);
            pr->name = arena_strdup(&reg_arena, nm);
        } else {
            pr->name = "";
        }
    } while (pp_eat(p, ","));
    pp_ws(p);
    if (p->s[p->i]) p->bad = true;
    return n;
}

static void note_pattern_error(const FnDef *def, const char *what)
{
    if (!reg_pattern_errors)
        snprintf(reg_first_error, sizeof reg_first_error, "%s: bad pattern '%s'", def->name, what);
    reg_pattern_errors++;
}

static void compile_variant(const FnDef *def, const FnVariant *v, CompiledVariant *cv)
{
    PatParser p = {.s = v->params ? v->params : ""};
    PatParam tmp[64];
    int n = pp_params(&p, tmp, 64);
    cv->ok = true;
    if (p.bad) {
        note_pattern_error(def, p.s);
        cv->ok = false;
    }
    cv->nparams = n;
    cv->params = arena_alloc(&reg_arena, sizeof(PatParam) * (size_t)(n ? n : 1));
    memcpy(cv->params, tmp, sizeof(PatParam) * (size_t)n);
    cv->vararg = -1;
    for (int i = 0; i < n; i++) {
        if (!tmp[i].vararg) continue;
        if (cv->vararg >= 0) {
            note_pattern_error(def, p.s);
            cv->ok = false;
        }
        cv->vararg = i;
    }
    if (v->returns) {
        p.s = v->returns;
        p.i = 0;
        cv->ret = pp_type(&p);
        pp_ws(&p);
        if (p.bad || p.s[p.i]) {
            note_pattern_error(def, v->returns);
            cv->ok = false;
        }
    } else if (!v->ret_fn) {
        note_pattern_error(def, "(no return)");
        cv->ok = false;
    }
    if (v->state) {
        p.s = v->state;
        p.i = 0;
        cv->state = pp_type(&p);
        pp_ws(&p);
        if (p.bad || p.s[p.i]) {
            note_pattern_error(def, v->state);
            cv->ok = false;
        }
    }
    if (def->kind == FN_AGGREGATE && !v->agg) {
        note_pattern_error(def, "(aggregate without AggImpl)");
        cv->ok = false;
    }
    if (def->kind != FN_AGGREGATE && !v->impl) {
        note_pattern_error(def, "(no implementation)");
        cv->ok = false;
    }
    cv->ngenerics = p.ngen;
}

/* ---------------------------------------------------------------- registry */

static int entry_cmp(const void *a, const void *b)
{
    const RegEntry *x = a, *y = b;
    return strcasecmp(x->def->name, y->def->name);
}

static void registry_build(void)
{
    arena_init(&reg_arena, 64 * 1024);
    int total = 0;
    for (size_t f = 0; f < sizeof families / sizeof families[0]; f++)
        total += families[f]->n;
    reg_entries = arena_zalloc(&reg_arena, sizeof(RegEntry) * (size_t)total);
    int n = 0;
    for (size_t f = 0; f < sizeof families / sizeof families[0]; f++) {
        for (int i = 0; i < families[f]->n; i++) {
            const FnDef *def = &families[f]->defs[i];
            RegEntry *e = &reg_entries[n++];
            e->def = def;
            e->cv = arena_zalloc(&reg_arena, sizeof(CompiledVariant) *
                                                 (size_t)(def->nvariants ? def->nvariants : 1));
            for (int k = 0; k < def->nvariants; k++)
                compile_variant(def, &def->variants[k], &e->cv[k]);
            if (def->decl_name) {
                e->display = def->decl_name;
            } else if (def->kind == FN_AGGREGATE) {
                e->display = def->name;
            } else {
                char *low = arena_strdup(&reg_arena, def->name);
                for (char *c = low; *c; c++)
                    *c = (char)tolower((unsigned char)*c);
                e->display = low;
            }
        }
    }
    qsort(reg_entries, (size_t)n, sizeof(RegEntry), entry_cmp);
    /* Duplicate names are programming errors: count them like bad patterns. */
    for (int i = 1; i < n; i++)
        if (strcasecmp(reg_entries[i - 1].def->name, reg_entries[i].def->name) == 0)
            note_pattern_error(reg_entries[i].def, "(duplicate function name)");
    reg_list = arena_alloc(&reg_arena, sizeof(FnDef *) * (size_t)(n ? n : 1));
    reg_nlisted = 0;
    for (int i = 0; i < n; i++)
        if (!reg_entries[i].def->test_only) reg_list[reg_nlisted++] = reg_entries[i].def;
    reg_n = n;
}

void fn_registry_init(void)
{
    pthread_once(&reg_once, registry_build);
}

static const RegEntry *entry_find(const char *name)
{
    fn_registry_init();
    int lo = 0, hi = reg_n - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        int c = strcasecmp(name, reg_entries[mid].def->name);
        if (c == 0) return &reg_entries[mid];
        if (c < 0)
            hi = mid - 1;
        else
            lo = mid + 1;
    }
    return NULL;
}

static const RegEntry *entry_of(const FnDef *def)
{
    const RegEntry *e = entry_find(def->name);
    return e && e->def == def ? e : NULL;
}

const FnDef *fn_lookup(const char *name)
{
    const RegEntry *e = entry_find(name);
    return e ? e->def : NULL;
}

const FnDef *const *fn_list(int *n)
{
    fn_registry_init();
    *n = reg_nlisted;
    return reg_list;
}

const CompiledVariant *fn_compiled(const FnDef *def, const FnVariant *v)
{
    const RegEntry *e = entry_of(def);
    if (!e || v < def->variants || v >= def->variants + def->nvariants) return NULL;
    return &e->cv[v - def->variants];
}

int fn_registry_pattern_errors(char *buf, size_t n)
{
    fn_registry_init();
    if (buf && n) snprintf(buf, n, "%s", reg_first_error);
    return reg_pattern_errors;
}

const char *fn_display_name(const FnDef *def)
{
    const RegEntry *e = entry_of(def);
    return e ? e->display : def->name;
}

const char *fn_kind_text(FnKind kind)
{
    switch (kind) {
    case FN_SCALAR: return "SCALAR";
    case FN_TABLE: return "TABLE";
    case FN_AGGREGATE: return "AGGREGATE";
    }
    return "SCALAR";
}

int fn_error(FnCtx *ctx, const char *fmt, ...)
{
    if (ctx && ctx->err) {
        va_list ap;
        va_start(ap, fmt);
        ctx->err->code = ERR_EVAL;
        ctx->err->offset = -1;
        vsnprintf(ctx->err->msg, sizeof ctx->err->msg, fmt, ap);
        va_end(ap);
    }
    return ERR_EVAL;
}

const Type *fn_lambda_placeholder(int nparams)
{
    const Type *params[16];
    if (nparams > 16) nparams = 16;
    for (int i = 0; i < nparams; i++)
        params[i] = T_NULLTYPE;
    return type_lambda(nparams, params, T_NULLTYPE);
}

const char *fn_config(const FnCall *call, const char *name)
{
    if (!call || !call->opts || !call->opts->config) return NULL;
    return call->opts->config(call->opts->config_ctx, name);
}

/* ---------------------------------------------------------------- printing */

void fn_pat_print(StrBuf *sb, const Pat *p)
{
    if (!p) return;
    switch (p->kind) {
    case PK_PRIM:
        switch (p->prim) {
        case TYPE_BOOLEAN: sb_puts(sb, "BOOLEAN"); break;
        case TYPE_INT: sb_puts(sb, "INT"); break;
        case TYPE_BIGINT: sb_puts(sb, "BIGINT"); break;
        case TYPE_DOUBLE: sb_puts(sb, "DOUBLE"); break;
        case TYPE_STRING: sb_puts(sb, "STRING"); break;
        case TYPE_BYTES: sb_puts(sb, "BYTES"); break;
        case TYPE_DATE: sb_puts(sb, "DATE"); break;
        case TYPE_TIME: sb_puts(sb, "TIME"); break;
        case TYPE_TIMESTAMP: sb_puts(sb, "TIMESTAMP"); break;
        case TYPE_INTERVAL_UNIT: sb_puts(sb, "INTERVALUNIT"); break;
        default: sb_puts(sb, "?"); break;
        }
        break;
    case PK_DECIMAL: sb_puts(sb, "DECIMAL"); break;
    case PK_ANY: sb_puts(sb, "ANY"); break;
    case PK_ARRAY:
        sb_puts(sb, "ARRAY<");
        fn_pat_print(sb, p->elem);
        sb_putc(sb, '>');
        break;
    case PK_MAP:
        sb_puts(sb, "MAP<");
        fn_pat_print(sb, p->key);
        sb_puts(sb, ", ");
        fn_pat_print(sb, p->elem);
        sb_putc(sb, '>');
        break;
    case PK_STRUCT_ANY: sb_puts(sb, "STRUCT"); break;
    case PK_STRUCT:
        sb_puts(sb, "STRUCT<");
        for (int i = 0; i < p->n; i++) {
            if (i) sb_puts(sb, ", ");
            sb_printf(sb, "%s ", p->names[i]);
            fn_pat_print(sb, p->items[i]);
        }
        sb_putc(sb, '>');
        break;
    case PK_GENERIC: sb_puts(sb, p->gen_name); break;
    case PK_LAMBDA:
        sb_puts(sb, "LAMBDA(");
        for (int i = 0; i < p->n; i++) {
            if (i) sb_puts(sb, ", ");
            fn_pat_print(sb, p->items[i]);
        }
        sb_puts(sb, ") => ");
        fn_pat_print(sb, p->elem);
        break;
    }
}

int fn_variant_params(const FnDef *def, const FnVariant *v, FnParamInfo *out, int max)
{
    const CompiledVariant *cv = fn_compiled(def, v);
    if (!cv) return 0;
    for (int i = 0; i < cv->nparams && i < max; i++) {
        StrBuf sb = STRBUF_INIT;
        fn_pat_print(&sb, cv->params[i].pat);
        out[i].type = type_intern_name(sb_cstr(&sb)); /* interned: process lifetime */
        sb_free(&sb);
        out[i].name = cv->params[i].name;
        out[i].variadic = cv->params[i].vararg;
        out[i].is_const = cv->params[i].is_const;
    }
    return cv->nparams;
}

void fn_variant_print_signature(StrBuf *sb, const FnDef *def, const FnVariant *v,
                                bool use_decl_name)
{
    const CompiledVariant *cv = fn_compiled(def, v);
    sb_puts(sb, use_decl_name ? fn_display_name(def) : def->name);
    sb_putc(sb, '(');
    for (int i = 0; cv && i < cv->nparams; i++) {
        if (i) sb_puts(sb, ", ");
        fn_pat_print(sb, cv->params[i].pat);
        if (cv->params[i].vararg) sb_puts(sb, "...");
        if (cv->params[i].name[0]) {
            sb_putc(sb, ' ');
            sb_puts(sb, cv->params[i].name);
        }
    }
    sb_putc(sb, ')');
}

void fn_variant_print_return(StrBuf *sb, const FnDef *def, const FnVariant *v)
{
    const CompiledVariant *cv = fn_compiled(def, v);
    if (cv && cv->ret)
        fn_pat_print(sb, cv->ret);
    else
        sb_puts(sb, "ANY");
}

/* ---------------------------------------------------------------- matching */

/* Implicit conversions between primitive kinds (ksqlDB's SqlBaseType.canImplicitlyCast
 * plus string literals to temporal types). DECIMAL targets are handled by PK_DECIMAL. */
static bool prim_can_cast(TypeKind from, TypeKind to)
{
    switch (from) {
    case TYPE_INT: return to == TYPE_BIGINT || to == TYPE_DOUBLE;
    case TYPE_BIGINT: return to == TYPE_DOUBLE;
    case TYPE_DECIMAL: return to == TYPE_DOUBLE;
    case TYPE_STRING: return to == TYPE_DATE || to == TYPE_TIME || to == TYPE_TIMESTAMP;
    default: return false;
    }
}

static bool is_null_type(const Type *t)
{
    return !t || t->kind == TYPE_NULL;
}

/* The common type two argument types widen to, or NULL. */
static const Type *common_type(const Type *a, const Type *b)
{
    if (a == b) return a;
    if (is_null_type(a)) return b;
    if (is_null_type(b)) return a;
    if (type_is_numeric(a) && type_is_numeric(b)) {
        if (a->kind == TYPE_DOUBLE || b->kind == TYPE_DOUBLE) return T_DOUBLE;
        if (a->kind == TYPE_DECIMAL || b->kind == TYPE_DECIMAL) {
            const Type *da = type_to_decimal(a), *db = type_to_decimal(b);
            int ia = da->precision - da->scale, ib = db->precision - db->scale;
            int s = da->scale > db->scale ? da->scale : db->scale;
            int ip = ia > ib ? ia : ib;
            int p = ip + s;
            if (p > DECIMAL_MAX_PRECISION) p = DECIMAL_MAX_PRECISION;
            if (s > p) s = p;
            return type_decimal(p, s);
        }
        return T_BIGINT; /* INT with BIGINT */
    }
    if (a->kind != b->kind) {
        if (a->kind == TYPE_STRING && prim_can_cast(TYPE_STRING, b->kind)) return b;
        if (b->kind == TYPE_STRING && prim_can_cast(TYPE_STRING, a->kind)) return a;
        return NULL;
    }
    switch (a->kind) {
    case TYPE_ARRAY: {
        const Type *e = common_type(a->elem, b->elem);
        return e ? type_array(e) : NULL;
    }
    case TYPE_MAP: {
        const Type *k = common_type(a->key, b->key);
        const Type *v = common_type(a->elem, b->elem);
        return k && v ? type_map(k, v) : NULL;
    }
    case TYPE_STRUCT: {
        if (a->nfields != b->nfields) return NULL;
        TypeField f[64];
        if (a->nfields > 64) return NULL;
        for (int i = 0; i < a->nfields; i++) {
            if (a->fields[i].name != b->fields[i].name) return NULL;
            f[i].name = a->fields[i].name;
            f[i].type = common_type(a->fields[i].type, b->fields[i].type);
            if (!f[i].type) return NULL;
        }
        return type_struct(a->nfields, f);
    }
    default: return NULL;
    }
}

/* Whether type `t` contains no NULL placeholders. */
static bool type_complete(const Type *t)
{
    if (is_null_type(t)) return false;
    switch (t->kind) {
    case TYPE_ARRAY: return type_complete(t->elem);
    case TYPE_MAP: return type_complete(t->key) && type_complete(t->elem);
    case TYPE_STRUCT:
        for (int i = 0; i < t->nfields; i++)
            if (!type_complete(t->fields[i].type)) return false;
        return true;
    default: return true;
    }
}

static bool bind_generic(const Type **b, int g, const Type *t, bool cast)
{
    if (!b[g]) {
        b[g] = t;
        return true;
    }
    if (b[g] == t) return true;
    const Type *c = common_type(b[g], t);
    if (!c) return false;
    /* The exact pass may only refine placeholders (ARRAY<NULL> of an empty literal). */
    if (!cast && type_complete(b[g]) && type_complete(t)) return false;
    b[g] = c;
    return true;
}

static bool pat_match(const Pat *p, const Type *t, const Type **b, bool cast)
{
    if (is_null_type(t)) return true;
    switch (p->kind) {
    case PK_ANY: return true;
    case PK_PRIM: return t->kind == p->prim || (cast && prim_can_cast(t->kind, p->prim));
    case PK_DECIMAL:
        return t->kind == TYPE_DECIMAL || (cast && (t->kind == TYPE_INT || t->kind == TYPE_BIGINT));
    case PK_ARRAY: return t->kind == TYPE_ARRAY && pat_match(p->elem, t->elem, b, cast);
    case PK_MAP:
        return t->kind == TYPE_MAP && pat_match(p->key, t->key, b, cast) &&
               pat_match(p->elem, t->elem, b, cast);
    case PK_STRUCT_ANY: return t->kind == TYPE_STRUCT;
    case PK_STRUCT:
        if (t->kind != TYPE_STRUCT || t->nfields != p->n) return false;
        for (int i = 0; i < p->n; i++)
            if (strcasecmp(t->fields[i].name, p->names[i]) != 0 ||
                !pat_match(p->items[i], t->fields[i].type, b, cast))
                return false;
        return true;
    case PK_GENERIC: return bind_generic(b, p->gen, t, cast);
    case PK_LAMBDA: return t->kind == TYPE_LAMBDA && t->nfields == p->n;
    }
    return false;
}

/* The type a pattern stands for under bindings b, or NULL when it is not determined
 * (unbound generic, DECIMAL, STRUCT, ANY). */
static const Type *pat_inst(const Pat *p, const Type *const *b)
{
    switch (p->kind) {
    case PK_PRIM: return type_prim(p->prim);
    case PK_GENERIC: return b[p->gen];
    case PK_ARRAY: {
        const Type *e = pat_inst(p->elem, b);
        return e ? type_array(e) : NULL;
    }
    case PK_MAP: {
        const Type *k = pat_inst(p->key, b), *v = pat_inst(p->elem, b);
        return k && v ? type_map(k, v) : NULL;
    }
    case PK_STRUCT: {
        TypeField f[32];
        for (int i = 0; i < p->n && i < 32; i++) {
            f[i].name = type_intern_name(p->names[i]);
            f[i].type = pat_inst(p->items[i], b);
            if (!f[i].type) return NULL;
        }
        return type_struct(p->n, f);
    }
    default: return NULL;
    }
}

/* The type argument `t` must be converted to for parameter pattern p. */
static const Type *pat_arg_type(const Pat *p, const Type *t, const Type *const *b)
{
    if (is_null_type(t)) {
        const Type *c = pat_inst(p, b);
        return c && type_complete(c) ? c : t;
    }
    switch (p->kind) {
    case PK_PRIM: return type_prim(p->prim);
    case PK_DECIMAL:
        return t->kind == TYPE_DECIMAL ? t : (type_to_decimal(t) ? type_to_decimal(t) : t);
    case PK_ARRAY:
        if (t->kind != TYPE_ARRAY) return t;
        return type_array(pat_arg_type(p->elem, t->elem, b));
    case PK_MAP:
        if (t->kind != TYPE_MAP) return t;
        return type_map(pat_arg_type(p->key, t->key, b), pat_arg_type(p->elem, t->elem, b));
    case PK_STRUCT: {
        if (t->kind != TYPE_STRUCT || t->nfields > 32) return t;
        TypeField f[32];
        for (int i = 0; i < t->nfields; i++) {
            f[i].name = t->fields[i].name;
            f[i].type =
                i < p->n ? pat_arg_type(p->items[i], t->fields[i].type, b) : t->fields[i].type;
        }
        return type_struct(t->nfields, f);
    }
    case PK_GENERIC: return b[p->gen] && type_complete(b[p->gen]) ? b[p->gen] : t;
    default: return t;
    }
}

/* Parameter index used by argument i of nargs under variant cv. */
static int param_for_arg(const CompiledVariant *cv, int nargs, int i)
{
    if (cv->vararg < 0) return i;
    int after = cv->nparams - cv->vararg - 1; /* fixed params after the varargs */
    if (i < cv->vararg) return i;
    if (i >= nargs - after) return cv->nparams - (nargs - i);
    return cv->vararg;
}

typedef struct Candidate {
    int variant;
    const Type *binds[FN_MAX_GENERICS];
} Candidate;

static bool match_variant(const CompiledVariant *cv, int nargs, const Type *const *args, bool cast,
                          Candidate *c)
{
    if (!cv->ok) return false;
    if (cv->vararg < 0 ? nargs != cv->nparams : nargs < cv->nparams - 1) return false;
    memset(c->binds, 0, sizeof c->binds);
    for (int i = 0; i < nargs; i++) {
        const Pat *p = cv->params[param_for_arg(cv, nargs, i)].pat;
        const Type *t = args[i];
        if (t && t->kind == TYPE_LAMBDA) {
            if (p->kind != PK_LAMBDA || t->nfields != p->n) return false;
            continue;
        }
        if (p->kind == PK_LAMBDA) return false;
        if (t && t->kind == TYPE_INTERVAL_UNIT) {
            if (!(p->kind == PK_PRIM && p->prim == TYPE_INTERVAL_UNIT) && p->kind != PK_ANY)
                return false;
            continue;
        }
        if (p->kind == PK_PRIM && p->prim == TYPE_INTERVAL_UNIT && !is_null_type(t)) return false;
        if (!pat_match(p, t, c->binds, cast)) return false;
    }
    return true;
}

/* ksqlDB's ranking: non-variadic before variadic, then more parameters first. */
static int cand_rank(const CompiledVariant *cv)
{
    return (cv->vararg < 0 ? 1000 : 0) + cv->nparams;
}

static void print_arg_types(StrBuf *sb, int nargs, const Type *const *args)
{
    sb_putc(sb, '(');
    for (int i = 0; i < nargs; i++) {
        if (i) sb_puts(sb, ", ");
        if (is_null_type(args[i]))
            sb_puts(sb, "null");
        else if (args[i]->kind == TYPE_LAMBDA)
            sb_puts(sb, "LAMBDA");
        else
            type_print(sb, args[i]);
    }
    sb_putc(sb, ')');
}

static int resolve_error(const RegEntry *e, const char *what, int nargs, const Type *const *args,
                         EddyError *err)
{
    StrBuf sb = STRBUF_INIT;
    sb_printf(&sb, "Function '%s' %s ", e->display, what);
    print_arg_types(&sb, nargs, args);
    sb_puts(&sb, ".\nValid alternatives are:\n");
    for (int k = 0; k < e->def->nvariants; k++) {
        fn_variant_print_signature(&sb, e->def, &e->def->variants[k], true);
        sb_putc(&sb, '\n');
    }
    sb_puts(&sb, "For detailed information on a function run: DESCRIBE FUNCTION <Function-Name>;");
    int rc = err_set(err, ERR_SEMANTIC, -1, "%s", sb_cstr(&sb));
    sb_free(&sb);
    return rc;
}

/* Binds generics of pattern p from an actual (typed) lambda/return type t; fails on a
 * conflict that widening cannot resolve. */
static bool bind_from_result(const Pat *p, const Type *t, const Type **b)
{
    if (is_null_type(t)) return true;
    switch (p->kind) {
    case PK_GENERIC:
        if (!b[p->gen] || !type_complete(b[p->gen])) {
            b[p->gen] = b[p->gen] ? (common_type(b[p->gen], t) ? common_type(b[p->gen], t) : t) : t;
            return true;
        }
        return b[p->gen] == t || type_can_widen(t, b[p->gen]);
    default: {
        const Type *tmp[FN_MAX_GENERICS];
        memcpy(tmp, b, sizeof tmp);
        if (!pat_match(p, t, tmp, true)) return false;
        for (int g = 0; g < FN_MAX_GENERICS; g++)
            if (!b[g]) b[g] = tmp[g];
        return true;
    }
    }
}

int fn_resolve_ex(const char *name, int nargs, const Type *const *arg_types,
                  const Value *const *literals, LambdaTyper typer, void *typer_ctx,
                  const FnResolveOpts *opts, Arena *plan_arena, FnCall *out, EddyError *err)
{
    const RegEntry *e = entry_find(name);
    if (!e)
        return err_set(err, ERR_SEMANTIC, -1, "Can't find any functions with the name '%s'", name);
    const FnDef *def = e->def;

    Candidate best = {.variant = -1}, cur;
    bool tie = false;
    for (int pass = 0; pass < 2 && best.variant < 0; pass++) {
        int best_rank = -1;
        tie = false;
        for (int k = 0; k < def->nvariants; k++) {
            if (!match_variant(&e->cv[k], nargs, arg_types, pass == 1, &cur)) continue;
            cur.variant = k;
            int r = cand_rank(&e->cv[k]);
            if (r > best_rank) {
                best = cur;
                best_rank = r;
                tie = false;
            } else if (r == best_rank) {
                tie = true;
            }
        }
    }
    if (best.variant < 0)
        return resolve_error(e, "does not accept parameters", nargs, arg_types, err);
    if (tie)
        return resolve_error(e, "cannot be resolved due to ambiguous method parameters", nargs,
                             arg_types, err);

    const CompiledVariant *cv = &e->cv[best.variant];
    const FnVariant *v = &def->variants[best.variant];
    const Type **b = best.binds;

    memset(out, 0, sizeof *out);
    out->def = def;
    out->variant = v;
    out->nargs = nargs;
    out->arg_types = arena_zalloc(plan_arena, sizeof(Type *) * (size_t)(nargs ? nargs : 1));
    out->is_const = arena_zalloc(plan_arena, sizeof(bool) * (size_t)(nargs ? nargs : 1));
    out->const_args = arena_zalloc(plan_arena, sizeof(Value) * (size_t)(nargs ? nargs : 1));
    out->opts = opts;

    /* Lambdas, left to right, once the generics of their parameters are bound. */
    for (int i = 0; i < nargs; i++) {
        const PatParam *pp = &cv->params[param_for_arg(cv, nargs, i)];
        const Type *t = arg_types[i];
        if (!t || t->kind != TYPE_LAMBDA) continue;
        const Pat *lp = pp->pat;
        const Type *ptypes[8];
        for (int k = 0; k < lp->n; k++) {
            ptypes[k] = pat_inst(lp->items[k], b);
            if (!ptypes[k]) {
                out->opts = NULL;
                return err_set(err, ERR_SEMANTIC, -1,
                               "Cannot infer the type of lambda parameter %d of function '%s'",
                               k + 1, e->display);
            }
        }
        if (!typer) {
            out->opts = NULL;
            return err_set(err, ERR_INTERNAL, -1, "no lambda typer for function '%s'", e->display);
        }
        const Type *body = typer(typer_ctx, i, lp->n, ptypes, err);
        if (!body) {
            out->opts = NULL;
            return err && err->code ? err->code : ERR_SEMANTIC;
        }
        if (!bind_from_result(lp->elem, body, b)) {
            StrBuf sb = STRBUF_INIT;
            fn_pat_print(&sb, lp->elem);
            int rc = err_set(err, ERR_SEMANTIC, -1,
                             "Lambda passed to function '%s' returns %s, which does not match %s",
                             e->display, type_name(body), sb_cstr(&sb));
            sb_free(&sb);
            out->opts = NULL;
            return rc;
        }
        out->arg_types[i] = type_lambda(lp->n, ptypes, body);
    }

    for (int i = 0; i < nargs; i++) {
        const PatParam *pp = &cv->params[param_for_arg(cv, nargs, i)];
        const Type *t = arg_types[i];
        if (t && t->kind == TYPE_LAMBDA) continue;
        if (t && t->kind == TYPE_INTERVAL_UNIT) {
            out->arg_types[i] = t;
        } else {
            out->arg_types[i] = pat_arg_type(pp->pat, t ? t : T_NULLTYPE, b);
        }
        if (pp->is_const) {
            const Value *lit = literals ? literals[i] : NULL;
            if (!lit) {
                const char *txt =
                    opts && opts->arg_text && opts->arg_text[i] ? opts->arg_text[i] : "?";
                out->opts = NULL;
                return err_set(err, ERR_SEMANTIC, -1,
                               "Parameter %d passed to function %s must be a literal constant, "
                               "but was expression: '%s'",
                               i + 1, def->name, txt);
            }
            out->is_const[i] = true;
            out->const_args[i] = val_copy(plan_arena, lit);
        }
    }

    /* Return and state types. */
    if (v->ret_fn) {
        out->ret = v->ret_fn(nargs, out->arg_types, err);
        if (!out->ret) {
            out->opts = NULL;
            return err && err->code ? err->code : ERR_SEMANTIC;
        }
    } else {
        out->ret = pat_inst(cv->ret, b);
        if (!out->ret) {
            out->opts = NULL;
            return err_set(err, ERR_SEMANTIC, -1,
                           "Cannot resolve the return type of function '%s' from the argument "
                           "types",
                           e->display);
        }
    }
    if (def->kind == FN_AGGREGATE) {
        if (v->state_fn) {
            out->state_type = v->state_fn(nargs, out->arg_types, err);
            if (!out->state_type) {
                out->opts = NULL;
                return err && err->code ? err->code : ERR_SEMANTIC;
            }
        } else if (cv->state) {
            out->state_type = pat_inst(cv->state, b);
        }
        if (!out->state_type) out->state_type = out->ret;
    }
    if (v->prepare) {
        int rc = v->prepare(out, literals, plan_arena, err);
        if (rc < 0) {
            out->opts = NULL;
            return rc;
        }
    }
    out->opts = NULL;
    return 0;
}

int fn_resolve(const char *name, int nargs, const Type *const *arg_types,
               const Value *const *literals, LambdaTyper typer, void *typer_ctx, Arena *plan_arena,
               FnCall *out, EddyError *err)
{
    return fn_resolve_ex(name, nargs, arg_types, literals, typer, typer_ctx, NULL, plan_arena, out,
                         err);
}
