// An LD_PRELOAD shim that makes the journal's disk fail with EIO.
//
// Counts the writes (write, pwrite, pwrite64) and syncs (fsync, fdatasync) of the journal's files:
// the file named by $EIO_JOURNAL and its "-wal", "-shm" and "-journal" companions, nothing else
// (the credentials file beside it, stdout and stderr are left alone). Once $EIO_AFTER calls of
// the kinds chosen by $EIO_CALLS ("write", "sync" or "all", the default) have succeeded, every
// further such call fails with EIO without touching the file, as a dying disk would, until the
// process ends. Without $EIO_JOURNAL the shim does nothing.
//
//   cc -shared -fPIC -O2 -o eio-after.so eio-after.c -ldl
//   EIO_JOURNAL=/tmp/dir/leadsync.db EIO_AFTER=40 EIO_CALLS=sync LD_PRELOAD=./eio-after.so leadsync ingest …
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

enum kind { WRITE = 1, SYNC = 2 };

static int watched(int fd) {
    const char *journal = getenv("EIO_JOURNAL");
    if (journal == NULL || *journal == 0) return 0;
    char link[64], path[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t length = readlink(link, path, sizeof path - 1);
    if (length <= 0) return 0;
    path[length] = 0;
    size_t prefix = strlen(journal);
    if (strncmp(path, journal, prefix) != 0) return 0;
    const char *rest = path + prefix;
    return *rest == 0 || strcmp(rest, "-wal") == 0 || strcmp(rest, "-shm") == 0 || strcmp(rest, "-journal") == 0;
}

// True when this call on `fd` must fail: it is of a counted kind, on a journal file, and the
// budget of successful calls is spent.
static int failing(int fd, enum kind kind) {
    static long calls;
    const char *chosen = getenv("EIO_CALLS");
    int counted = chosen == NULL || strcmp(chosen, "all") == 0 ? WRITE | SYNC
                  : strcmp(chosen, "sync") == 0                ? SYNC
                                                               : WRITE;
    if (!(counted & kind) || !watched(fd)) return 0;
    const char *after = getenv("EIO_AFTER");
    long budget = after == NULL ? 0 : atol(after);
    if (__atomic_add_fetch(&calls, 1, __ATOMIC_SEQ_CST) <= budget) return 0;
    errno = EIO;
    return 1;
}

// The libc function this one stands in front of.
#define REAL(name) \
    static __typeof__(&name) real; \
    if (real == NULL) real = (__typeof__(&name))dlsym(RTLD_NEXT, #name)

ssize_t write(int fd, const void *buffer, size_t count) {
    REAL(write);
    return failing(fd, WRITE) ? -1 : real(fd, buffer, count);
}

ssize_t pwrite(int fd, const void *buffer, size_t count, off_t offset) {
    REAL(pwrite);
    return failing(fd, WRITE) ? -1 : real(fd, buffer, count, offset);
}

ssize_t pwrite64(int fd, const void *buffer, size_t count, off64_t offset) {
    REAL(pwrite64);
    return failing(fd, WRITE) ? -1 : real(fd, buffer, count, offset);
}

int fsync(int fd) {
    REAL(fsync);
    return failing(fd, SYNC) ? -1 : real(fd);
}

int fdatasync(int fd) {
    REAL(fdatasync);
    return failing(fd, SYNC) ? -1 : real(fd);
}
