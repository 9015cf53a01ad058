package dev.quicksilver.cuda;

import dev.quicksilver.cuda.nat.Gpu;
import dev.quicksilver.tensor.AttentionJob;
import dev.quicksilver.tensor.AttentionShape;
import dev.quicksilver.tensor.Backend;
import dev.quicksilver.tensor.CpuBackend;
import dev.quicksilver.tensor.WeightTensor;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The "cuda" backend as {@link dev.quicksilver.tensor.Backends} sees it: an open {@link Gpu}. Models run
 * on it as a {@link CudaDecoderModel} (both architectures, everything device-resident; see
 * {@link dev.quicksilver.transformer.ModelLoader#open}). The host-array operations of {@link Backend}, which
 * only a host {@code DecoderModel} built on this backend directly ({@code ModelLoader.load}) would call,
 * run on the CPU kernels of a {@link CpuBackend}.
 */
public final class CudaBackend implements Backend {

    private static final Logger LOG = LoggerFactory.getLogger(CudaBackend.class);

    private final Gpu gpu;
    private final CpuBackend host;

    private CudaBackend(Gpu gpu) {
        this.gpu = gpu;
        this.host = new CpuBackend();
    }

    /** Why "cuda" cannot be used here (one sentence), or empty when a driver, a device and cuBLAS answer. */
    public static Optional<String> unavailableReason() {
        return Gpu.unavailableReason();
    }

    public static CudaBackend open() {
        Gpu gpu = Gpu.open(Integer.getInteger("quicksilver.cuda.device", 0));
        LOG.info("cuda: device {} ({})", gpu.device(), gpu.deviceName());
        return new CudaBackend(gpu);
    }

    public Gpu gpu() {
        return gpu;
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public void matmul(float[] x, int rows, WeightTensor w, float[] bias, float[] out) {
        host.matmul(x, rows, w, bias, out);
    }

    @Override
    public void rmsNorm(float[] x, int rows, int dim, float[] weight, float eps, float[] out) {
        host.rmsNorm(x, rows, dim, weight, eps, out);
    }

    @Override
    public void rope(float[] x, int rows, int heads, int headDim, float[] cos, float[] sin) {
        host.rope(x, rows, heads, headDim, cos, sin);
    }

    @Override
    public void swiglu(float[] gate, float[] up, int n) {
        host.swiglu(gate, up, n);
    }

    @Override
    public void add(float[] x, float[] y, int n) {
        host.add(x, y, n);
    }

    @Override
    public void embed(WeightTensor table, int[] tokens, float[] out) {
        host.embed(table, tokens, out);
    }

    @Override
    public void softmax(float[] x, int offset, int length) {
        host.softmax(x, offset, length);
    }

    @Override
    public void attention(float[] q, float[] out, List<AttentionJob> jobs, AttentionShape shape, boolean causal) {
        host.attention(q, out, jobs, shape, causal);
    }

    @Override
    public void close() {
        host.close();
        gpu.close();
    }
}
