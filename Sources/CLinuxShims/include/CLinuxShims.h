#ifndef CLINUXSHIMS_H
#define CLINUXSHIMS_H

// Linux calls that Swift cannot import from Glibc as they are. Grouped by topic; each entry says why it is here.
// (inotify needs nothing: Glibc's overlay imports inotify_init1, inotify_add_watch and the IN_* constants.)

// MARK: ioctl
// ioctl(2) is variadic, and Swift does not import variadic C functions.
int clinux_ioctl(int fd, unsigned long request, void *arg);

// MARK: malloc
// <malloc.h> is not part of Glibc's Swift module, so neither mallopt nor its M_* parameters are visible.
#include <malloc.h>
static inline void clinux_tune_malloc(int arenas, int mmap_threshold, int trim_threshold) {
    mallopt(M_ARENA_MAX, arenas);
    mallopt(M_MMAP_THRESHOLD, mmap_threshold);
    mallopt(M_TRIM_THRESHOLD, trim_threshold);
}

#endif
