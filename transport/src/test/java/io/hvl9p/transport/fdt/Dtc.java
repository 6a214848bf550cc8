package io.hvl9p.transport.fdt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code dtc -I dtb -O dts} on a blob and parses its output into node path → property
 * name → value text. Tests calling it are skipped when {@code dtc} is not on PATH (.ci/run installs
 * device-tree-compiler).
 */
public final class Dtc {
    private Dtc() {}

    /** The decompiled tree: node path ("/", "/virtio@37010000") → property → value text ("" if empty). */
    public record Tree(Map<String, Map<String, String>> nodes, String dts, String stderr) {}

    public static Tree decompile(byte[] blob) throws IOException, InterruptedException {
        assumeTrue(onPath("dtc"), "dtc (device-tree-compiler) is not on PATH");
        Path in = Files.createTempFile("fdt", ".dtb");
        Path err = Files.createTempFile("fdt", ".err");
        try {
            Files.write(in, blob);
            Process p = new ProcessBuilder("dtc", "-I", "dtb", "-O", "dts", in.toString())
                    .redirectError(err.toFile())
                    .start();
            String dts = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String stderr = Files.readString(err);
            assertThat(p.exitValue()).as("dtc exit status, stderr: %s", stderr).isZero();
            return new Tree(parse(dts), dts, stderr);
        } finally {
            Files.deleteIfExists(in);
            Files.deleteIfExists(err);
        }
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    static Map<String, Map<String, String>> parse(String dts) {
        Map<String, Map<String, String>> nodes = new LinkedHashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        for (String raw : dts.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.equals("/dts-v1/;")) {
                continue;
            }
            if (line.endsWith("{")) {
                String name = line.substring(0, line.length() - 1).strip();
                String path = stack.isEmpty() ? "/" : (stack.peek().equals("/") ? "" : stack.peek()) + "/" + name;
                assertThat(nodes).as("duplicate node in dts").doesNotContainKey(path);
                nodes.put(path, new LinkedHashMap<>());
                stack.push(path);
            } else if (line.equals("};")) {
                stack.pop();
            } else {
                assertThat(line).endsWith(";");
                String body = line.substring(0, line.length() - 1);
                int eq = body.indexOf(" = ");
                String name = eq < 0 ? body : body.substring(0, eq);
                String value = eq < 0 ? "" : body.substring(eq + 3);
                assertThat(nodes.get(stack.peek()).put(name, value))
                        .as("duplicate property %s", name)
                        .isNull();
            }
        }
        assertThat(stack).as("unbalanced braces").isEmpty();
        return nodes;
    }
}
