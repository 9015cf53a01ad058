package dev.quicksilver.lsp;

import org.eclipse.lsp4j.ProgressParams;
import org.eclipse.lsp4j.WorkDoneProgressBegin;
import org.eclipse.lsp4j.WorkDoneProgressCreateParams;
import org.eclipse.lsp4j.WorkDoneProgressEnd;
import org.eclipse.lsp4j.WorkDoneProgressReport;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.services.LanguageClient;

/**
 * {@code $/progress} for one request. It stays silent for {@code delayMs} (short completions show nothing), then
 * begins: with the client's own {@code workDoneToken} when the request carried one, else with a token created by
 * {@code window/workDoneProgress/create} when the client supports that (used once the client has answered; what
 * happened meanwhile goes out with the begin), else not at all. Reports are the share of committed tokens, sent
 * when the percentage moves. {@link #forServerWork} is the same for work no request asked for (the index build):
 * a server-made token, not cancellable, silent for its first {@link #SERVER_WORK_DELAY_MS} (a small workspace
 * resolves in under a second, and a progress bar that flashes by only distracts).
 *
 * <p>Concurrency. {@link #update} comes from the sidecar client's callback thread, {@link #end} from whichever
 * thread completes the request, the client's answer to create from LSP4J's reader thread; the methods are
 * synchronized (a few notifications per request).
 */
public final class WorkDoneProgress {
    private final ServerSession session;
    private final Either<String, Integer> clientToken;
    private final String title;
    private final long delayMs;
    private final long startNanos = System.nanoTime();
    private Either<String, Integer> token;
    private boolean begun;
    /** Notifications may go out on the token: the client's own, or one the client has acknowledged creating. */
    private boolean open;
    private boolean ended;
    private int lastPercent = -1;
    private String lastMessage;

    /** The request this progress belongs to (cancelling the token cancels it), or null for server work. */
    private final java.util.concurrent.CompletableFuture<?> request;
    private final String tokenKind;
    private final String unit;

    public WorkDoneProgress(ServerSession session, Either<String, Integer> clientToken, String title, long delayMs,
                            java.util.concurrent.CompletableFuture<?> request) {
        this(session, clientToken, title, delayMs, request, "denoise", "tokens committed");
    }

    private WorkDoneProgress(ServerSession session, Either<String, Integer> clientToken, String title, long delayMs,
                             java.util.concurrent.CompletableFuture<?> request, String tokenKind, String unit) {
        this.session = session;
        this.request = request;
        this.clientToken = clientToken;
        this.title = title;
        this.delayMs = delayMs;
        this.tokenKind = tokenKind;
        this.unit = unit;
    }

    /** How long work the server does on its own runs before its progress is shown. */
    public static final long SERVER_WORK_DELAY_MS = 1500;

    /** Progress of work the server does on its own ({@code tokenKind} names its tokens, {@code unit} what is counted). */
    public static WorkDoneProgress forServerWork(ServerSession session, String tokenKind, String title, String unit) {
        return new WorkDoneProgress(session, null, title, SERVER_WORK_DELAY_MS, null, tokenKind, unit);
    }

    public synchronized void update(int committed, int total) {
        if (ended) return;
        if (!begun && (System.nanoTime() - startNanos) / 1_000_000 < delayMs) return;
        if (!begun && !begin()) return;
        int percent = total <= 0 ? 0 : Math.min(100, committed * 100 / total);
        if (percent == lastPercent) return;
        lastPercent = percent;
        lastMessage = committed + "/" + total + " " + unit;
        if (open) report();
    }

    /** Begins now regardless of the delay (refactors: always long enough to show). */
    public synchronized void beginNow(String message) {
        if (!begun && begin() && message != null) {
            lastMessage = message;
            if (open) report();
        }
    }

    public synchronized void end(String message) {
        if (ended) return;
        ended = true;
        if (!open) return; // never begun, or the client has not acknowledged the token yet: nothing was shown
        WorkDoneProgressEnd end = new WorkDoneProgressEnd();
        end.setMessage(message);
        send(Either.forLeft(end));
    }

    private boolean begin() {
        LanguageClient client = session.client().orElse(null);
        if (client == null) return false;
        if (clientToken != null) {
            token = clientToken;
        } else {
            var window = session.capabilities().getWindow();
            if (window == null || !Boolean.TRUE.equals(window.getWorkDoneProgress())) return false;
            token = Either.forLeft(session.nextProgressToken(tokenKind));
        }
        begun = true;
        if (request != null) {
            session.progressRequests().put(key(token), request);
            request.whenComplete((r, e) -> session.progressRequests().remove(key(token)));
        }
        if (clientToken != null) {
            opened();
        } else {
            // A token the server makes is used once the client has answered window/workDoneProgress/create.
            client.createProgress(new WorkDoneProgressCreateParams(token)).whenComplete((ok, refused) -> {
                if (refused == null) opened();
            });
        }
        return true;
    }

    private synchronized void opened() {
        if (ended || open) return;
        open = true;
        WorkDoneProgressBegin begin = new WorkDoneProgressBegin();
        begin.setTitle(title);
        begin.setCancellable(request != null);
        begin.setPercentage(Math.max(0, lastPercent));
        send(Either.forLeft(begin));
        if (lastMessage != null) report();
    }

    private void report() {
        WorkDoneProgressReport report = new WorkDoneProgressReport();
        if (lastPercent >= 0) report.setPercentage(lastPercent);
        report.setMessage(lastMessage);
        report.setCancellable(request != null);
        send(Either.forLeft(report));
    }

    public static String key(Either<String, Integer> token) {
        return token.isLeft() ? token.getLeft() : String.valueOf(token.getRight());
    }

    private void send(Either<org.eclipse.lsp4j.WorkDoneProgressNotification, Object> value) {
        session.client().ifPresent(c -> c.notifyProgress(new ProgressParams(token, value)));
    }
}
