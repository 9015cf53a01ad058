package dev.quicksilver.decode;

/**
 * What the sampler proposes for one masked position, with the three confidence measures the commit
 * rules rank by (Dream's {@code sample_tokens}: plain, {@code margin_confidence}, {@code neg_entropy}).
 *
 * @param token           the proposed token (argmax when greedy, a draw otherwise)
 * @param probability     its probability after temperature and filters
 * @param margin          top-1 minus top-2 probability
 * @param negativeEntropy sum of p log p over the kept tokens (0 = certain, more negative = less sure)
 */
public record Candidate(int token, double probability, double margin, double negativeEntropy) {}
