package dev.quicksilver.protocol;

import io.grpc.Metadata;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What both ends of the sidecar process boundary agree on besides the .proto: the token header, the
 * environment variable that carries the token, and the one-line handshake the sidecar prints on stdout
 * once it listens.
 */
public final class SidecarConventions {

    /** Call metadata key of the per-run token. */
    public static final Metadata.Key<String> TOKEN_HEADER =
            Metadata.Key.of("x-quicksilver-token", Metadata.ASCII_STRING_MARSHALLER);

    /**
     * Call metadata key of a denoise call's affinity key: a hash of the start of its canvas, by which a
     * client spreads calls over a pool of sidecars so that calls sharing a context prefix meet its cache.
     */
    public static final Metadata.Key<String> AFFINITY_HEADER =
            Metadata.Key.of("x-quicksilver-affinity", Metadata.ASCII_STRING_MARSHALLER);

    /**
     * Call metadata key of a retried denoise call's spill-over count in a pool: 1 when the replica its
     * affinity key picked was full and the next one in the key's ring order should take it, and so on.
     */
    public static final Metadata.Key<String> AFFINITY_ATTEMPT_HEADER =
            Metadata.Key.of("x-quicksilver-affinity-attempt", Metadata.ASCII_STRING_MARSHALLER);

    /** Environment variable that gives the sidecar its token (or use {@code serve --token-file}). */
    public static final String TOKEN_ENV = "QUICKSILVER_SIDECAR_TOKEN";

    /** The handshake line starts with this, then {@code port=N pid=P}. */
    public static final String HANDSHAKE_PREFIX = "QUICKSILVER_SIDECAR_READY";

    /** Health-service name of the sidecar service (the empty name "" reports the same). */
    public static final String SERVICE_NAME = "quicksilver.v1.Sidecar";

    private static final Pattern HANDSHAKE = Pattern.compile("^" + HANDSHAKE_PREFIX + " port=(\\d+)\\b.*");

    private SidecarConventions() {}

    public static String handshake(int port, long pid) {
        return HANDSHAKE_PREFIX + " port=" + port + " pid=" + pid;
    }

    /** The port of a handshake line, or empty when the line is something else. */
    public static OptionalInt parseHandshake(String line) {
        Matcher m = HANDSHAKE.matcher(line.strip());
        return m.matches() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }
}
