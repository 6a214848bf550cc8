package io.hvl9p.exports.policy;

import io.hvl9p.exports.policy.ExportPolicy.Squash;
import io.hvl9p.server.spi.Identity;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Client ids to host ids and back, as an export policy says: the explicit map first, then the
 * squash. Host ids are turned back into client ids only through the explicit map (its inverse;
 * when several client ids map to one host id, the smallest is reported); squashed ids are reported
 * as the host ids they are, since which client id they came from is not recorded in the file.
 */
final class IdMap {
    private final Squash squash;
    private final int anonUid;
    private final int anonGid;
    private final Map<Integer, Integer> uidMap;
    private final Map<Integer, Integer> gidMap;
    private final Map<Integer, Integer> uidBack;
    private final Map<Integer, Integer> gidBack;

    IdMap(ExportPolicy p) {
        this.squash = p.squash();
        this.anonUid = p.anonUid();
        this.anonGid = p.anonGid();
        this.uidMap = p.uidMap();
        this.gidMap = p.gidMap();
        this.uidBack = inverse(uidMap);
        this.gidBack = inverse(gidMap);
    }

    private static Map<Integer, Integer> inverse(Map<Integer, Integer> m) {
        Map<Integer, Integer> back = new HashMap<>();
        m.forEach((client, host) -> back.merge(host, client, (a, b) -> Integer.compareUnsigned(a, b) <= 0 ? a : b));
        return Map.copyOf(back);
    }

    /** Whether ids pass through unchanged both ways. */
    boolean isIdentity() {
        return squash == Squash.NONE && uidMap.isEmpty() && gidMap.isEmpty();
    }

    int hostUid(int clientUid) {
        int u = uidMap.getOrDefault(clientUid, clientUid);
        return squash == Squash.ALL || (squash == Squash.ROOT && u == 0) ? anonUid : u;
    }

    int hostGid(int clientGid) {
        int g = gidMap.getOrDefault(clientGid, clientGid);
        return squash == Squash.ALL || (squash == Squash.ROOT && g == 0) ? anonGid : g;
    }

    int clientUid(int hostUid) {
        return uidBack.getOrDefault(hostUid, hostUid);
    }

    int clientGid(int hostGid) {
        return gidBack.getOrDefault(hostGid, hostGid);
    }

    /**
     * The identity the server acts as for {@code who}. Supplementary groups are mapped like the
     * gid; under root squash a group that would be 0 is dropped (not turned into the anonymous
     * group, which it would grant), under squash-all there are none.
     */
    Identity host(Identity who) {
        if (squash == Squash.ALL) {
            return new Identity(anonUid, anonGid, new int[0]);
        }
        int[] groups = Arrays.stream(who.groups())
                .map(g -> gidMap.getOrDefault(g, g))
                .filter(g -> squash != Squash.ROOT || g != 0)
                .distinct()
                .toArray();
        return new Identity(hostUid(who.uid()), hostGid(who.gid()), groups);
    }
}
