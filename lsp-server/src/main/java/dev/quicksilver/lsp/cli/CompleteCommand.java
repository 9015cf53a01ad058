package dev.quicksilver.lsp.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code complete FILE:LINE:COL}: one inline completion, headless, printed to stdout. */
@Command(name = "complete", mixinStandardHelpOptions = true, description = "Print the inline completion at FILE:LINE:COL (one-based).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:a completion was printed", "1:no completion here (the server's reason is in --json's \"server\", or with --verbose)",
                "2:bad input (a file, a position, a sidecar), said in one sentence"})
public final class CompleteCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE:LINE:COL", arity = "0..1", description = "Where to complete (one-based); or --at, as refactor takes it.")
    String at;

    @Option(names = "--at", paramLabel = "FILE:LINE:COL", description = "The same as the FILE:LINE:COL argument.")
    String atOption;

    @Option(names = "--workspace", paramLabel = "DIR", description = "Workspace folder (default: the file's folder).")
    Path workspace;

    @Mixin
    SidecarMixin sidecar = new SidecarMixin();

    @Option(names = "--verbose", description = "Print the server's log to stderr.")
    boolean verbose;

    @Option(names = "--json", description = "Print one JSON object: the completion, where, and the server's line on how it was made.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if ((at == null) == (atOption == null)) {
            System.err.println("quicksilver: complete needs one place: FILE:LINE:COL or --at FILE:LINE:COL, not " + (at == null ? "neither" : "both"));
            return 2;
        }
        Headless.Location loc = Headless.Location.parse(at != null ? at : atOption);
        Path ws = workspace != null ? workspace.toAbsolutePath().normalize() : loc.file().getParent();
        // The server runs in this process: its log reaches stderr once, through the client ("[server] ..." with --verbose).
        System.setProperty("quicksilver.quiet", "true");
        try (HeadlessClient client = new HeadlessClient(verbose)) {
            client.initialize(ws, sidecar.addTo(HeadlessClient.batchSettings()));
            Headless.open(client, loc.file(), Headless.read(loc.file()));
            var item = Headless.complete(client, loc.file(), loc.line(), loc.column());
            String text = item.map(i -> i.getInsertText().getLeft()).orElse("");
            if (json) {
                com.google.gson.JsonObject o = new com.google.gson.JsonObject();
                o.addProperty("file", loc.file().toString());
                o.addProperty("line", loc.line() + 1);
                o.addProperty("column", loc.column() + 1);
                o.addProperty("completion", text);
                o.addProperty("shown", item.isPresent());
                o.addProperty("server", client.lastCompletionLog());
                System.out.println(new com.google.gson.GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(o));
            } else {
                System.out.println(text);
            }
            return item.isPresent() ? 0 : 1;
        }
    }
}
