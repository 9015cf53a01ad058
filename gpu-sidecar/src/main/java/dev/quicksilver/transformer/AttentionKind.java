package dev.quicksilver.transformer;

/** Diffusion models attend both ways; the autoregressive baseline mode attends to the past only. */
public enum AttentionKind { BIDIRECTIONAL, CAUSAL }
