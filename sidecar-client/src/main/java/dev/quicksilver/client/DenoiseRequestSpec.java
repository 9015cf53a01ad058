package dev.quicksilver.client;

import dev.quicksilver.protocol.v1.Canvas;
import dev.quicksilver.protocol.v1.ContextSegment;
import dev.quicksilver.protocol.v1.DecodeOptions;
import dev.quicksilver.protocol.v1.DenoiseRequest;
import dev.quicksilver.protocol.v1.Span;
import java.time.Duration;
import java.util.Objects;

/**
 * A denoise request and its deadline. Build the common shapes with {@link #infill} and the {@code with}
 * methods, or wrap any protocol message with {@link #of}.
 *
 * @param request  the protocol message sent as is
 * @param deadline how long the call may take end to end (queueing included); null for none
 */
public record DenoiseRequestSpec(DenoiseRequest request, Duration deadline) {

    public DenoiseRequestSpec {
        Objects.requireNonNull(request, "request");
    }

    public static DenoiseRequestSpec of(DenoiseRequest request, Duration deadline) {
        return new DenoiseRequestSpec(request, deadline);
    }

    /** {@code [prefix][maxTokens masked][suffix]}: a completion at the cursor. */
    public static DenoiseRequestSpec infill(String prefix, int maxTokens, String suffix) {
        Canvas canvas = Canvas.newBuilder().setPrefix(prefix)
                .addSpans(Span.newBuilder().setMaxTokens(maxTokens)).setSuffix(suffix).build();
        return new DenoiseRequestSpec(DenoiseRequest.newBuilder().addCanvases(canvas).build(), null);
    }

    /** Adds a context segment (related code from another file) to every canvas. */
    public DenoiseRequestSpec withContext(String path, String text) {
        DenoiseRequest.Builder b = request.toBuilder();
        for (Canvas.Builder c : b.getCanvasesBuilderList()) {
            c.addContext(ContextSegment.newBuilder().setPath(path).setText(text));
        }
        return new DenoiseRequestSpec(b.build(), deadline);
    }

    /** Adds another independent canvas (a multi-site edit); it is decoded in the same batch. */
    public DenoiseRequestSpec withCanvas(Canvas canvas) {
        return new DenoiseRequestSpec(request.toBuilder().addCanvases(canvas).build(), deadline);
    }

    public DenoiseRequestSpec withOptions(DecodeOptions options) {
        return new DenoiseRequestSpec(request.toBuilder().setOptions(options).build(), deadline);
    }

    public DenoiseRequestSpec withProgressEvery(int steps) {
        return new DenoiseRequestSpec(request.toBuilder().setProgressEverySteps(steps).build(), deadline);
    }

    public DenoiseRequestSpec withRequestId(String id) {
        return new DenoiseRequestSpec(request.toBuilder().setRequestId(id).build(), deadline);
    }

    public DenoiseRequestSpec withDeadline(Duration d) {
        return new DenoiseRequestSpec(request, d);
    }
}
