package dev.quicksilver.lsp;

import java.net.URI;
import java.nio.file.Path;

/** file: URIs to paths and back, with the one-sentence errors clients see for anything else. */
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

    public static String toUri(Path path) {
        return path.toAbsolutePath().normalize().toUri().toString();
    }

    /** The same spelling for every client: clients differ in how they escape ({@code file:///} vs {@code file:/}). */
    public static String normalize(String uri) {
        return toUri(toPath(uri));
    }
}
