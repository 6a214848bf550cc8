package io.hvl9p.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DemoCommandTest {
    @Test
    void demoListsReadsWritesAndCleansUp() {
        StringWriter text = new StringWriter();
        CommandLine cl = new CommandLine(new DemoCommand());
        cl.setOut(new PrintWriter(text, true));
        int status = cl.execute();
        String out = text.toString();
        assertThat(status).as(out).isZero();
        assertThat(out)
                .contains("ls / -> [docs/, hello.txt]")
                .contains("cat hello.txt -> hello from Linux")
                .contains("on disk: written by the client over 9P")
                .contains("demo: ok");
        Matcher m = Pattern.compile("demo: removed (\\S+)").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        assertThat(Files.exists(Path.of(m.group(1))))
                .as("temporary directory left behind")
                .isFalse();
    }
}
