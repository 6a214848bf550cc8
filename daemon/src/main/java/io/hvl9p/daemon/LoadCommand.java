package io.hvl9p.daemon;

import io.hvl9p.conformance.load.LoadMain;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/** {@code hvl9p load}: the load generator, run against any 9P2000.L server (ours, diod, ...). */
@Command(
        name = "load",
        description = "Measure a 9P2000.L server: getattr, read, write, create+unlink (see 'hvl9p load --help').",
        helpCommand = false,
        mixinStandardHelpOptions = false)
final class LoadCommand implements Callable<Integer> {
    @Unmatched
    List<String> unmatched = new ArrayList<>();

    @Parameters(hidden = true)
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        List<String> all = new ArrayList<>(args);
        all.addAll(unmatched);
        return LoadMain.run(all.toArray(String[]::new));
    }
}
