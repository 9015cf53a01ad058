package dev.quicksilver.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One infilling case of an eval file: the model sees {@code prefix} and {@code suffix} and should write
 * {@code middle}. {@code kind} groups cases in the report (e.g. "line", "block", "signature").
 */
public record EvalCase(String id, String prefix, String middle, String suffix, String kind) {

    /** Reads a JSON Lines file; blank lines are skipped, anything else that is not a case is an error. */
    public static List<EvalCase> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException("cannot read the cases file " + file + " (" + e.getMessage()
                    + "); pass an existing JSON Lines file to --cases");
        }
        List<EvalCase> cases = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.isEmpty()) {
                cases.add(parse(line, file, i + 1));
            }
        }
        if (cases.isEmpty()) {
            throw new CliException("the cases file " + file + " holds no cases; add one JSON object per line");
        }
        return cases;
    }

    static EvalCase parse(String line, Path file, int lineNumber) {
        String where = file + " line " + lineNumber;
        JsonObject o;
        try {
            JsonElement e = JsonParser.parseString(line);
            if (!e.isJsonObject()) {
                throw new CliException(where + " is not a JSON object; write one {\"id\", \"prefix\", \"middle\", "
                        + "\"suffix\"} object per line");
            }
            o = e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new CliException(where + " is not valid JSON; write one {\"id\", \"prefix\", \"middle\", "
                    + "\"suffix\"} object per line");
        }
        String id = string(o, "id", where, true);
        String prefix = string(o, "prefix", where, true);
        String middle = string(o, "middle", where, true);
        String suffix = string(o, "suffix", where, true);
        String kind = string(o, "kind", where, false);
        return new EvalCase(id, prefix, middle, suffix, kind == null ? "all" : kind);
    }

    private static String string(JsonObject o, String field, String where, boolean required) {
        JsonElement v = o.get(field);
        if (v == null || v.isJsonNull()) {
            if (required) {
                throw new CliException(where + " has no \"" + field + "\"; every case needs id, prefix, middle and suffix");
            }
            return null;
        }
        if (v.isJsonPrimitive() && (v.getAsJsonPrimitive().isString() || v.getAsJsonPrimitive().isNumber())) {
            return v.getAsString();
        }
        throw new CliException(where + " has a \"" + field + "\" that is not a string; quote it");
    }
}
