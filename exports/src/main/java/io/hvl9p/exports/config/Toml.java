package io.hvl9p.exports.config;

import io.hvl9p.exports.config.TomlValue.Table;
import java.util.ArrayList;
import java.util.List;

/**
 * A reader of the TOML subset the configuration file uses (docs/exports.md): {@code [table]} and
 * {@code [[array.of.tables]]} headers (dotted, bare keys), {@code key = value} with bare or quoted
 * keys, basic strings ({@code "..."} with {@code \\ \" \n \t \r \b \f \e}, &#92;uXXXX, &#92;UXXXXXXXX), literal
 * strings ({@code '...'}), integers (decimal, {@code 0x} hex, {@code 0o} octal, {@code 0b} binary,
 * {@code _} between digits), booleans, arrays (which may span lines and hold comments) and inline
 * tables ({@code { k = v, ... }}, on one line), and {@code #} comments. Not supported: dotted keys,
 * multi-line strings, floats and dates; each is reported as such.
 *
 * <p>The first syntax error stops the reader: it is reported as {@code FILE:LINE: what (expected:
 * ...)}.
 */
public final class Toml {
    private final String file;
    private final String s;
    private int pos;
    private int line = 1;

    private Toml(String file, String text) {
        this.file = file;
        this.s = text;
    }

    /**
     * Parses {@code text}.
     *
     * @param file the file's name for messages
     * @return the root table
     * @throws ConfigException with the first syntax error
     */
    public static Table parse(String file, String text) throws ConfigException {
        Toml t = new Toml(file, text);
        try {
            return t.document();
        } catch (Syntax e) {
            throw new ConfigException(List.of(new ConfigError(file, e.line, e.getMessage())));
        }
    }

    /** A syntax error at a line. */
    private static final class Syntax extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int line;

