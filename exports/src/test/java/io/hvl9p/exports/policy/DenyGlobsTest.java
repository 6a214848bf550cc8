package io.hvl9p.exports.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The glob language of deny patterns, as a table. */
class DenyGlobsTest {
    @ParameterizedTest(name = "{0} matches \"{1}\": {2}")
    @CsvSource({
        // literal names, anchored at the root
        "secret, secret, true",
        "secret, a/secret, false",
        "secret, secrets, false",
        "secret, '', false",
        "/secret/, secret, true",
        "a/b, a/b, true",
        "a/b, a, false",
        "a/b, a/b/c, false",
        // * within one name, also a leading dot
        "*.key, id.key, true",
        "*.key, .key, true",
        "*.key, a/id.key, false",
        "*, .git, true",
        "*, a/b, false",
        "a*b, ab, true",
        "a*b, axxb, true",
        "a*b, axxbc, false",
        "a*b*c, abxbc, true",
        "*a*, bab, true",
        // ? is one character, not none, not a /
        "?.txt, a.txt, true",
        "?.txt, .txt, false",
        "?.txt, ab.txt, false",
        "a?b, a/b, false",
        "?, é, true",
        // ** across names, also none
        "**/.git, .git, true",
        "**/.git, a/.git, true",
        "**/.git, a/b/c/.git, true",
        "**/.git, a/.gitx, false",
        "a/**, a, true",
        "a/**, a/b/c, true",
        "a/**, b/a, false",
        "a/**/z, a/z, true",
        "a/**/z, a/b/c/z, true",
        "a/**/z, a/b/c/y, false",
        "**, anything/at/all, true",
        "**/*.key, d/e/x.key, true",
        "**/**/x, x, true",
        "**/**/x, q/r/x, true",
        "[ab], a, false",
        "[ab], [ab], true",
    })
    void matches(String glob, String path, boolean expected) {
        List<String> names = path.isEmpty() ? List.of() : List.of(path.split("/"));
        assertThat(DenyGlobs.of(List.of(glob)).matches(names)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} denies \"{1}\": {2}")
    @CsvSource({
        "secret, secret, true",
        "secret, secret/inner, true",
        "secret, secret/a/b/c, true",
        "secret, other/secret, false",
        "secret, '', false",
        "*.key, a.key/inside, true",
        "a/b, a, false",
        "**/cache, x/cache/y, true",
    })
    void deniesAPathWhenItOrAnAncestorMatches(String glob, String path, boolean expected) {
        assertThat(DenyGlobs.of(List.of(glob)).denies(path)).isEqualTo(expected);
    }

    @Test
    void anyOfSeveralPatternsDenies() {
        DenyGlobs d = DenyGlobs.of(List.of("secret", "**/*.key"));
        assertThat(d.denies("secret")).isTrue();
        assertThat(d.denies("x/y.key")).isTrue();
        assertThat(d.denies("x/y.txt")).isFalse();
        assertThat(DenyGlobs.of(List.of()).isEmpty()).isTrue();
        assertThat(DenyGlobs.of(List.of()).denies("anything")).isFalse();
    }

    @Test
    void deepStarPatternsDoNotExplode() {
        String glob = "**/**/**/**/**/**/**/**/**/**/**/**/z";
        String path = "a/".repeat(200) + "b";
        assertThat(DenyGlobs.of(List.of(glob)).denies(path)).isFalse();
        assertThat(DenyGlobs.matchName("*a*a*a*a*a*a*a*a*a*a*b", "a".repeat(2000)))
                .isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "a//b", "./a", "a/../b", ".."})
    void malformedPatternsAreRefused(String glob) {
        assertThatThrownBy(() -> DenyGlobs.of(List.of(glob))).isInstanceOf(IllegalArgumentException.class);
    }
}
