package dev.quicksilver.cuda;

import static dev.quicksilver.cuda.nat.Cublas.CUDA_R_16BF;
import static dev.quicksilver.cuda.nat.Cublas.CUDA_R_32F;
import static dev.quicksilver.cuda.nat.Cublas.OP_N;
import static dev.quicksilver.cuda.nat.Cublas.OP_T;

import dev.quicksilver.cuda.nat.Cublas;
import dev.quicksilver.cuda.nat.CudaDriver;
import dev.quicksilver.cuda.nat.CudaKernels;
import dev.quicksilver.cuda.nat.Gpu;
import dev.quicksilver.model.Architecture;
import dev.quicksilver.model.ModelConfig;
import dev.quicksilver.tensor.DType;
import dev.quicksilver.tensor.WeightStore;
import dev.quicksilver.tensor.WeightTensor;
import dev.quicksilver.transformer.AttentionKind;
import dev.quicksilver.transformer.ForwardRequest;
import dev.quicksilver.transformer.KvCache;
import dev.quicksilver.transformer.KvMemory;
import dev.quicksilver.transformer.OwnedKvCache;
import dev.quicksilver.transformer.LanguageModel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Qwen2 family (Dream, Dream-Coder, DiffuCoder, Quicksilver's own) and LLaDA on one CUDA device:
 * the two share the block (RMSNorm, GQA attention with rotate-half RoPE, SwiGLU) and differ in tensor names
 * and in the Qwen2 q/k/v biases, which a LLaDA checkpoint lacks and which are zeros here then (see
 * {@link TensorNames}); the host forwards keep one readable class per architecture (Qwen2Model,
 * LladaModel), this one reads either checkpoint into the same device layout. Everything is
 * device-resident: bf16 weights uploaded once (q|k|v and gate|up fused into one matrix each), the float32
 * residual stream, bf16 GEMM operands with float32 accumulation through cuBLAS, attention as two
 * strided-batched GEMMs per request around a softmax kernel, and the keys/values in {@link DeviceKvCache}s.
 * Only the asked logits (or, with {@link #forwardGreedy}, one confidence and one token per asked position)
 * come back to the host.
 *
 * <p>Threads: every device call runs on the {@link Gpu}'s one GPU thread; {@link #forward} may be called
 * from any thread and blocks while its task runs there, so forwards are serialized on the device.
 *
 * <p>Graphs: a forward's device work depends only on its plan (window lengths, key counts, caches, buffer
 * addresses, and the asked positions rounded up to {@link #PICK_BUCKET}); the second time a plan is seen
 * its work is captured into a CUDA graph, and later forwards of that plan replay it in one launch after
 * copying their small per-forward tables (tokens, RoPE tables, row maps, each window's first position)
 * into fixed device buffers. Where a window starts is in those tables, not in the plan, so one graph serves
 * every step of every block of a canvas, whatever it asks, and an autoregressive step shares its plan with
 * the steps of its key bucket ({@link #KEY_BUCKET}). Set -Dquicksilver.cuda.graphs=false to run eagerly.
 */
public final class CudaDecoderModel implements LanguageModel {

    private static final Logger LOG = LoggerFactory.getLogger(CudaDecoderModel.class);
    private static final int BLOCK = 256;
    private static final int MAX_GRAPHS = 16;
    /**
     * The asked positions of a forward are computed in buckets of this many rows (the final norm, the head
     * GEMM, the argmax); the extra rows repeat row 0 and are never read back. A denoising step asks for the
     * block's still-masked positions, one fewer or more at every step, and the plan (the graph key) would
     * otherwise change with each, so no step of real decoding would replay a graph; with the bucket, all the
     * steps of a block share one plan: the first runs eagerly, the second is captured, the rest are one
     * launch each. On a GPU the head GEMM at a few dozen rows is bound by reading the head's weights once,
     * so the padding costs next to nothing.
     */
    static final int PICK_BUCKET = 32;
    /**
     * A causal step against a cache attends over its key count rounded up to this many (capped at the
     * cache's capacity): an autoregressive step has one more key than the last, so its plan would change at
     * every step and none would replay a graph. The keys past the window get probability 0 in the softmax
     * (the causal limit, read from device memory so a replay sees the step's own window) and the cache is
     * zeroed when allocated, so their value rows add nothing. At most this many extra scores per row.
     */
    static final int KEY_BUCKET = 32;
    /**
     * With the window kernel on ({@link #windowAttention}), requests whose window has at most this many rows
     * get their attention from one launch per layer for the whole batch ({@code qs_attention_windows_p*}),
     * instead of two strided-batched GEMMs and a softmax each (plus, for a read-only step against a cache,
     * two copies of the cache into scratch): a batch of 16 canvases was bound by those launches. Longer
     * windows (a block refresh over the whole canvas) keep the GEMMs, which are faster there.
     */
    static final int WINDOW_ROWS_MAX = 64;
    /** The window kernel's block size (QS_WINDOW_THREADS in kernels.cu). */
    static final int WINDOW_THREADS = 256;
    /** The window kernel holds a row's scores in shared memory: this many floats at most (48 KiB). */
    static final int WINDOW_SHARED_FLOATS = 48 * 1024 / 4;
    private static final ValueLayout.OfShort BF16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** One block's device weights: matrices bf16 [out, in]; norms and bias float32. */
    private record Layer(long wqkv, long bqkv, long wo, long wgu, long wdown, long inNorm, long postNorm) {}

    private final ModelConfig c;
    private final Gpu gpu;
    private final boolean ownsGpu;
    private final DeviceKvMemory storeMemory;
    private final Layer[] layers;
    private final long embed;
    private final long head;
    private final long finalNorm;
    private final List<Long> allocations = new ArrayList<>();
    private final long weightBytes;
    private final int heads, kvHeads, hd, hidden, inter, qDim, kvDim, qkvWidth, vocab;
    private final float eps;
    private final float[] inverseFrequency;
    private float[] ropeCos = new float[0];
    private float[] ropeSin = new float[0];
    private MemorySegment staging = MemorySegment.NULL;
    private final boolean useGraphs = !"false".equalsIgnoreCase(System.getProperty("quicksilver.cuda.graphs"));
    /**
     * Whether short windows take the one-launch attention kernel. Off unless
     * -Dquicksilver.cuda.windowAttention=true: the kernel passed no GPU run yet in this form (see
     * scripts/gpu/README.md), and the GEMM path is the measured one.
     */
    private volatile boolean windowAttention = Boolean.getBoolean("quicksilver.cuda.windowAttention");
    /** The most keys a window may have for the window kernel; 0 when the model's heads do not fit it. */
    private final int windowKeysCap;

    // Grow-only device buffers, by name; a reallocation drops every graph (their addresses changed).
    private final Map<String, long[]> buffers = new HashMap<>();
    private final Map<String, MemorySegment> graphs = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<String, Integer> seenPlans = new HashMap<>();
    private int graphLaunches;
    private int windowKernelForwards;
    private boolean closed;

    private CudaDecoderModel(ModelConfig c, Gpu gpu, boolean ownsGpu, WeightStore w, int seed) {
        this.c = c;
        this.gpu = gpu;
        this.ownsGpu = ownsGpu;
        this.storeMemory = new DeviceKvMemory(gpu);
        this.heads = c.numHeads();
        this.kvHeads = c.numKvHeads();
        this.hd = c.headDim();
        this.hidden = c.hiddenSize();
        this.inter = c.intermediateSize();
        this.qDim = c.qDim();
        this.kvDim = c.kvDim();
        this.qkvWidth = qDim + 2 * kvDim;
        this.vocab = c.vocabSize();
        this.eps = (float) c.normEps();
        this.inverseFrequency = new float[hd / 2];
        for (int i = 0; i < hd / 2; i++) {
            float exponent = (float) (2 * i) / hd;
            inverseFrequency[i] = 1f / (float) Math.pow(c.ropeTheta(), exponent);
        }
        this.windowKeysCap = windowKeysCap(heads, kvHeads, hd);
        this.layers = new Layer[c.numLayers()];
        long[] counted = new long[1];
        long[] e = new long[3];
        TensorNames n = TensorNames.of(c.architecture());
        gpu.thread().run(() -> {
            Uploader up = new Uploader(w, seed, counted);
            e[0] = up.matrix((long) vocab * hidden, n.embedding());
            for (int l = 0; l < layers.length; l++) {
                String p = n.layerPrefix(l);
                layers[l] = new Layer(
                        up.matrix((long) qkvWidth * hidden, p + n.q(), p + n.k(), p + n.v()),
                        up.vector(qkvWidth, 0f, p + n.qBias(), p + n.kBias(), p + n.vBias()),
                        up.matrix((long) hidden * qDim, p + n.attentionOut()),
                        up.matrix(2L * inter * hidden, p + n.gate(), p + n.up()),
                        up.matrix((long) hidden * inter, p + n.down()),
                        up.vector(hidden, 1f, p + n.attentionNorm()),
                        up.vector(hidden, 1f, p + n.mlpNorm()));
            }
            e[2] = up.vector(hidden, 1f, n.finalNorm());
            e[1] = c.tiedEmbeddings() ? e[0] : up.matrix((long) vocab * hidden, n.head());
            gpu.synchronize();
        });
        this.embed = e[0];
        this.head = e[1];
        this.finalNorm = e[2];
        this.weightBytes = counted[0];
    }

    /**
     * Where each weight of the shared block lives in a checkpoint of one architecture (names as in
     * {@code Qwen2Model} and {@code LladaModel}; LLaDA's q/k/v biases do not exist, so they upload as zeros).
     */
    record TensorNames(String embedding, String layers, String q, String k, String v, String qBias, String kBias,
                       String vBias, String attentionOut, String gate, String up, String down, String attentionNorm,
                       String mlpNorm, String finalNorm, String head) {

        static TensorNames of(Architecture architecture) {
            return switch (architecture) {
                case QWEN2_BIDIRECTIONAL -> new TensorNames("model.embed_tokens.weight", "model.layers.",
                        "self_attn.q_proj.weight", "self_attn.k_proj.weight", "self_attn.v_proj.weight",
                        "self_attn.q_proj.bias", "self_attn.k_proj.bias", "self_attn.v_proj.bias",
                        "self_attn.o_proj.weight", "mlp.gate_proj.weight", "mlp.up_proj.weight",
                        "mlp.down_proj.weight", "input_layernorm.weight", "post_attention_layernorm.weight",
                        "model.norm.weight", "lm_head.weight");
                case LLADA -> new TensorNames("model.transformer.wte.weight", "model.transformer.blocks.",
                        "q_proj.weight", "k_proj.weight", "v_proj.weight", "q_proj.bias", "k_proj.bias", "v_proj.bias",
                        "attn_out.weight", "ff_proj.weight", "up_proj.weight", "ff_out.weight", "attn_norm.weight",
                        "ff_norm.weight", "model.transformer.ln_f.weight", "model.transformer.ff_out.weight");
            };
        }

        String layerPrefix(int layer) {
            return layers + layer + ".";
        }
    }

    /** Uploads a checkpoint's weights (any dtype, widened or narrowed to bf16) to {@code gpu}. */
    public static CudaDecoderModel upload(ModelConfig config, WeightStore weights, Gpu gpu) {
        return new CudaDecoderModel(config, gpu, false, weights, 0);
    }

    /**
     * A model of {@code config}'s shape with random bf16 weights made on the device by a hash kernel (for the
     * benchmark: nothing is read or carried). Norm weights are near 1, the rest uniform in ±0.02.
     */
    public static CudaDecoderModel random(ModelConfig config, Gpu gpu, int seed) {
        return new CudaDecoderModel(config, gpu, false, null, seed);
    }

    public Gpu gpu() {
        return gpu;
    }

    /** Bytes of weights read by one forward (every matrix once; the embedding rows are few and not counted). */
    public long weightBytes() {
        return weightBytes;
    }

    /** How many forwards replayed a captured graph (tests check the graph path ran). */
    public int graphLaunches() {
        return graphLaunches;
    }

    /** How many forwards ran some of their attention in the window kernel (tests check it ran). */
    int windowKernelForwards() {
        return windowKernelForwards;
    }

    /**
     * Turns the window kernel on or off for the forwards that follow (tests run both paths on one device;
     * the default comes from -Dquicksilver.cuda.windowAttention). Its plans differ, so graphs are dropped.
     */
    void windowAttention(boolean on) {
        gpu.thread().run(() -> {
            windowAttention = on;
            dropGraphs();
        });
    }

    /** The window kernel's entry point for a head size: one per count of bf16 pairs a lane holds per head. */
    static String windowKernelName(int headDim) {
        return "qs_attention_windows_p" + (headDim + 63) / 64;
    }

    /**
     * The most keys a window may attend over in the window kernel, or 0 where the heads do not fit it: the
     * kernel holds the G = heads / kvHeads query heads' scores of one row in 48 KiB of shared memory, next to
     * G partial sums per thread; a lane holds pairs of dimensions (an even head size, at most 256) of at
     * most 8 query heads, and a thread per dimension needs head size <= its 256 threads.
     */
    static int windowKeysCap(int heads, int kvHeads, int headDim) {
        if (kvHeads <= 0 || heads % kvHeads != 0 || headDim % 2 != 0 || headDim > WINDOW_THREADS) {
            return 0;
        }
        int g = heads / kvHeads;
        if (g > 8) {
            return 0;
        }
        return Math.max(0, (WINDOW_SHARED_FLOATS - g * WINDOW_THREADS - 8) / g);
    }

    @Override
    public ModelConfig config() {
        return c;
    }

    @Override
    public String backendName() {
        return "cuda";
    }

    @Override
    public KvCache newCache(int capacity) {
        return new DeviceKvCache(this, gpu, c.numLayers(), capacity, kvDim);
    }

    /** Device memory on this model's GPU: its caches copy chunks into and out of the store device to device. */
    @Override
    public KvMemory storeMemory() {
        return storeMemory;
    }

    // ------------------------------------------------------------------------------------------------------
    // Weights

    /** Allocates on the GPU thread and fills from the checkpoint (or the hash kernel when there is none). */
    private final class Uploader {
        private final WeightStore w;
        private final long[] counted;
        private int seed;

        Uploader(WeightStore w, int seed, long[] counted) {
            this.w = w;
            this.seed = seed * 7919 + 1;
            this.counted = counted;
        }

        /** bf16 matrix of {@code elements}, the named tensors' rows stacked in order. */
        long matrix(long elements, String... names) {
            long ptr = alloc(elements * 2);
            counted[0] += elements * 2;
            if (w == null) {
                fillHash("qs_fill_hash_bf16", ptr, elements, 0.02f, 0f);
                return ptr;
            }
            long offset = 0;
            for (String name : names) {
                WeightTensor t = w.tensor(name);
                long n = t.elementCount();
                try (Arena a = Arena.ofConfined()) {
                    MemorySegment bf;
                    if (t.dtype() == DType.BF16) {
                        bf = t.data();
                    } else {
                        bf = a.allocate(n * 2, 16);
                        for (long i = 0; i < n; i++) {
                            bf.setAtIndex(BF16, i, toBf16(t.getFloat(i)));
                        }
                    }
                    gpu.driver().memcpyHtoD(ptr + offset * 2, bf, n * 2);
                }
                offset += n;
            }
            if (offset != elements) {
                throw new IllegalStateException("weights " + String.join(", ", names) + " hold " + offset
                        + " elements, expected " + elements);
            }
            return ptr;
        }

        /** float32 vector of {@code length}, the named tensors concatenated; absent tensors are zeros. */
        long vector(int length, float randomOffset, String... names) {
            long ptr = alloc((long) length * 4);
            if (w == null) {
                fillHash("qs_fill_hash_f32", ptr, length, randomOffset == 0f ? 0.02f : 0.05f, randomOffset);
                return ptr;
            }
            float[] v = new float[length];
            int offset = 0;
            for (String name : names) {
                var t = w.find(name);
                if (t.isPresent()) {
                    float[] part = t.get().toFloatArray();
                    System.arraycopy(part, 0, v, offset, part.length);
                    offset += part.length;
                } else {
                    offset = length; // a bias-free checkpoint: zeros
                }
            }
            upload(ptr, v);
            return ptr;
        }

        private void fillHash(String kernel, long ptr, long n, float scale, float offset) {
            int s = seed++;
            gpu.kernels().launch(kernel, 4096, BLOCK, gpu.stream(),
                    k -> k.ptr(ptr).i64(n).i32(s).f32(scale).f32(offset));
        }
    }

    static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) 0x7FC0;
        }
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }

    private long alloc(long bytes) {
        long p = gpu.driver().memAlloc(Math.max(bytes, 16));
        allocations.add(p);
        return p;
    }

    private void upload(long ptr, float[] v) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocateFrom(ValueLayout.JAVA_FLOAT, v);
            gpu.driver().memcpyHtoD(ptr, s, (long) v.length * 4);
        }
    }

    /**
     * Grows the host RoPE tables to cover positions [0, positions): cos and sin of position x inverse
     * frequency, [position, hd / 2], computed once per position instead of at every forward (at a few
     * hundred rows the trigonometry was most of a forward's host time).
     */
    private void ropeTables(int positions) {
        int half = hd / 2;
        int have = ropeCos.length / half;
        if (positions <= have) {
            return;
        }
        int grown = Math.max(positions, Math.max(256, 2 * have));
        float[] cos = java.util.Arrays.copyOf(ropeCos, grown * half);
        float[] sin = java.util.Arrays.copyOf(ropeSin, grown * half);
        for (int p = have; p < grown; p++) {
            for (int j = 0; j < half; j++) {
                float angle = (float) p * inverseFrequency[j];
                cos[p * half + j] = (float) Math.cos(angle);
                sin[p * half + j] = (float) Math.sin(angle);
            }
        }
        ropeCos = cos;
        ropeSin = sin;
    }

    /** A grow-only host buffer for the per-forward tables (GPU thread only). */
    private MemorySegment staging(long bytes) {
        if (staging.byteSize() < bytes) {
            staging = Arena.ofAuto().allocate(Math.max(4096, Long.highestOneBit(bytes) << 1), 8);
        }
        return staging;
    }

    /** A grow-only device buffer of at least {@code bytes}; growing drops the captured graphs. */
    private long buffer(String name, long bytes) {
        long[] b = buffers.get(name);
        if (b != null && b[1] >= bytes) {
            return b[0];
        }
        dropGraphs();
        if (b != null) {
            gpu.driver().memFree(b[0]);
        }
        long size = Math.max(256, Long.highestOneBit(Math.max(1, bytes - 1)) << 1);
        long p = gpu.driver().memAlloc(size);
        buffers.put(name, new long[] {p, size});
        return p;
    }

    private void dropGraphs() {
        for (MemorySegment exec : graphs.values()) {
            gpu.driver().graphExecDestroy(exec);
        }
        graphs.clear();
        seenPlans.clear();
    }

    // ------------------------------------------------------------------------------------------------------
    // Forward

    /** Where one request's attention reads its keys/values, and what must be copied first. */
    private record Attend(int rowStart, int rows, int windowStart, int keys, long k, long v, long copyFromK,
                          long copyFromV, long s, long p, long firstPos, boolean windowKernel) {}

    /** Everything a forward launches, with every device address resolved: the plan's string is the graph key. */
    private final class Plan {
        final int rowCount;
        /** Positions asked for; {@link #pickedRows} of them are computed (a bucket, see PICK_BUCKET). */
        final int picked;
        final int pickedRows;
        final boolean causal;
        final List<Attend> attends = new ArrayList<>();
        // fixed device tables
        long tokens, cos, sin, reqStart, reqLen, kRows, vRows, gather, firstPos;
        // the window kernel's tables: per row its request (or -1); per request its key count; per layer
        // and request where its keys/values lie outside and inside the window
        long winReq, winKeys, winKOut, winKWin, winVOut, winVWin;
        /** The largest key count among the window kernel's requests; 0 when it has none. */
        int windowKeysMax;
        /** Host time spent issuing the forward's device work (see planAndRun's TRACE line). */
        long issueNanos;
        // activations
        long x, normed, qkv, qh, oh, attnRows, gu, act, pickedX, pickedN, logits, conf, arg;
        final StringBuilder key = new StringBuilder();

        Plan(int rowCount, int picked, boolean causal) {
            this.rowCount = rowCount;
            this.picked = picked;
            this.pickedRows = picked == 0 ? 0 : (picked + PICK_BUCKET - 1) / PICK_BUCKET * PICK_BUCKET;
            this.causal = causal;
        }
    }

    @Override
    public float[][] forward(List<ForwardRequest> batch, AttentionKind attention) {
        return gpu.thread().call(() -> {
            Plan plan = planAndRun(batch, attention);
            float[] all = download(plan.logits, (long) plan.picked * vocab);
            float[][] out = new float[batch.size()][];
            int n = 0;
            for (int i = 0; i < batch.size(); i++) {
                int count = batch.get(i).logitPositions().length;
                out[i] = new float[count * vocab];
                System.arraycopy(all, n * vocab, out[i], 0, count * vocab);
                n += count;
            }
            return out;
        });
    }

    /** Greedy steps pick on the device: 8 bytes per position come back instead of a row of logits. */
    @Override
    public boolean prefersGreedyPicks() {
        return true;
    }

    /**
     * One forward that returns, per request and asked position, the most likely token and its probability
     * (the max of the softmax over the vocabulary, the mask token excluded), computed on the device: only 8
     * bytes per position come back instead of a row of logits.
     */
    @Override
    public Greedy[] forwardGreedy(List<ForwardRequest> batch, AttentionKind attention) {
        return gpu.thread().call(() -> {
            Plan plan = planAndRun(batch, attention);
            float[] conf;
            int[] arg;
            try (Arena a = Arena.ofConfined()) {
                MemorySegment hc = a.allocate(Math.max(4, (long) plan.picked * 4));
                MemorySegment ha = a.allocate(Math.max(4, (long) plan.picked * 4));
                if (plan.picked > 0) {
                    gpu.driver().memcpyDtoH(hc, plan.conf, (long) plan.picked * 4);
                    gpu.driver().memcpyDtoH(ha, plan.arg, (long) plan.picked * 4);
                }
                conf = hc.asSlice(0, (long) plan.picked * 4).toArray(ValueLayout.JAVA_FLOAT);
                arg = ha.asSlice(0, (long) plan.picked * 4).toArray(ValueLayout.JAVA_INT);
            }
            Greedy[] out = new Greedy[batch.size()];
            int n = 0;
            for (int i = 0; i < batch.size(); i++) {
                int count = batch.get(i).logitPositions().length;
                out[i] = new Greedy(java.util.Arrays.copyOfRange(arg, n, n + count),
                        java.util.Arrays.copyOfRange(conf, n, n + count));
                n += count;
            }
            return out;
        });
    }

    private float[] download(long ptr, long count) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment h = a.allocate(Math.max(4, count * 4));
            if (count > 0) {
                gpu.driver().memcpyDtoH(h, ptr, count * 4);
            }
            return h.asSlice(0, count * 4).toArray(ValueLayout.JAVA_FLOAT);
        }
    }

    /** Validates the batch, sizes the buffers and uploads the per-forward tables (on the GPU thread). */
    private Plan plan(List<ForwardRequest> batch, AttentionKind kind) {
        if (closed) {
            throw new IllegalStateException("the cuda model is closed");
        }
        if (batch.isEmpty()) {
            throw new IllegalArgumentException("a forward needs at least one request");
        }
        boolean causal = kind == AttentionKind.CAUSAL;
        int rows = 0;
        int picked = 0;
        for (ForwardRequest r : batch) {
            rows += r.windowLength();
            picked += r.logitPositions().length;
        }
        Plan plan = new Plan(rows, picked, causal);
        int half = hd / 2;
        int[] tokens = new int[rows];
        float[] cos = new float[rows * half];
        float[] sin = new float[rows * half];
        int[] reqStart = new int[rows];
        int[] reqLen = new int[rows];
        int[] gather = new int[Math.max(1, plan.pickedRows)]; // the padding rows gather row 0
        long[] kRows = new long[c.numLayers() * rows];
        long[] vRows = new long[c.numLayers() * rows];

        // Per-request scratch: attention scores/probabilities and, where needed, keys/values.
        long sElems = 0;
        long scratchKv = 0;
        int[] keysOf = new int[batch.size()];
        int[] firstPos = new int[batch.size()];
        boolean[] windowKernel = new boolean[batch.size()];
        int requests = batch.size();
        int[] winReq = new int[rows];
        long[] winKOut = new long[c.numLayers() * requests];
        long[] winKWin = new long[c.numLayers() * requests];
        long[] winVOut = new long[c.numLayers() * requests];
        long[] winVWin = new long[c.numLayers() * requests];
        for (int i = 0; i < batch.size(); i++) {
            ForwardRequest r = batch.get(i);
            keysOf[i] = causal ? r.windowEnd() : r.tokens().length;
            firstPos[i] = r.windowStart();
            if (causal && r.storeInCache() && r.cache() instanceof DeviceKvCache cache) {
                // keys and values are read from the cache itself: round the key count up (KEY_BUCKET)
                keysOf[i] = Math.min(cache.capacity(), (keysOf[i] + KEY_BUCKET - 1) / KEY_BUCKET * KEY_BUCKET);
            }
            windowKernel[i] = windowAttention && r.windowLength() <= WINDOW_ROWS_MAX && keysOf[i] <= windowKeysCap;
            if (windowKernel[i]) {
                plan.windowKeysMax = Math.max(plan.windowKeysMax, keysOf[i]);
                continue; // no scores buffer; its keys/values scratch is counted below
            }
            sElems += (long) heads * r.windowLength() * keysOf[i];
        }
        for (int i = 0; i < batch.size(); i++) {
            scratchKv += (long) keysOf[i] * kvDim;
        }
        long sBase = buffer("scores", sElems * 4);
        long pBase = buffer("probs", sElems * 2);
        long kScratch = buffer("kScratch", scratchKv * 2);
        long vScratch = buffer("vScratch", scratchKv * 2);
        plan.x = buffer("x", (long) rows * hidden * 4);
        plan.normed = buffer("normed", (long) rows * hidden * 2);
        plan.qkv = buffer("qkv", (long) rows * qkvWidth * 4);
        plan.qh = buffer("qh", (long) rows * qDim * 2);
        plan.oh = buffer("oh", (long) rows * qDim * 4);
        plan.attnRows = buffer("attnRows", (long) rows * qDim * 2);
        plan.gu = buffer("gu", (long) rows * 2 * inter * 4);
        plan.act = buffer("act", (long) rows * inter * 2);
        int computed = Math.max(1, plan.pickedRows);
        plan.pickedX = buffer("pickedX", (long) computed * hidden * 4);
        plan.pickedN = buffer("pickedN", (long) computed * hidden * 2);
        plan.logits = buffer("logits", (long) computed * vocab * 4);
        plan.conf = buffer("conf", (long) computed * 4);
        plan.arg = buffer("arg", (long) computed * 4);
        // Every per-forward table lies in one device buffer, uploaded in one copy: the 8-byte row
        // addresses first (aligned), then the 4-byte tables.
        plan.kRows = 0;
        plan.vRows = plan.kRows + (long) kRows.length * 8;
        plan.winKOut = plan.vRows + (long) vRows.length * 8;
        plan.winKWin = plan.winKOut + (long) winKOut.length * 8;
        plan.winVOut = plan.winKWin + (long) winKWin.length * 8;
        plan.winVWin = plan.winVOut + (long) winVOut.length * 8;
        plan.tokens = plan.winVWin + (long) winVWin.length * 8;
        plan.cos = plan.tokens + (long) rows * 4;
        plan.sin = plan.cos + (long) rows * half * 4;
        plan.reqStart = plan.sin + (long) rows * half * 4;
        plan.reqLen = plan.reqStart + (long) rows * 4;
        plan.gather = plan.reqLen + (long) rows * 4;
        plan.firstPos = plan.gather + (long) gather.length * 4;
        plan.winKeys = plan.firstPos + (long) requests * 4;
        plan.winReq = plan.winKeys + (long) requests * 4;
        long tableBytes = plan.winReq + (long) rows * 4;
        long tables = buffer("tables", tableBytes);
        plan.kRows += tables;
        plan.vRows += tables;
        plan.tokens += tables;
        plan.cos += tables;
        plan.sin += tables;
        plan.reqStart += tables;
        plan.reqLen += tables;
        plan.gather += tables;
        plan.firstPos += tables;
        plan.winKOut += tables;
        plan.winKWin += tables;
        plan.winVOut += tables;
        plan.winVWin += tables;
        plan.winKeys += tables;
        plan.winReq += tables;
        // Re-read every address: a later buffer() may have grown (and dropped graphs), but earlier
        // addresses stay valid because only the grown buffer moves.

        int row0 = 0;
        int pickedAt = 0;
        long sOff = 0;
        long kvOff = 0;
        plan.key.append(rows).append('|').append(plan.pickedRows).append('|').append(causal);
        for (int i = 0; i < batch.size(); i++) {
            ForwardRequest r = batch.get(i);
            int n = r.windowLength();
            int keys = keysOf[i];
            DeviceKvCache cache = OwnedKvCache.checkWindow(this, DeviceKvCache.class, i, r, kind,
                    causal ? r.windowEnd() : keys);
            boolean everything = r.windowStart() == 0 && r.windowEnd() == keys;
            long k;
            long v;
            long fromK = 0;
            long fromV = 0;
            long[] layerK = new long[c.numLayers()];
            long[] layerV = new long[c.numLayers()];
            if (cache != null && r.storeInCache()) {
                for (int l = 0; l < layerK.length; l++) {
                    layerK[l] = cache.keys(l);
                    layerV[l] = cache.values(l);
                }
                k = -1; // per layer
                v = -1;
            } else {
                k = kScratch + kvOff * 2;
                v = vScratch + kvOff * 2;
                java.util.Arrays.fill(layerK, k);
                java.util.Arrays.fill(layerV, v);
                if (cache != null && !everything) {
                    fromK = -1; // copy from the cache's layer, per layer
                    fromV = -1;
                }
            }
            for (int l = 0; l < layerK.length; l++) {
                // The window kernel reads the window's keys/values where this forward scatters them, and
                // the rest from the cache itself (no copy into scratch) or from the same scratch.
                winKWin[l * requests + i] = layerK[l];
                winVWin[l * requests + i] = layerV[l];
                winKOut[l * requests + i] = fromK == -1 ? cache.keys(l) : layerK[l];
                winVOut[l * requests + i] = fromV == -1 ? cache.values(l) : layerV[l];
            }
            for (int p = r.windowStart(); p < r.windowEnd(); p++) {
                int row = row0 + p - r.windowStart();
                int token = r.tokens()[p];
                if (token < 0 || token >= vocab) {
                    throw new IllegalArgumentException("request " + i + ": token " + token + " at position " + p
                            + " is outside the model's " + vocab + " embeddings");
                }
                tokens[row] = token;
                winReq[row] = windowKernel[i] ? i : -1;
                reqStart[row] = row0;
                reqLen[row] = n;
                ropeTables(p + 1);
                System.arraycopy(ropeCos, p * half, cos, row * half, half);
                System.arraycopy(ropeSin, p * half, sin, row * half, half);
                for (int l = 0; l < c.numLayers(); l++) {
                    kRows[l * rows + row] = layerK[l] + (long) p * kvDim * 2;
                    vRows[l * rows + row] = layerV[l] + (long) p * kvDim * 2;
                }
            }
            for (int pos : r.logitPositions()) {
                gather[pickedAt++] = row0 + pos - r.windowStart();
            }
            Attend at = new Attend(row0, n, r.windowStart(), keys, k, v, fromK, fromV, sBase + sOff * 4,
                    pBase + sOff * 2, plan.firstPos + (long) i * 4, windowKernel[i]);
            plan.attends.add(at);
            if (cache != null) {
                // remembered for the per-layer addresses
                cacheOf.put(at, cache);
            }
            // The window's start is not in the key: every launch reads it from a device table (the row
            // tables, RoPE, the causal limit), so the steps of every block of a canvas share one graph.
            plan.key.append('/').append(n).append(',').append(keys).append(',')
                    .append(cache == null ? 0 : cache.keys(0)).append(',')
                    .append(r.storeInCache()).append(',').append(k).append(',').append(fromK);
            row0 += n;
            if (!windowKernel[i]) {
                sOff += (long) heads * n * keys;
            }
            kvOff += (long) keys * kvDim;
        }
        // Addresses may have moved while sizing: take the final ones into the key.
        for (String name : new String[] {"scores", "x", "logits", "kScratch", "qkv", "gu"}) {
            plan.key.append('@').append(buffers.get(name)[0]);
        }
        MemorySegment host = staging(tableBytes);
        MemorySegment.copy(kRows, 0, host, ValueLayout.JAVA_LONG, plan.kRows - tables, kRows.length);
        MemorySegment.copy(vRows, 0, host, ValueLayout.JAVA_LONG, plan.vRows - tables, vRows.length);
        MemorySegment.copy(tokens, 0, host, ValueLayout.JAVA_INT, plan.tokens - tables, tokens.length);
        MemorySegment.copy(cos, 0, host, ValueLayout.JAVA_FLOAT, plan.cos - tables, cos.length);
        MemorySegment.copy(sin, 0, host, ValueLayout.JAVA_FLOAT, plan.sin - tables, sin.length);
        MemorySegment.copy(reqStart, 0, host, ValueLayout.JAVA_INT, plan.reqStart - tables, reqStart.length);
        MemorySegment.copy(reqLen, 0, host, ValueLayout.JAVA_INT, plan.reqLen - tables, reqLen.length);
        MemorySegment.copy(gather, 0, host, ValueLayout.JAVA_INT, plan.gather - tables, gather.length);
        MemorySegment.copy(firstPos, 0, host, ValueLayout.JAVA_INT, plan.firstPos - tables, firstPos.length);
        MemorySegment.copy(winKOut, 0, host, ValueLayout.JAVA_LONG, plan.winKOut - tables, winKOut.length);
        MemorySegment.copy(winKWin, 0, host, ValueLayout.JAVA_LONG, plan.winKWin - tables, winKWin.length);
        MemorySegment.copy(winVOut, 0, host, ValueLayout.JAVA_LONG, plan.winVOut - tables, winVOut.length);
        MemorySegment.copy(winVWin, 0, host, ValueLayout.JAVA_LONG, plan.winVWin - tables, winVWin.length);
        MemorySegment.copy(keysOf, 0, host, ValueLayout.JAVA_INT, plan.winKeys - tables, keysOf.length);
        MemorySegment.copy(winReq, 0, host, ValueLayout.JAVA_INT, plan.winReq - tables, winReq.length);
        gpu.driver().memcpyHtoD(tables, host, tableBytes);
        return plan;
    }

    private final Map<Attend, DeviceKvCache> cacheOf = new java.util.IdentityHashMap<>();

    /**
     * Plans and runs one forward (on the GPU thread). With TRACE logging on for this class, one line per
     * forward says where its time went: the host's planning (tables computed and uploaded) and the device
     * work until the stream is idle, whether that was a graph replay, a capture or eager launches, and of
     * the device part how long the host took to issue it (the launches, or capturing and instantiating the
     * graph): an eager forward that issues for as long as it runs is bound by the host, not the device.
     */
    private Plan planAndRun(List<ForwardRequest> batch, AttentionKind attention) {
        long start = System.nanoTime();
        Plan plan = plan(batch, attention);
        long planned = System.nanoTime();
        String how = run(plan);
        if (LOG.isTraceEnabled()) {
            long done = System.nanoTime();
            LOG.trace("forward: {} requests, {} rows, {} picked, {}: plan {} ms, device {} ms ({}), issuing {} ms",
                    batch.size(), plan.rowCount, plan.picked, attention,
                    String.format(java.util.Locale.ROOT, "%.3f", (planned - start) / 1e6),
                    String.format(java.util.Locale.ROOT, "%.3f", (done - planned) / 1e6), how,
                    String.format(java.util.Locale.ROOT, "%.3f", plan.issueNanos / 1e6));
        }
        return plan;
    }

    /**
     * Runs the plan: eagerly the first time, captured into a graph the second, replayed after that.
     *
     * @return "replay", "capture" or "eager"
     */
    private String run(Plan plan) {
        String how;
        long issueStart = System.nanoTime();
        try {
            String key = plan.key.toString();
            MemorySegment exec = useGraphs ? graphs.get(key) : null;
            if (exec != null) {
                how = "replay";
                gpu.driver().graphLaunch(exec, gpu.stream());
                graphLaunches++;
            } else if (useGraphs && seenPlans.merge(key, 1, Integer::sum) >= 2) {
                how = "capture";
                CudaDriver d = gpu.driver();
                d.streamBeginCapture(gpu.stream(), CudaDriver.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL);
                MemorySegment graph;
                try {
                    enqueue(plan);
                } finally {
                    graph = d.streamEndCapture(gpu.stream());
                }
                exec = d.graphInstantiate(graph);
                d.graphDestroy(graph);
                if (graphs.size() >= MAX_GRAPHS) {
                    var eldest = graphs.entrySet().iterator().next();
                    d.graphExecDestroy(eldest.getValue());
                    graphs.remove(eldest.getKey());
                }
                graphs.put(key, exec);
                d.graphLaunch(exec, gpu.stream());
                graphLaunches++;
            } else {
                how = "eager";
                enqueue(plan);
            }
            plan.issueNanos = System.nanoTime() - issueStart;
            gpu.synchronize();
            if (plan.windowKeysMax > 0) {
                windowKernelForwards++;
            }
            for (Attend at : plan.attends) {
                DeviceKvCache cache = cacheOf.get(at);
                if (cache != null && at.k() == -1) {
                    cache.markHeld(at.windowStart(), at.windowStart() + at.rows());
                }
            }
            return how;
        } finally {
            cacheOf.clear();
        }
    }

    /** Enqueues the whole forward on the stream (eager, or inside a capture). */
    private void enqueue(Plan p) {
        CudaKernels kern = gpu.kernels();
        Cublas blas = gpu.cublas();
        MemorySegment st = gpu.stream();
        int rows = p.rowCount;
        int gs = heads / kvHeads;
        float scale = (float) (1.0 / Math.sqrt(hd));

        // Embedding gather: x [R, hidden] float32
        kern.launch("qs_embed_bf16", rows, BLOCK, st, k -> k.ptr(embed).ptr(p.tokens).ptr(p.x).i32(rows).i32(hidden));

        for (int l = 0; l < layers.length; l++) {
            Layer w = layers[l];
            int layer = l;
            // normed = RMSNorm(x) * input_layernorm                                  [R, hidden] bf16
            kern.launch("qs_rmsnorm_bf16", rows, BLOCK, st,
                    k -> k.ptr(p.x).ptr(w.inNorm()).ptr(p.normed).i32(rows).i32(hidden).f32(eps));
            // qkv = normed · [Wq; Wk; Wv]^T                                          [R, qDim + 2 kvDim] f32
            blas.gemmEx(OP_T, OP_N, qkvWidth, rows, hidden, 1f, w.wqkv(), CUDA_R_16BF, hidden, p.normed, CUDA_R_16BF,
                    hidden, 0f, p.qkv, CUDA_R_32F, qkvWidth);
            // Read-only cached steps: the cache's keys/values into the request's scratch, the window over them
            for (Attend at : p.attends) {
                if (at.copyFromK() == -1 && !at.windowKernel()) {
                    DeviceKvCache cache = cacheOf.get(at);
                    long bytes = (long) at.keys() * kvDim * 2;
                    gpu.driver().memcpyDtoDAsync(at.k(), cache.keys(l), bytes, st);
                    gpu.driver().memcpyDtoDAsync(at.v(), cache.values(l), bytes, st);
                }
            }
            // bias, RoPE; q to head-major per request [heads, n, hd] bf16; k, v rows to their key buffers
            kern.launch("qs_qkv_rope_scatter", rows, BLOCK, st, k -> k.ptr(p.qkv).ptr(w.bqkv()).ptr(p.cos).ptr(p.sin)
                    .ptr(p.reqStart).ptr(p.reqLen).ptr(p.kRows + (long) layer * rows * 8)
                    .ptr(p.vRows + (long) layer * rows * 8).ptr(p.qh).i32(rows).i32(heads).i32(kvHeads).i32(hd));
            // Attention of every short window at once (WINDOW_ROWS_MAX), a block per row and kv head
            if (p.windowKeysMax > 0) {
                long layerTable = (long) layer * p.attends.size() * 8; // this layer's [requests] slice
                int shared = (gs * p.windowKeysMax + gs * WINDOW_THREADS + 8) * 4;
                kern.launch(windowKernelName(hd), rows * kvHeads, WINDOW_THREADS, shared, st,
                        k -> k.ptr(p.qh).ptr(p.oh).ptr(p.reqStart).ptr(p.reqLen).ptr(p.winReq).ptr(p.firstPos)
                                .ptr(p.winKeys).ptr(p.winKOut + layerTable).ptr(p.winKWin + layerTable)
                                .ptr(p.winVOut + layerTable).ptr(p.winVWin + layerTable).i32(rows).i32(heads)
                                .i32(kvHeads).i32(hd).i32(p.causal ? 1 : 0).f32(scale).i32(p.windowKeysMax));
            }
            // The others, per request: S = Q K^T / sqrt(hd); P = softmax(S); O = P V, batched over kv heads
            for (Attend at : p.attends) {
                if (at.windowKernel()) {
                    continue;
                }
                int n = at.rows();
                int keys = at.keys();
                long kBase = at.k() == -1 ? cacheOf.get(at).keys(l) : at.k();
                long vBase = at.k() == -1 ? cacheOf.get(at).values(l) : at.v();
                long q0 = p.qh + (long) at.rowStart() * qDim * 2;
                long o0 = p.oh + (long) at.rowStart() * qDim * 4;
                blas.gemmStridedBatchedEx(OP_T, OP_N, keys, gs * n, hd, scale,
                        kBase, CUDA_R_16BF, kvDim, hd,
                        q0, CUDA_R_16BF, hd, (long) gs * n * hd,
                        0f, at.s(), CUDA_R_32F, keys, (long) gs * n * keys, kvHeads);
                kern.launch("qs_softmax_rows", heads * n, BLOCK, st, k -> k.ptr(at.s()).ptr(at.p()).i32(heads * n)
                        .i32(keys).i32(n).ptr(at.firstPos()).i32(p.causal ? 1 : 0));
                blas.gemmStridedBatchedEx(OP_N, OP_N, hd, gs * n, keys, 1f,
                        vBase, CUDA_R_16BF, kvDim, hd,
                        at.p(), CUDA_R_16BF, keys, (long) gs * n * keys,
                        0f, o0, CUDA_R_32F, hd, (long) gs * n * hd, kvHeads);
            }
            // back to rows [R, qDim] bf16
            kern.launch("qs_heads_to_rows", rows, BLOCK, st,
                    k -> k.ptr(p.oh).ptr(p.reqStart).ptr(p.reqLen).ptr(p.attnRows).i32(rows).i32(heads).i32(hd));
            // x += attn · Wo^T (the residual add is the GEMM's beta = 1)              [R, hidden] f32
            blas.gemmEx(OP_T, OP_N, hidden, rows, qDim, 1f, w.wo(), CUDA_R_16BF, qDim, p.attnRows, CUDA_R_16BF, qDim,
                    1f, p.x, CUDA_R_32F, hidden);
            // normed = RMSNorm(x) * post_attention_layernorm
            kern.launch("qs_rmsnorm_bf16", rows, BLOCK, st,
                    k -> k.ptr(p.x).ptr(w.postNorm()).ptr(p.normed).i32(rows).i32(hidden).f32(eps));
            // gu = normed · [Wgate; Wup]^T                                            [R, 2 inter] f32
            blas.gemmEx(OP_T, OP_N, 2 * inter, rows, hidden, 1f, w.wgu(), CUDA_R_16BF, hidden, p.normed, CUDA_R_16BF,
                    hidden, 0f, p.gu, CUDA_R_32F, 2 * inter);
            // act = silu(gate) * up                                                   [R, inter] bf16
            long total = (long) rows * inter;
            kern.launch("qs_swiglu_bf16", (int) ((total + BLOCK - 1) / BLOCK), BLOCK, st,
                    k -> k.ptr(p.gu).ptr(p.act).i32(rows).i32(inter));
            // x += act · Wdown^T
            blas.gemmEx(OP_T, OP_N, hidden, rows, inter, 1f, w.wdown(), CUDA_R_16BF, inter, p.act, CUDA_R_16BF, inter,
                    1f, p.x, CUDA_R_32F, hidden);
        }

        if (p.picked == 0) {
            return;
        }
        // The asked rows only: final norm, head, then confidence and argmax       [N, vocab] f32
        int n = p.pickedRows;
        kern.launch("qs_gather_rows_f32", n, BLOCK, st, k -> k.ptr(p.x).ptr(p.gather).ptr(p.pickedX).i32(n).i32(hidden));
        kern.launch("qs_rmsnorm_bf16", n, BLOCK, st,
                k -> k.ptr(p.pickedX).ptr(finalNorm).ptr(p.pickedN).i32(n).i32(hidden).f32(eps));
        blas.gemmEx(OP_T, OP_N, vocab, n, hidden, 1f, head, CUDA_R_16BF, hidden, p.pickedN, CUDA_R_16BF, hidden,
                0f, p.logits, CUDA_R_32F, vocab);
        kern.launch("qs_confidence_argmax", n, 1024, st,
                k -> k.ptr(p.logits).ptr(p.conf).ptr(p.arg).i32(n).i32(vocab).i32(c.maskTokenId()));
    }

    /** Fills every activation and output buffer with NaN (tests: an unwritten element cannot pass). */
    void poisonBuffers() {
        gpu.thread().run(() -> {
            for (long[] b : buffers.values()) {
                gpu.driver().memsetD32Async(b[0], 0x7FC00000, b[1] / 4, gpu.stream());
            }
            gpu.synchronize();
        });
    }

    /** Frees every device allocation on the GPU thread (caches are closed by their owners). */
    @Override
    public void close() {
        gpu.thread().run(() -> {
            if (closed) {
                return;
            }
            closed = true;
            gpu.synchronize();
            dropGraphs();
            for (long[] b : buffers.values()) {
                gpu.driver().memFree(b[0]);
            }
            buffers.clear();
            for (long a : allocations) {
                gpu.driver().memFree(a);
            }
            allocations.clear();
        });
        if (ownsGpu) {
            gpu.close();
        }
    }
}
