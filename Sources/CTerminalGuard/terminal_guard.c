#include "terminal_guard.h"

#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static const int guarded_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP};
#define GUARDED_COUNT (sizeof(guarded_signals) / sizeof(guarded_signals[0]))

static struct sigaction previous_actions[GUARDED_COUNT];
static struct termios saved_modes;
static int has_saved_modes = 0;
static int guarded_fd = -1;
static char reset_sequence[256];
static size_t reset_length = 0;
static volatile sig_atomic_t installed = 0;

void wsmon_guard_save_modes(int fd) {
    has_saved_modes = tcgetattr(fd, &saved_modes) == 0;
}

// Only async-signal-safe calls: write, tcsetattr, sigaction, raise.
static void restore_terminal_and_forward(int signal_number) {
    if (guarded_fd >= 0) {
        ssize_t ignored = write(guarded_fd, reset_sequence, reset_length);
        (void)ignored;
        if (has_saved_modes) tcsetattr(guarded_fd, TCSANOW, &saved_modes);
    }
    for (size_t index = 0; index < GUARDED_COUNT; index++) {
        if (guarded_signals[index] == signal_number) sigaction(signal_number, &previous_actions[index], NULL);
    }
    // Delivered to the previous handler once this one returns (a fault re-raises itself too).
    raise(signal_number);
}

void wsmon_guard_install(int fd, const char *reset) {
    if (installed) return;
    guarded_fd = fd;
    reset_length = strlen(reset);
    if (reset_length >= sizeof(reset_sequence)) reset_length = sizeof(reset_sequence) - 1;
    memcpy(reset_sequence, reset, reset_length);
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = restore_terminal_and_forward;
    sigemptyset(&action.sa_mask);
    for (size_t index = 0; index < GUARDED_COUNT; index++) {
        sigaction(guarded_signals[index], &action, &previous_actions[index]);
    }
    installed = 1;
}

void wsmon_guard_remove(void) {
    if (!installed) return;
    for (size_t index = 0; index < GUARDED_COUNT; index++) {
        sigaction(guarded_signals[index], &previous_actions[index], NULL);
    }
    installed = 0;
}
