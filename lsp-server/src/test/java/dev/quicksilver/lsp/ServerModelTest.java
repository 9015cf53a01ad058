package dev.quicksilver.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.quicksilver.client.SidecarClient;
import dev.quicksilver.protocol.SidecarConventions;
import dev.quicksilver.protocol.v1.SchedulerStats;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.eclipse.lsp4j.CodeAction;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DidChangeConfigurationParams;
import org.eclipse.lsp4j.WorkDoneProgressBegin;
import org.eclipse.lsp4j.WorkDoneProgressCancelParams;
import org.eclipse.lsp4j.WorkDoneProgressEnd;
import org.eclipse.lsp4j.WorkDoneProgressReport;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.InlineCompletionContext;
import org.eclipse.lsp4j.InlineCompletionItem;
import org.eclipse.lsp4j.InlineCompletionParams;
import org.eclipse.lsp4j.InlineCompletionTriggerKind;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.TextDocumentEdit;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server process with the real sidecar and the embedded model: completions (inline and classic),
 * cancellation, and a multi-file refactor resolved into edits. Behaviour, never quality: non-empty text, ranges
 * at the cursor, edits in the right files.
 */
class ServerModelTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void needsTheSidecar() {
        Assumptions.assumeTrue(ServerProcess.sidecarServes(),
                "gpu-sidecar.jar has no serve subcommand yet (it comes from the sidecar branch); build the reactor first");
    }

    static InlineCompletionParams inline(Path file, int line, int col) {
        return new InlineCompletionParams(new TextDocumentIdentifier(Uris.toUri(file)), new Position(line, col),
                new InlineCompletionContext(InlineCompletionTriggerKind.Invoked));
    }

    @Test
    void inlineCompletionInAnEmptyMethodBodyThenCancellationAndARefactor() throws Exception {
        Path ws = SampleWorkspace.copy(tmp);
        Path cart = SampleWorkspace.shop(ws, "Cart.java");
        Path inv = SampleWorkspace.shop(ws, "Inventory.java");
        try (ServerProcess s = new ServerProcess(tmp.resolve("server.log"))) {
            s.initialize(ws, Caps.modern());
            ServerProtocolTest.open(s, cart, Files.readString(cart));
            int line = RefactorPlanningTest.lineOf(cart, "total after applying") + 2;
            var r = s.server.getTextDocumentService().inlineCompletion(inline(cart, line, 8)).get(120, TimeUnit.SECONDS);
            List<InlineCompletionItem> items = r.getRight().getItems();
            // The tiny model often writes only the line break and indentation here, which boundary healing strips
            // (the user has them): then the answer is an empty list. Either way the model ran and answered.
            assertTrue(items.size() <= 1);
            assertTrue(s.logs.stream().anyMatch(m -> m.getMessage().matches("(?s)completion .*Cart.java:" + (line + 1) + " model [1-9]\\d* tokens .*")),
                    "the model was asked and wrote at least one token: " + s.logs);
            for (InlineCompletionItem item : items) {
                assertFalse(item.getInsertText().getLeft().isBlank());
                assertFalse(item.getInsertText().getLeft().startsWith("\n"), "boundary healing strips the line break the user has");
                assertEquals(new Position(line, 8), item.getRange().getStart());
                assertEquals(new Position(line, 8), item.getRange().getEnd());
            }
            // The embedded model writes `return this.get(this);` here, and Cart has no get: the compiler finds the
            // invented name, the model fills it again (masked, the rest kept) and writes get again, so nothing
            // is shown. (A retrained model may write something else here; then this part needs a new place.)
            assertTrue(s.logs.stream().anyMatch(m -> m.getMessage().contains("unknown name \"get\"")
                    && m.getMessage().contains("masked again") && m.getMessage().endsWith("still unknown: not shown")), s.logs.toString());
            assertEquals(List.of(), items, "an invented method is not shown");
            // Arguments that do not fit: at items.add( the embedded model passes `this` (and with this test's budget
            // seven nulls after it), and List<Item>.add takes no Cart; the compiler says so at add, before the
            // completion, and the buffer without it had no such error: nothing is shown. (A retrained model may
            // write something else here.)
            String cartText = Files.readString(cart);
            ServerProtocolTest.open(s, cart, cartText.replace("items.add(item);", "items.add("));
            int addLine = RefactorPlanningTest.lineOf(cart, "items.add(item);");
            int addCol = Files.readAllLines(cart).get(addLine).indexOf("items.add(") + "items.add(".length();
            var misfit = s.server.getTextDocumentService().inlineCompletion(inline(cart, addLine, addCol)).get(120, TimeUnit.SECONDS).getRight().getItems();
            assertTrue(s.logs.stream().anyMatch(m -> m.getMessage().contains("Cart.java:" + (addLine + 1) + " model")
                    && m.getMessage().contains("wrong code of the call before it (The method add(")
                    && m.getMessage().contains(" in the type List<Item> is not applicable for the arguments (Cart")
                    && m.getMessage().endsWith(": not shown")), s.logs.toString());
            assertEquals(List.of(), misfit, "arguments the call does not take are not shown");
            ServerProtocolTest.open(s, cart, cartText);
            // A workspace that resolves before the server's progress delay shows no progress bar at all (none that
            // flashes by); IndexPhasesTest sees it on a workspace that takes longer.
            long resolvedMs = s.logs.stream().map(m -> m.getMessage()).filter(m -> m.startsWith("resolved "))
                    .mapToLong(m -> Long.parseLong(m.replaceAll("(?s).* in (\\d+) ms$", "$1"))).findFirst().orElseThrow();
            if (resolvedMs < WorkDoneProgress.SERVER_WORK_DELAY_MS - 300) {
                assertTrue(s.progress.stream().noneMatch(p -> p.getToken().isLeft() && p.getToken().getLeft().startsWith("quicksilver/index/")),
                        "resolved in " + resolvedMs + " ms, yet: " + s.progress);
            }

            // Cancel-previous: a newer request for the same document cancels the older one with -32800.
            var first = s.server.getTextDocumentService().inlineCompletion(inline(cart, line, 8));
            var second = s.server.getTextDocumentService().inlineCompletion(inline(cart, line, 8));
            ExecutionException e = assertThrows(ExecutionException.class, () -> first.get(60, TimeUnit.SECONDS));
            ResponseErrorException rex = assertInstanceOf(ResponseErrorException.class, e.getCause());
            assertEquals(ResponseErrorCode.RequestCancelled.getValue(), rex.getResponseError().getCode());
            assertNotNull(second.get(120, TimeUnit.SECONDS));
            // $/cancelRequest from the client.
            var third = s.server.getTextDocumentService().inlineCompletion(inline(cart, line, 8));
            third.cancel(true);
            // LSP4J sends $/cancelRequest before it marks the future cancelled, so the server's -32800 may land first.
            Exception cancelled = assertThrows(Exception.class, () -> third.get(1, TimeUnit.SECONDS));
            assertTrue(cancelled instanceof CancellationException || cancelled.getCause() instanceof ResponseErrorException refused
                    && refused.getResponseError().getCode() == ResponseErrorCode.RequestCancelled.getValue(), cancelled.toString());

            // Typing the start of the completion shown gets the rest of it, without a model call. First a line the
            // model completes (one of Inventory's statements, emptied; what this small model writes depends on
            // the context, so the first that gives a completion of two characters or more; with the editors' default
            // budget, which it answers better than this test's 16 tokens).
            JsonObject editorBudget = new JsonObject();
            editorBudget.addProperty("maxTokens", ServerSettings.defaults().maxTokens());
            s.server.getWorkspaceService().didChangeConfiguration(new DidChangeConfigurationParams(editorBudget));
            String shown = "";
            int ret = -1;
            int col = -1;
            List<String> lines = Files.readAllLines(inv);
            for (String statement : List.of("return false;", "return true;", "stock.put(sku, available - quantity);",
                    "return stock.getOrDefault(sku, 0);", "stock.merge(sku, quantity, Integer::sum);")) {
                ret = lines.stream().map(String::strip).toList().indexOf(statement);
                col = lines.get(ret).indexOf(statement);
                List<String> blanked = new java.util.ArrayList<>(lines);
                blanked.set(ret, " ".repeat(col));
                ServerProtocolTest.open(s, inv, String.join("\n", blanked) + "\n");
                var asked = s.server.getTextDocumentService().inlineCompletion(inline(inv, ret, col)).get(120, TimeUnit.SECONDS).getRight().getItems();
                shown = asked.isEmpty() ? "" : asked.getFirst().getInsertText().getLeft();
                if (shown.length() >= 2) break;
            }
            assertTrue(shown.length() >= 2, "the model completes none of the emptied statements: " + s.logs);
            s.server.getTextDocumentService().didChange(new org.eclipse.lsp4j.DidChangeTextDocumentParams(
                    new org.eclipse.lsp4j.VersionedTextDocumentIdentifier(Uris.toUri(inv), 2), List.of(new org.eclipse.lsp4j.TextDocumentContentChangeEvent(
                            new org.eclipse.lsp4j.Range(new Position(ret, col), new Position(ret, col)), shown.substring(0, 1)))));
            var rest = s.server.getTextDocumentService().inlineCompletion(inline(inv, ret, col + 1)).get(10, TimeUnit.SECONDS).getRight().getItems();
            assertEquals(List.of(shown.substring(1)), rest.stream().map(i -> i.getInsertText().getLeft()).toList());
            assertEquals(new Position(ret, col + 1), rest.getFirst().getRange().getStart());
            String typedThrough = "Inventory.java:" + (ret + 1) + " typed through: ";
            assertTrue(s.logs.stream().anyMatch(m -> m.getMessage().contains(typedThrough)
                    && m.getMessage().endsWith("(no model call)")), s.logs.toString());
            JsonObject testBudget = new JsonObject();
            testBudget.addProperty("maxTokens", 16);
            s.server.getWorkspaceService().didChangeConfiguration(new DidChangeConfigurationParams(testBudget));

            // A multi-file refactor: add a parameter, resolve the action, get versioned documentChanges.
            String text = Files.readString(inv);
            ServerProtocolTest.open(s, inv, text);
            Files.writeString(inv, text.replace("reserve(String sku, int quantity)", "reserve(String sku, int quantity, String customerId)"));
            s.server.getTextDocumentService().didChange(new org.eclipse.lsp4j.DidChangeTextDocumentParams(
                    new org.eclipse.lsp4j.VersionedTextDocumentIdentifier(Uris.toUri(inv), 7),
                    List.of(new org.eclipse.lsp4j.TextDocumentContentChangeEvent(Files.readString(inv)))));
            int decl = RefactorPlanningTest.lineOf(inv, "public boolean reserve");
            CodeAction action = ServerProtocolTest.actions(s, inv, decl, 20).get(60, TimeUnit.SECONDS).stream()
                    .map(x -> x.getRight()).filter(a -> a.getTitle().contains("customerId")).findFirst().orElseThrow();
            CodeAction resolved = s.server.getTextDocumentService().resolveCodeAction(action).get(300, TimeUnit.SECONDS);
            var changes = resolved.getEdit().getDocumentChanges();
            assertNotNull(changes);
            Set<String> files = changes.stream().map(c -> Path.of(java.net.URI.create(c.getLeft().getTextDocument().getUri())).getFileName().toString())
                    .collect(Collectors.toSet());
            assertEquals(Set.of("OrderService.java", "Checkout.java", "Restock.java"), files);
            int edits = changes.stream().mapToInt(c -> c.getLeft().getEdits().size()).sum();
            assertEquals(5, edits);
            for (var c : changes) {
                TextDocumentEdit tde = c.getLeft();
                assertNull(tde.getTextDocument().getVersion(), "files that are not open have no version");
                for (var te : tde.getEdits()) {
                    assertTrue(te.getLeft().getNewText().startsWith(", "), te.getLeft().getNewText());
                    // The annotation id is on the wire (LSP4J alone dropped it), and names an annotation that
                    // asks for confirmation: the refactor's, or a fallback's that says why.
                    String id = assertInstanceOf(org.eclipse.lsp4j.AnnotatedTextEdit.class, te.getLeft()).getAnnotationId();
                    var annotation = resolved.getEdit().getChangeAnnotations().get(id);
                    assertNotNull(annotation, id);
                    assertTrue(annotation.getNeedsConfirmation());
                    if (!id.equals("quicksilver.refactor")) assertTrue(annotation.getDescription().contains("used `"), annotation.getDescription());
                }
            }
            assertTrue(resolved.getEdit().getChangeAnnotations().get("quicksilver.refactor").getNeedsConfirmation());
            assertFalse(s.progress.isEmpty(), "$/progress while the batch ran");
        }
    }

    /**
     * A sidecar started on its own ({@code quicksilver sidecar serve --token-file}) and reached through the
     * sidecarAddress setting: the server spawns none of its own; a long completion reports work-done progress
     * (the share of committed tokens, rising); cancelling it, through window/workDoneProgress/cancel or through
     * $/cancelRequest, answers -32800 and ends the work in the sidecar (its scheduler says so); then the sidecar
     * still serves.
     */
    @Test
    void aRunningSidecarReachedBySidecarAddressReportsProgressAndStopsWhenCancelled() throws Exception {
        Path ws = SampleWorkspace.copy(tmp);
        Path cart = SampleWorkspace.shop(ws, "Cart.java");
        String token = "token-" + System.nanoTime();
        Path tokenFile = tokenFile(token);
        Process sidecar = startSidecar(tokenFile);
        try {
            int port = handshakePort(sidecar);
            String address = "127.0.0.1:" + port;
            JsonObject settings = new JsonObject();
            settings.addProperty("sidecarAddress", address);
            settings.addProperty("sidecarTokenFile", tokenFile.toString());
            // A long completion: many lines, a 256-token hole in one block, one token committed per step.
            settings.addProperty("multiline", true);
            settings.addProperty("maxTokens", 256);
            settings.addProperty("blockLength", 256);
            settings.addProperty("threshold", 1.0);
            try (ServerProcess s = new ServerProcess(tmp.resolve("server.log"));
                 SidecarClient direct = SidecarClient.connect(address, token)) {
                s.initialize(ws, Caps.modern(), settings);
                direct.awaitReady(Duration.ofSeconds(60));
                ServerProtocolTest.open(s, cart, Files.readString(cart));
                int line = RefactorPlanningTest.lineOf(cart, "total after applying") + 2;

                // window/workDoneProgress/cancel for the request's own token.
                InlineCompletionParams first = inline(cart, line, 8);
                first.setWorkDoneToken(Either.forLeft("long-1"));
                var running = s.server.getTextDocumentService().inlineCompletion(first);
                List<Integer> percentages = awaitReports(s, "long-1", 2);
                assertTrue(percentages.getLast() > percentages.getFirst() && percentages.getLast() < 100,
                        "the share of committed tokens rises as denoising runs: " + percentages);
                assertTrue(s.logs.stream().anyMatch(m -> m.getMessage().contains("model: sidecar at " + address)), s.logs.toString());
                assertTrue(s.process.descendants().findAny().isEmpty(), "no sidecar of its own");
                s.server.cancelProgress(new WorkDoneProgressCancelParams(Either.forLeft("long-1")));
                ResponseErrorException rex = ServerProtocolTest.error(running);
                assertEquals(ResponseErrorCode.RequestCancelled.getValue(), rex.getResponseError().getCode());
                assertTrue(s.progress.stream().anyMatch(p -> p.getToken().getLeft().equals("long-1") && p.getValue().getLeft() instanceof WorkDoneProgressEnd),
                        "the progress ends");
                var stats = awaitIdle(direct);
                assertEquals(1, stats.getCancelledRequests(), "the sidecar dropped the request");
                assertTrue(stats.getMaxForwardsAfterCancel() <= 1, "within one denoising step: " + stats);

                // $/cancelRequest: the client cancels its request; the server still answers it, with -32800.
                long cancelledBefore = cancelledResponses(s);
                InlineCompletionParams second = inline(cart, line, 8);
                second.setWorkDoneToken(Either.forLeft("long-2"));
                var again = s.server.getTextDocumentService().inlineCompletion(second);
                awaitReports(s, "long-2", 1);
                again.cancel(true);
                for (int i = 0; i < 200 && cancelledResponses(s) == cancelledBefore; i++) Thread.sleep(50);
                assertEquals(cancelledBefore + 1, cancelledResponses(s), "a -32800 response on the wire");
                assertEquals(2, awaitIdle(direct).getCancelledRequests());

                // A multi-file refactor's batch is cancellable too: $/cancelRequest on codeAction/resolve while
                // the sidecar runs it (its progress reports have begun) answers -32800 and stops the batch.
                CodeAction implement = addDescribeAndListImplement(s, SampleWorkspace.shop(ws, "PriceRule.java"));
                Set<String> tokensBefore = progressTokens(s);
                long cancelledBeforeRefactor = cancelledResponses(s);
                var resolving = s.server.getTextDocumentService().resolveCodeAction(implement);
                awaitReports(s, awaitNewProgressToken(s, tokensBefore), 1);
                resolving.cancel(true);
                for (int i = 0; i < 200 && cancelledResponses(s) == cancelledBeforeRefactor; i++) Thread.sleep(50);
                assertEquals(cancelledBeforeRefactor + 1, cancelledResponses(s), "a -32800 response to the resolve");
                var afterRefactor = awaitIdle(direct);
                assertEquals(3, afterRefactor.getCancelledRequests(), "the sidecar dropped the refactor's batch: " + afterRefactor);
                assertTrue(afterRefactor.getMaxForwardsAfterCancel() <= 1, "within one denoising step: " + afterRefactor);

                // The sidecar still serves: a one-line completion answers.
                JsonObject oneLine = new JsonObject();
                oneLine.addProperty("multiline", false);
                oneLine.addProperty("maxTokens", 24);
                oneLine.addProperty("blockLength", 32);
                oneLine.addProperty("threshold", 0.9);
                s.server.getWorkspaceService().didChangeConfiguration(new DidChangeConfigurationParams(oneLine));
                assertNotNull(s.server.getTextDocumentService().inlineCompletion(inline(cart, line, 8)).get(120, TimeUnit.SECONDS));
                assertTrue(awaitIdle(direct).getCompletedRequests() >= 1, "answered by the same sidecar");
            }
        } finally {
            sidecar.destroy();
            if (!sidecar.waitFor(20, TimeUnit.SECONDS)) sidecar.destroyForcibly();
        }
    }

    /** The token in a file only its owner reads, as the sidecar requires. */
    private Path tokenFile(String token) throws Exception {
        Path file = Files.writeString(tmp.resolve("sidecar.token"), token);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /** {@code quicksilver sidecar serve} on its own, on the embedded model, with {@code extraArgs}. */
    private Process startSidecar(Path tokenFile, String... extraArgs) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--add-modules",
                "jdk.incubator.vector", "-jar", ServerProcess.SIDECAR_JAR.toString(), "serve", "--model",
                SampleWorkspace.REPO.resolve("models/quicksilver-coder-mini").toString(), "--backend", "cpu", "--port", "0",
                "--token-file", tokenFile.toString()));
        cmd.addAll(List.of(extraArgs));
        return new ProcessBuilder(cmd).redirectError(tmp.resolve("sidecar.log").toFile()).start();
    }

    /**
     * A refactor with more sites than the sidecar takes in one batch: the server sends them in chunks of the
     * sidecar's batch size (the sidecar refused the whole request before), and every site gets its edit: the new
     * parameter ({@code Locale locale}) has no variable of its type in sight, so the model writes all five. Then
     * {@code String channel}: at the one call with two String variables in sight the model chooses between them;
     * the others pass their only String. Then the first refactor again, cancelled while its first chunk denoises.
     */
    @Test
    void aRefactorWithMoreSitesThanOneSidecarBatchIsSentInChunks() throws Exception {
        Path ws = SampleWorkspace.copy(tmp);
        Path inv = SampleWorkspace.shop(ws, "Inventory.java");
        String token = "token-" + System.nanoTime();
        Path tokenFile = tokenFile(token);
        Process sidecar = startSidecar(tokenFile, "--max-batch", "2");
        try {
            String address = "127.0.0.1:" + handshakePort(sidecar);
            JsonObject settings = new JsonObject();
            settings.addProperty("sidecarAddress", address);
            settings.addProperty("sidecarTokenFile", tokenFile.toString());
            settings.addProperty("threshold", 1.0); // one token a step: a chunk is 12 steps, long enough to cancel in
            try (ServerProcess s = new ServerProcess(tmp.resolve("server.log"));
                 SidecarClient direct = SidecarClient.connect(address, token)) {
                s.initialize(ws, Caps.modern(), settings);
                String original = Files.readString(inv);
                String text = original.replace("reserve(String sku, int quantity)", "reserve(String sku, int quantity, java.util.Locale locale)");
                Files.writeString(inv, text);
                ServerProtocolTest.open(s, inv, text);
                List<String> arguments = addParameterArguments(s, inv);
                assertEquals(5, arguments.size());
                assertTrue(s.logs.stream().anyMatch(m -> m.getMessage().contains("5 sites; 5 to the model")), s.logs.toString());
                SchedulerStats stats = awaitIdle(direct);
                assertEquals(3, stats.getCompletedRequests(), "5 sites in batches of 2: " + stats);
                assertEquals(0, stats.getRejectedRequests(), stats.toString());

                text = original.replace("reserve(String sku, int quantity)", "reserve(String sku, int quantity, String channel)");
                Files.writeString(inv, text);
                s.server.getTextDocumentService().didChange(new org.eclipse.lsp4j.DidChangeTextDocumentParams(
                        new org.eclipse.lsp4j.VersionedTextDocumentIdentifier(Uris.toUri(inv), 2),
                        List.of(new org.eclipse.lsp4j.TextDocumentContentChangeEvent(text))));
                arguments = addParameterArguments(s, inv);
                assertEquals(5, arguments.size());
                assertTrue(Collections.frequency(arguments, ", customerId") >= 4 && arguments.stream().allMatch(a -> a.equals(", customerId")
                        || a.equals(", sku")), "the only String in sight at four calls, one of two at Restock's: " + arguments);
                assertTrue(s.logs.stream().anyMatch(m -> m.getMessage().contains("5 sites; 1 to the model (0 written, 1 chosen")
                        && m.getMessage().contains("4 passed without it")), s.logs.toString());

                // Cancelled while its first chunk denoises: what is in flight is cancelled, the last chunk never sent.
                SchedulerStats before = awaitIdle(direct);
                text = original.replace("reserve(String sku, int quantity)", "reserve(String sku, int quantity, java.util.Locale locale)");
                Files.writeString(inv, text);
                s.server.getTextDocumentService().didChange(new org.eclipse.lsp4j.DidChangeTextDocumentParams(
                        new org.eclipse.lsp4j.VersionedTextDocumentIdentifier(Uris.toUri(inv), 3),
                        List.of(new org.eclipse.lsp4j.TextDocumentContentChangeEvent(text))));
                CodeAction again = ServerProtocolTest.actions(s, inv, RefactorPlanningTest.lineOf(inv, "public boolean reserve"), 20)
                        .get(120, TimeUnit.SECONDS).stream().map(x -> x.getRight()).filter(a -> a.getTitle().contains("5 call sites"))
                        .findFirst().orElseThrow();
                Set<String> tokensBefore = progressTokens(s);
                var resolving = s.server.getTextDocumentService().resolveCodeAction(again);
                awaitReports(s, awaitNewProgressToken(s, tokensBefore), 1);
                resolving.cancel(true);
                SchedulerStats after = awaitIdle(direct);
                Thread.sleep(500);
                after = awaitIdle(direct);
                long completed = after.getCompletedRequests() - before.getCompletedRequests();
                long cancelled = after.getCancelledRequests() - before.getCancelledRequests();
                assertTrue(cancelled >= 1, "the chunk in flight was cancelled: " + after);
                assertTrue(completed + cancelled <= 2, "of the three chunks the last never reached the sidecar: " + completed
                        + " completed, " + cancelled + " cancelled");
            }
        } finally {
            sidecar.destroy();
            if (!sidecar.waitFor(20, TimeUnit.SECONDS)) sidecar.destroyForcibly();
        }
    }

    /** Resolves the add-parameter action on the declaration in {@code inv}: the text each call site gets. */
    private static List<String> addParameterArguments(ServerProcess s, Path inv) throws Exception {
        CodeAction action = ServerProtocolTest.actions(s, inv, RefactorPlanningTest.lineOf(inv, "public boolean reserve"), 20)
                .get(120, TimeUnit.SECONDS).stream().map(x -> x.getRight()).filter(a -> a.getTitle().contains("5 call sites"))
                .findFirst().orElseThrow();
        CodeAction resolved = s.server.getTextDocumentService().resolveCodeAction(action).get(300, TimeUnit.SECONDS);
        return resolved.getEdit().getDocumentChanges().stream().flatMap(c -> c.getLeft().getEdits().stream())
                .map(e -> e.getLeft().getNewText()).toList();
    }

    private static int handshakePort(Process sidecar) throws Exception {
        var out = new java.io.BufferedReader(new java.io.InputStreamReader(sidecar.getInputStream()));
        CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
            try {
                for (String l; (l = out.readLine()) != null; ) {
                    var p = SidecarConventions.parseHandshake(l);
                    if (p.isPresent()) return p.getAsInt();
                }
                throw new IllegalStateException("the sidecar exited before its handshake line");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return port.get(120, TimeUnit.SECONDS);
    }

    /** Adds {@code String describe();} to PriceRule (on disk and open) and returns the "Implement ..." action listed on it. */
    private static CodeAction addDescribeAndListImplement(ServerProcess s, Path rule) throws Exception {
        String text = Files.readString(rule).replace("long apply(long cents);", "long apply(long cents);\n\n    String describe();");
        Files.writeString(rule, text);
        ServerProtocolTest.open(s, rule, text);
        int decl = RefactorPlanningTest.lineOf(rule, "String describe();");
        return ServerProtocolTest.actions(s, rule, decl, 12).get(300, TimeUnit.SECONDS).stream()
                .map(x -> x.getRight()).filter(a -> a.getTitle().startsWith("Implement")).findFirst().orElseThrow();
    }

    /** The token of the first progress that began after {@code before} was taken (a refactor's, say). */
    private static String awaitNewProgressToken(ServerProcess s, Set<String> before) throws InterruptedException {
        for (int i = 0; i < 2400; i++) {
            var token = progressTokens(s).stream().filter(t -> !before.contains(t)).findFirst();
            if (token.isPresent()) return token.get();
            Thread.sleep(25);
        }
        throw new AssertionError("no new progress began: " + s.progress);
    }

    /** The tokens of every progress seen so far. */
    private static Set<String> progressTokens(ServerProcess s) {
        return s.progress.stream().map(p -> p.getToken().getLeft()).collect(Collectors.toSet());
    }

    /** The percentages of the progress reports for {@code token}, once there are at least {@code count} of them. */
    private static List<Integer> awaitReports(ServerProcess s, String token, int count) throws InterruptedException {
        List<Integer> percentages = List.of();
        for (int i = 0; i < 1200 && percentages.size() < count; i++) {
            Thread.sleep(50);
            percentages = s.progress.stream().filter(p -> p.getToken().getLeft().equals(token))
                    .map(p -> p.getValue().getLeft()).filter(v -> v instanceof WorkDoneProgressReport)
                    .map(v -> ((WorkDoneProgressReport) v).getPercentage()).filter(java.util.Objects::nonNull).toList();
        }
        assertTrue(percentages.size() >= count, "progress reports for " + token + ": " + s.progress);
        assertTrue(s.progress.stream().anyMatch(p -> p.getToken().getLeft().equals(token) && p.getValue().getLeft() instanceof WorkDoneProgressBegin));
        return percentages;
    }

    private static long cancelledResponses(ServerProcess s) {
        return s.responses.stream().filter(r -> r.getError() != null && r.getError().getCode() == ResponseErrorCode.RequestCancelled.getValue()).count();
    }

    /** The sidecar's scheduler once nothing runs or waits in it (at most 30 s). */
    private static SchedulerStats awaitIdle(SidecarClient direct) throws Exception {
        SchedulerStats stats = null;
        for (int i = 0; i < 300; i++) {
            stats = direct.info().get(30, TimeUnit.SECONDS).getScheduler();
            if (stats.getActiveRequests() == 0 && stats.getQueuedRequests() == 0) return stats;
            Thread.sleep(100);
        }
        throw new AssertionError("the sidecar still works on something: " + stats);
    }

    @Test
    void clientsWithoutInlineCompletionResolveOrDocumentChangesGetACompletionItemAndPlainChanges() throws Exception {
        Path ws = SampleWorkspace.copy(tmp);
        Path cart = SampleWorkspace.shop(ws, "Cart.java");
        Path rule = SampleWorkspace.shop(ws, "PriceRule.java");
        try (ServerProcess s = new ServerProcess(tmp.resolve("server.log"))) {
            // This client also runs the sidecar on int8 weights and one cpu thread (the `weights` and `threads`
            // settings reach the spawned process).
            com.google.gson.JsonObject int8 = new com.google.gson.JsonObject();
            int8.addProperty("weights", "int8");
            int8.addProperty("threads", 1);
            s.initialize(ws, Caps.minimal(), int8);
            ServerProtocolTest.open(s, cart, Files.readString(cart));
            int line = RefactorPlanningTest.lineOf(cart, "total += item") ;
            // In the middle of a word ("ite|m."): the client filters the item by the word typed so far.
            int wordStart = Files.readAllLines(cart).get(line).indexOf("item.");
            int col = wordStart + "ite".length();
            var list = s.server.getTextDocumentService().completion(new CompletionParams(new TextDocumentIdentifier(Uris.toUri(cart)),
                    new Position(line, col))).get(120, TimeUnit.SECONDS).getRight();
            assertTrue(list.isIncomplete(), "typing further asks again");
            assertTrue(list.getItems().size() <= 1);
            assertTrue(s.logs.stream().anyMatch(m -> m.getMessage().contains("Cart.java:" + (line + 1) + " model ")), "the model was asked");
            assertTrue(s.logs.stream().anyMatch(m -> m.getMessage().contains("model: local sidecar (quicksilver-coder-mini, backend cpu, int8 weights, 1 cpu thread)")),
                    s.logs.toString());
            for (var item : list.getItems()) {
                var edit = item.getTextEdit().getLeft();
                assertEquals(new Position(line, wordStart), edit.getRange().getStart(), "the edit starts where the filter word starts");
                assertEquals(new Position(line, col), edit.getRange().getEnd());
                assertTrue(edit.getNewText().startsWith("ite"), "and repeats it: " + edit.getNewText());
            }

            // An untitled buffer (VS Code's scratch files) is completed from its own text, and has no refactors.
            String untitled = "untitled:Untitled-1";
            s.server.getTextDocumentService().didOpen(new org.eclipse.lsp4j.DidOpenTextDocumentParams(
                    new org.eclipse.lsp4j.TextDocumentItem(untitled, "java", 1, "class Scratch {\n    int twice(int x) {\n    }\n}\n")));
            s.server.getTextDocumentService().didChange(new org.eclipse.lsp4j.DidChangeTextDocumentParams(
                    new org.eclipse.lsp4j.VersionedTextDocumentIdentifier(untitled, 2), List.of(new org.eclipse.lsp4j.TextDocumentContentChangeEvent(
                            new org.eclipse.lsp4j.Range(new Position(2, 0), new Position(2, 0)), "        return \n"))));
            var scratch = s.server.getTextDocumentService().completion(new CompletionParams(new TextDocumentIdentifier(untitled),
                    new Position(2, 15))).get(120, TimeUnit.SECONDS).getRight();
            assertTrue(scratch.getItems().size() <= 1);
            assertTrue(s.logs.stream().anyMatch(m -> m.getMessage().matches("(?s)completion untitled:Untitled-1:3 model [1-9]\\d* tokens .*")),
                    "the model was asked about the untitled buffer: " + s.logs);
            for (var item : scratch.getItems()) assertEquals(new Position(2, 15), item.getTextEdit().getLeft().getRange().getEnd());
            var scratchActions = s.server.getTextDocumentService().codeAction(new org.eclipse.lsp4j.CodeActionParams(new TextDocumentIdentifier(untitled),
                    new org.eclipse.lsp4j.Range(new Position(1, 8), new Position(1, 8)), new org.eclipse.lsp4j.CodeActionContext(List.of())))
                    .get(60, TimeUnit.SECONDS);
            assertEquals(List.of(), scratchActions);
            s.server.getTextDocumentService().didClose(new org.eclipse.lsp4j.DidCloseTextDocumentParams(new TextDocumentIdentifier(untitled)));
            assertTrue(s.logs.stream().noneMatch(m -> m.getMessage().contains("untitled:") && m.getMessage().contains("ignored")), s.logs.toString());

            // Eager edit in codeAction (no resolve support), as plain changes (no documentChanges).
            CodeAction action = addDescribeAndListImplement(s, rule);
            assertNotNull(action.getEdit());
            assertNull(action.getEdit().getDocumentChanges());
            assertEquals(Set.of("PercentOff.java", "FixedOff.java", "BulkDiscount.java"), action.getEdit().getChanges().keySet().stream()
                    .map(u -> Path.of(java.net.URI.create(u)).getFileName().toString()).collect(Collectors.toSet()));
            for (var edits : action.getEdit().getChanges().values()) {
                assertTrue(edits.getFirst().getNewText().contains("public String describe() {"), edits.getFirst().getNewText());
            }

            // The same refactor by name: workspace/executeCommand, applied through workspace/applyEdit.
            com.google.gson.JsonObject args = new com.google.gson.JsonObject();
            args.addProperty("refactor", "implement-method");
            args.addProperty("uri", Uris.toUri(rule));
            args.addProperty("line", RefactorPlanningTest.lineOf(rule, "String describe();"));
            args.addProperty("character", 12);
            Object applied = s.server.getWorkspaceService().executeCommand(new org.eclipse.lsp4j.ExecuteCommandParams("quicksilver.refactor",
                    List.of(args))).get(300, TimeUnit.SECONDS);
            assertNotNull(applied);
            assertEquals(1, s.applied.size());
            assertEquals(3, s.applied.getFirst().getEdit().getChanges().size());
        }
    }
}
