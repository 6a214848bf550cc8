package io.hvl9p.daemon.acceptance;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a guest script reported: run-guest's exit status, the console, and the script's own lines
 * in the convention of linux-client's smoke.sh: {@code ok NAME}, {@code ok NAME # SKIP reason},
 * {@code not ok NAME - reason}, and last {@code N passed, M failed[, K skipped]}.
 */
record GuestResult(
        int status, String console, Optional<Summary> summary, List<String> failedCases, List<String> skippedCases) {

    /** The summary line's three numbers. */
    record Summary(int passed, int failed, int skipped) {}

    private static final Pattern SUMMARY =
            Pattern.compile("^(\\d+) passed, (\\d+) failed(?:, (\\d+) skipped)?$", Pattern.MULTILINE);
    private static final Pattern NOT_OK = Pattern.compile("^not ok (\\S+)", Pattern.MULTILINE);
    private static final Pattern SKIP = Pattern.compile("^ok (\\S+) # SKIP", Pattern.MULTILINE);

    static GuestResult parse(int status, String console) {
        String text = console.replace("\r", "");
        Summary summary = null;
        Matcher m = SUMMARY.matcher(text);
        while (m.find()) { // the last one counts
            summary = new Summary(
                    Integer.parseInt(m.group(1)),
                    Integer.parseInt(m.group(2)),
                    m.group(3) == null ? 0 : Integer.parseInt(m.group(3)));
        }
        return new GuestResult(status, console, Optional.ofNullable(summary), all(NOT_OK, text), all(SKIP, text));
    }

    private static List<String> all(Pattern p, String text) {
        List<String> names = new ArrayList<>();
        Matcher m = p.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return List.copyOf(names);
    }

    /** The summary line as printed, or a note that there was none. */
    String summaryLine() {
        return summary.map(s -> s.passed() + " passed, " + s.failed() + " failed"
                        + (s.skipped() > 0 ? ", " + s.skipped() + " skipped" : ""))
                .orElse("no summary line (run-guest exit status " + status + ")");
    }
}
