package dev.quicksilver.transformer;

/**
 * Cosine and sine tables of rotary position embedding (Su et al., RoFormer), in the form Hugging Face's
 * Qwen2RotaryEmbedding and LLaDA's RotaryEmbedding share: {@code headDim / 2} frequencies
 * {@code inv_freq[i] = theta^(-2i / headDim)}, angle {@code position * inv_freq[i]}, applied to element
 * pairs (j, j + headDim/2) ("rotate half"). Computed in float32 like the reference, for the absolute
 * canvas positions of the rows in a batch.
 */
final class RotaryEmbedding {

    private final int half;
    private final float[] inverseFrequency;

    RotaryEmbedding(int headDim, double theta) {
        this.half = headDim / 2;
        this.inverseFrequency = new float[half];
        for (int i = 0; i < half; i++) {
            float exponent = (float) (2 * i) / headDim;
            inverseFrequency[i] = 1f / (float) Math.pow(theta, exponent);
        }
    }

    /** cos and sin, each {@code [positions.length, headDim / 2]}. */
    float[][] tables(int[] positions) {
        float[] cos = new float[positions.length * half];
        float[] sin = new float[positions.length * half];
        for (int r = 0; r < positions.length; r++) {
            for (int i = 0; i < half; i++) {
                float angle = (float) positions[r] * inverseFrequency[i];
                cos[r * half + i] = (float) Math.cos(angle);
                sin[r * half + i] = (float) Math.sin(angle);
            }
        }
        return new float[][] {cos, sin};
    }
}
