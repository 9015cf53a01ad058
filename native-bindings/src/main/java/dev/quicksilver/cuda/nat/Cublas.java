package dev.quicksilver.cuda.nat;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Hand-written FFM bindings to cuBLAS (libcublas.so.13 or .12): handle create/destroy, stream, workspace
 * and math mode (the {@code _v2} symbols), and the two GEMMs Quicksilver uses, {@code cublasGemmEx} and
 * {@code cublasGemmStridedBatchedEx}. Column-major, as cuBLAS is; callers map their row-major tensors.
 * Every status is checked and turned into a {@link CudaException} naming the call and the status.
 *
 * <p>One handle per GPU thread ({@link GpuThread}); alpha and beta are host floats, kept in a small
 * segment this object owns, so it is not for use from two threads at once.
 */
public final class Cublas implements AutoCloseable {

    public static final int OP_N = 0;
    public static final int OP_T = 1;
    public static final int CUDA_R_32F = 0;
    public static final int CUDA_R_16F = 2;
    public static final int CUDA_R_16BF = 14;
    public static final int COMPUTE_32F = 68;
    public static final int GEMM_DEFAULT = -1;
    public static final int DEFAULT_MATH = 0;

    private final Path library;
    private final MethodHandle create, destroy, setStream, setWorkspace, setMathMode, gemmEx, gemmStridedBatchedEx,
            getStatusName;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment handle;
    private final MemorySegment alphaBeta;

