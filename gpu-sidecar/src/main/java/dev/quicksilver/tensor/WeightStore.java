package dev.quicksilver.tensor;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.quicksilver.model.ModelLoadException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

/**
 * All weights of one model directory, memory-mapped: either the files named by
 * {@code model.safetensors.index.json}'s {@code weight_map} (sharded checkpoints), or every
 * {@code *.safetensors} file in the directory. Owns the shared {@link Arena} of the mappings; closing the
 * store unmaps them, after which no tensor of it may be read.
 */
public final class WeightStore implements AutoCloseable {

    public static final String INDEX_FILE = "model.safetensors.index.json";

    private final Path dir;
    private final Arena arena;
    private final Map<String, WeightTensor> tensors;
    private final List<Path> files;
    /** The int8 copy of a tied embedding, for the output head only ({@link #quantizeTiedHead}). */
    private WeightTensor tiedHead;

    private WeightStore(Path dir, Arena arena, Map<String, WeightTensor> tensors, List<Path> files) {
        this.dir = dir;
        this.arena = arena;
        this.tensors = tensors;
        this.files = files;
    }

    public static WeightStore open(Path dir) {
        Arena arena = Arena.ofShared();
        try {
            Path index = dir.resolve(INDEX_FILE);
            WeightStore store = Files.exists(index) ? openSharded(dir, index, arena) : openAll(dir, arena);
            return store;
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static WeightStore openAll(Path dir, Arena arena) {
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
        } catch (IOException e) {
            throw new ModelLoadException("Cannot list model directory " + dir + " (" + e.getMessage()
                    + "); check that it exists and is readable.", e);
        }
        if (files.isEmpty()) {
            throw new ModelLoadException("Model directory " + dir + " has no *.safetensors weights; convert the"
                    + " checkpoint to safetensors or point Quicksilver at the directory that holds them.");
        }
        Map<String, WeightTensor> tensors = new LinkedHashMap<>();
        for (Path f : files) {
            for (WeightTensor t : SafetensorsFile.open(f, arena).tensors().values()) {
                WeightTensor previous = tensors.put(t.name(), t);
                if (previous != null) {
                    throw new ModelLoadException("Tensor \"" + t.name() + "\" is in both " + previous.file() + " and "
                            + f + "; remove the stray file from the model directory.");
                }
            }
        }
        return new WeightStore(dir, arena, tensors, files);
    }

    private static WeightStore openSharded(Path dir, Path index, Arena arena) {
        JsonObject weightMap;
        try {
            JsonElement root = JsonParser.parseString(Files.readString(index));
            JsonElement map = root.isJsonObject() ? root.getAsJsonObject().get("weight_map") : null;
            if (map == null || !map.isJsonObject()) {
                throw new ModelLoadException(index + " has no \"weight_map\" object; replace it with the index"
                        + " file from the checkpoint.");
            }
            weightMap = map.getAsJsonObject();
        } catch (IOException | JsonParseException e) {
            throw new ModelLoadException(index + " cannot be read as JSON (" + e.getMessage()
                    + "); replace it with the index file from the checkpoint.", e);
        }
        Map<String, SafetensorsFile> shards = new TreeMap<>();
        Map<String, WeightTensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : weightMap.entrySet()) {
            String name = e.getKey();
            String shardName = e.getValue().getAsString();
            SafetensorsFile shard = shards.get(shardName);
            if (shard == null) {
                Path shardPath = dir.resolve(shardName);
                if (!Files.isRegularFile(shardPath)) {
                    throw new ModelLoadException(index + " field \"weight_map\" puts \"" + name + "\" in " + shardName
                            + ", which is not in " + dir + "; download the missing shard.");
                }
                shard = SafetensorsFile.open(shardPath, arena);
                shards.put(shardName, shard);
            }
            WeightTensor t = shard.tensors().get(name);
            if (t == null) {
                throw new ModelLoadException(index + " field \"weight_map\" puts \"" + name + "\" in " + shardName
                        + ", but that file has no such tensor; the index and shards are from different checkpoints.");
            }
            tensors.put(name, t);
        }
        List<Path> files = shards.values().stream().map(SafetensorsFile::path).toList();
        return new WeightStore(dir, arena, tensors, files);
    }

