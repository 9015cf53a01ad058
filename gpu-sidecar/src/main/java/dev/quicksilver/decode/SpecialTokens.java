package dev.quicksilver.decode;

import dev.quicksilver.model.ModelConfig;
import java.util.Arrays;

/**
 * The few facts about a model that decoding needs, read once from its {@link ModelConfig}: never
 * hard-coded per model.
 *
 * @param mask          the [MASK] token id, or -1 for a model without one (autoregressive mode only)
 * @param eosIds        end-of-sequence ids: decoding of a hole stops at the first one
 * @param pad           what fills a hole after its EOS (the first EOS id when the model has no pad token)
 * @param bos           beginning of sequence, or -1
 * @param logitsShifted true when the token at position i is read from the output at i - 1 (Dream family)
 * @param vocabSize     logits per position
 * @param maxPositions  the longest canvas the model takes
 */
public record SpecialTokens(int mask, int[] eosIds, int pad, int bos, boolean logitsShifted, int vocabSize,
                            int maxPositions) {

    public static SpecialTokens of(ModelConfig config) {
        int[] eos = config.eosTokenIds().stream().mapToInt(Integer::intValue).toArray();
        int pad = config.padTokenId() >= 0 ? config.padTokenId() : (eos.length > 0 ? eos[0] : -1);
        return new SpecialTokens(config.maskTokenId(), eos, pad, config.bosTokenId(), config.logitsShifted(),
                config.vocabSize(), config.maxPositions());
    }

    public boolean isEos(int token) {
        for (int e : eosIds) {
            if (e == token) {
                return true;
            }
        }
        return false;
    }

    /** The tokens that end an answer: the EOS ids and the pad (what the end penalty lowers). */
    public int[] endTokens() {
        int[] ends = Arrays.copyOf(eosIds, eosIds.length + 1);
        ends[eosIds.length] = pad;
        return ends;
    }

    /** What a position not yet decoded holds in the token array: the mask id (0 if the model has none). */
    public int placeholder() {
        return mask >= 0 ? mask : 0;
    }

    /** Where the logits for position p are read: p - 1 for shifted models, p otherwise. */
    public int logitSource(int position) {
        return logitsShifted ? position - 1 : position;
    }

    @Override
    public String toString() {
        return "SpecialTokens[mask=" + mask + ", eos=" + Arrays.toString(eosIds) + ", pad=" + pad + ", bos=" + bos
                + ", shifted=" + logitsShifted + ", vocab=" + vocabSize + "]";
    }
}
