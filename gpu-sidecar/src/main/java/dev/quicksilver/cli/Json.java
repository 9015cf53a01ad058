package dev.quicksilver.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.quicksilver.decode.DecodeStats;

/** JSON output helpers: one object per command, numbers as numbers. */
final class Json {

    static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeSpecialFloatingPointValues()
            .setPrettyPrinting().create();

    /** One object per line (JSON Lines files). */
    static final Gson GSON_COMPACT = new GsonBuilder().disableHtmlEscaping().create();

    private Json() {}

    static JsonArray ints(int[] values) {
        JsonArray a = new JsonArray();
        for (int v : values) {
            a.add(v);
        }
        return a;
    }

    static double round(double v, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(v * scale) / scale;
    }

    /** forwards, tokensCommitted, tokensPerForward, msPerForward, rowsPerForward, totalMs, cache, backend, mode. */
    static void addStats(JsonObject o, DecodeStats s) {
        o.addProperty("forwards", s.forwards());
        o.addProperty("tokensCommitted", s.tokensCommitted());
        o.addProperty("tokensPerForward", round(s.tokensPerForward(), 4));
        o.addProperty("msPerForward", round(s.msPerForward(), 3));
        o.addProperty("rowsPerForward", round(s.rowsPerForward(), 2));
        o.addProperty("totalMs", round(s.totalMs(), 3));
        o.addProperty("tokensPerSecond", round(s.tokensPerSecond(), 2));
        o.addProperty("mode", s.mode());
        o.addProperty("cache", s.cacheMode());
        o.addProperty("backend", s.backend());
    }
}
