package dev.quicksilver.client;

/** Where a {@link SidecarClient}'s sidecar stands. Reported to a {@link StateListener} on every change. */
public enum SidecarState {
    /** The process is starting (or the address is being reached): requests wait for it. */
    STARTING,
    /** Health-checked and serving. */
    READY,
    /** The process died (or the connection was lost) and is being restarted with backoff: requests wait. */
    RESTARTING,
    /** Gave up (too many failed starts, or the sidecar cannot start at all): requests fail at once. */
    FAILED,
    /** {@link SidecarClient#close()} was called. */
    CLOSED
}
