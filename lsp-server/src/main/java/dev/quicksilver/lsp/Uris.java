package dev.quicksilver.lsp;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Document URIs: file: URIs to paths and back, with the one-sentence errors clients see for anything else.
 * Documents that are not files on disk (VS Code's {@code untitled:} buffers, notebook cells) keep their URI as
 * the client spelled it: they can be completed from their own text, but are not part of any workspace.
 */
public final class Uris {
    private Uris() {
    }

    public static Path toPath(String uri) {
        if (uri == null || uri.isBlank()) throw Errors.invalidParams("the document URI is missing");
        try {
            URI u = new URI(uri);
            if (!"file".equalsIgnoreCase(u.getScheme())) throw Errors.invalidParams(uri + " is not a file: URI; only files on disk are supported");
            return Path.of(u).toAbsolutePath().normalize();
        } catch (java.net.URISyntaxException | IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            throw Errors.invalidParams("\"" + uri + "\" is not a valid file URI");
        }
    }

    /** The file behind a document URI, or empty for a document that is not a file (an {@code untitled:} buffer). */
    public static Optional<Path> pathOf(String uri) {
        return isFile(uri) ? Optional.of(toPath(uri)) : Optional.empty();
    }

    private static boolean isFile(String uri) {
        if (uri == null || uri.isBlank()) throw Errors.invalidParams("the document URI is missing");
        int colon = uri.indexOf(':');
        if (colon <= 0) throw Errors.invalidParams("\"" + uri + "\" is not a valid document URI (it has no scheme such as file:)");
        return uri.substring(0, colon).equalsIgnoreCase("file");
    }

    public static String toUri(Path path) {
        return path.toAbsolutePath().normalize().toUri().toString();
    }

    /**
     * The same spelling for every client: clients differ in how they escape ({@code file:///} vs {@code file:/}).
     * A URI of another scheme is its own key, as the client sent it.
     */
    public static String normalize(String uri) {
        return isFile(uri) ? toUri(toPath(uri)) : uri;
    }
}
