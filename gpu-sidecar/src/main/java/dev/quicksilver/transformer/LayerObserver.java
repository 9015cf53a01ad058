package dev.quicksilver.transformer;

/**
 * Sees the residual stream during a forward: index 0 is the embedding output, index l + 1 the stream
 * after layer l (before the final norm), the numbering of Hugging Face's {@code hidden_states} and of
 * {@code reference_model.py}. Rows are the batch's window rows, request after request. For tests and
 * debugging; the array is the live buffer, so copy what you keep.
 */
@FunctionalInterface
public interface LayerObserver {

    LayerObserver NONE = (index, x, rows, dim) -> {};

    void hiddenState(int index, float[] x, int rows, int dim);
}
