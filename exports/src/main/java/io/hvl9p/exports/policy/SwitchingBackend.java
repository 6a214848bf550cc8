package io.hvl9p.exports.policy;

import io.hvl9p.server.spi.Backend;
import io.hvl9p.server.spi.Identity;
import io.hvl9p.server.spi.Node;
import java.util.Objects;

/**
 * An export whose policy can be replaced while it is served (a configuration reload): new attaches
 * get the new policy, sessions attached before keep the one they attached under until they attach
 * again, and a revoked export (gone from the configuration) fails every request with ESTALE.
 */
public final class SwitchingBackend implements Backend {
    private volatile PolicyBackend current;
    /** Every policy backend this export had: a revocation reaches nodes attached under old ones too. */
    private final java.util.List<PolicyBackend> all = new java.util.ArrayList<>();

    private SwitchingBackend(PolicyBackend first) {
        this.current = first;
        all.add(first);
    }

    /** {@code inner} under {@code policy}, replaceable later. */
    public static SwitchingBackend of(Backend inner, ExportPolicy policy) {
        return new SwitchingBackend((PolicyBackend) PolicyBackend.wrap(inner, policy));
    }

    /** The policy new attaches get. */
    public ExportPolicy policy() {
        return current.policy();
    }

    /**
     * New attaches get {@code policy} over {@code inner} from now on. The previous backend is
     * closed; its nodes stay valid until their fids are clunked (the SPI's contract).
     */
    public synchronized void replace(Backend inner, ExportPolicy policy) {
        PolicyBackend old = current;
        current = (PolicyBackend) PolicyBackend.wrap(Objects.requireNonNull(inner, "inner"), policy);
        all.add(current);
        old.close();
    }

    /** Revokes the export: nodes attached under any policy so far and later attaches get ESTALE. */
    public synchronized void revoke() {
        all.forEach(PolicyBackend::revoke);
    }

    public boolean isRevoked() {
        return current.isRevoked();
    }

    @Override
    public Node attach(Identity who) {
        return current.attach(who);
    }

    @Override
    public boolean readOnly() {
        return current.readOnly();
    }

    @Override
    public String describe() {
        return current.describe();
    }

    @Override
    public void close() {
        current.close();
    }
}
