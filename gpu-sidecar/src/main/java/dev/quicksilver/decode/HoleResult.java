package dev.quicksilver.decode;

/**
 * What one hole was filled with.
 *
 * @param tokens     the completion: the hole's tokens before its first EOS, pads removed
 * @param raw        every position of the hole as it ended (EOS and pads included)
 * @param endedByEos whether decoding of the hole stopped at an EOS (otherwise it used its whole budget)
 */
public record HoleResult(int[] tokens, int[] raw, boolean endedByEos) {}
