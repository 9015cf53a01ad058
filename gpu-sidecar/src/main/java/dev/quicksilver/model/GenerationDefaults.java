package dev.quicksilver.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * What the model directory's generation_config.json says, as it says it (sampler name, steps,
 * threshold, block length, temperature ...). Keys are the file's own; the decoder decides which it
 * honours. Values are JSON values converted to Java: numbers as {@link Double}, strings, booleans,
 * lists and maps; a JSON null is absent.
 */
public record GenerationDefaults(Map<String, Object> values) {

    public static final GenerationDefaults NONE = new GenerationDefaults(Map.of());

    public GenerationDefaults {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public OptionalInt intValue(String key) {
        return values.get(key) instanceof Number n ? OptionalInt.of(n.intValue()) : OptionalInt.empty();
    }

    public OptionalDouble doubleValue(String key) {
        return values.get(key) instanceof Number n ? OptionalDouble.of(n.doubleValue()) : OptionalDouble.empty();
    }

    public Optional<String> stringValue(String key) {
        return values.get(key) instanceof String s ? Optional.of(s) : Optional.empty();
    }

    public Optional<Boolean> booleanValue(String key) {
        return values.get(key) instanceof Boolean b ? Optional.of(b) : Optional.empty();
    }
}
