package dev.quicksilver.tensor;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.quicksilver.model.ModelLoadException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reader of one .safetensors file (format: huggingface/safetensors, "docs/source/index.mdx"): an 8-byte
 * little-endian header length N, N bytes of JSON mapping each tensor name to {@code dtype},
 * {@code shape} and {@code data_offsets} [begin, end) relative to the data that follows the header,
 * and an optional {@code __metadata__} string map.
 *
 * <p>The whole file is memory-mapped into the caller's {@link Arena}; tensors are slices of that
 * mapping, so nothing is copied and closing the arena unmaps it. Every inconsistency the header can
 * contain (truncation, offsets past the end, overlaps, size mismatches, unknown dtypes) is checked here
 * once, so kernels can trust the slices.
 */
public final class SafetensorsFile {

    private static final ValueLayout.OfLong HEADER_LENGTH =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** The reference implementation refuses headers above 100 MB; so do we, before allocating. */
    private static final long MAX_HEADER_BYTES = 100L << 20;

    private final Path path;
    private final Map<String, WeightTensor> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, Map<String, WeightTensor> tensors, Map<String, String> metadata) {
        this.path = path;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    public Path path() {
        return path;
    }

    /** Tensors in header order. */
    public Map<String, WeightTensor> tensors() {
        return tensors;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** Maps {@code file} read-only into {@code arena} and validates its header. */
    public static SafetensorsFile open(Path file, Arena arena) {
        MemorySegment mapped;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
        } catch (IOException e) {
            throw new ModelLoadException("Cannot open " + file + " (" + e.getMessage()
                    + "); check that the file exists and is readable.", e);
        }
        long size = mapped.byteSize();
        if (size < 8) {
            throw new ModelLoadException(file + " is " + size + " bytes, too short for the 8-byte header length;"
                    + " the file is truncated: download it again.");
        }
        long headerLength = mapped.get(HEADER_LENGTH, 0);
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > size - 8) {
            throw new ModelLoadException(file + " declares a header length of " + headerLength
                    + " bytes but holds " + (size - 8) + " bytes after the length field;"
                    + " the file is truncated or not safetensors: download it again.");
        }
        String headerText = new String(mapped.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE),
                StandardCharsets.UTF_8);
        JsonObject header;
        try {
            JsonElement parsed = JsonParser.parseString(headerText);
            if (!parsed.isJsonObject()) {
                throw new JsonParseException("not an object");
            }
            header = parsed.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new ModelLoadException(file + " has a header that is not a JSON object; the file is damaged"
                    + " or not safetensors: download it again.", e);
        }
        MemorySegment data = mapped.asSlice(8 + headerLength);
        return parse(file, header, data);
    }

    private static SafetensorsFile parse(Path file, JsonObject header, MemorySegment data) {
        Map<String, WeightTensor> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        List<long[]> spans = new ArrayList<>(); // {begin, end, index into names}
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, JsonElement> entry : header.entrySet()) {
            String name = entry.getKey();
            if (name.equals("__metadata__")) {
                if (entry.getValue().isJsonObject()) {
                    for (var m : entry.getValue().getAsJsonObject().entrySet()) {
                        metadata.put(m.getKey(), m.getValue().isJsonPrimitive() ? m.getValue().getAsString()
                                : m.getValue().toString());
                    }
                }
                continue;
            }
            if (!entry.getValue().isJsonObject()) {
                throw damaged(file, name, "an entry that is not an object");
            }
            JsonObject t = entry.getValue().getAsJsonObject();
            String dtypeName = string(file, name, t, "dtype");
            DType dtype = DType.fromSafetensors(dtypeName).orElseThrow(() -> new ModelLoadException(
                    file + " tensor \"" + name + "\" has dtype \"" + dtypeName + "\" (field \"dtype\"), which"
                            + " Quicksilver does not read; convert the checkpoint to F32, F16 or BF16."));
            long[] shape = longs(file, name, t, "shape", -1);
            long[] offsets = longs(file, name, t, "data_offsets", 2);
            long begin = offsets[0];
            long end = offsets[1];
            if (begin > end || end > data.byteSize()) {
                throw new ModelLoadException(file + " tensor \"" + name + "\" has data_offsets [" + begin + ", "
                        + end + "] outside the " + data.byteSize() + " data bytes of the file;"
                        + " the file is truncated or its header is wrong: download it again.");
            }
            long elements = 1;
            for (long d : shape) {
                if (d < 0) {
                    throw damaged(file, name, "a negative dimension in \"shape\"");
                }
                elements = Math.multiplyExact(elements, d);
            }
            long expected = Math.multiplyExact(elements, dtype.bytes());
            if (expected != end - begin) {
                throw new ModelLoadException(file + " tensor \"" + name + "\" has shape "
                        + java.util.Arrays.toString(shape) + " of " + dtype + " (" + expected + " bytes) but its"
                        + " data_offsets span " + (end - begin) + " bytes; the header is inconsistent:"
                        + " download the file again.");
            }
            spans.add(new long[] {begin, end, names.size()});
            names.add(name);
            tensors.put(name, new WeightTensor(name, dtype, shape, data.asSlice(begin, end - begin), file));
        }
        spans.sort(Comparator.comparingLong((long[] s) -> s[0]).thenComparingLong(s -> s[1]));
        for (int i = 1; i < spans.size(); i++) {
            long[] prev = spans.get(i - 1);
            long[] cur = spans.get(i);
            if (cur[0] < prev[1] && cur[1] > cur[0]) {
                throw new ModelLoadException(file + " tensors \"" + names.get((int) prev[2]) + "\" and \""
                        + names.get((int) cur[2]) + "\" overlap in data_offsets ([" + prev[0] + ", " + prev[1]
                        + "] and [" + cur[0] + ", " + cur[1] + "]); the header is inconsistent:"
                        + " download the file again.");
            }
        }
        return new SafetensorsFile(file, tensors, metadata);
    }

    private static String string(Path file, String tensor, JsonObject t, String field) {
        JsonElement e = t.get(field);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw damaged(file, tensor, "no string \"" + field + "\"");
        }
        return e.getAsString();
    }

    private static long[] longs(Path file, String tensor, JsonObject t, String field, int requiredLength) {
        JsonElement e = t.get(field);
        if (e == null || !e.isJsonArray()) {
            throw damaged(file, tensor, "no list \"" + field + "\"");
        }
        JsonArray a = e.getAsJsonArray();
        if (requiredLength >= 0 && a.size() != requiredLength) {
            throw damaged(file, tensor, "a \"" + field + "\" of " + a.size() + " numbers instead of " + requiredLength);
        }
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            JsonElement v = a.get(i);
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber()
                    || v.getAsDouble() != Math.rint(v.getAsDouble())) {
                throw damaged(file, tensor, "a non-integer in \"" + field + "\"");
            }
            out[i] = v.getAsLong();
        }
        return out;
    }

    private static ModelLoadException damaged(Path file, String tensor, String what) {
        return new ModelLoadException(file + " tensor \"" + tensor + "\" has " + what
                + " in its header; the file is damaged: download it again.");
    }
}
