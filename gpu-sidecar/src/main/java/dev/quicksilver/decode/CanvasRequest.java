package dev.quicksilver.decode;

import java.util.ArrayList;
import java.util.List;

/**
 * One canvas to decode: fixed token runs and masked holes, in order. The usual shape is
 * {@code [context][prefix][MASK x n][suffix]}; a multi-site edit has several holes, each with its own
 * token budget, and they denoise together.
 *
 * @param segments text and holes, left to right (at least one hole)
 * @param seed     seed of this canvas's random generator, or null for the session's
 */
public record CanvasRequest(List<Segment> segments, Long seed) {

    /** A piece of the canvas. */
    public sealed interface Segment {
        int length();
    }

    /** Tokens the model reads and never changes. */
    public record Text(int[] tokens) implements Segment {
        @Override
        public int length() {
            return tokens.length;
        }
    }

    /**
     * A hole of {@code budget} masked positions for the model to fill (the rest is padded at EOS).
     *
     * @param lineEnds null for an ordinary hole; else the hole is one line: it ends at its first committed EOS or
     *                 line end ({@link LineEnds}), and the positions after that end become padding at once, never
     *                 decoded (diffusion mode)
     */
    public record Hole(int budget, LineEnds lineEnds) implements Segment {
        public Hole(int budget) {
            this(budget, null);
        }

        public Hole {
            if (budget < 1) {
                throw new IllegalArgumentException("a hole needs a budget of at least one token, got " + budget);
            }
        }

        @Override
        public int length() {
            return budget;
        }
    }

    /**
     * A hole filled by choice, not by writing: the candidate the model scores highest ({@link ChoiceCanvas}). It
     * spans the longest candidate plus one position, where every candidate ends with EOS.
     *
     * @param candidates the token sequences to choose from, at least one token each
     */
    public record Choice(List<int[]> candidates) implements Segment {
        public static final int MAX_CANDIDATES = 64;

        public Choice {
            candidates = candidates.stream().map(int[]::clone).toList();
            if (candidates.isEmpty() || candidates.size() > MAX_CANDIDATES) {
                throw new IllegalArgumentException("a choice needs 1 to " + MAX_CANDIDATES + " candidates, got " + candidates.size());
            }
            for (int i = 0; i < candidates.size(); i++) {
                if (candidates.get(i).length == 0) {
                    throw new IllegalArgumentException("candidate " + i + " has no tokens; every candidate needs at least one");
                }
            }
        }

        @Override
        public int length() {
            return candidates.stream().mapToInt(c -> c.length).max().orElse(0) + 1;
        }
    }

    public CanvasRequest {
        segments = List.copyOf(segments);
        long holes = segments.stream().filter(s -> s instanceof Hole).count();
        long choices = segments.stream().filter(s -> s instanceof Choice).count();
        if (holes + choices == 0) {
            throw new IllegalArgumentException("a canvas needs at least one hole to fill");
        }
        if (choices > 0 && holes + choices > 1) {
            throw new IllegalArgumentException("a canvas with a choice has no other hole; send the other holes as canvases of their own");
        }
    }

    /** Whether this canvas chooses among candidates rather than writing. */
    public boolean isChoice() {
        return segments.stream().anyMatch(s -> s instanceof Choice);
    }

    /** {@code [prompt][MASK x budget]}: plain completion. */
    public static CanvasRequest completion(int[] prompt, int budget) {
        return builder().text(prompt).hole(budget).build();
    }

    /** {@code [prefix][MASK x budget][suffix]}: fill in the middle. */
    public static CanvasRequest infill(int[] prefix, int budget, int[] suffix) {
        return builder().text(prefix).hole(budget).text(suffix).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public int length() {
        return segments.stream().mapToInt(Segment::length).sum();
    }

    public CanvasRequest withSeed(long s) {
        return new CanvasRequest(segments, s);
    }

    /** Collects segments; empty text runs are skipped. */
    public static final class Builder {
        private final List<Segment> segments = new ArrayList<>();
        private Long seed;

        public Builder text(int[] tokens) {
            if (tokens.length > 0) {
                segments.add(new Text(tokens.clone()));
            }
            return this;
        }

        public Builder hole(int budget) {
            segments.add(new Hole(budget));
            return this;
        }

        /** A hole filled with one of {@code candidates} (see {@link Choice}). */
        public Builder choice(List<int[]> candidates) {
            return choice(new Choice(candidates));
        }

        public Builder choice(Choice choice) {
            segments.add(choice);
            return this;
        }

        /** A hole that stops at the end of its line (see {@link Hole}). */
        public Builder lineHole(int budget, LineEnds lineEnds) {
            segments.add(new Hole(budget, lineEnds));
            return this;
        }

        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        public CanvasRequest build() {
            return new CanvasRequest(segments, seed);
        }
    }
}
