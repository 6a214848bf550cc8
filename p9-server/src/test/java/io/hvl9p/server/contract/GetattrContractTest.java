package io.hvl9p.server.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.GetattrMask;
import io.hvl9p.protocol.MiscConstants;
import io.hvl9p.protocol.Qid;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.TMessage;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Tgetattr: every field compared with the host's lstat of the same file, for each kind of file. */
class GetattrContractTest extends ContractTest {
    /** Files as the host makes them. */
    enum Kind {
        REGULAR {
            @Override
            void make(Path p) throws IOException {
                Files.write(p, new byte[10_000]);
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r-----"));
            }
        },
        EMPTY {
            @Override
            void make(Path p) throws IOException {
                Files.createFile(p);
            }
        },
        SPARSE {
            @Override
            void make(Path p) throws IOException {
                try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
                    f.seek(10L << 20);
                    f.write(1);
                }
            }
        },
        DIRECTORY {
            @Override
            void make(Path p) throws IOException {
                Files.createDirectories(p.resolve("sub1"));
                Files.createDirectories(p.resolve("sub2"));
                Files.createFile(p.resolve("file"));
            }
        },
        SYMLINK {
            @Override
            void make(Path p) throws IOException {
                Files.createSymbolicLink(p, Path.of("some/target/that/is/not/there"));
            }
        },
        FIFO {
            @Override
            void make(Path p) {
                Host.sh("mkfifo", "-m", "0604", p.toString());
            }
        },
        CHAR_DEVICE {
            @Override
            void make(Path p) {
                Host.sh("mknod", "-m", "0600", p.toString(), "c", "1", "3");
            }
        },
        SETUID_OWNED_BY_OTHERS {
            @Override
            void make(Path p) throws IOException {
                Files.writeString(p, "x");
                Files.setAttribute(p, "unix:uid", 1234);
                Files.setAttribute(p, "unix:gid", 5678);
                Files.setAttribute(p, "unix:mode", 04751);
            }
        },
        HARD_LINKED {
            @Override
            void make(Path p) throws IOException {
                Files.writeString(p, "linked");
                Files.createLink(p.resolveSibling("other-name"), p);
            }
        },
        OLD_TIMES {
            @Override
            void make(Path p) throws IOException {
                Files.writeString(p, "old");
                Files.setAttribute(p, "lastAccessTime", FileTime.from(Instant.ofEpochSecond(1_000_000_000L, 1)));
                Files.setLastModifiedTime(p, FileTime.from(Instant.ofEpochSecond(86_400L, 999_999_999)));
            }
        };

        abstract void make(Path p) throws IOException;
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void everyFieldIsTheHosts(Kind kind) throws IOException {
        Files.createDirectory(host("d"));
        Path p = host("d/it");
        kind.make(p);
        Fid f = c.walk("d/it");
        RMessage.Rgetattr a = c.getattr(f);
        Map<String, Object> h = Host.attrs(p);

        assertThat(a.valid() & GetattrMask.BASIC).as("valid").isEqualTo(GetattrMask.BASIC);
        assertThat(a.mode()).as("mode").isEqualTo((int) h.get("mode"));
        assertThat(a.uid()).as("uid").isEqualTo((int) h.get("uid"));
        assertThat(a.gid()).as("gid").isEqualTo((int) h.get("gid"));
        assertThat(a.nlink()).as("nlink").isEqualTo((long) (int) h.get("nlink"));
        assertThat(a.rdev()).as("rdev").isEqualTo((long) h.get("rdev"));
        assertThat(a.size()).as("size").isEqualTo((long) h.get("size"));
        assertThat(a.blocks()).as("blocks").isEqualTo(Long.parseLong(Host.sh("stat", "-c", "%b", p.toString())));
        assertTime(a.atimeSec(), a.atimeNsec(), h.get("lastAccessTime"), "atime");
        assertTime(a.mtimeSec(), a.mtimeNsec(), h.get("lastModifiedTime"), "mtime");
        assertTime(a.ctimeSec(), a.ctimeNsec(), h.get("ctime"), "ctime");
        if ((a.valid() & GetattrMask.BTIME) != 0) {
            assertTime(a.btimeSec(), a.btimeNsec(), h.get("creationTime"), "btime");
        }
        int type = (int) h.get("mode") & 0170000;
        assertThat(a.qid().type())
                .as("qid type")
                .isEqualTo(type == 0040000 ? Qid.QTDIR : type == 0120000 ? Qid.QTSYMLINK : Qid.QTFILE);
        if (backend.qidPathIsInode()) {
            assertThat(a.qid().path()).as("qid path").isEqualTo((long) h.get("ino"));
        }
        // The walk's qid and the getattr's agree.
        RMessage.Rwalk w = c.walk(c.root(), c.newFid(), "d", "it");
        assertThat(w.qids().get(1)).isEqualTo(a.qid());
    }

    private static void assertTime(long sec, long nsec, Object host, String what) {
        Instant i = ((FileTime) host).toInstant();
        assertThat(sec + "." + nsec).as(what).isEqualTo(i.getEpochSecond() + "." + i.getNano());
    }

    /** Regression at msize 4096: blksize was 4096, more than the 4072 bytes one Tread can carry. */
    @ParameterizedTest
    @ValueSource(ints = {4096, 4096 + 24, 8192, 8192 + 24, 12345, 65536 + 24, (1 << 20) + 24})
    void blksizeFitsInOneTreadAtEveryMsize(int msize) throws IOException {
        Files.writeString(host("f"), "x");
        TestClient d = fx.client(fx.main(), msize, "main");
        long blksize = d.getattr(d.walk("f")).blksize();
        int io = d.msize() - MiscConstants.IOHDRSZ;
        assertThat(blksize).as("blksize at msize %d", msize).isPositive().isLessThanOrEqualTo(io);
        if (io >= 4096) {
            assertThat(blksize % 4096)
                    .as("blksize %d a multiple of 4096", blksize)
                    .isZero();
        }
        // The mask asked for does not change what is reported.
        RMessage.Rgetattr basic = d.call(new TMessage.Tgetattr(d.root(), GetattrMask.BASIC), RMessage.Rgetattr.class);
        assertThat(basic.blksize()).isEqualTo(blksize);
    }
}
