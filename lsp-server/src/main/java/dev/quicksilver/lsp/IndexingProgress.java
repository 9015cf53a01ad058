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
 * this only tells the user why refactors wait. Server-initiated: the token is created with
 * {@code window/workDoneProgress/create} and used only once the client has answered (LSP 3.15+; a client may
 * refuse a token it has not created), shown only to clients that support it, not cancellable. Reports go out
 * when the percentage moves; those that come before the client's answer are folded into the begin.
 *
 * <p>Concurrency: {@link #begin}, {@link #report} and {@link #end} come from the thread that builds the index,
 * the client's answer from LSP4J's reader thread; every method is synchronized (a few calls per build).
 */
final class IndexingProgress {
    private final ServerSession session;
    private Either<String, Integer> token;
    private boolean created;
    private boolean ended;
    private int resolved;
    private int total;
    private int lastPercent = -1;

    IndexingProgress(ServerSession session) {
        this.session = session;
    }

    synchronized void begin(int total) {
        LanguageClient client = session.client().orElse(null);
        var window = session.capabilities().getWindow();
        if (client == null || total == 0 || window == null || !Boolean.TRUE.equals(window.getWorkDoneProgress())) return;
        this.total = total;
        token = Either.forLeft(session.nextProgressToken("index"));
        client.createProgress(new WorkDoneProgressCreateParams(token)).whenComplete((ok, refused) -> {
            if (refused == null) created();
        });
    }

    private synchronized void created() {
        if (ended) return; // finished before the client answered: nothing to show
        created = true;
        WorkDoneProgressBegin begin = new WorkDoneProgressBegin();
        begin.setTitle("Quicksilver: resolving Java");
        begin.setMessage(resolved + "/" + total + " files");
        lastPercent = percent();
        begin.setPercentage(lastPercent);
        begin.setCancellable(false);
        send(begin);
    }

    synchronized void report(int resolved, int total) {
        this.resolved = resolved;
        this.total = total;
        if (!created || ended || percent() == lastPercent) return;
        lastPercent = percent();
        WorkDoneProgressReport report = new WorkDoneProgressReport();
        report.setMessage(resolved + "/" + total + " files");
        report.setPercentage(lastPercent);
        send(report);
    }

    synchronized void end(String message) {
        if (ended) return;
        ended = true;
        if (!created) return;
        WorkDoneProgressEnd end = new WorkDoneProgressEnd();
        end.setMessage(message);
        send(end);
    }

    private int percent() {
        return total == 0 ? 100 : resolved * 100 / total;
    }

    private void send(WorkDoneProgressNotification value) {
        session.client().ifPresent(c -> c.notifyProgress(new ProgressParams(token, Either.forLeft(value))));
    }
}
