#!/bin/sh
# deep-tree.sh: a directory tree 48 levels deep, longer than the 16 names one Twalk may carry.
#
#   run-guest --add tests/guest/lib.sh ... tests/guest/deep-tree.sh [DIR]
#
# The kernel resolves a path one name at a time (a one-name Twalk per directory it has no dentry
# for), so a deep path alone does not make it send long walks. It sends a walk of several names,
# split into Twalks of at most 16 (P9_MAXWELEM), when a dentry has no fid for the calling user:
# with the default access=user every uid attaches on its own, so walk-other-uid keeps the tree's
# dentries alive (a shell sitting at the bottom) and reads the bottom file as uid 65534, whose
# first lookup walks the whole path from its own root fid: 16 + 16 + 16 + 1 names.
# ".." never goes over the wire: the kernel resolves it in its dentry cache.
#
# Reference results (Linux 6.1 guest):
#   QEMU 7.2.22 9p (--qemu-9p): every case passes.
#   diod 1.0.24 (-N, uname=root): every case passes.
# Tunables: DEEP_LEVELS (48).

for lib in "${HARNESS_FILES:-/harness/files}/lib.sh" "$(dirname "$0")/lib.sh"; do [ -r "$lib" ] && break; done
[ -r "$lib" ] || { echo "not ok setup - lib.sh not found (run-guest --add tests/guest/lib.sh)"; echo "0 passed, 1 failed"; exit 1; }
. "$lib"

LEVELS=${DEEP_LEVELS:-48}
# rel [FROM [TO]]: the relative path of levels FROM..TO (default 1..LEVELS), "l01-abcdefghijklmnop/..."
rel() { awk -v a="${1:-1}" -v b="${2:-$LEVELS}" 'BEGIN { for (i = a; i <= b; i++) printf "%sl%02d-abcdefghijklmnop", (i > a ? "/" : ""), i }'; }
T=   # the tree's top directory, made by the first case
DEEP=

