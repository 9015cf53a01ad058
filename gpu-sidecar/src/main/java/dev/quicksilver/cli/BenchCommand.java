package dev.quicksilver.cli;

import picocli.CommandLine.Command;

/** {@code bench}: groups the benchmarks; {@code bench engine} is the decoding engine's. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks.",
        subcommands = {EngineBenchCommand.class, SidecarBenchCommand.class, KernelBenchCommand.class})
public final class BenchCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "say which benchmark to run: bench engine, bench sidecar or bench kernels");
    }
}
