package dev.quicksilver.decode;

import dev.quicksilver.transformer.LanguageModel;
import java.util.ArrayList;
import java.util.List;

/** One-shot decoding: submit every canvas to a {@link DenoisingSession}, step until done, collect. */
public final class Decoder {

    /** The results, in request order, and the session's counters. */
    public record Generation(List<CanvasResult> results, DecodeStats stats) {
        public CanvasResult first() {
            return results.getFirst();
        }
    }

    private Decoder() {}

    public static Generation generate(LanguageModel model, DecodeOptions options, List<CanvasRequest> requests) {
        try (DenoisingSession session = new DenoisingSession(model, options)) {
            List<CanvasHandle> handles = new ArrayList<>();
            for (CanvasRequest r : requests) {
                handles.add(session.submit(r));
            }
            session.runToCompletion();
            List<CanvasResult> results = new ArrayList<>();
            for (CanvasHandle h : handles) {
                results.add(h.result());
            }
            return new Generation(results, session.stats());
        }
    }

    public static Generation generate(LanguageModel model, DecodeOptions options, CanvasRequest request) {
        return generate(model, options, List.of(request));
    }
}