    public Path directory() {
        return dir;
    }

    public List<Path> files() {
        return files;
    }

    public Map<String, WeightTensor> all() {
        return tensors;
    }

    public Optional<WeightTensor> find(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    /** The tensor {@code name}; fails with a message naming the files searched. */
    public WeightTensor tensor(String name) {
        WeightTensor t = tensors.get(name);
        if (t == null) {
            throw new ModelLoadException("Model directory " + dir + " has no tensor \"" + name + "\" (searched "
                    + files.stream().map(p -> p.getFileName().toString()).toList() + "); the weights do not match"
                    + " the architecture config.json names: use the checkpoint that config.json came from.");
        }
        return t;
    }

    /** The tensor {@code name}, checked to have exactly {@code shape} (which config.json implies). */
    public WeightTensor tensor(String name, long... shape) {
        WeightTensor t = tensor(name);
        if (!Arrays.equals(t.shape(), shape)) {
            throw new ModelLoadException(t.file() + " tensor \"" + name + "\" has shape " + t.shapeString()
                    + " but config.json implies " + Arrays.toString(shape)
                    + "; config.json and the weights are from different checkpoints.");
        }
        return t;
    }

    /** What {@link #quantizeMatricesToInt8} did: matrices replaced, their bytes before and after. */
    public record Quantized(int matrices, long checkpointBytes, long int8Bytes) {}

    /**
     * Replaces every matrix that {@link Int8Quantizer#canQuantize} by its int8 copy, except the tensors named
     * in {@code keep} (an embedding table, whose rows are gathered rather than multiplied). The copies live
     * in this store's arena and are freed with it, and the checkpoint's pages of each quantized matrix are
     * released from resident memory (they stay mapped, so nothing breaks if one is read). Call before a model
     * looks its tensors up.
     */
    public Quantized quantizeMatricesToInt8(Set<String> keep) {
        return quantizeMatricesToInt8(keep, (done, total) -> {});
    }

    /** {@link #quantizeMatricesToInt8(Set)}, telling {@code progress} (done, total) after each matrix. */
    public Quantized quantizeMatricesToInt8(Set<String> keep, BiConsumer<Integer, Integer> progress) {
        List<Map.Entry<String, WeightTensor>> chosen = tensors.entrySet().stream()
                .filter(e -> !keep.contains(e.getKey()) && Int8Quantizer.canQuantize(e.getValue())).toList();
        int count = 0;
        long before = 0;
        long after = 0;
        for (Map.Entry<String, WeightTensor> e : chosen) {
            WeightTensor t = e.getValue();
            WeightTensor q = Int8Quantizer.quantize(t, arena);
            e.setValue(q);
            if (t.data().isMapped()) {
                // The checkpoint's pages of this matrix are not read again: let the OS drop them from this
                // process's resident memory (madvise), or int8 would add to memory instead of halving it.
                t.data().unload();
            }
            count++;
            progress.accept(count, chosen.size());
            before += t.data().byteSize();
            after += q.data().byteSize() + q.scales().byteSize();
        }
        return new Quantized(count, before, after);
    }

    /**
     * Makes an int8 copy of the embedding table {@code embedding} for a model whose output head is tied to it:
     * the embedding itself stays as stored (its rows are gathered), and the head multiplies by the copy
     * ({@link #tiedHead}). Nothing is made where the table does not split into whole groups.
     */
    public void quantizeTiedHead(String embedding) {
        WeightTensor table = tensor(embedding);
        if (Int8Quantizer.canQuantize(table)) {
            tiedHead = Int8Quantizer.quantize(table, arena);
        }
    }

    /** The head to use in place of a tied embedding table, where {@link #quantizeTiedHead} made one. */
    public Optional<WeightTensor> tiedHead() {
        return Optional.ofNullable(tiedHead);
    }

    @Override
    public void close() {
        arena.close();
    }
}
