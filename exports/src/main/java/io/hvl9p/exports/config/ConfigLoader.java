package io.hvl9p.exports.config;

import io.hvl9p.exports.config.DaemonConfig.ConsoleConfig;
import io.hvl9p.exports.config.DaemonConfig.ExportConfig;
import io.hvl9p.exports.config.DaemonConfig.Layout;
import io.hvl9p.exports.config.DaemonConfig.ListenerConfig;
import io.hvl9p.exports.config.DaemonConfig.RuntimeConfig;
import io.hvl9p.exports.config.TomlValue.Table;
import io.hvl9p.exports.policy.ExportPolicy;
import io.hvl9p.server.net.ListenAddress;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and validates the daemon's configuration file (docs/exports.md). Every problem is collected
 * with its line, not just the first: unknown keys, wrong types, missing keys, duplicates, bad values,
 * host paths that are not directories, listeners bound to unknown runtimes.
 */
public final class ConfigLoader {
    /** Where a runtime sees its pool unless {@code phys-base} says otherwise. */
    public static final long DEFAULT_PHYS_BASE = 0x37000000L;
    /** The 9p device block unless {@code memory} says otherwise: 2 MiB, an msize of about 1 MiB. */
    public static final int DEFAULT_9P_BLOCK = 0x200000;
    /** The console block unless {@code memory} says otherwise: 24 KiB, the reference size. */
    public static final int DEFAULT_CONSOLE_BLOCK = 0x6000;
    /** The register header at the start of every dtb block. */
    public static final int HEADER = 0x200;
    /** The longest export tag (the Linux virtio-9p mount tag limit). */
    public static final int MAX_TAG_BYTES = 32;
    /** The largest uid or gid accepted. */
    public static final long MAX_ID = Integer.MAX_VALUE;

    private static final List<String> ROOT_KEYS = List.of("runtime", "listener");
    private static final List<String> RUNTIME_KEYS =
            List.of("name", "pool", "size", "phys-base", "layout", "doorbell", "poll-time", "console", "export");
    private static final List<String> CONSOLE_KEYS = List.of("stdout", "log", "socket", "memory");
    private static final List<String> EXPORT_KEYS = List.of(
            "tag",
            "path",
            "read-only",
            "squash",
            "anon-uid",
            "anon-gid",
            "uid-map",
            "gid-map",
            "deny",
            "device-nodes",
            "msize-cap",
            "memory");
    private static final List<String> LISTENER_KEYS = List.of("address", "runtime");
    private static final Pattern RUNTIME_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern SIZE = Pattern.compile("(0[xX][0-9a-fA-F_]+|[0-9_]+)\\s*([KMG]i?B?|B)?");
    private static final Pattern DURATION = Pattern.compile("([0-9]+)\\s*(ns|us|ms|s)");
    private static final String DOORBELLS =
            "fifo:PATH, umb:DEVICE, uio:/dev/uioN[,irq-map=M,irq-offset=0xOFF,irq-value=V], poll or poll:INTERVAL";

    private final String file;
    private final Path path;
    private final List<ConfigError> errors = new ArrayList<>();
    /** Runtimes with [[runtime.export]] tables, valid or not: a listener of one is not blamed for its broken exports. */
    private final Set<String> withExportTables = new HashSet<>();

    private ConfigLoader(String file, Path path) {
        this.file = file;
        this.path = path;
    }

    /**
     * Reads, parses and validates {@code file}; host paths are checked against the file system.
     *
     * @throws ConfigException with every problem found, in line order
     */
    public static DaemonConfig load(Path file) throws ConfigException {
        return parse(file, read(file));
    }

