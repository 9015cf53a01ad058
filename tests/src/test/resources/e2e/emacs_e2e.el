;;; emacs_e2e.el --- End-to-end test of quicksilver.el in batch Emacs  -*- lexical-binding: t; -*-

;; Run by EmacsE2ETest as
;;   emacs --batch -Q -l emacs_e2e.el
;; with QS_CLIENT (eglot or lsp-mode), QS_PLUGIN (editor-clients/emacs), QS_LAUNCHER, QS_WORKSPACE,
;; QS_SERVER_LOG, QS_EDITOR_LOG, QS_RESULT and QS_COMPLETE_AT (see `qs-spots') in the environment.
;; The real server and the embedded model on the fixture workspace: a completion inserts non-empty model text at
;; point; a multi-file code action edits two files, which are then saved; a class renamed in its declaration has its
;; uses renamed and its file moved.  The exit status is the verdict.

;;; Code:

(require 'cl-lib)
(require 'subr-x)

(defvar qs-client (getenv "QS_CLIENT"))
(defvar qs-workspace (file-name-as-directory (getenv "QS_WORKSPACE")))
(defvar qs-shapes (expand-file-name "src/main/java/shapes/" qs-workspace))
(defvar qs-notes nil)

(defun qs-note (fmt &rest args)
  (let ((s (apply #'format fmt args)))
    (push s qs-notes)
    (message "[e2e] %s" s)))

(defun qs-check (ok what)
  (unless ok (error "check failed: %s" what))
  (qs-note "ok: %s" what))

(defun qs-wait (pred seconds what)
  "Process events until PRED holds, or fail after SECONDS naming WHAT."
  (let ((deadline (+ (float-time) seconds)))
    (while (and (not (funcall pred)) (< (float-time) deadline))
      (accept-process-output nil 0.1))
    (qs-check (funcall pred) what)))

(defun qs-save-editor-log ()
  "Writes the client's event/IO logs and *Messages* to QS_EDITOR_LOG."
  (with-temp-file (getenv "QS_EDITOR_LOG")
    (dolist (b (buffer-list))
      (when (string-match-p "\\`\\*\\(EGLOT\\|lsp-log\\|Messages\\|eglot\\|lsp\\)" (buffer-name b))
        (insert "\n===== " (buffer-name b) " =====\n")
        (insert (with-current-buffer b (buffer-substring-no-properties (point-min) (point-max))))))))

(defun qs-finish (ok)
  (ignore-errors (qs-save-editor-log))
  (with-temp-file (getenv "QS_RESULT")
    (insert (string-join (reverse qs-notes) "\n") "\n" (if ok "PASS" "FAIL") "\n"))
  ;; Shut the server down so its log is complete.
  (ignore-errors
    (if (equal qs-client "eglot")
        (eglot-shutdown-all)
      (lsp-workspace-shutdown (car (lsp-workspaces)))))
  (kill-emacs (if ok 0 1)))

;;;; Client setup

