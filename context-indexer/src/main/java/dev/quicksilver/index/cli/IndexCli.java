package dev.quicksilver.index.cli;

import dev.quicksilver.index.BuildListener;
import dev.quicksilver.index.IndexProblem;
import dev.quicksilver.index.IndexSettings;
import dev.quicksilver.index.IndexStats;
import dev.quicksilver.index.WorkspaceIndex;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code ./quicksilver index DIR} and {@code ./quicksilver bench index ...}: the context indexer from the shell. */
@Command(name = "quicksilver", mixinStandardHelpOptions = true,
        subcommands = {IndexCli.Index.class, IndexCli.Bench.class},
        description = "Workspace index: JDT Core for Java, lexical for other files.")
public final class IndexCli {
    public static void main(String[] args) {
        System.exit(new CommandLine(new IndexCli()).execute(args));
    }

    @Command(name = "index", mixinStandardHelpOptions = true,
            description = "Index a folder and print a summary (files, declarations, call sites, problems).")
    static final class Index implements Callable<Integer> {
        @Parameters(paramLabel = "DIR", description = "workspace folder")
        Path directory;

        @Option(names = "--persist", description = "keep the Java index in the data folder for a fast restart")
        boolean persist;

        @Option(names = "--data-dir", description = "our data folder (default: ~/.cache/quicksilver/index/<id>)")
        Path dataDirectory;

        @Option(names = "--classpath", split = ",", description = "extra jars to resolve Java against")
        List<Path> classpath = List.of();

        @Option(names = "--problems", description = "list every problem, not only the counts")
        boolean listProblems;

        @Override
        public Integer call() {
            if (!Files.isDirectory(directory)) {
                System.err.println("index: " + directory + " is not a directory; pass the workspace folder to index.");
                return 2;
            }
            IndexSettings.Builder builder = IndexSettings.builder(directory).persistIndex(persist);
            if (dataDirectory != null) builder.dataDirectory(dataDirectory);
            classpath.forEach(builder::addClasspath);
            long start = System.nanoTime();
            try (WorkspaceIndex index = WorkspaceIndex.create(builder.build())) {
                IndexStats stats = index.build(new BuildListener() {
                    @Override
                    public void outlineReady(IndexStats first) {
                        System.out.printf("declarations after %.1f s (%d Java files, %d declarations from tokens)%n",
                                (System.nanoTime() - start) / 1e9, first.javaFiles(), first.declarations());
                    }

                    @Override
                    public void lexicalReady(IndexStats second) {
                        System.out.printf("lexical index after %.1f s (%d files, %d chunks)%n",
                                (System.nanoTime() - start) / 1e9, second.files(), second.chunks());
                    }
                });
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("indexed %s in %.1f s%n", directory.toAbsolutePath().normalize(), seconds);
                System.out.printf("  files %d (java %d, from cache %d), chunks %d%n", stats.files(), stats.javaFiles(),
                        stats.javaFilesFromCache(), stats.chunks());
                System.out.printf("  declarations %d, call sites %d, references %d%n", stats.declarations(), stats.callSites(), stats.references());
                System.out.printf("  source roots %d, classpath jars %d%n", stats.sourceRoots().size(), stats.classpath().size());
                List<IndexProblem> problems = index.problems();
                Map<IndexProblem.Reason, Long> byReason = problems.stream()
                        .collect(Collectors.groupingBy(IndexProblem::reason, TreeMap::new, Collectors.counting()));
                System.out.printf("  problems %d %s%n", problems.size(), byReason.isEmpty() ? "" : byReason);
                if (listProblems) problems.forEach(p -> System.out.printf("    %s %s: %s%n", p.reason(), p.path(), p.detail()));
            }
            return 0;
        }
    }

    @Command(name = "bench", mixinStandardHelpOptions = true, subcommands = IndexBenchmark.class,
            description = "Benchmarks of the context indexer.")
    static final class Bench {
    }
}
