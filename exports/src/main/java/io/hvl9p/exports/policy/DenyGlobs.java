package io.hvl9p.exports.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * The deny patterns of an export, compiled. A pattern is a {@code /}-separated path relative to the
 * export root (a leading or trailing {@code /} is ignored); in one name {@code *} matches any run of
 * characters and {@code ?} exactly one, and a whole-name {@code **} matches any number of names
 * (also none). Everything else is literal: there are no character classes and no escapes. {@code
 * *} also matches names starting with a dot: for hiding, matching more is the safe side.
 *
 * <p>A pattern is anchored at the root: {@code secret} hides only the root's {@code secret}, {@code
 * **}{@code /secret} hides it at every depth. A path is {@link #denies denied} when it or one of its
 * ancestors matches, so a denied directory hides everything beneath it.
 *
 * <p>Names are matched as Unicode strings (UTF-8 decoded; a byte sequence that is not UTF-8
 * becomes U+FFFD, which only wildcards match). Immutable and thread-safe.
 */
public final class DenyGlobs {
    private static final DenyGlobs NONE = new DenyGlobs(List.of());

    private final List<String[]> patterns;

    private DenyGlobs(List<String[]> patterns) {
        this.patterns = patterns;
    }

    /**
     * Compiles {@code globs}.
     *
     * @throws IllegalArgumentException for an empty pattern, an empty name ({@code a//b}) or a
     *     {@code .} or {@code ..} name
     */
    public static DenyGlobs of(List<String> globs) {
        if (globs.isEmpty()) {
            return NONE;
        }
        List<String[]> out = new ArrayList<>(globs.size());
        for (String g : globs) {
            out.add(compile(g));
        }
        return new DenyGlobs(List.copyOf(out));
    }

    private static String[] compile(String glob) {
        String g = glob;
        while (g.startsWith("/")) {
            g = g.substring(1);
        }
        while (g.endsWith("/")) {
            g = g.substring(0, g.length() - 1);
        }
        if (g.isEmpty()) {
            throw new IllegalArgumentException("empty deny pattern \"" + glob + "\"");
        }
        String[] segs = g.split("/", -1);
        for (String s : segs) {
            if (s.isEmpty() || s.equals(".") || s.equals("..")) {
                throw new IllegalArgumentException(
                        "deny pattern \"" + glob + "\": empty, . or .. name (patterns name paths beneath the root)");
            }
        }
        return segs;
    }

    /** Whether no pattern was given. */
    public boolean isEmpty() {
        return patterns.isEmpty();
    }

    /** Whether some pattern matches the whole of {@code path} (names from the root; empty for the root). */
    public boolean matches(List<String> path) {
        for (String[] p : patterns) {
            if (matchPath(p, path, path.size())) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code path} or one of its ancestors (never the root itself) matches a pattern. */
    public boolean denies(List<String> path) {
        for (String[] p : patterns) {
            for (int n = 1; n <= path.size(); n++) {
                if (matchPath(p, path, n)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@link #denies} for a {@code /}-separated path (as in tests and logs). */
    public boolean denies(String path) {
        List<String> names = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                names.add(s);
            }
        }
        return denies(names);
    }

    /** Whether the segments match the first {@code n} names: dynamic programming, linear in segments × names. */
    private static boolean matchPath(String[] segs, List<String> path, int n) {
        // ok[j]: the segments seen so far match the first j names.
        boolean[] ok = new boolean[n + 1];
        ok[0] = true;
        for (String seg : segs) {
            boolean[] next = new boolean[n + 1];
            if (seg.equals("**")) {
                boolean any = false;
                for (int j = 0; j <= n; j++) {
                    any |= ok[j];
                    next[j] = any;
                }
            } else {
                for (int j = 1; j <= n; j++) {
                    next[j] = ok[j - 1] && matchName(seg, path.get(j - 1));
                }
            }
            ok = next;
        }
        return ok[n];
    }

    /** {@code *} and {@code ?} within one name: the greedy match with backtracking to the last star. */
    static boolean matchName(String glob, String name) {
        int g = 0;
        int s = 0;
        int star = -1;
        int mark = 0;
        int[] gc = glob.codePoints().toArray();
        int[] sc = name.codePoints().toArray();
        while (s < sc.length) {
            if (g < gc.length && (gc[g] == '?' || (gc[g] != '*' && gc[g] == sc[s]))) {
                g++;
                s++;
            } else if (g < gc.length && gc[g] == '*') {
                star = g++;
                mark = s;
            } else if (star >= 0) {
                g = star + 1;
                s = ++mark;
            } else {
                return false;
            }
        }
        while (g < gc.length && gc[g] == '*') {
            g++;
        }
        return g == gc.length;
    }

    @Override
    public String toString() {
        List<String> s = new ArrayList<>();
        for (String[] p : patterns) {
            s.add(String.join("/", p));
        }
        return "deny" + s;
    }
}
