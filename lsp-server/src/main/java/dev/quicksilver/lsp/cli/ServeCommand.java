package dev.quicksilver.lsp.cli;

import dev.quicksilver.lsp.ServerLauncher;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code serve [--stdio | --port N]}: the language server for editors. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the language server (stdio by default, or TCP on loopback).")
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--stdio", description = "Talk LSP on stdin/stdout (the default).")
    boolean stdio;

    @Option(names = "--port", paramLabel = "N", description = "Listen on 127.0.0.1:N instead (0 picks a free port and prints it).")
    Integer port;

    @Override
    public Integer call() throws Exception {
        if (stdio && port != null) throw new IllegalArgumentException("choose --stdio or --port, not both");
        if (port != null) {
            if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be between 0 and 65535, was " + port);
            ServerLauncher.serveTcp(port, System.err);
            return 0;
        }
        // stdout is the LSP wire from here on: nothing else may print to it.
        var out = System.out;
        System.setOut(System.err);
        return ServerLauncher.serve(System.in, out);
    }
}
