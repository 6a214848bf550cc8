package io.hvl9p.transport.doorbell;

import io.hvl9p.transport.sys.Native;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The back-end's {@code uio:/dev/uioN,irq-map=M,irq-offset=0xOFF,irq-value=V} doorbell
 * (hvl-transport.md section 5), for boards whose inter-processor interrupt is exposed through UIO.
 *
 * <p>Kick in: {@code ppoll} the device for {@code POLLIN}, a 4-byte {@code read()} of the interrupt
 * count, then {@code write()} of the 32-bit value 1 to re-enable the interrupt (the UIO {@code
 * irqcontrol} convention; a driver without {@code irqcontrol} answers {@code ENOSYS}, after which
 * the write is no longer tried). The interrupt is also re-enabled when the doorbell is opened and
 * drained, in case a previous back-end died between an interrupt and its re-enable.
 *
 * <p>Interrupt out has no UIO standard: it is a 32-bit volatile store of {@link Irq#value} at
 * {@link Irq#offset} in UIO map {@link Irq#map} of the device, mapped through an FFM {@code mmap} at
 * file offset {@code map * pagesize} as UIO requires, with the size from {@code
 * /sys/class/uio/uioN/maps/mapM/size} (and the region's offset within its page from {@code
 * .../offset}). Without these options the front-end would never be interrupted and would hang, so
 * they are required.
 *
 * <p>There is no front-end side. <strong>Not tested against a real UIO device</strong>: the tests
 * cover the option checks and the register store on a regular file standing in for the map.
 */
public final class UioDoorbell implements Doorbell {
    private static final Pattern UIO_NAME = Pattern.compile("uio[0-9]+");
    private static final Path SYSFS = Path.of("/sys/class/uio");
    private static final VarHandle U32 = ValueLayout.JAVA_INT.varHandle();

    /**
     * Where and what to store to interrupt the front-end.
     *
     * @param map the UIO map index ({@code >= 0})
     * @param offset the register's byte offset inside the map (4-byte aligned)
     * @param value the 32-bit value to store
     */
    public record Irq(int map, long offset, int value) {
        public Irq {
            if (map < 0) {
                throw new IllegalArgumentException("irq-map must be >= 0, got " + map);
            }
            if (offset < 0 || offset % 4 != 0) {
                throw new IllegalArgumentException(
                        "irq-offset must be a non-negative multiple of 4, got 0x" + Long.toHexString(offset));
            }
        }
    }

    private final Path device;
    private final Irq irq;
    private final int fd;
    private final MemorySegment register;
    private final Bell bell;
    private volatile boolean irqControl = true;

    private UioDoorbell(Path device, Irq irq, int fd, long mapAddress, long mapLength, long registerAddress)
            throws IOException {
        this.device = device;
        this.irq = irq;
        this.fd = fd;
        this.register = MemorySegment.ofAddress(registerAddress).reinterpret(4);
        this.bell = new Bell(describe(device, irq), fd, this::consume, () -> Native.munmap(mapAddress, mapLength));
    }

    /**
     * Opens the UIO device and maps the interrupt register's map.
     *
     * @param irq the interrupt register; {@code null} is refused (see the class comment)
     * @throws IllegalArgumentException if {@code irq} is missing, the device is not named {@code
     *     uioN} or the register lies outside the map
     */
    public static UioDoorbell open(Path device, Irq irq) throws IOException {
        Objects.requireNonNull(device, "device");
        requireIrq(device, irq);
        String name = String.valueOf(device.getFileName());
        if (!UIO_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("uio device must be /dev/uioN, got " + device);
        }
        Path mapDir = SYSFS.resolve(name).resolve("maps").resolve("map" + irq.map());
        Path sizeFile = mapDir.resolve("size");
        if (!Files.exists(sizeFile)) {
            throw new NoSuchFileException(
                    sizeFile.toString(), null, "UIO map " + irq.map() + " of " + device + " does not exist");
        }
        long size = parseHex(Files.readString(sizeFile), sizeFile);
        Path offsetFile = mapDir.resolve("offset");
        long inPage = Files.exists(offsetFile) ? parseHex(Files.readString(offsetFile), offsetFile) : 0;
        return open(device, irq, size, inPage);
    }

    /** Fails with a message that says which options are needed unless {@code irq} is given. */
    static void requireIrq(Path device, Irq irq) {
        if (irq == null) {
            throw new IllegalArgumentException("uio:" + device + " needs irq-map=M,irq-offset=0xOFF,irq-value=V"
                    + " (UIO has no standard way to interrupt the front-end; without a doorbell register"
                    + " the front-end would wait forever), e.g. uio:" + device
                    + ",irq-map=1,irq-offset=0x0,irq-value=1");
        }
    }

    /** Opens {@code device} with a map of {@code mapSize} bytes starting {@code inPage} into its page. */
    static UioDoorbell open(Path device, Irq irq, long mapSize, long inPage) throws IOException {
        requireIrq(device, irq);
        long page = Native.pageSize();
        if (irq.offset() + 4 > mapSize) {
            throw new IllegalArgumentException("irq-offset 0x" + Long.toHexString(irq.offset())
                    + " is outside UIO map " + irq.map() + " of " + device + " (size 0x" + Long.toHexString(mapSize)
                    + ")");
        }
        if (inPage < 0 || inPage >= page) {
            throw new IllegalArgumentException(
                    "UIO map offset 0x" + Long.toHexString(inPage) + " of " + device + " is not inside one page");
        }
        long length = (inPage + mapSize + page - 1) / page * page;
        int fd = Native.open(device.toString(), Native.O_RDWR | Native.O_NONBLOCK | Native.O_CLOEXEC);
        long address = 0;
        try {
            address = Native.mmap(fd, Math.multiplyExact(irq.map(), page), length, device + " map " + irq.map());
            UioDoorbell doorbell = new UioDoorbell(device, irq, fd, address, length, address + inPage + irq.offset());
            doorbell.enable();
            return doorbell;
        } catch (IOException | RuntimeException | Error e) {
            if (address != 0) {
                try {
                    Native.munmap(address, length);
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            FifoDoorbell.cleanUp(e, fd);
            throw e;
        }
    }

    private static long parseHex(String text, Path file) {
        String t = text.strip();
        try {
            return t.startsWith("0x") ? Long.parseUnsignedLong(t.substring(2), 16) : Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cannot parse " + file + ": \"" + t + "\"", e);
        }
    }

    private void consume(int fd) throws IOException {
        if (Native.read(fd, Bell.discardBuffer(4)) == 4) { // the interrupt count; -1 (EAGAIN): spurious
            enable();
        }
    }

    /** {@code write(fd, (int) 1)}: re-enables the interrupt (UIO irqcontrol). */
    private void enable() throws IOException {
        if (!irqControl) {
            return;
        }
        MemorySegment one = Bell.ONE_INT;
        try {
            Native.write(fd, one);
        } catch (Native.NativeException e) {
            if (e.errno() != Native.ENOSYS) {
                throw e;
            }
            irqControl = false; // the driver has no irqcontrol: its interrupt is never disabled
        }
    }

    @Override
    public boolean awaitKick(long timeoutNanos) throws IOException {
        return bell.await(timeoutNanos);
    }

    /** Stores {@link Irq#value} into the doorbell register (a volatile 32-bit store). */
    @Override
    public void interrupt() throws IOException {
        bell.use(() -> U32.setVolatile(register, 0L, irq.value()));
    }

    @Override
    public void wakeup() {
        bell.wakeup();
    }

    /** Consumes a pending interrupt count and re-enables the interrupt. */
    @Override
    public void drain() throws IOException {
        bell.use(() -> {
            if (Bell.readable(fd)) {
                consume(fd);
            } else {
                enable();
            }
        });
    }

    @Override
    public String describe() {
        return describe(device, irq);
    }

    private static String describe(Path device, Irq irq) {
        return "uio:" + device + ",irq-map=" + irq.map() + ",irq-offset=0x" + Long.toHexString(irq.offset())
                + ",irq-value=0x" + Integer.toHexString(irq.value());
    }

    @Override
    public void close() {
        bell.close();
    }

    @Override
    public String toString() {
        return describe();
    }
}
