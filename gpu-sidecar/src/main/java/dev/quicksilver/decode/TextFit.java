package dev.quicksilver.decode;

import java.util.Arrays;

/**
 * The text around a canvas's holes cut to fit a model's positions, keeping what is nearest the holes: the
 * lead (context and prefix) keeps its end, the suffix its start, at least a quarter of the room (more where
 * the lead is short). Used where a canvas may come from text made for another model (an editor's context
 * budget, a benchmark's or an eval's fixed windows) and less far context beats a refused request.
 *
 * @param lead      the lead's kept tokens
 * @param suffix    the suffix's kept tokens
 * @param tokensCut tokens left out, over both
 */
public record TextFit(int[] lead, int[] suffix, int tokensCut) {

    /**
     * {@code lead} and {@code suffix} cut to {@code room} tokens together (unchanged when they fit).
     *
     * @param room positions left for them: the model's, less the holes and whatever else the canvas holds
     * @throws IllegalArgumentException when they do not fit and {@code room} is under 2 (the caller names
     *                                  the budget to lower)
     */
    public static TextFit keepNearest(int[] lead, int[] suffix, int room) {
        if (lead.length + suffix.length <= room) {
            return new TextFit(lead, suffix, 0);
        }
        if (room < 2) {
            throw new IllegalArgumentException("no room for text around the holes");
        }
        int suffixKept = Math.min(suffix.length, Math.max(room / 4, room - lead.length));
        int leadKept = Math.min(lead.length, room - suffixKept);
        return new TextFit(Arrays.copyOfRange(lead, lead.length - leadKept, lead.length),
                Arrays.copyOf(suffix, suffixKept), lead.length - leadKept + suffix.length - suffixKept);
    }
}
