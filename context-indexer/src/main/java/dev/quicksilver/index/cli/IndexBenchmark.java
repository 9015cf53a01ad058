package dev.quicksilver.index.cli;

import com.google.gson.GsonBuilder;
import dev.quicksilver.index.BuildListener;
import dev.quicksilver.index.DocumentSnapshot;
import dev.quicksilver.index.IndexSettings;
import dev.quicksilver.index.IndexStats;
import dev.quicksilver.index.TextPosition;
import dev.quicksilver.index.TokenCounter;
import dev.quicksilver.index.WorkspaceIndex;
import dev.quicksilver.index.java.JavaOutline;
import dev.quicksilver.index.java.OutlineAgreement;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * {@code bench index}: cold index time (until every Java declaration is queryable from its tokens,
 * {@code firstPhaseSeconds}; until the lexical index is in, {@code lexicalSeconds}; until every Java file is
 * resolved, {@code coldSeconds}), one-file update latency, the compile check a refactor runs on each file it edits
 * ({@code compileCheckMsP50}: {@link WorkspaceIndex#compileErrors} on the updated file) and peak heap on a source tree, with
 * universal-ctags timed on the same tree in the same run as the anchor ({@code ctagsRatio} and
 * {@code firstPhaseCtagsRatio}: our time over ctags' time). {@code outlineAgreement} is the share of declarations
 * the first phase gave exactly as the resolved phase did; {@code restartSeconds} is a second build of the same tree
 * from the index persisted after the first (an editor's next start, nothing changed).
 *
 * <p>The tree is a folder, or the JDK's {@code java.base} sources unzipped from {@code lib/src.zip}
 * ({@code --java-base}), or a Maven sources jar unzipped ({@code --sources-jar}); unzipped trees go to a temporary
 * folder that is deleted afterwards. Updates are editor-style: the file's text with one method added is handed to
 * the index as an open buffer, so a folder given by the user is never written to.
 *
 * <p>Heap: a GC notification listener records the largest heap in use right after a collection (the live set the
 * index really needs); the pools' peak usage, garbage included, is reported too. Both cover the whole run.
 */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = "Benchmark the indexer: cold index, one-file update latency, peak heap; ctags as the anchor.")
final class IndexBenchmark implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", arity = "0..1", description = "source tree to index")
    Path directory;

    @Option(names = "--java-base", description = "unzip java.base from the running JDK's lib/src.zip and index that")
    boolean javaBase;

    @Option(names = "--sources-jar", paramLabel = "JAR", description = "unzip a sources jar (e.g. from ~/.m2) and index that")
    Path sourcesJar;

    @Option(names = "--updates", defaultValue = "20", description = "one-file updates to time (default: ${DEFAULT-VALUE})")
    int updates;

    @Option(names = "--batch", defaultValue = "1000", description = "files per JDT batch (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--threads", defaultValue = "1", description = "JDT batches parsed at once (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--json", description = "print one JSON object instead of a table")
    boolean json;

    @Override
    public Integer call() throws Exception {
        int sources = (directory != null ? 1 : 0) + (javaBase ? 1 : 0) + (sourcesJar != null ? 1 : 0);
        if (sources != 1) {
            System.err.println("bench index: give exactly one of DIR, --java-base, --sources-jar JAR.");
            return 2;
        }
        HeapWatcher heap = HeapWatcher.start();
        Path temporary = null;
        Path tree;
        String label;
        if (directory != null) {
            tree = directory.toAbsolutePath().normalize();
            label = tree.toString();
        } else if (javaBase) {
            Path srcZip = Path.of(System.getProperty("java.home"), "lib", "src.zip");
            if (!Files.isRegularFile(srcZip)) {
                System.err.println("bench index: " + srcZip + " not found; install the JDK's source archive or pass DIR.");
                return 2;
            }
            temporary = Files.createTempDirectory("qs-bench-");
            tree = unzip(srcZip, "java.base/", temporary).resolve("java.base");
            label = "java.base from " + srcZip + " (JDK " + Runtime.version() + ")";
        } else {
            if (!Files.isRegularFile(sourcesJar)) {
                System.err.println("bench index: " + sourcesJar + " not found; fetch one with mvn dependency:copy -Dartifact=G:A:V:jar:sources.");
                return 2;
            }
            temporary = Files.createTempDirectory("qs-bench-");
            tree = unzip(sourcesJar, "", temporary);
            label = sourcesJar.getFileName().toString();
        }
        Path dataDirectory = Files.createTempDirectory("qs-bench-data-");
        try {
            Map<String, Object> result = run(tree, label, dataDirectory, heap);
            if (json) {
                System.out.println(new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(result));
            } else {
                result.forEach((k, v) -> System.out.printf("%-22s %s%n", k, v));
            }
            return 0;
        } finally {
            heap.stop();
            deleteTree(dataDirectory);
            if (temporary != null) deleteTree(temporary);
        }
    }

    private Map<String, Object> run(Path tree, String label, Path dataDirectory, HeapWatcher heap) throws Exception {
        TreeSize size = TreeSize.of(tree);
        Double ctagsSeconds = ctags(tree, dataDirectory);

        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        double loadAverage = os.getSystemLoadAverage();
        heap.resetPeaks();
        long cpuStart = os.getProcessCpuTime();
        long start = System.nanoTime();
        WorkspaceIndex index = WorkspaceIndex.create(IndexSettings.builder(tree).dataDirectory(dataDirectory)
                .javaBatchSize(batchSize).parserThreads(threads).maxFileBytes(4L << 20).build());
        double[] firstPhaseSeconds = {Double.NaN};
        double[] lexicalSeconds = {Double.NaN};
        IndexStats stats = index.build(new BuildListener() {
            @Override
            public void outlineReady(IndexStats ignored) {
                firstPhaseSeconds[0] = (System.nanoTime() - start) / 1e9;
            }

            @Override
            public void lexicalReady(IndexStats ignored) {
                lexicalSeconds[0] = (System.nanoTime() - start) / 1e9;
            }
        });
        double coldSeconds = (System.nanoTime() - start) / 1e9;
        double coldCpuSeconds = (os.getProcessCpuTime() - cpuStart) / 1e9;
        OutlineAgreement.Result agreement = outlineAgreement(tree, index);
        index.save(); // for the restart below (untimed; the facts as the cold build left them)

        // One-file updates: a method added to a file, as an editor buffer. Three untimed first to warm the JIT.
        List<Path> javaFiles;
        try (Stream<Path> walk = Files.walk(tree)) {
            javaFiles = walk.filter(p -> p.toString().endsWith(".java") && !p.getFileName().toString().contains("-info")
                    && index.isIndexed(p)).sorted().toList();
        }
        List<Double> updateMs = new ArrayList<>();
        List<Double> contextMs = new ArrayList<>();
        List<Double> compileMs = new ArrayList<>();
        int warmups = Math.min(3, javaFiles.size());
        int total = Math.min(javaFiles.size(), updates + warmups);
        for (int i = 0; i < total; i++) {
            Path file = javaFiles.get((int) ((long) i * javaFiles.size() / Math.max(1, total)));
            String text = Files.readString(file);
            int lastBrace = text.lastIndexOf('}');
            if (lastBrace < 0) continue;
            String edited = text.substring(0, lastBrace) + "    void qsBenchEdit" + i + "() { toString(); }\n" + text.substring(lastBrace);
            DocumentSnapshot document = new DocumentSnapshot(file, edited);
            long t0 = System.nanoTime();
            index.reindexNow(document);
            double ms = (System.nanoTime() - t0) / 1e6;
            long t1 = System.nanoTime();
            index.contextFor(document, new TextPosition((int) edited.substring(0, lastBrace).lines().count(), 4), 2048, TokenCounter.approximate());
            double contextMillis = (System.nanoTime() - t1) / 1e6;
            // What a refactor's compile check costs for each file it edits (twice at most).
            long t2 = System.nanoTime();
            index.compileErrors(file, edited);
            double compileMillis = (System.nanoTime() - t2) / 1e6;
            if (i >= warmups) {
                updateMs.add(ms);
                contextMs.add(contextMillis);
                compileMs.add(compileMillis);
            }
        }
        long retained = heap.usedAfterFullGcMb(); // the index is still open and reachable here
        index.close();

        // A restart, as an editor's next start: the same tree, the index persisted after the cold build.
        long restartStart = System.nanoTime();
        IndexStats restartStats;
        try (WorkspaceIndex restart = WorkspaceIndex.create(IndexSettings.builder(tree).dataDirectory(dataDirectory)
                .javaBatchSize(batchSize).parserThreads(threads).maxFileBytes(4L << 20).persistIndex(true).build())) {
            restartStats = restart.build();
        }
        double restartSeconds = (System.nanoTime() - restartStart) / 1e9;

        Map<String, Object> r = new LinkedHashMap<>();
        r.put("tree", label);
        r.put("date", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        r.put("machine", Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + ", JVM " + Runtime.version() + ", max heap " + (Runtime.getRuntime().maxMemory() >> 20) + " MB");
        r.put("sourceFiles", size.files());
        r.put("sourceMb", Math.round(size.bytes() / 1e5) / 10.0);
        r.put("loadAverageAtStart", round(loadAverage, 2));
        r.put("firstPhaseSeconds", round(firstPhaseSeconds[0], 2));
        r.put("lexicalSeconds", round(lexicalSeconds[0], 2));
        r.put("coldSeconds", round(coldSeconds, 2));
        r.put("coldCpuSeconds", round(coldCpuSeconds, 2));
        r.put("updateMsP50", round(percentile(updateMs, 50), 1));
        r.put("updateMsP95", round(percentile(updateMs, 95), 1));
        r.put("updateMsMax", round(percentile(updateMs, 100), 1));
        r.put("updatesTimed", updateMs.size());
        r.put("contextMsP50", round(percentile(contextMs, 50), 1));
        r.put("compileCheckMsP50", round(percentile(compileMs, 50), 1));
        r.put("compileCheckMsP95", round(percentile(compileMs, 95), 1));
        r.put("peakHeapMb", heap.peakUsedAfterGcMb());
        r.put("heapHighWaterMb", heap.poolPeaksMb());
        r.put("retainedHeapMb", retained);
        r.put("restartSeconds", round(restartSeconds, 2));
        r.put("restartFilesFromCache", restartStats.javaFilesFromCache());
        r.put("ctagsSeconds", ctagsSeconds == null ? null : round(ctagsSeconds, 2));
        r.put("ctagsRatio", ctagsSeconds == null ? null : round(coldSeconds / ctagsSeconds, 1));
        r.put("firstPhaseCtagsRatio", ctagsSeconds == null ? null : round(firstPhaseSeconds[0] / ctagsSeconds, 2));
        r.put("outlineDeclarations", agreement.resolved());
        r.put("outlineAgreement", agreement.resolved() == 0 ? null : round((double) agreement.agreeing() / agreement.resolved(), 4));
        r.put("outlineDifferences", agreement.differences());
        r.put("files", stats.files());
        r.put("javaFiles", stats.javaFiles());
        r.put("declarations", stats.declarations());
        r.put("callSites", stats.callSites());
        r.put("references", stats.references());
        r.put("chunks", stats.chunks());
        r.put("problems", stats.problems());
        r.put("classpathJars", stats.classpath().size());
        r.put("batchSize", batchSize);
        r.put("threads", threads);
        return r;
    }

    /**
     * Each Java file's outline (what queries saw during the first phase) against its resolved facts; taken right
     * after the build, before the timed updates change any file's facts.
     */
    private static OutlineAgreement.Result outlineAgreement(Path tree, WorkspaceIndex index) throws IOException {
        OutlineAgreement.Result total = OutlineAgreement.Result.empty();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(tree)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        for (Path file : files) {
            var resolved = index.javaFacts(file);
            if (resolved.isEmpty() || !resolved.get().bindingsResolved()) continue;
            total = total.plus(OutlineAgreement.compare(resolved.get(), JavaOutline.of(resolved.get().path(), Files.readString(file)), 10), 10);
        }
        return total;
    }

    /** Wall time of {@code ctags -R} on the tree, or null when ctags is not installed. */
    private static Double ctags(Path tree, Path scratch) throws InterruptedException {
        try {
            Path tags = scratch.resolve("tags");
            long start = System.nanoTime();
            Process p = new ProcessBuilder("ctags", "-R", "-f", tags.toString(), tree.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) return null;
            double seconds = (System.nanoTime() - start) / 1e9;
            Files.deleteIfExists(tags);
            return seconds;
        } catch (IOException e) {
            return null;
        }
    }

    private static Path unzip(Path zip, String prefix, Path target) throws IOException {
        try (ZipFile zf = new ZipFile(zip.toFile())) {
            for (ZipEntry entry : java.util.Collections.list(zf.entries())) {
                // META-INF is packaging, except the project's pom: its dependencies resolve from the local repository.
                boolean pom = entry.getName().startsWith("META-INF/maven/") && entry.getName().endsWith("/pom.xml");
                if (entry.isDirectory() || !entry.getName().startsWith(prefix) || (entry.getName().startsWith("META-INF/") && !pom)) continue;
                Path out = target.resolve(entry.getName()).normalize();
                if (!out.startsWith(target)) continue; // a zip entry never escapes the target folder
                Files.createDirectories(out.getParent());
                try (InputStream in = zf.getInputStream(entry)) {
                    Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return target;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private static double percentile(List<Double> values, int p) {
        if (values.isEmpty()) return Double.NaN;
        List<Double> sorted = values.stream().sorted().toList();
        int rank = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank)));
    }

    private static double round(double value, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }

    private record TreeSize(long files, long bytes) {
        static TreeSize of(Path tree) throws IOException {
            try (Stream<Path> walk = Files.walk(tree)) {
                long[] acc = new long[2];
                walk.filter(Files::isRegularFile).forEach(p -> {
                    acc[0]++;
                    try {
                        acc[1] += Files.size(p);
                    } catch (IOException ignored) {
                        // a file that vanished counts as empty
                    }
                });
                return new TreeSize(acc[0], acc[1]);
            }
        }
    }
}
