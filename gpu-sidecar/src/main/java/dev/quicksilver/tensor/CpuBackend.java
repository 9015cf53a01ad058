package dev.quicksilver.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntConsumer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels for x86/ARM CPUs.
 *
 * <h2>Design</h2>
 * <p><b>Matmul.</b> {@code out = x * W^T} with W in its checkpoint layout {@code [out, in]}: both operands
 * are read along their contiguous {@code in} axis. The work is blocked the way a BLAS blocks it (after
 * Goto and van de Geijn, "Anatomy of High-Performance Matrix Multiplication"): the {@code in} axis is cut
 * into chunks of {@link #KC}; for each chunk, {@link #NR} weight rows (two vectors' worth of output
 * columns) are widened to float and transposed into a small panel {@code [KC][NR]} (this is where bf16
 * and f16 are converted, once per panel, with vector shifts, so one float kernel serves every dtype), and
 * then every group of {@link #MR} activation rows is multiplied against the panel by a register-tiled
 * micro-kernel of outer products: at each k, two panel vectors times MR broadcast activations into
 * MR x 2 vector accumulators, which are the outputs themselves (no horizontal reductions). A panel
 * (NR x KC floats, 32 KiB at 512 bits) stays in L1/L2 and is reused by all rows. Weights therefore stream from memory once per forward, whatever the number of rows. With fewer
 * than MR rows (autoregressive steps) there is nothing to reuse a panel for, so each weight row is
 * widened in registers and consumed directly.
 *
 * <p><b>Threads.</b> One {@link ForkJoinPool} per backend, sized to the available processors, its workers
 * daemons so an idle pool never keeps the JVM alive. A matmul is split over output columns (each task
 * owns whole NR-column panels and writes a disjoint slice of every output row, so tasks share nothing
 * but read-only inputs); attention is split over (kv head, block of query rows), or over (head, query
 * row) pairs when there are only a few rows. Each leaf task allocates its
 * own scratch (a panel, a score row) once, outside the inner loops. The backend holds no other state,
 * so overlapping calls from several threads simply share the pool. Small problems run on the caller's
 * thread, where forking would cost more than it saves.
 *
 * <p><b>Vector width.</b> Everything is written once against {@link FloatVector#SPECIES_PREFERRED}; the
 * bf16/f16 loads use the short species with the same lane count. Tails (sizes that are not a multiple of
 * the lane count) are finished with scalar loops.
 */
public final class CpuBackend implements Backend {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfShort BF16_BITS = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);

    /** Activation rows per micro-kernel tile. */
    static final int MR = 4;
    /** Weight rows (output columns) per micro-kernel tile and per panel: two float vectors. */
    static final int NR = 2 * L;
    /** Length of the {@code in}-axis chunk a panel covers (NR x KC floats: 32 KiB with 512-bit vectors). */
    static final int KC = 256;
    /** Below this many multiply-adds a call runs on the caller's thread. */
    private static final long PARALLEL_THRESHOLD = 1L << 15;

    private final ForkJoinPool pool;
    private final int parallelism;

    public CpuBackend() {
        this(Runtime.getRuntime().availableProcessors());
    }

    public CpuBackend(int threads) {
        this.parallelism = Math.max(1, threads);
        this.pool = new ForkJoinPool(parallelism, p -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setDaemon(true);
            t.setName("quicksilver-cpu-" + t.getPoolIndex());
            return t;
        }, null, false);
    }

    @Override
    public String name() {
        return "cpu";
    }

    public int threads() {
        return parallelism;
    }

    /** Vector lanes of float32 on this machine (for logs and benchmarks). */
    public static int lanes() {
        return L;
    }

    // ------------------------------------------------------------------------------------------
    // matmul
    // ------------------------------------------------------------------------------------------

    @Override
    public void matmul(float[] x, int rows, WeightTensor w, float[] bias, float[] out) {
        int in = w.cols();
        int outDim = w.rows();
        int panels = (outDim + NR - 1) / NR;
        long work = (long) rows * in * outDim;
        int tasks = work < PARALLEL_THRESHOLD ? 1 : Math.min(panels, parallelism * 4);
        parallelFor(tasks, task -> {
            int firstPanel = (int) ((long) panels * task / tasks);
            int endPanel = (int) ((long) panels * (task + 1) / tasks);
            matmulColumns(x, rows, w, bias, out, firstPanel * NR, Math.min(outDim, endPanel * NR));
        });
    }

    /** Output columns [c0, c1) of every row. */
    private static void matmulColumns(float[] x, int rows, WeightTensor w, float[] bias, float[] out, int c0, int c1) {
        int in = w.cols();
        int outDim = w.rows();
        if (rows < MR) {
            // Too few rows to reuse a panel (autoregressive steps): stream each weight row once,
            // converting in registers, instead of writing and re-reading a panel.
            for (int c = c0; c < c1; c++) {
                for (int r = 0; r < rows; r++) {
                    float sum = dotWeightRow(x, r * in, w, (long) c * in, in);
                    out[r * outDim + c] = bias == null ? sum : sum + bias[c];
                }
            }
            return;
        }
        // Panel: NR weight rows (output columns) x kc, widened to float and transposed to [kc][NR], so one
        // k step of the micro-kernel reads NR consecutive output columns as two vectors.
        float[] panel = new float[KC * NR];
        float[] weightRow = new float[KC];
        for (int c = c0; c < c1; c += NR) {
            int nc = Math.min(NR, c1 - c);
            for (int k0 = 0; k0 < in; k0 += KC) {
                int kc = Math.min(KC, in - k0);
                packPanel(w, c, nc, k0, kc, panel, weightRow);
                boolean first = k0 == 0;
                int r = 0;
                for (; r + MR <= rows; r += MR) {
                    tileRows4(x, r * in + k0, in, panel, kc, out, r * outDim + c, outDim, nc, first, bias, c);
                }
                for (; r < rows; r++) {
                    tileRow1(x, r * in + k0, panel, kc, out, r * outDim + c, nc, first, bias, c);
                }
            }
        }
    }

    /**
     * Widens weight rows c..c+nc, columns k0..k0+kc, into {@code panel[k * NR + j]}; missing columns are 0.
     * bf16 is widened by a scalar shift straight from the mapped file: the transposed stores are scalar
     * anyway, and a profile showed the vector conversion falling back to its slow Java path here (it is
     * only intrinsified where C2 inlines it into the loop, which it did not in this call chain).
     */
    private static void packPanel(WeightTensor w, int c, int nc, int k0, int kc, float[] panel, float[] weightRow) {
        int in = w.cols();
        MemorySegment seg = w.data();
        for (int j = 0; j < nc; j++) {
            long from = (long) (c + j) * in + k0;
            if (w.dtype() == DType.BF16) {
                for (int k = 0; k < kc; k++) {
                    panel[k * NR + j] = Float.intBitsToFloat(seg.get(BF16_BITS, (from + k) * 2) << 16);
                }
                continue;
            }
            widen(w, from, kc, weightRow, 0);
            for (int k = 0; k < kc; k++) {
                panel[k * NR + j] = weightRow[k];
            }
        }
        for (int j = nc; j < NR; j++) {
            for (int k = 0; k < kc; k++) {
                panel[k * NR + j] = 0f;
            }
        }
    }

    /**
     * MR x NR tile as outer products (Goto and van de Geijn; the BLIS micro-kernel shape): at each k, the
     * panel's two vectors of output columns are multiplied by four broadcast activations into eight
     * vector accumulators. No horizontal reductions: the accumulators are the outputs.
     */
    private static void tileRows4(float[] x, int xOff, int xStride, float[] panel, int kc, float[] out,
                                  int outOff, int outStride, int nc, boolean first, float[] bias, int col) {
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a10 = a00, a11 = a00;
        FloatVector a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        int x0 = xOff, x1 = xOff + xStride, x2 = xOff + 2 * xStride, x3 = xOff + 3 * xStride;
        for (int k = 0; k < kc; k++) {
            FloatVector w0 = FloatVector.fromArray(F, panel, k * NR);
            FloatVector w1 = FloatVector.fromArray(F, panel, k * NR + L);
            FloatVector v = FloatVector.broadcast(F, x[x0 + k]);
            a00 = v.fma(w0, a00);
            a01 = v.fma(w1, a01);
            v = FloatVector.broadcast(F, x[x1 + k]);
            a10 = v.fma(w0, a10);
            a11 = v.fma(w1, a11);
            v = FloatVector.broadcast(F, x[x2 + k]);
            a20 = v.fma(w0, a20);
            a21 = v.fma(w1, a21);
            v = FloatVector.broadcast(F, x[x3 + k]);
            a30 = v.fma(w0, a30);
            a31 = v.fma(w1, a31);
        }
        storeTile(out, outOff, nc, a00, a01, first, bias, col);
        storeTile(out, outOff + outStride, nc, a10, a11, first, bias, col);
        storeTile(out, outOff + 2 * outStride, nc, a20, a21, first, bias, col);
        storeTile(out, outOff + 3 * outStride, nc, a30, a31, first, bias, col);
    }

    /** One activation row against the panel: the remainder rows of {@link #tileRows4}. */
    private static void tileRow1(float[] x, int xOff, float[] panel, int kc, float[] out, int outOff, int nc,
                                 boolean first, float[] bias, int col) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0;
        for (int k = 0; k < kc; k++) {
            FloatVector v = FloatVector.broadcast(F, x[xOff + k]);
            a0 = v.fma(FloatVector.fromArray(F, panel, k * NR), a0);
            a1 = v.fma(FloatVector.fromArray(F, panel, k * NR + L), a1);
        }
        storeTile(out, outOff, nc, a0, a1, first, bias, col);
    }

    /**
     * Writes (first K chunk, plus bias) or adds (later chunks) the {@code nc} valid columns of one tile
     * row held in two vectors.
     */
    private static void storeTile(float[] out, int at, int nc, FloatVector lo, FloatVector hi, boolean first,
                                  float[] bias, int col) {
        if (nc == NR) {
            if (!first) {
                lo = lo.add(FloatVector.fromArray(F, out, at));
                hi = hi.add(FloatVector.fromArray(F, out, at + L));
            } else if (bias != null) {
                lo = lo.add(FloatVector.fromArray(F, bias, col));
                hi = hi.add(FloatVector.fromArray(F, bias, col + L));
            }
            lo.intoArray(out, at);
            hi.intoArray(out, at + L);
            return;
        }
        for (int j = 0; j < nc; j++) {
            float value = j < L ? lo.lane(j) : hi.lane(j - L);
            store(out, at + j, value, first, bias, col + j);
        }
    }

    /** The first K-chunk writes (plus bias); later chunks accumulate. */
    private static void store(float[] out, int at, float value, boolean first, float[] bias, int col) {
        if (first) {
            out[at] = bias == null ? value : value + bias[col];
        } else {
            out[at] += value;
        }
    }

    /** x[xOff..xOff+n) . w[from..from+n), widening w on the fly; two accumulators hide the fma latency. */
    private static float dotWeightRow(float[] x, int xOff, WeightTensor w, long from, int n) {
        MemorySegment seg = w.data();
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        int upper = n - n % (2 * L);
        switch (w.dtype()) {
            case F32 -> {
                for (int i = 0; i < upper; i += 2 * L) {
                    acc0 = FloatVector.fromMemorySegment(F, seg, (from + i) * 4, LE)
                            .fma(FloatVector.fromArray(F, x, xOff + i), acc0);
                    acc1 = FloatVector.fromMemorySegment(F, seg, (from + i + L) * 4, LE)
                            .fma(FloatVector.fromArray(F, x, xOff + i + L), acc1);
                }
            }
            case BF16 -> {
                for (int i = 0; i < upper; i += 2 * L) {
                    acc0 = bf16ToFloat(ShortVector.fromMemorySegment(S, seg, (from + i) * 2, LE))
                            .fma(FloatVector.fromArray(F, x, xOff + i), acc0);
                    acc1 = bf16ToFloat(ShortVector.fromMemorySegment(S, seg, (from + i + L) * 2, LE))
                            .fma(FloatVector.fromArray(F, x, xOff + i + L), acc1);
                }
            }
            case F16 -> {
                for (int i = 0; i < upper; i += 2 * L) {
                    acc0 = f16ToFloat(ShortVector.fromMemorySegment(S, seg, (from + i) * 2, LE))
                            .fma(FloatVector.fromArray(F, x, xOff + i), acc0);
                    acc1 = f16ToFloat(ShortVector.fromMemorySegment(S, seg, (from + i + L) * 2, LE))
                            .fma(FloatVector.fromArray(F, x, xOff + i + L), acc1);
                }
            }
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (int i = upper; i < n; i++) {
            sum += x[xOff + i] * w.getFloat(from + i);
        }
        return sum;
    }

    // ------------------------------------------------------------------------------------------
    // dtype widening: weights in the mapped file -> float32
    // ------------------------------------------------------------------------------------------

    /** Widens {@code count} elements of {@code w} starting at element {@code from} into {@code dst[dstOff..]}. */
    static void widen(WeightTensor w, long from, int count, float[] dst, int dstOff) {
        MemorySegment seg = w.data();
        int upper = F.loopBound(count);
        switch (w.dtype()) {
            case F32 -> {
                for (int i = 0; i < upper; i += L) {
                    FloatVector.fromMemorySegment(F, seg, (from + i) * 4, LE).intoArray(dst, dstOff + i);
                }
            }
            case BF16 -> {
                for (int i = 0; i < upper; i += L) {
                    bf16ToFloat(ShortVector.fromMemorySegment(S, seg, (from + i) * 2, LE)).intoArray(dst, dstOff + i);
                }
            }
            case F16 -> {
                for (int i = 0; i < upper; i += L) {
                    f16ToFloat(ShortVector.fromMemorySegment(S, seg, (from + i) * 2, LE)).intoArray(dst, dstOff + i);
                }
            }
        }
        for (int i = upper; i < count; i++) {
            dst[dstOff + i] = w.getFloat(from + i);
        }
    }

    /** bf16 is the top half of a float32: sign-extend to int lanes, shift left 16, reinterpret. */
    static FloatVector bf16ToFloat(ShortVector bits) {
        IntVector wide = (IntVector) bits.convertShape(VectorOperators.S2I, I, 0);
        return wide.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /**
     * IEEE half to float without a lookup table (the "magic multiply" of F. Giesen's half_to_float_fast):
     * moving the 15 exponent+mantissa bits up by 13 places them in a float whose exponent is 112 too
     * small; multiplying by 2^112 fixes normals and subnormals alike, exactly. Infinities and NaNs
     * (half exponent all ones) get the float exponent all ones instead. The sign is or-ed back last.
     */
    static FloatVector f16ToFloat(ShortVector bits) {
        IntVector h = (IntVector) bits.convertShape(VectorOperators.S2I, I, 0);
        IntVector sign = h.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        IntVector magnitudeBits = h.and(0x7FFF);
        IntVector shifted = magnitudeBits.lanewise(VectorOperators.LSHL, 13);
        IntVector finite = shifted.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
        VectorMask<Integer> infOrNan = magnitudeBits.compare(VectorOperators.GE, 0x7C00);
        IntVector special = shifted.or(0x7F800000);
        return finite.blend(special, infOrNan).or(sign).reinterpretAsFloats();
    }

    // ------------------------------------------------------------------------------------------
    // element-wise and row-wise kernels
    // ------------------------------------------------------------------------------------------

    @Override
    public void rmsNorm(float[] x, int rows, int dim, float[] weight, float eps, float[] out) {
        int upper = F.loopBound(dim);
        for (int r = 0; r < rows; r++) {
            int base = r * dim;
            FloatVector acc = FloatVector.zero(F);
            for (int i = 0; i < upper; i += L) {
                FloatVector v = FloatVector.fromArray(F, x, base + i);
                acc = v.fma(v, acc);
            }
            float sumOfSquares = acc.reduceLanes(VectorOperators.ADD);
            for (int i = upper; i < dim; i++) {
                sumOfSquares += x[base + i] * x[base + i];
            }
            float inverseRms = (float) (1.0 / Math.sqrt(sumOfSquares / dim + eps));
            for (int i = 0; i < upper; i += L) {
                FloatVector.fromArray(F, x, base + i).mul(inverseRms).mul(FloatVector.fromArray(F, weight, i))
                        .intoArray(out, base + i);
            }
            for (int i = upper; i < dim; i++) {
                out[base + i] = x[base + i] * inverseRms * weight[i];
            }
        }
    }

    @Override
    public void rope(float[] x, int rows, int heads, int headDim, float[] cos, float[] sin) {
        int half = headDim / 2;
        int upper = F.loopBound(half);
        for (int r = 0; r < rows; r++) {
            int table = r * half;
            for (int h = 0; h < heads; h++) {
                int base = (r * heads + h) * headDim;
                for (int j = 0; j < upper; j += L) {
                    FloatVector c = FloatVector.fromArray(F, cos, table + j);
                    FloatVector s = FloatVector.fromArray(F, sin, table + j);
                    FloatVector first = FloatVector.fromArray(F, x, base + j);
                    FloatVector second = FloatVector.fromArray(F, x, base + half + j);
                    first.mul(c).sub(second.mul(s)).intoArray(x, base + j);
                    second.mul(c).add(first.mul(s)).intoArray(x, base + half + j);
                }
                for (int j = upper; j < half; j++) {
                    float c = cos[table + j];
                    float s = sin[table + j];
                    float first = x[base + j];
                    float second = x[base + half + j];
                    x[base + j] = first * c - second * s;
                    x[base + half + j] = second * c + first * s;
                }
            }
        }
    }

    @Override
    public void swiglu(float[] gate, float[] up, int n) {
        int upper = F.loopBound(n);
        for (int i = 0; i < upper; i += L) {
            FloatVector g = FloatVector.fromArray(F, gate, i);
            FloatVector silu = g.div(g.neg().lanewise(VectorOperators.EXP).add(1f));
            silu.mul(FloatVector.fromArray(F, up, i)).intoArray(gate, i);
        }
        for (int i = upper; i < n; i++) {
            float g = gate[i];
            gate[i] = g / (1f + (float) Math.exp(-g)) * up[i];
        }
    }

    @Override
    public void add(float[] x, float[] y, int n) {
        int upper = F.loopBound(n);
        for (int i = 0; i < upper; i += L) {
            FloatVector.fromArray(F, x, i).add(FloatVector.fromArray(F, y, i)).intoArray(x, i);
        }
        for (int i = upper; i < n; i++) {
            x[i] += y[i];
        }
    }

    @Override
    public void embed(WeightTensor table, int[] tokens, float[] out) {
        int dim = table.cols();
        for (int r = 0; r < tokens.length; r++) {
            widen(table, (long) tokens[r] * dim, dim, out, r * dim);
        }
    }

    @Override
    public void softmax(float[] x, int offset, int length) {
        int upper = F.loopBound(length);
        FloatVector maxV = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < upper; i += L) {
            maxV = maxV.max(FloatVector.fromArray(F, x, offset + i));
        }
        float max = maxV.reduceLanes(VectorOperators.MAX);
        for (int i = upper; i < length; i++) {
            max = Math.max(max, x[offset + i]);
        }
        FloatVector sumV = FloatVector.zero(F);
        for (int i = 0; i < upper; i += L) {
            FloatVector e = FloatVector.fromArray(F, x, offset + i).sub(max).lanewise(VectorOperators.EXP);
            e.intoArray(x, offset + i);
            sumV = sumV.add(e);
        }
        float sum = sumV.reduceLanes(VectorOperators.ADD);
        for (int i = upper; i < length; i++) {
            x[offset + i] = (float) Math.exp(x[offset + i] - max);
            sum += x[offset + i];
        }
        float inverse = 1f / sum;
        for (int i = 0; i < upper; i += L) {
            FloatVector.fromArray(F, x, offset + i).mul(inverse).intoArray(x, offset + i);
        }
        for (int i = upper; i < length; i++) {
            x[offset + i] *= inverse;
        }
    }

    // ------------------------------------------------------------------------------------------
    // attention
    // ------------------------------------------------------------------------------------------

    @Override
    public void attention(float[] q, float[] out, int qRow0, int nQ, int firstPosition, MemorySegment keys,
                          MemorySegment values, int nKeys, AttentionShape shape, boolean causal) {
        if (nQ >= TILE_QUERIES) {
            attentionTiled(q, out, qRow0, nQ, firstPosition, keys, values, nKeys, shape, causal);
        } else {
            attentionPerQuery(q, out, qRow0, nQ, firstPosition, keys, values, nKeys, shape, causal);
        }
    }

    /** Query rows per tile of {@link #attentionTiled}; below this many rows a call attends per query. */
    static final int TILE_QUERIES = 4;

    /**
     * Attention for many query rows (a prompt, a canvas, a diffusion block): split over (kv head, block of
     * rows). A task transposes its kv head's keys once into {@code [headDim][keys]}, so that scores come
     * out of outer products (at each d, a key vector times TILE_QUERIES broadcast query values) with no
     * horizontal reduction, and the weighted sum of values reads each value vector once for
     * TILE_QUERIES rows. The transpose costs one pass over the keys, which the per-query path (a
     * dot product and a lane reduction per key) is better at when there are only a few queries, as in
     * an autoregressive step.
     */
    private void attentionTiled(float[] q, float[] out, int qRow0, int nQ, int firstPosition, MemorySegment keys,
                                MemorySegment values, int nKeys, AttentionShape shape, boolean causal) {
        int kvHeads = shape.kvHeads();
        long work = (long) shape.heads() * nQ * nKeys * shape.headDim();
        int rowBlocks = work < PARALLEL_THRESHOLD ? 1
                : Math.max(1, Math.min((nQ + TILE_QUERIES - 1) / TILE_QUERIES,
                        (parallelism * 4 + kvHeads - 1) / kvHeads));
        int tasks = work < PARALLEL_THRESHOLD ? kvHeads : kvHeads * rowBlocks;
        IntConsumer body = task -> {
            int kvHead = task % kvHeads;
            int block = task / kvHeads;
            int r0 = (int) ((long) nQ * block / rowBlocks);
            int r1 = (int) ((long) nQ * (block + 1) / rowBlocks);
            attendRowsOfKvHead(q, out, qRow0, r0, r1, firstPosition, keys, values, nKeys, shape, causal, kvHead);
        };
        if (work < PARALLEL_THRESHOLD) {
            for (int task = 0; task < tasks; task++) {
                body.accept(task);
            }
        } else {
            parallelFor(tasks, body);
        }
    }

    private void attendRowsOfKvHead(float[] q, float[] out, int qRow0, int r0, int r1, int firstPosition,
                                    MemorySegment keys, MemorySegment values, int nKeys, AttentionShape shape,
                                    boolean causal, int kvHead) {
        int headDim = shape.headDim();
        int kvOffset = kvHead * headDim;
        long kvStride = shape.kvDim();
        int maxVisible = causal ? Math.min(firstPosition + r1, nKeys) : nKeys;
        int padded = (maxVisible + L - 1) / L * L;
        float[] keysT = new float[headDim * padded];
        for (int t = 0; t < maxVisible; t++) {
            long base = t * kvStride + kvOffset;
            for (int d = 0; d < headDim; d++) {
                keysT[d * padded + t] = keys.getAtIndex(WeightTensor.F32, base + d);
            }
        }
        float[][] scores = new float[TILE_QUERIES][padded];
        int[] qBase = new int[TILE_QUERIES];
        int[] visible = new int[TILE_QUERIES];
        for (int h = kvHead * shape.group(); h < (kvHead + 1) * shape.group(); h++) {
            for (int i = r0; i < r1; i += TILE_QUERIES) {
                int n = Math.min(TILE_QUERIES, r1 - i);
                for (int j = 0; j < TILE_QUERIES; j++) {
                    int row = i + Math.min(j, n - 1);   // a short tile repeats its last row; only n are kept
                    qBase[j] = (qRow0 + row) * shape.qDim() + h * headDim;
                    visible[j] = causal ? Math.min(firstPosition + row + 1, nKeys) : nKeys;
                }
                int tileVisible = visible[TILE_QUERIES - 1];
                scoreTile(q, qBase, keysT, padded, headDim, tileVisible, shape.scale(), scores);
                for (int j = 0; j < TILE_QUERIES; j++) {
                    softmax(scores[j], 0, visible[j]);
                    java.util.Arrays.fill(scores[j], visible[j], padded, 0f);
                }
                weightValuesTile(scores, values, kvStride, kvOffset, headDim, tileVisible, out, qBase, n);
            }
        }
    }

    /** scores[j][t] = scale * q_j . k_t for the tile's four queries and keys t < visible, by outer products. */
    private static void scoreTile(float[] q, int[] qBase, float[] keysT, int padded, int headDim, int visible,
                                  float scale, float[][] scores) {
        int q0 = qBase[0];
        int q1 = qBase[1];
        int q2 = qBase[2];
        int q3 = qBase[3];
        for (int t = 0; t < visible; t += L) {
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            for (int d = 0; d < headDim; d++) {
                FloatVector k = FloatVector.fromArray(F, keysT, d * padded + t);
                a0 = k.fma(FloatVector.broadcast(F, q[q0 + d]), a0);
                a1 = k.fma(FloatVector.broadcast(F, q[q1 + d]), a1);
                a2 = k.fma(FloatVector.broadcast(F, q[q2 + d]), a2);
                a3 = k.fma(FloatVector.broadcast(F, q[q3 + d]), a3);
            }
            a0.mul(scale).intoArray(scores[0], t);
            a1.mul(scale).intoArray(scores[1], t);
            a2.mul(scale).intoArray(scores[2], t);
            a3.mul(scale).intoArray(scores[3], t);
        }
    }

    /** out_j = sum_t p_j[t] v_t for the tile's first {@code n} queries, each value vector read once. */
    private static void weightValuesTile(float[][] p, MemorySegment values, long kvStride, int kvOffset,
                                         int headDim, int visible, float[] out, int[] qBase, int n) {
        int upper = F.loopBound(headDim);
        float[] p0 = p[0];
        float[] p1 = p[1];
        float[] p2 = p[2];
        float[] p3 = p[3];
        for (int d = 0; d < upper; d += L) {
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            for (int t = 0; t < visible; t++) {
                FloatVector v = FloatVector.fromMemorySegment(F, values, (t * kvStride + kvOffset + d) * 4, LE);
                a0 = v.fma(FloatVector.broadcast(F, p0[t]), a0);
                a1 = v.fma(FloatVector.broadcast(F, p1[t]), a1);
                a2 = v.fma(FloatVector.broadcast(F, p2[t]), a2);
                a3 = v.fma(FloatVector.broadcast(F, p3[t]), a3);
            }
            FloatVector[] acc = {a0, a1, a2, a3};
            for (int j = 0; j < n; j++) {
                acc[j].intoArray(out, qBase[j] + d);
            }
        }
        for (int d = upper; d < headDim; d++) {
            for (int j = 0; j < n; j++) {
                float sum = 0f;
                for (int t = 0; t < visible; t++) {
                    sum += p[j][t] * values.getAtIndex(WeightTensor.F32, t * kvStride + kvOffset + d);
                }
                out[qBase[j] + d] = sum;
            }
        }
    }

    /** Attention one (query row, head) at a time: for a few rows, where a transpose would not pay. */
    private void attentionPerQuery(float[] q, float[] out, int qRow0, int nQ, int firstPosition,
                                   MemorySegment keys, MemorySegment values, int nKeys, AttentionShape shape,
                                   boolean causal) {
        int heads = shape.heads();
        int units = heads * nQ;
        long work = (long) units * nKeys * shape.headDim();
        int tasks = work < PARALLEL_THRESHOLD ? 1 : Math.min(units, parallelism * 4);
        parallelFor(tasks, task -> {
            float[] scores = new float[nKeys];
            int end = (int) ((long) units * (task + 1) / tasks);
            for (int unit = (int) ((long) units * task / tasks); unit < end; unit++) {
                int i = unit / heads;
                int h = unit % heads;
                int position = firstPosition + i;
                int visible = causal ? Math.min(position + 1, nKeys) : nKeys;
                attendOneHead(q, out, (qRow0 + i) * shape.qDim() + h * shape.headDim(),
                        (h / shape.group()) * shape.headDim(), keys, values, visible, shape, scores);
            }
        });
    }

    /** One query row of one head: scores over the visible keys, softmax, weighted sum of values. */
    private void attendOneHead(float[] q, float[] out, int qBase, int kvOffset, MemorySegment keys,
                               MemorySegment values, int visible, AttentionShape shape, float[] scores) {
        int headDim = shape.headDim();
        long kvStride = shape.kvDim();
        float scale = shape.scale();
        int upper = F.loopBound(headDim);
        for (int t = 0; t < visible; t++) {
            long keyBase = t * kvStride + kvOffset;
            FloatVector acc = FloatVector.zero(F);
            for (int d = 0; d < upper; d += L) {
                acc = FloatVector.fromArray(F, q, qBase + d)
                        .fma(FloatVector.fromMemorySegment(F, keys, (keyBase + d) * 4, LE), acc);
            }
            float dot = acc.reduceLanes(VectorOperators.ADD);
            for (int d = upper; d < headDim; d++) {
                dot += q[qBase + d] * keys.getAtIndex(WeightTensor.F32, keyBase + d);
            }
            scores[t] = dot * scale;
        }
        softmax(scores, 0, visible);
        java.util.Arrays.fill(out, qBase, qBase + headDim, 0f);
        for (int t = 0; t < visible; t++) {
            long valueBase = t * kvStride + kvOffset;
            float p = scores[t];
            FloatVector weight = FloatVector.broadcast(F, p);
            for (int d = 0; d < upper; d += L) {
                FloatVector.fromMemorySegment(F, values, (valueBase + d) * 4, LE)
                        .fma(weight, FloatVector.fromArray(F, out, qBase + d)).intoArray(out, qBase + d);
            }
            for (int d = upper; d < headDim; d++) {
                out[qBase + d] += p * values.getAtIndex(WeightTensor.F32, valueBase + d);
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // threads
    // ------------------------------------------------------------------------------------------

    /** Runs {@code body(0..tasks-1)} on the pool (or inline for one task) and waits for all. */
    private void parallelFor(int tasks, IntConsumer body) {
        if (tasks <= 1) {
            body.accept(0);
            return;
        }
        pool.invoke(new Range(body, 0, tasks));
    }

    private static final class Range extends RecursiveAction {
        private final IntConsumer body;
        private final int lo;
        private final int hi;

        Range(IntConsumer body, int lo, int hi) {
            this.body = body;
            this.lo = lo;
            this.hi = hi;
        }

        @Override
        protected void compute() {
            if (hi - lo == 1) {
                body.accept(lo);
                return;
            }
            int mid = (lo + hi) >>> 1;
            invokeAll(new Range(body, lo, mid), new Range(body, mid, hi));
        }
    }

    @Override
    public void close() {
        pool.shutdown();
    }
}
