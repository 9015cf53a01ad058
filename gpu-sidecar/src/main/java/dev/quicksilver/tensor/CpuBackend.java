package dev.quicksilver.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import jdk.incubator.vector.ByteVector;
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
 * (NR x KC floats, 32 KiB at 512 bits) stays in L1/L2 and is reused by all rows. Weights therefore stream
 * from memory once per forward, whatever the number of rows; a bf16 panel's NR rows are first
 * copied out of the mapped file in one sequential read, because the transpose's interleaved row reads
 * defeat the hardware prefetchers. With fewer than {@link #PANEL_MIN_ROWS} rows
 * (autoregressive steps) there is nothing to reuse a panel for, so each weight row is widened in registers
 * and consumed directly. int8 weights ({@link DType#Q8}, quantized at load by {@link Int8Quantizer}) are
 * stored in panel order already, so their panel is two contiguous loads per k, widened and scaled, and their
 * few-row path runs the same outer products one row at a time ({@link #streamQ8}) instead of a dot product
 * per weight row.
 *
 * <p><b>Threads.</b> One {@link WorkerTeam} per backend, sized to the physical cores ({@link CpuThreads}; the
 * calling thread is one of them), its workers daemons so an idle team never keeps the JVM alive; see its design
 * comment for why it is not a ForkJoinPool. A matmul is split over output columns (each thread claims
 * whole NR-column panels one at a time and writes a disjoint slice of every output row, so threads share
 * nothing but read-only inputs and a panel counter; few-row products take fixed contiguous ranges, so
 * each thread's weight reads stay one stream); attention first over (canvas, kv head) key layouts, then
 * over tiles of (query position, head) pairs of every canvas; norms, rope and element-wise kernels over
 * row or element ranges when they are large. Each leaf task allocates its own scratch (a panel, a score
 * row) once, outside the inner loops. The backend holds no other state; a call that finds the team busy
 * with another thread's call runs on its own thread. Small problems run on the caller's thread, where
 * forking would cost more than it saves.
 *
 * <p><b>Vector width.</b> Everything is written once against {@link FloatVector#SPECIES_PREFERRED}; the
 * bf16/f16 loads use the short species with the same lane count. Tails (sizes that are not a multiple of
 * the lane count) are finished with scalar loops. The one width-specific path is the 16x16 permute
 * transpose of bf16 weight panels on 16 lanes (AVX-512), which keeps two of its stages in registers;
 * other widths run the same transpose one stage at a time.
 * The build reruns the kernel tests at 8 and 4 lanes.
 */
public final class CpuBackend implements Backend {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));
    /** int8 weights load as L bytes, or as 8 where L bytes is under the smallest vector (64 bits). */
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, L * 8)));
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfShort BF16_BITS = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    /** Two bf16 values as one little-endian word: the lower-addressed value in the low half. */
    private static final ValueLayout.OfInt BF16_PAIRS = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);

    /**
     * Activation rows per micro-kernel tile: 8 (sixteen vector accumulators), or 6 with 8-lane vectors, which
     * on x86 means AVX2 and its 16 vector registers: 8 rows' accumulators plus the two panel vectors and the
     * broadcast need 19 and spill. With 6 rows, 528-row products under {@code -XX:UseAVX=2} went from 120 to
     * 70 ms (AMD Zen 5, 2026-11-27); with 8 lanes and AVX-512's 32 registers the two are even.
     */
    static final int MR = L == 8 ? 6 : 8;
    /**
     * Below this many rows a matmul skips the panel (it would be reused too little) and streams each weight
     * row through a dot product; at and above it, a last partial tile of at least this many rows runs the
     * full micro-kernel with its missing rows repeating the last one (cheaper than one row at a time).
     */
    static final int PANEL_MIN_ROWS = 3;
    /** Weight rows (output columns) per micro-kernel tile and per panel: two float vectors. */
    static final int NR = 2 * L;
    /** Length of the {@code in}-axis chunk a panel covers (NR x KC floats: 32 KiB with 512-bit vectors). */
    static final int KC = 256;
    /** Below this many multiply-adds a call runs on the caller's thread. */
    private static final long PARALLEL_THRESHOLD = 1L << 15;

    private final WorkerTeam team;
    private final int parallelism;

    /** One thread per physical core, or {@code -Dquicksilver.cpu.threads} ({@link CpuThreads}). */
    public CpuBackend() {
        this(CpuThreads.defaultThreads());
    }

    public CpuBackend(int threads) {
        this.parallelism = Math.max(1, threads);
        this.team = new WorkerTeam(parallelism, "quicksilver-cpu-");
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

    /** Activation rows per micro-kernel tile on this machine ({@link #MR}; for logs and benchmarks). */
    public static int tileRows() {
        return MR;
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
        if (work < PARALLEL_THRESHOLD || panels == 1) {
            matmulColumns(x, rows, w, bias, out, 0, outDim, PanelBuffers.forProduct(rows, w));
            return;
        }
        if (rows < PANEL_MIN_ROWS) {
            // Streaming weight rows: long contiguous ranges keep each thread's reads one sequential stream.
            int tasks = Math.min(panels, parallelism * 4);
            parallelFor(tasks, task -> {
                int firstPanel = (int) ((long) panels * task / tasks);
                int endPanel = (int) ((long) panels * (task + 1) / tasks);
                matmulColumns(x, rows, w, bias, out, firstPanel * NR, Math.min(outDim, endPanel * NR), null);
            });
            return;
        }
        // One task per thread, each claiming one NR-column panel at a time until none are left: the
        // threads finish within one panel of each other (fixed ranges of panels left one thread waiting
        // for another's last range; 528-row products went from 355 to 417 GFLOP/s on 2 AMD Zen 5 cores,
        // 2026-11-27), and each allocates its buffers once.
        AtomicInteger nextPanel = new AtomicInteger();
        parallelFor(Math.min(panels, parallelism), task -> {
            PanelBuffers buffers = PanelBuffers.forProduct(rows, w);
            for (int p = nextPanel.getAndIncrement(); p < panels; p = nextPanel.getAndIncrement()) {
                matmulColumns(x, rows, w, bias, out, p * NR, Math.min(outDim, (p + 1) * NR), buffers);
            }
        });
    }

    /**
     * One thread's working memory for {@link #matmulColumns}, allocated once per matmul; {@code staged} (a
     * panel's bf16 weight rows as words) only where {@link #stagesBf16} takes that path.
     */
    private static final class PanelBuffers {
        final float[] panel = new float[KC * NR];
        final float[] scratch = new float[KC];
        final float[] tile = new float[MR * NR];
        final int[] rowStart = new int[MR];
        final int[] staged;

        private PanelBuffers(int[] staged) {
            this.staged = staged;
        }

        /** Null for the few-row path, which streams weight rows and needs none. */
        static PanelBuffers forProduct(int rows, WeightTensor w) {
            if (rows < PANEL_MIN_ROWS) {
                return null;
            }
            return new PanelBuffers(stagesBf16(w) ? new int[NR * w.cols() / 2] : null);
        }
    }

    /** Full bf16 panels of this weight are staged and transposed with vector permutes ({@link #packStagedBf16}). */
    private static boolean stagesBf16(WeightTensor w) {
        return w.dtype() == DType.BF16 && w.cols() % (2 * L) == 0;
    }

    /** Output columns [c0, c1) of every row. */
    private static void matmulColumns(float[] x, int rows, WeightTensor w, float[] bias, float[] out, int c0, int c1,
                                      PanelBuffers buffers) {
        int in = w.cols();
        int outDim = w.rows();
        if (rows < PANEL_MIN_ROWS && w.dtype() == DType.Q8) {
            streamQ8(x, rows, w, bias, out, c0, c1, new float[NR]);
            return;
        }
        if (rows < PANEL_MIN_ROWS) {
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
        float[] panel = buffers.panel;
        float[] scratch = buffers.scratch;
        float[] tile = buffers.tile;
        int[] rowStart = buffers.rowStart;
        int[] staged = buffers.staged;
        boolean stageBf16 = staged != null;
        for (int c = c0; c < c1; c += NR) {
            int nc = Math.min(NR, c1 - c);
            boolean staging = stageBf16 && nc == NR;
            if (staging) {
                // The panel's NR weight rows are contiguous in the file: one sequential read, which the
                // hardware prefetchers follow, where the transpose's 16 interleaved row streams read the
                // mapped file 3-4x slower (AMD Zen 5, 2026-11-27).
                MemorySegment.copy(w.data(), BF16_PAIRS, (long) c * in * 2, staged, 0, staged.length);
            }
            for (int k0 = 0; k0 < in; k0 += KC) {
                int kc = Math.min(KC, in - k0);
                if (staging) {
                    packStagedBf16(staged, in, k0, kc, panel, scratch);
                } else if (w.dtype() == DType.Q8) {
                    packQ8(w, c, k0, kc, panel);
                } else {
                    packPanel(w, c, nc, k0, kc, panel, scratch);
                }
                boolean first = k0 == 0;
                int r = 0;
                for (; rows - r >= PANEL_MIN_ROWS; r += MR) {
                    int valid = Math.min(MR, rows - r);
                    for (int i = 0; i < MR; i++) {
                        rowStart[i] = (r + Math.min(i, valid - 1)) * in + k0;
                    }
                    outerProduct(x, rowStart, panel, 0, NR, kc, tile);
                    for (int i = 0; i < valid; i++) {
                        storeTile(out, (r + i) * outDim + c, nc, tile, i, first, bias, c);
                    }
                }
                for (; r < rows; r++) {
                    outerProduct1(x, r * in + k0, panel, 0, NR, kc, tile);
                    storeTile(out, r * outDim + c, nc, tile, 0, first, bias, c);
                }
            }
        }
    }

    /**
     * Columns k0..k0+kc of a full panel's NR bf16 weight rows, staged as 32-bit words ({@code in / 2} per
     * row), widened and transposed into {@code panel[k * NR + j]} with vector permutes
     * (L rows x 2L columns at a time: {@link #packBf16Pairs} on 16 lanes, {@link #packBf16PairsByStages}
     * on others).
     */
    private static void packStagedBf16(int[] staged, int in, int k0, int kc, float[] panel, float[] scratch) {
        for (int half = 0; half < NR; half += L) {
            for (int k = 0; k < kc; k += 2 * L) {
                int from = (half * in + k0 + k) / 2;
                if (L == 16) {
                    packBf16Pairs(staged, from, in / 2, panel, k * NR + half, scratch);
                } else {
                    packBf16PairsByStages(staged, from, in / 2, panel, k * NR + half, scratch);
                }
            }
        }
    }

    /**
     * Widens weight rows c..c+nc, columns k0..k0+kc, into {@code panel[k * NR + j]}; missing columns are 0.
     * bf16 is widened by a scalar shift straight from the mapped file, element by element (full bf16
     * panels take {@link #packStagedBf16} instead). {@code scratch} holds a widened f32/f16 row.
     */
    private static void packPanel(WeightTensor w, int c, int nc, int k0, int kc, float[] panel, float[] scratch) {
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
            widen(w, from, kc, scratch, 0);
            for (int k = 0; k < kc; k++) {
                panel[k * NR + j] = scratch[k];
            }
        }
        for (int j = nc; j < NR; j++) {
            for (int k = 0; k < kc; k++) {
                panel[k * NR + j] = 0f;
            }
        }
    }

    /*
     * Index vectors of the in-register 16x16 transpose: stage s (8, 4, 2, 1) pairs rows i and i + s (i with
     * bit s clear) and swaps the off-diagonal s x s blocks of their 2s x 2s block, keeping in row i the lanes
     * whose bit s is clear and in row i + s those whose bit s is set: LOW_s selects, from (row i, row i + s),
     * lane l of row i where bit s of l is clear and lane l - s of row i + s where it is set; HIGH_s, lane
     * l + s of row i and lane l of row i + s. After the four stages row i holds column i (the classic
     * recursive block transpose, here with two-source permutes: vpermi2d).
     */
    /** The stages' index vectors for any lane count: s = L/2, L/4, ..., 1. */
    private static final IntVector[] TRANSPOSE_LOW = transposeIndices(false), TRANSPOSE_HIGH = transposeIndices(true);

    private static IntVector[] transposeIndices(boolean high) {
        IntVector[] stages = new IntVector[Integer.numberOfTrailingZeros(L)];
        for (int stage = 0; stage < stages.length; stage++) {
            stages[stage] = transposeIndex(L >> (stage + 1), high);
        }
        return stages;
    }

    private static final IntVector LOW_8 = transposeIndex(8, false), HIGH_8 = transposeIndex(8, true);
    private static final IntVector LOW_4 = transposeIndex(4, false), HIGH_4 = transposeIndex(4, true);
    private static final IntVector LOW_2 = transposeIndex(2, false), HIGH_2 = transposeIndex(2, true);
    private static final IntVector LOW_1 = transposeIndex(1, false), HIGH_1 = transposeIndex(1, true);

    private static IntVector transposeIndex(int s, boolean high) {
        int[] index = new int[I.length()];
        for (int l = 0; l < index.length; l++) {
            boolean setBit = (l & s) != 0;
            index[l] = high ? (setBit ? index.length + l : l + s) : (setBit ? index.length + l - s : l);
        }
        return IntVector.fromArray(I, index, 0);
    }

    /**
     * 16 bf16 weight rows ({@code rowStride} words apart) x 32 columns starting at word {@code from} of the
     * staged words, widened and transposed into {@code panel[at + k * NR + j]}. Two neighbouring bf16
     * values are one 32-bit word, so each row is loaded as 16 int lanes holding columns (2m, 2m + 1), the
     * 16 x 16 words are transposed (32-bit elements, four stages of two-source permutes: the classic
     * recursive block transpose), and each transposed word vector splits into two panel rows: the low
     * halves shifted up are column 2m, the high halves masked are column 2m + 1 (bf16 is the top half of a
     * float32). No widening conversion; 64 permutes per 512 weights.
     *
     * <p>Two small loops, the first two stages' output passing through {@code scratch} (L1), rather than
     * one straight-line block with sixteen vector locals: the Vector API's inlining scaffolding put that
     * block over C2's node budget ({@code NodeCountInliningCutoff}), so its last calls ran out of line
     * with boxed vectors, and packing took longer than the outer products of a 33-row denoising step.
     */
    private static void packBf16Pairs(int[] staged, int from, int rowStride, float[] panel, int at,
                                      float[] scratch) {
        // Stages 8 and 4 touch rows {i, i + 4, i + 8, i + 12}; the half-transposed rows go to scratch (L1).
        for (int i = 0; i < 4; i++) {
            IntVector a = IntVector.fromArray(I, staged, from + i * rowStride);
            IntVector b = IntVector.fromArray(I, staged, from + (i + 4) * rowStride);
            IntVector c = IntVector.fromArray(I, staged, from + (i + 8) * rowStride);
            IntVector d = IntVector.fromArray(I, staged, from + (i + 12) * rowStride);
            IntVector a8 = LOW_8.selectFrom(a, c), c8 = HIGH_8.selectFrom(a, c);
            IntVector b8 = LOW_8.selectFrom(b, d), d8 = HIGH_8.selectFrom(b, d);
            LOW_4.selectFrom(a8, b8).reinterpretAsFloats().intoArray(scratch, i * L);
            HIGH_4.selectFrom(a8, b8).reinterpretAsFloats().intoArray(scratch, (i + 4) * L);
            LOW_4.selectFrom(c8, d8).reinterpretAsFloats().intoArray(scratch, (i + 8) * L);
            HIGH_4.selectFrom(c8, d8).reinterpretAsFloats().intoArray(scratch, (i + 12) * L);
        }
        // Stages 2 and 1 touch rows {g .. g + 3}; row m then holds word column m, i.e. panel rows 2m, 2m + 1.
        for (int g = 0; g < 16; g += 4) {
            IntVector a = scratchRow(scratch, g), b = scratchRow(scratch, g + 1);
            IntVector c = scratchRow(scratch, g + 2), d = scratchRow(scratch, g + 3);
            IntVector a2 = LOW_2.selectFrom(a, c), c2 = HIGH_2.selectFrom(a, c);
            IntVector b2 = LOW_2.selectFrom(b, d), d2 = HIGH_2.selectFrom(b, d);
            storePair(LOW_1.selectFrom(a2, b2), panel, at + 2 * g * NR);
            storePair(HIGH_1.selectFrom(a2, b2), panel, at + 2 * (g + 1) * NR);
            storePair(LOW_1.selectFrom(c2, d2), panel, at + 2 * (g + 2) * NR);
            storePair(HIGH_1.selectFrom(c2, d2), panel, at + 2 * (g + 3) * NR);
        }
    }

    /**
     * {@link #packBf16Pairs} for any lane count L (8 on AVX2, 4 on NEON): the L x L words through
     * {@code scratch}, one pass per permute stage. Slower per weight than the two-loop AVX-512 version
     * (which keeps two stages in registers), but it replaced element-by-element packing there: a
     * 33-row step's products 8.2 -> 6.0 ms at 8 lanes and 12.0 -> 10.7 ms at 4 lanes (AMD Zen 5 with
     * -XX:MaxVectorSize=32 / 16, 2026-11-27).
     */
    private static void packBf16PairsByStages(int[] staged, int from, int rowStride, float[] panel, int at,
                                              float[] scratch) {
        for (int i = 0; i < L; i++) {
            IntVector.fromArray(I, staged, from + i * rowStride).reinterpretAsFloats().intoArray(scratch, i * L);
        }
        transposeByStages(scratch);
        for (int m = 0; m < L; m++) {
            storePair(scratchRow(scratch, m), panel, at + 2 * m * NR);
        }
    }

    /** Transposes the L x L 32-bit words in {@code scratch[0 .. L*L)} in place, one pass per permute stage. */
    private static void transposeByStages(float[] scratch) {
        for (int stage = 0; stage < TRANSPOSE_LOW.length; stage++) {
            int s = L >> (stage + 1);
            IntVector low = TRANSPOSE_LOW[stage], high = TRANSPOSE_HIGH[stage];
            for (int pair = 0; pair < L / 2; pair++) {
                int i = pair / s * 2 * s + pair % s; // the pair's row with bit s clear
                IntVector a = scratchRow(scratch, i), b = scratchRow(scratch, i + s);
                low.selectFrom(a, b).reinterpretAsFloats().intoArray(scratch, i * L);
                high.selectFrom(a, b).reinterpretAsFloats().intoArray(scratch, (i + s) * L);
            }
        }
    }

    /**
     * Columns k0..k0+kc of the int8 panel of weight rows c..c+NR into {@code panel[k * NR + j]}: the
     * quantized copy is already in this order ({@link Int8Quantizer}), so each k is two contiguous loads of
     * L bytes, widened and scaled by their rows' scales for k's group. Rows past the matrix are zeros.
     */
    private static void packQ8(WeightTensor w, int c, int k0, int kc, float[] panel) {
        int in = w.cols();
        MemorySegment seg = w.data();
        MemorySegment scales = w.scales();
        long base = (long) (c / NR) * in;
        for (int g = 0; g < kc; g += Int8Quantizer.GROUP) {
            long scaleAt = ((long) (c / NR) * (in / Int8Quantizer.GROUP) + (k0 + g) / Int8Quantizer.GROUP) * NR;
            FloatVector s0 = FloatVector.fromMemorySegment(F, scales, scaleAt * 4, LE);
            FloatVector s1 = FloatVector.fromMemorySegment(F, scales, (scaleAt + L) * 4, LE);
            for (int k = g; k < g + Int8Quantizer.GROUP; k++) {
                long at = (base + k0 + k) * NR;
                int8ToFloat(seg, at).mul(s0).intoArray(panel, k * NR);
                int8ToFloat(seg, at + L).mul(s1).intoArray(panel, k * NR + L);
            }
        }
    }

    /**
     * Output columns [c0, c1) of one or two rows against an int8 matrix (c0 on a panel): per panel, two vector
     * accumulators of NR output columns; per group, the unscaled outer products of the row's elements and the
     * panel's weights, then scaled once by the panel rows' scales. Each weight is read once per row, in order.
     */
    private static void streamQ8(float[] x, int rows, WeightTensor w, float[] bias, float[] out, int c0, int c1,
                                 float[] tile) {
        int in = w.cols();
        int outDim = w.rows();
        int groups = in / Int8Quantizer.GROUP;
        MemorySegment seg = w.data();
        MemorySegment scales = w.scales();
        for (int c = c0; c < c1; c += NR) {
            long panel = c / NR;
            for (int r = 0; r < rows; r++) {
                FloatVector acc0 = FloatVector.zero(F);
                FloatVector acc1 = FloatVector.zero(F);
                for (int g = 0; g < groups; g++) {
                    FloatVector part0 = FloatVector.zero(F);
                    FloatVector part1 = FloatVector.zero(F);
                    int k0 = g * Int8Quantizer.GROUP;
                    for (int k = k0; k < k0 + Int8Quantizer.GROUP; k++) {
                        long at = (panel * in + k) * NR;
                        FloatVector xk = FloatVector.broadcast(F, x[r * in + k]);
                        part0 = int8ToFloat(seg, at).fma(xk, part0);
                        part1 = int8ToFloat(seg, at + L).fma(xk, part1);
                    }
                    long scaleAt = (panel * groups + g) * NR;
                    acc0 = part0.fma(FloatVector.fromMemorySegment(F, scales, scaleAt * 4, LE), acc0);
                    acc1 = part1.fma(FloatVector.fromMemorySegment(F, scales, (scaleAt + L) * 4, LE), acc1);
                }
                acc0.intoArray(tile, 0);
                acc1.intoArray(tile, L);
                storeTile(out, r * outDim + c, Math.min(NR, c1 - c), tile, 0, true, bias, c);
            }
        }
    }

    private static IntVector scratchRow(float[] scratch, int row) {
        return FloatVector.fromArray(F, scratch, row * L).reinterpretAsInts();
    }

    /** A word vector of bf16 pairs as two panel rows: the low halves at {@code at}, the high ones NR later. */
    private static void storePair(IntVector pairs, float[] panel, int at) {
        pairs.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(panel, at);
        pairs.and(0xFFFF0000).reinterpretAsFloats().intoArray(panel, at + NR);
    }

    /**
     * The micro-kernel every product here runs on: outer products (Goto and van de Geijn; the BLIS
     * micro-kernel shape). For the {@link #MR} rows of {@code a} starting at {@code rowStart[0 .. MR-1]},
     * and 2L columns of {@code b} starting at {@code bOff} with rows {@code bStride} apart,
     * {@code tile[r * 2L + j] = sum_{k < n} a[rowStart[r] + k] * b[bOff + k * bStride + j]}: at each k, two
     * vectors of b times MR broadcast elements of a into 2 MR vector accumulators. No horizontal
     * reductions: the accumulators are the outputs. Callers pack b so that its 2L columns are contiguous (a
     * weight panel, transposed keys, values), and give a partial tile's missing rows the last row's start.
     * Eight rows rather than four: two loads of b now feed sixteen FMAs instead of eight, which took
     * 528-row matmuls from 316 to 375 GFLOP/s on 2 AMD Zen 5 cores (2026-11-27); twelve rows gave no more.
     * Six where there are only 16 vector registers (see {@link #MR}).
     */
    private static void outerProduct(float[] a, int[] rowStart, float[] b, int bOff, int bStride, int n,
                                     float[] tile) {
        if (MR == 8) {
            outerProduct8(a, rowStart, b, bOff, bStride, n, tile);
        } else {
            outerProduct6(a, rowStart, b, bOff, bStride, n, tile);
        }
    }

    /**
     * {@link #outerProduct} for six rows: twelve accumulators, 15 registers with the operands. The same code
     * as {@link #outerProduct8} less two rows, on purpose: a register tile is unrolled by hand (accumulators
     * in an array would be allocated), and one six-row kernel for every width would cost 11% on 16 lanes
     * (528-row products 42.6 -> 47.5 ms, AMD Zen 5, 2026-11-27).
     */
    private static void outerProduct6(float[] a, int[] rowStart, float[] b, int bOff, int bStride, int n,
                                      float[] tile) {
        int a0 = rowStart[0], a1 = rowStart[1], a2 = rowStart[2], a3 = rowStart[3], a4 = rowStart[4];
        int a5 = rowStart[5];
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00;
        FloatVector c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        for (int k = 0; k < n; k++) {
            FloatVector b0 = FloatVector.fromArray(F, b, bOff + k * bStride);
            FloatVector b1 = FloatVector.fromArray(F, b, bOff + k * bStride + L);
            FloatVector v = FloatVector.broadcast(F, a[a0 + k]);
            c00 = v.fma(b0, c00);
            c01 = v.fma(b1, c01);
            v = FloatVector.broadcast(F, a[a1 + k]);
            c10 = v.fma(b0, c10);
            c11 = v.fma(b1, c11);
            v = FloatVector.broadcast(F, a[a2 + k]);
            c20 = v.fma(b0, c20);
            c21 = v.fma(b1, c21);
            v = FloatVector.broadcast(F, a[a3 + k]);
            c30 = v.fma(b0, c30);
            c31 = v.fma(b1, c31);
            v = FloatVector.broadcast(F, a[a4 + k]);
            c40 = v.fma(b0, c40);
            c41 = v.fma(b1, c41);
            v = FloatVector.broadcast(F, a[a5 + k]);
            c50 = v.fma(b0, c50);
            c51 = v.fma(b1, c51);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, 2 * L);
        c11.intoArray(tile, 3 * L);
        c20.intoArray(tile, 4 * L);
        c21.intoArray(tile, 5 * L);
        c30.intoArray(tile, 6 * L);
        c31.intoArray(tile, 7 * L);
        c40.intoArray(tile, 8 * L);
        c41.intoArray(tile, 9 * L);
        c50.intoArray(tile, 10 * L);
        c51.intoArray(tile, 11 * L);
    }

    /** {@link #outerProduct} for eight rows: sixteen accumulators. */
    private static void outerProduct8(float[] a, int[] rowStart, float[] b, int bOff, int bStride, int n,
                                      float[] tile) {
        int a0 = rowStart[0], a1 = rowStart[1], a2 = rowStart[2], a3 = rowStart[3];
        int a4 = rowStart[4], a5 = rowStart[5], a6 = rowStart[6], a7 = rowStart[7];
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00;
        FloatVector c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        for (int k = 0; k < n; k++) {
            FloatVector b0 = FloatVector.fromArray(F, b, bOff + k * bStride);
            FloatVector b1 = FloatVector.fromArray(F, b, bOff + k * bStride + L);
            FloatVector v = FloatVector.broadcast(F, a[a0 + k]);
            c00 = v.fma(b0, c00);
            c01 = v.fma(b1, c01);
            v = FloatVector.broadcast(F, a[a1 + k]);
            c10 = v.fma(b0, c10);
            c11 = v.fma(b1, c11);
            v = FloatVector.broadcast(F, a[a2 + k]);
            c20 = v.fma(b0, c20);
            c21 = v.fma(b1, c21);
            v = FloatVector.broadcast(F, a[a3 + k]);
            c30 = v.fma(b0, c30);
            c31 = v.fma(b1, c31);
            v = FloatVector.broadcast(F, a[a4 + k]);
            c40 = v.fma(b0, c40);
            c41 = v.fma(b1, c41);
            v = FloatVector.broadcast(F, a[a5 + k]);
            c50 = v.fma(b0, c50);
            c51 = v.fma(b1, c51);
            v = FloatVector.broadcast(F, a[a6 + k]);
            c60 = v.fma(b0, c60);
            c61 = v.fma(b1, c61);
            v = FloatVector.broadcast(F, a[a7 + k]);
            c70 = v.fma(b0, c70);
            c71 = v.fma(b1, c71);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, 2 * L);
        c11.intoArray(tile, 3 * L);
        c20.intoArray(tile, 4 * L);
        c21.intoArray(tile, 5 * L);
        c30.intoArray(tile, 6 * L);
        c31.intoArray(tile, 7 * L);
        c40.intoArray(tile, 8 * L);
        c41.intoArray(tile, 9 * L);
        c50.intoArray(tile, 10 * L);
        c51.intoArray(tile, 11 * L);
        c60.intoArray(tile, 12 * L);
        c61.intoArray(tile, 13 * L);
        c70.intoArray(tile, 14 * L);
        c71.intoArray(tile, 15 * L);
    }

    /** One row of {@link #outerProduct} (the remainder rows), into {@code tile[0, 2L)}. */
    private static void outerProduct1(float[] a, int a0, float[] b, int bOff, int bStride, int n, float[] tile) {
        FloatVector c0 = FloatVector.zero(F), c1 = c0;
        for (int k = 0; k < n; k++) {
            FloatVector v = FloatVector.broadcast(F, a[a0 + k]);
            c0 = v.fma(FloatVector.fromArray(F, b, bOff + k * bStride), c0);
            c1 = v.fma(FloatVector.fromArray(F, b, bOff + k * bStride + L), c1);
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, L);
    }

    /**
     * Writes (first K chunk, plus bias) or adds (later chunks) the {@code nc} valid columns of row
     * {@code tileRow} of a micro-kernel tile.
     */
    private static void storeTile(float[] out, int at, int nc, float[] tile, int tileRow, boolean first,
                                  float[] bias, int col) {
        FloatVector lo = FloatVector.fromArray(F, tile, tileRow * NR);
        FloatVector hi = FloatVector.fromArray(F, tile, tileRow * NR + L);
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
            case Q8 -> upper = 0; // never streamed row by row (see streamQ8); element by element here
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
            case Q8 -> upper = 0; // panel order (see Int8Quantizer): element by element; matmuls use packQ8
        }
        for (int i = upper; i < count; i++) {
            dst[dstOff + i] = w.getFloat(from + i);
        }
    }

    /** The L int8 values at byte {@code at} of {@code seg}, sign-extended and converted to float. */
    private static FloatVector int8ToFloat(MemorySegment seg, long at) {
        if (B.length() == L) {
            return (FloatVector) ByteVector.fromMemorySegment(B, seg, at, LE).convertShape(VectorOperators.B2F, F, 0);
        }
        // Fewer than 8 lanes (128-bit vectors): load the 8 bytes around them and convert the right half.
        long base = at - at % B.length();
        return (FloatVector) ByteVector.fromMemorySegment(B, seg, base, LE)
                .convertShape(VectorOperators.B2F, F, (int) (at - base) / L);
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

    /**
     * Elements below which a row-wise or element-wise kernel runs on the caller's thread: a 33-row step's
     * norms stay serial, a batched step's or a whole canvas's are split (left serial, they were ~5% of a
     * 16-canvas forward on 2 cores, and Amdahl's share grows with the cores).
     */
    private static final int ELEMENTWISE_PARALLEL_THRESHOLD = 1 << 16;

    /** {@code body(from, to)} over {@code [0, count)} in chunks, in parallel when {@code elements} is large. */
    private void parallelChunks(int count, long elements, int granule, RangeBody body) {
        int tasks = elements < ELEMENTWISE_PARALLEL_THRESHOLD ? 1
                : (int) Math.min(parallelism * 4L, Math.max(1, count / Math.max(1, granule)));
        parallelFor(tasks, task -> {
            int from = (int) ((long) count * task / tasks) / granule * granule;
            int to = task == tasks - 1 ? count : (int) ((long) count * (task + 1) / tasks) / granule * granule;
            if (from < to) {
                body.run(from, to);
            }
        });
    }

    @FunctionalInterface
    private interface RangeBody {
        void run(int from, int to);
    }

    @Override
    public void rmsNorm(float[] x, int rows, int dim, float[] weight, float eps, float[] out) {
        parallelChunks(rows, (long) rows * dim, 1, (r0, r1) -> rmsNormRows(x, r0, r1, dim, weight, eps, out));
    }

    private static void rmsNormRows(float[] x, int r0, int r1, int dim, float[] weight, float eps, float[] out) {
        int upper = F.loopBound(dim);
        for (int r = r0; r < r1; r++) {
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
        parallelChunks(rows, (long) rows * heads * headDim, 1,
                (r0, r1) -> ropeRows(x, r0, r1, heads, headDim, cos, sin));
    }

    private static void ropeRows(float[] x, int r0, int r1, int heads, int headDim, float[] cos, float[] sin) {
        int half = headDim / 2;
        int upper = F.loopBound(half);
        for (int r = r0; r < r1; r++) {
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
        parallelChunks(n, n, L, (from, to) -> swigluRange(gate, up, from, to));
    }

    private static void swigluRange(float[] gate, float[] up, int from, int to) {
        int upper = from + F.loopBound(to - from);
        for (int i = from; i < upper; i += L) {
            FloatVector g = FloatVector.fromArray(F, gate, i);
            FloatVector silu = g.div(g.neg().lanewise(VectorOperators.EXP).add(1f));
            silu.mul(FloatVector.fromArray(F, up, i)).intoArray(gate, i);
        }
        for (int i = upper; i < to; i++) {
            float g = gate[i];
            gate[i] = g / (1f + (float) Math.exp(-g)) * up[i];
        }
    }

    @Override
    public void add(float[] x, float[] y, int n) {
        parallelChunks(n, n, L, (from, to) -> addRange(x, y, from, to));
    }

    private static void addRange(float[] x, float[] y, int from, int to) {
        int upper = from + F.loopBound(to - from);
        for (int i = from; i < upper; i += L) {
            FloatVector.fromArray(F, x, i).add(FloatVector.fromArray(F, y, i)).intoArray(x, i);
        }
        for (int i = upper; i < to; i++) {
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

    /** Query rows (of one kv head's group) per attention tile: the rows of {@link #outerProduct8}. */
    static final int ATTENTION_ROWS = MR;

    /**
     * Attention as two small matrix products per (canvas, kv head), in the matmul's outer-product form (no
     * horizontal reduction per key, which a profile showed made the one-dot-per-key kernel run at under
     * 10 GFLOP/s and take half of a batched denoising step). The keys of each kv head are transposed once
     * per call into {@code [headDim][keys]}, so that scores for {@link #ATTENTION_ROWS} query rows and
     * 2L keys are 2L-wide vector FMAs against broadcast query elements; after the softmax, the
     * probability-weighted sum of values is the same product again with the values in their natural
     * {@code [keys][headDim]} layout. The rows of a tile are (query position, query head) pairs of one
     * kv head's group, so grouped-query heads share the transposed keys and even a one-position
     * autoregressive step fills most of a tile.
     *
     * <p><b>Batches.</b> One call covers every canvas of a forward in two parallel loops: first the keys
     * and values of every (canvas, kv head) item are laid out, then every tile of every item is one unit of
     * work. With a call per canvas, each canvas's transposition ran on the caller's thread alone and each
     * paid its own hand-off: in a 16-canvas denoising step on 2 cores, attention took 18 of 65 ms.
     */
    @Override
    public void attention(float[] q, float[] out, List<AttentionJob> jobs, AttentionShape shape, boolean causal) {
        if (jobs.stream().allMatch(j -> j.nQ() == 1)) {
            attendOnePosition(q, out, jobs, shape, causal);
            return;
        }
        int headDim = shape.headDim();
        int kvHeads = shape.kvHeads();
        int group = shape.group();
        int dimPadded = roundUp(headDim, 2 * L);
        int items = jobs.size() * kvHeads; // item = job * kvHeads + kv head
        int[] firstTile = new int[items + 1];
        long layoutWork = 0;
        long tileWork = 0;
        int maxKeysPadded = 0;
        for (int item = 0; item < items; item++) {
            AttentionJob job = jobs.get(item / kvHeads);
            int pairs = group * job.nQ(); // (query position, head of the group), position-major
            firstTile[item + 1] = firstTile[item] + (pairs + ATTENTION_ROWS - 1) / ATTENTION_ROWS;
            layoutWork += (long) job.nKeys() * headDim;
            tileWork += (long) pairs * job.nKeys() * headDim;
            maxKeysPadded = Math.max(maxKeysPadded, roundUp(job.nKeys(), 2 * L));
        }

        // 1. kt[item][d * keysPadded + t] = key t of the item's kv head, element d;
        //    v[item][t * dimPadded + d] likewise; pads are 0.
        float[][] kt = new float[items][];
        float[][] v = new float[items][];
        int layoutTasks = layoutWork < PARALLEL_THRESHOLD ? 1 : Math.min(items, parallelism * 4);
        parallelFor(layoutTasks, task -> {
            float[] row = new float[headDim];
            int end = (int) ((long) items * (task + 1) / layoutTasks);
            for (int item = (int) ((long) items * task / layoutTasks); item < end; item++) {
                AttentionJob job = jobs.get(item / kvHeads);
                int g = item % kvHeads;
                int nKeys = job.nKeys();
                int keysPadded = roundUp(nKeys, 2 * L);
                float[] k = new float[headDim * keysPadded];
                float[] vv = new float[nKeys * dimPadded];
                for (int t = 0; t < nKeys; t++) {
                    job.copyKey(t, shape.kvDim(), g * headDim, headDim, row, 0);
                    for (int d = 0; d < headDim; d++) {
                        k[d * keysPadded + t] = row[d];
                    }
                    job.copyValue(t, shape.kvDim(), g * headDim, headDim, vv, t * dimPadded);
                }
                kt[item] = k;
                v[item] = vv;
            }
        });

        // 2. Every tile of every item.
        int tiles = firstTile[items];
        int tileTasks = tileWork < PARALLEL_THRESHOLD ? 1 : Math.min(tiles, parallelism * 4);
        int scoresLength = ATTENTION_ROWS * maxKeysPadded;
        parallelFor(tileTasks, task -> {
            float[] scores = new float[scoresLength];
            float[] product = new float[ATTENTION_ROWS * 2 * L];
            int[] qBase = new int[ATTENTION_ROWS];
            int[] visible = new int[ATTENTION_ROWS];
            int[] scoreRows = new int[ATTENTION_ROWS];
            int end = (int) ((long) tiles * (task + 1) / tileTasks);
            int item = 0;
            for (int tile = (int) ((long) tiles * task / tileTasks); tile < end; tile++) {
                while (tile >= firstTile[item + 1]) {
                    item++;
                }
                AttentionJob job = jobs.get(item / kvHeads);
                int g = item % kvHeads;
                int pairs = group * job.nQ();
                int firstPair = (tile - firstTile[item]) * ATTENTION_ROWS;
                int rows = Math.min(ATTENTION_ROWS, pairs - firstPair);
                int maxVisible = 0;
                for (int r = 0; r < rows; r++) {
                    int i = (firstPair + r) / group;
                    int h = g * group + (firstPair + r) % group;
                    qBase[r] = (job.qRow0() + i) * shape.qDim() + h * headDim;
                    visible[r] = causal ? Math.min(job.firstPosition() + i + 1, job.nKeys()) : job.nKeys();
                    maxVisible = Math.max(maxVisible, visible[r]);
                }
                attendTile(q, out, qBase, visible, rows, maxVisible, kt[item], roundUp(job.nKeys(), 2 * L), v[item],
                        dimPadded, headDim, shape.scale(), scores, scoreRows, product);
            }
        });
    }

    /**
     * Attention for calls whose every canvas has one query position (an autoregressive step): each key and
     * value row is read once where it lies (the cache's segment, or the forward's own row) and used by the whole
     * group of query heads at once, without the transposed copies the tiled path lays out first. With one
     * query those copies cost as much as the products they feed (llama.cpp's one-token path works the same way).
     * Work items are (canvas, kv head); scores, softmax and the weighted sum of values per item.
     */
    private void attendOnePosition(float[] q, float[] out, List<AttentionJob> jobs, AttentionShape shape, boolean causal) {
        int headDim = shape.headDim();
        int kvDim = shape.kvDim();
        int qDim = shape.qDim();
        int group = shape.group();
        int kvHeads = shape.kvHeads();
        float scale = shape.scale();
        int items = jobs.size() * kvHeads;
        long work = 0;
        int maxKeys = 0;
        for (AttentionJob job : jobs) {
            work += 2L * job.nKeys() * shape.heads() * headDim;
            maxKeys = Math.max(maxKeys, job.nKeys());
        }
        int tasks = work < PARALLEL_THRESHOLD ? 1 : Math.min(items, parallelism * 4);
        int scoresLength = group * maxKeys;
        int vectorEnd = F.loopBound(headDim);
        parallelFor(tasks, task -> {
            float[] scores = new float[scoresLength];
            float[] row = new float[headDim];
            int end = (int) ((long) items * (task + 1) / tasks);
            for (int item = (int) ((long) items * task / tasks); item < end; item++) {
                AttentionJob job = jobs.get(item / kvHeads);
                int g = item % kvHeads;
                int visible = causal ? Math.min(job.firstPosition() + 1, job.nKeys()) : job.nKeys();
                int qBase = job.qRow0() * qDim + g * group * headDim; // the group's heads are adjacent
                // scores[r][t] = scale * q_r . k_t
                for (int t = 0; t < visible; t++) {
                    job.copyKey(t, kvDim, g * headDim, headDim, row, 0);
                    for (int r = 0; r < group; r++) {
                        int qOff = qBase + r * headDim;
                        FloatVector acc = FloatVector.zero(F);
                        for (int d = 0; d < vectorEnd; d += L) {
                            acc = FloatVector.fromArray(F, q, qOff + d).fma(FloatVector.fromArray(F, row, d), acc);
                        }
                        float dot = acc.reduceLanes(VectorOperators.ADD);
                        for (int d = vectorEnd; d < headDim; d++) dot += q[qOff + d] * row[d];
                        scores[r * visible + t] = dot * scale;
                    }
                }
                for (int r = 0; r < group; r++) softmax(scores, r * visible, visible);
                // out_r = sum_t p_r[t] v_t
                for (int r = 0; r < group; r++) java.util.Arrays.fill(out, qBase + r * headDim, qBase + (r + 1) * headDim, 0f);
                for (int t = 0; t < visible; t++) {
                    job.copyValue(t, kvDim, g * headDim, headDim, row, 0);
                    for (int r = 0; r < group; r++) {
                        int oOff = qBase + r * headDim;
                        FloatVector p = FloatVector.broadcast(F, scores[r * visible + t]);
                        for (int d = 0; d < vectorEnd; d += L) {
                            FloatVector.fromArray(F, row, d).fma(p, FloatVector.fromArray(F, out, oOff + d)).intoArray(out, oOff + d);
                        }
                        for (int d = vectorEnd; d < headDim; d++) out[oOff + d] += scores[r * visible + t] * row[d];
                    }
                }
            }
        });
    }

    /**
     * Scores, softmax and weighted values of up to {@link #ATTENTION_ROWS} query rows of one kv head. A tile
     * of at least {@link #PANEL_MIN_ROWS} rows runs the 8-row kernel, its missing rows repeating the last;
     * fewer run one row at a time. {@code qBase} has room for {@link #ATTENTION_ROWS} entries and
     * {@code scoreRows} is scratch of the same length.
     */
    private void attendTile(float[] q, float[] out, int[] qBase, int[] visible, int rows, int maxVisible, float[] kt,
                            int keysPadded, float[] v, int dimPadded, int headDim, float scale, float[] scores,
                            int[] scoreRows, float[] tile) {
        boolean wide = rows >= PANEL_MIN_ROWS;
        for (int r = 0; r < ATTENTION_ROWS; r++) {
            int row = Math.min(r, rows - 1);
            qBase[r] = qBase[row];
            scoreRows[r] = row * keysPadded;
        }
        // scores[r][t] = scale * q_r . k_t, 2L keys at a time
        for (int t0 = 0; t0 < roundUp(maxVisible, 2 * L); t0 += 2 * L) {
            if (wide) {
                outerProduct(q, qBase, kt, t0, keysPadded, headDim, tile);
            }
            for (int r = 0; r < rows; r++) {
                if (!wide) {
                    outerProduct1(q, qBase[r], kt, t0, keysPadded, headDim, tile);
                }
                int from = wide ? r * 2 * L : 0;
                FloatVector.fromArray(F, tile, from).mul(scale).intoArray(scores, r * keysPadded + t0);
                FloatVector.fromArray(F, tile, from + L).mul(scale).intoArray(scores, r * keysPadded + t0 + L);
            }
        }
        for (int r = 0; r < rows; r++) {
            softmax(scores, r * keysPadded, visible[r]);
            java.util.Arrays.fill(scores, r * keysPadded + visible[r], r * keysPadded + maxVisible, 0f);
        }
        // out_r = sum_t p_r[t] v_t, 2L dimensions at a time
        for (int d0 = 0; d0 < headDim; d0 += 2 * L) {
            int valid = Math.min(2 * L, headDim - d0);
            if (wide) {
                outerProduct(scores, scoreRows, v, d0, dimPadded, maxVisible, tile);
            }
            for (int r = 0; r < rows; r++) {
                if (!wide) {
                    outerProduct1(scores, r * keysPadded, v, d0, dimPadded, maxVisible, tile);
                }
                int from = wide ? r * 2 * L : 0;
                System.arraycopy(tile, from, out, qBase[r] + d0, valid);
            }
        }
    }

    private static int roundUp(int n, int multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }

    // ------------------------------------------------------------------------------------------
    // threads
    // ------------------------------------------------------------------------------------------

    /** Runs {@code body(0..tasks-1)} on the team (or inline for one task) and waits for all. */
    private void parallelFor(int tasks, IntConsumer body) {
        team.run(tasks, body);
    }

    @Override
    public void close() {
        team.close();
    }
}
