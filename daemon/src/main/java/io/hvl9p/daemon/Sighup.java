package io.hvl9p.daemon;

import java.lang.reflect.Proxy;

/**
 * SIGHUP for {@code serve --config}, through {@code sun.misc.Signal} (module jdk.unsupported, the
 * only signal API of the JDK). Reached by reflection because javac warns about every direct use
 * of it, and warnings are errors here.
 */
final class Sighup {
    private Sighup() {}

    /** Installs {@code action} (run on a new thread per signal); returns the previous handler. */
    static Object install(Runnable action) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Object hup = signal.getConstructor(String.class).newInstance("HUP");
            Object h = Proxy.newProxyInstance(handler.getClassLoader(), new Class<?>[] {handler}, (p, m, a) -> {
                if (m.getName().equals("handle")) {
                    Thread.ofPlatform().name("hvl9p-reload").start(action);
                    return null;
                }
                return switch (m.getName()) {
                    case "hashCode" -> System.identityHashCode(p);
                    case "equals" -> p == a[0];
                    default -> "hvl9p SIGHUP handler";
                };
            });
            return signal.getMethod("handle", signal, handler).invoke(null, hup, h);
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.getLogger(Sighup.class.getName())
                    .log(System.Logger.Level.WARNING, "SIGHUP cannot be handled here: {0}", e.toString());
            return null;
        }
    }

    /** Puts {@code previous} (from {@link #install}) back. */
    static void restore(Object previous) {
        if (previous == null) {
            return;
        }
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Object hup = signal.getConstructor(String.class).newInstance("HUP");
            signal.getMethod("handle", signal, handler).invoke(null, hup, previous);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // leaving the daemon's handler in place is harmless: reload is null once serve ends
        }
    }
}
