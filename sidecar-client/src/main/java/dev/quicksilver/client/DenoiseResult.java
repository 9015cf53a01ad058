package dev.quicksilver.client;

import dev.quicksilver.protocol.v1.CanvasResult;
import dev.quicksilver.protocol.v1.RequestStats;
import dev.quicksilver.protocol.v1.Result;
import dev.quicksilver.protocol.v1.SpanResult;
import java.util.List;

/**
 * The final answer of a denoise request.
 *
 * @param result the protocol message: per canvas, per span, the text and its stats
 */
public record DenoiseResult(Result result) {

    /** The text of the first span of the first canvas: the whole answer of a plain completion. */
    public String text() {
        return result.getCanvases(0).getSpans(0).getText();
    }

    /** Per canvas, the text of each span. */
    public List<List<String>> texts() {
        return result.getCanvasesList().stream()
                .map(c -> c.getSpansList().stream().map(SpanResult::getText).toList())
                .toList();
    }

    public List<CanvasResult> canvases() {
        return result.getCanvasesList();
    }

    public RequestStats stats() {
        return result.getStats();
    }
}
