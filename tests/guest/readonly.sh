#!/bin/sh
# readonly.sh: a read-only export (hvl9p serve --export NAME=PATH,ro) mounted read-write: reads
# work, and every write attempt fails with EROFS from the server and changes nothing.
#
#   run-guest --add tests/guest/lib.sh ... tests/guest/readonly.sh [DIR]
#
# The export must hold, made on the host before the mount (LinuxClientTest does it):
#   hello.txt       "hello, read-only world" and a newline, mode 0644
#   dir/            mode 0755, holding inner.txt ("inner" and a newline)
#   empty/          an empty directory, mode 0755
#   link            a symlink to hello.txt
#   big.bin         RO_BIG_SIZE bytes whose md5 is RO_BIG_MD5 (both --env; the case skips without them)
# The mount itself is read-write (the script checks /proc/mounts), so the kernel sends every
# mutating request and EROFS has to come from the server's Rlerror. Unlike the other scripts this
# one cannot make a work directory under the mount: its case directories are in the guest's /tmp
# and the cases work on the mount through $R. Each write case then checks that the names it tried
# to make do not exist and that what it tried to change reads as before; the test on the host
# compares a snapshot of the whole tree (names, sizes, content, modes, times) before and after.
#
# Reference results (Linux 6.1 guest): hvl9p serve with ,ro: every case passes.

for lib in "${HARNESS_FILES:-/harness/files}/lib.sh" "$(dirname "$0")/lib.sh"; do [ -r "$lib" ] && break; done
[ -r "$lib" ] || { echo "not ok setup - lib.sh not found (run-guest --add tests/guest/lib.sh)"; echo "0 passed, 1 failed"; exit 1; }
. "$lib"

HELLO="hello, read-only world"

# unchanged: the fixture as it was made on the host.
unchanged() {
    eq "hello.txt" "$(cat "$R/hello.txt")" "$HELLO"
    eq "hello.txt size" "$(stat -c %s "$R/hello.txt")" 23
    eq "hello.txt mode" "$(stat -c %a "$R/hello.txt")" 644
    eq "dir/inner.txt" "$(cat "$R/dir/inner.txt")" inner
    eq "link" "$(readlink "$R/link")" hello.txt
    eq "entries" "$(ls -A "$R" | tr '\n' ' ')" "big.bin dir empty hello.txt link "
    eq "dir entries" "$(ls -A "$R/dir" | tr '\n' ' ')" "inner.txt "
    eq "empty entries" "$(ls -A "$R/empty" | wc -l | tr -d ' ')" 0
}
# absent NAME...: none of the names (relative to $R) exists, not even as a dangling symlink.
absent() {
    for n in "$@"; do
        if [ -e "$R/$n" ] || [ -L "$R/$n" ]; then fail "$n exists after a refused operation"; fi
    done
}

