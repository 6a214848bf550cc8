package io.hvl9p.daemon;

import io.hvl9p.conformance.load.LoadMain;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code hvl9p load}: the load generator, run against any 9P2000.L server (ours, diod, ...). */
@Command(
        name = "load",
        description = "Measure a 9P2000.L server: getattr, read, write, create+unlink (see 'hvl9p load --help').",
        helpCommand = false,
        mixinStandardHelpOptions = false)
final class LoadCommand implements Callable<Integer> {
    /** Everything after "load", in order: Main makes unmatched options positional for this command. */
    @Parameters(hidden = true)
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        return LoadMain.run(args.toArray(String[]::new));
    }
}