(add-to-list 'load-path (getenv "QS_PLUGIN"))
(require 'quicksilver)
(setq quicksilver-command
      ;; The server's stderr goes to its own log; `exec' keeps one process, so shutting down stops it.
      (list "sh" "-c" "exec \"$0\" serve --stdio 2>>\"$1\"" (getenv "QS_LAUNCHER") (getenv "QS_SERVER_LOG")))
;; A shared 2-core CI machine is slow: raise the server's deadlines and the clients' request timeouts.
(setq quicksilver-settings '(:completionTimeoutMs 240000 :refactorTimeoutMs 480000))
(setq make-backup-files nil create-lockfiles nil auto-save-default nil)
(setq enable-local-variables nil)
;; A Maven folder is a project even without version control (Emacs 29+ project.el).
(setq project-vc-extra-root-markers '("pom.xml"))

(defun qs-start-client ()
  (cond
   ((equal qs-client "eglot")
    (require 'eglot)
    (setq jsonrpc-default-request-timeout 600
          eglot-sync-connect 300
          eglot-connect-timeout 300
          eglot-autoshutdown nil
          eglot-events-buffer-config '(:size 4000000 :format full))
    (quicksilver-eglot-setup)
    (qs-note "emacs %s with its Eglot" emacs-version)
    (apply #'eglot (eglot--guess-contact))
    (qs-wait (lambda () (and (eglot-current-server)
                             (jsonrpc-running-p (eglot-current-server))
                             (eglot--capabilities (eglot-current-server))))
             300 "Eglot connected to the quicksilver server")
    (qs-check (equal (file-name-as-directory (expand-file-name (project-root (eglot--project (eglot-current-server)))))
                     (file-name-as-directory (expand-file-name qs-workspace)))
              "the Eglot project root is the workspace"))
   (t
    (require 'lsp-mode)
    (setq lsp-session-file (expand-file-name "lsp-session" (file-name-directory (getenv "QS_EDITOR_LOG")))
          lsp-response-timeout 600
          lsp-log-io t
          lsp-enable-file-watchers nil
          lsp-restart 'ignore
          lsp-keep-workspace-alive nil
          lsp-enable-snippet nil
          lsp-auto-guess-root nil
          lsp-headerline-breadcrumb-enable nil
          lsp-modeline-code-actions-enable nil
          lsp-modeline-diagnostics-enable nil
          lsp-lens-enable nil
          lsp-completion-provider :capf
          lsp-warn-no-matched-clients nil)
    (quicksilver-lsp-mode-setup)
    (qs-note "emacs %s, lsp-mode %s" emacs-version
             (ignore-errors (package-version-join (package-desc-version (cadr (assq 'lsp-mode package-alist))))))
    ;; What a user answers at lsp-mode's "import project root" prompt.
    (lsp-workspace-folders-add (directory-file-name qs-workspace))
    ;; As in a user's init: lsp-mode in every Java buffer (it then joins the running workspace).
    (add-hook 'java-mode-hook #'lsp)
    (lsp)
    (qs-wait (lambda () (cl-some (lambda (ws) (eq (lsp--workspace-status ws) 'initialized)) (lsp-workspaces)))
             300 "lsp-mode started the quicksilver add-on client")
    (qs-check (equal (mapcar (lambda (ws) (lsp--client-server-id (lsp--workspace-client ws))) (lsp-workspaces))
                     '(quicksilver))
              "the buffer's lsp-mode workspace is quicksilver"))))

(defun qs-managed-p ()
  (if (equal qs-client "eglot")
      (bound-and-true-p eglot--managed-mode)
    (and (bound-and-true-p lsp-mode) (lsp-workspaces))))

;;;; The test

(defun qs-buffer-text () (buffer-substring-no-properties (point-min) (point-max)))

;; QS_COMPLETE_AT: completion spots, one a line, "FILE<TAB>TEXT": point goes right after the first TEXT in FILE.
;; The embedded model is tiny and often writes nothing (the server then sends no item); the spots are tried in
;; order until one gets model text, and that one must insert it at point.
(defun qs-spots ()
  (mapcar (lambda (line) (split-string line "\t"))
          (split-string (getenv "QS_COMPLETE_AT") "\n" t)))

(defun qs-try-completion (file text)
  "Completion at the spot; non-nil when text was inserted, after checking it went in at point."
  (find-file (expand-file-name file qs-shapes))
  (unless (qs-managed-p) (qs-start-client))
  (goto-char (point-min))
  (qs-check (search-forward text nil t) (format "completion spot after %S found in %s" text file))
  (let* ((before (qs-buffer-text))
         (spot (format "%s:%d:%d" file (line-number-at-pos) (1+ (current-column))))
         (prefix (buffer-substring-no-properties (point-min) (point)))
         (suffix (buffer-substring-no-properties (point) (point-max))))
    (completion-at-point)
    (let ((after (qs-buffer-text)))
      (if (equal after before)
          (progn (qs-note "no completion was inserted at %s; next spot" spot) nil)
        (qs-note "after completion at %s the line reads %S" spot
                 (buffer-substring-no-properties (line-beginning-position) (line-end-position)))
        (qs-check (> (length after) (length before)) "completion-at-point inserted text")
        (qs-check (string-prefix-p prefix after) "the text before point is unchanged")
        (qs-check (string-suffix-p suffix after) "the text after point is unchanged")
        (let ((inserted (substring after (length prefix) (- (length after) (length suffix)))))
          (qs-check (string-match-p "[^ \t\n]" inserted)
                    (format "non-blank model text was inserted at point: %S" inserted)))
        (save-buffer)
        t))))

(defun qs-try-ghost (file text)
  "Ghost text at the spot: non-nil when some showed, after checking a word, then the rest, went in at point."
  (find-file (expand-file-name file qs-shapes))
  (unless (qs-managed-p) (qs-start-client))
  (quicksilver-ghost-mode 1)
  (goto-char (point-min))
  (qs-check (search-forward text nil t) (format "ghost spot after %S found in %s" text file))
  (let* ((before (qs-buffer-text))
         (spot (format "%s:%d:%d" file (line-number-at-pos) (1+ (current-column))))
         (prefix (buffer-substring-no-properties (point-min) (point)))
         (suffix (buffer-substring-no-properties (point) (point-max)))
         (answers quicksilver--ghost-answers))
    (quicksilver-ghost-complete)
    (qs-wait (lambda () (> quicksilver--ghost-answers answers)) 300 (format "the ghost request at %s answered" spot))
    (if (not quicksilver--ghost)
        (progn (qs-note "no ghost text at %s; next spot" spot) nil)
      (let* ((whole (plist-get quicksilver--ghost :text))
             (ov (plist-get quicksilver--ghost :overlay)))
        (qs-note "ghost text at %s: %S" spot whole)
        (qs-check (equal (substring-no-properties (overlay-get ov 'after-string)) whole)
                  "the ghost text is an overlay's after-string at point")
        (qs-check (equal (qs-buffer-text) before) "showing ghost text changed nothing in the buffer")
        (quicksilver-ghost-accept-word)
        (let ((rest (and quicksilver--ghost (plist-get quicksilver--ghost :text))))
          (qs-check (> (length (qs-buffer-text)) (length before)) "accepting a word inserted it")
          (if (not rest)
              (qs-note "the ghost text was one word")
            (qs-check (and (string-suffix-p rest whole) (< (length rest) (length whole)))
                      (format "the rest stays on show: %S" rest))
            (qs-check (equal (substring-no-properties (overlay-get (plist-get quicksilver--ghost :overlay) 'after-string)) rest)
                      "the rest is the overlay's after-string")
            (quicksilver-ghost-accept)))
        (qs-check (null quicksilver--ghost) "nothing is left on show")
        (qs-check (equal (qs-buffer-text) (concat prefix whole suffix))
                  "the word and the rest together inserted the ghost text at point")
        (save-buffer)
        ;; As the command loop would run it: a change schedules a request for when typing pauses (the timer's
        ;; function is what runs then); another command drops what is on show.
        (let ((this-command 'self-insert-command) (answers quicksilver--ghost-answers))
          (insert " ")
          (quicksilver--ghost-post-command)
          (qs-check (timerp quicksilver--ghost-timer) "a change schedules a ghost request")
          (funcall (timer--function quicksilver--ghost-timer))
          (qs-wait (lambda () (> quicksilver--ghost-answers answers)) 300 "the scheduled request answered"))
        (quicksilver--ghost-show "x")
        (let ((this-command 'forward-char)) (quicksilver--ghost-pre-command))
        (qs-check (and (null quicksilver--ghost) (null quicksilver--ghost-active)) "another command drops the ghost text")
        (delete-char -1)
        (save-buffer)
        t))))

(defun qs-menu-choice (prefix seen)
  "A `completing-read' for a code-action menu: it passes the entries to SEEN and picks the one starting with PREFIX."
  (lambda (_prompt collection &rest _)
    (let ((names (mapcar (lambda (c) (if (consp c) (car c) c))
                         (if (functionp collection) (all-completions "" collection) collection))))
      (funcall seen names)
      (or (cl-find-if (lambda (n) (string-prefix-p prefix n)) names) ""))))

(defun qs-retype-class (before old new)
  "Retype the class OLD's name as NEW where BEFORE (a regexp) declares it, save, and leave point after NEW."
  (goto-char (point-min))
  (qs-check (re-search-forward (concat before "\\(" (regexp-quote old) "\\) {") nil t)
            (format "declaration \"%s%s {\" found" (string-remove-prefix "^" before) old))
  (replace-match new t t nil 1)
  (save-buffer))

(defun qs-test ()
  (let ((spots (qs-spots)))
    ;; 1. Completion at point through completion-at-point (textDocument/completion + the item's textEdit).
    (find-file (expand-file-name (car (car spots)) qs-shapes))
    (qs-check (derived-mode-p 'java-mode) (format "%s is in a Java mode (%s)" (car (car spots)) major-mode))
    (qs-check (cl-some (lambda (s) (qs-try-completion (car s) (cadr s))) spots)
              "a completion inserted model text at point")
    ;; 1b. The same as ghost text after point (quicksilver-ghost-mode): a word of it accepted, then the rest.
    (qs-check (cl-some (lambda (s) (qs-try-ghost (car s) (cadr s))) spots)
              "ghost text showed and was accepted at point")

    ;; 2. The multi-file refactor from the code-action menu: implement Shape.name() in Circle and Square.
    (find-file (expand-file-name "Shape.java" qs-shapes))
    (qs-wait #'qs-managed-p 60 "the client manages Shape.java")
    (goto-char (point-min))
    (qs-check (re-search-forward "String name();" nil t) "declaration \"String name();\" found")
    (goto-char (match-beginning 0))
    (forward-word 2)
    (let* ((titles nil) (confirmations 0)
           (circle (expand-file-name "Circle.java" qs-shapes))
           (square (expand-file-name "Square.java" qs-shapes)))
      ;; The menu is completing-read; pick the implement entry as a user would, and answer yes to the
      ;; client's confirmation of edits to files not yet visited.
      (cl-letf (((symbol-function 'completing-read)
                 (qs-menu-choice "Implement Shape.name()" (lambda (names) (setq titles names))))
                ((symbol-function 'y-or-n-p) (lambda (&rest _) (cl-incf confirmations) t))
                ((symbol-function 'yes-or-no-p) (lambda (&rest _) (cl-incf confirmations) t)))
        (quicksilver-refactor))
      (qs-note "code-action menu: %S; confirmations asked: %d" titles confirmations)
      ;; With one action of the kind asked for, Eglot runs it without a menu.
      (when titles
        (qs-check (cl-some (lambda (n) (string-prefix-p "Implement Shape.name()" n)) titles)
                  "the menu listed \"Implement Shape.name() ...\""))
      (dolist (f (list circle square))
        (qs-check (and (find-buffer-visiting f) (buffer-modified-p (find-buffer-visiting f)))
                  (format "the workspace edit changed %s" (file-name-nondirectory f))))
      (save-some-buffers t)
      (dolist (f (list circle square))
        (qs-check (not (buffer-modified-p (find-buffer-visiting f))) (format "%s was saved" (file-name-nondirectory f)))
        (qs-check (with-temp-buffer (insert-file-contents f) (re-search-forward "name\\s-*()\\s-*{" nil t))
                  (format "%s on disk has name() implemented" (file-name-nondirectory f)))))

    ;; 3. A class's name retyped and saved, then "Rename class Scale ..." from the menu: its uses and constructor
    ;; take the new name, and the file moves (the edit's RenameFile: lsp-mode's own, Quicksilver's for Eglot).
    (let ((scale (expand-file-name "Scale.java" qs-shapes))
          (sizing (expand-file-name "Sizing.java" qs-shapes))
          (sizes (expand-file-name "Sizes.java" qs-shapes))
          (titles nil))
      (find-file scale)
      (qs-wait #'qs-managed-p 60 "the client manages Scale.java")
      (qs-retype-class "public final class " "Scale" "Sizing")
      (cl-letf (((symbol-function 'completing-read)
                 (qs-menu-choice "Rename class Scale to Sizing" (lambda (names) (setq titles names))))
                ((symbol-function 'y-or-n-p) (lambda (&rest _) t))
                ((symbol-function 'yes-or-no-p) (lambda (&rest _) t)))
        (quicksilver-refactor))
      (qs-note "code-action menu: %S" titles)
      (qs-wait (lambda () (let ((b (find-buffer-visiting sizes))) (and b (buffer-modified-p b)))) 120
               "the workspace edit changed Sizes.java")
      ;; Eglot applies no file operation itself: Quicksilver's connection does (quicksilver--apply-file-renames).
      (qs-wait (lambda () (and (file-exists-p sizing) (not (file-exists-p scale)))) 60
               (format "%s moved Scale.java to Sizing.java" qs-client))
      ;; 3b. At once, Sizes.java's edit not saved (nor, in Eglot, sent: that waits for idle time), the method's name
      ;; retyped in Sizing.java and renamed: its edit of Sizes.java must be made on the text the buffer has.
      (with-current-buffer (find-buffer-visiting sizing)
        (goto-char (point-min))
        (qs-check (re-search-forward "static double \\(scaled\\)(" nil t) "declaration \"static double scaled(\" found")
        (replace-match "resized" t t nil 1)
        (save-buffer)
        (cl-letf (((symbol-function 'completing-read)
                   (qs-menu-choice "Rename method Sizing.scaled() to resized()" (lambda (names) (setq titles names))))
                  ((symbol-function 'y-or-n-p) (lambda (&rest _) t))
                  ((symbol-function 'yes-or-no-p) (lambda (&rest _) t)))
          (quicksilver-refactor)))
      (qs-note "code-action menu: %S" titles)
      (qs-wait (lambda () (with-current-buffer (find-buffer-visiting sizes)
                            (save-excursion (goto-char (point-min)) (search-forward "return Sizing.resized(" nil t))))
               120 "the method's rename changed Sizes.java as the buffer had it")
      (save-some-buffers t)
      (qs-check (with-temp-buffer (insert-file-contents sizes) (search-forward "return Sizing.resized(" nil t))
                "Sizes.java on disk calls Sizing.resized(...)")
      (qs-check (with-temp-buffer (insert-file-contents sizing) (search-forward "private Sizing() {" nil t))
                "the constructor takes the new name")
      (qs-check (and (find-buffer-visiting sizing) (not (find-buffer-visiting scale)))
                "a buffer visits Sizing.java, none Scale.java"))

    ;; 4. A completion's additional edits (the imports its text needs) go in above point; point stays on its text.
    (find-file (expand-file-name "Sizes.java" qs-shapes))
    (goto-char (point-min))
    (forward-line 3)
    (forward-char 3)
    (let ((line (buffer-substring-no-properties (line-beginning-position) (line-end-position)))
          (column (current-column)))
      (quicksilver--apply-imports
       (vector (list :range (list :start (list :line 1 :character 0) :end (list :line 1 :character 0))
                     :newText "import java.util.List;\nimport java.util.Set;\n")))
      (qs-check (save-excursion (goto-char (point-min)) (forward-line 1)
                                (looking-at "import java.util.List;\nimport java.util.Set;\n"))
                "the imports went in above point")
      (qs-check (and (equal line (buffer-substring-no-properties (line-beginning-position) (line-end-position)))
                     (= column (current-column)))
                "point stayed on its text"))

    ;; 5. A class renamed to the name of another class of its package (Sizes -> Circle): with Eglot (the package
    ;; declares disabled code actions for it) the rename is listed, refused, and chosen says why; lsp-mode declares
    ;; none, so it is not offered there. Either way nothing changes but the user's edit.
    (let ((sizes (expand-file-name "Sizes.java" qs-shapes))
          (circle (expand-file-name "Circle.java" qs-shapes))
          (titles nil) (said nil))
      (find-file sizes)
      (qs-retype-class "^class " "Sizes" "Circle")
      (let ((circle-text (with-temp-buffer (insert-file-contents circle) (buffer-string))))
        (cl-letf (((symbol-function 'completing-read)
                   (qs-menu-choice "Rename class Sizes to Circle" (lambda (names) (setq titles names)))))
          (condition-case err (quicksilver-refactor)
            (error (setq said (error-message-string err)))))
        (qs-note "code-action menu: %S; said: %S" titles said)
        (if (equal qs-client "eglot")
            (qs-check (and said (string-prefix-p "Quicksilver: package shapes already has a type Circle" said))
                      "Eglot showed why the rename is refused, in the server's words")
          (qs-check (not (and said (string-match-p "already has a type" said))) "lsp-mode was not offered the refused rename"))
        (qs-check (and (file-exists-p sizes) (not (buffer-modified-p))
                       (equal circle-text (with-temp-buffer (insert-file-contents circle) (buffer-string))))
                  "Sizes.java stays with only the user's edit, Circle.java as it was")))))

(condition-case err
    (progn (qs-test) (qs-finish t))
  (error (qs-note "FAIL: %S" err) (qs-finish nil)))

;;; emacs_e2e.el ends here
