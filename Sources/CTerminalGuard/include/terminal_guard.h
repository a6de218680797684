// Restores the terminal when the process crashes while the dashboard owns it: a fatal
// signal writes the saved reset sequence and terminal modes back, then lets the previous
// handler (Swift's backtracer, or the default action) run as it would have.
#ifndef WSMON_TERMINAL_GUARD_H
#define WSMON_TERMINAL_GUARD_H

// Saves the terminal modes of `fd` (call before curses changes them).
void wsmon_guard_save_modes(int fd);
// Installs the crash handlers; `reset` (at most 255 bytes) is written to `fd` on a crash.
void wsmon_guard_install(int fd, const char *reset);
// Puts the previous handlers back (after a normal exit from curses).
void wsmon_guard_remove(void);

#endif
