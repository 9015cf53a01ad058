package dev.quicksilver.e2e;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Headless Neovim (0.7.2 in Debian bookworm) with the plugin in {@code editor-clients/neovim}, the real server,
 * sidecar and embedded model: a completion through the plugin's LSP-completion/ghost-text path inserts non-empty
 * model text at the cursor (its next word first, then the rest), "Implement Shape.name() in its 2 implementations" from the code-action menu edits
 * Circle.java and Square.java, which are saved, and {@code :Quicksilver change-signature} after a header retyped in
 * the buffer passes Sizes.java's arguments the new way, and again after the method's name was retyped renames its calls;
 * {@code :Quicksilver rename-type} after the class's name was retyped renames its uses and moves its file, and a
 * completion item's imports go in above it with the cursor kept on its text. The checks are in {@code e2e/neovim_e2e.lua}.
 */
class NeovimE2ETest {
    @Test
    @Timeout(value = 16, unit = java.util.concurrent.TimeUnit.MINUTES)
    void completionAndMultiFileRefactorInHeadlessNeovim() throws Exception {
        Path nvim = EditorRun.requireExecutable("nvim", "apt-get install neovim");
        String version = EditorRun.probe(List.of(nvim.toString(), "--version"), 30);
        Assumptions.assumeTrue(version != null, "nvim --version failed");
        EditorRun.requireServer();
        EditorRun run = new EditorRun("neovim");
        run.env.put("QS_PLUGIN", EditorRun.plugin("neovim").toString());
        run.run(List.of(nvim.toString(), "--headless", "-u", "NONE", "-i", "NONE", "-n",
                "-c", "luafile " + EditorRun.script("neovim_e2e.lua")), 900);
    }
}
