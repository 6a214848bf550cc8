#!/bin/sh
# concurrency.sh: several guest processes using the mount at the same time, so that the server
# gets interleaved requests with many tags in flight on one connection. Every result is checked
# against reference data kept in the guest's tmpfs.
#
#   run-guest --add tests/guest/lib.sh ... tests/guest/concurrency.sh [DIR]
#
# Reference results (Linux 6.1 guest):
#   QEMU 7.2.22 9p (--qemu-9p): every case passes.
#   diod 1.0.24 (-N, uname=root): every case passes.
# Tunables: CONC_JOBS (4 processes), CONC_MIB (8 MiB per writer).

for lib in "${HARNESS_FILES:-/harness/files}/lib.sh" "$(dirname "$0")/lib.sh"; do [ -r "$lib" ] && break; done
[ -r "$lib" ] || { echo "not ok setup - lib.sh not found (run-guest --add tests/guest/lib.sh)"; echo "0 passed, 1 failed"; exit 1; }
. "$lib"

JOBS=${CONC_JOBS:-4}
MIB=${CONC_MIB:-8}
REF=  # reference files $REF.1 .. $REF.JOBS in the scratch directory, and their sums in $REF.N.md5
D=    # files written by parallel-writers, read by the later cases

seq_jobs() { awk -v n="$JOBS" 'BEGIN { for (i = 1; i <= n; i++) print i }'; }
# wait_all PIDS...: waits for each; fails naming the first job that failed.
wait_all() {
    bad=
    for p in "$@"; do wait "$p" || bad="${bad:-$p}"; done
    [ -z "$bad" ] || fail "background job $bad failed"
}

