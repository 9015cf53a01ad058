package dev.quicksilver.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A JSON object read from one file of a model directory, with typed getters whose failures are the
 * one-sentence {@link ModelLoadException}s users see: each names the file and the field.
 */
final class JsonFile {

    final Path path;
    final JsonObject root;

    private JsonFile(Path path, JsonObject root) {
        this.path = path;
        this.root = root;
    }

    /** Reads {@code path}; {@code missingAdvice} ends the sentence when the file is absent. */
    static JsonFile read(Path path, String missingAdvice) {
        if (!Files.isRegularFile(path)) {
            throw new ModelLoadException("Model directory " + path.getParent() + " has no "
                    + path.getFileName() + "; " + missingAdvice + ".");
        }
        try {
            JsonElement parsed = JsonParser.parseString(Files.readString(path, StandardCharsets.UTF_8));
            if (!parsed.isJsonObject()) {
                throw new ModelLoadException(path + " is not a JSON object; replace it with the file from the checkpoint.");
            }
            return new JsonFile(path, parsed.getAsJsonObject());
        } catch (JsonParseException e) {
            throw new ModelLoadException(path + " is not valid JSON (" + firstLine(e.getMessage())
                    + "); replace it with the file from the checkpoint.", e);
        } catch (IOException e) {
            throw new ModelLoadException("Cannot read " + path + " (" + e.getMessage() + "); check its permissions.", e);
        }
    }

    boolean has(String field) {
        JsonElement e = root.get(field);
        return e != null && !e.isJsonNull();
    }

    int requireInt(String field) {
        if (!has(field)) {
            throw missing(field, "an integer");
        }
        return asInt(field, root.get(field));
    }

    /** The first present field of {@code fields}, as an int. */
    int requireInt(String... fields) {
        for (String f : fields) {
            if (has(f)) {
                return asInt(f, root.get(f));
            }
        }
        throw missing(String.join("\" or \"", fields), "an integer");
    }

    int optInt(String field, int fallback) {
        return has(field) ? asInt(field, root.get(field)) : fallback;
    }

    double optDouble(String field, double fallback) {
        if (!has(field)) {
            return fallback;
        }
        JsonElement e = root.get(field);
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            return e.getAsDouble();
        }
        throw wrongType(field, e, "a number");
    }

    boolean optBoolean(String field, boolean fallback) {
        if (!has(field)) {
            return fallback;
        }
        JsonElement e = root.get(field);
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean()) {
            return e.getAsBoolean();
        }
        throw wrongType(field, e, "true or false");
    }

    String optString(String field, String fallback) {
        if (!has(field)) {
            return fallback;
        }
        JsonElement e = root.get(field);
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            return e.getAsString();
        }
        throw wrongType(field, e, "a string");
    }

    List<String> optStrings(String field) {
        List<String> out = new ArrayList<>();
        if (!has(field)) {
            return out;
        }
        JsonElement e = root.get(field);
        if (!e.isJsonArray()) {
            throw wrongType(field, e, "a list of strings");
        }
        for (JsonElement item : e.getAsJsonArray()) {
            if (!item.isJsonPrimitive() || !item.getAsJsonPrimitive().isString()) {
                throw wrongType(field, e, "a list of strings");
            }
            out.add(item.getAsString());
        }
        return out;
    }

    /** A token id field that Hugging Face configs write as an int or a list of ints. */
    List<Integer> optIntOrInts(String field) {
        List<Integer> out = new ArrayList<>();
        if (!has(field)) {
            return out;
        }
        JsonElement e = root.get(field);
        if (e.isJsonArray()) {
            for (JsonElement item : e.getAsJsonArray()) {
                out.add(asInt(field, item));
            }
        } else {
            out.add(asInt(field, e));
        }
        return out;
    }

    OptionalInt optFirstInt(String field) {
        List<Integer> ids = optIntOrInts(field);
        return ids.isEmpty() ? OptionalInt.empty() : OptionalInt.of(ids.getFirst());
    }

    /** The whole object as plain Java values (numbers as Double), JSON nulls dropped. */
    Map<String, Object> toPlainMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : root.entrySet()) {
            Object v = plain(e.getValue());
            if (v != null) {
                out.put(e.getKey(), v);
            }
        }
        return out;
    }

    ModelLoadException missing(String field, String what) {
        return new ModelLoadException(path + " has no \"" + field + "\" (" + what
                + "); add it, or point Quicksilver at the complete model directory from the checkpoint.");
    }

    ModelLoadException wrongType(String field, JsonElement value, String what) {
        return new ModelLoadException(path + " field \"" + field + "\" is " + abbreviate(value)
                + " but should be " + what + "; correct the value in that file.");
    }

    ModelLoadException invalid(String field, String problem, String wayOut) {
        return new ModelLoadException(path + " field \"" + field + "\" " + problem + "; " + wayOut + ".");
    }

    private int asInt(String field, JsonElement e) {
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            double d = e.getAsDouble();
            if (d == Math.rint(d) && Math.abs(d) <= Integer.MAX_VALUE) {
                return (int) d;
            }
        }
        throw wrongType(field, e, "an integer");
    }

    private static Object plain(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (e.isJsonPrimitive()) {
            JsonPrimitive p = e.getAsJsonPrimitive();
            if (p.isBoolean()) {
                return p.getAsBoolean();
            }
            if (p.isNumber()) {
                return p.getAsDouble();
            }
            return p.getAsString();
        }
        if (e.isJsonArray()) {
            List<Object> list = new ArrayList<>();
            for (JsonElement item : (JsonArray) e) {
                list.add(plain(item));
            }
            return list;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> entry : e.getAsJsonObject().entrySet()) {
            Object v = plain(entry.getValue());
            if (v != null) {
                map.put(entry.getKey(), v);
            }
        }
        return map;
    }

    private static String abbreviate(JsonElement e) {
        String s = e.toString();
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
