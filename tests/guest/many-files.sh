#!/bin/sh
# many-files.sh: thousands of files with data in one directory (Tlcreate, Twrite, Treaddir over
# many round trips, Tunlinkat).
#
#   run-guest --add tests/guest/lib.sh ... tests/guest/many-files.sh [DIR]
#
# Files are created with shell redirections (builtins: no fork per file) and removed with one rm.
# Every file holds its own name and number, so a server that mixes up files is caught.
#
# Reference results (Linux 6.1 guest):
#   QEMU 7.2.22 9p (--qemu-9p): every case passes.
#   diod 1.0.24 (-N, uname=root): every case passes.
# Tunables: MANY_NFILES (3000).

for lib in "${HARNESS_FILES:-/harness/files}/lib.sh" "$(dirname "$0")/lib.sh"; do [ -r "$lib" ] && break; done
[ -r "$lib" ] || { echo "not ok setup - lib.sh not found (run-guest --add tests/guest/lib.sh)"; echo "0 passed, 1 failed"; exit 1; }
. "$lib"

N=${MANY_NFILES:-3000}
D=  # the shared directory, made by the first case

content() { printf 'file %s of %s: %s\n' "$1" "$N" "the-quick-brown-fox-jumps-over-the-lazy-dog-$1"; }
names() { awk -v n="$N" -v from="${1:-0}" -v step="${2:-1}" 'BEGIN { for (i = from; i < n; i += step) print "file-" i }'; }

c_create() {
    i=0
    while [ $i -lt "$N" ]; do
        content $i > "$D/file-$i" || fail "creating file-$i failed"
        i=$((i + 1))
    done
}
c_list() {
    names | LC_ALL=C sort > "$SCRATCH/many-want.$$"
    ls "$D" | LC_ALL=C sort > "$SCRATCH/many-got.$$"
    n=$(wc -l < "$SCRATCH/many-got.$$")
    cmp -s "$SCRATCH/many-want.$$" "$SCRATCH/many-got.$$"; same=$?
    diffs=$(diff -U0 "$SCRATCH/many-want.$$" "$SCRATCH/many-got.$$" | grep -E '^[-+]file' | head -n 4 | tr '\n' ' ')
    rm -f "$SCRATCH/many-want.$$" "$SCRATCH/many-got.$$"
    eq "entries listed" "$(echo $n)" "$N"
    [ $same -eq 0 ] || fail "listing differs (- missing, + extra): $diffs"
    # the same through the shell's glob (getdents with another buffer size)
    set -- "$D"/file-*
    eq "glob count" $# "$N"
}
c_read_sample() {
    i=0
    while [ $i -lt "$N" ]; do
        IFS= read -r got < "$D/file-$i" || fail "reading file-$i failed"
        eq "content of file-$i" "$got" "$(content $i)"
        i=$((i + 97))
    done
    i=$((N - 1))
    IFS= read -r got < "$D/file-$i" || fail "reading file-$i failed"
    eq "content of file-$i" "$got" "$(content $i)"
}
c_sizes() {
    # ls -l: one Tgetattr per entry
    total=$(ls -l "$D" | awk '/^-/ { s += $5; n++ } END { print n " " s }')
    want=$(awk -v n="$N" 'BEGIN { s = 0; for (i = 0; i < n; i++) {
        line = sprintf("file %d of %d: the-quick-brown-fox-jumps-over-the-lazy-dog-%d\n", i, n, i); s += length(line) }
        print n " " s }')
    eq "files and bytes by ls -l" "$total" "$want"
}
c_read_all() {
    cat "$D"/file-* > "$SCRATCH/many-all.$$" || fail "cat of all files failed"
    lines=$(wc -l < "$SCRATCH/many-all.$$")
    distinct=$(sort -u "$SCRATCH/many-all.$$" | wc -l)
    rm -f "$SCRATCH/many-all.$$"
    eq "lines read from all files" "$(echo $lines)" "$N"
    eq "distinct lines" "$(echo $distinct)" "$N"
}
c_remove_half() {
    # shellcheck disable=SC2046
    (cd "$D" && rm $(names 1 2)) || fail "rm of the odd-numbered files failed"
    names 0 2 | LC_ALL=C sort > "$SCRATCH/many-want.$$"
    ls "$D" | LC_ALL=C sort > "$SCRATCH/many-got.$$"
    cmp -s "$SCRATCH/many-want.$$" "$SCRATCH/many-got.$$"; same=$?
    n=$(wc -l < "$SCRATCH/many-got.$$")
    rm -f "$SCRATCH/many-want.$$" "$SCRATCH/many-got.$$"
    eq "entries after removing half" "$(echo $n)" $(((N + 1) / 2))
    [ $same -eq 0 ] || fail "the listing after removing half is not the even-numbered files"
    IFS= read -r got < "$D/file-0" || fail "reading file-0 failed"
    eq "content of file-0" "$got" "$(content 0)"
}
c_remove_all() {
    (cd "$D" && rm -f file-*) || fail "rm of the rest failed"
    set -- "$D"/*
    [ "$1" = "$D/*" ] || fail "directory not empty after rm: $# entries, first $1"
    rmdir "$D" || fail "rmdir of the emptied directory failed"
}

begin many-files "$1"
D=$W/dir
mkdir "$D" || { echo "not ok setup - mkdir $D"; failed=1; finish; }
t create-$N        c_create
t list             c_list
t read-sample      c_read_sample
t sizes            c_sizes
t read-all         c_read_all
t remove-half      c_remove_half
t remove-all       c_remove_all
finish
