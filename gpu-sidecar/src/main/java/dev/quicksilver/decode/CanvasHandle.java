package dev.quicksilver.decode;

/**
 * A canvas submitted to a {@link DenoisingSession}: its id, whether it is finished, and its result. The
 * session's thread writes it; other threads may poll {@link #done()} and read {@link #result()} once done.
 */
public final class CanvasHandle {

    private final long id;
    private final CanvasWork work;
    private volatile boolean finished;
    private volatile CanvasResult result;

    CanvasHandle(long id, CanvasWork work) {
        this.id = id;
        this.work = work;
    }

    public long id() {
        return id;
    }

    public boolean done() {
        return finished;
    }

    /** The final result; throws while the canvas is still being decoded. */
    public CanvasResult result() {
        CanvasResult r = result;
        if (r == null) {
            throw new IllegalStateException("canvas " + id + " is still being decoded");
        }
        return r;
    }

    /**
     * The canvas as it stands (masks where nothing is committed yet), for streaming intermediate canvases.
     * Call it from the thread that drives the session, between steps.
     */
    public int[] snapshot() {
        CanvasResult r = result;
        return r != null ? r.canvas() : work.snapshot();
    }

    /** Leading positions whose keys/values came from the cross-request context store (0 without one). */
    public int contextReused() {
        return work.contextReused();
    }

    CanvasWork work() {
        return work;
    }

    void finish() {
        work.close();
        result = work.result();
        finished = true;
    }

    @Override
    public String toString() {
        return "canvas " + id + (finished ? " (done)" : "");
    }
}
