package dev.quicksilver.client;

/**
 * Hears a sidecar's state changes, for a status bar or a log. Called from a client thread, never while a
 * lock is held; keep it short.
 */
@FunctionalInterface
public interface StateListener {

    /**
     * @param state  the new state
     * @param reason one sentence: why (for READY, what is serving: "model X on the cpu backend, port N")
     */
    void stateChanged(SidecarState state, String reason);

    StateListener NONE = (state, reason) -> {};
}
