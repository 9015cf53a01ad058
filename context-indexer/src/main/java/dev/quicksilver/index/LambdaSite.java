package dev.quicksilver.index;

import java.util.List;

/**
 * A lambda expression in a text, by character offsets: its parameter list {@code [paramsStart, paramsEnd)} (with
 * its parentheses, or the one bare name), its parameters as written ({@code "w"}, {@code "int w"}), and its body
 * {@code [bodyStart, bodyEnd)}.
 */
public record LambdaSite(int paramsStart, int paramsEnd, List<String> params, int bodyStart, int bodyEnd) {
    public LambdaSite {
        params = List.copyOf(params);
    }
}
