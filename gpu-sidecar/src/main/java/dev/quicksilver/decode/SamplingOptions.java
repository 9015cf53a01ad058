package dev.quicksilver.decode;

/**
 * How a token is drawn from one position's logits: the end penalty, temperature, then top-p, then top-k
 * (the order of Dream's {@code sample_tokens}, DreamLM/Dream {@code generation_utils.py}, after a logit
 * bias). Temperature 0 is greedy (argmax); the filters still apply, and they change the confidence
 * (probabilities are renormalised over the kept tokens), exactly as in Dream.
 *
 * @param temperature 0 for greedy, else logits are divided by it before the softmax
 * @param topP        nucleus mass in (0, 1]; 1 keeps everything
 * @param topK        keep the k most likely tokens; 0 keeps everything
 * @param endPenalty  subtracted from the logits of the end tokens (EOS and pad) before anything else: a
 *                    logit bias against ending. A diffusion model fills a fixed budget and places its end
 *                    itself, and a small one ends early; 0 (the default) leaves the logits as they are,
 *                    a negative value favours ending
 */
public record SamplingOptions(double temperature, double topP, int topK, double endPenalty) {

    public static final SamplingOptions GREEDY = new SamplingOptions(0, 1, 0, 0);

    public SamplingOptions(double temperature, double topP, int topK) {
        this(temperature, topP, topK, 0);
    }

    public SamplingOptions {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("--temperature must be 0 (greedy) or a positive number, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("--top-p must be in (0, 1], got " + topP + "; use 1 to switch it off");
        }
        if (topK < 0) {
            throw new IllegalArgumentException("--top-k must be 0 (off) or positive, got " + topK);
        }
        if (!Double.isFinite(endPenalty)) {
            throw new IllegalArgumentException("--end-penalty must be a finite number (0: off), got " + endPenalty);
        }
    }

    public boolean greedy() {
        return temperature == 0;
    }
}
