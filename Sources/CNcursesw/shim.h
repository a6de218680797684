// ncursesw for Swift. Swift 6's strict concurrency rejects ncurses' global variables
// (LINES, COLS, COLORS, stdscr) used directly, so they are read through these functions.
#ifndef WSMON_NCURSES_SHIM_H
#define WSMON_NCURSES_SHIM_H

#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <ncursesw/curses.h>

static inline int wsmon_lines(void) { return LINES; }
static inline int wsmon_cols(void) { return COLS; }
static inline int wsmon_colors(void) { return COLORS; }
static inline int wsmon_color_pairs(void) { return COLOR_PAIRS; }
static inline WINDOW *wsmon_stdscr(void) { return stdscr; }

#endif
