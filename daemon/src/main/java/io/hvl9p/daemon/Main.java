package io.hvl9p.daemon;

import io.hvl9p.protocol.MiscConstants;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code hvl9p} command. */
@Command(
        name = "hvl9p",
        mixinStandardHelpOptions = true,
        versionProvider = Main.VersionProvider.class,
        description = {
            "A 9P2000.L file server that gives auxiliary runtimes (an RTOS or",
            "bare-metal image beside Linux) access to Linux directories and a",
            "console over hypervisor-less virtio shared memory.",
            "",
            "The configuration file (docs/exports.md) is checked by 'config check',",
            "shown by 'config show' and turned into device tree source by 'dt';",
            "'serve' does not read it yet."
        },
        subcommands = {
            DemoCommand.class,
            ServeCommand.class,
            RuntimeSimCommand.class,
            CtlCommand.class,
            LoadCommand.class,
            BenchShmCommand.class,
            ConfigCommand.class,
            DtCommand.class,
            Main.VersionCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Callable<Integer> {
    /** The project version, kept in step with the POM. */
    public static final String VERSION = "0.1.0-SNAPSHOT";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private Main() {}

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit status (for tests). */
    public static int run(String... args) {
        return command().execute(args);
    }

    /** Runs the command line with its output and error text going to {@code out} and {@code err} (for tests). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return command().setOut(out).setErr(err).execute(args);
    }

    private static CommandLine command() {
        CommandLine cl = new CommandLine(new Main());
        // the load generator parses its own options
        cl.getSubcommands().get("load").setUnmatchedOptionsArePositionalParams(true);
        return cl;
    }

    /**
     * The command line that runs {@code hvl9p ARGS} in a child JVM: this JVM's java, native access
     * enabled, this process's class path (the demo's runtime, bench-shm's runtime side, tests).
     */
    public static List<String> childCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static String versionLine() {
        return "hvl9p " + VERSION + " (protocol " + MiscConstants.VERSION_9P2000_L + ", Java " + Runtime.version()
                + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ")";
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {versionLine()};
        }
    }

    @Command(name = "version", description = "Print the version of hvl9p, the protocol and the Java runtime.")
    static final class VersionCommand implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().println(versionLine());
            return 0;
        }
    }
}
