package dev.quicksilver.index;

/** An edit of a text that drops a catch clause (or a multi-catch's type, or a try that has no other clause): {@code [start, end)} becomes {@code text}. */
public record CatchEdit(int start, int end, String text) {
}
