#!/bin/sh
# errors.sh: the errno a program sees for each way a file operation can go wrong.
#
#   run-guest --add tests/guest/lib.sh ... tests/guest/errors.sh [DIR]
#
# Most of these the guest decides itself from what its lookups (Twalk, Tgetattr) told it: EEXIST
# for a name that a walk found, EISDIR for unlink of a directory, ENOTDIR for a walk through a file,
# ENAMETOOLONG for a 256-byte name (v9fs refuses it before any request), ELOOP. The server's own
# Rlerror decides ENOTEMPTY (Tunlinkat with AT_REMOVEDIR, Trenameat over a full directory) and
# ENOENT from Twalk. Either way a server that answers a lookup wrongly shows up here as the wrong
# message or as a success, and every case checks that the failed operation changed nothing.
# A 255-byte name must work end to end. (busybox refuses `mv -T file dir` and `rm dir` itself, so
# those are not here.)
#
# Reference results (Linux 6.1 guest):
#   QEMU 7.2.22 9p (--qemu-9p): every case passes.
#   diod 1.0.24 (-N, uname=root): every case passes.

for lib in "${HARNESS_FILES:-/harness/files}/lib.sh" "$(dirname "$0")/lib.sh"; do [ -r "$lib" ] && break; done
[ -r "$lib" ] || { echo "not ok setup - lib.sh not found (run-guest --add tests/guest/lib.sh)"; echo "0 passed, 1 failed"; exit 1; }
. "$lib"

name_of() { awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "%c", 97 + i % 26 }'; }

c_enoent() {
    expect_err ENOENT cat missing
    expect_err ENOENT stat missing
    expect_err ENOENT ls missing
    expect_err ENOENT rm missing
    expect_err ENOENT rmdir missing
    expect_err ENOENT mv missing somewhere
    expect_err ENOENT ln missing hard
    expect_err ENOENT mkdir no/such/parent
    expect_err ENOENT touch no/such/file
    expect_err ENOENT chmod 600 missing
    expect_err ENOENT truncate -s 0 missing/x
    ln -s missing dangling || fail "ln -s failed"
    expect_err ENOENT cat dangling
    [ ! -e somewhere ] && [ ! -e hard ] && [ ! -e no ] || fail "a failed operation left something behind"
}
c_eexist() {
    mkdir d && printf x > f && ln -s f s || fail "setup failed"
    expect_err EEXIST mkdir d
    expect_err EEXIST mkdir f
    expect_err EEXIST mkdir s
    expect_err EEXIST ln f s
    expect_err EEXIST ln -s anything f
    expect_err EEXIST mkfifo f
    expect_err EEXIST mknod f c 1 3
    eq "f unchanged" "$(cat f)" x
    [ -d d ] && [ -L s ] || fail "an existing name changed"
}
c_enotempty() {
    mkdir d e && printf x > d/x && printf y > e/y || fail "setup failed"
    expect_err ENOTEMPTY rmdir d
    expect_err ENOTEMPTY mv -T e d
    mkdir -p g/h || fail "mkdir -p failed"
    expect_err ENOTEMPTY rmdir g
    eq "d/x kept" "$(cat d/x)" x
    eq "e/y kept" "$(cat e/y)" y
    [ -d g/h ] || fail "g/h is gone"
}
c_enotdir() {
    printf x > f && mkdir d || fail "setup failed"
    expect_err ENOTDIR rmdir f
    expect_err ENOTDIR cat f/x
    expect_err ENOTDIR mkdir f/x
    expect_err ENOTDIR ls f/
    expect_err ENOTDIR touch f/x
    expect_err ENOTDIR mv -T d f
    expect_err ENOTDIR cd f
    eq "f unchanged" "$(cat f)" x
}
c_eisdir() {
    mkdir d && printf x > f || fail "setup failed"
    expect_err EISDIR sh -c 'printf x > d'
    expect_err EISDIR sh -c 'printf x >> d'
    expect_err EISDIR cat d
    expect_err EISDIR truncate -s 0 d
    [ -d d ] && [ -f f ] || fail "something changed"
}
c_unlink_directory() {
    mkdir d empty && printf x > d/x || fail "setup failed"
    expect_err EISDIR unlink d
    expect_err EISDIR unlink empty
    [ -d d ] && [ -d empty ] && [ -f d/x ] || fail "a directory or its content is gone"
}
c_rmdir_nonempty() {
    mkdir d && : > d/.hidden || fail "setup failed"
    expect_err ENOTEMPTY rmdir d
    mkdir d2 && mkdir d2/sub || fail "setup failed"
    expect_err ENOTEMPTY rmdir d2
    rmdir d2/sub && rmdir d2 || fail "rmdir once empty failed"
    rm d/.hidden && rmdir d || fail "rmdir once empty failed"
}
c_enametoolong() {
    n255=$(name_of 255); n256=$(name_of 256)
    printf ok > "$n255" || fail "creating a 255-byte name failed"
    eq "255-byte name read back" "$(cat "$n255")" ok
    eq "255-byte name listed" "$(ls | grep -c "^$n255\$")" 1
    mkdir "d$(name_of 254)" || fail "mkdir with a 255-byte name failed"
    expect_err ENAMETOOLONG sh -c "printf x > $n256"
    expect_err ENAMETOOLONG mkdir "$n256"
    expect_err ENAMETOOLONG cat "$n256"
    expect_err ENAMETOOLONG mv "$n255" "$n256"
    expect_err ENAMETOOLONG ln -s x "$n256"
    eq "still there after the failed rename" "$(cat "$n255")" ok
    eq "entries" "$(ls | wc -l | tr -d ' ')" 2
}
c_eloop() {
    ln -s a b && ln -s b a || fail "setup failed"
    expect_err ELOOP cat a
    expect_err ELOOP sh -c 'printf x > a'
    ln -s self self || fail "ln -s self failed"
    expect_err ELOOP cat self
}
c_einval() {
    mkdir -p d/sub || fail "setup failed"
    expect_err EINVAL mv d d/sub/inside
    [ -d d/sub ] && [ ! -e d/sub/inside ] || fail "the tree changed"
}

begin errors "$1"
t enoent              c_enoent
t eexist              c_eexist
t enotempty           c_enotempty
t enotdir             c_enotdir
t eisdir              c_eisdir
t unlink-directory    c_unlink_directory
t rmdir-nonempty      c_rmdir_nonempty
t enametoolong-256    c_enametoolong
t eloop               c_eloop
t einval-rename-into-self c_einval
finish
