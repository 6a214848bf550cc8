package io.hvl9p.exports.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A value of the TOML subset {@link Toml} reads; every value knows the line it was written on. */
public sealed interface TomlValue {
    /** The 1-based line of the value (for a table: of its header or its opening brace). */
    int line();

    /** What the value is, for messages: "a string", "an integer", ... */
    String kind();

    /** A basic or literal string. */
    record Str(String value, int line) implements TomlValue {
        @Override
        public String kind() {
            return "a string";
        }
    }

    /** An integer (64-bit). */
    record Int(long value, int line) implements TomlValue {
        @Override
        public String kind() {
            return "an integer";
        }
    }

    /** {@code true} or {@code false}. */
    record Bool(boolean value, int line) implements TomlValue {
        @Override
        public String kind() {
            return "a boolean";
        }
    }

    /** {@code [ v, ... ]}. */
    record Arr(List<TomlValue> values, int line) implements TomlValue {
        public Arr {
            values = List.copyOf(values);
        }

        @Override
        public String kind() {
            return "an array";
        }
    }

    /** An array of tables, {@code [[name]]}; {@link #line} is that of its first header. */
    final class TableArray implements TomlValue {
        private final List<Table> tables = new ArrayList<>();
        private final int line;

        TableArray(int line) {
            this.line = line;
        }

        @Override
        public int line() {
            return line;
        }

        @Override
        public String kind() {
            return "an array of tables";
        }

        /** The tables in file order. */
        public List<Table> tables() {
            return Collections.unmodifiableList(tables);
        }

        void add(Table t) {
            tables.add(t);
        }
    }

    /** A {@code [table]}, an inline table {@code { k = v }} or the root. Keys keep their order. */
    final class Table implements TomlValue {
        private final int line;
        private final Map<String, TomlValue> entries = new LinkedHashMap<>();
        private final Map<String, Integer> keyLines = new LinkedHashMap<>();
        boolean defined;

        Table(int line) {
            this.line = line;
        }

        @Override
        public int line() {
            return line;
        }

        @Override
        public String kind() {
            return "a table";
        }

        /** The entries in file order. */
        public Map<String, TomlValue> entries() {
            return Collections.unmodifiableMap(entries);
        }

        /** The value of {@code key}, or null. */
        public TomlValue get(String key) {
            return entries.get(key);
        }

        /** The line {@code key} was written on (its table header for a sub-table), or this table's line. */
        public int keyLine(String key) {
            return keyLines.getOrDefault(key, line);
        }

        void put(String key, TomlValue v, int keyLine) {
            entries.put(key, v);
            keyLines.put(key, keyLine);
        }

        @Override
        public String toString() {
            return "Table" + entries;
        }
    }
}
