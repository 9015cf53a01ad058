package dev.quicksilver.cuda;

import dev.quicksilver.cuda.nat.Gpu;
import dev.quicksilver.transformer.KvMemory;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * KV/context store entries in the memory of the device the cuda model runs on, so a chunk goes from a
 * {@link DeviceKvCache} to the store and back as device-to-device copies, never through the host.
 *
 * <p><b>Threads.</b> The driver binds the context per thread, so every device call is made on the
 * {@link Gpu}'s one GPU thread. {@link #allocate} blocks on it ({@code cuMemAlloc_v2}); {@link Block#poison}
 * and {@link Block#free} only queue their work there and return, because the store releases entries from
 * whichever thread drops the last reference, possibly inside Caffeine's maintenance under its locks. The
 * GPU thread runs tasks in submission order, so a queued free runs after every copy submitted before it
 * (and the free first synchronizes the model's stream, on which every copy and kernel runs), and before
 * any allocation submitted after it: the store's byte count, decremented when the free is queued, never
 * runs ahead of the device. A queued task that fails is logged by {@code GpuThread.post}, which keeps
 * the GPU thread (and its current context) alive.
 *
 * <p><b>Budget.</b> {@code --kv-cache-mb}, capped by the device's free memory (cuMemGetInfo_v2, read once,
 * at startup, after the weights are uploaded) less a headroom of max(1 GiB, 10% of the device's memory)
 * for what the model allocates later outside the store: its grow-only activation buffers (the largest are
 * the picked positions' float32 logits, rows x vocab x 4 bytes: 2.5 GB for 4096 rows of a 152k vocabulary,
 * and the gate|up product, rows x 2 x intermediate x 4 bytes), the memory of captured graphs, and the
 * driver's own pools. The working caches of running canvases are not in the headroom: they are reserved
 * from the store's budget.
 */
public final class DeviceKvMemory implements KvMemory {

    static final long MIN_HEADROOM = 1L << 30;
    static final int HEADROOM_PERCENT = 10;
    static final long MIN_BUDGET = 1L << 20;

    /** Sees a block on the GPU thread after its poison has landed and before cuMemFree (tests). */
    interface FreeProbe {
        void beforeFree(DeviceBlock block);
    }

    private final Gpu gpu;
    private final FreeProbe probe;
    private final AtomicLong allocations = new AtomicLong();
    private final AtomicLong frees = new AtomicLong();

    DeviceKvMemory(Gpu gpu) {
        this(gpu, null);
    }

    DeviceKvMemory(Gpu gpu, FreeProbe probe) {
        this.gpu = gpu;
        this.probe = probe;
    }

    Gpu gpu() {
        return gpu;
    }

    /** Blocks allocated so far. */
    long allocations() {
        return allocations.get();
    }

    /** Blocks freed so far (counted on the GPU thread, after cuMemFree returned). */
    long frees() {
        return frees.get();
    }

    @Override
    public String describe() {
        return "device " + gpu.device() + " (" + gpu.deviceName() + ")";
    }

    @Override
    public Budget budget(long requestedBytes) {
        long[] info = gpu.thread().call(() -> gpu.driver().memGetInfo());
        return budget(requestedBytes, info[0], info[1]);
    }

    /**
     * The store's budget given {@code free} and {@code total} device bytes: {@code requested}, capped by
     * {@code free} less {@link #headroom}.
     *
     * @throws IllegalStateException when less than 1 MiB would be left for the store
     */
    static Budget budget(long requested, long free, long total) {
        long headroom = headroom(total);
        long available = free - headroom;
        if (available < MIN_BUDGET) {
            throw new IllegalStateException("the GPU has " + mib(free) + " MiB free after the model's weights and "
                    + mib(headroom) + " MiB must stay free for its activations, which leaves nothing for the KV "
                    + "cache; use a smaller model, a GPU with more memory, or the CPU backend");
        }
        if (requested <= available) {
            return new Budget(requested, "--kv-cache-mb; the device has " + mib(free) + " MiB free of "
                    + mib(total) + ", " + mib(headroom) + " MiB kept for activations");
        }
        return new Budget(available, "--kv-cache-mb " + mib(requested) + " capped: the device has " + mib(free)
                + " MiB free of " + mib(total) + " and " + mib(headroom) + " MiB stay free for activations");
    }

    /** Device bytes kept out of the store's budget: max(1 GiB, 10% of the device). */
    static long headroom(long total) {
        return Math.max(MIN_HEADROOM, total / 100 * HEADROOM_PERCENT);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%d", bytes >> 20);
    }

    @Override
    public Block allocate(long bytes) {
        long size = Math.max(1, bytes);
        long address = gpu.thread().call(() -> gpu.driver().memAlloc(size));
        allocations.incrementAndGet();
        return new DeviceBlock(this, address, bytes);
    }

    /** One entry's device memory: {@code bytes} at {@code address}, on this memory's GPU. */
    static final class DeviceBlock implements KvMemory.Block {
        private final DeviceKvMemory memory;
        private final long address;
        private final long bytes;
        private final AtomicBoolean freed = new AtomicBoolean();

        private DeviceBlock(DeviceKvMemory memory, long address, long bytes) {
            this.memory = memory;
            this.address = address;
            this.bytes = bytes;
        }

        long address() {
            return address;
        }

        @Override
        public long bytes() {
            return bytes;
        }

        /** Whether {@code gpu} can copy to and from this block directly. */
        boolean on(Gpu gpu) {
            return memory.gpu == gpu;
        }

        /** The device address of bytes [offset, offset + length), checked against the block's size. */
        long at(long offset, long length) {
            if (freed.get()) {
                throw new IllegalStateException(this + " was freed");
            }
            if (offset < 0 || length < 0 || offset + length > bytes) {
                throw new IndexOutOfBoundsException("bytes [" + offset + ", " + (offset + length) + ") do not fit "
                        + this);
            }
            return address + offset;
        }

        /** Queues a memset of every byte to 0xFF on the model's stream. */
        @Override
        public void poison() {
            if (freed.get()) {
                throw new IllegalStateException(this + " was freed");
            }
            Gpu gpu = memory.gpu;
            gpu.thread().post("poisoning " + this,
                    () -> gpu.driver().memsetD8Async(address, (byte) 0xFF, Math.max(1, bytes), gpu.stream()));
        }

        /** Queues cuMemFree, after the stream has run everything submitted before it. */
        @Override
        public void free() {
            if (!freed.compareAndSet(false, true)) {
                throw new IllegalStateException(this + " freed twice: a store bug");
            }
            Gpu gpu = memory.gpu;
            gpu.thread().post("freeing " + this, () -> {
                gpu.synchronize();
                try {
                    if (memory.probe != null) {
                        memory.probe.beforeFree(this);
                    }
                } finally {
                    gpu.driver().memFree(address);
                    memory.frees.incrementAndGet();
                }
            });
        }

        @Override
        public String toString() {
            return "a device block of " + bytes + " bytes at 0x" + Long.toHexString(address);
        }
    }
}
