package dev.quicksilver.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Batch Emacs with lsp-mode (Debian {@code elpa-lsp-mode}) and {@code editor-clients/emacs/quicksilver.el}, which
 * registers the server as an add-on client (beside jdtls): completion-at-point inserts non-empty model text at point,
 * quicksilver-ghost-mode shows a completion as ghost text whose next word and then rest are accepted, and the
 * refactor code action edits Circle.java and Square.java, which are saved; a class renamed in its declaration has
 * its uses and constructor renamed and its file moved (the edit's RenameFile); a completion's imports go in above
 * point. The checks are in
 * {@code e2e/emacs_e2e.el}.
 */
class EmacsLspModeE2ETest {
    static final String INSTALL = "apt-get install elpa-lsp-mode (with Emacs 30 from bookworm-backports: "
            + "apt-get install -t bookworm-backports emacs-nox elpa-lsp-mode)";

    /** Skips (or fails under CI) unless {@code emacs --batch} evaluates {@code form} without error. */
    static void requireEmacsFeature(Path emacs, String form, String install) {
        String out = EditorRun.probe(List.of(emacs.toString(), "--batch", "-Q", "--eval", form), 60);
        if (out != null) return;
        String message = "this Emacs lacks what the test needs; install " + install;
        if ("true".equalsIgnoreCase(System.getenv("CI"))) fail(message + " (.ci/run installs it: CI never skips these tests)");
        Assumptions.abort(message);
    }

    /** Debian's ELPA packages (elpa-lsp-mode and its dependencies), activated as package.el does for a user. */
    static final String ACTIVATE = "(progn (add-to-list 'package-directory-list \"/usr/share/emacs/site-lisp/elpa\") (package-initialize))";

    @Test
    @Timeout(value = 16, unit = java.util.concurrent.TimeUnit.MINUTES)
    void completionAndMultiFileRefactorInEmacsWithLspMode() throws Exception {
        Path emacs = EditorRun.requireExecutable("emacs", INSTALL);
        requireEmacsFeature(emacs, "(progn " + ACTIVATE + " (require 'lsp-mode))", INSTALL);
        EditorRun.requireServer();
        EditorRun run = new EditorRun("emacs-lsp-mode");
        run.env.put("QS_CLIENT", "lsp-mode");
        run.env.put("QS_PLUGIN", EditorRun.plugin("emacs").toString());
        run.run(List.of(emacs.toString(), "--batch", "-Q", "--eval", ACTIVATE,
                "-l", EditorRun.script("emacs_e2e.el").toString()), 900);
    }
}
