package dev.quicksilver.client;

import java.util.List;

/**
 * An intermediate canvas of a running denoise request.
 *
 * @param step     denoising steps the request has taken
 * @param canvases per canvas, the text of each span so far (undecided positions left out)
 * @param committedTokens positions of all spans decided so far (text, EOS or padding)
 */
public record Progress(int step, List<List<String>> canvases, int committedTokens) {

    public Progress {
        canvases = List.copyOf(canvases);
    }
}
