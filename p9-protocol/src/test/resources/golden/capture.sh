#!/usr/bin/env bash
# Regenerates the golden .frames files from real 9P2000.L traffic on loopback:
#   linux-6.1.frames  the Linux 6.1 kernel client (../shared/linux-client, QEMU) against diod
#   diod-tools.frames diod's own tools (diodls, diodcat) against diod
# Needs (root): apt-get install -y diod tcpdump qemu-system-x86 xz-utils
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
HARNESS=${HARNESS:-$(cd "$HERE/../../../../.." && pwd)/../shared/linux-client}
PORT=${PORT:-5641}
W=$(mktemp -d)
cleanup() { kill "${TCPDUMP:-}" "${DIOD:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$W"; }
trap cleanup EXIT
mkdir -p "$W/export"; printf 'hello golden\n' > "$W/export/hello.txt"; mkdir "$W/export/sub"
diod -f -n -N -l 127.0.0.1:$PORT -e "$W/export" 2>"$W/diod.log" & DIOD=$!
sleep 1
capture() { # $1 = name, $2... = command
    local name=$1; shift
    tcpdump -i lo -s 0 -U -w "$W/$name.pcap" "tcp port $PORT" 2>/dev/null & TCPDUMP=$!
    sleep 1
    "$@" || echo "capture.sh: '$*' exited $?" >&2
    sleep 1; kill "$TCPDUMP"; wait "$TCPDUMP" 2>/dev/null || true; TCPDUMP=
}
linux() {
    "$HARNESS/run-guest" --quiet --port $PORT --aname "$W/export" --opts uname=root --msize 8192 \
        --env SMOKE_BIG_MIB=1 --env SMOKE_NFILES=40 "$HARNESS/tests/smoke.sh" >"$W/smoke.out"
    "$HARNESS/run-guest" --quiet --port $PORT --aname "$W/export" --opts uname=root --msize 8192 \
        "$HERE/smoke-extra.sh" >>"$W/smoke.out"
}
tools() {
    diodls -s 127.0.0.1:$PORT -a "$W/export" -l / >/dev/null
    diodcat -s 127.0.0.1:$PORT -a "$W/export" hello.txt >/dev/null
}
capture linux linux
capture tools tools
V="$(uname -r) host, diod $(dpkg-query -W -f '${Version}' diod 2>/dev/null), $(date -u +%F)"
python3 "$HERE/pcap2frames.py" "$W/linux.pcap" $PORT "Linux 6.1 kernel v9fs (smoke.sh msize 8192 + smoke-extra.sh) against diod; $V" > "$HERE/linux-6.1.frames"
python3 "$HERE/pcap2frames.py" "$W/tools.pcap" $PORT "diodls -l and diodcat against diod; $V" > "$HERE/diod-tools.frames"
grep -c '^[CS] ' "$HERE"/*.frames
