package io.hvl9p.console;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Turns one runtime's console bytes into lines. OpenAMP's front-end sends one character per
 * descriptor (hvl-transport.md section 3a.7), so lines must be assembled on the back-end. A line
 * ends:
 *
 * <ul>
 *   <li>at {@code '\n'}; carriage returns right before it are dropped ({@code "\r\n"} and {@code
 *       "\n"} give the same line);
 *   <li>when it reaches {@code maxLineBytes}: it is split there (backing off to the start of a
 *       UTF-8 sequence cut in two), so a runtime that never sends a newline cannot grow memory;
 *   <li>when a partial line has seen no byte for {@code idle} ({@link #flushIfIdle}, driven by the
 *       owner's timer with an injected {@link Ticker}): a prompt without a newline still shows.
 * </ul>
 *
 * <p>Bytes from the runtime are not trusted. They are decoded as UTF-8 leniently (a malformed
 * sequence becomes U+FFFD), and every control character other than tab is made visible in {@code
 * cat -v} notation ({@code ESC} becomes {@code ^[}, DEL {@code ^?}, the C1 control U+009B {@code
 * M-^[}), so a hostile runtime cannot send terminal escape sequences to the admin's terminal or
 * forge extra lines in a log file.
 *
 * <p>Thread-safe: the methods are synchronized; {@code out} is called with the lock held, so it must
 * be quick (the device hands lines to its sink thread).
 */
public final class LineAssembler {
    private final int maxLineBytes;
    private final long idleNanos;
    private final Ticker ticker;
    private final Consumer<String> out;
    private final byte[] buf;
    private int count;
    private long lastByte;

    /**
     * @param maxLineBytes the longest line in bytes before it is split, 16 to 1 MiB
     * @param idle how long a partial line waits for more bytes before {@link #flushIfIdle} emits it
     * @param out receives each finished, sanitised line (without terminator)
     */
    public LineAssembler(int maxLineBytes, Duration idle, Ticker ticker, Consumer<String> out) {
        if (maxLineBytes < 16 || maxLineBytes > 1 << 20) {
            throw new IllegalArgumentException("max line " + maxLineBytes + " bytes (expected: 16 to 1048576)");
        }
        if (idle.isNegative() || idle.isZero()) {
            throw new IllegalArgumentException("idle flush time " + idle + " (expected: > 0)");
        }
        this.maxLineBytes = maxLineBytes;
        this.idleNanos = idle.toNanos();
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.out = Objects.requireNonNull(out, "out");
        this.buf = new byte[maxLineBytes];
    }

    public void feed(byte[] bytes) {
        feed(bytes, 0, bytes.length);
    }

    /** Adds bytes; emits every line they complete. */
    public synchronized void feed(byte[] bytes, int off, int len) {
        Objects.checkFromIndexSize(off, len, bytes.length);
        if (len == 0) {
            return;
        }
        for (int i = off; i < off + len; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                int end = count;
                while (end > 0 && buf[end - 1] == '\r') {
                    end--;
                }
                emit(end, count);
                continue;
            }
            if (count == maxLineBytes) {
                int cut = splitPoint();
                emit(cut, cut);
            }
            buf[count++] = b;
        }
        lastByte = ticker.nanos();
    }

    /**
     * Emits the partial line if no byte came for the idle time.
     *
     * @return nanoseconds until the partial line becomes idle (call again then), or -1 if there is
     *     no partial line (after emitting it, or if there was none)
     */
    public synchronized long flushIfIdle() {
        if (count == 0) {
            return -1;
        }
        long waited = ticker.nanos() - lastByte;
        if (waited < idleNanos) {
            return idleNanos - waited;
        }
        emit(count, count);
        return -1;
    }

    /** Emits the partial line now, if there is one (the generation ends, the device closes). */
    public synchronized void flush() {
        if (count > 0) {
            emit(count, count);
        }
    }

    public synchronized boolean hasPartialLine() {
        return count > 0;
    }

    /**
     * Emits {@code buf[0, end)}, drops the bytes up to {@code consumed} (stripped carriage returns)
     * and keeps the rest (a split's tail) for the next line.
     */
    private void emit(int end, int consumed) {
        String line = sanitize(buf, 0, end);
        int rest = count - consumed;
        System.arraycopy(buf, consumed, buf, 0, rest);
        count = rest;
        out.accept(line);
    }

    /** Where to split a full buffer: before a UTF-8 sequence that the split would cut, else at the end. */
    private int splitPoint() {
        int lead = count - 1;
        while (lead > count - 4 && lead > 0 && (buf[lead] & 0xC0) == 0x80) {
            lead--;
        }
        int b = buf[lead] & 0xFF;
        int need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
        return lead > 0 && need > count - lead ? lead : count;
    }

    /**
     * Decodes {@code bytes} as UTF-8 (malformed input becomes U+FFFD) and makes control characters
     * other than tab visible in {@code cat -v} notation: C0 as {@code ^@}..{@code ^_}, DEL as {@code
     * ^?}, C1 (U+0080..U+009F) as {@code M-^@}..{@code M-^_}.
     */
    public static String sanitize(byte[] bytes, int off, int len) {
        CharsetDecoder dec = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        CharBuffer text;
        try {
            text = dec.decode(ByteBuffer.wrap(bytes, off, len));
        } catch (CharacterCodingException e) {
            throw new AssertionError("REPLACE never throws", e);
        }
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\t' || (c >= 0x20 && c < 0x7F) || c > 0x9F) {
                sb.append(c);
            } else if (c < 0x20) {
                sb.append('^').append((char) (c + 0x40));
            } else if (c == 0x7F) {
                sb.append("^?");
            } else {
                sb.append("M-^").append((char) (c - 0x80 + 0x40));
            }
        }
        return sb.toString();
    }
}
