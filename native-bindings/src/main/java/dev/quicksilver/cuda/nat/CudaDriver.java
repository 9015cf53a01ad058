package dev.quicksilver.cuda.nat;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Hand-written FFM bindings to the CUDA driver API (libcuda.so.1): the calls Quicksilver needs and no
 * more, each under the symbol name cuda.h maps it to (the {@code _v2} versions where there is one). Every
 * call checks its CUresult and throws {@link CudaException} naming the call, the error's name and its
 * description (cuGetErrorName / cuGetErrorString).
 *
 * <p>Handles (contexts, streams, events, modules, functions, graphs) are {@link MemorySegment} addresses;
 * device pointers (CUdeviceptr) are {@code long}. The driver binds a context per thread: callers keep all
 * device work on one thread ({@link GpuThread}) that made the context current.
 *
 * <p>Loading never throws anything but {@link CudaUnavailableException}, whose message is one sentence.
 */
public final class CudaDriver {

    public static final int CU_STREAM_NON_BLOCKING = 1;
    public static final int CU_EVENT_DEFAULT = 0;
    public static final int CU_STREAM_CAPTURE_MODE_THREAD_LOCAL = 1;
    public static final int CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16;
    public static final int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
    public static final int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;
    private static final int CUDA_SUCCESS = 0;

    private final Path library;
    private final MethodHandle cuInit, cuDriverGetVersion, cuDeviceGetCount, cuDeviceGet, cuDeviceGetName,
            cuDeviceGetAttribute, cuDeviceTotalMem, cuDevicePrimaryCtxRetain, cuDevicePrimaryCtxRelease,
            cuCtxSetCurrent, cuCtxSynchronize, cuMemGetInfo, cuMemAlloc, cuMemFree, cuMemcpyHtoD, cuMemcpyDtoH,
            cuMemcpyHtoDAsync, cuMemcpyDtoHAsync, cuMemcpyDtoDAsync, cuMemsetD8Async, cuMemsetD32Async, cuStreamCreate,
            cuStreamDestroy, cuStreamSynchronize, cuEventCreate, cuEventRecord, cuEventSynchronize,
            cuEventElapsedTime, cuEventDestroy, cuModuleLoadData, cuModuleGetFunction, cuModuleUnload,
            cuLaunchKernel, cuStreamBeginCapture, cuStreamEndCapture, cuGraphInstantiateWithFlags, cuGraphLaunch,
            cuGraphExecDestroy, cuGraphDestroy, cuGetErrorName, cuGetErrorString;

