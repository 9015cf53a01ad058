package dev.quicksilver.cli;

/**
 * Fits the text around a hole to a model's positions, for the commands that replay fixed workloads (the
 * benchmarks, the eval): their character windows and case files suit the embedded model, and a model with
 * a shorter context or a more verbose tokenizer should get the same requests with less text far from the
 * cursor, not a rejected canvas. The nearest text is kept: the prefix loses its leading lines, the suffix
 * and the context their ends.
 */
final class CanvasFit {

    /** Positions a canvas may use beyond its text and hole: special tokens and a margin. */
    static final int SPARE_POSITIONS = 8;

    /** The text of one canvas: a context segment's text (may be empty), the prefix, the suffix. */
    record CanvasText(String context, String prefix, String suffix) {}

    private CanvasFit() {}

    /**
     * {@code text} cut until the canvas (context, prefix, a hole of {@code budget} tokens, suffix, and
     * {@code otherTokens} more, such as a context segment's header) fits the model's positions: the suffix
     * and the context to a quarter of them each at most, then leading lines of the prefix.
     *
     * @throws CliException when not even the hole fits
     */
    static CanvasText fit(LoadedModel loaded, CanvasText text, int budget, int otherTokens) {
        int positions = loaded.config().maxPositions() - budget - otherTokens - SPARE_POSITIONS;
        if (positions < 16) {
            throw new CliException("the model takes at most " + loaded.config().maxPositions() + " positions, too "
                    + "few for a " + budget + "-token hole with text around it; give a smaller token budget");
        }
        String context = text.context();
        String prefix = text.prefix();
        String suffix = text.suffix();
        while (true) {
            int c = loaded.encode(context).length;
            int p = loaded.encode(prefix).length;
            int s = loaded.encode(suffix).length;
            if (c + p + s <= positions) {
                return new CanvasText(context, prefix, suffix);
            }
            // Each branch shortens its text; with the suffix and context at a quarter each, an empty prefix fits.
            if (s > positions / 4) {
                suffix = suffix.substring(0, suffix.length() / 2);
            } else if (c > positions / 4) {
                context = context.substring(0, context.length() / 2);
            } else {
                int cut = prefix.indexOf('\n', Math.max(1, prefix.length() / 8));
                prefix = cut >= 0 && cut + 1 < prefix.length() ? prefix.substring(cut + 1)
                        : prefix.substring(Math.max(1, prefix.length() / 2));
            }
        }
    }
}
