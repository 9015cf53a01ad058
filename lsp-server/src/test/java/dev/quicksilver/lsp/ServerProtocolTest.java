package dev.quicksilver.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.CodeAction;
import org.eclipse.lsp4j.CodeActionContext;
import org.eclipse.lsp4j.CodeActionKind;
import org.eclipse.lsp4j.CodeActionParams;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidChangeWatchedFilesParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.ExecuteCommandParams;
import org.eclipse.lsp4j.FileChangeType;
import org.eclipse.lsp4j.FileEvent;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.InlineCompletionContext;
import org.eclipse.lsp4j.InlineCompletionParams;
import org.eclipse.lsp4j.InlineCompletionTriggerKind;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.VersionedTextDocumentIdentifier;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server process and an LSP4J client, for everything that needs no model call: negotiation, document
 * sync, code actions listed from the index, and malformed input (the server answers with an error and stays up).
 */
class ServerProtocolTest {
    @TempDir
    Path tmp;

    static String uri(Path p) {
        return Uris.toUri(p);
    }

    static void open(ServerProcess s, Path file, String text) {
        s.server.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(uri(file), "java", 1, text)));
    }

    static CompletableFuture<List<org.eclipse.lsp4j.jsonrpc.messages.Either<org.eclipse.lsp4j.Command, CodeAction>>> actions(ServerProcess s, Path file, int line, int col) {
        return s.server.getTextDocumentService().codeAction(new CodeActionParams(new TextDocumentIdentifier(uri(file)),
                new Range(new Position(line, col), new Position(line, col)), new CodeActionContext(List.of())));
    }

    static ResponseErrorException error(CompletableFuture<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(60, TimeUnit.SECONDS));
        return assertInstanceOf(ResponseErrorException.class, e.getCause(), String.valueOf(e.getCause()));
    }

    @Test
    void negotiatesInlineCompletionOnlyWithClientsThatAdvertiseIt() throws Exception {
        Path ws = SampleWorkspace.copy(tmp);
        try (ServerProcess modern = new ServerProcess(tmp.resolve("modern.log"))) {
            InitializeResult r = modern.initialize(ws, Caps.modern());
            assertNotNull(r.getCapabilities().getInlineCompletionProvider());
            assertNull(r.getCapabilities().getCompletionProvider());
            assertTrue(r.getCapabilities().getCodeActionProvider().getRight().getResolveProvider());
            assertEquals(List.of(CodeActionKind.RefactorRewrite), r.getCapabilities().getCodeActionProvider().getRight().getCodeActionKinds());
        }
        try (ServerProcess old = new ServerProcess(tmp.resolve("old.log"))) {
            InitializeResult r = old.initialize(ws, Caps.minimal());
            assertNull(r.getCapabilities().getInlineCompletionProvider());
            assertNotNull(r.getCapabilities().getCompletionProvider());
            // The model process starts at `initialized`, beside the indexing, with no request asking for it: the
            // first completion does not wait for its start, model load and warm-up.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (old.logs.stream().noneMatch(m -> m.getMessage().startsWith("sidecar ready")) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(old.logs.stream().anyMatch(m -> m.getMessage().startsWith("sidecar ready")), old.logs.toString());
        }
    }

    /**
     * Files created, changed and deleted on disk outside the editor reach the index through
     * workspace/didChangeWatchedFiles (for the watcher the server registers): the implement-method action counts
     * the implementations the index knows, so its title follows the files.
     */
    @Test
    void filesChangedOnDiskOutsideTheEditorChangeWhatTheIndexAnswers() throws Exception {
        Path ws = SampleWorkspace.copy(tmp);
        Path rule = SampleWorkspace.shop(ws, "PriceRule.java");
        String text = Files.readString(rule).replace("long apply(long cents);", "long apply(long cents);\n\n    String describe();");
        Files.writeString(rule, text);
        try (ServerProcess s = new ServerProcess(tmp.resolve("server.log"))) {
            s.initialize(ws, Caps.modern());
            open(s, rule, text);
            int decl = RefactorPlanningTest.lineOf(rule, "String describe();");
            assertTrue(waitForTitle(s, rule, decl, "in its 3 implementations"));
            var registration = waitFor(() -> s.registrations.stream().filter(r -> r.getMethod().equals("workspace/didChangeWatchedFiles")).findFirst());
            assertTrue(registration.isPresent(), "the server registers a watcher with a client that allows it: " + s.registrations);
            assertTrue(registration.get().getRegisterOptions().toString().contains("**/*.java"), registration.get().toString());

            Path created = SampleWorkspace.shop(ws, "HalfOff.java");
            Files.writeString(created, "package shop;\n\npublic class HalfOff implements PriceRule {\n    @Override\n"
                    + "    public long apply(long cents) {\n        return cents / 2;\n    }\n}\n");
            fileEvent(s, created, FileChangeType.Created);
            assertTrue(waitForTitle(s, rule, decl, "in its 4 implementations"), "a created file is indexed");

            Path fixed = SampleWorkspace.shop(ws, "FixedOff.java");
            Files.writeString(fixed, Files.readString(fixed).replace("implements PriceRule", ""));
            fileEvent(s, fixed, FileChangeType.Changed);
            assertTrue(waitForTitle(s, rule, decl, "in its 3 implementations"), "a changed file is indexed again");

            Files.delete(created);
            fileEvent(s, created, FileChangeType.Deleted);
            assertTrue(waitForTitle(s, rule, decl, "in its 2 implementations"), "a deleted file leaves the index");
        }
    }

    private static void fileEvent(ServerProcess s, Path file, FileChangeType type) {
        s.server.getWorkspaceService().didChangeWatchedFiles(new DidChangeWatchedFilesParams(List.of(new FileEvent(uri(file), type))));
    }

    /** Whether an implement-method action whose title contains {@code expected} is listed within 60 s. */
    private static boolean waitForTitle(ServerProcess s, Path file, int line, String expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        List<String> titles = List.of();
        while (System.nanoTime() < deadline) {
            titles = actions(s, file, line, 12).get(60, TimeUnit.SECONDS).stream().map(e -> e.getRight().getTitle()).toList();
            if (titles.stream().anyMatch(t -> t.startsWith("Implement") && t.contains(expected))) return true;
            Thread.sleep(200);
        }
        System.err.println("titles were " + titles);
        return false;
    }

    private static <T> java.util.Optional<T> waitFor(java.util.function.Supplier<java.util.Optional<T>> probe) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            var found = probe.get();
            if (found.isPresent()) return found;
            Thread.sleep(100);
        }
        return probe.get();
    }

    @Test
    void servesOverATcpSocketOnLoopback() throws Exception {
        Path ws = SampleWorkspace.copy(tmp);
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), "dev.quicksilver.lsp.cli.QuicksilverCli", "serve", "--port", "0").start();
        try (var err = new java.io.BufferedReader(new java.io.InputStreamReader(p.getErrorStream()))) {
            String line;
            int port = -1;
            while ((line = err.readLine()) != null) {
                if (line.startsWith("quicksilver lsp listening on 127.0.0.1:")) {
                    port = Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).trim());
                    break;
                }
            }
            assertTrue(port > 0, "the server announces its port");
            try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
                var launcher = org.eclipse.lsp4j.launch.LSPLauncher.createClientLauncher(new org.eclipse.lsp4j.services.LanguageClient() {
                    public void telemetryEvent(Object o) { }
                    public void publishDiagnostics(org.eclipse.lsp4j.PublishDiagnosticsParams d) { }
                    public void showMessage(org.eclipse.lsp4j.MessageParams m) { }
                    public CompletableFuture<org.eclipse.lsp4j.MessageActionItem> showMessageRequest(org.eclipse.lsp4j.ShowMessageRequestParams r) { return null; }
                    public void logMessage(org.eclipse.lsp4j.MessageParams m) { }
                }, socket.getInputStream(), socket.getOutputStream());
                var listening = launcher.startListening();
                org.eclipse.lsp4j.InitializeParams init = new org.eclipse.lsp4j.InitializeParams();
                init.setWorkspaceFolders(List.of(new org.eclipse.lsp4j.WorkspaceFolder(uri(ws), "ws")));
                init.setCapabilities(Caps.modern());
                var result = launcher.getRemoteProxy().initialize(init).get(60, TimeUnit.SECONDS);
                assertNotNull(result.getCapabilities().getInlineCompletionProvider());
                launcher.getRemoteProxy().shutdown().get(20, TimeUnit.SECONDS);
                listening.cancel(true);
            }
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * change-signature through the protocol, as an editor drives it: the user retypes a header in keystrokes
     * ({@code reserve(String sku, int quantity)} -> {@code reserve(int quantity, String sku, String customerId)}),
     * the code actions at the header offer "Change the arguments ..." (and neither add-parameter nor
     * reorder-parameters), and its resolved edit passes every call's arguments the new way: the new argument is the
     * variable of its name in sight at each call, so no model is asked (none is configured here).
     */
    @Test
    void aHeaderRetypedInAnEditorIsOfferedChangeSignature() throws Exception {
        Path ws = SampleWorkspace.copy(tmp);
        Path inv = SampleWorkspace.shop(ws, "Inventory.java");
        String text = Files.readString(inv);
        try (ServerProcess s = new ServerProcess(tmp.resolve("server.log"))) {
            s.initialize(ws, Caps.modern());
            open(s, inv, text);
            int line = RefactorPlanningTest.lineOf(inv, "public boolean reserve");
            String header = Files.readAllLines(inv).get(line);
            int open = header.indexOf('(') + 1;
            // Three keystroke bursts on one line: "int quantity, " typed first, ", int quantity" deleted, ", String
            // customerId" typed at the end.
            int version = 2;
            for (String[] change : new String[][] {{"insert", "int quantity, ", String.valueOf(open)},
                    {"delete", ", int quantity", String.valueOf(open + "int quantity, String sku".length())},
                    {"insert", ", String customerId", String.valueOf(open + "int quantity, String sku".length())}}) {
                int at = Integer.parseInt(change[2]);
                Range range = change[0].equals("insert") ? new Range(new Position(line, at), new Position(line, at))
                        : new Range(new Position(line, at), new Position(line, at + change[1].length()));
                s.server.getTextDocumentService().didChange(new DidChangeTextDocumentParams(new VersionedTextDocumentIdentifier(uri(inv), version++),
                        List.of(new TextDocumentContentChangeEvent(range, change[0].equals("insert") ? change[1] : ""))));
            }
            Thread.sleep(300);
            var list = actions(s, inv, line, 20).get(60, TimeUnit.SECONDS);
            List<String> titles = list.stream().map(e -> e.getRight().getTitle()).toList();
            CodeAction change = list.stream().map(e -> e.getRight()).filter(a -> a.getTitle().startsWith("Change the arguments of Inventory.reserve()"))
                    .findFirst().orElseThrow(() -> new AssertionError(titles.toString()));
            assertEquals("Change the arguments of Inventory.reserve() to (quantity, sku, customerId), filling new customerId, reordering,"
                    + " at its 5 call sites in 3 files", change.getTitle());
            assertTrue(titles.stream().noneMatch(t -> t.startsWith("Fill new") || t.startsWith("Reorder")), titles.toString());
            CodeAction resolved = s.server.getTextDocumentService().resolveCodeAction(change).get(120, TimeUnit.SECONDS);
            java.util.Map<String, List<String>> newTexts = newTexts(resolved.getEdit());
            assertEquals(java.util.Map.of("Checkout.java", List.of("item.quantity(), item.sku(), customerId", "first.quantity(), first.sku(), customerId",
                    "second.quantity(), second.sku(), customerId"), "OrderService.java", List.of("item.quantity(), item.sku(), customerId"),
                    "Restock.java", List.of("quantity, sku, customerId")), newTexts);

            // Followed up: the same header's edit is not offered again (calls written the new way would be passed
            // through the change once more); the header edited again is a new edit. Here the calls are written the
            // new way (on disk, as the client applies them), then the method's name retyped: renamed at its calls.
            List<String> again = actions(s, inv, line, 20).get(60, TimeUnit.SECONDS).stream().map(e -> e.getRight().getTitle()).toList();
            assertTrue(again.stream().noneMatch(t -> t.startsWith("Change the arguments") || t.startsWith("Reorder") || t.startsWith("Fill new")), again.toString());
            applyOnDisk(resolved.getEdit());
            s.server.getWorkspaceService().didChangeWatchedFiles(new org.eclipse.lsp4j.DidChangeWatchedFilesParams(resolved.getEdit().getDocumentChanges()
                    .stream().map(c -> new org.eclipse.lsp4j.FileEvent(c.getLeft().getTextDocument().getUri(), org.eclipse.lsp4j.FileChangeType.Changed)).toList()));
            int nameAt = header.indexOf("reserve(");
            s.server.getTextDocumentService().didChange(new DidChangeTextDocumentParams(new VersionedTextDocumentIdentifier(uri(inv), version),
                    List.of(new TextDocumentContentChangeEvent(new Range(new Position(line, nameAt), new Position(line, nameAt + "reserve".length())), "hold"))));
            // (The watched-file events are handled on a worker: the other files are read again shortly.)
            String expected = "Rename method Inventory.reserve() to hold(), at its 5 uses in 3 files";
            List<String> renamed = List.of();
            for (int tries = 0; tries < 40 && !renamed.contains(expected); tries++) {
                Thread.sleep(250);
                renamed = actions(s, inv, line, 20).get(60, TimeUnit.SECONDS).stream().map(e -> e.getRight().getTitle()).toList();
            }
            assertTrue(renamed.contains(expected), renamed.toString());
        }
    }

    /**
     * A checked exception added to a method's throws clause in an editor: the code actions at the header offer to
     * declare it up the callers and to catch it at the calls; declare-exception's resolved edit adds it to the
     * callers' throws clauses with its import, and once applied (on disk, as a client does) neither is offered again.
     */
    @Test
    void aCheckedExceptionAddedInAnEditorIsDeclaredUpTheCallers() throws Exception {
        Path ws = SampleWorkspace.copy(tmp);
        Path inv = SampleWorkspace.shop(ws, "Inventory.java");
        String text = Files.readString(inv);
        try (ServerProcess s = new ServerProcess(tmp.resolve("server.log"))) {
            s.initialize(ws, Caps.modern());
            open(s, inv, text);
            int line = RefactorPlanningTest.lineOf(inv, "public boolean reserve");
            String header = Files.readAllLines(inv).get(line);
            int at = header.indexOf(") {") + 1;
            s.server.getTextDocumentService().didChange(new DidChangeTextDocumentParams(new VersionedTextDocumentIdentifier(uri(inv), 2),
                    List.of(new TextDocumentContentChangeEvent(new Range(new Position(line, at), new Position(line, at)),
                            " throws java.util.concurrent.TimeoutException"))));
            Thread.sleep(300);
            var list = actions(s, inv, line, 20).get(60, TimeUnit.SECONDS);
            List<String> titles = list.stream().map(e -> e.getRight().getTitle()).toList();
            assertTrue(titles.contains("Catch TimeoutException at the 5 calls of Inventory.reserve() (3 files)"), titles.toString());
            CodeAction declare = list.stream().map(e -> e.getRight()).filter(a -> a.getTitle().startsWith("Declare TimeoutException"))
                    .findFirst().orElseThrow(() -> new AssertionError(titles.toString()));
            assertEquals("Declare TimeoutException up the callers of Inventory.reserve(): 4 methods declare it (3 files)", declare.getTitle());
            CodeAction resolved = s.server.getTextDocumentService().resolveCodeAction(declare).get(120, TimeUnit.SECONDS);
            java.util.Map<String, List<String>> newTexts = newTexts(resolved.getEdit());
            List<String> declared = List.of("throws TimeoutException", "throws TimeoutException", "import java.util.concurrent.TimeoutException;");
            assertEquals(java.util.Map.of("Checkout.java", declared, "OrderService.java", List.of("throws TimeoutException",
                    "import java.util.concurrent.TimeoutException;"), "Restock.java", List.of("throws TimeoutException",
                    "import java.util.concurrent.TimeoutException;")), newTexts.entrySet().stream().collect(java.util.stream.Collectors.toMap(
                    java.util.Map.Entry::getKey, e -> e.getValue().stream().map(String::strip).sorted(java.util.Comparator.comparing((String t) -> t.startsWith("import"))).toList())));

            applyOnDisk(resolved.getEdit());
            s.server.getWorkspaceService().didChangeWatchedFiles(new org.eclipse.lsp4j.DidChangeWatchedFilesParams(resolved.getEdit().getDocumentChanges()
                    .stream().map(c -> new org.eclipse.lsp4j.FileEvent(c.getLeft().getTextDocument().getUri(), org.eclipse.lsp4j.FileChangeType.Changed)).toList()));
            List<String> again = titles;
            for (int tries = 0; tries < 40 && again.stream().anyMatch(t -> t.contains("TimeoutException")); tries++) {
                Thread.sleep(250);
                again = actions(s, inv, line, 20).get(60, TimeUnit.SECONDS).stream().map(e -> e.getRight().getTitle()).toList();
            }
            assertTrue(again.stream().noneMatch(t -> t.contains("TimeoutException")), "every call handles it now: " + again);
        }
    }

    /**
     * A class renamed in an editor: retyped in its declaration ({@code class Inventory} -> {@code class Stock}), the
     * code actions offer rename-type, whose resolved edit renames its uses in the other files and then moves its file
     * ({@code RenameFile} after the file's edits), for a client that can rename files. Applied as a client does (the
     * edits written, the file moved, the old document closed and the new one opened), the workspace compiles, and the
     * rename is not offered again. A client that cannot rename files gets the uses renamed and a note to rename the
     * file itself.
     */
    @Test
    void aClassRenamedInAnEditorRenamesItsUsesAndMovesItsFile() throws Exception {
        for (boolean canRename : new boolean[] {true, false}) {
            Path ws = SampleWorkspace.copy(tmp.resolve("rename-" + canRename));
            Path inv = SampleWorkspace.shop(ws, "Inventory.java");
            String text = Files.readString(inv);
            List<String> errorsBefore = javacErrors(ws); // the sample leaves a method for default-body to write
            try (ServerProcess s = new ServerProcess(tmp.resolve("server-" + canRename + ".log"))) {
                org.eclipse.lsp4j.ClientCapabilities caps = Caps.modern();
                if (canRename) caps.getWorkspace().getWorkspaceEdit().setResourceOperations(List.of("rename"));
                s.initialize(ws, caps);
                open(s, inv, text);
                int line = RefactorPlanningTest.lineOf(inv, "public class Inventory {");
                int at = "public class ".length();
                s.server.getTextDocumentService().didChange(new DidChangeTextDocumentParams(new VersionedTextDocumentIdentifier(uri(inv), 2),
                        List.of(new TextDocumentContentChangeEvent(new Range(new Position(line, at), new Position(line, at + "Inventory".length())), "Stock"))));
                Thread.sleep(300);
                var list = actions(s, inv, line, at + "Stock".length()).get(60, TimeUnit.SECONDS);
                List<String> titles = list.stream().map(e -> e.getRight().getTitle()).toList();
                CodeAction rename = list.stream().map(e -> e.getRight()).filter(a -> a.getTitle().startsWith("Rename class Inventory"))
                        .findFirst().orElseThrow(() -> new AssertionError(titles.toString()));
                assertEquals("Rename class Inventory to Stock, at its 6 uses in 3 files, and its file to Stock.java", rename.getTitle());
                // Beside it, the same with the constructors' parameters and the private fields named after the class.
                assertTrue(titles.contains("Rename class Inventory to Stock, at its 6 uses in 3 files, and its file to Stock.java, and the variable"
                        + " named after it (inventory -> stock)"), titles.toString());
                CodeAction resolved = s.server.getTextDocumentService().resolveCodeAction(rename).get(120, TimeUnit.SECONDS);
                var changes = resolved.getEdit().getDocumentChanges();
                List<String> moves = changes.stream().filter(c -> c.isRight()).map(c -> (org.eclipse.lsp4j.RenameFile) c.getRight())
                        .map(m -> Path.of(java.net.URI.create(m.getOldUri())).getFileName() + " -> " + Path.of(java.net.URI.create(m.getNewUri())).getFileName()).toList();
                assertEquals(canRename ? List.of("Inventory.java -> Stock.java") : List.of(), moves);
                if (canRename) {
                    // The move comes after the moved file's edits, which name it as it is.
                    assertTrue(changes.getLast().isRight() && changes.get(changes.size() - 2).getLeft().getTextDocument().getUri().equals(uri(inv)),
                            changes.toString());
                } else {
                    assertTrue(resolved.getEdit().getChangeAnnotations().values().stream()
                            .anyMatch(a -> a.getDescription().endsWith("rename the file to Stock.java yourself (this editor does not let a language server rename files)")),
                            resolved.getEdit().getChangeAnnotations().toString());
                    // Shown too: a client without annotations (Eglot) would otherwise say nothing of the file's name.
                    assertTrue(s.shown.stream().anyMatch(m -> m.getType() == org.eclipse.lsp4j.MessageType.Warning
                            && m.getMessage().contains("Inventory.java to Stock.java yourself")), s.shown.toString());
                    continue;
                }
                // Applied as the client does: the buffer's text is the document's, the file moves, the editor closes
                // the old document and opens the new one, and the watcher reports the files.
                Files.writeString(inv, text.replace("public class Inventory {", "public class Stock {"));
                applyOnDisk(resolved.getEdit());
                Path stock = inv.resolveSibling("Stock.java");
                s.server.getTextDocumentService().didClose(new org.eclipse.lsp4j.DidCloseTextDocumentParams(new TextDocumentIdentifier(uri(inv))));
                open(s, stock, Files.readString(stock));
                List<FileEvent> events = new java.util.ArrayList<>(List.of(new FileEvent(uri(inv), FileChangeType.Deleted), new FileEvent(uri(stock), FileChangeType.Created)));
                for (String other : List.of("Checkout.java", "OrderService.java", "Restock.java")) {
                    events.add(new FileEvent(uri(SampleWorkspace.shop(ws, other)), FileChangeType.Changed));
                }
                s.server.getWorkspaceService().didChangeWatchedFiles(new DidChangeWatchedFilesParams(events));
                Thread.sleep(300);
                List<String> after = actions(s, stock, line, at + "Stock".length()).get(60, TimeUnit.SECONDS).stream().map(e -> e.getRight().getTitle()).toList();
                assertTrue(after.stream().noneMatch(t -> t.startsWith("Rename class")), after.toString());
                assertEquals(errorsBefore, javacErrors(ws), "the workspace compiles as it did once the rename is applied");
            }
        }
    }

    /**
     * A class renamed in an editor to the name of another class of its package ({@code class Inventory} -> {@code
     * class Cart}): rename-type applies there but must not run. A client that shows disabled code actions lists it
     * greyed, with the reason (also one that cannot resolve actions, whose actions come with their edits); one that
     * does not is offered nothing of it; asked to run it by name ({@code quicksilver.refactor}), the server answers
     * the reason as the error, and nothing is applied.
     */
    @Test
    void aClassRenamedToAnotherClasssNameIsRefusedWithTheReason() throws Exception {
        for (String client : new String[] {"disabled", "disabled-eager", "plain"}) {
            boolean showsDisabled = !client.equals("plain");
            Path ws = SampleWorkspace.copy(tmp.resolve("clash-" + client));
            Path inv = SampleWorkspace.shop(ws, "Inventory.java");
            try (ServerProcess s = new ServerProcess(tmp.resolve("server-clash-" + client + ".log"))) {
                org.eclipse.lsp4j.ClientCapabilities caps = Caps.modern();
                caps.getTextDocument().getCodeAction().setDisabledSupport(showsDisabled);
                // Without resolve support the server resolves each action before it answers: a disabled one stays as listed.
                if (client.equals("disabled-eager")) caps.getTextDocument().getCodeAction().setResolveSupport(null);
                s.initialize(ws, caps);
                open(s, inv, Files.readString(inv));
                int line = RefactorPlanningTest.lineOf(inv, "public class Inventory {");
                int at = "public class ".length();
                s.server.getTextDocumentService().didChange(new DidChangeTextDocumentParams(new VersionedTextDocumentIdentifier(uri(inv), 2),
                        List.of(new TextDocumentContentChangeEvent(new Range(new Position(line, at), new Position(line, at + "Inventory".length())), "Cart"))));
                Thread.sleep(300);
                var listed = actions(s, inv, line, at + "Cart".length()).get(60, TimeUnit.SECONDS).stream().map(e -> e.getRight())
                        .filter(a -> a.getTitle().startsWith("Rename class Inventory")).toList();
                String reason = "package shop already has a type Cart (src/main/java/shop/Cart.java), so Inventory cannot be renamed to it: "
                        + "choose another name, or rename that type first";
                if (showsDisabled) {
                    assertEquals(1, listed.size(), listed.toString());
                    assertEquals("Rename class Inventory to Cart", listed.getFirst().getTitle());
                    assertEquals(reason, listed.getFirst().getDisabled().getReason());
                    assertNull(listed.getFirst().getEdit());
                } else {
                    assertEquals(List.of(), listed, "a client that cannot show a refused refactor is not offered it");
                }
                com.google.gson.JsonObject args = new com.google.gson.JsonObject();
                args.addProperty("refactor", "rename-type");
                args.addProperty("uri", uri(inv));
                args.addProperty("line", line);
                args.addProperty("character", at + "Cart".length());
                ResponseErrorException refused = error(s.server.getWorkspaceService().executeCommand(
                        new org.eclipse.lsp4j.ExecuteCommandParams("quicksilver.refactor", List.of(args))));
                assertEquals(reason, refused.getResponseError().getMessage());
                assertEquals(List.of(), s.applied);
            }
        }
    }

    /**
     * {@code quicksilver.addImports}, the command an inline completion that needs imports carries: it inserts the
     * import lines the document does not have by then, through {@code workspace/applyEdit}; anything but import
     * lines, or a file outside the workspace, is refused with one sentence. The command itself is what the inline
     * item carries for a completion's import edit.
     */
    @Test
    void anAcceptedCompletionsImportsAreAddedByItsCommand() throws Exception {
        Path ws = SampleWorkspace.copy(tmp);
        Path cart = SampleWorkspace.shop(ws, "Cart.java");
        try (ServerProcess s = new ServerProcess(tmp.resolve("server.log"))) {
            InitializeResult init = s.initialize(ws, Caps.modern());
            assertTrue(init.getCapabilities().getExecuteCommandProvider().getCommands().contains("quicksilver.addImports"));
            open(s, cart, Files.readString(cart));
            org.eclipse.lsp4j.TextEdit imports = new org.eclipse.lsp4j.TextEdit(new Range(new Position(4, 0), new Position(4, 0)),
                    "import java.util.List;\nimport java.util.Set;\n");
            org.eclipse.lsp4j.Command command = dev.quicksilver.lsp.handlers.InlineCompletionHandler.importsCommand(uri(cart), imports);
            assertEquals("Add 2 imports", command.getTitle());
            s.server.getWorkspaceService().executeCommand(new ExecuteCommandParams(command.getCommand(), command.getArguments())).get(60, TimeUnit.SECONDS);
            var edits = s.applied.getLast().getEdit().getChanges().get(uri(cart));
            assertEquals("import java.util.Set;\n", edits.getFirst().getNewText(), "java.util.List is imported already");
            assertEquals(new Position(4, 0), edits.getFirst().getRange().getStart());

            JsonObject code = new Gson().fromJson(new Gson().toJson(command.getArguments().getFirst()), JsonObject.class);
            code.addProperty("text", "class Evil {}\n");
            var refused = error(s.server.getWorkspaceService().executeCommand(new ExecuteCommandParams("quicksilver.addImports", List.of(code))));
            assertTrue(refused.getMessage().contains("inserts import lines only"), refused.getMessage());
            JsonObject outside = new Gson().fromJson(new Gson().toJson(command.getArguments().getFirst()), JsonObject.class);
            outside.addProperty("uri", uri(tmp.resolve("elsewhere/A.java")));
            var away = error(s.server.getWorkspaceService().executeCommand(new ExecuteCommandParams("quicksilver.addImports", List.of(outside))));
            assertTrue(away.getMessage().contains("outside"), away.getMessage());
        }
    }

    /** javac's errors over the workspace's Java files, each without its path's folders (none: it compiles). */
    private List<String> javacErrors(Path ws) throws java.io.IOException {
        List<Path> sources;
        try (var files = Files.walk(ws.resolve("src"))) {
            sources = files.filter(f -> f.toString().endsWith(".java")).toList();
        }
        var err = new java.io.ByteArrayOutputStream();
        List<String> args = new java.util.ArrayList<>(List.of("-d", tmp.resolve("classes-" + System.nanoTime()).toString(), "-nowarn"));
        sources.forEach(f -> args.add(f.toString()));
        int rc = javax.tools.ToolProvider.getSystemJavaCompiler().run(null, java.io.OutputStream.nullOutputStream(), err, args.toArray(String[]::new));
        return rc == 0 ? List.of() : err.toString(java.nio.charset.StandardCharsets.UTF_8).lines().filter(l -> l.contains("error:"))
                .map(l -> l.replace(ws.resolve("src/main/java/shop") + java.io.File.separator, "")).toList();
    }

    /**
     * Writes a workspace edit's text edits into its files on disk, as a client applies them (files not open), and
     * makes its file renames.
     */
    /** The new texts of a workspace edit's text edits, by file name, in order. */
    private static java.util.Map<String, List<String>> newTexts(org.eclipse.lsp4j.WorkspaceEdit edit) {
        java.util.Map<String, List<String>> out = new java.util.TreeMap<>();
        for (var c : edit.getDocumentChanges()) {
            if (!c.isLeft()) continue;
            String file = Path.of(java.net.URI.create(c.getLeft().getTextDocument().getUri())).getFileName().toString();
            for (var te : c.getLeft().getEdits()) out.computeIfAbsent(file, f -> new java.util.ArrayList<>()).add(te.getLeft().getNewText());
        }
        return out;
    }

    private static void applyOnDisk(org.eclipse.lsp4j.WorkspaceEdit edit) throws java.io.IOException {
        for (var change : edit.getDocumentChanges()) {
            if (change.isRight()) {
                var move = (org.eclipse.lsp4j.RenameFile) change.getRight();
                Files.move(Path.of(java.net.URI.create(move.getOldUri())), Path.of(java.net.URI.create(move.getNewUri())));
                continue;
            }
            Path file = Path.of(java.net.URI.create(change.getLeft().getTextDocument().getUri()));
            String text = Files.readString(file);
            List<org.eclipse.lsp4j.TextEdit> edits = change.getLeft().getEdits().stream().map(e -> e.getLeft())
                    .sorted(java.util.Comparator.comparingInt((org.eclipse.lsp4j.TextEdit e) -> e.getRange().getStart().getLine())
                            .thenComparingInt(e -> e.getRange().getStart().getCharacter()).reversed()).toList();
            for (org.eclipse.lsp4j.TextEdit e : edits) {
                int from = offsetOf(text, e.getRange().getStart());
                text = text.substring(0, from) + e.getNewText() + text.substring(offsetOf(text, e.getRange().getEnd()));
            }
            Files.writeString(file, text);
        }
    }

    private static int offsetOf(String text, Position p) {
        int offset = 0;
        for (int l = 0; l < p.getLine(); l++) offset = text.indexOf('\n', offset) + 1;
        return offset + p.getCharacter();
    }

    @Test
    void listsRefactorsFromTheIndexAfterTheUserAddsAParameterAndSurvivesBadInput() throws Exception {
        Path ws = SampleWorkspace.copy(tmp);
        Path inv = SampleWorkspace.shop(ws, "Inventory.java");
        String text = Files.readString(inv);
        try (ServerProcess s = new ServerProcess(tmp.resolve("server.log"))) {
            s.initialize(ws, Caps.modern());
            open(s, inv, text);
            // The user types ", String customerId" into the declaration: an incremental change in UTF-16 positions.
            int line = RefactorPlanningTest.lineOf(inv, "public boolean reserve");
            int col = Files.readAllLines(inv).get(line).indexOf("int quantity)") + "int quantity".length();
            Position at = new Position(line, col);
            s.server.getTextDocumentService().didChange(new DidChangeTextDocumentParams(new VersionedTextDocumentIdentifier(uri(inv), 5),
                    List.of(new TextDocumentContentChangeEvent(new Range(at, at), ", String customerId"))));
            Thread.sleep(300);
            var list = actions(s, inv, line, 20).get(60, TimeUnit.SECONDS);
            CodeAction fill = list.stream().map(e -> e.getRight()).filter(a -> a.getTitle().contains("customerId")).findFirst()
                    .orElseThrow(() -> new AssertionError(list.toString()));
            assertEquals(CodeActionKind.RefactorRewrite, fill.getKind());
            assertTrue(fill.getTitle().contains("5 call sites") && fill.getTitle().contains("3 files"), fill.getTitle());
            assertNull(fill.getEdit(), "a client that resolves edits gets them from codeAction/resolve");

            // Malformed input: each gets one clear error sentence.
            Path unknown = ws.resolve("Nope.java");
            var e1 = error(s.server.getTextDocumentService().inlineCompletion(new InlineCompletionParams(new TextDocumentIdentifier(uri(unknown)),
                    new Position(0, 0), new InlineCompletionContext(InlineCompletionTriggerKind.Invoked))));
            assertEquals(ResponseErrorCode.InvalidParams.getValue(), e1.getResponseError().getCode());
            assertTrue(e1.getMessage().contains("not open"), e1.getMessage());
            var e2 = error(s.server.getTextDocumentService().inlineCompletion(new InlineCompletionParams(new TextDocumentIdentifier(uri(inv)),
                    new Position(9999, 0), new InlineCompletionContext(InlineCompletionTriggerKind.Invoked))));
            assertTrue(e2.getMessage().contains("is outside"), e2.getMessage());
            Path binary = ws.resolve("blob.bin");
            open(s, binary, "PK\u0003\u0004\u0000\u0000junk");
            var e3 = error(s.server.getTextDocumentService().inlineCompletion(new InlineCompletionParams(new TextDocumentIdentifier(uri(binary)),
                    new Position(0, 1), new InlineCompletionContext(InlineCompletionTriggerKind.Invoked))));
            assertTrue(e3.getMessage().contains("binary"), e3.getMessage());
            CodeActionParams noRange = new CodeActionParams();
            noRange.setTextDocument(new TextDocumentIdentifier(uri(inv)));
            var e4 = error(s.server.getTextDocumentService().codeAction(noRange));
            assertTrue(e4.getMessage().contains("range"), e4.getMessage());
            var e5 = error(s.server.getTextDocumentService().inlineCompletion(new InlineCompletionParams(new TextDocumentIdentifier("http://example.com/x.java"),
                    new Position(0, 0), new InlineCompletionContext(InlineCompletionTriggerKind.Invoked))));
            assertTrue(e5.getMessage().contains("is not open"), e5.getMessage()); // any scheme may be opened (untitled:)
            var e5b = error(s.server.getTextDocumentService().inlineCompletion(new InlineCompletionParams(new TextDocumentIdentifier("src/x.java"),
                    new Position(0, 0), new InlineCompletionContext(InlineCompletionTriggerKind.Invoked))));
            assertTrue(e5b.getMessage().contains("has no scheme"), e5b.getMessage());
            CodeAction bogus = new CodeAction("bogus");
            bogus.setData(new JsonObject());
            var e6 = error(s.server.getTextDocumentService().resolveCodeAction(bogus));
            assertTrue(e6.getMessage().contains("data"), e6.getMessage());
            var e7 = error(s.server.getWorkspaceService().executeCommand(new ExecuteCommandParams("rm -rf", List.of())));
            assertTrue(e7.getMessage().contains("unknown command"), e7.getMessage());
            // A bad setting is shown once (window/showMessage), however often it comes; a good one is applied.
            com.google.gson.JsonObject bad = new com.google.gson.JsonObject();
            bad.addProperty("backend", "quantum");
            for (int i = 0; i < 2; i++) {
                s.server.getWorkspaceService().didChangeConfiguration(new org.eclipse.lsp4j.DidChangeConfigurationParams(bad));
            }
            com.google.gson.JsonObject badWeights = new com.google.gson.JsonObject();
            badWeights.addProperty("weights", "int4");
            s.server.getWorkspaceService().didChangeConfiguration(new org.eclipse.lsp4j.DidChangeConfigurationParams(badWeights));
            com.google.gson.JsonObject badThreads = new com.google.gson.JsonObject();
            badThreads.addProperty("threads", -2);
            s.server.getWorkspaceService().didChangeConfiguration(new org.eclipse.lsp4j.DidChangeConfigurationParams(badThreads));
            com.google.gson.JsonObject badPool = new com.google.gson.JsonObject();
            badPool.addProperty("sidecarAddress", "gpu1:7420,gpu2");
            s.server.getWorkspaceService().didChangeConfiguration(new org.eclipse.lsp4j.DidChangeConfigurationParams(badPool));
            com.google.gson.JsonObject badTls = new com.google.gson.JsonObject();
            badTls.addProperty("sidecarTls", "/nowhere/ca.pem");
            s.server.getWorkspaceService().didChangeConfiguration(new org.eclipse.lsp4j.DidChangeConfigurationParams(badTls));
            com.google.gson.JsonObject good = new com.google.gson.JsonObject();
            good.addProperty("maxTokens", 7);
            s.server.getWorkspaceService().didChangeConfiguration(new org.eclipse.lsp4j.DidChangeConfigurationParams(good));
            Thread.sleep(500);
            assertEquals(1, s.shown.stream().filter(m -> m.getMessage().contains("backend must be one of")).count(), s.shown.toString());
            assertTrue(s.shown.stream().anyMatch(m -> m.getMessage().contains("weights must be one of") && m.getMessage().contains("\"int4\"")),
                    s.shown.toString());
            assertTrue(s.shown.stream().anyMatch(m -> m.getMessage().contains("threads must be between 0 and 4096, was -2")),
                    s.shown.toString());
            assertTrue(s.shown.stream().anyMatch(m -> m.getMessage().contains("sidecarAddress: \"gpu2\"")
                    && m.getMessage().contains("host:port")), s.shown.toString());
            assertTrue(s.shown.stream().anyMatch(m -> m.getMessage().contains("sidecarTls: \"/nowhere/ca.pem\" is not a readable file")),
                    s.shown.toString());
            assertTrue(s.logs.stream().anyMatch(m -> m.getMessage().contains("maxTokens=7")), "settings applied and logged");
            // Still up and answering.
            assertTrue(s.process.isAlive());
            assertTrue(actions(s, inv, line, 20).get(60, TimeUnit.SECONDS).stream().anyMatch(a -> a.getRight().getTitle().startsWith("Fill new parameter")));
        }
    }
}
