package dev.quicksilver.lsp;

import org.eclipse.lsp4j.ProgressParams;
import org.eclipse.lsp4j.WorkDoneProgressBegin;
import org.eclipse.lsp4j.WorkDoneProgressCreateParams;
import org.eclipse.lsp4j.WorkDoneProgressEnd;
import org.eclipse.lsp4j.WorkDoneProgressNotification;
import org.eclipse.lsp4j.WorkDoneProgressReport;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.services.LanguageClient;

/**
 * {@code $/progress} for the resolved phase of the cold index: completions already use the outline by then, so
 * this only tells the user why refactors wait. Server-initiated ({@code window/workDoneProgress/create}), shown
 * only to clients that support it, not cancellable. Reports go out when the percentage moves.
 *
 * <p>Concurrency: called from the one thread that builds the index; synchronized so a late {@link #end} from a
 * failure path cannot interleave with a report.
 */
final class IndexingProgress {
    private final ServerSession session;
    private Either<String, Integer> token;
    private int lastPercent = -1;
    private boolean ended;

    IndexingProgress(ServerSession session) {
        this.session = session;
    }

    synchronized void begin(int total) {
        LanguageClient client = session.client().orElse(null);
        var window = session.capabilities().getWindow();
        if (client == null || total == 0 || window == null || !Boolean.TRUE.equals(window.getWorkDoneProgress())) return;
        token = Either.forLeft(session.nextProgressToken("index"));
        client.createProgress(new WorkDoneProgressCreateParams(token));
        WorkDoneProgressBegin begin = new WorkDoneProgressBegin();
        begin.setTitle("Quicksilver: resolving Java");
        begin.setMessage("0/" + total + " files");
        begin.setPercentage(0);
        begin.setCancellable(false);
        send(begin);
        lastPercent = 0;
    }

    synchronized void report(int resolved, int total) {
        if (token == null || ended) return;
        int percent = total == 0 ? 100 : resolved * 100 / total;
        if (percent == lastPercent) return;
        lastPercent = percent;
        WorkDoneProgressReport report = new WorkDoneProgressReport();
        report.setMessage(resolved + "/" + total + " files");
        report.setPercentage(percent);
        send(report);
    }

    synchronized void end(String message) {
        if (token == null || ended) return;
        ended = true;
        WorkDoneProgressEnd end = new WorkDoneProgressEnd();
        end.setMessage(message);
        send(end);
    }

    private void send(WorkDoneProgressNotification value) {
        session.client().ifPresent(c -> c.notifyProgress(new ProgressParams(token, Either.forLeft(value))));
    }
}
