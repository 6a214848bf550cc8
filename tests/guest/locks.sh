#!/bin/sh
# locks.sh: flock(2) and fcntl(2) locks on a mounted 9p file system (Tlock, Tgetlock).
#
#   run-guest --add tests/guest/lib.sh --add p9lock ... tests/guest/locks.sh [DIR]
#
# busybox 1.35 in the guest has no flock applet, so the locks are taken by the static helper
# p9lock (tests/guest/p9lock.c, `cc -static -Os -s -o p9lock p9lock.c`), found in $HARNESS_FILES.
#
# What the server sees: v9fs takes every lock in the guest kernel first (a conflict between two
# guest processes is found there and never reaches the server) and then sends Tlock on the fid of
# the open file; an flock is sent as a whole-file POSIX lock. Closing the last descriptor sends
# Tlock F_UNLCK. So these cases check that the server grants what is free, releases what the guest
# releases (a later lock from another fid must be granted again), and answers Tgetlock; a server
# that keeps a lock after the unlock makes the next non-blocking lock fail with EAGAIN.
#
# Reference results (Linux 6.1 guest, run-guest defaults):
#   QEMU 7.2.22 9p (--qemu-9p): every case passes (QEMU grants every Tlock and never locks).
#   diod 1.0.24 (-N, uname=root): 2 cases fail, both diod's (server) issues:
#     fcntl-getlk-unlocked  diod refuses a Tgetlock of type F_UNLCK with EINVAL, and that is the
#                           type v9fs sends when the guest has no conflicting lock.
#     fcntl-ranges          diod implements POSIX locks as whole-file flock(2), so locks on
#                           disjoint byte ranges conflict (Rlock BLOCKED -> EAGAIN).
# Tunables: LOCKS_TOOL (path of p9lock in the guest).

for lib in "${HARNESS_FILES:-/harness/files}/lib.sh" "$(dirname "$0")/lib.sh"; do [ -r "$lib" ] && break; done
[ -r "$lib" ] || { echo "not ok setup - lib.sh not found (run-guest --add tests/guest/lib.sh)"; echo "0 passed, 1 failed"; exit 1; }
. "$lib"

L=${LOCKS_TOOL:-${HARNESS_FILES:-/harness/files}/p9lock}

# start_holder NAME LOCK-ARGS...: runs "p9lock LOCK-ARGS sh -c HOLD" in the background and waits
# until it holds the lock; sets $holder to its pid; `release NAME` ends it. The holder waits in a
# shell builtin (read from a FIFO in the local scratch directory), so that no child process of it
# inherits the locked descriptor and SIGKILL of $holder really closes the last one.
HOLD='echo held > "$0.held"; read -r _ < "$0.fifo"'
start_holder() {
    hbase=$SCRATCH/locks.$$.$name.$1; shift
    rm -f "$hbase.held" "$hbase.fifo"
    mkfifo "$hbase.fifo" || fail "mkfifo in $SCRATCH failed"
    "$L" "$@" sh -c "$HOLD" "$hbase" &
    holder=$!
    wait_for 10 test -e "$hbase.held" || fail "the holder did not get its lock ($*)"
}
# release NAME: lets the holder NAME exit and returns its status.
release() {
    hbase=$SCRATCH/locks.$$.$name.$1
    kill -0 "$holder" 2>/dev/null && echo go > "$hbase.fifo"
    wait "$holder"
    hrc=$?
    rm -f "$hbase.held" "$hbase.fifo"
    return $hrc
}
# killed NAME: SIGKILL for the holder NAME.
killed() {
    kill -9 "$holder"
    wait "$holder" 2>/dev/null
    rm -f "$SCRATCH/locks.$$.$name.$1.held" "$SCRATCH/locks.$$.$name.$1.fifo"
}