    private CudaDriver(Path library, SymbolLookup lib) {
        this.library = library;
        Binder b = new Binder(lib, "CUDA driver " + library);
        FunctionDescriptor i_a = FunctionDescriptor.of(JAVA_INT, ADDRESS);
        cuInit = b.bind("cuInit", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        cuDriverGetVersion = b.bind("cuDriverGetVersion", i_a);
        cuDeviceGetCount = b.bind("cuDeviceGetCount", i_a);
        cuDeviceGet = b.bind("cuDeviceGet", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuDeviceGetName = b.bind("cuDeviceGetName", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        cuDeviceGetAttribute = b.bind("cuDeviceGetAttribute", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        cuDeviceTotalMem = b.bind("cuDeviceTotalMem_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuDevicePrimaryCtxRetain = b.bind("cuDevicePrimaryCtxRetain", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuDevicePrimaryCtxRelease = b.bind("cuDevicePrimaryCtxRelease_v2", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        cuCtxSetCurrent = b.bind("cuCtxSetCurrent", i_a);
        cuCtxSynchronize = b.bind("cuCtxSynchronize", FunctionDescriptor.of(JAVA_INT));
        cuMemGetInfo = b.bind("cuMemGetInfo_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        cuMemAlloc = b.bind("cuMemAlloc_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        cuMemFree = b.bind("cuMemFree_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
        cuMemcpyHtoD = b.bind("cuMemcpyHtoD_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG));
        cuMemcpyDtoH = b.bind("cuMemcpyDtoH_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
        cuMemcpyHtoDAsync = b.bind("cuMemcpyHtoDAsync_v2",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS));
        cuMemcpyDtoHAsync = b.bind("cuMemcpyDtoHAsync_v2",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS));
        cuMemcpyDtoDAsync = b.bind("cuMemcpyDtoDAsync_v2",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS));
        cuMemsetD8Async = b.bind("cuMemsetD8Async",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_BYTE, JAVA_LONG, ADDRESS));
        cuMemsetD32Async = b.bind("cuMemsetD32Async",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, ADDRESS));
        cuStreamCreate = b.bind("cuStreamCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuStreamDestroy = b.bind("cuStreamDestroy_v2", i_a);
        cuStreamSynchronize = b.bind("cuStreamSynchronize", i_a);
        cuEventCreate = b.bind("cuEventCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuEventRecord = b.bind("cuEventRecord", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        cuEventSynchronize = b.bind("cuEventSynchronize", i_a);
        cuEventElapsedTime = b.bindFirst(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS),
                "cuEventElapsedTime_v2", "cuEventElapsedTime");
        cuEventDestroy = b.bind("cuEventDestroy_v2", i_a);
        cuModuleLoadData = b.bind("cuModuleLoadData", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        cuModuleGetFunction = b.bind("cuModuleGetFunction", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        cuModuleUnload = b.bind("cuModuleUnload", i_a);
        cuLaunchKernel = b.bind("cuLaunchKernel", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        cuStreamBeginCapture = b.bind("cuStreamBeginCapture_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuStreamEndCapture = b.bind("cuStreamEndCapture", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        cuGraphInstantiateWithFlags = b.bind("cuGraphInstantiateWithFlags",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
        cuGraphLaunch = b.bind("cuGraphLaunch", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        cuGraphExecDestroy = b.bind("cuGraphExecDestroy", i_a);
        cuGraphDestroy = b.bind("cuGraphDestroy", i_a);
        cuGetErrorName = b.bind("cuGetErrorName", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        cuGetErrorString = b.bind("cuGetErrorString", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    }

    /**
     * Opens libcuda and binds every call (no call is made yet).
     *
     * @throws CudaUnavailableException with one sentence when the library is missing or too old
     */
    public static CudaDriver load() {
        Optional<Path> found = NativeLibraries.find("libcuda.so.1", "libcuda.so");
        Path path = found.orElse(Path.of("libcuda.so.1"));
        SymbolLookup lib;
        try {
            lib = found.isPresent() ? SymbolLookup.libraryLookup(path, Arena.global())
                    : SymbolLookup.libraryLookup("libcuda.so.1", Arena.global());
        } catch (IllegalArgumentException | IllegalCallerException e) {
            throw new CudaUnavailableException("CUDA driver not found (no libcuda.so.1 in "
                    + NativeLibraries.ENV + ", LD_LIBRARY_PATH or the usual places): using the CPU backend.");
        }
        return new CudaDriver(path, lib);
    }

    public Path library() {
        return library;
    }

    // ---- errors ----

    /** cuGetErrorName of a status, or "CUDA_ERROR_<n>" when the driver does not know it. */
    public String errorName(int status) {
        return errorText(cuGetErrorName, status, "CUDA_ERROR_" + status);
    }

    public String errorString(int status) {
        return errorText(cuGetErrorString, status, "");
    }

    private String errorText(MethodHandle h, int status, String fallback) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            int rc = (int) h.invokeExact(status, out);
            MemorySegment p = out.get(ADDRESS, 0);
            if (rc != CUDA_SUCCESS || p.equals(MemorySegment.NULL)) {
                return fallback;
            }
            return p.reinterpret(4096).getString(0);
        } catch (Throwable t) {
            return fallback;
        }
    }

    private void check(String call, int status) {
        if (status != CUDA_SUCCESS) {
            throw new CudaException(call, status, errorName(status), errorString(status));
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

    // ---- init and devices ----

    public void init() {
        try {
            check("cuInit", (int) cuInit.invokeExact(0));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public int driverVersion() {
        return intOut("cuDriverGetVersion", cuDriverGetVersion);
    }

    public int deviceCount() {
        return intOut("cuDeviceGetCount", cuDeviceGetCount);
    }

    private int intOut(String call, MethodHandle h) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(JAVA_INT);
            check(call, (int) h.invokeExact(out));
            return out.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public int device(int ordinal) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(JAVA_INT);
            check("cuDeviceGet", (int) cuDeviceGet.invokeExact(out, ordinal));
            return out.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public String deviceName(int device) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(256);
            check("cuDeviceGetName", (int) cuDeviceGetName.invokeExact(out, 256, device));
            return out.getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public int deviceAttribute(int attribute, int device) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(JAVA_INT);
            check("cuDeviceGetAttribute", (int) cuDeviceGetAttribute.invokeExact(out, attribute, device));
            return out.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public long deviceTotalMem(int device) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(JAVA_LONG);
            check("cuDeviceTotalMem_v2", (int) cuDeviceTotalMem.invokeExact(out, device));
            return out.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- contexts ----

    public MemorySegment primaryCtxRetain(int device) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            check("cuDevicePrimaryCtxRetain", (int) cuDevicePrimaryCtxRetain.invokeExact(out, device));
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void primaryCtxRelease(int device) {
        try {
            check("cuDevicePrimaryCtxRelease_v2", (int) cuDevicePrimaryCtxRelease.invokeExact(device));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void ctxSetCurrent(MemorySegment ctx) {
        try {
            check("cuCtxSetCurrent", (int) cuCtxSetCurrent.invokeExact(ctx));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void ctxSynchronize() {
        try {
            check("cuCtxSynchronize", (int) cuCtxSynchronize.invokeExact());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- memory ----

    /** {free, total} bytes of the current context's device. */
    public long[] memGetInfo() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment free = a.allocate(JAVA_LONG);
            MemorySegment total = a.allocate(JAVA_LONG);
            check("cuMemGetInfo_v2", (int) cuMemGetInfo.invokeExact(free, total));
            return new long[] {free.get(JAVA_LONG, 0), total.get(JAVA_LONG, 0)};
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public long memAlloc(long bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(JAVA_LONG);
            int rc = (int) cuMemAlloc.invokeExact(out, bytes);
            if (rc != CUDA_SUCCESS) {
                throw new CudaException("cuMemAlloc_v2(" + bytes + " bytes)", rc, errorName(rc), errorString(rc));
            }
            return out.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void memFree(long devicePtr) {
        try {
            check("cuMemFree_v2", (int) cuMemFree.invokeExact(devicePtr));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void memcpyHtoD(long dst, MemorySegment src, long bytes) {
        try {
            check("cuMemcpyHtoD_v2", (int) cuMemcpyHtoD.invokeExact(dst, src, bytes));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void memcpyDtoH(MemorySegment dst, long src, long bytes) {
        try {
            check("cuMemcpyDtoH_v2", (int) cuMemcpyDtoH.invokeExact(dst, src, bytes));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Host memory must stay alive (and should be pinned or synchronized on) until the stream passes the copy. */
    public void memcpyHtoDAsync(long dst, MemorySegment src, long bytes, MemorySegment stream) {
        try {
            check("cuMemcpyHtoDAsync_v2", (int) cuMemcpyHtoDAsync.invokeExact(dst, src, bytes, stream));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void memcpyDtoHAsync(MemorySegment dst, long src, long bytes, MemorySegment stream) {
        try {
            check("cuMemcpyDtoHAsync_v2", (int) cuMemcpyDtoHAsync.invokeExact(dst, src, bytes, stream));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void memcpyDtoDAsync(long dst, long src, long bytes, MemorySegment stream) {
        try {
            check("cuMemcpyDtoDAsync_v2", (int) cuMemcpyDtoDAsync.invokeExact(dst, src, bytes, stream));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Fills {@code count} bytes with {@code value} on {@code stream} (cuda.h has no _v2 of the async form;
     * used to poison freed KV/context store entries, whose size need not be a multiple of 4).
     */
    public void memsetD8Async(long dst, byte value, long count, MemorySegment stream) {
        try {
            check("cuMemsetD8Async", (int) cuMemsetD8Async.invokeExact(dst, value, count, stream));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Fills {@code count} 32-bit words (e.g. a NaN pattern to poison an output). */
    public void memsetD32Async(long dst, int value, long count, MemorySegment stream) {
        try {
            check("cuMemsetD32Async", (int) cuMemsetD32Async.invokeExact(dst, value, count, stream));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- streams and events ----

    public MemorySegment streamCreate(int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            check("cuStreamCreate", (int) cuStreamCreate.invokeExact(out, flags));
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void streamDestroy(MemorySegment stream) {
        try {
            check("cuStreamDestroy_v2", (int) cuStreamDestroy.invokeExact(stream));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void streamSynchronize(MemorySegment stream) {
        try {
            check("cuStreamSynchronize", (int) cuStreamSynchronize.invokeExact(stream));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public MemorySegment eventCreate(int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            check("cuEventCreate", (int) cuEventCreate.invokeExact(out, flags));
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void eventRecord(MemorySegment event, MemorySegment stream) {
        try {
            check("cuEventRecord", (int) cuEventRecord.invokeExact(event, stream));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void eventSynchronize(MemorySegment event) {
        try {
            check("cuEventSynchronize", (int) cuEventSynchronize.invokeExact(event));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Milliseconds between two recorded events. */
    public float eventElapsedTime(MemorySegment start, MemorySegment end) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(JAVA_FLOAT);
            check("cuEventElapsedTime", (int) cuEventElapsedTime.invokeExact(out, start, end));
            return out.get(JAVA_FLOAT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void eventDestroy(MemorySegment event) {
        try {
            check("cuEventDestroy_v2", (int) cuEventDestroy.invokeExact(event));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- modules and launches ----

    /** Loads a fatbin/cubin/PTX image (the bytes must be a native segment for the call's duration). */
    public MemorySegment moduleLoadData(MemorySegment image) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            check("cuModuleLoadData", (int) cuModuleLoadData.invokeExact(out, image));
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public MemorySegment moduleGetFunction(MemorySegment module, String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            int rc = (int) cuModuleGetFunction.invokeExact(out, module, a.allocateFrom(name));
            if (rc != CUDA_SUCCESS) {
                throw new CudaException("cuModuleGetFunction(" + name + ")", rc, errorName(rc), errorString(rc));
            }
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void moduleUnload(MemorySegment module) {
        try {
            check("cuModuleUnload", (int) cuModuleUnload.invokeExact(module));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code params} is a {@code void*[]} of pointers to each argument's value (see {@link KernelArgs}). */
    public void launchKernel(String name, MemorySegment function, int gridX, int gridY, int gridZ, int blockX,
                             int blockY, int blockZ, int sharedBytes, MemorySegment stream, MemorySegment params) {
        try {
            int rc = (int) cuLaunchKernel.invokeExact(function, gridX, gridY, gridZ, blockX, blockY, blockZ,
                    sharedBytes, stream, params, MemorySegment.NULL);
            if (rc != CUDA_SUCCESS) {
                throw new CudaException("cuLaunchKernel(" + name + ")", rc, errorName(rc), errorString(rc));
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- graphs ----

    public void streamBeginCapture(MemorySegment stream, int mode) {
        try {
            check("cuStreamBeginCapture_v2", (int) cuStreamBeginCapture.invokeExact(stream, mode));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public MemorySegment streamEndCapture(MemorySegment stream) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            check("cuStreamEndCapture", (int) cuStreamEndCapture.invokeExact(stream, out));
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public MemorySegment graphInstantiate(MemorySegment graph) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            check("cuGraphInstantiateWithFlags", (int) cuGraphInstantiateWithFlags.invokeExact(out, graph, 0L));
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void graphLaunch(MemorySegment exec, MemorySegment stream) {
        try {
            check("cuGraphLaunch", (int) cuGraphLaunch.invokeExact(exec, stream));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void graphExecDestroy(MemorySegment exec) {
        try {
            check("cuGraphExecDestroy", (int) cuGraphExecDestroy.invokeExact(exec));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void graphDestroy(MemorySegment graph) {
        try {
            check("cuGraphDestroy", (int) cuGraphDestroy.invokeExact(graph));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Binds symbols of one library; a missing symbol is a one-sentence {@link CudaUnavailableException}. */
    static final class Binder {
        private final SymbolLookup lib;
        private final String what;

        Binder(SymbolLookup lib, String what) {
            this.lib = lib;
            this.what = what;
        }

        MethodHandle bind(String symbol, FunctionDescriptor fd) {
            MemorySegment addr = lib.find(symbol).orElseThrow(() -> new CudaUnavailableException(
                    "The " + what + " has no " + symbol + " (too old for Quicksilver): using the CPU backend."));
            return Linker.nativeLinker().downcallHandle(addr, fd);
        }

        MethodHandle bindFirst(FunctionDescriptor fd, String... symbols) {
            for (String s : symbols) {
                Optional<MemorySegment> addr = lib.find(s);
                if (addr.isPresent()) {
                    return Linker.nativeLinker().downcallHandle(addr.get(), fd);
                }
            }
            throw new CudaUnavailableException("The " + what + " has none of " + String.join(", ", symbols)
                    + " (too old for Quicksilver): using the CPU backend.");
        }
    }
}
