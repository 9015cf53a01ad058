package dev.quicksilver.cli;

import dev.quicksilver.model.ModelLoadException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The sidecar's command line: the root command only dispatches to one class per subcommand. User errors
 * ({@link CliException}, {@link ModelLoadException}, bad option values) print one sentence and exit 2.
 */
@Command(name = "quicksilver", mixinStandardHelpOptions = true, version = "quicksilver 0.1.0",
        description = "Quicksilver's model process: decoding engine, evaluation and benchmarks.",
        subcommands = {GenerateCommand.class, EvalCommand.class, BenchCommand.class, DemoCommand.class,
                ServeCommand.class})
public final class SidecarCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** A command line with the error handling every entry point shares (main and the tests). */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new SidecarCli());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (e instanceof CliException || e instanceof ModelLoadException) {
                err.println("quicksilver: " + e.getMessage());
                return 2;
            }
            if (e instanceof IllegalArgumentException) {
                err.println("quicksilver: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