c_mkdir() {
    mkdir -p "$DEEP" || fail "mkdir -p of $LEVELS levels failed"
    [ -d "$DEEP" ] || fail "the bottom directory does not exist"
    eq "directories found" "$(find "$T" -type d | wc -l | tr -d ' ')" $((LEVELS + 1))
}
c_create_read() {
    printf 'at the bottom\n' > "$DEEP/file" || fail "create at depth $LEVELS failed"
    eq "content" "$(cat "$DEEP/file")" "at the bottom"
    eq "size" "$(stat -c %s "$DEEP/file")" 14
    printf 'appended\n' >> "$DEEP/file" || fail "append failed"
    eq "lines" "$(wc -l < "$DEEP/file" | tr -d ' ')" 2
    # a file on every level, written and read back through full paths
    i=1
    while [ $i -le "$LEVELS" ]; do
        echo "level $i" > "$T/$(rel 1 $i)/here" || fail "create at level $i failed"
        i=$((i + 1))
    done
    i=1
    while [ $i -le "$LEVELS" ]; do
        read -r got < "$T/$(rel 1 $i)/here" || fail "read at level $i failed"
        eq "file at level $i" "$got" "level $i"
        i=$((i + 5))
    done
}
c_cd_down() {
    cd "$T" || fail "cd to the top failed"
    i=1
    while [ $i -le "$LEVELS" ]; do
        cd "$(rel $i $i)" || fail "cd into level $i failed"
        i=$((i + 1))
    done
    eq "pwd -P at the bottom" "$(pwd -P)" "$DEEP"
    eq "relative read" "$(head -n 1 file)" "at the bottom"
    : > made-here || fail "create by a relative name failed"
    [ -e "$DEEP/made-here" ] || fail "the file made by a relative name is not at the bottom"
}
c_dotdot() {
    cd -P "$DEEP" || fail "cd to the bottom failed"
    eq "../here" "$(cat ../here)" "level $((LEVELS - 1))"
    eq "../../../../../here" "$(cat ../../../../../here)" "level $((LEVELS - 5))"
    up=$(awk -v n=$((LEVELS - 1)) 'BEGIN { for (i = 0; i < n; i++) printf "../" }')
    eq "$((LEVELS - 1)) times .." "$(cat "${up}here")" "level 1"
    eq "a path through the tree and back up" "$(cat "$T/$(rel 1 30)/../../here")" "level 28"
    n=0
    while [ "$(pwd -P)" != "$T" ]; do
        cd -P .. || fail "cd .. failed after $n steps"
        n=$((n + 1))
        [ $n -le "$LEVELS" ] || fail "cd .. went past the top"
    done
    eq "cd .. steps to the top" $n "$LEVELS"
    eq "listing of .. from level 1" "$(cd -P "$T/$(rel 1 1)" && ls .. | tr '\n' ' ')" "$(rel 1 1) "
}
c_symlink_up() {
    up=$(awk -v n=$((LEVELS - 1)) 'BEGIN { for (i = 0; i < n; i++) printf "../" }')
    ln -s "${up}here" "$DEEP/link-to-level-1" || fail "ln -s at depth failed"
    eq readlink "$(readlink "$DEEP/link-to-level-1")" "${up}here"
    eq "content through the link" "$(cat "$DEEP/link-to-level-1")" "level 1"
    rm "$DEEP/link-to-level-1" || fail "rm of the link failed"
}
c_walk_other_uid() {
    grep -q '^nobody:' /etc/passwd || skip "no user nobody in the guest"
    chmod 644 "$DEEP/file" || fail "chmod failed"
    chmod 755 "$W" || fail "chmod of the work directory failed"   # mktemp -d made it 0700
    cd -P "$DEEP" || fail "cd to the bottom failed"   # keeps the tree's dentries
    if ! out=$(su -s /bin/sh nobody -c "head -n 1 '$DEEP/file'" 2>&1); then
        refused "$out" && skip "uid 65534 may not read the tree (is the export directory 0755?): ${out##*: }"
        fail "reading as nobody: $out"
    fi
    eq "content read as nobody" "$out" "at the bottom"
    out=$(su -s /bin/sh nobody -c "cd '$DEEP' && ls" 2>&1) || fail "listing as nobody: $out"
    case $out in *file*) ;; *) fail "nobody's listing of the bottom lacks 'file': $out" ;; esac
}
c_rename() {
    mv "$DEEP/file" "$DEEP/renamed" || fail "rename at depth failed"
    [ ! -e "$DEEP/file" ] || fail "the old name still exists"
    eq "content after rename" "$(head -n 1 "$DEEP/renamed")" "at the bottom"
    mid=$T/$(rel 1 20)
    mv "$mid" "$T/$(rel 1 19)/moved-level-20" || fail "rename of level 20 failed"
    moved=$T/$(rel 1 19)/moved-level-20/$(rel 21)
    eq "bottom file through the renamed level 20" "$(head -n 1 "$moved/renamed")" "at the bottom"
    [ ! -e "$DEEP" ] || fail "the old path still resolves"
    # move the lower half up to the top and back
    mv "$T/$(rel 1 19)/moved-level-20/$(rel 21 30)" "$T/lower-half" || fail "moving levels 30+ to the top failed"
    eq "through the lower half at the top" "$(head -n 1 "$T/lower-half/$(rel 31)/renamed")" "at the bottom"
    mv "$T/lower-half" "$T/$(rel 1 19)/moved-level-20/$(rel 21 29)/$(rel 30 30)" || fail "moving it back failed"
    mv "$T/$(rel 1 19)/moved-level-20" "$mid" && mv "$DEEP/renamed" "$DEEP/file" || fail "renaming back failed"
    eq "content after renaming back" "$(head -n 1 "$DEEP/file")" "at the bottom"
}
c_rm() {
    rm "$DEEP/file" || fail "rm at depth failed"
    rmdir "$DEEP" 2>/dev/null && fail "rmdir of a non-empty bottom directory succeeded"
    rm -r "$T" || fail "rm -r of the tree failed"
    [ ! -e "$T" ] || fail "the tree still exists"
}

begin deep-tree "$1"
T=$W/tree
DEEP=$T/$(rel)
mkdir "$T" || { echo "not ok setup - mkdir $T"; failed=1; finish; }
t mkdir-$LEVELS-levels  c_mkdir
t create-read           c_create_read
t cd-down               c_cd_down
t dotdot                c_dotdot
t symlink-up            c_symlink_up
t walk-other-uid        c_walk_other_uid
t rename                c_rename
t rm                    c_rm
finish
