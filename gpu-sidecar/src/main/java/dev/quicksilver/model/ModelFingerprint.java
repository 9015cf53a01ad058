package dev.quicksilver.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A stable model id: the directory name plus a short SHA-256 over config.json and the weight files'
 * names, sizes, headers and sampled contents. Hashing every byte of a 15 GB checkpoint at startup would
 * cost seconds; a header (names, shapes, offsets) plus 64 spread-out 4 KiB samples changes whenever
 * the weights do, in practice. The id keys caches (KV/context store), so two directories with the same
 * weights share entries and a retrained checkpoint never reuses stale ones.
 */
public final class ModelFingerprint {

    private static final int SAMPLES = 64;
    private static final int SAMPLE_BYTES = 4096;

    private ModelFingerprint() {}

    public static String of(Path dir) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            Path config = dir.resolve(ModelConfig.CONFIG_FILE);
            if (Files.isRegularFile(config)) {
                sha.update(Files.readAllBytes(config));
            }
            for (Path weights : weightFiles(dir)) {
                sha.update(weights.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                sampleInto(sha, weights);
            }
            String name = dir.toAbsolutePath().normalize().getFileName() == null ? "model"
                    : dir.toAbsolutePath().normalize().getFileName().toString();
            return name + "@" + HexFormat.of().formatHex(sha.digest(), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        } catch (IOException e) {
            throw new ModelLoadException("Cannot read the weights in " + dir + " (" + e.getMessage()
                    + "); check the files' permissions.", e);
        }
    }

    private static List<Path> weightFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
        }
    }

    private static void sampleInto(MessageDigest sha, Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            sha.update(ByteBuffer.allocate(8).putLong(0, size));
            // The header: up to 1 MiB from the start covers names, dtypes, shapes and offsets.
            readAt(sha, ch, 0, (int) Math.min(size, 1 << 20));
            for (int i = 0; i < SAMPLES && size > 0; i++) {
                long at = (size - 1) * i / Math.max(1, SAMPLES - 1);
                readAt(sha, ch, Math.max(0, Math.min(at, size - SAMPLE_BYTES)), (int) Math.min(size, SAMPLE_BYTES));
            }
        }
    }

    private static void readAt(MessageDigest sha, FileChannel ch, long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            if (ch.read(buf, position + buf.position()) < 0) {
                break;
            }
        }
        buf.flip();
        sha.update(buf);
    }
}
