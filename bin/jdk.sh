# Sourced by bin/hvl9p and bin/test: finds a JDK >= 25 and sets JDK, or exits with a clear message.
# Looks at JAVA_HOME, the java on PATH, then the usual install locations.
NEED=25
java_major() { # $1 = java binary; prints its feature version or nothing
    "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}
find_jdk() {
    local c v
    for c in ${JAVA_HOME:+"$JAVA_HOME"} \
             $(command -v java >/dev/null 2>&1 && dirname "$(dirname "$(readlink -f "$(command -v java)")")") \
             /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/lib/jvm/* ; do
        [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
        v=$(java_major "$c/bin/java")
        if [ -n "$v" ] && [ "$v" -ge "$NEED" ]; then echo "$c"; return 0; fi
    done
    return 1
}
if ! JDK=$(find_jdk); then
    echo "hvl9p: no JDK $NEED or newer found (looked at JAVA_HOME, PATH and /usr/lib/jvm/*)." >&2
    echo "hvl9p: install one (for example Temurin 25 into /usr/lib/jvm/temurin-25-jdk-amd64), or set JAVA_HOME." >&2
    exit 1
fi
