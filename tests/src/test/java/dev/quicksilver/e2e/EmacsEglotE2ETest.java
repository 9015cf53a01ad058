package dev.quicksilver.e2e;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Batch Emacs 30 with its built-in Eglot and {@code editor-clients/emacs/quicksilver.el}, the real server, sidecar
 * and embedded model: completion-at-point inserts non-empty model text at point, quicksilver-ghost-mode shows a
 * completion as ghost text whose next word and then rest are accepted, and the refactor code action
 * (resolved with codeAction/resolve) edits Circle.java and Square.java, which are saved; a class renamed in its
 * declaration has its uses and constructor renamed, its file kept (Eglot cannot rename files); a completion's
 * imports go in above point. The checks are in
 * {@code e2e/emacs_e2e.el}.
 */
class EmacsEglotE2ETest {
    static final String INSTALL = "echo 'deb http://deb.debian.org/debian bookworm-backports main' > /etc/apt/sources.list.d/backports.list"
            + " && apt-get update && apt-get install -t bookworm-backports emacs-nox";

    @Test
    @Timeout(value = 16, unit = java.util.concurrent.TimeUnit.MINUTES)
    void completionAndMultiFileRefactorInEmacsWithEglot() throws Exception {
        Path emacs = EditorRun.requireExecutable("emacs", INSTALL);
        EmacsLspModeE2ETest.requireEmacsFeature(emacs, "(progn (require 'eglot) (unless (>= emacs-major-version 30) (error \"old\")))",
                "Emacs 30 (its Eglot resolves code actions): " + INSTALL);
        EditorRun.requireServer();
        EditorRun run = new EditorRun("emacs-eglot");
        run.env.put("QS_CLIENT", "eglot");
        run.env.put("QS_PLUGIN", EditorRun.plugin("emacs").toString());
        run.run(List.of(emacs.toString(), "--batch", "-Q", "-l", EditorRun.script("emacs_e2e.el").toString()), 900);
    }
}
