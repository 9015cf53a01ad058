package dev.quicksilver.lsp.cli;

import com.google.gson.JsonObject;
import dev.quicksilver.client.Transport;
import dev.quicksilver.client.pool.PoolTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --sidecar}, {@code --sidecar-token-file}, {@code --sidecar-tls} and {@code --share-sidecar} of the
 * headless commands: a CI job can use a running sidecar or a team's pool of them instead of spawning one with
 * the embedded model on its own CPU, or share one across its commands so that only the first loads the model.
 */
public final class SidecarMixin {

    @Option(names = "--sidecar", paramLabel = "ADDRESS",
            description = "Use running sidecars: host:port, or host:port,host:port,... for a pool (default: spawn one locally).")
    String address;

    @Option(names = "--sidecar-token-file", paramLabel = "FILE",
            description = "File holding the token of the --sidecar address (default: $QUICKSILVER_SIDECAR_TOKEN).")
    Path tokenFile;

    @Option(names = "--share-sidecar",
            description = "Use (or start) the sidecar this user's editors and commands share: a later command within two minutes finds the model loaded.")
    boolean share;

    @Option(names = "--sidecar-tls", paramLabel = "off|system|FILE",
            description = "Reach --sidecar over TLS, trusting the JDK's certificate authorities (system) or the certificates in a PEM FILE (default: off).")
    String tls;

    /**
     * {@code settings} with the sidecar keys added when the options were given; a bad address or a missing
     * token file fails here, before any server starts, with the option's name.
     */
    JsonObject addTo(JsonObject settings) {
        if (share) {
            if (address != null) {
                throw new IllegalArgumentException("--share-sidecar and --sidecar exclude each other: the first uses this "
                        + "machine's shared sidecar, the second a running one at an address");
            }
            settings.addProperty("shareSidecar", true);
        }
        if (address == null) {
            if (tokenFile != null || tls != null) {
                throw new IllegalArgumentException((tokenFile != null ? "--sidecar-token-file" : "--sidecar-tls")
                        + " is given without --sidecar; add --sidecar HOST:PORT");
            }
            return settings;
        }
        try {
            PoolTarget.validate(address);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--sidecar: " + e.getMessage(), e);
        }
        settings.addProperty("sidecarAddress", address.strip());
        if (tokenFile != null) {
            if (!Files.isReadable(tokenFile)) {
                throw new IllegalArgumentException("--sidecar-token-file " + tokenFile + " cannot be read; give the file the sidecar was started with");
            }
            settings.addProperty("sidecarTokenFile", tokenFile.toAbsolutePath().toString());
        }
        if (tls != null) {
            try {
                Transport.parse(tls);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--sidecar-tls: " + e.getMessage(), e);
            }
            settings.addProperty("sidecarTls", tls.strip());
        }
        return settings;
    }
}
