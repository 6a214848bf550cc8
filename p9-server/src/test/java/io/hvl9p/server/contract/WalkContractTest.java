package io.hvl9p.server.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.hvl9p.protocol.Errno;
import io.hvl9p.protocol.Fid;
import io.hvl9p.protocol.OpenFlags;
import io.hvl9p.protocol.Qid;
import io.hvl9p.protocol.RMessage;
import io.hvl9p.protocol.TMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Twalk: clone, multi-step, partial and failed walks, ".." at the root, fid reuse, walking
 * through a file; every qid compared with the host's inode and type.
 */
class WalkContractTest extends ContractTest {
    @BeforeEach
    void tree() throws IOException {
        Files.createDirectories(host("a/b"));
        Files.writeString(host("a/b/file"), "content");
        Files.writeString(host("top"), "t");
        Files.createSymbolicLink(host("a/link"), Path.of("/etc"));
    }

    /** qid type and path as the host says they should be. */
    private void assertQidIsHost(Qid q, Path p) {
        int mode = Host.mode(p) & 0170000;
        int type =
                switch (mode) {
                    case 0040000 -> Qid.QTDIR;
                    case 0120000 -> Qid.QTSYMLINK;
                    default -> Qid.QTFILE;
                };
        assertThat(q.type()).as("qid type of %s", p).isEqualTo(type);
        if (backend.qidPathIsInode()) {
            assertThat(q.path()).as("qid path of %s", p).isEqualTo(Host.ino(p));
        }
    }

    @Test
    void aCloneReturnsNoQidAndNamesTheSameFile() {
        Fid f = c.newFid();
        RMessage.Rwalk r = c.walk(c.root(), f);
        assertThat(r.qids()).isEmpty();
        assertThat(c.getattr(f).qid()).isEqualTo(c.getattr(c.root()).qid());
        // The clone lives on after the original is clunked.
        Fid g = c.walk("a");
        Fid h = c.walk(g, "");
        c.clunk(g);
        assertQidIsHost(c.getattr(h).qid(), host("a"));
    }

    @Test
    void aMultiStepWalkReturnsOneQidPerName() {
        Fid f = c.newFid();
        RMessage.Rwalk r = c.walk(c.root(), f, "a", "b", "file");
        assertThat(r.qids()).hasSize(3);
        assertQidIsHost(r.qids().get(0), host("a"));
        assertQidIsHost(r.qids().get(1), host("a/b"));
        assertQidIsHost(r.qids().get(2), host("a/b/file"));
        assertThat(c.getattr(f).qid()).isEqualTo(r.qids().get(2));
    }

