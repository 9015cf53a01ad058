package dev.quicksilver.index;

import java.util.List;
import java.util.Optional;

/**
 * What the model sees for one request. Segments come in this order: PREFIX, SUFFIX, then DECLARATION segments
 * (the symbol used nearest to the cursor first), then SIMILAR segments (most similar first). The sum of
 * {@link ContextSegment#tokens()} never exceeds {@code tokenBudget}.
 */
public record Context(List<ContextSegment> segments, int tokens, int tokenBudget) {
    public Context {
        segments = List.copyOf(segments);
    }

    public Optional<ContextSegment> prefix() {
        return first(ContextSegment.Kind.PREFIX);
    }

    public Optional<ContextSegment> suffix() {
        return first(ContextSegment.Kind.SUFFIX);
    }

    public List<ContextSegment> ofKind(ContextSegment.Kind kind) {
        return segments.stream().filter(s -> s.kind() == kind).toList();
    }

    private Optional<ContextSegment> first(ContextSegment.Kind kind) {
        return segments.stream().filter(s -> s.kind() == kind).findFirst();
    }
}
