package dev.quicksilver.cuda.nat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

/**
 * Quicksilver's kernels (src/main/cuda/kernels.cu, built into kernels.fatbin at build time) loaded with
 * cuModuleLoadData into the current context; functions are looked up by name once and launched with
 * {@link #launch}. Use on the GPU thread only.
 */
public final class CudaKernels implements AutoCloseable {

    public static final String RESOURCE = "/dev/quicksilver/cuda/nat/kernels.fatbin";

    private final CudaDriver driver;
    private final MemorySegment module;
    private final Map<String, MemorySegment> functions = new HashMap<>();

    public CudaKernels(CudaDriver driver) {
        this.driver = driver;
        byte[] image = fatbin();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment seg = a.allocate(image.length + 1L, 16);
            MemorySegment.copy(MemorySegment.ofArray(image), 0, seg, 0, image.length);
            this.module = driver.moduleLoadData(seg);
        }
    }

    /** The committed (or freshly built) fatbin's bytes. */
    public static byte[] fatbin() {
        try (InputStream in = CudaKernels.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("kernels.fatbin is missing from the native-bindings jar; rebuild it");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read kernels.fatbin: " + e.getMessage(), e);
        }
    }

    public MemorySegment function(String name) {
        return functions.computeIfAbsent(name, n -> driver.moduleGetFunction(module, n));
    }

    /** Launches kernel {@code name} on a 1-D grid; {@code args} filled by the caller in the kernel's order. */
    public void launch(String name, int grid, int block, MemorySegment stream, java.util.function.Consumer<KernelArgs> args) {
        launch(name, grid, block, 0, stream, args);
    }

    /** As {@link #launch(String, int, int, MemorySegment, java.util.function.Consumer)}, with dynamic shared memory. */
    public void launch(String name, int grid, int block, int sharedBytes, MemorySegment stream,
                       java.util.function.Consumer<KernelArgs> args) {
        if (grid <= 0) {
            return;
        }
        try (Arena a = Arena.ofConfined()) {
            KernelArgs k = new KernelArgs(a);
            args.accept(k);
            driver.launchKernel(name, function(name), grid, 1, 1, block, 1, 1, sharedBytes, stream, k.toPointerArray());
        }
    }

    @Override
    public void close() {
        driver.moduleUnload(module);
    }
}