    private Cublas(Path library, SymbolLookup lib) {
        this.library = library;
        CudaDriver.Binder b = new CudaDriver.Binder(lib, "cuBLAS library " + library);
        create = b.bind("cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        destroy = b.bind("cublasDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        setStream = b.bind("cublasSetStream_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        setWorkspace = b.bind("cublasSetWorkspace_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
        setMathMode = b.bind("cublasSetMathMode", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        gemmEx = b.bind("cublasGemmEx", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT,
                ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        gemmStridedBatchedEx = b.bind("cublasGemmStridedBatchedEx", FunctionDescriptor.of(JAVA_INT, ADDRESS,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG,
                JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT,
                JAVA_INT, JAVA_INT));
        getStatusName = lib.find("cublasGetStatusName")
                .map(a -> java.lang.foreign.Linker.nativeLinker().downcallHandle(a, FunctionDescriptor.of(ADDRESS, JAVA_INT)))
                .orElse(null);
        alphaBeta = arena.allocate(JAVA_FLOAT, 2);
        MemorySegment out = arena.allocate(ADDRESS);
        try {
            check("cublasCreate_v2", (int) create.invokeExact(out));
        } catch (Throwable t) {
            arena.close();
            throw rethrow(t);
        }
        handle = out.get(ADDRESS, 0);
    }

    /**
     * Opens cuBLAS and creates a handle on the calling thread's current context.
     *
     * @throws CudaUnavailableException (one sentence) when no cuBLAS library is found
     */
    public static Cublas create() {
        Optional<Path> found = NativeLibraries.find("libcublas.so.13", "libcublas.so.12", "libcublas.so");
        SymbolLookup lib;
        Path path;
        try {
            if (found.isPresent()) {
                path = found.get();
                lib = SymbolLookup.libraryLookup(path, Arena.global());
            } else {
                path = Path.of("libcublas.so.13");
                lib = SymbolLookup.libraryLookup("libcublas.so.13", Arena.global());
            }
        } catch (IllegalArgumentException e) {
            throw new CudaUnavailableException("cuBLAS not found (no libcublas.so.13 or .12 in "
                    + NativeLibraries.ENV + ", LD_LIBRARY_PATH, /usr/local/cuda/lib64 or pip's nvidia/cublas/lib):"
                    + " using the CPU backend.");
        }
        return new Cublas(path, lib);
    }

    public Path library() {
        return library;
    }

    public String statusName(int status) {
        String known = switch (status) {
            case 0 -> "CUBLAS_STATUS_SUCCESS";
            case 1 -> "CUBLAS_STATUS_NOT_INITIALIZED";
            case 3 -> "CUBLAS_STATUS_ALLOC_FAILED";
            case 7 -> "CUBLAS_STATUS_INVALID_VALUE";
            case 8 -> "CUBLAS_STATUS_ARCH_MISMATCH";
            case 11 -> "CUBLAS_STATUS_MAPPING_ERROR";
            case 13 -> "CUBLAS_STATUS_EXECUTION_FAILED";
            case 14 -> "CUBLAS_STATUS_INTERNAL_ERROR";
            case 15 -> "CUBLAS_STATUS_NOT_SUPPORTED";
            case 16 -> "CUBLAS_STATUS_LICENSE_ERROR";
            default -> null;
        };
        if (known != null || getStatusName == null) {
            return known != null ? known : "CUBLAS_STATUS_" + status;
        }
        try {
            MemorySegment p = (MemorySegment) getStatusName.invokeExact(status);
            return p.equals(MemorySegment.NULL) ? "CUBLAS_STATUS_" + status : p.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "CUBLAS_STATUS_" + status;
        }
    }

    private void check(String call, int status) {
        if (status != 0) {
            throw new CudaException(call, status, statusName(status), null);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    public void setStream(MemorySegment stream) {
        try {
            check("cublasSetStream_v2", (int) setStream.invokeExact(handle, stream));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A workspace the caller owns (needed for GEMMs inside a graph capture: no allocation there). */
    public void setWorkspace(long devicePtr, long bytes) {
        try {
            check("cublasSetWorkspace_v2", (int) setWorkspace.invokeExact(handle, devicePtr, bytes));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void setMathMode(int mode) {
        try {
            check("cublasSetMathMode", (int) setMathMode.invokeExact(handle, mode));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code C = alpha * op(A) op(B) + beta * C}, column-major, fp32 compute, default algorithm. */
    public void gemmEx(int transA, int transB, int m, int n, int k, float alpha, long a, int aType, int lda,
                       long b, int bType, int ldb, float beta, long c, int cType, int ldc) {
        alphaBeta.setAtIndex(JAVA_FLOAT, 0, alpha);
        alphaBeta.setAtIndex(JAVA_FLOAT, 1, beta);
        MemorySegment pAlpha = alphaBeta.asSlice(0, 4);
        MemorySegment pBeta = alphaBeta.asSlice(4, 4);
        try {
            int rc = (int) gemmEx.invokeExact(handle, transA, transB, m, n, k, pAlpha, a, aType, lda, b, bType, ldb,
                    pBeta, c, cType, ldc, COMPUTE_32F, GEMM_DEFAULT);
            if (rc != 0) {
                throw new CudaException("cublasGemmEx(m=" + m + ", n=" + n + ", k=" + k + ")", rc, statusName(rc), null);
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@link #gemmEx} over {@code batch} matrices at fixed element strides. */
    public void gemmStridedBatchedEx(int transA, int transB, int m, int n, int k, float alpha, long a, int aType,
                                     int lda, long strideA, long b, int bType, int ldb, long strideB, float beta,
                                     long c, int cType, int ldc, long strideC, int batch) {
        alphaBeta.setAtIndex(JAVA_FLOAT, 0, alpha);
        alphaBeta.setAtIndex(JAVA_FLOAT, 1, beta);
        MemorySegment pAlpha = alphaBeta.asSlice(0, 4);
        MemorySegment pBeta = alphaBeta.asSlice(4, 4);
        try {
            int rc = (int) gemmStridedBatchedEx.invokeExact(handle, transA, transB, m, n, k, pAlpha, a, aType, lda,
                    strideA, b, bType, ldb, strideB, pBeta, c, cType, ldc, strideC, batch, COMPUTE_32F, GEMM_DEFAULT);
            if (rc != 0) {
                throw new CudaException("cublasGemmStridedBatchedEx(m=" + m + ", n=" + n + ", k=" + k + ", batch="
                        + batch + ")", rc, statusName(rc), null);
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void close() {
        try {
            check("cublasDestroy_v2", (int) destroy.invokeExact(handle));
        } catch (Throwable t) {
            throw rethrow(t);
        } finally {
            arena.close();
        }
    }
}
