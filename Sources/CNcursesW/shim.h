#ifndef PRISM_CNCURSESW_SHIM_H
#define PRISM_CNCURSESW_SHIM_H
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <stdio.h>
#include <ncursesw/ncurses.h>

/* Swift 6 rejects ncurses' globals and macros; these give them to Swift as functions. */
static inline WINDOW *prism_stdscr(void) { return stdscr; }
static inline FILE *prism_stdout(void) { return stdout; }
static inline FILE *prism_stdin(void) { return stdin; }
static inline int prism_lines(void) { return LINES; }
static inline int prism_cols(void) { return COLS; }
static inline int prism_colors(void) { return COLORS; }
static inline chtype prism_a_bold(void) { return A_BOLD; }
static inline chtype prism_a_reverse(void) { return A_REVERSE; }
static inline chtype prism_a_dim(void) { return A_DIM; }
static inline chtype prism_a_underline(void) { return A_UNDERLINE; }
static inline chtype prism_color_pair(int pair) { return COLOR_PAIR(pair); }
static inline int prism_key_resize(void) { return KEY_RESIZE; }
static inline int prism_key_up(void) { return KEY_UP; }
static inline int prism_key_down(void) { return KEY_DOWN; }
static inline int prism_key_left(void) { return KEY_LEFT; }
static inline int prism_key_right(void) { return KEY_RIGHT; }
static inline int prism_key_enter(void) { return KEY_ENTER; }
static inline int prism_key_backspace(void) { return KEY_BACKSPACE; }
static inline int prism_key_npage(void) { return KEY_NPAGE; }
static inline int prism_key_ppage(void) { return KEY_PPAGE; }
static inline int prism_key_home(void) { return KEY_HOME; }
static inline int prism_key_end(void) { return KEY_END; }
static inline int prism_err(void) { return ERR; }
/* Draws one UTF-8 string at (y, x) with attributes, clipped to n bytes. */
static inline void prism_draw(int y, int x, const char *text, int n, chtype attributes) {
    attrset(attributes);
    mvaddnstr(y, x, text, n);
    attrset(A_NORMAL);
}
#endif
