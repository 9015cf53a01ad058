package dev.quicksilver.decode;

/**
 * Counters of a decoding session. A forward is one batched call to the model, whatever the number of
 * canvases in it.
 *
 * @param forwards        batched forward calls
 * @param tokensCommitted tokens committed over all canvases
 * @param rowsComputed    positions recomputed, summed over canvases and forwards
 * @param forwardMs       time inside the model's forward
 * @param totalMs         wall time of the steps (forwards plus sampling and bookkeeping)
 * @param mode            diffusion or ar
 * @param cacheMode       none, prefix, dual (ar: none or kv)
 * @param backend         the model's tensor backend
 */
public record DecodeStats(int forwards, long tokensCommitted, long rowsComputed, double forwardMs,
                          double totalMs, String mode, String cacheMode, String backend) {

    public double tokensPerForward() {
        return forwards == 0 ? 0 : (double) tokensCommitted / forwards;
    }

    public double msPerForward() {
        return forwards == 0 ? 0 : forwardMs / forwards;
    }

    public double rowsPerForward() {
        return forwards == 0 ? 0 : (double) rowsComputed / forwards;
    }

    public double tokensPerSecond() {
        return totalMs == 0 ? 0 : tokensCommitted * 1000.0 / totalMs;
    }

    /** One line for a terminal, e.g. "12 forwards, 2.67 tokens/forward, 8.1 ms/forward, ...". */
    public String summary() {
        return String.format(java.util.Locale.ROOT,
                "%s, %d forwards, %d tokens, %.2f tokens/forward, %.1f ms/forward, %.1f rows/forward, "
                        + "%.0f ms total, cache %s, backend %s",
                mode, forwards, tokensCommitted, tokensPerForward(), msPerForward(), rowsPerForward(), totalMs,
                cacheMode, backend);
    }
}
