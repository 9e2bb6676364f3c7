// An LD_PRELOAD shim that tells what a power loss would leave on disk.
//
// After every successful fsync or fdatasync of a regular file under $POWERLOSS_DIR, the file's
// whole content is copied to "<file>.durable": the last state the disk promised to keep. A test
// kills the process, replaces each file by its ".durable" copy (or removes it when it was never
// synced), and so sees exactly what survives a power cut that loses every write not yet synced.
// An unlink counts as durable at once (its copy is removed): ext4 journals metadata in order, and
// SQLite relies on that for the rollback journal it deletes after `init`'s first transactions.
//
//   cc -shared -fPIC -O2 -o durable-snapshot.so durable-snapshot.c -ldl
//   POWERLOSS_DIR=/tmp/dir LD_PRELOAD=./durable-snapshot.so leadsync ingest …
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int watched(const char *path) {
    const char *dir = getenv("POWERLOSS_DIR");
    return dir != NULL && *dir != 0 && strncmp(path, dir, strlen(dir)) == 0;
}

static void snapshot(int fd) {
    char link[64], path[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t length = readlink(link, path, sizeof path - 1);
    if (length <= 0) return;
    path[length] = 0;
    struct stat status;
    if (!watched(path) || fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) return;

    char temporary[PATH_MAX + 16], durable[PATH_MAX + 16];
    snprintf(temporary, sizeof temporary, "%s.durable~", path);
    snprintf(durable, sizeof durable, "%s.durable", path);
    int in = open(path, O_RDONLY | O_CLOEXEC);
    int out = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (in < 0 || out < 0) abort();  // a test harness that cannot copy must not pass silently
    char buffer[1 << 16];
    off_t offset = 0;
    ssize_t got;
    while ((got = pread(in, buffer, sizeof buffer, offset)) > 0) {
        for (ssize_t done = 0; done < got;) {
            ssize_t put = write(out, buffer + done, (size_t)(got - done));
            if (put <= 0) abort();
            done += put;
        }
        offset += got;
    }
    if (got < 0) abort();
    close(in);
    close(out);
    if (rename(temporary, durable) != 0) abort();
}

int fsync(int fd) {
    static int (*real)(int);
    if (real == NULL) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    int result = real(fd);
    if (result == 0) snapshot(fd);
    return result;
}

int fdatasync(int fd) {
    static int (*real)(int);
    if (real == NULL) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    int result = real(fd);
    if (result == 0) snapshot(fd);
    return result;
}

int unlink(const char *path) {
    static int (*real)(const char *);
    if (real == NULL) real = (int (*)(const char *))dlsym(RTLD_NEXT, "unlink");
    int result = real(path);
    if (result == 0 && watched(path)) {
        char durable[PATH_MAX + 16];
        snprintf(durable, sizeof durable, "%s.durable", path);
        real(durable);
    }
    return result;
}
