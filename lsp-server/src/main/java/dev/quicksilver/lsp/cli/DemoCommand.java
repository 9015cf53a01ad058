package dev.quicksilver.lsp.cli;

import dev.quicksilver.lsp.ServerSettings;
import dev.quicksilver.lsp.refactor.FileChange;
import dev.quicksilver.lsp.refactor.UnifiedDiff;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code demo}: the main job in one command. Copies the sample workspace ({@code samples/java-shop}) to a
 * temporary folder, starts the language server headless (which spawns the sidecar with the embedded model),
 * and shows (1) an inline completion in an empty method body and (2) a multi-file refactor: a parameter is
 * added to {@code Inventory.reserve} as an editor would send it, and the server fills the new argument at its
 * call sites in three other files, as one batch; the result is printed as a unified diff.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Headless showcase on samples/java-shop: an inline completion and a multi-file refactor diff.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--sample", paramLabel = "DIR", description = "Sample workspace (default: samples/java-shop).")
    Path sample;

    @Mixin
    SidecarMixin sidecar = new SidecarMixin();

    @Option(names = "--verbose", description = "Print the server's log to stderr.")
    boolean verbose;

    static final String OLD_SIGNATURE = "public boolean reserve(String sku, int quantity)";
    static final String NEW_SIGNATURE = "public boolean reserve(String sku, int quantity, String customerId)";

    @Override
    public Integer call() throws Exception {
        Path src = sample != null ? sample.toAbsolutePath().normalize() : ServerSettings.home().resolve("samples/java-shop");
        if (!Files.isDirectory(src)) throw new IllegalArgumentException("sample workspace " + src + " does not exist; pass --sample DIR");
        Path ws = Files.createTempDirectory("quicksilver-demo-");
        // The server runs in this process: its log reaches stderr once, through the client ("[server] ..." with --verbose).
        System.setProperty("quicksilver.quiet", "true");
        try {
            copy(src, ws);
            Path cart = ws.resolve("src/main/java/shop/Cart.java");
            Path inventory = ws.resolve("src/main/java/shop/Inventory.java");
            try (HeadlessClient client = new HeadlessClient(verbose)) {
                long t0 = System.nanoTime();
                client.initialize(ws, sidecar.addTo(HeadlessClient.batchSettings()));
                String cartText = Headless.read(cart);
                Headless.open(client, cart, cartText);
                int line = indexOfLine(cartText, "        ");
                System.out.println("== 1. inline completion: Cart.java:" + (line + 1) + ":9, inside an empty method body ==");
                var item = Headless.complete(client, cart, line, 8);
                long t1 = System.nanoTime();
                String text = item.map(i -> i.getInsertText().getLeft()).orElse("");
                printAround(cartText, line, text);
                String log = client.lastCompletionLog();
                if (!log.isEmpty()) System.out.println("   server: " + log.substring(log.indexOf(" model ") + 1));
                System.out.printf("(%d ms, including starting the sidecar and indexing)%n%n", (t1 - t0) / 1_000_000);

                System.out.println("== 2. multi-file refactor: a parameter was added to Inventory.reserve ==");
                System.out.println("   edit in Inventory.java: " + OLD_SIGNATURE + "  ->  " + NEW_SIGNATURE);
                String invText = Headless.read(inventory);
                Headless.open(client, inventory, invText);
                String edited = invText.replace(OLD_SIGNATURE, NEW_SIGNATURE);
                Headless.replaceAll(client, inventory, 2, edited);
                Files.writeString(inventory, edited); // the editor saves; the call sites are what the refactor fixes
                int declLine = indexOfLine(edited, "    " + NEW_SIGNATURE);
                long t2 = System.nanoTime();
                var action = Headless.refactor(client, inventory, declLine, 20, "add-parameter");
                long t3 = System.nanoTime();
                if (action.isEmpty() || action.get().getEdit() == null) {
                    System.out.println("(the refactor was not offered)");
                    return 1;
                }
                System.out.println("   code action: " + action.get().getTitle());
                List<FileChange> changes = Headless.changes(action.get().getEdit());
                for (FileChange c : changes) System.out.print(UnifiedDiff.of(ws.relativize(c.file()).toString(), c));
                for (String note : Headless.fallbackNotes(action.get().getEdit())) System.out.println("   fallback at " + note);
                String refactorLog = client.lastRefactorLog();
                if (!refactorLog.isEmpty()) System.out.println("   server: " + refactorLog.substring(refactorLog.indexOf(": ") + 2));
                System.out.printf("(%d ms for the sites)%n", (t3 - t2) / 1_000_000);
            }
            return 0;
        } finally {
            delete(ws);
        }
    }

    private static void printAround(String text, int line, String completion) {
        String[] lines = text.split("\n", -1);
        for (int i = Math.max(0, line - 3); i < line; i++) System.out.println("   " + lines[i]);
        String[] c = completion.isEmpty() ? new String[] {"(no completion)"} : completion.split("\n", -1);
        for (int i = 0; i < c.length; i++) System.out.println(">>> " + (i == 0 ? lines[line] : "") + c[i]);
        for (int i = line + 1; i < Math.min(lines.length, line + 3); i++) System.out.println("   " + lines[i]);
    }

    static int indexOfLine(String text, String line) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) if (lines[i].equals(line) || lines[i].startsWith(line) && !line.isBlank()) return i;
        throw new IllegalStateException("sample changed: no line \"" + line + "\"");
    }

    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }

    static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp folder left behind is harmless
        }
    }
}