c_parallel_writers() {
    pids=
    for i in $(seq_jobs); do
        dd if="$REF.$i" of="$D/w$i" bs=64k 2>/dev/null &
        pids="$pids $!"
    done
    # shellcheck disable=SC2086
    wait_all $pids
    for i in $(seq_jobs); do
        eq "size of w$i" "$(stat -c %s "$D/w$i")" $((MIB * 1048576))
        eq "md5 of w$i" "$(md5 "$D/w$i")" "$(cat "$REF.$i.md5")"
    done
}
c_parallel_readers() {
    pids=
    for i in $(seq_jobs); do
        dd if="$D/w$i" of="$SCRATCH/conc-read.$i" bs=64k 2>/dev/null &
        pids="$pids $!"
    done
    # shellcheck disable=SC2086
    wait_all $pids
    for i in $(seq_jobs); do
        got=$(md5sum < "$SCRATCH/conc-read.$i"); rm -f "$SCRATCH/conc-read.$i"
        eq "md5 of w$i read in parallel" "${got%% *}" "$(cat "$REF.$i.md5")"
    done
    # all of them reading the same file, with different block sizes
    pids=
    for i in $(seq_jobs); do
        dd if="$D/w1" of="$SCRATCH/conc-same.$i" bs=$((i * 12288)) 2>/dev/null &
        pids="$pids $!"
    done
    # shellcheck disable=SC2086
    wait_all $pids
    for i in $(seq_jobs); do
        got=$(md5sum < "$SCRATCH/conc-same.$i"); rm -f "$SCRATCH/conc-same.$i"
        eq "md5 of w1 read by reader $i" "${got%% *}" "$(cat "$REF.1.md5")"
    done
}
c_readers_and_writers() {
    pids=
    for i in $(seq_jobs); do
        if [ $((i % 2)) -eq 1 ]; then
            dd if="$REF.$i" of="mixed$i" bs=32k 2>/dev/null &
        else
            dd if="$D/w$i" of="$SCRATCH/conc-mixed.$i" bs=32k 2>/dev/null &
        fi
        pids="$pids $!"
    done
    # shellcheck disable=SC2086
    wait_all $pids
    for i in $(seq_jobs); do
        if [ $((i % 2)) -eq 1 ]; then
            eq "md5 of mixed$i" "$(md5 "mixed$i")" "$(cat "$REF.$i.md5")"
        else
            got=$(md5sum < "$SCRATCH/conc-mixed.$i"); rm -f "$SCRATCH/conc-mixed.$i"
            eq "md5 of w$i read beside writers" "${got%% *}" "$(cat "$REF.$i.md5")"
        fi
    done
}
c_parallel_appenders() {
    pids=
    for i in $(seq_jobs); do
        ( j=1; while [ $j -le 100 ]; do echo "writer $i line $j" >> "log$i" || exit 1; j=$((j + 1)); done ) &
        pids="$pids $!"
    done
    # shellcheck disable=SC2086
    wait_all $pids
    for i in $(seq_jobs); do
        want=$(awk -v i="$i" 'BEGIN { for (j = 1; j <= 100; j++) print "writer " i " line " j }' | md5sum)
        eq "log$i" "$(md5sum < "log$i")" "$want"
    done
}
c_disjoint_regions() {
    # JOBS writers fill their own 1 MiB region of one file at the same time
    : > shared
    pids=
    for i in $(seq_jobs); do
        dd if="$REF.$i" of=shared bs=64k count=16 seek=$(((i - 1) * 16)) conv=notrunc 2>/dev/null &
        pids="$pids $!"
    done
    # shellcheck disable=SC2086
    wait_all $pids
    for i in $(seq_jobs); do
        head -c 1048576 "$REF.$i"
    done > "$SCRATCH/conc-shared.want"
    want=$(md5sum < "$SCRATCH/conc-shared.want"); rm -f "$SCRATCH/conc-shared.want"
    eq "size" "$(stat -c %s shared)" $((JOBS * 1048576))
    eq "md5 of the file written in regions" "$(md5 shared)" "${want%% *}"
}
c_create_remove_same_dir() {
    mkdir d || fail "mkdir failed"
    pids=
    for i in $(seq_jobs); do
        ( j=0; while [ $j -lt 150 ]; do echo "$i.$j" > "d/p$i-$j" || exit 1; j=$((j + 1)); done ) &
        pids="$pids $!"
    done
    # a lister that reads the directory while it grows (a glob: Treaddir only, no Tgetattr per entry)
    ( n=0; while [ $n -lt 20 ]; do set -- d/*; [ -e "$1" ] || [ $n -lt 3 ] || exit 1; n=$((n + 1)); done ) &
    lister=$!
    # shellcheck disable=SC2086
    wait_all $pids $lister
    eq "entries" "$(ls d | wc -l | tr -d ' ')" $((JOBS * 150))
    read -r got < "d/p$JOBS-149" || fail "read failed"
    eq "content of p$JOBS-149" "$got" "$JOBS.149"
    pids=
    for i in $(seq_jobs); do
        ( cd d && rm -f "p$i"-* ) &
        pids="$pids $!"
    done
    # shellcheck disable=SC2086
    wait_all $pids
    set -- d/*
    [ "$1" = "d/*" ] || fail "entries left after the parallel removal: $#"
    rmdir d || fail "rmdir failed"
}

begin concurrency "$1"
REF=$SCRATCH/conc-ref.$$
D=$W/data
mkdir "$D" || { echo "not ok setup - mkdir $D"; failed=1; finish; }
for i in $(seq_jobs); do
    dd if=/dev/urandom of="$REF.$i" bs=1M count="$MIB" 2>/dev/null &&
        set -- $(md5sum < "$REF.$i") && echo "$1" > "$REF.$i.md5" ||
        { echo "not ok setup - cannot make reference data in $SCRATCH"; failed=1; finish; }
done
t parallel-writers          c_parallel_writers
t parallel-readers          c_parallel_readers
t readers-and-writers       c_readers_and_writers
t parallel-appenders        c_parallel_appenders
t disjoint-regions          c_disjoint_regions
t create-remove-same-dir    c_create_remove_same_dir
rm -f "$REF".*
finish
