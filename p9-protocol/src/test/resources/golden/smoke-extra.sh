#!/bin/sh
# Guest script for capture.sh: locks and xattrs, which smoke.sh does not exercise with flock.
d=$(mktemp -d "$P9_MNT/extra.XXXXXX") || exit 1
echo data > "$d/f"
flock "$d/f" true || echo "flock failed"
flock -s "$d/f" true || echo "flock -s failed"
setfattr -n user.k -v v "$d/f" 2>/dev/null; getfattr -d "$d/f" >/dev/null 2>&1
ln -s f "$d/l"; readlink "$d/l" >/dev/null; mv "$d/f" "$d/g"; sync
rm -r "$d"
exit 0
