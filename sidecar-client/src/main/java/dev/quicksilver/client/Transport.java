package dev.quicksilver.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How a connected client reaches its sidecars: plaintext (loopback, or a network the user trusts), or TLS
 * trusting either the JDK's certificate authorities or the certificates of one PEM file (a team's own CA,
 * or a sidecar's self-signed certificate). A spawned sidecar is always plaintext on loopback.
 *
 * @param tls               whether to use TLS
 * @param trustCertificates PEM file of the certificates to trust; null: the JDK's default trust store
 */
public record Transport(boolean tls, Path trustCertificates) {

    public static final Transport PLAINTEXT = new Transport(false, null);

    /**
     * The {@code sidecarTls} setting: {@code off} (or empty), {@code system}, or the path of a PEM file.
     *
     * @throws IllegalArgumentException naming the value and the three forms
     */
    public static Transport parse(String setting) {
        String s = setting == null ? "" : setting.strip();
        switch (s.toLowerCase(Locale.ROOT)) {
            case "", "off", "false", "none" -> {
                return PLAINTEXT;
            }
            case "system", "on", "true" -> {
                return new Transport(true, null);
            }
            default -> {
                Path p = UserPaths.of(s);
                if (!Files.isReadable(p) || Files.isDirectory(p)) {
                    throw new IllegalArgumentException("\"" + s + "\" is not a readable file; give a PEM file of the "
                            + "certificates to trust, system (the JDK's certificate authorities), or off");
                }
                return new Transport(true, p);
            }
        }
    }

    /** For status lines: {@code plaintext}, {@code TLS}, or {@code TLS (trusting FILE)}. */
    public String describe() {
        return !tls ? "plaintext" : trustCertificates == null ? "TLS" : "TLS (trusting " + trustCertificates + ")";
    }
}
