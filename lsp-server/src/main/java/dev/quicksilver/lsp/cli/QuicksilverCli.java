package dev.quicksilver.lsp.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The language server's command line: {@code serve}, and the headless commands that drive the same server
 * in-process ({@code complete}, {@code refactor}, {@code demo}, {@code bench lsp}). The root only dispatches;
 * user errors print one sentence and exit 2.
 */
@Command(name = "quicksilver", mixinStandardHelpOptions = true, version = "quicksilver 0.1.0",
        description = "Quicksilver language server and its headless mode.",
        subcommands = {ServeCommand.class, CompleteCommand.class, RefactorCommand.class, DemoCommand.class, BenchCommand.class,
                StatusCommand.class})
public final class QuicksilverCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new QuicksilverCli());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            Throwable t = dev.quicksilver.lsp.Errors.unwrap(e);
            if (t instanceof IllegalArgumentException || t instanceof org.eclipse.lsp4j.jsonrpc.ResponseErrorException
                    || t instanceof dev.quicksilver.client.SidecarException) {
                err.println("quicksilver: " + t.getMessage());
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