    private static String read(Path file) throws ConfigException {
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(
                    List.of(new ConfigError(file.toString(), 0, "not valid UTF-8 (expected: a UTF-8 text file)")));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ConfigException(
                    List.of(new ConfigError(file.toString(), 0, "no such file (expected: a configuration file)")));
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigError(
                    file.toString(), 0, "cannot read: " + e.getMessage() + " (expected: a readable file)")));
        }
        return text;
    }

    /**
     * Parses and validates {@code text} as if read from {@code file} (which names it in messages).
     *
     * @throws ConfigException with every problem found, in line order
     */
    public static DaemonConfig parse(Path file, String text) throws ConfigException {
        return parse(file, text, c -> List.of());
    }

    /**
     * {@link #load(Path)} with checks of the caller's own (such as whether each runtime's devices
     * fit its pool): {@code extra} sees the valid part of the file even when other parts have errors,
     * and its errors are reported with the others, in line order.
     */
    public static DaemonConfig load(Path file, Function<DaemonConfig, List<ConfigError>> extra) throws ConfigException {
        return parse(file, read(file), extra);
    }

    /** {@link #parse(Path, String)} with checks of the caller's own, as {@link #load(Path, Function)}. */
    public static DaemonConfig parse(Path file, String text, Function<DaemonConfig, List<ConfigError>> extra)
            throws ConfigException {
        ConfigLoader l = new ConfigLoader(file.toString(), file);
        Table root = Toml.parse(l.file, text);
        DaemonConfig c = l.root(root);
        l.errors.addAll(extra.apply(c));
        if (!l.errors.isEmpty()) {
            List<ConfigError> sorted = new ArrayList<>(l.errors);
            Collections.sort(sorted); // stable: same-line errors keep their order
            throw new ConfigException(sorted);
        }
        return c;
    }

    private void error(int line, String message) {
        errors.add(new ConfigError(file, line, message));
    }

    // ---- the schema

    private DaemonConfig root(Table root) {
        keys(root, "the top level", ROOT_KEYS);
        List<Table> runtimeTables = tables(root, "runtime", "[[runtime]]");
        List<Table> listenerTables = tables(root, "listener", "[[listener]]");
        if (runtimeTables.isEmpty()) {
            error(0, "no runtime (expected: at least one [[runtime]] table)");
        }
        List<RuntimeConfig> runtimes = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        Map<String, RuntimeConfig> pools = new HashMap<>();
        Map<String, RuntimeConfig> bells = new HashMap<>();
        for (Table t : runtimeTables) {
            RuntimeConfig r = runtime(t);
            if (r == null) {
                continue;
            }
            Integer seen = names.putIfAbsent(r.name(), r.line());
            if (seen != null) {
                error(
                        t.keyLine("name"),
                        "runtime name " + r.name() + " is already used on line " + seen
                                + " (expected: a name of its own for each runtime)");
                continue;
            }
            RuntimeConfig poolOwner = pools.putIfAbsent(r.pool(), r);
            if (poolOwner != null) {
                error(
                        lineOf(t, "pool"),
                        "pool " + r.pool() + " is already runtime " + poolOwner.name() + "'s (line " + poolOwner.line()
                                + ") (expected: one pool per runtime)");
            }
            String bell = canonicalDoorbell(r.doorbell());
            RuntimeConfig bellOwner = bell.startsWith("poll") ? null : bells.putIfAbsent(bell, r);
            if (bellOwner != null) {
                error(
                        lineOf(t, "doorbell"),
                        "doorbell " + r.doorbell() + " is already runtime " + bellOwner.name() + "'s (line "
                                + bellOwner.line() + ") (expected: one doorbell per runtime)");
            }
            runtimes.add(r);
        }
        List<ListenerConfig> listeners = new ArrayList<>();
        Map<String, Integer> addresses = new HashMap<>();
        for (Table t : listenerTables) {
            ListenerConfig l = listener(t, runtimes, names);
            // port 0 asks for any free port: several listeners may ask for it
            boolean anyPort =
                    l != null && l.address() instanceof io.hvl9p.server.net.ListenAddress.Tcp tcp && tcp.port() == 0;
            if (l != null && anyPort) {
                listeners.add(l);
            } else if (l != null) {
                Integer seen = addresses.putIfAbsent(l.address().toString(), l.line());
                if (seen != null) {
                    error(
                            t.keyLine("address"),
                            "listener address " + l.address() + " is already used on line " + seen
                                    + " (expected: each address once)");
                } else {
                    listeners.add(l);
                }
            }
        }
        return new DaemonConfig(path, runtimes, listeners);
    }

    private static int lineOf(Table t, String key) {
        return t.get(key) != null ? t.keyLine(key) : t.line();
    }

    private RuntimeConfig runtime(Table t) {
        keys(t, "[[runtime]]", RUNTIME_KEYS);
        String name = string(t, "name");
        if (name == null) {
            if (t.get("name") == null) {
                error(t.line(), "[[runtime]] has no name (expected: name = \"...\")");
            }
        } else if (!RUNTIME_NAME.matcher(name).matches()) {
            error(
                    t.keyLine("name"),
                    "runtime name \"" + name
                            + "\" (expected: 1 to 64 of A-Z a-z 0-9 _ . -, starting with a letter or digit)");
            name = null;
        }
        String where = name == null ? "[[runtime]]" : "runtime " + name;
        String pool = string(t, "pool");
        if (pool == null) {
            pool = name == null ? null : "shm:hvl9p-" + name;
        } else if (!validPool(pool)) {
            error(
                    t.keyLine("pool"),
                    "pool \"" + pool + "\" (expected: shm:NAME, a file in /dev/shm, or uio:/dev/uioN)");
        }
        long size = 0;
        if (t.get("size") != null) {
            Long v = size(t, "size");
            if (v != null) {
                if (v <= 0 || v % 0x1000 != 0) {
                    error(t.keyLine("size"), "size " + hex(v) + " (expected: a positive multiple of 4 KiB)");
                } else {
                    size = v;
                }
            }
        }
        long physBase = DEFAULT_PHYS_BASE;
        if (t.get("phys-base") != null) {
            Long v = size(t, "phys-base");
            if (v != null) {
                if (v % 0x1000 != 0) {
                    error(
                            t.keyLine("phys-base"),
                            "phys-base " + hex(v) + " is not 4 KiB aligned (expected: a multiple of 0x1000)");
                } else if (v > Long.MAX_VALUE - Math.max(size, 0x1000)) {
                    error(
                            t.keyLine("phys-base"),
                            "phys-base " + hex(v) + " (expected: a pool inside the 64-bit address space)");
                } else {
                    physBase = v;
                }
            }
        }
        Layout layout = Layout.DTB;
        String l = string(t, "layout");
        if (l != null) {
            switch (l) {
                case "dtb" -> layout = Layout.DTB;
                case "packed" -> layout = Layout.PACKED;
                default -> error(t.keyLine("layout"), "layout \"" + l + "\" (expected: \"dtb\" or \"packed\")");
            }
        }
        String doorbell = string(t, "doorbell");
        if (doorbell == null) {
            doorbell = name == null ? null : "fifo:/dev/shm/hvl9p-" + name;
        } else if (!validDoorbell(doorbell)) {
            error(t.keyLine("doorbell"), "doorbell \"" + doorbell + "\" (expected: " + DOORBELLS + ")");
        }
        Duration pollTime = Duration.ofNanos(50_000);
        TomlValue pt = t.get("poll-time");
        if (pt instanceof TomlValue.Int i && i.value() == 0) {
            pollTime = Duration.ZERO;
        } else if (pt != null) {
            String s = string(t, "poll-time", "a duration such as \"50us\", \"2ms\" or 0");
            if (s != null) {
                Duration d = duration(s);
                if (d == null) {
                    error(
                            t.keyLine("poll-time"),
                            "poll-time \"" + s + "\" (expected: 0, or a number with ns, us, ms or s)");
                } else {
                    pollTime = d;
                }
            }
        }
        ConsoleConfig console = null;
        TomlValue cv = t.get("console");
        if (cv instanceof Table ct) {
            console = console(ct);
        } else if (cv != null) {
            wrongType(t.keyLine("console"), "console", cv, "a [runtime.console] table");
        }
        List<ExportConfig> exports = new ArrayList<>();
        Map<String, Integer> tags = new HashMap<>();
        if (name != null && t.get("export") != null) {
            withExportTables.add(name);
        }
        for (Table e : tables(t, "export", "[[runtime.export]]")) {
            ExportConfig x = export(e);
            if (x != null) {
                Integer seen = tags.putIfAbsent(x.policy().name(), x.line());
                if (seen != null) {
                    error(
                            e.keyLine("tag"),
                            "export tag " + x.policy().name() + " is already used in " + where + " on line " + seen
                                    + " (expected: a tag of its own for each export of a runtime)");
                } else {
                    exports.add(x);
                }
            }
        }
        if (t.get("export") == null && cv == null) {
            error(t.line(), where + " has no devices (expected: [[runtime.export]] and/or [runtime.console])");
        }
        if (name == null || pool == null || doorbell == null) {
            return null;
        }
        return new RuntimeConfig(name, t.line(), pool, size, physBase, layout, doorbell, pollTime, console, exports);
    }

    private static boolean validPool(String pool) {
        if (pool.startsWith("shm:")) {
            String n = pool.substring(4);
            return !n.isEmpty() && !n.contains("/") && !n.equals(".") && !n.equals("..") && n.indexOf('\0') < 0;
        }
        return pool.startsWith("uio:/") && pool.length() > 5 && pool.indexOf('\0') < 0;
    }

    private static boolean validDoorbell(String d) {
        if (d.indexOf('\0') >= 0) {
            return false;
        }
        if (d.equals("poll")) {
            return true;
        }
        if (d.startsWith("poll:")) {
            return duration(d.substring(5)) != null;
        }
        return (d.startsWith("fifo:") || d.startsWith("umb:")) && d.length() > d.indexOf(':') + 1
                || d.startsWith("uio:/") && d.length() > 5;
    }

    private static String canonicalDoorbell(String spec) {
        if (spec.startsWith("fifo:") && spec.length() > 5) {
            try {
                return "fifo:" + Path.of(spec.substring(5)).toAbsolutePath().normalize();
            } catch (InvalidPathException e) {
                return spec;
            }
        }
        return spec;
    }

    private ConsoleConfig console(Table t) {
        keys(t, "[runtime.console]", CONSOLE_KEYS);
        Boolean stdout = bool(t, "stdout");
        Path log = hostFile(t, "log");
        Path socket = hostFile(t, "socket");
        int memory = block(t, "memory", DEFAULT_CONSOLE_BLOCK);
        return new ConsoleConfig(t.line(), stdout == null || stdout, log, socket, memory);
    }

    /** A file the daemon creates: absolute, in an existing directory. */
    private Path hostFile(Table t, String key) {
        String s = string(t, key);
        if (s == null) {
            return null;
        }
        Path p = hostPath(t.keyLine(key), key, s);
        if (p == null) {
            return null;
        }
        Path dir = p.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            error(
                    t.keyLine(key),
                    key + " " + s + ": directory " + dir
                            + " does not exist (expected: a file in an existing directory)");
            return null;
        }
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            error(t.keyLine(key), key + " " + s + " is a directory (expected: a file name)");
            return null;
        }
        return p;
    }

    private Path hostPath(int line, String key, String s) {
        Path p;
        try {
            p = Path.of(s);
        } catch (InvalidPathException e) {
            error(line, key + " \"" + s + "\" is not a valid path (expected: an absolute path)");
            return null;
        }
        if (!p.isAbsolute()) {
            error(line, key + " " + s + " is relative (expected: an absolute path)");
            return null;
        }
        return p.normalize();
    }

    /** A dtb block size (header + memory), returned as the memory after the header. */
    private int block(Table t, String key, int dflt) {
        if (t.get(key) == null) {
            return dflt - HEADER;
        }
        Long v = size(t, key);
        if (v == null) {
            return dflt - HEADER;
        }
        if (v < 0x1000 || v > 0x40000000L || v % 0x1000 != 0) {
            error(
                    t.keyLine(key),
                    key + " " + hex(v)
                            + " (expected: a block of 4 KiB to 1 GiB, a multiple of 4 KiB, such as \"24K\" or \"2M\")");
            return dflt - HEADER;
        }
        return (int) (v - HEADER);
    }

    private ExportConfig export(Table t) {
        keys(t, "[[runtime.export]]", EXPORT_KEYS);
        String tag = string(t, "tag");
        boolean ok = true;
        if (tag == null) {
            if (t.get("tag") == null) {
                error(t.line(), "[[runtime.export]] has no tag (expected: tag = \"...\", its mount tag and aname)");
            }
            ok = false;
        } else {
            int bytes = tag.getBytes(StandardCharsets.UTF_8).length;
            if (bytes == 0 || bytes > MAX_TAG_BYTES) {
                error(
                        t.keyLine("tag"),
                        "tag \"" + tag + "\" is " + bytes + " bytes (expected: 1 to " + MAX_TAG_BYTES + " bytes)");
                ok = false;
            } else if (tag.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == '/')) {
                error(t.keyLine("tag"), "tag \"" + tag + "\" holds '/' or a control character (expected: a name)");
                ok = false;
            }
        }
        Path dir = null;
        String p = string(t, "path");
        if (p == null) {
            if (t.get("path") == null) {
                error(t.line(), "[[runtime.export]] has no path (expected: path = \"/host/directory\")");
            }
            ok = false;
        } else {
            dir = hostPath(t.keyLine("path"), "path", p);
            if (dir == null) {
                ok = false;
            } else if (!Files.exists(dir)) {
                error(t.keyLine("path"), "path " + p + " does not exist (expected: an existing directory)");
                ok = false;
            } else if (!Files.isDirectory(dir)) {
                error(t.keyLine("path"), "path " + p + " is not a directory (expected: a directory)");
                ok = false;
            }
        }
        Boolean ro = bool(t, "read-only");
        ExportPolicy.Squash squash = ExportPolicy.Squash.NONE;
        String sq = string(t, "squash");
        if (sq != null) {
            switch (sq) {
                case "none" -> squash = ExportPolicy.Squash.NONE;
                case "root" -> squash = ExportPolicy.Squash.ROOT;
                case "all" -> squash = ExportPolicy.Squash.ALL;
                default -> {
                    error(t.keyLine("squash"), "squash \"" + sq + "\" (expected: \"none\", \"root\" or \"all\")");
                    ok = false;
                }
            }
        }
        int anonUid = id(t, "anon-uid");
        int anonGid = id(t, "anon-gid");
        Map<Integer, Integer> uidMap = idMap(t, "uid-map");
        Map<Integer, Integer> gidMap = idMap(t, "gid-map");
        List<String> deny = deny(t);
        Boolean dev = bool(t, "device-nodes");
        int msizeCap = 0;
        if (t.get("msize-cap") != null) {
            Long v = size(t, "msize-cap");
            if (v != null) {
                if (v != 0 && (v < 4096 || v > Integer.MAX_VALUE)) {
                    error(
                            t.keyLine("msize-cap"),
                            "msize-cap " + v + " (expected: 0 for no cap, or 4096 to 2147483647)");
                } else {
                    msizeCap = v.intValue();
                }
            }
        }
        int memory = block(t, "memory", DEFAULT_9P_BLOCK);
        if (!ok) {
            return null;
        }
        return new ExportConfig(
                t.line(),
                new ExportPolicy(
                        tag,
                        dir,
                        ro != null && ro,
                        squash,
                        anonUid,
                        anonGid,
                        uidMap,
                        gidMap,
                        deny,
                        dev != null && dev,
                        msizeCap),
                memory);
    }

    private int id(Table t, String key) {
        TomlValue v = t.get(key);
        if (v == null) {
            return ExportPolicy.NOBODY;
        }
        if (!(v instanceof TomlValue.Int i)) {
            wrongType(t.keyLine(key), key, v, "an integer");
            return ExportPolicy.NOBODY;
        }
        if (i.value() < 0 || i.value() > MAX_ID) {
            error(t.keyLine(key), key + " " + i.value() + " is out of range (expected: 0 to " + MAX_ID + ")");
            return ExportPolicy.NOBODY;
        }
        return (int) i.value();
    }

    private Map<Integer, Integer> idMap(Table t, String key) {
        TomlValue v = t.get(key);
        Map<Integer, Integer> m = new LinkedHashMap<>();
        if (v == null) {
            return m;
        }
        if (!(v instanceof Table mt)) {
            wrongType(t.keyLine(key), key, v, "an inline table such as { 1000 = 0 }");
            return m;
        }
        for (Map.Entry<String, TomlValue> e : mt.entries().entrySet()) {
            int line = mt.keyLine(e.getKey());
            long from;
            try {
                from = e.getKey().matches("[0-9]{1,10}") ? Long.parseLong(e.getKey()) : -1;
            } catch (NumberFormatException x) {
                from = -1;
            }
            if (from < 0 || from > MAX_ID) {
                error(line, key + ": client id " + e.getKey() + " (expected: an id from 0 to " + MAX_ID + ")");
                continue;
            }
            if (!(e.getValue() instanceof TomlValue.Int to)) {
                wrongType(line, key + " " + e.getKey(), e.getValue(), "an integer, the host id");
                continue;
            }
            if (to.value() < 0 || to.value() > MAX_ID) {
                error(
                        line,
                        key + " " + e.getKey() + ": host id " + to.value() + " is out of range (expected: 0 to "
                                + MAX_ID + ")");
                continue;
            }
            m.put((int) from, (int) to.value());
        }
        return m;
    }

    private List<String> deny(Table t) {
        TomlValue v = t.get("deny");
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (!(v instanceof TomlValue.Arr a)) {
            wrongType(t.keyLine("deny"), "deny", v, "an array of glob strings such as [\"**/.git\", \"secret/*\"]");
            return out;
        }
        for (TomlValue e : a.values()) {
            if (!(e instanceof TomlValue.Str s)) {
                wrongType(e.line(), "deny entry", e, "a glob string");
                continue;
            }
            String g = s.value();
            if (g.isEmpty() || g.startsWith("/") || g.indexOf('\0') >= 0) {
                error(
                        e.line(),
                        "deny pattern \"" + g
                                + "\" (expected: a non-empty glob relative to the export root, no leading /)");
            } else if (List.of(g.split("/")).stream().anyMatch(c -> c.equals("..") || c.equals(".") || c.isEmpty())) {
                error(
                        e.line(),
                        "deny pattern \"" + g
                                + "\" has an empty, . or .. component (expected: names and globs separated by single /)");
            } else {
                out.add(g);
            }
        }
        return out;
    }

    private ListenerConfig listener(Table t, List<RuntimeConfig> runtimes, Map<String, Integer> names) {
        keys(t, "[[listener]]", LISTENER_KEYS);
        ListenAddress address = null;
        String a = string(t, "address");
        if (a == null) {
            if (t.get("address") == null) {
                error(t.line(), "[[listener]] has no address (expected: address = \"tcp:HOST:PORT\" or \"unix:PATH\")");
            }
        } else {
            try {
                address = ListenAddress.parse(a);
            } catch (IllegalArgumentException e) {
                error(t.keyLine("address"), "address " + e.getMessage());
            }
        }
        String rt = string(t, "runtime");
        if (rt == null) {
            if (t.get("runtime") == null) {
                error(
                        t.line(),
                        "[[listener]] has no runtime (expected: runtime = \"NAME\", whose exports its clients reach)");
            }
        } else if (!names.containsKey(rt)) {
            error(
                    t.keyLine("runtime"),
                    "listener runtime " + rt + " is not defined (expected: one of "
                            + (names.isEmpty()
                                    ? "the [[runtime]] names"
                                    : String.join(
                                            ", ",
                                            runtimes.stream()
                                                    .map(RuntimeConfig::name)
                                                    .toList()))
                            + ")");
            rt = null;
        } else {
            String n = rt;
            RuntimeConfig r = runtimes.stream()
                    .filter(x -> x.name().equals(n))
                    .findFirst()
                    .orElse(null);
            if (r != null && r.exports().isEmpty() && !withExportTables.contains(rt)) {
                error(
                        t.keyLine("runtime"),
                        "listener runtime " + rt
                                + " has no exports (expected: a runtime with [[runtime.export]] tables)");
                rt = null;
            }
        }
        if (address == null || rt == null) {
            return null;
        }
        return new ListenerConfig(t.line(), address, rt);
    }

    // ---- typed access

    private void keys(Table t, String where, List<String> allowed) {
        for (String k : t.entries().keySet()) {
            if (!allowed.contains(k)) {
                String close = closest(k, allowed);
                error(
                        t.keyLine(k),
                        "unknown key " + k + " in " + where
                                + (close == null ? "" : "; did you mean " + close + "?") + " (expected: one of "
                                + String.join(", ", allowed) + ")");
            }
        }
    }

    /** The arrays of tables under {@code key}; a wrong type is an error and gives none. */
    private List<Table> tables(Table t, String key, String form) {
        TomlValue v = t.get(key);
        if (v == null) {
            return List.of();
        }
        if (v instanceof TomlValue.TableArray ta) {
            return ta.tables();
        }
        wrongType(t.keyLine(key), key, v, form + " tables");
        return List.of();
    }

    private void wrongType(int line, String key, TomlValue v, String expected) {
        error(line, key + " is " + v.kind() + " (expected: " + expected + ")");
    }

    private String string(Table t, String key) {
        return string(t, key, "a string");
    }

    private String string(Table t, String key, String expected) {
        TomlValue v = t.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof TomlValue.Str s) {
            return s.value();
        }
        wrongType(t.keyLine(key), key, v, expected);
        return null;
    }

    private Boolean bool(Table t, String key) {
        TomlValue v = t.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof TomlValue.Bool b) {
            return b.value();
        }
        wrongType(t.keyLine(key), key, v, "true or false");
        return null;
    }

    /** An integer, or a string such as "24K", "2M", "0x5e00" (K, M, G: powers of 1024). */
    private Long size(Table t, String key) {
        TomlValue v = t.get(key);
        if (v instanceof TomlValue.Int i) {
            if (i.value() < 0) {
                error(t.keyLine(key), key + " " + i.value() + " is negative (expected: a size or address >= 0)");
                return null;
            }
            return i.value();
        }
        if (v instanceof TomlValue.Str s) {
            Long n = parseSize(s.value());
            if (n == null) {
                error(
                        t.keyLine(key),
                        key + " \"" + s.value()
                                + "\" (expected: an integer or a size such as \"24K\", \"2M\", \"0x5e00\")");
            }
            return n;
        }
        wrongType(t.keyLine(key), key, v, "an integer or a size string such as \"2M\"");
        return null;
    }

    static Long parseSize(String s) {
        Matcher m = SIZE.matcher(s.trim());
        if (!m.matches() || m.group(1).replace("_", "").matches("(0[xX])?")) {
            return null;
        }
        String digits = m.group(1).replace("_", "");
        long mult = 1;
        if (m.group(2) != null) {
            mult = switch (m.group(2).charAt(0)) {
                case 'K' -> 1L << 10;
                case 'M' -> 1L << 20;
                case 'G' -> 1L << 30;
                default -> 1;
            };
        }
        try {
            long v = digits.startsWith("0x") || digits.startsWith("0X")
                    ? Long.parseLong(digits.substring(2), 16)
                    : Long.parseLong(digits);
            return Math.multiplyExact(v, mult);
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    static Duration duration(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = DURATION.matcher(t);
        if (!m.matches()) {
            return null;
        }
        try {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ns" -> Duration.ofNanos(n);
                case "us" -> Duration.ofNanos(Math.multiplyExact(n, 1000L));
                case "ms" -> Duration.ofMillis(n);
                default -> Duration.ofSeconds(n);
            };
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    /** The allowed key within edit distance 2 of {@code k}, if exactly one is closest. */
    static String closest(String k, List<String> allowed) {
        String best = null;
        int bestD = 3;
        for (String a : allowed) {
            int d = distance(k, a);
            if (d < bestD) {
                bestD = d;
                best = a;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int c = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + c);
            }
            int[] x = prev;
            prev = cur;
            cur = x;
        }
        return prev[b.length()];
    }
}