    @Test
    void sixteenNamesInOneWalk() throws IOException {
        List<String> names = new ArrayList<>();
        Path p = export;
        for (int i = 0; i < 16; i++) {
            names.add("d" + i);
            p = p.resolve("d" + i);
        }
        Files.createDirectories(p);
        Fid f = c.newFid();
        RMessage.Rwalk r = c.walk(c.root(), f, names.toArray(String[]::new));
        assertThat(r.qids()).hasSize(16);
        assertQidIsHost(r.qids().get(15), p);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/missing/file", "a/b/missing", "a/b/file/beyond", "top/x"})
    void aPartialWalkReturnsTheQidsThatWorkedAndCreatesNoFid(String path) {
        String[] names = TestClient.split(path);
        int fidsBefore = fx.serverFids();
        Fid f = c.newFid();
        RMessage.Rwalk r = c.walk(c.root(), f, names);
        assertThat(r.qids()).hasSizeBetween(1, names.length - 1);
        Path p = export;
        for (int i = 0; i < r.qids().size(); i++) {
            p = p.resolve(names[i]);
            assertQidIsHost(r.qids().get(i), p);
        }
        assertThat(fx.serverFids()).isEqualTo(fidsBefore);
        c.expectErrno(Errno.EBADF, new TMessage.Tgetattr(f, 0x7ff));
        c.expectErrno(Errno.EBADF, new TMessage.Tclunk(f));
    }

    @Test
    void aWalkThatFailsAtTheFirstNameIsAnError() {
        Fid f = c.newFid();
        c.expectErrno(Errno.ENOENT, new TMessage.Twalk(c.root(), f, TestClient.names("missing", "b")));
        c.expectErrno(Errno.EBADF, new TMessage.Tgetattr(f, 0x7ff));
    }

    @Test
    void dotDotAtTheRootIsTheRoot() {
        Qid root = c.getattr(c.root()).qid();
        Fid f = c.newFid();
        RMessage.Rwalk r = c.walk(c.root(), f, "..", "..");
        assertThat(r.qids()).containsExactly(root, root);
        Fid g = c.newFid();
        RMessage.Rwalk r2 = c.walk(c.root(), g, "a", "..", "..", "a", "b", "..");
        assertThat(r2.qids().get(1)).isEqualTo(root);
        assertThat(r2.qids().get(2)).isEqualTo(root);
        assertQidIsHost(r2.qids().get(5), host("a"));
        assertThat(c.getattr(g).qid()).isEqualTo(r2.qids().get(5));
    }

    /**
     * Regression: a walk step that returned the node it started from ("." anywhere, ".." at the
     * root) was mistaken for the fid's own node and never closed, leaking one descriptor per walk.
     */
    @ParameterizedTest
    @ValueSource(strings = {"../..", "./.", ".././..", "a/../..", "a/./b/.", "a/b/../.."})
    void regressionStepsThatReturnTheirStartingNodeLeakedIt(String path) {
        long before = Host.fdsUnder(export);
        for (int i = 0; i < 3; i++) {
            c.clunk(c.walk(path));
        }
        Poll.until("walk references released", () -> Host.fdsUnder(export), n -> n == before);
    }

    @Test
    void aSymlinkIsWalkedToNotThrough() {
        Fid f = c.newFid();
        RMessage.Rwalk r = c.walk(c.root(), f, "a", "link");
        assertQidIsHost(r.qids().get(1), host("a/link"));
        // /etc/passwd exists on the host; the walk must not follow the link out of the export.
        Fid g = c.newFid();
        c.expectErrno(Errno.ENOTDIR, new TMessage.Twalk(f, g, TestClient.names("passwd")));
        RMessage.Rwalk partial = c.walk(c.root(), c.newFid(), "a", "link", "passwd");
        assertThat(partial.qids()).hasSize(2);
    }

    @Test
    void aNewfidInUseIsEinvalAndKeepsItsFile() {
        Fid top = c.walk("top");
        Qid before = c.getattr(top).qid();
        c.expectErrno(Errno.EINVAL, new TMessage.Twalk(c.root(), top, TestClient.names("a")));
        c.expectErrno(Errno.EINVAL, new TMessage.Twalk(c.root(), top, List.of()));
        assertThat(c.getattr(top).qid()).isEqualTo(before);
    }

    @Test
    void walkingFromAFileIsEnotdir() {
        Fid file = c.walk("a/b/file");
        c.expectErrno(Errno.ENOTDIR, new TMessage.Twalk(file, c.newFid(), TestClient.names("x")));
        // A clone of a file is fine.
        Fid clone = c.walk(file, "");
        assertQidIsHost(c.getattr(clone).qid(), host("a/b/file"));
    }

    @Test
    void aWalkInPlaceMovesTheFid() {
        Fid f = c.walk("a");
        RMessage.Rwalk r = c.walk(f, f, "b", "file");
        assertThat(r.qids()).hasSize(2);
        assertQidIsHost(c.getattr(f).qid(), host("a/b/file"));
        // A partial walk in place leaves the fid where it was.
        Fid g = c.walk("a");
        RMessage.Rwalk partial =
                c.call(new TMessage.Twalk(g, g, TestClient.names("b", "missing")), RMessage.Rwalk.class);
        assertThat(partial.qids()).hasSize(1);
        assertQidIsHost(c.getattr(g).qid(), host("a"));
    }

    @Test
    void walkingFromAnOpenedFidWorksButNotInPlace() {
        Fid dir = c.open("a", OpenFlags.RDONLY);
        Fid child = c.walk(dir, "b");
        assertQidIsHost(c.getattr(child).qid(), host("a/b"));
        c.expectErrno(Errno.EINVAL, new TMessage.Twalk(dir, dir, TestClient.names("b")));
    }

    @Test
    void qidPathsAreUniqueAndStableAcrossWalks() throws IOException {
        Files.createLink(host("a/b/hard"), host("a/b/file"));
        List<String> paths = Arrays.asList("", "a", "a/b", "a/b/file", "top", "a/link");
        List<Long> first = new ArrayList<>();
        for (String p : paths) {
            Fid f = c.walk(p);
            first.add(c.getattr(f).qid().path());
            c.clunk(f);
        }
        assertThat(first).doesNotHaveDuplicates();
        for (int i = 0; i < paths.size(); i++) {
            Fid f = c.walk(paths.get(i));
            assertThat(c.getattr(f).qid().path()).as(paths.get(i)).isEqualTo(first.get(i));
            c.clunk(f);
        }
        // Another route to the same inode: through "..", through a hard link, from another connection.
        assertThat(c.getattr(c.walk("a/b/../b/file")).qid().path()).isEqualTo(first.get(3));
        assertThat(c.getattr(c.walk("a/b/hard")).qid().path()).isEqualTo(first.get(3));
        TestClient d = fx.client();
        assertThat(d.getattr(d.walk("a/b/file")).qid().path()).isEqualTo(first.get(3));
    }

    @Test
    void aNameOf255BytesWalksAndOneOf256IsEnametoolong() throws IOException {
        String longest = "n".repeat(255);
        Files.createFile(host(longest));
        assertQidIsHost(c.getattr(c.walk(longest)).qid(), host(longest));
        c.expectErrno(Errno.ENAMETOOLONG, new TMessage.Twalk(c.root(), c.newFid(), TestClient.names("n".repeat(256))));
    }
}
