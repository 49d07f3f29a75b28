/*
 * edit.c - line editing on libedit: the prompt, emacs key bindings (up/down
 * through history, Ctrl-R incremental search), Tab completion, a persistent
 * history file, and Ctrl-C that drops the line instead of ending the shell.
 *
 * libedit reads characters through our own read function (EL_GETCFN). The
 * SIGINT handler is installed without SA_RESTART, so a Ctrl-C interrupts the
 * blocked read(); the read function then hands libedit a ^C character bound to
 * our "eddy-interrupt" function, which ends the line and marks it interrupted.
 * The same loop notices terminal resizes. Completion names (streams, tables,
 * topics, functions) are asked for from eddyd lazily, on the first Tab after
 * they were marked stale, so typing never waits on the network.
 */
#include <errno.h>
#include <histedit.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shell.h"

struct Editor {
    EditLine *el;
    History *hist;
    char *history_path;
    char prompt[128];
    volatile sig_atomic_t *sigint;
    bool interrupted; /* the current line was ended by Ctrl-C */
    EditorNamesFn names_fn;
    void *names_ctx;
    CompletionNames names;
    bool names_fresh;
};

static volatile sig_atomic_t winch_seen;

static void on_winch(int sig)
{
    (void)sig;
    winch_seen = 1;
}

static char *prompt_fn(EditLine *el)
{
    Editor *e = NULL;
    el_get(el, EL_CLIENTDATA, &e);
    return e ? e->prompt : "";
}

/* Reads one character (UTF-8 decoded) for libedit; see the file comment. */
static int getc_fn(EditLine *el, wchar_t *wc)
{
    Editor *e = NULL;
    el_get(el, EL_CLIENTDATA, &e);
    unsigned char buf[4];
    int have = 0, need = 1;
    for (;;) {
        if (e->sigint && *e->sigint) {
            *e->sigint = 0;
            *wc = 3; /* ^C, bound to eddy-interrupt */
            return 1;
        }
        if (winch_seen) {
            winch_seen = 0;
            el_resize(el);
        }
        unsigned char ch;
        ssize_t r = read(STDIN_FILENO, &ch, 1);
        if (r == 0) return 0;
        if (r < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (have == 0) {
            need = ch < 0x80 ? 1 : (ch & 0xE0) == 0xC0 ? 2 : (ch & 0xF0) == 0xE0 ? 3 : 4;
            if (ch >= 0x80 && (ch & 0xC0) == 0x80) need = 1; /* stray byte */
        }
        buf[have++] = ch;
        if (have < need) continue;
        wchar_t w;
        if (need == 1)
            w = buf[0];
        else if (need == 2)
            w = ((buf[0] & 0x1F) << 6) | (buf[1] & 0x3F);
        else if (need == 3)
            w = ((buf[0] & 0x0F) << 12) | ((buf[1] & 0x3F) << 6) | (buf[2] & 0x3F);
        else
            w = ((buf[0] & 0x07) << 18) | ((buf[1] & 0x3F) << 12) | ((buf[2] & 0x3F) << 6) |
                (buf[3] & 0x3F);
        *wc = w;
        return 1;
    }
}

static unsigned char interrupt_fn(EditLine *el, int ch)
{
    (void)ch;
    Editor *e = NULL;
    el_get(el, EL_CLIENTDATA, &e);
    e->interrupted = true;
    return CC_NEWLINE;
}

/* Prints candidates in columns under the line being edited. */
static void list_candidates(char **c, int n)
{
    int w = 0;
    for (int i = 0; i < n; i++) {
        int l = table_text_width(c[i]);
        if (l > w) w = l;
    }
    w += 2;
    int cols = 80 / w;
    if (cols < 1) cols = 1;
    fputc('\n', stdout);
    for (int i = 0; i < n; i++) {
        fprintf(stdout, "%-*s", w, c[i]);
        if ((i + 1) % cols == 0 || i == n - 1) fputc('\n', stdout);
    }
    fflush(stdout);
}

static unsigned char complete_fn(EditLine *el, int ch)
{
    (void)ch;
    Editor *e = NULL;
    el_get(el, EL_CLIENTDATA, &e);
    if (!e->names_fresh && e->names_fn) {
        completion_names_free(&e->names);
        e->names_fn(e->names_ctx, &e->names);
        e->names_fresh = true;
    }
    const LineInfo *li = el_line(el);
    size_t len = (size_t)(li->lastchar - li->buffer);
    size_t cursor = (size_t)(li->cursor - li->buffer);
    char *line = strndup(li->buffer, len);
    char **cands;
    size_t start;
    int n = complete_candidates(line, cursor, &e->names, &cands, &start);
    unsigned char rc = CC_REFRESH;
    if (n == 0) {
        rc = CC_REFRESH_BEEP;
    } else {
        char *insert = n == 1 ? strdup(cands[0]) : complete_common_prefix(cands, n);
        size_t typed = cursor - start;
        if (n == 1 || strlen(insert) > typed) {
            int chars = 0;
            for (size_t i = start; i < cursor; i++)
                if (((unsigned char)line[i] & 0xC0) != 0x80) chars++;
            el_deletestr(el, chars);
            el_insertstr(el, insert);
            if (n == 1 && !(cursor < len && line[cursor] == ' ')) el_insertstr(el, " ");
        } else {
            list_candidates(cands, n);
            rc = CC_REDISPLAY;
        }
        free(insert);
    }
    complete_free(cands, n);
    free(line);
    return rc;
}

Editor *editor_new(const char *prog, const char *history_path, EditorNamesFn names_fn,
                   void *names_ctx, volatile sig_atomic_t *sigint)
{
    if (!isatty(STDIN_FILENO)) return NULL;
    Editor *e = calloc(1, sizeof *e);
    e->sigint = sigint;
    e->names_fn = names_fn;
    e->names_ctx = names_ctx;
    e->el = el_init(prog, stdin, stdout, stderr);
    if (!e->el) {
        free(e);
        return NULL;
    }
    e->hist = history_init();
    HistEvent ev;
    history(e->hist, &ev, H_SETSIZE, 2000);
    history(e->hist, &ev, H_SETUNIQUE, 1);
    if (history_path) {
        e->history_path = strdup(history_path);
        history(e->hist, &ev, H_LOAD, history_path);
    }
    el_set(e->el, EL_CLIENTDATA, e);
    el_set(e->el, EL_EDITOR, "emacs");
    el_set(e->el, EL_SIGNAL, 0);
    el_set(e->el, EL_PROMPT, prompt_fn);
    el_set(e->el, EL_HIST, history, e->hist);
    el_set(e->el, EL_GETCFN, getc_fn);
    el_set(e->el, EL_ADDFN, "eddy-complete", "complete a word", complete_fn);
    el_set(e->el, EL_ADDFN, "eddy-interrupt", "drop the line", interrupt_fn);
    el_set(e->el, EL_BIND, "^I", "eddy-complete", NULL);
    el_set(e->el, EL_BIND, "^C", "eddy-interrupt", NULL);
    el_set(e->el, EL_BIND, "^R", "em-inc-search-prev", NULL);
    el_source(e->el, NULL); /* the user's ~/.editrc */

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_winch;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGWINCH, &sa, NULL);
    return e;
}

