package dev.quicksilver.lsp.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code bench lsp}, {@code bench pool}, {@code bench first-completion} and {@code bench arguments}: the benchmarks that run the language server or its sidecar client. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks of the language server and its sidecar client.",
        subcommands = {LspBenchCommand.class, PoolBenchCommand.class, FirstCompletionBenchCommand.class, ArgumentsBenchCommand.class})
public final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
