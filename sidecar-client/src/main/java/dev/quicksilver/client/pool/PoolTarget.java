package dev.quicksilver.client.pool;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sidecar address a user configures, turned into a gRPC target. Three forms:
 * <ul>
 *   <li>{@code host:port}: one sidecar (or, where the name resolves to several addresses, a pool of them);
 *   <li>{@code host1:port1,host2:port2,...}: a pool, one replica per entry;
 *   <li>any gRPC target with a scheme ({@code dns:///name:port}, ...), passed through.
 * </ul>
 * Every form is balanced by {@link ContextAffinityLoadBalancer}, so a pool needs nothing but the address.
 */
public final class PoolTarget {

    static final String SCHEME = "quicksilver-pool";

    /** One {@code host:port} of a list; {@code host} without the brackets of an IPv6 literal. */
    public record Entry(String host, int port) {
        String authority() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    private static final Pattern HOST_PORT = Pattern.compile("(?:\\[([0-9A-Fa-f:.%\\w]+)]|([^\\s:\\[\\],/]+)):(\\d{1,5})");
    private static final Pattern SCHEME_PREFIX = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:/.*");

    private PoolTarget() {}

    /**
     * The gRPC target for an address setting, or an {@link IllegalArgumentException} whose message is one
     * sentence naming the bad part and the form to use.
     */
    public static String toTarget(String address) {
        String a = address == null ? "" : address.strip();
        if (SCHEME_PREFIX.matcher(a).matches()) {
            return a;
        }
        List<Entry> entries = parseList(a);
        if (entries.size() == 1) {
            return entries.get(0).authority();
        }
        List<String> encoded = new ArrayList<>();
        for (Entry e : entries) {
            encoded.add(URLEncoder.encode(e.authority(), StandardCharsets.UTF_8));
        }
        return SCHEME + ":///" + String.join(",", encoded);
    }

    /**
     * The {@code host:port} entries of an address list, each to be asked on its own; an address with a scheme
     * ({@code dns:///...}) is one entry.
     */
    public static List<String> entries(String address) {
        String a = address == null ? "" : address.strip();
        if (SCHEME_PREFIX.matcher(a).matches()) {
            return List.of(a);
        }
        return parseList(a).stream().map(Entry::authority).toList();
    }

    /** Checks an address setting without building anything; the same messages as {@link #toTarget}. */
    public static void validate(String address) {
        toTarget(address);
    }

    static List<Entry> parseList(String list) {
        if (list.isEmpty()) {
            throw new IllegalArgumentException("the sidecar address is empty; give host:port, or a "
                    + "comma-separated list of them for a pool");
        }
        Set<Entry> entries = new LinkedHashSet<>();
        for (String part : list.split(",", -1)) {
            String p = part.strip();
            Matcher m = HOST_PORT.matcher(p);
            if (!m.matches()) {
                throw new IllegalArgumentException("\"" + p + "\" in the sidecar address \"" + list + "\" is not "
                        + "host:port; write e.g. gpu1.example.com:7420 or gpu1:7420,gpu2:7420 for a pool");
            }
            int port = Integer.parseInt(m.group(3));
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " of \"" + p + "\" in the sidecar address is "
                        + "out of range; use 1-65535");
            }
            entries.add(new Entry(m.group(1) != null ? m.group(1) : m.group(2), port));
        }
        return List.copyOf(entries);
    }

    static List<Entry> entriesOf(URI target) {
        String path = target.getRawPath() == null ? "" : target.getRawPath();
        if (path.startsWith("/")) {
            path = path.substring(1);
        }
        List<String> decoded = new ArrayList<>();
        for (String part : path.split(",")) {
            if (!part.isEmpty()) {
                decoded.add(URLDecoder.decode(part, StandardCharsets.UTF_8));
            }
        }
        return parseList(String.join(",", decoded));
    }
}
