package io.hvl9p.server.trace;

import io.hvl9p.protocol.Dirent;
import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.Message;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.Qid;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.TMessage;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Renders a decoded message as one readable line, in the spirit of {@code diod -d 1}: {@code
 * Tgetattr tag 1 fid 3 requestMask 0x3fff}. Flags are shown symbolically, data as a byte count,
 * names quoted with non-printable bytes escaped.
 */
public final class TraceFormat {
    private TraceFormat() {}

    public static String format(int tag, Message m) {
        StringBuilder sb = new StringBuilder(96);
        sb.append(m.getClass().getSimpleName()).append(" tag ").append(tag);
        if (m instanceof RMessage.Rlerror e) {
            return sb.append(" ecode ")
                    .append(e.ecode())
                    .append(" (")
                    .append(Errno.name(e.ecode()))
                    .append(')')
                    .toString();
        }
        for (RecordComponent c : m.getClass().getRecordComponents()) {
            Object v;
            try {
                v = c.getAccessor().invoke(m);
            } catch (ReflectiveOperationException e) {
                v = "?";
            }
            sb.append(' ').append(c.getName()).append(' ');
            value(sb, m, c.getName(), v);
        }
        return sb.toString();
    }

    private static void value(StringBuilder sb, Message m, String name, Object v) {
        switch (v) {
            case ByteBuffer b -> sb.append(b.remaining()).append(" bytes");
            case Fid f -> sb.append(f.isNofid() ? "NOFID" : Integer.toUnsignedString(f.value()));
            case Qid q -> qid(sb, q);
            case List<?> l
            when !l.isEmpty() && l.getFirst() instanceof Dirent ->
                sb.append(l.size()).append(" entries");
            case List<?> l -> {
                sb.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) {
                        sb.append(' ');
                    }
                    Object x = l.get(i);
                    if (x instanceof Qid q) {
                        qid(sb, q);
                    } else {
                        sb.append(x);
                    }
                }
                sb.append(']');
            }
            case Integer i
            when name.equals("flags") && (m instanceof TMessage.Tlopen || m instanceof TMessage.Tlcreate) ->
                sb.append(OpenFlags.describe(i));
            case Integer i when name.equals("mode") -> sb.append('0').append(Integer.toOctalString(i));
            case Long l
            when name.endsWith("Mask") || name.equals("valid") ->
                sb.append("0x").append(Long.toHexString(l));
            case Integer i when name.equals("valid") -> sb.append("0x").append(Integer.toHexString(i));
            case Integer i -> sb.append(Integer.toUnsignedString(i));
            case Long l -> sb.append(Long.toUnsignedString(l)); // u64 on the wire: offsets, sizes, lengths
            default -> sb.append(v);
        }
    }

    private static void qid(StringBuilder sb, Qid q) {
        sb.append('(')
                .append(Long.toHexString(q.path()))
                .append(' ')
                .append(Integer.toUnsignedString(q.version()))
                .append(' ');
        if (q.isDirectory()) {
            sb.append('d');
        } else if (q.isSymlink()) {
            sb.append('L');
        } else {
            sb.append('f');
        }
        sb.append(')');
    }
}
