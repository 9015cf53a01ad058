package dev.quicksilver.client.pool;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Consistent hashing of request keys onto named endpoints (Karger et al. 1997; virtual points per endpoint
 * as in memcached's "ketama"): each endpoint owns {@code pointsPerEndpoint} pseudo-random points on a 64-bit
 * ring, and a key belongs to the endpoint of the first point at or after the key's hash. Removing an
 * endpoint moves only the keys it owned; the rest stay where their caches are.
 *
 * <p>Points are placed by the endpoint's <em>name</em> (the {@code host:port} the user configured), not by
 * the order of the list or a resolved IP, so every client of a pool computes the same ring and a replica
 * that restarts at the same name gets its keys back. Immutable.
 */
public final class HashRing {

    private final List<String> endpoints;
    private final long[] points;    // sorted hashes
    private final int[] owners;     // owners[i] = index into endpoints of points[i]

    private HashRing(List<String> endpoints, long[] points, int[] owners) {
        this.endpoints = endpoints;
        this.points = points;
        this.owners = owners;
    }

    /** A ring over distinct names (duplicates are dropped), each with {@code pointsPerEndpoint} points. */
    public static HashRing of(List<String> names, int pointsPerEndpoint) {
        if (pointsPerEndpoint < 1) {
            throw new IllegalArgumentException("pointsPerEndpoint must be at least 1, was " + pointsPerEndpoint);
        }
        Set<String> distinct = new LinkedHashSet<>(names);
        List<String> endpoints = List.copyOf(distinct);
        int n = endpoints.size() * pointsPerEndpoint;
        long[][] pairs = new long[n][];
        int k = 0;
        for (int e = 0; e < endpoints.size(); e++) {
            for (int p = 0; p < pointsPerEndpoint; p++) {
                pairs[k++] = new long[] {hash(endpoints.get(e) + "#" + p), e};
            }
        }
        // Ties (astronomically rare) break by endpoint index so every client orders them alike.
        Arrays.sort(pairs, (a, b) -> a[0] != b[0] ? Long.compareUnsigned(a[0], b[0]) : Long.compare(a[1], b[1]));
        long[] points = new long[n];
        int[] owners = new int[n];
        for (int i = 0; i < n; i++) {
            points[i] = pairs[i][0];
            owners[i] = (int) pairs[i][1];
        }
        return new HashRing(endpoints, points, owners);
    }

    public List<String> endpoints() {
        return endpoints;
    }

    /**
     * The endpoints in the order a request with this key tries them: its owner first, then each next
     * distinct owner clockwise, so that when the owner is down the key moves to one fixed fallback.
     */
    public List<String> preference(String key) {
        List<String> order = new ArrayList<>(endpoints.size());
        if (points.length == 0) {
            return order;
        }
        boolean[] seen = new boolean[endpoints.size()];
        int start = firstAtOrAfter(hash(key));
        for (int i = 0; i < points.length && order.size() < endpoints.size(); i++) {
            int owner = owners[(start + i) % points.length];
            if (!seen[owner]) {
                seen[owner] = true;
                order.add(endpoints.get(owner));
            }
        }
        return order;
    }

    /** The endpoint that owns this key, or null on an empty ring. */
    public String owner(String key) {
        return points.length == 0 ? null : endpoints.get(owners[firstAtOrAfter(hash(key))]);
    }

    private int firstAtOrAfter(long h) {
        int lo = 0;
        int hi = points.length; // answer in [lo, hi]; hi = length wraps to 0
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(points[mid], h) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo == points.length ? 0 : lo;
    }

    /** The first 8 bytes of SHA-256: stable across JVMs and versions, unlike {@code String.hashCode}. */
    static long hash(String s) {
        byte[] d;
        try {
            d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
        long h = 0;
        for (int i = 0; i < 8; i++) {
            h = (h << 8) | (d[i] & 0xff);
        }
        return h;
    }
}
