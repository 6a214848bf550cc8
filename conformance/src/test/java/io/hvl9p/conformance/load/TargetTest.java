package io.hvl9p.conformance.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TargetTest {
    @ParameterizedTest
    @CsvSource({
        "tcp:127.0.0.1:564, 127.0.0.1, 564",
        "tcp:localhost:65535, localhost, 65535",
        "'tcp:[::1]:5640', ::1, 5640"
    })
    void parsesTcp(String spec, String host, int port) {
        Target t = Target.parse(spec);
        assertThat(t).isEqualTo(new Target.Tcp(host, port));
        assertThat(Target.parse(t.toString())).isEqualTo(t);
    }

    @ParameterizedTest
    @ValueSource(strings = {"unix:/run/hvl9p.sock", "unix:rel/sock"})
    void parsesUnix(String spec) {
        assertThat(Target.parse(spec)).isEqualTo(new Target.Unix(Path.of(spec.substring(5))));
        assertThat(Target.parse(spec).toString()).isEqualTo(spec);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "127.0.0.1:564 | expected: tcp:HOST:PORT or unix:PATH",
                "tcp:564 | expected: tcp:HOST:PORT",
                "tcp::564 | expected: tcp:HOST:PORT",
                "tcp:host:x | port is not a number",
                "tcp:host:0 | port 0 (expected: 1..65535)",
                "tcp:host:70000 | port 70000",
                "unix: | empty socket path"
            })
    void refusesBadSpecsSayingWhy(String spec, String why) {
        assertThatThrownBy(() -> Target.parse(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(why);
    }
}