        Syntax(int line, String message) {
            super(message, null, false, false);
            this.line = line;
        }
    }

    private Syntax error(String what, String expected) {
        return new Syntax(line, what + " (expected: " + expected + ")");
    }

    private Table document() {
        Table root = new Table(1);
        root.defined = true;
        Table current = root;
        while (true) {
            skipBlankLines();
            if (pos >= s.length()) {
                return root;
            }
            char c = s.charAt(pos);
            if (c == '[') {
                current = header(root);
            } else {
                keyValue(current);
            }
            endOfLine();
        }
    }

    /** Spaces, tabs, comments and newlines. */
    private void skipBlankLines() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\r') {
                pos++;
            } else if (c == '\n') {
                pos++;
                line++;
            } else if (c == '#') {
                skipComment();
            } else {
                return;
            }
        }
    }

    private void skipComment() {
        while (pos < s.length() && s.charAt(pos) != '\n') {
            char c = s.charAt(pos);
            if (c < 0x20 && c != '\t' && c != '\r' || c == 0x7f) {
                throw error(
                        "control character U+" + String.format("%04X", (int) c) + " in a comment", "printable text");
            }
            pos++;
        }
    }

    private void skipSpaces() {
        while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) {
            pos++;
        }
    }

    /** After a header or a key/value: only spaces and a comment may follow on the line. */
    private void endOfLine() {
        skipSpaces();
        if (pos < s.length() && s.charAt(pos) == '#') {
            skipComment();
        }
        if (pos < s.length() && s.charAt(pos) == '\r') {
            pos++;
        }
        if (pos < s.length() && s.charAt(pos) != '\n') {
            throw error("unexpected " + describe(s.charAt(pos)) + " after the value", "a new line or a # comment");
        }
    }

    private static String describe(char c) {
        return c == '\n' ? "end of line" : "'" + c + "'";
    }

    private Table header(Table root) {
        int headerLine = line;
        boolean array = s.startsWith("[[", pos);
        pos += array ? 2 : 1;
        List<String> path = new ArrayList<>();
        while (true) {
            skipSpaces();
            path.add(key());
            skipSpaces();
            if (pos < s.length() && s.charAt(pos) == '.') {
                pos++;
                continue;
            }
            break;
        }
        String close = array ? "]]" : "]";
        if (!s.startsWith(close, pos)) {
            throw error(
                    pos < s.length()
                            ? "unexpected " + describe(s.charAt(pos)) + " in a table header"
                            : "end of file in a table header",
                    "'" + close + "' after the table name");
        }
        pos += close.length();
        String name = String.join(".", path);
        Table t = root;
        for (int i = 0; i < path.size() - 1; i++) {
            String k = path.get(i);
            TomlValue v = t.get(k);
            if (v == null) {
                Table implicit = new Table(headerLine);
                t.put(k, implicit, headerLine);
                t = implicit;
            } else if (v instanceof Table sub) {
                t = sub;
            } else if (v instanceof TomlValue.TableArray ta) {
                t = ta.tables().getLast();
            } else {
                throw new Syntax(
                        headerLine,
                        "[" + name + "]: " + k + " is already " + v.kind() + " (line " + v.line()
                                + ") (expected: a table name not used for a value)");
            }
        }
        String last = path.getLast();
        TomlValue v = t.get(last);
        Table fresh = new Table(headerLine);
        fresh.defined = true;
        if (array) {
            if (v == null) {
                TomlValue.TableArray ta = new TomlValue.TableArray(headerLine);
                ta.add(fresh);
                t.put(last, ta, headerLine);
            } else if (v instanceof TomlValue.TableArray ta) {
                ta.add(fresh);
            } else {
                throw new Syntax(
                        headerLine,
                        "[[" + name + "]]: " + name + " is already " + v.kind() + " (line " + v.line()
                                + ") (expected: [[" + name + "]] only for arrays of tables)");
            }
            return fresh;
        }
        if (v == null) {
            t.put(last, fresh, headerLine);
            return fresh;
        }
        if (v instanceof Table existing && !existing.defined) {
            existing.defined = true;
            return existing;
        }
        throw new Syntax(
                headerLine,
                "[" + name + "] is already defined as " + v.kind() + " (line " + v.line()
                        + ") (expected: each table once)");
    }

    /** A bare key ({@code A-Za-z0-9_-}) or a quoted one. */
    private String key() {
        if (pos >= s.length()) {
            throw error("end of file where a key belongs", "a key");
        }
        char c = s.charAt(pos);
        if (c == '"') {
            return basicString();
        }
        if (c == '\'') {
            return literalString();
        }
        int start = pos;
        while (pos < s.length() && isBare(s.charAt(pos))) {
            pos++;
        }
        if (pos == start) {
            throw error(
                    "unexpected " + describe(c) + " where a key belongs", "a key of A-Z a-z 0-9 _ - or a quoted key");
        }
        return s.substring(start, pos);
    }

    private static boolean isBare(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-';
    }

    private void keyValue(Table t) {
        int keyLine = line;
        String k = key();
        skipSpaces();
        if (pos < s.length() && s.charAt(pos) == '.') {
            throw error("dotted key " + k + ".… is not supported", "a [table] header and plain keys");
        }
        if (pos >= s.length() || s.charAt(pos) != '=') {
            throw error(
                    (pos < s.length() ? "unexpected " + describe(s.charAt(pos)) : "end of file") + " after key " + k,
                    "'=' and a value");
        }
        pos++;
        skipSpaces();
        TomlValue v = value();
        TomlValue old = t.get(k);
        if (old != null) {
            throw new Syntax(
                    keyLine, "key " + k + " is already set on line " + t.keyLine(k) + " (expected: each key once)");
        }
        t.put(k, v, keyLine);
    }

    private TomlValue value() {
        int at = line;
        if (pos >= s.length() || s.charAt(pos) == '\n' || s.charAt(pos) == '\r' || s.charAt(pos) == '#') {
            throw error("no value", "a string, an integer, a boolean, an array or an inline table");
        }
        char c = s.charAt(pos);
        if (c == '"') {
            if (s.startsWith("\"\"\"", pos)) {
                throw error("multi-line strings are not supported", "a \"basic\" or 'literal' string on one line");
            }
            return new TomlValue.Str(basicString(), at);
        }
        if (c == '\'') {
            if (s.startsWith("'''", pos)) {
                throw error("multi-line strings are not supported", "a \"basic\" or 'literal' string on one line");
            }
            return new TomlValue.Str(literalString(), at);
        }
        if (c == '[') {
            return array();
        }
        if (c == '{') {
            return inlineTable();
        }
        int start = pos;
        while (pos < s.length() && (isBare(s.charAt(pos)) || "+.:".indexOf(s.charAt(pos)) >= 0)) {
            pos++;
        }
        String word = s.substring(start, pos);
        if (word.isEmpty()) {
            throw error(
                    "unexpected " + describe(c) + " where a value belongs",
                    "a string, an integer, a boolean, an array or an inline table");
        }
        return switch (word) {
            case "true" -> new TomlValue.Bool(true, at);
            case "false" -> new TomlValue.Bool(false, at);
            default -> new TomlValue.Int(integer(word), at);
        };
    }

    private long integer(String word) {
        String expected = "a string, an integer (such as 42, -1, 0x3700_0000), true, false, [ ... ] or { ... }";
        if (word.isEmpty()) {
            throw error("no value", expected);
        }
        String w = word;
        boolean negative = false;
        if (w.startsWith("+") || w.startsWith("-")) {
            negative = w.startsWith("-");
            w = w.substring(1);
        }
        int radix = 10;
        if (w.startsWith("0x") || w.startsWith("0o") || w.startsWith("0b")) {
            if (word.startsWith("+") || word.startsWith("-")) {
                throw error("sign on a non-decimal integer " + word, "an unsigned 0x/0o/0b integer");
            }
            radix = switch (w.charAt(1)) {
                case 'x' -> 16;
                case 'o' -> 8;
                default -> 2;
            };
            w = w.substring(2);
        }
        if (w.isEmpty() || w.startsWith("_") || w.endsWith("_") || w.contains("__")) {
            throw error("malformed value " + word, expected);
        }
        String digits = w.replace("_", "");
        for (int i = 0; i < digits.length(); i++) {
            if (Character.digit(digits.charAt(i), radix) < 0 || digits.charAt(i) > 0x7f) {
                if (radix == 10 && w.matches("[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?|inf|nan")) {
                    throw error("floats are not supported: " + word, "an integer");
                }
                if (radix == 10 && w.matches("[0-9]{4}-.*|[0-9]{2}:.*")) {
                    throw error("dates and times are not supported: " + word, "a string");
                }
                throw error("malformed value " + word, expected);
            }
        }
        if (radix == 10 && digits.length() > 1 && digits.charAt(0) == '0') {
            throw error("leading zero in " + word, "a decimal integer without leading zeros, or 0x/0o/0b");
        }
        try {
            if (radix == 10) {
                return Long.parseLong(negative ? "-" + digits : digits);
            }
            return Long.parseLong(digits, radix);
        } catch (NumberFormatException e) {
            throw error("integer " + word + " out of range", "a 64-bit signed integer");
        }
    }

    private String basicString() {
        pos++; // the opening quote
        StringBuilder b = new StringBuilder();
        while (true) {
            if (pos >= s.length() || s.charAt(pos) == '\n') {
                throw error("unterminated string", "a closing '\"' on the same line");
            }
            char c = s.charAt(pos++);
            if (c == '"') {
                return b.toString();
            }
            if (c == '\\') {
                if (pos >= s.length()) {
                    throw error("unterminated string", "a closing '\"' on the same line");
                }
                char e = s.charAt(pos++);
                switch (e) {
                    case '\\' -> b.append('\\');
                    case '"' -> b.append('"');
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'e' -> b.append('\u001b');
                    case 'u' -> b.appendCodePoint(unicode(4));
                    case 'U' -> b.appendCodePoint(unicode(8));
                    default ->
                        throw error(
                                "unknown escape \\" + (e == '\n' ? "(end of line)" : String.valueOf(e)),
                                "one of \\\\ \\\" \\n \\t \\r \\b \\f \\e \\uXXXX \\UXXXXXXXX");
                }
            } else if (c < 0x20 && c != '\t' || c == 0x7f) {
                throw error(
                        "control character U+" + String.format("%04X", (int) c) + " in a string",
                        "an escape such as \\t");
            } else {
                b.append(c);
            }
        }
    }

    private int unicode(int n) {
        if (pos + n > s.length()) {
            throw error("short unicode escape", n + " hex digits");
        }
        String hex = s.substring(pos, pos + n);
        int cp;
        try {
            if (!hex.chars().allMatch(ch -> Character.digit(ch, 16) >= 0 && ch < 0x80)) {
                throw new NumberFormatException();
            }
            cp = Integer.parseUnsignedInt(hex, 16);
        } catch (NumberFormatException e) {
            throw error("bad unicode escape \\" + (n == 4 ? "u" : "U") + hex, n + " hex digits");
        }
        if (cp > 0x10FFFF || cp >= 0xD800 && cp <= 0xDFFF) {
            throw error("unicode escape U+" + hex + " is not a scalar value", "0 to D7FF or E000 to 10FFFF");
        }
        pos += n;
        return cp;
    }

    private String literalString() {
        pos++;
        int start = pos;
        while (pos < s.length() && s.charAt(pos) != '\'' && s.charAt(pos) != '\n') {
            pos++;
        }
        if (pos >= s.length() || s.charAt(pos) != '\'') {
            throw error("unterminated literal string", "a closing \"'\" on the same line");
        }
        return s.substring(start, pos++);
    }

    private TomlValue array() {
        int at = line;
        pos++;
        List<TomlValue> values = new ArrayList<>();
        while (true) {
            skipBlankLines();
            if (pos >= s.length()) {
                throw new Syntax(at, "unterminated array (expected: ']')");
            }
            if (s.charAt(pos) == ']') {
                pos++;
                return new TomlValue.Arr(values, at);
            }
            values.add(value());
            skipBlankLines();
            if (pos >= s.length()) {
                throw new Syntax(at, "unterminated array (expected: ']')");
            }
            char c = s.charAt(pos);
            if (c == ',') {
                pos++;
            } else if (c != ']') {
                throw error("unexpected " + describe(c) + " in an array", "',' or ']'");
            }
        }
    }

    private TomlValue inlineTable() {
        int at = line;
        pos++;
        Table t = new Table(at);
        t.defined = true;
        skipSpaces();
        if (pos < s.length() && s.charAt(pos) == '}') {
            pos++;
            return t;
        }
        while (true) {
            skipSpaces();
            if (pos >= s.length() || s.charAt(pos) == '\n' || s.charAt(pos) == '\r' || s.charAt(pos) == '#') {
                throw error("unterminated inline table", "'}' on the same line");
            }
            keyValue(t);
            skipSpaces();
            if (pos >= s.length() || s.charAt(pos) == '\n' || s.charAt(pos) == '\r' || s.charAt(pos) == '#') {
                throw error("unterminated inline table", "'}' on the same line");
            }
            char c = s.charAt(pos++);
            if (c == '}') {
                return t;
            }
            if (c != ',') {
                throw error("unexpected '" + c + "' in an inline table", "',' or '}'");
            }
        }
    }
}
