# Shared helpers of the guest scripts in this directory (POSIX sh, busybox 1.35).
#
# A script sources it first:
#   . "${HARNESS_FILES:-/harness/files}/lib.sh"   (in the guest: run-guest --add tests/guest/lib.sh)
# then calls `begin NAME [DIR]`, runs its cases with `t CASE FUNCTION` and ends with `finish`.
#
# Output is the convention of linux-client/tests/smoke.sh: one line per case,
#   ok NAME  |  ok NAME # SKIP reason  |  not ok NAME - reason
# then "N passed, M failed" (", K skipped" when K > 0), and exit status 1 if a case failed.
# A case runs in a subshell inside its own directory $W/NAME; in it:
#   fail "reason"   ends it as failed        skip "reason"   ends it as skipped
# The last line a failing case prints (stdout or stderr) is its reason.

passed=0 failed=0 skipped=0

# begin NAME [DIR]: the mount is DIR (default $P9_MNT, else /mnt/p9); makes the work directory $W.
begin() {
    MNT=${2:-${P9_MNT:-/mnt/p9}}
    SCRATCH=${GUEST_SCRATCH:-/tmp}   # local (tmpfs in the guest) directory for reference data
    if [ ! -d "$MNT" ]; then
        echo "not ok setup - not a directory: $MNT"; echo "0 passed, 1 failed"; exit 1
    fi
    W=$(mktemp -d "$MNT/$1.XXXXXX") ||
        { echo "not ok setup - cannot create a directory in $MNT"; echo "0 passed, 1 failed"; exit 1; }
}

# t NAME FUNCTION [ARGS...]: runs one case.
t() {
    name=$1; shift
    [ -z "${GUEST_TIMES:-}" ] || t0=$(uptime_s)
    if mkdir "$W/$name" 2>/dev/null; then
        out=$( (cd "$W/$name" && "$@") 2>&1 )
        rc=$?
    else
        out="cannot create the case's directory $W/$name"
        rc=1
    fi
    last=$(printf '%s\n' "$out" | sed -n '$p')
    [ -z "${GUEST_TIMES:-}" ] || echo "# $name: $(awk -v a="$t0" -v b="$(uptime_s)" 'BEGIN { printf "%.2f", b - a }')s"
    case $rc in
        0)  echo "ok $name"; passed=$((passed + 1)) ;;
        77) echo "ok $name # SKIP $last"; skipped=$((skipped + 1)) ;;
        *)  echo "not ok $name - ${last:-exit status $rc}"; failed=$((failed + 1)) ;;
    esac
}

# finish: removes $W, prints the summary, exits 1 if a case failed.
finish() {
    cd / && rm -rf "$W" 2>/dev/null
    if [ -e "$W" ]; then echo "# warning: could not remove $W"; fi
    summary="$passed passed, $failed failed"
    [ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
    echo "$summary"
    [ "$failed" -eq 0 ]
    exit
}

fail() { echo "$*"; exit 1; }
skip() { echo "$*"; exit 77; }
# eq WHAT GOT WANT
eq() { [ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"; }
uptime_s() { read -r up _ < /proc/uptime; echo "$up"; }

# refused MSG: is MSG the error of a server that does not allow or support an
# operation (EPERM, EACCES, EOPNOTSUPP, ENOSYS), as opposed to one that broke?
refused() {
    case $1 in
        *"Operation not permitted"*|*"Permission denied"*|*"not supported"*|*"Function not implemented"*) return 0 ;;
    esac
    return 1
}

# strerror ERRNO-NAME: the message busybox prints for it (glibc/musl wording).
strerror() {
    case $1 in
        ENOENT) echo "No such file or directory" ;;
        EEXIST) echo "File exists" ;;
        ENOTEMPTY) echo "Directory not empty" ;;
        ENOTDIR) echo "Not a directory" ;;
        EISDIR) echo "Is a directory" ;;
        ENAMETOOLONG) echo "File name too long" ;;
        ELOOP) echo "Too many levels of symbolic links" ;;
        EINVAL) echo "Invalid argument" ;;
        ENODATA) echo "No data available" ;;   # libattr's tools say "No such attribute"
        ENOSPC) echo "No space left on device" ;;
        EROFS) echo "Read-only file system" ;;
        *) echo "$1" ;;
    esac
}

# expect_err ERRNO-NAME CMD...: CMD must fail, with the message of ERRNO-NAME.
expect_err() {
    _ee_want=$1; shift
    if _ee_msg=$("$@" 2>&1); then fail "'$*' succeeded, expected $_ee_want"; fi
    case $_ee_want:$_ee_msg in
        *:*"$(strerror "$_ee_want")"*) ;;
        ENODATA:*"No such attribute"*) ;;
        *) fail "'$*': expected $_ee_want ($(strerror "$_ee_want")), got: $_ee_msg" ;;
    esac
}

# wait_for SECONDS COMMAND...: polls COMMAND every 20 ms until it succeeds; fails after SECONDS.
wait_for() {
    _wf_limit=$1; shift
    _wf_start=$(uptime_s)
    until "$@"; do
        if awk -v a="$_wf_start" -v b="$(uptime_s)" -v l="$_wf_limit" 'BEGIN { exit !(b - a > l) }'; then
            return 1
        fi
        usleep 20000 2>/dev/null || sleep 1
    done
}

# elapsed_since T0: seconds (two decimals) since the uptime T0.
elapsed_since() { awk -v a="$1" -v b="$(uptime_s)" 'BEGIN { printf "%.2f", b - a }'; }

# md5 FILE: the md5 sum of FILE, read with 1 MiB reads (busybox md5sum reads 4 KiB at a time,
# one Tread each on a cache=none mount, so copy to the local scratch directory first).
md5() {
    dd if="$1" of="$SCRATCH/md5.$$" bs=1M 2>/dev/null || { rm -f "$SCRATCH/md5.$$"; echo "unreadable:$1"; return 1; }
    set -- "$(md5sum < "$SCRATCH/md5.$$")"
    rm -f "$SCRATCH/md5.$$"
    echo "${1%% *}"
}
