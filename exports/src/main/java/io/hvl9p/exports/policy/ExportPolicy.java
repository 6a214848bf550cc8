package io.hvl9p.exports.policy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an admin decided for one export of one runtime (issue 5): where it is, whether it is
 * read-only, as whom the server acts, which paths are hidden. Immutable; built from trusted
 * configuration only.
 *
 * @param name the export's name: its mount tag on virtio-9p, its aname on sockets
 * @param path the host directory
 * @param readOnly every mutating request fails with EROFS
 * @param squash which client identities are replaced by the anonymous one
 * @param anonUid the uid squashed identities become
 * @param anonGid the gid squashed identities become
 * @param uidMap explicit client uid → host uid (applied before squash; ownership reported back is
 *     mapped the other way)
 * @param gidMap explicit client gid → host gid
 * @param deny glob patterns (relative to the export root, {@code /}-separated, {@code *} within a
 *     name, {@code **} across names) whose paths are invisible and cannot be created
 * @param deviceNodes whether device special files may be created
 * @param msizeCap the largest msize for this export, or 0 for no cap of its own
 */
public record ExportPolicy(
        String name,
        Path path,
        boolean readOnly,
        Squash squash,
        int anonUid,
        int anonGid,
        Map<Integer, Integer> uidMap,
        Map<Integer, Integer> gidMap,
        List<String> deny,
        boolean deviceNodes,
        int msizeCap) {

    /** Which identities are squashed to the anonymous uid/gid. */
    public enum Squash {
        /** Nobody: identities pass through (after the maps). */
        NONE,
        /** uid 0 and gid 0 only. */
        ROOT,
        /** Everybody. */
        ALL
    }

    /** nobody/nogroup on Debian. */
    public static final int NOBODY = 65534;

    public ExportPolicy {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(squash, "squash");
        uidMap = Map.copyOf(uidMap);
        gidMap = Map.copyOf(gidMap);
        deny = List.copyOf(deny);
        if (msizeCap != 0 && msizeCap < 4096) {
            throw new IllegalArgumentException("msize cap " + msizeCap + " (expected: 0 or >= 4096)");
        }
    }

    /** A read-write export with no squash, no maps, nothing denied: what {@code --export NAME=PATH} means. */
    public static ExportPolicy plain(String name, Path path) {
        return new ExportPolicy(
                name, path, false, Squash.NONE, NOBODY, NOBODY, Map.of(), Map.of(), List.of(), false, 0);
    }
}
