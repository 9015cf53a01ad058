package dev.quicksilver.cuda.nat;

import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * One CUDA device ready for work: the driver, the device's primary context made current on the
 * {@link GpuThread}, a non-blocking stream, a cuBLAS handle on that stream with its own workspace (so
 * GEMMs can be captured into graphs), and the kernels module. Everything here is created, used and
 * destroyed on the GPU thread; {@link #open} does that and returns only when the device answered.
 */
public final class Gpu implements AutoCloseable {

    /** cuBLAS workspace; 32 MiB is what NVIDIA recommends for Hopper. */
    static final long CUBLAS_WORKSPACE = 32L << 20;

    private final GpuThread thread;
    private final CudaDriver driver;
    private final int device;
    private final String deviceName;
    private final MemorySegment stream;
    private final Cublas cublas;
    private final CudaKernels kernels;
    private final long workspace;
    private boolean closed;

    private Gpu(GpuThread thread, CudaDriver driver, int ordinal) {
        this.thread = thread;
        this.driver = driver;
        driver.init();
        if (driver.deviceCount() <= ordinal) {
            throw new CudaUnavailableException("No CUDA device " + ordinal + " answers (the driver sees "
                    + driver.deviceCount() + "): using the CPU backend.");
        }
        this.device = driver.device(ordinal);
        this.deviceName = driver.deviceName(device);
        driver.ctxSetCurrent(driver.primaryCtxRetain(device));
        this.stream = driver.streamCreate(CudaDriver.CU_STREAM_NON_BLOCKING);
        this.kernels = new CudaKernels(driver);
        this.cublas = Cublas.create();
        this.workspace = driver.memAlloc(CUBLAS_WORKSPACE);
        cublas.setStream(stream);
        cublas.setWorkspace(workspace, CUBLAS_WORKSPACE);
        cublas.setMathMode(Cublas.DEFAULT_MATH);
    }

    /** Opens device {@code ordinal} on a new GPU thread; CUDA errors come out as {@link CudaUnavailableException} only when no device answers. */
    public static Gpu open(int ordinal) {
        GpuThread t = new GpuThread("quicksilver-gpu-" + ordinal);
        try {
            return t.call(() -> new Gpu(t, CudaDriver.load(), ordinal));
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /**
     * Why CUDA cannot be used here, as one sentence ending with the CPU fallback, or empty when a driver
     * and a device answer. Loads libcuda and calls cuInit and cuDeviceGetCount; never throws.
     */
    public static Optional<String> unavailableReason() {
        try {
            CudaDriver d = CudaDriver.load();
            try {
                d.init();
            } catch (CudaException e) {
                return Optional.of("CUDA driver found but " + e.getMessage() + ": using the CPU backend.");
            }
            if (d.deviceCount() == 0) {
                return Optional.of("CUDA driver found but no device answers: using the CPU backend.");
            }
            if (cublasMissing().isPresent()) {
                return cublasMissing();
            }
            return Optional.empty();
        } catch (CudaUnavailableException e) {
            return Optional.of(e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            return Optional.of("CUDA could not be probed (" + e + "): using the CPU backend.");
        }
    }

    private static Optional<String> cublasMissing() {
        if (NativeLibraries.find("libcublas.so.13", "libcublas.so.12", "libcublas.so").isPresent()) {
            return Optional.empty();
        }
        for (String name : new String[] {"libcublas.so.13", "libcublas.so.12"}) {
            try {
                java.lang.foreign.SymbolLookup.libraryLookup(name, java.lang.foreign.Arena.global());
                return Optional.empty();
            } catch (IllegalArgumentException e) {
                // not in the linker's cache either
            }
        }
        return Optional.of("cuBLAS not found (no libcublas.so.13 or .12 in " + NativeLibraries.ENV
                        + ", LD_LIBRARY_PATH, /usr/local/cuda/lib64 or pip's nvidia/cublas/lib): using the CPU backend.");
    }

    public GpuThread thread() {
        return thread;
    }

    public CudaDriver driver() {
        return driver;
    }

    public String deviceName() {
        return deviceName;
    }

    public int device() {
        return device;
    }

    public MemorySegment stream() {
        return stream;
    }

    public Cublas cublas() {
        return cublas;
    }

    public CudaKernels kernels() {
        return kernels;
    }

    public void synchronize() {
        driver.streamSynchronize(stream);
    }

    @Override
    public void close() {
        thread.run(() -> {
            if (closed) {
                return;
            }
            closed = true;
            driver.streamSynchronize(stream);
            cublas.close();
            driver.memFree(workspace);
            kernels.close();
            driver.streamDestroy(stream);
            driver.primaryCtxRelease(device);
        });
        thread.close();
    }
}
