package io.hvl9p.exports.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hvl9p.exports.config.TomlValue.Table;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TomlTest {
    private static Table parse(String text) throws ConfigException {
        return Toml.parse("f.toml", text);
    }

    private static String syntaxError(String text) {
        try {
            parse(text);
        } catch (ConfigException e) {
            assertThat(e.errors()).hasSize(1);
            return e.errors().getFirst().toString();
        }
        throw new AssertionError("no error for: " + text);
    }

    @Test
    void everyValueTypeWithItsLine() throws ConfigException {
        Table t = parse(
                """
                # a comment
                s = "basic" # trailing comment
                l = 'C:\\no\\escapes'
                i = 42
                n = -17
                h = 0x3700_0000
                o = 0o17
                b = 0b101
                u = 1_000_000
                yes = true
                no = false
                "quoted key" = 1
                e = {}
                """);
        assertThat(t.get("s")).isEqualTo(new TomlValue.Str("basic", 2));
        assertThat(t.get("l")).isEqualTo(new TomlValue.Str("C:\\no\\escapes", 3));
        assertThat(t.get("i")).isEqualTo(new TomlValue.Int(42, 4));
        assertThat(t.get("n")).isEqualTo(new TomlValue.Int(-17, 5));
        assertThat(t.get("h")).isEqualTo(new TomlValue.Int(0x37000000, 6));
        assertThat(t.get("o")).isEqualTo(new TomlValue.Int(15, 7));
        assertThat(t.get("b")).isEqualTo(new TomlValue.Int(5, 8));
        assertThat(t.get("u")).isEqualTo(new TomlValue.Int(1_000_000, 9));
        assertThat(t.get("yes")).isEqualTo(new TomlValue.Bool(true, 10));
        assertThat(t.get("no")).isEqualTo(new TomlValue.Bool(false, 11));
        assertThat(t.get("quoted key")).isEqualTo(new TomlValue.Int(1, 12));
        assertThat(((Table) t.get("e")).entries()).isEmpty();
        assertThat(t.keyLine("h")).isEqualTo(6);
        assertThat(t.entries().keySet())
                .containsExactly("s", "l", "i", "n", "h", "o", "b", "u", "yes", "no", "quoted key", "e");
    }

    @Test
    void escapes() throws ConfigException {
        Table t = parse("s = \"a\\\\b\\\"c\\nd\\te\\u00e9\\U0001F600 # not a comment\"\n");
        assertThat(((TomlValue.Str) t.get("s")).value()).isEqualTo("a\\b\"c\nd\te\u00e9\uD83D\uDE00 # not a comment");
    }

    @Test
    void multiLineArraysWithCommentsAndTrailingComma() throws ConfigException {
        Table t = parse(
                """
                a = [
                  "x",  # first
                  'y',
                  # nothing here
                  3, true, [1, 2],
                ]
                after = 1
                """);
        TomlValue.Arr a = (TomlValue.Arr) t.get("a");
        assertThat(a.line()).isEqualTo(1);
        assertThat(a.values())
                .containsExactly(
                        new TomlValue.Str("x", 2),
                        new TomlValue.Str("y", 3),
                        new TomlValue.Int(3, 5),
                        new TomlValue.Bool(true, 5),
                        new TomlValue.Arr(List.of(new TomlValue.Int(1, 5), new TomlValue.Int(2, 5)), 5));
        assertThat(t.get("after")).isEqualTo(new TomlValue.Int(1, 7));
    }

    @Test
    void inlineTablesWithNumericKeys() throws ConfigException {
        Table t = parse("m = { 1000 = 0, 1001 = 5, name = \"x\" }\n");
        Table m = (Table) t.get("m");
        assertThat(m.entries()).containsOnlyKeys("1000", "1001", "name");
        assertThat(m.get("1001")).isEqualTo(new TomlValue.Int(5, 1));
    }

    @Test
    void tablesAndArraysOfTablesNest() throws ConfigException {
        Table t = parse(
                """
                [[runtime]]
                name = "a"
                [runtime.console]
                stdout = false
                [[runtime.export]]
                tag = "x"
                [[runtime.export]]
                tag = "y"

                [[runtime]]
                name = "b"
                [[runtime.export]]
                tag = "z"
                [other]
                k = 1
                """);
        List<Table> rts = ((TomlValue.TableArray) t.get("runtime")).tables();
        assertThat(rts).hasSize(2);
        assertThat(rts.get(0).line()).isEqualTo(1);
        assertThat(rts.get(1).line()).isEqualTo(10);
        assertThat(((Table) rts.get(0).get("console")).get("stdout")).isEqualTo(new TomlValue.Bool(false, 4));
        List<Table> ex0 = ((TomlValue.TableArray) rts.get(0).get("export")).tables();
        assertThat(ex0).extracting(x -> ((TomlValue.Str) x.get("tag")).value()).containsExactly("x", "y");
        assertThat(ex0.get(1).line()).isEqualTo(7);
        List<Table> ex1 = ((TomlValue.TableArray) rts.get(1).get("export")).tables();
        assertThat(ex1).extracting(x -> ((TomlValue.Str) x.get("tag")).value()).containsExactly("z");
        assertThat(((Table) t.get("other")).get("k")).isEqualTo(new TomlValue.Int(1, 15));
    }

    @Test
    void crlfLineEnds() throws ConfigException {
        Table t = parse("a = 1\r\nb = \"x\"\r\n");
        assertThat(t.get("b")).isEqualTo(new TomlValue.Str("x", 2));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            textBlock =
                    """
            a = 1\\nb = \\n                      | f.toml:2: no value (expected: a string, an integer, a boolean, an array or an inline table)
            a = "open\\n                          | f.toml:1: unterminated string (expected: a closing '"' on the same line)
            a = 'open\\n                          | f.toml:1: unterminated literal string (expected: a closing "'" on the same line)
            a = "\\q"                             | f.toml:1: unknown escape \\q (expected: one of \\\\ \\" \\n \\t \\r \\b \\f \\e \\uXXXX \\UXXXXXXXX)
            a = "\\u12G4"                         | f.toml:1: bad unicode escape \\u12G4 (expected: 4 hex digits)
            a = "\\uD800"                         | f.toml:1: unicode escape U+D800 is not a scalar value (expected: 0 to D7FF or E000 to 10FFFF)
            a = 1.5                               | f.toml:1: floats are not supported: 1.5 (expected: an integer)
            a = 2024-01-01                        | f.toml:1: dates and times are not supported: 2024-01-01 (expected: a string)
            a = 012                               | f.toml:1: leading zero in 012 (expected: a decimal integer without leading zeros, or 0x/0o/0b)
            a = 1__0                              | f.toml:1: malformed value 1__0 (expected: a string, an integer (such as 42, -1, 0x3700_0000), true, false, [ ... ] or { ... })
            a = yes                               | f.toml:1: malformed value yes (expected: a string, an integer (such as 42, -1, 0x3700_0000), true, false, [ ... ] or { ... })
            a = 99999999999999999999              | f.toml:1: integer 99999999999999999999 out of range (expected: a 64-bit signed integer)
            a = -0x10                             | f.toml:1: sign on a non-decimal integer -0x10 (expected: an unsigned 0x/0o/0b integer)
            a = 1 2                               | f.toml:1: unexpected '2' after the value (expected: a new line or a # comment)
            a.b = 1                               | f.toml:1: dotted key a.… is not supported (expected: a [table] header and plain keys)
            a 1                                   | f.toml:1: unexpected '1' after key a (expected: '=' and a value)
            = 1                                   | f.toml:1: unexpected '=' where a key belongs (expected: a key of A-Z a-z 0-9 _ - or a quoted key)
            a = 1\\n\\na = 2                      | f.toml:3: key a is already set on line 1 (expected: each key once)
            a = [1,\\n2\\n                        | f.toml:1: unterminated array (expected: ']')
            a = [1 2]                             | f.toml:1: unexpected '2' in an array (expected: ',' or ']')
            a = { x = 1\\n                        | f.toml:1: unterminated inline table (expected: '}' on the same line)
            a = { x = 1; y = 2 }                  | f.toml:1: unexpected ';' in an inline table (expected: ',' or '}')
            a = \"\"\"x\"\"\"                     | f.toml:1: multi-line strings are not supported (expected: a "basic" or 'literal' string on one line)
            [t\\nk = 1                            | f.toml:1: unexpected end of line in a table header (expected: ']' after the table name)
            [t]\\n[t]                             | f.toml:2: [t] is already defined as a table (line 1) (expected: each table once)
            [[t]]\\n[t]                           | f.toml:2: [t] is already defined as an array of tables (line 1) (expected: each table once)
            a = 1\\n[[a]]                         | f.toml:2: [[a]]: a is already an integer (line 1) (expected: [[a]] only for arrays of tables)
            [t]\\n[[t]]                           | f.toml:2: [[t]]: t is already a table (line 1) (expected: [[t]] only for arrays of tables)
            a = 1\\n[a.b]                         | f.toml:2: [a.b]: a is already an integer (line 1) (expected: a table name not used for a value)
            """)
    void syntaxErrorsNameTheLineAndWhatIsExpected(String text, String expected) {
        assertThat(syntaxError(text.replace("\\n", "\n"))).isEqualTo(expected);
    }

    @Test
    void implicitTableMayBeDefinedLater() throws ConfigException {
        Table t = parse("[a.b]\nx = 1\n[a]\ny = 2\n");
        Table a = (Table) t.get("a");
        assertThat(a.get("y")).isEqualTo(new TomlValue.Int(2, 4));
        assertThat(((Table) a.get("b")).get("x")).isEqualTo(new TomlValue.Int(1, 2));
    }

    @Test
    void controlCharacterInStringIsRejected() {
        assertThatThrownBy(() -> parse("a = \"x\u0001\"\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("f.toml:1: control character U+0001 in a string (expected: an escape such as \\t)");
    }
}
