package dev.quicksilver.client.pool;

import dev.quicksilver.protocol.v1.Canvas;
import dev.quicksilver.protocol.v1.ContextSegment;
import dev.quicksilver.protocol.v1.DenoiseRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The key that places a denoise request on the pool's ring: a hash of the start of its first canvas, the
 * context segments (path and text) and then the prefix, cut at {@link #LEADING_CHARS} characters.
 *
 * <p>Why the start: the sidecar's context store keys its entries by a hash chain over the canvas's leading
 * token chunks, so two requests share cached entries exactly when their canvases start alike. Keying the
 * ring on the leading characters sends such requests to the same replica, where those entries are. The cut
 * keeps the key stable while the user types further down the same file (the prefix grows at its end), and
 * is short enough that hashing costs microseconds. The client does not tokenize, so the cut is in
 * characters: 1024 is about 250 tokens, eight of the store's default 32-token chunks.
 */
public final class AffinityKey {

    /** How much of the canvas's start the key covers. */
    public static final int LEADING_CHARS = 1024;

    private AffinityKey() {}

    /** 16 hex digits; the same for requests whose first canvases start with the same text. */
    public static String of(DenoiseRequest request) {
        StringBuilder lead = new StringBuilder();
        if (request.getCanvasesCount() > 0) {
            Canvas c = request.getCanvases(0);
            for (ContextSegment s : c.getContextList()) {
                if (lead.length() >= LEADING_CHARS) {
                    break;
                }
                lead.append(s.getPath()).append('\n').append(s.getText()).append('\n');
            }
            if (lead.length() < LEADING_CHARS) {
                lead.append(c.getPrefix());
            }
        }
        String text = lead.length() > LEADING_CHARS ? lead.substring(0, LEADING_CHARS) : lead.toString();
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
