package io.hvl9p.server.linux.sys;

import java.util.Locale;

/**
 * The host architecture, from {@code os.arch}, and the numbers of the system calls made through
 * {@code syscall(2)}: those glibc has no wrapper for ({@code openat2}) and those whose glibc wrapper
 * does the wrong thing for us ({@code setgroups}, which glibc applies to every thread).
 */
final class Arch {
    private Arch() {}

    /** True on aarch64, false on amd64; class initialisation fails on anything else. */
    static final boolean AARCH64 = detect();

    static final long SYS_OPENAT2 = 437;
    static final long SYS_SETFSUID = AARCH64 ? 151 : 122;
    static final long SYS_SETFSGID = AARCH64 ? 152 : 123;
    static final long SYS_SETGROUPS = AARCH64 ? 159 : 116;
    static final long SYS_GETDENTS64 = AARCH64 ? 61 : 217;

    private static boolean detect() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (!os.startsWith("linux")) {
            throw new UnsupportedOperationException("io.hvl9p.server.linux.sys needs Linux, not " + os);
        }
        return switch (arch) {
            case "amd64", "x86_64" -> false;
            case "aarch64", "arm64" -> true;
            default ->
                throw new UnsupportedOperationException(
                        "io.hvl9p.server.linux.sys knows amd64 and aarch64, not " + arch);
        };
    }
}