void editor_free(Editor *e)
{
    if (!e) return;
    el_end(e->el);
    history_end(e->hist);
    completion_names_free(&e->names);
    free(e->history_path);
    free(e);
}

char *editor_read(Editor *e, const char *prompt, bool *interrupted)
{
    snprintf(e->prompt, sizeof e->prompt, "%s", prompt);
    e->interrupted = false;
    *interrupted = false;
    int count = 0;
    fflush(stdout);
    const char *line = el_gets(e->el, &count);
    if (e->interrupted) {
        *interrupted = true;
        fputc('\n', stdout);
        fflush(stdout);
        return strdup("");
    }
    if (!line || count <= 0) return NULL;
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        n--;
    return strndup(line, n);
}

void editor_history_add(Editor *e, const char *entry)
{
    HistEvent ev;
    if (!*entry) return;
    history(e->hist, &ev, H_ENTER, entry);
    if (e->history_path) history(e->hist, &ev, H_SAVE, e->history_path);
}

void editor_history_print(Editor *e, StrBuf *out)
{
    HistEvent ev;
    if (history(e->hist, &ev, H_LAST) < 0) return;
    do {
        sb_printf(out, "%5d  %s", ev.num, ev.str);
        if (!*ev.str || ev.str[strlen(ev.str) - 1] != '\n') sb_putc(out, '\n');
    } while (history(e->hist, &ev, H_PREV) >= 0);
}

void editor_names_stale(Editor *e)
{
    if (e) e->names_fresh = false;
}
