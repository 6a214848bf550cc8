package io.hvl9p.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MainTest {
    @Test
    void versionLineNamesTheProtocolAndJava() {
        assertThat(Main.versionLine())
                .startsWith("hvl9p " + Main.VERSION)
                .contains("9P2000.L")
                .contains("Java 2");
    }

    @Test
    void exitStatuses() {
        assertThat(Main.run("version")).isZero();
        assertThat(Main.run("--help")).isZero();
        assertThat(Main.run("no-such-command")).isEqualTo(2);
    }
}
