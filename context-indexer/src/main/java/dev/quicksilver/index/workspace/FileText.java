package dev.quicksilver.index.workspace;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.quicksilver.index.IndexProblem.Reason;

/** Reads a workspace file as text, or says why it is not text. */
public final class FileText {
    /** Git's heuristic: a NUL byte in the first 8000 bytes means binary. */
    private static final int SNIFF_BYTES = 8000;

    public sealed interface Result permits Text, NotText {
    }

    public record Text(String text) implements Result {
    }

    public record NotText(Reason reason, String detail) implements Result {
    }

    private FileText() {
    }

    public static Result read(Path path, long maxBytes) {
        try {
            long size = Files.size(path);
            if (size > maxBytes) {
                return new NotText(Reason.TOO_LARGE, size + " bytes, limit " + maxBytes);
            }
            byte[] bytes = Files.readAllBytes(path);
            if (bytes.length > maxBytes) {
                return new NotText(Reason.TOO_LARGE, bytes.length + " bytes, limit " + maxBytes);
            }
            if (looksBinary(bytes)) {
                return new NotText(Reason.BINARY, "NUL byte in the first " + SNIFF_BYTES + " bytes");
            }
            return new Text(decode(bytes));
        } catch (IOException | SecurityException e) {
            return new NotText(Reason.UNREADABLE, String.valueOf(e.getMessage()));
        }
    }

    static boolean looksBinary(byte[] bytes) {
        int n = Math.min(bytes.length, SNIFF_BYTES);
        for (int i = 0; i < n; i++) {
            if (bytes[i] == 0) return true;
        }
        return false;
    }

    /** UTF-8 when valid (the common case), else ISO-8859-1 so every byte maps to one char and nothing is lost. */
    private static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }
}
