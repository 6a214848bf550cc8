package io.hvl9p.daemon.acceptance;

import java.util.Map;

/**
 * One row of the guest matrix: which script, and how the guest mounts the server.
 *
 * @param label the name in the test report
 * @param script the script's file name: {@code smoke.sh} is linux-client's own, every other name is
 *     a file of {@code tests/guest/}
 * @param msize {@code --msize}; above {@link #SERIAL_MAX_MSIZE} the guest mounts over its own TCP
 *     stack ({@code --transport tcp}), because the harness's serial relay stalls on frames larger
 *     than 64 KiB (a 128 KiB Twrite stops after 64 KiB inside the guest; diod never shows it, as
 *     it caps msize at 64 KiB)
 * @param cache {@code --cache}: {@code none} or {@code loose}
 * @param unix mount through the server's Unix socket instead of its TCP port
 * @param tmpfsExport put the export directory on tmpfs (/dev/shm) when there is one (xattrs.sh:
 *     ext4 keeps only about 4 KiB of attributes per inode)
 * @param env {@code --env} variables for the script
 * @param readOnlyExport export the directory read-only ({@code ,ro}), filled with {@link
 *     ReadOnlyFixture} first (readonly.sh); the test then demands the tree unchanged, not empty
 */
record GuestCase(
        String label,
        String script,
        int msize,
        String cache,
        boolean unix,
        boolean tmpfsExport,
        Map<String, String> env,
        boolean readOnlyExport) {

    /** The largest msize the harness's serial transport carries. */
    static final int SERIAL_MAX_MSIZE = 65536;

    static GuestCase smoke(int msize, String cache) {
        return new GuestCase(
                "smoke.sh msize " + msize + " cache " + cache, "smoke.sh", msize, cache, false, false, Map.of(), false);
    }

    static GuestCase script(String script) {
        return new GuestCase(
                script, script, SERIAL_MAX_MSIZE, "none", false, script.equals("xattrs.sh"), Map.of(), false);
    }

    GuestCase withCache(String mode) {
        return new GuestCase(label + " cache " + mode, script, msize, mode, unix, tmpfsExport, env, readOnlyExport);
    }

    GuestCase overUnixSocket() {
        return new GuestCase(
                label + " over the Unix socket", script, msize, cache, true, tmpfsExport, env, readOnlyExport);
    }

    /** readonly.sh on a read-only export holding {@link ReadOnlyFixture}, whose facts go in {@code env}. */
    static GuestCase readOnly() {
        return new GuestCase(
                "readonly.sh on a read-only export",
                "readonly.sh",
                SERIAL_MAX_MSIZE,
                "none",
                false,
                false,
                ReadOnlyFixture.ENV,
                true);
    }

    @Override
    public String toString() {
        return label;
    }
}