c_flock_exclusive() {
    : > f
    exec 3<> f
    "$L" flock -x 3 || fail "flock -x on an open descriptor failed"
    "$L" flock -x -n f 2>/dev/null && fail "a second flock -x -n through another open file succeeded"
    "$L" flock -s -n f 2>/dev/null && fail "flock -s -n succeeded while an exclusive lock is held"
    "$L" flock -u 3 || fail "flock -u failed"
    "$L" flock -x -n f || fail "flock -x -n after the unlock failed"
    exec 3>&-
}
c_flock_shared() {
    : > f
    exec 3<> f 4<> f
    "$L" flock -s 3 || fail "flock -s failed"
    "$L" flock -s -n 4 || fail "a second shared lock was refused"
    "$L" flock -x -n f 2>/dev/null && fail "flock -x -n succeeded while two shared locks are held"
    "$L" flock -u 3 || fail "flock -u of the first failed"
    "$L" flock -x -n f 2>/dev/null && fail "flock -x -n succeeded while one shared lock is held"
    "$L" flock -u 4 || fail "flock -u of the second failed"
    "$L" flock -x -n f || fail "flock -x -n after both unlocks failed"
    # an exclusive lock is converted to shared and back on the same descriptor
    "$L" flock -x 3 && "$L" flock -s 3 || fail "converting exclusive to shared failed"
    "$L" flock -s -n 4 || fail "a shared lock beside the converted one was refused"
    "$L" flock -u 4 && "$L" flock -x -n 3 || fail "converting back to exclusive failed"
    exec 3>&- 4>&-
}
c_flock_conflict_process() {
    start_holder h flock -x f
    rc=0; msg=$("$L" flock -x -n f 2>&1) || rc=$?
    [ $rc -eq 1 ] || { release h; fail "flock -x -n while another process holds it: status $rc ($msg), want 1"; }
    rc=0; "$L" flock -s -n f 2>/dev/null || rc=$?
    [ $rc -eq 1 ] || { release h; fail "flock -s -n while another process holds -x: status $rc, want 1"; }
    release h || fail "the holder failed"
    "$L" flock -x -n f || fail "flock -x -n after the holder released failed"
}
c_flock_blocking_waits() {
    start_holder h flock -x f
    t0=$(uptime_s)
    "$L" flock -x f sh -c 'echo got > got' &
    waiter=$!
    usleep 500000
    [ -e got ] && { release h; fail "the blocking flock did not wait for the holder"; }
    release h || fail "the holder failed"
    wait_for 45 test -e got || fail "the blocking flock did not succeed within 45 s of the release"
    wait "$waiter" || fail "the waiter failed"
    took=$(elapsed_since "$t0")
    # v9fs retries a lock the server answered BLOCKED only after locktimeout (30 s by default)
    awk -v s="$took" 'BEGIN { exit !(s < 20) }' || fail "the waiter got the lock only after ${took}s"
}
c_flock_released_on_exit() {
    "$L" flock -x f true || fail "flock -x f true failed"
    "$L" flock -x -n f || fail "the lock outlived its process (normal exit)"
    start_holder h flock -x f
    killed h
    "$L" flock -x -n f || fail "the lock outlived its process (SIGKILL)"
    exec 3<> f
    "$L" flock -x 3 || fail "flock -x on a descriptor failed"
    exec 3>&-
    "$L" flock -x -n f || fail "the lock outlived the close of its descriptor"
}
c_fcntl_write_lock() {
    start_holder h posix -w f
    rc=0; "$L" posix -w -n f 2>/dev/null || rc=$?
    [ $rc -eq 1 ] || { release h; fail "F_SETLK F_WRLCK while another process holds F_WRLCK: status $rc, want 1"; }
    rc=0; "$L" posix -r -n f 2>/dev/null || rc=$?
    [ $rc -eq 1 ] || { release h; fail "F_SETLK F_RDLCK while another process holds F_WRLCK: status $rc, want 1"; }
    got=$("$L" getlk -w f 2>&1)
    release h || fail "the holder failed"
    eq "F_GETLK while held" "$got" "write 0 0 pid $holder"
    "$L" posix -w -n f || fail "F_SETLK after the holder exited failed"
}
# With no conflicting lock in the guest, v9fs sends Tgetlock with type F_UNLCK (it has lost the
# type asked for); the server must answer, not refuse the type.
c_fcntl_getlk_unlocked() {
    : > f
    eq "F_GETLK F_WRLCK on a file without locks" "$("$L" getlk -w f 2>&1)" unlocked
    eq "F_GETLK F_RDLCK on a file without locks" "$("$L" getlk -r f 2>&1)" unlocked
    start_holder h posix -r f
    got=$("$L" getlk -r f 2>&1)
    release h || fail "the holder failed"
    eq "F_GETLK F_RDLCK beside another read lock" "$got" unlocked
}
c_fcntl_read_shared() {
    start_holder h posix -r f
    "$L" posix -r -n f || { release h; fail "a second read lock was refused"; }
    rc=0; "$L" posix -w -n f 2>/dev/null || rc=$?
    got=$("$L" getlk -w f 2>&1)
    release h || fail "the holder failed"
    [ $rc -eq 1 ] || fail "F_WRLCK while another process holds F_RDLCK: status $rc, want 1"
    eq "F_GETLK of a write lock over a read lock" "$got" "read 0 0 pid $holder"
}
c_fcntl_ranges() {
    printf '0123456789abcdefghij' > f
    start_holder h posix -w -R 0:10 f
    "$L" posix -w -n -R 10:10 f || { release h; fail "a lock on bytes 10-19 was refused beside one on 0-9"; }
    rc=0; "$L" posix -w -n -R 5:10 f 2>/dev/null || rc=$?
    got=$("$L" getlk -w -R 9:1 f 2>&1)
    release h || fail "the holder failed"
    [ $rc -eq 1 ] || fail "an overlapping range lock (5-14 over 0-9): status $rc, want 1"
    eq "F_GETLK on byte 9" "$got" "write 0 10 pid $holder"
}
c_fcntl_blocking_waits() {
    start_holder h posix -w f
    t0=$(uptime_s)
    "$L" posix -w f sh -c 'echo got > got' &
    waiter=$!
    usleep 500000
    [ -e got ] && { release h; fail "F_SETLKW did not wait for the holder"; }
    release h || fail "the holder failed"
    wait_for 45 test -e got || fail "F_SETLKW did not succeed within 45 s of the release"
    wait "$waiter" || fail "the waiter failed"
    took=$(elapsed_since "$t0")
    awk -v s="$took" 'BEGIN { exit !(s < 20) }' || fail "the waiter got the lock only after ${took}s"
}
c_fcntl_released_on_exit() {
    start_holder h posix -w f
    killed h
    "$L" posix -w -n f || fail "the lock outlived its process (SIGKILL)"
    "$L" posix -w -n f true && "$L" posix -w -n f || fail "the lock outlived its process (exit)"
}
c_lock_unlinked_file() {
    : > f
    start_holder h flock -x f
    rm f || { release h; fail "rm of a locked file failed"; }
    : > f
    "$L" flock -x -n f || { release h; fail "a new file with the name of an unlinked, locked one is locked"; }
    release h || fail "the holder failed"
}

begin locks "$1"
if [ ! -x "$L" ]; then
    echo "not ok setup - no lock helper at $L (build tests/guest/p9lock.c and pass --add p9lock)"
    failed=1
    finish
fi
t flock-exclusive          c_flock_exclusive
t flock-shared             c_flock_shared
t flock-conflict-process   c_flock_conflict_process
t flock-blocking-waits     c_flock_blocking_waits
t flock-released-on-exit   c_flock_released_on_exit
t fcntl-write-lock         c_fcntl_write_lock
t fcntl-getlk-unlocked     c_fcntl_getlk_unlocked
t fcntl-read-shared        c_fcntl_read_shared
t fcntl-ranges             c_fcntl_ranges
t fcntl-blocking-waits     c_fcntl_blocking_waits
t fcntl-released-on-exit   c_fcntl_released_on_exit
t lock-unlinked-file       c_lock_unlinked_file
finish
