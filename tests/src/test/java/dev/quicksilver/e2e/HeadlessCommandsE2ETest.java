package dev.quicksilver.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CI-pipeline use of the headless commands. A refactor: {@code ./quicksilver refactor ... --json [--strict] --apply} as its own
 * process (the launcher, the packaged jars, a spawned sidecar with the embedded model). With {@code --strict}, a
 * refactor where any site got a fallback exits with 3 and writes nothing; without it, the same refactor is
 * applied and its JSON lists every file and every fallback. A completion: {@code complete --json} says what it
 * printed and the server's line on how it was made, whether or not one was shown.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class HeadlessCommandsE2ETest {
    @TempDir
    Path tmp;

    record Run(int exit, JsonObject json, String stderr) {
    }

    Run refactor(Path ws, Path at, String... more) throws Exception {
        List<String> command = new ArrayList<>(List.of(EditorRun.ROOT.resolve("quicksilver").toString(), "refactor", "implement-method",
                "--workspace", ws.toString(), "--at", at + ":9:12", "--json"));
        command.addAll(List.of(more));
        Path out = tmp.resolve("out.json");
        Path err = tmp.resolve("err.txt");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "the refactor did not finish: " + Files.readString(err));
        String stdout = Files.readString(out);
        return new Run(p.exitValue(), stdout.isBlank() ? new JsonObject() : JsonParser.parseString(stdout).getAsJsonObject(), Files.readString(err));
    }

    /** A copy of the sample workspace (once the server's jars are there). */
    Path sample() throws Exception {
        EditorRun.requireServer();
        Path ws = Files.createDirectory(tmp.resolve("workspace"));
        EditorRun.copyTree(EditorRun.ROOT.resolve("samples/java-shop"), ws);
        return ws;
    }

    /** One replacement in a file of the sample's package; returns the file. */
    static Path edit(Path ws, String file, String from, String to) throws Exception {
        Path path = ws.resolve("src/main/java/shop").resolve(file);
        Files.writeString(path, Files.readString(path).replace(from, to));
        return path;
    }

    /** Makes the workspace a git checkout with everything in it committed. */
    static void commitAll(Path ws) throws Exception {
        Process git = new ProcessBuilder("bash", "-c", "git init -q && git add -A && git -c user.name=t -c user.email=t@example.com commit -q -m base")
                .directory(ws.toFile()).redirectErrorStream(true).start();
        assertTrue(git.waitFor(60, TimeUnit.SECONDS) && git.exitValue() == 0, new String(git.getInputStream().readAllBytes()));
    }

    static Map<Path, String> javaFiles(Path ws) throws Exception {
        Map<Path, String> texts = new TreeMap<>();
        try (var files = Files.walk(ws)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".java")).toList()) texts.put(f, Files.readString(f));
        }
        return texts;
    }

    @Test
    void aStrictRefactorWithFallbacksWritesNothingAndAPlainOneIsAppliedWithItsFallbacksListed() throws Exception {
        Path ws = sample();
        Path rule = edit(ws, "PriceRule.java", "    long apply(long cents);\n",
                "    long apply(long cents);\n\n    /** A short description for receipts. */\n    String describe();\n");
        assertTrue(Files.readAllLines(rule).get(8).contains("String describe();"), "line 9 declares the new method");
        Map<Path, String> before = javaFiles(ws);

        Run strict = refactor(ws, rule, "--strict", "--apply");
        List<String> implementations = List.of("src/main/java/shop/BulkDiscount.java", "src/main/java/shop/FixedOff.java",
                "src/main/java/shop/PercentOff.java");
        int fallbacks = strict.json().getAsJsonArray("fallbacks").size();
        assertTrue(strict.json().get("applies").getAsBoolean(), strict.json().toString());
        assertFalse(strict.json().has("refusal"), strict.json().toString());
        if (strict.exit() == 3) {
            // The embedded model's bodies do not compile here (it writes `return this.get...`): fallbacks, so --strict refuses.
            assertTrue(strict.json().get("strictRefused").getAsBoolean());
            assertFalse(strict.json().get("applied").getAsBoolean());
            assertTrue(fallbacks >= 1, strict.json().toString());
            assertEquals(before, javaFiles(ws), "nothing was written");
            assertTrue(strict.stderr().contains("--strict: " + fallbacks + " site(s) got a fallback"), strict.stderr());
        } else {
            assertEquals(0, strict.exit(), strict.stderr()); // a model whose three bodies compile
            assertEquals(0, fallbacks);
        }
        assertEquals(implementations, strict.json().getAsJsonArray("files").asList().stream()
                .map(f -> f.getAsJsonObject().get("path").getAsString()).sorted().toList());

        Run plain = refactor(ws, rule, "--apply");
        assertEquals(0, plain.exit(), plain.stderr());
        assertTrue(plain.json().get("applied").getAsBoolean());
        for (String path : implementations) {
            assertTrue(Files.readString(ws.resolve(path)).contains("    @Override\n    public String describe() {\n"), path);
        }
        for (var f : plain.json().getAsJsonArray("fallbacks")) {
            JsonObject fallback = f.getAsJsonObject();
            assertTrue(implementations.contains(fallback.get("path").getAsString()), fallback.toString());
            assertTrue(fallback.get("line").getAsInt() > 0 && !fallback.get("note").getAsString().isBlank(), fallback.toString());
        }
        assertTrue(plain.stderr().contains("implement-method changed 3 file(s)"), plain.stderr());
    }

    @Test
    void aRefactorWhoseSitesAreAllDecidedStartsNoModelProcess() throws Exception {
        Path ws = sample();
        edit(ws, "Inventory.java", "    public boolean reserve(String sku, int quantity) {",
                "    public boolean tryReserve(String sku, int quantity) {\n        return reserve(sku, quantity);\n    }\n\n"
                        + "    public boolean reserve(String sku, int quantity) {");
        Path previous = tmp.resolve("Checkout.before");
        Files.copy(ws.resolve("src/main/java/shop/Checkout.java"), previous);
        Path checkout = edit(ws, "Checkout.java", "return inventory.reserve(item.sku()", "return inventory.tryReserve(item.sku()");
        List<String> command = List.of(EditorRun.ROOT.resolve("quicksilver").toString(), "refactor", "apply-similar-edit",
                "--workspace", ws.toString(), "--at", checkout + ":12:30", "--previous", previous.toString(), "--json", "--apply", "--verbose");
        Path out = tmp.resolve("similar.json");
        Path err = tmp.resolve("similar.err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "the refactor did not finish: " + Files.readString(err));
        String stderr = Files.readString(err);
        assertEquals(0, p.exitValue(), stderr);
        // The other four calls of reserve(...) on an inventory, not the declaration nor the call inside tryReserve.
        assertTrue(stderr.contains("4 sites; 0 to the model, 4 passed without it"), stderr);
        assertFalse(stderr.contains("[server] model: "), "no model process was started: " + stderr);
        assertTrue(Files.readString(checkout).contains("return inventory.tryReserve(first.sku(), first.quantity())\n"
                + "                && inventory.tryReserve(second.sku(), second.quantity());"), Files.readString(checkout));
        assertTrue(Files.readString(ws.resolve("src/main/java/shop/OrderService.java")).contains("if (!inventory.tryReserve(item.sku(), item.quantity())) {"));
        assertTrue(Files.readString(ws.resolve("src/main/java/shop/Restock.java")).contains("if (!from.tryReserve(sku, quantity)) {"));
        assertTrue(Files.readString(ws.resolve("src/main/java/shop/Inventory.java")).contains("        return reserve(sku, quantity);"));

        // The same kind of edit to a method that does not exist: every place left as it was, no file listed.
        Files.copy(checkout, previous, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        edit(ws, "Checkout.java", "return inventory.tryReserve(item.sku()", "return inventory.holdFor(item.sku()");
        p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "the refactor did not finish: " + Files.readString(err));
        stderr = Files.readString(err);
        assertEquals(0, p.exitValue(), stderr);
        assertTrue(stderr.contains("apply-similar-edit changed nothing: every place was left as it was"), stderr);
        JsonObject json = JsonParser.parseString(Files.readString(out)).getAsJsonObject();
        assertEquals(0, json.getAsJsonArray("files").size(), json.toString());
        assertEquals(4, json.getAsJsonArray("fallbacks").size(), json.toString());

        // An edit that came with its import (as an editor adds it): the code is the edit; the import goes only to
        // the files whose place took the edit, not to one left as it was (there it does not compile).
        String stamped = "package shop;\n\nimport java.util.Date;\n\nclass %s {\n    %s stamp() {\n        return new Date();\n    }\n}\n";
        Path a = ws.resolve("src/main/java/shop/StampA.java");
        Files.writeString(a, stamped.formatted("StampA", "Object"));
        Files.writeString(ws.resolve("src/main/java/shop/StampB.java"), stamped.formatted("StampB", "Object"));
        Files.writeString(ws.resolve("src/main/java/shop/StampC.java"), stamped.formatted("StampC", "Date"));
        // Without --previous, in a git checkout: the edit is the file's change since HEAD.
        commitAll(ws);
        edit(ws, "StampA.java", "import java.util.Date;", "import java.time.Instant;\nimport java.util.Date;");
        edit(ws, "StampA.java", "return new Date();", "return Instant.now();");
        List<String> stamp = List.of(EditorRun.ROOT.resolve("quicksilver").toString(), "refactor", "apply-similar-edit",
                "--workspace", ws.toString(), "--at", a + ":8:16", "--json", "--apply");
        p = new ProcessBuilder(stamp).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "the refactor did not finish: " + Files.readString(err));
        stderr = Files.readString(err);
        assertEquals(0, p.exitValue(), stderr);
        assertEquals(stamped.formatted("StampB", "Object").replace("import java.util.Date;", "import java.time.Instant;\nimport java.util.Date;")
                .replace("return new Date();", "return Instant.now();"), Files.readString(ws.resolve("src/main/java/shop/StampB.java")));
        assertEquals(stamped.formatted("StampC", "Date"), Files.readString(ws.resolve("src/main/java/shop/StampC.java")), "left as it was, no import");
        assertTrue(stderr.contains("apply-similar-edit changed 1 file(s)"), stderr);
        assertTrue(stderr.contains("the edit is StampA.java's change since git HEAD"), stderr);
    }

    /**
     * reorder-parameters headless in a git checkout: the header as committed says the old order, so every call's
     * arguments follow the new one (the sample's calls pass {@code (sku, quantity)}; the edit makes it {@code
     * (int quantity, String sku)}), decided without the model, and the workspace compiles as before.
     */
    @Test
    void aHeadlessReorderTakesTheOldOrderFromGitHead() throws Exception {
        Path ws = sample();
        commitAll(ws);
        Path inventory = edit(ws, "Inventory.java", "public boolean reserve(String sku, int quantity)", "public boolean reserve(int quantity, String sku)");
        int line = Files.readAllLines(inventory).indexOf("    public boolean reserve(int quantity, String sku) {") + 1;
        Path out = tmp.resolve("reorder.json");
        Path err = tmp.resolve("reorder.err");
        Process p = new ProcessBuilder(EditorRun.ROOT.resolve("quicksilver").toString(), "refactor", "reorder-parameters", "--workspace", ws.toString(),
                "--at", inventory + ":" + line + ":20", "--apply").redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "the refactor did not finish: " + Files.readString(err));
        String stderr = Files.readString(err);
        assertEquals(0, p.exitValue(), stderr);
        assertTrue(stderr.contains("the edit is Inventory.java's change since git HEAD"), stderr);
        assertFalse(stderr.contains("[server] model: "), "no model process was started: " + stderr);
        assertTrue(Files.readString(ws.resolve("src/main/java/shop/Restock.java")).contains("if (!from.reserve(quantity, sku)) {"));
        assertTrue(Files.readString(ws.resolve("src/main/java/shop/Checkout.java")).contains("return inventory.reserve(item.quantity(), item.sku());"));
        assertTrue(Files.readString(ws.resolve("src/main/java/shop/OrderService.java")).contains("if (!inventory.reserve(item.quantity(), item.sku())) {"));
    }

    /**
     * change-signature headless in a git checkout: the header as committed is the old one, so a header changed in
     * two ways at once ({@code reserve(String sku, int quantity)} -> {@code reserve(int quantity, String sku, String
     * customerId)}) has every call pass its arguments in the new order with the new one (the variable of its name
     * in sight at each call: decided, no model); without git or --previous, one sentence says what is missing. Then
     * the method renamed in its header, rename-field on a field renamed where it is declared, and rename-variable on
     * a local variable renamed so.
     */
    @Test
    void aHeadlessChangeSignatureTakesTheOldHeaderFromGitHead() throws Exception {
        Path ws = sample();
        List<String> sampleErrors = compileErrors(ws); // the sample leaves a body for the completion demo to write
        Path inventory = ws.resolve("src/main/java/shop/Inventory.java");
        Path out = tmp.resolve("signature.json");
        Path err = tmp.resolve("signature.err");
        List<String> command = List.of(EditorRun.ROOT.resolve("quicksilver").toString(), "refactor", "change-signature", "--workspace", ws.toString(),
                "--at", inventory + ":15:20", "--apply");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "the refactor did not finish: " + Files.readString(err));
        assertEquals(2, p.exitValue(), Files.readString(err));
        assertTrue(Files.readString(err).contains("change-signature needs the edited file's earlier text: give --previous FILE"), Files.readString(err));

        commitAll(ws);
        edit(ws, "Inventory.java", "public boolean reserve(String sku, int quantity)", "public boolean reserve(int quantity, String sku, String customerId)");
        assertEquals("    public boolean reserve(int quantity, String sku, String customerId) {", Files.readAllLines(inventory).get(14));
        p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "the refactor did not finish: " + Files.readString(err));
        String stderr = Files.readString(err);
        assertEquals(0, p.exitValue(), stderr);
        assertTrue(stderr.contains("the edit is Inventory.java's change since git HEAD"), stderr);
        assertFalse(stderr.contains("[server] model: "), "no model process was started: " + stderr);
        assertTrue(Files.readString(ws.resolve("src/main/java/shop/Restock.java")).contains("if (!from.reserve(quantity, sku, customerId)) {"));
        assertTrue(Files.readString(ws.resolve("src/main/java/shop/Checkout.java"))
                .contains("return inventory.reserve(first.quantity(), first.sku(), customerId)\n"
                        + "                && inventory.reserve(second.quantity(), second.sku(), customerId);"));
        assertEquals(sampleErrors, compileErrors(ws));

        // Two new parameters at once, and the order changed again: the model writes both arguments at every call
        // (none of those types' variables is in sight), and the workspace compiles as before.
        commitAll(ws);
        edit(ws, "Inventory.java", "public boolean reserve(int quantity, String sku, String customerId)",
                "public boolean reserve(String customerId, int quantity, String sku, boolean express, int priority)");
        p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "the refactor did not finish: " + Files.readString(err));
        stderr = Files.readString(err);
        assertEquals(0, p.exitValue(), stderr);
        assertTrue(stderr.contains("change-signature changed 3 file(s)"), stderr);
        assertTrue(Files.readString(ws.resolve("src/main/java/shop/Restock.java")).contains("if (!from.reserve(customerId, quantity, sku, "),
                Files.readString(ws.resolve("src/main/java/shop/Restock.java")));
        assertEquals(sampleErrors, compileErrors(ws));

        // The method renamed in its header: every call takes the new name (the compiler's complaints find them).
        commitAll(ws);
        edit(ws, "Inventory.java", "public boolean reserve(String customerId,", "public boolean hold(String customerId,");
        p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "the refactor did not finish: " + Files.readString(err));
        assertEquals(0, p.exitValue(), Files.readString(err));
        assertTrue(Files.readString(ws.resolve("src/main/java/shop/Restock.java")).contains("if (!from.hold(customerId, quantity, sku, "),
                Files.readString(ws.resolve("src/main/java/shop/Restock.java")));
        assertEquals(sampleErrors, compileErrors(ws));

        // A field renamed where it is declared: rename-field, its uses in the class follow.
        commitAll(ws);
        edit(ws, "Inventory.java", "Map<String, Integer> stock = ", "Map<String, Integer> levels = ");
        p = new ProcessBuilder(List.of(EditorRun.ROOT.resolve("quicksilver").toString(), "refactor", "rename-field", "--workspace", ws.toString(),
                "--at", inventory + ":8:40", "--apply")).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "the refactor did not finish: " + Files.readString(err));
        assertEquals(0, p.exitValue(), Files.readString(err));
        String renamed = Files.readString(inventory);
        assertTrue(renamed.contains("levels.merge(sku, quantity, Integer::sum);") && !renamed.contains("stock.get"), renamed);
        assertEquals(sampleErrors, compileErrors(ws));

        // A local variable renamed where it is declared: rename-variable, its uses in the method follow.
        commitAll(ws);
        edit(ws, "Inventory.java", "int available = ", "int left = ");
        p = new ProcessBuilder(List.of(EditorRun.ROOT.resolve("quicksilver").toString(), "refactor", "rename-variable", "--workspace", ws.toString(),
                "--at", inventory + ":16:17", "--apply")).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "the refactor did not finish: " + Files.readString(err));
        assertEquals(0, p.exitValue(), Files.readString(err));
        renamed = Files.readString(inventory);
        assertTrue(renamed.contains("if (left < quantity) {") && renamed.contains("levels.put(sku, left - quantity);"), renamed);
        assertEquals(sampleErrors, compileErrors(ws));
    }

    /**
     * rename-type headless in a git checkout: a class renamed in its declaration ({@code class Inventory} -> {@code
     * class Stock}) has its uses renamed and its file moved. {@code --diff} writes the move as git does ({@code
     * rename from}/{@code rename to}), so {@code git apply} makes it; {@code --apply} moves the file itself. Either
     * way the workspace compiles as it did. A file moved with {@code git mv} before its class was renamed: the
     * earlier text is the file it was moved from. rename-type-and-variables renames the parameters and private
     * fields named after the class too.
     */
    @Test
    void aHeadlessRenameTypeMovesItsFileAndGitAppliesItsDiff() throws Exception {
        Path ws = sample();
        List<String> sampleErrors = compileErrors(ws);
        commitAll(ws);
        Path inventory = edit(ws, "Inventory.java", "public class Inventory {", "public class Stock {");
        Path stock = inventory.resolveSibling("Stock.java");
        Path out = tmp.resolve("rename.diff");
        Path err = tmp.resolve("rename.err");
        List<String> command = List.of(EditorRun.ROOT.resolve("quicksilver").toString(), "refactor", "rename-type", "--workspace", ws.toString(),
                "--at", inventory + ":7:18", "--diff");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "the refactor did not finish: " + Files.readString(err));
        assertEquals(0, p.exitValue(), Files.readString(err));
        String diff = Files.readString(out);
        assertTrue(diff.contains("diff --git a/src/main/java/shop/Inventory.java b/src/main/java/shop/Stock.java\nsimilarity index 100%\n"
                + "rename from src/main/java/shop/Inventory.java\nrename to src/main/java/shop/Stock.java\n"), diff);
        assertTrue(diff.contains("+    public Checkout(Stock inventory) {"), diff);
        Process git = new ProcessBuilder("git", "apply", out.toString()).directory(ws.toFile()).redirectErrorStream(true).start();
        assertTrue(git.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, git.exitValue(), new String(git.getInputStream().readAllBytes()));
        assertTrue(Files.exists(stock) && !Files.exists(inventory), "git apply moved the file");
        assertEquals(sampleErrors, compileErrors(ws));

        // --apply: the same, written and moved by the command.
        git = new ProcessBuilder("bash", "-c", "git reset -q --hard && git clean -q -fd").directory(ws.toFile()).redirectErrorStream(true).start();
        assertTrue(git.waitFor(60, TimeUnit.SECONDS) && git.exitValue() == 0, new String(git.getInputStream().readAllBytes()));
        edit(ws, "Inventory.java", "public class Inventory {", "public class Stock {");
        List<String> applying = new java.util.ArrayList<>(command.subList(0, command.size() - 1));
        applying.add("--apply");
        p = new ProcessBuilder(applying).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "the refactor did not finish: " + Files.readString(err));
        assertEquals(0, p.exitValue(), Files.readString(err));
        assertTrue(Files.readString(err).contains("rename-type changed 4 file(s)"), Files.readString(err));
        assertTrue(Files.exists(stock) && !Files.exists(inventory), "the command moved the file");
        assertTrue(Files.readString(stock).contains("public class Stock {"));
        assertEquals(sampleErrors, compileErrors(ws));

        // The file moved first with git mv, then the class renamed in it: the earlier text is the file it was moved
        // from, as committed; the uses are renamed and the file stays where it is.
        git = new ProcessBuilder("bash", "-c", "git reset -q --hard && git clean -q -fd && git mv src/main/java/shop/Inventory.java src/main/java/shop/Stock.java")
                .directory(ws.toFile()).redirectErrorStream(true).start();
        assertTrue(git.waitFor(60, TimeUnit.SECONDS) && git.exitValue() == 0, new String(git.getInputStream().readAllBytes()));
        edit(ws, "Stock.java", "public class Inventory {", "public class Stock {");
        p = new ProcessBuilder(List.of(EditorRun.ROOT.resolve("quicksilver").toString(), "refactor", "rename-type", "--workspace", ws.toString(),
                "--at", stock + ":7:18", "--apply")).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "the refactor did not finish: " + Files.readString(err));
        assertEquals(0, p.exitValue(), Files.readString(err));
        assertTrue(Files.readString(err).contains("rename-type changed 3 file(s)"), Files.readString(err));
        assertEquals(sampleErrors, compileErrors(ws));

        // Renamed to another class's name in its package: refused in one sentence (exit 1), nothing written.
        git = new ProcessBuilder("bash", "-c", "git reset -q --hard && git clean -q -fd").directory(ws.toFile()).redirectErrorStream(true).start();
        assertTrue(git.waitFor(60, TimeUnit.SECONDS) && git.exitValue() == 0, new String(git.getInputStream().readAllBytes()));
        edit(ws, "Inventory.java", "public class Inventory {", "public class Cart {");
        String retyped = Files.readString(inventory);
        p = new ProcessBuilder(List.of(EditorRun.ROOT.resolve("quicksilver").toString(), "refactor", "rename-type", "--workspace", ws.toString(),
                "--at", inventory + ":7:17", "--apply")).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "the refactor did not finish: " + Files.readString(err));
        assertEquals(1, p.exitValue(), Files.readString(err));
        assertTrue(Files.readString(err).contains("quicksilver: rename-type does not run at " + inventory + ":7:17: package shop already has a "
                + "type Cart (src/main/java/shop/Cart.java), so Inventory cannot be renamed to it: choose another name"), Files.readString(err));
        assertEquals(retyped, Files.readString(inventory));
        git = new ProcessBuilder("git", "status", "--porcelain").directory(ws.toFile()).redirectErrorStream(true).start();
        assertTrue(git.waitFor(60, TimeUnit.SECONDS));
        assertEquals(" M src/main/java/shop/Inventory.java\n", new String(git.getInputStream().readAllBytes()), "only the user's edit");
        // --json says the same on stdout, for a pipeline.
        p = new ProcessBuilder(List.of(EditorRun.ROOT.resolve("quicksilver").toString(), "refactor", "rename-type", "--workspace", ws.toString(),
                "--at", inventory + ":7:17", "--json")).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "the refactor did not finish: " + Files.readString(err));
        assertEquals(1, p.exitValue(), Files.readString(err));
        com.google.gson.JsonObject json = com.google.gson.JsonParser.parseString(Files.readString(out)).getAsJsonObject();
        assertFalse(json.get("applies").getAsBoolean(), json.toString());
        assertTrue(json.get("refusal").getAsString().startsWith("package shop already has a type Cart"), json.toString());
        assertEquals(0, json.getAsJsonArray("files").size(), json.toString());

        // rename-type-and-variables: the same rename, and the constructors' parameters and the private fields named
        // after the class take the new name (`this.stock = stock;`).
        git = new ProcessBuilder("bash", "-c", "git reset -q --hard && git clean -q -fd").directory(ws.toFile()).redirectErrorStream(true).start();
        assertTrue(git.waitFor(60, TimeUnit.SECONDS) && git.exitValue() == 0, new String(git.getInputStream().readAllBytes()));
        edit(ws, "Inventory.java", "public class Inventory {", "public class Stock {");
        p = new ProcessBuilder(List.of(EditorRun.ROOT.resolve("quicksilver").toString(), "refactor", "rename-type-and-variables", "--workspace", ws.toString(),
                "--at", inventory + ":7:18", "--apply")).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "the refactor did not finish: " + Files.readString(err));
        assertEquals(0, p.exitValue(), Files.readString(err));
        assertTrue(Files.readString(err).contains("rename-type-and-variables changed 4 file(s)"), Files.readString(err));
        for (String file : List.of("Checkout.java", "OrderService.java")) {
            String text = Files.readString(stock.resolveSibling(file));
            assertTrue(text.contains("(Stock stock) {") && text.contains("this.stock = stock;") && text.contains("private final Stock stock;")
                    && text.contains("stock.reserve(") && !text.contains("inventory.reserve("), text);
        }
        assertEquals(sampleErrors, compileErrors(ws));
    }

    /**
     * declare-exception and catch-exception headless: a checked exception added to {@code Inventory.reserve}'s
     * {@code throws} clause is declared up its callers ({@code Checkout.buyNow}, {@code OrderService.place}, ...),
     * with the import each file needs; or caught at each call instead, the model writing the catch bodies (kept only
     * where they compile). Either way the workspace compiles as it did before the edit.
     */
    @Test
    void aHeadlessCheckedExceptionIsDeclaredUpTheCallersOrCaught() throws Exception {
        Path ws = sample();
        List<String> sampleErrors = compileErrors(ws);
        Path inventory = edit(ws, "Inventory.java", "public boolean reserve(String sku, int quantity) {",
                "public boolean reserve(String sku, int quantity) throws java.util.concurrent.TimeoutException {");
        Path err = tmp.resolve("exception.err");
        Path out = tmp.resolve("exception.out");
        Process p = new ProcessBuilder(List.of(EditorRun.ROOT.resolve("quicksilver").toString(), "refactor", "declare-exception", "--workspace", ws.toString(),
                "--at", inventory + ":16:20", "--apply")).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "the refactor did not finish: " + Files.readString(err));
        assertEquals(0, p.exitValue(), Files.readString(err));
        String checkout = Files.readString(inventory.resolveSibling("Checkout.java"));
        assertTrue(checkout.contains("import java.util.concurrent.TimeoutException;")
                && checkout.contains("public boolean buyNow(String customerId, Item item) throws TimeoutException {"), checkout);
        assertTrue(Files.readString(inventory.resolveSibling("OrderService.java")).contains("List<Item> items) throws TimeoutException {"));
        assertEquals(sampleErrors, compileErrors(ws));

        Path again = Files.createDirectory(tmp.resolve("caught"));
        EditorRun.copyTree(EditorRun.ROOT.resolve("samples/java-shop"), again);
        inventory = edit(again, "Inventory.java", "public boolean reserve(String sku, int quantity) {",
                "public boolean reserve(String sku, int quantity) throws java.util.concurrent.TimeoutException {");
        p = new ProcessBuilder(List.of(EditorRun.ROOT.resolve("quicksilver").toString(), "refactor", "catch-exception", "--workspace", again.toString(),
                "--at", inventory + ":16:20", "--apply")).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "the refactor did not finish: " + Files.readString(err));
        assertEquals(0, p.exitValue(), Files.readString(err));
        String restock = Files.readString(inventory.resolveSibling("Restock.java"));
        assertTrue(restock.contains("        try {\n            if (!from.reserve(sku, quantity)) {") && restock.contains("} catch (TimeoutException e) {"), restock);
        assertEquals(sampleErrors, compileErrors(again).stream().map(e -> e.replace(again.toString(), ws.toString())).toList());

        // drop-catch undoes it once reserve no longer throws: each try gives way to its statements, and the import goes.
        edit(again, "Inventory.java", " throws java.util.concurrent.TimeoutException {", " {");
        p = new ProcessBuilder(List.of(EditorRun.ROOT.resolve("quicksilver").toString(), "refactor", "drop-catch", "--workspace", again.toString(),
                "--at", inventory + ":16:20", "--apply")).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "the refactor did not finish: " + Files.readString(err));
        assertEquals(0, p.exitValue(), Files.readString(err));
        for (Map.Entry<Path, String> f : javaFiles(again).entrySet()) {
            assertFalse(f.getValue().contains("TimeoutException") || f.getValue().contains("try {"), f.getKey() + ":\n" + f.getValue());
        }
        assertEquals(Files.readString(EditorRun.ROOT.resolve("samples/java-shop/src/main/java/shop/Restock.java")), Files.readString(inventory.resolveSibling("Restock.java")),
                "the statements are back where they were");
        assertEquals(sampleErrors, compileErrors(again).stream().map(e -> e.replace(again.toString(), ws.toString())).toList());
    }

    /**
     * follow-return-type headless: {@code Store.count()} returns {@code long} now; the local that can take it does
     * ({@code long total}), the one whose method needs an int is left as it was with the compiler's reason on stderr,
     * and the only javac error left is that one.
     */
    @Test
    void aHeadlessReturnTypeChangeIsFollowedWhereItCompiles() throws Exception {
        EditorRun.requireServer();
        Path ws = Files.createDirectory(tmp.resolve("returns"));
        Path src = Files.createDirectories(ws.resolve("src/main/java/p"));
        Path store = src.resolve("Store.java");
        Files.writeString(store, "package p;\n\npublic class Store {\n    public long count() {\n        return 1;\n    }\n}\n");
        Path user = src.resolve("User.java");
        Files.writeString(user, "package p;\n\nclass User {\n    int next(Store store) {\n        int n = store.count();\n        return n + 1;\n    }\n\n"
                + "    void print(Store store) {\n        int total = store.count();\n        System.out.println(total);\n    }\n}\n");
        Path err = tmp.resolve("returns.err");
        Process p = new ProcessBuilder(List.of(EditorRun.ROOT.resolve("quicksilver").toString(), "refactor", "follow-return-type", "--workspace", ws.toString(),
                "--at", store + ":4:17", "--apply")).redirectOutput(tmp.resolve("returns.out").toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "the refactor did not finish: " + Files.readString(err));
        assertEquals(0, p.exitValue(), Files.readString(err));
        String text = Files.readString(user);
        assertTrue(text.contains("long total = store.count();") && text.contains("int n = store.count();"), text);
        assertTrue(Files.readString(err).contains("User.java:5: left as it was: `long` does not compile here"), Files.readString(err));
        List<String> errors = compileErrors(ws);
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.getFirst().contains("User.java:5"), errors.toString());
    }

    /** javac's errors over the workspace's sources. */
    static List<String> compileErrors(Path ws) throws Exception {
        javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
        javax.tools.DiagnosticCollector<javax.tools.JavaFileObject> diagnostics = new javax.tools.DiagnosticCollector<>();
        try (javax.tools.StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, null)) {
            List<java.io.File> sources = javaFiles(ws).keySet().stream().map(Path::toFile).toList();
            Path classes = Files.createTempDirectory("classes");
            javac.getTask(null, files, diagnostics, List.of("-d", classes.toString(), "-proc:none"), null, files.getJavaFileObjectsFromFiles(sources)).call();
        }
        return diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == javax.tools.Diagnostic.Kind.ERROR).map(Object::toString).toList();
    }

    @Test
    void aHeadlessCompletionAsJsonSaysWhatTheServerDid() throws Exception {
        Path ws = sample();
        Path inventory = edit(ws, "Inventory.java", "            return false;\n", "            \n");
        int line = Files.readAllLines(inventory).indexOf("            ") + 1;
        Path out = tmp.resolve("complete.json");
        // --at, as refactor takes the place (the bare FILE:LINE:COL works too); neither is one sentence and exit 2.
        Process none = new ProcessBuilder(EditorRun.ROOT.resolve("quicksilver").toString(), "complete", "--workspace", ws.toString())
                .redirectErrorStream(true).start();
        assertTrue(none.waitFor(120, TimeUnit.SECONDS));
        String said = new String(none.getInputStream().readAllBytes());
        assertEquals(2, none.exitValue(), said);
        assertTrue(said.contains("complete needs one place: FILE:LINE:COL or --at FILE:LINE:COL, not neither"), said);
        Process p = new ProcessBuilder(EditorRun.ROOT.resolve("quicksilver").toString(), "complete", "--json", "--workspace", ws.toString(),
                "--at", inventory + ":" + line + ":13").redirectOutput(out.toFile()).redirectError(tmp.resolve("complete.err").toFile()).start();
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), Files.readString(tmp.resolve("complete.err")));
        JsonObject o = JsonParser.parseString(Files.readString(out)).getAsJsonObject();
        assertEquals(line, o.get("line").getAsInt());
        assertEquals(13, o.get("column").getAsInt());
        boolean shown = o.get("shown").getAsBoolean();
        assertEquals(shown ? 0 : 1, p.exitValue(), o.toString());
        assertEquals(shown, !o.get("completion").getAsString().isEmpty(), o.toString());
        assertTrue(o.get("server").getAsString().matches("(?s)completion file:.*Inventory\\.java:" + line + " model \\d+ tokens .*"), o.toString());
    }
}