c_mount_rw() {
    opts=$(awk -v m="$R" '$2 == m && $3 == "9p" { print $4 }' /proc/mounts)
    [ -n "$opts" ] || fail "$R is not a 9p mount: $(grep " $R " /proc/mounts)"
    case ,$opts, in
        *,rw,*) ;;
        *) fail "the mount is not read-write ($opts): EROFS would come from the guest kernel" ;;
    esac
}
c_read_file() {
    eq "cat" "$(cat "$R/hello.txt")" "$HELLO"
    eq "cat through the symlink" "$(cat "$R/link")" "$HELLO"
    eq "cat in a directory" "$(cat "$R/dir/inner.txt")" inner
    eq "dd" "$(dd if="$R/hello.txt" bs=5 skip=1 count=2 2>/dev/null)" ", read-onl"
    eq "head -c" "$(head -c 5 "$R/hello.txt")" hello
}
c_read_big() {
    [ -n "${RO_BIG_MD5:-}" ] || skip "no RO_BIG_MD5 given"
    eq "big.bin size" "$(stat -c %s "$R/big.bin")" "$RO_BIG_SIZE"
    eq "big.bin md5 (1 MiB reads)" "$(md5 "$R/big.bin")" "$RO_BIG_MD5"
    eq "big.bin md5 (4 KiB reads)" "$(md5sum < "$R/big.bin" | cut -d' ' -f1)" "$RO_BIG_MD5"
    eq "a block in the middle" "$(dd if="$R/big.bin" bs=4096 skip=7 count=1 2>/dev/null | wc -c | tr -d ' ')" 4096
}
c_list_stat() {
    unchanged
    eq "ls -l of a file" "$(ls -l "$R/hello.txt" | awk '{ print $1, $5 }')" "-rw-r--r-- 23"
    eq "stat of a directory" "$(stat -c '%F %a' "$R/dir")" "directory 755"
    eq "stat of the symlink" "$(stat -c '%F' "$R/link")" "symbolic link"
    eq "stat through the symlink" "$(stat -L -c '%F %s' "$R/link")" "regular file 23"
    eq "find" "$(cd "$R" && find . | sort | tr '\n' ' ')" ". ./big.bin ./dir ./dir/inner.txt ./empty ./hello.txt ./link "
    cd "$R/dir" || fail "cd into dir failed"
    eq "cat after cd" "$(cat inner.txt)" inner
}
c_create() {
    expect_err EROFS touch "$R/new"
    expect_err EROFS sh -c "echo x > '$R/new2'"
    expect_err EROFS sh -c "echo x > '$R/dir/new3'"
    expect_err EROFS dd if=/dev/zero of="$R/new4" bs=1 count=1
    absent new new2 dir/new3 new4
    unchanged
}
c_write_existing() {
    expect_err EROFS sh -c "echo more >> '$R/hello.txt'"
    expect_err EROFS sh -c "echo over > '$R/hello.txt'"
    expect_err EROFS dd if=/dev/zero of="$R/hello.txt" bs=1 count=1 conv=notrunc
    expect_err EROFS sh -c "echo x >> '$R/link'"
    unchanged
}
c_truncate() {
    expect_err EROFS truncate -s 0 "$R/hello.txt"
    expect_err EROFS truncate -s 100 "$R/dir/inner.txt"
    unchanged
}
c_mkdir() {
    expect_err EROFS mkdir "$R/newdir"
    expect_err EROFS mkdir "$R/dir/sub"
    absent newdir dir/sub
    unchanged
}
c_rmdir() {
    expect_err EROFS rmdir "$R/empty"
    unchanged
}
c_rm() {
    expect_err EROFS rm "$R/hello.txt"
    expect_err EROFS rm "$R/dir/inner.txt"
    expect_err EROFS rm "$R/link"
    expect_err EROFS rm -f "$R/big.bin"
    unchanged
}
c_rename() {
    expect_err EROFS mv "$R/hello.txt" "$R/renamed.txt"
    expect_err EROFS mv "$R/hello.txt" "$R/dir/moved.txt"
    expect_err EROFS mv "$R/dir" "$R/dir2"
    expect_err EROFS mv "$R/empty" "$R/dir/empty"
    expect_err EROFS mv "$R/link" "$R/link2"
    absent renamed.txt dir/moved.txt dir2 dir/empty link2
    unchanged
}
c_link() {
    expect_err EROFS ln "$R/hello.txt" "$R/hard"
    expect_err EROFS ln "$R/hello.txt" "$R/dir/hard"
    absent hard dir/hard
    eq "link count" "$(stat -c %h "$R/hello.txt")" 1
    unchanged
}
c_symlink() {
    expect_err EROFS ln -s hello.txt "$R/sym"
    expect_err EROFS ln -s /nowhere "$R/dir/sym"
    absent sym dir/sym
    unchanged
}
c_mknod() {
    expect_err EROFS mkfifo "$R/fifo"
    expect_err EROFS mknod "$R/null" c 1 3
    expect_err EROFS mknod "$R/dir/fifo2" p
    absent fifo null dir/fifo2
    unchanged
}
c_chmod() {
    expect_err EROFS chmod 600 "$R/hello.txt"
    expect_err EROFS chmod 700 "$R/dir"
    eq "dir mode" "$(stat -c %a "$R/dir")" 755
    unchanged
}
c_chown() {
    uid=$(stat -c %u "$R/hello.txt")
    expect_err EROFS chown 1234 "$R/hello.txt"
    expect_err EROFS chown 1234:1234 "$R/dir"
    expect_err EROFS chgrp 1234 "$R/hello.txt"
    eq "owner" "$(stat -c %u "$R/hello.txt")" "$uid"
    unchanged
}
c_utimes() {
    before=$(stat -c %Y "$R/hello.txt")
    expect_err EROFS touch -m "$R/hello.txt"
    expect_err EROFS touch "$R/hello.txt"
    expect_err EROFS touch -d "2001-01-01 00:00:00" "$R/dir"
    eq "mtime" "$(stat -c %Y "$R/hello.txt")" "$before"
    unchanged
}
c_xattr() {
    command -v setfattr >/dev/null 2>&1 || skip "no setfattr in the guest"
    expect_err EROFS setfattr -n user.ro -v x "$R/hello.txt"
    expect_err EROFS setfattr -n user.ro -v x "$R/dir"
    if command -v getfattr >/dev/null 2>&1; then
        got=$(getfattr -d -m - "$R/hello.txt" 2>&1)
        case $got in *user.ro*) fail "the attribute was set: $got" ;; esac
    fi
    unchanged
}
c_unchanged_at_end() {
    unchanged
    [ -z "${RO_BIG_MD5:-}" ] || eq "big.bin md5" "$(md5 "$R/big.bin")" "$RO_BIG_MD5"
}

R=${1:-${P9_MNT:-/mnt/p9}}
[ -d "$R" ] || { echo "not ok setup - not a directory: $R"; echo "0 passed, 1 failed"; exit 1; }
SCRATCH=${GUEST_SCRATCH:-/tmp}
W=$(mktemp -d "$SCRATCH/readonly.XXXXXX") || { echo "not ok setup - no local work directory"; echo "0 passed, 1 failed"; exit 1; }
t mount-is-rw       c_mount_rw
t read-file         c_read_file
t read-big          c_read_big
t list-stat         c_list_stat
t create            c_create
t write-existing    c_write_existing
t truncate          c_truncate
t mkdir             c_mkdir
t rmdir             c_rmdir
t rm                c_rm
t rename            c_rename
t link              c_link
t symlink           c_symlink
t mknod             c_mknod
t chmod             c_chmod
t chown             c_chown
t utimes            c_utimes
t setxattr          c_xattr
t unchanged-at-end  c_unchanged_at_end
finish
