package dev.quicksilver.tensor;

/**
 * Head layout of one attention layer: {@code heads} query heads of {@code headDim}, sharing
 * {@code kvHeads} key/value heads (grouped-query attention: query head h reads kv head
 * {@code h / (heads / kvHeads)}, as Hugging Face's {@code repeat_kv} does).
 */
public record AttentionShape(int heads, int kvHeads, int headDim) {

    public AttentionShape {
        if (heads <= 0 || kvHeads <= 0 || headDim <= 0 || heads % kvHeads != 0) {
            throw new IllegalArgumentException("bad attention shape: " + heads + " heads, " + kvHeads
                    + " kv heads, head size " + headDim);
        }
    }

    public int qDim() {
        return heads * headDim;
    }

    public int kvDim() {
        return kvHeads * headDim;
    }

    public int group() {
        return heads / kvHeads;
    }

    /** 1/sqrt(headDim), the softmax temperature of scaled dot-product attention. */
    public float scale() {
        return (float) (1.0 / Math.sqrt(headDim));
    }
}
