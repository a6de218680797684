// ncursesw for Swift. Swift 6's strict concurrency rejects ncurses' global variables
// (LINES, COLS, COLORS, stdscr) used directly, and Swift cannot import macros that are
// expressions (A_BOLD, COLOR_PAIR), so they are read through these functions.
#ifndef WSMON_NCURSES_SHIM_H
#define WSMON_NCURSES_SHIM_H

#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <langinfo.h>
#include <string.h>
#include <wchar.h>
#include <ncursesw/curses.h>
#include <ncursesw/term.h>

static inline int wsmon_lines(void) { return LINES; }
static inline int wsmon_cols(void) { return COLS; }
static inline int wsmon_colors(void) { return COLORS; }
static inline int wsmon_color_pairs(void) { return COLOR_PAIRS; }
static inline WINDOW *wsmon_stdscr(void) { return stdscr; }
static inline FILE *wsmon_stdin(void) { return stdin; }
static inline FILE *wsmon_stdout(void) { return stdout; }

static inline attr_t wsmon_attr_bold(void) { return A_BOLD; }
static inline attr_t wsmon_attr_dim(void) { return A_DIM; }
static inline attr_t wsmon_attr_italic(void) { return A_ITALIC; }
static inline attr_t wsmon_attr_underline(void) { return A_UNDERLINE; }
static inline attr_t wsmon_attr_reverse(void) { return A_REVERSE; }

// Extended colour pairs (more than 32,767, and direct colour) go through the opts pointer.
static inline int wsmon_set_style(WINDOW *window, attr_t attributes, int pair) {
    return wattr_set(window, attributes, 0, &pair);
}

// A terminfo string capability, or NULL when the terminal has none.
static inline const char *wsmon_terminfo_string(const char *name) {
    char *value = tigetstr((char *)name);
    return (value == NULL || value == (char *)-1) ? NULL : value;
}

static inline int wsmon_codeset_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    return codeset != NULL && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}

#endif
