/*
 * p9lock: flock(2) and fcntl(2) record locks for tests/guest/locks.sh.
 *
 * The guest's busybox 1.35 (Debian's busybox-static) has no flock applet and no other way to take
 * a lock, so locks.sh ships this helper into the guest (run-guest --add). Build it statically:
 *
 *     cc -static -Os -o p9lock p9lock.c
 *
 * Usage:
 *     p9lock flock -s|-x|-u [-n] FILE|FD [CMD ARGS...]
 *     p9lock posix -r|-w|-u [-n] [-R START:LEN] FILE|FD [CMD ARGS...]
 *     p9lock getlk -r|-w [-R START:LEN] FILE|FD
 *
 * FILE|FD: a decimal number is a file descriptor inherited from the caller (for example a shell's
 * `exec 3<>file`), anything else a path, opened read-write (created if missing).
 * flock: flock(2) with LOCK_SH, LOCK_EX or LOCK_UN (LOCK_NB with -n). The lock belongs to the open
 * file description, so on an inherited FD it outlives this process, like util-linux flock FD.
 * posix: fcntl(F_SETLK or, without -n, F_SETLKW) with F_RDLCK, F_WRLCK or F_UNLCK over START:LEN
 * (default 0:0, the whole file). A POSIX lock belongs to the process: it ends when the process
 * exits, so give a CMD to hold it.
 * getlk: fcntl(F_GETLK); prints "unlocked" or "read|write START LEN pid PID" of a conflicting lock.
 * With CMD, p9lock execs CMD once it holds the lock: the lock lasts until CMD exits (the descriptor
 * is inherited, and POSIX locks survive exec because the process stays the same).
 *
 * Exit status: 0 done, 1 the lock is held by someone else (EWOULDBLOCK, EAGAIN, EACCES with -n),
 * 2 usage, 3 any other error (message on stderr), or CMD's status after exec.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

static int usage(void) {
    fputs("usage: p9lock flock -s|-x|-u [-n] FILE|FD [CMD...]\n"
          "       p9lock posix -r|-w|-u [-n] [-R START:LEN] FILE|FD [CMD...]\n"
          "       p9lock getlk -r|-w [-R START:LEN] FILE|FD\n",
          stderr);
    return 2;
}

static int is_number(const char *s) {
    if (*s == '\0') return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9') return 0;
    return 1;
}

static int open_target(const char *arg) {
    if (is_number(arg)) return atoi(arg);
    int fd = open(arg, O_RDWR | O_CREAT, 0644);
    if (fd < 0) fprintf(stderr, "p9lock: open %s: %s\n", arg, strerror(errno));
    return fd;
}

static int busy(int err) { return err == EWOULDBLOCK || err == EAGAIN || err == EACCES; }

int main(int argc, char **argv) {
    if (argc < 2) return usage();
    const char *op = argv[1];
    char mode = 0;
    int nonblock = 0;
    long long start = 0, len = 0;
    int i = 2;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-n") == 0) {
            nonblock = 1;
        } else if (strcmp(a, "-R") == 0 && i + 1 < argc) {
            if (sscanf(argv[++i], "%lld:%lld", &start, &len) != 2) return usage();
        } else if (a[2] == '\0' && strchr("sxurw", a[1]) != NULL) {
            mode = a[1];
        } else {
            return usage();
        }
    }
    if (mode == 0 || i >= argc) return usage();
    int fd = open_target(argv[i]);
    if (fd < 0) return 3;
    char **cmd = argv + i + 1;

    if (strcmp(op, "flock") == 0) {
        int how = mode == 's' ? LOCK_SH : mode == 'x' ? LOCK_EX : mode == 'u' ? LOCK_UN : -1;
        if (how < 0) return usage();
        if (flock(fd, how | (nonblock ? LOCK_NB : 0)) != 0) {
            int err = errno;
            fprintf(stderr, "p9lock: flock: %s\n", strerror(err));
            return busy(err) ? 1 : 3;
        }
    } else if (strcmp(op, "posix") == 0 || strcmp(op, "getlk") == 0) {
        struct flock fl;
        memset(&fl, 0, sizeof fl);
        fl.l_type = mode == 'r' ? F_RDLCK : mode == 'w' ? F_WRLCK : mode == 'u' ? F_UNLCK : -1;
        if (fl.l_type == (short)-1) return usage();
        fl.l_whence = SEEK_SET;
        fl.l_start = start;
        fl.l_len = len;
        if (op[0] == 'g') {
            if (fl.l_type == F_UNLCK || *cmd != NULL) return usage();
            if (fcntl(fd, F_GETLK, &fl) != 0) {
                fprintf(stderr, "p9lock: fcntl F_GETLK: %s\n", strerror(errno));
                return 3;
            }
            if (fl.l_type == F_UNLCK)
                puts("unlocked");
            else
                printf("%s %lld %lld pid %d\n", fl.l_type == F_RDLCK ? "read" : "write", (long long)fl.l_start,
                       (long long)fl.l_len, (int)fl.l_pid);
            return 0;
        }
        if (fcntl(fd, nonblock ? F_SETLK : F_SETLKW, &fl) != 0) {
            int err = errno;
            fprintf(stderr, "p9lock: fcntl %s: %s\n", nonblock ? "F_SETLK" : "F_SETLKW", strerror(err));
            return busy(err) ? 1 : 3;
        }
    } else {
        return usage();
    }
    if (*cmd != NULL) {
        execvp(cmd[0], cmd);
        fprintf(stderr, "p9lock: exec %s: %s\n", cmd[0], strerror(errno));
        return 3;
    }
    return 0;
}
