package dev.quicksilver.decode;

import java.util.List;

/**
 * What one {@link DenoisingSession#step()} did.
 *
 * @param canvases  canvases in the batched forward (0 when there was nothing to do)
 * @param rows      positions recomputed over the batch
 * @param committed tokens committed over the batch
 * @param forwardMs time in the model's forward
 * @param finished  canvases that finished (or were cancelled) at this step
 */
public record StepReport(int canvases, int rows, int committed, double forwardMs, List<CanvasHandle> finished) {

    static final StepReport IDLE = new StepReport(0, 0, 0, 0, List.of());
}
