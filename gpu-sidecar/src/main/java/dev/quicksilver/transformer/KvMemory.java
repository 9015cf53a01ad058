package dev.quicksilver.transformer;

/**
 * Where the cross-request KV/context store keeps its entries: host native memory ({@link HostKvMemory},
 * the CPU path) or the memory of the device a model runs on (the cuda model's
 * {@code dev.quicksilver.cuda.DeviceKvMemory}). A model names its kind with
 * {@link LanguageModel#storeMemory()}; the store allocates every entry from it, and a {@link KvCache} copies
 * positions into and out of its blocks ({@link KvCache#exportPositions(int, int, Block, long)}), by the
 * fastest path the pair allows (device to device for a device cache and a device block).
 *
 * <p>A block is owned by exactly one store entry, which frees it once, when its last reference (the cache's
 * or a reader's lease) goes; the store, not the block, guarantees nobody reads it after that.
 */
public interface KvMemory {

    /** "host" or "device &lt;name&gt;", for the startup log and Info. */
    String describe();

    /**
     * The budget this memory can give the store when {@code requestedBytes} (from {@code --kv-cache-mb})
     * are asked for, and why, in words for the startup log line.
     */
    Budget budget(long requestedBytes);

    /** A block of {@code bytes} bytes (contents undefined). */
    Block allocate(long bytes);

    /** The store's effective budget and how it was arrived at. */
    record Budget(long bytes, String why) {}

    /** One store entry's memory. */
    interface Block {

        long bytes();

        /** Overwrites every byte with 0xFF (NaN in bf16 and float32), so a read after free shows. */
        void poison();

        /** Gives the memory back; called once, after which the block must not be used. */
        void free();
    }
}
