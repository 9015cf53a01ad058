;;; quicksilver.el --- Quicksilver diffusion-model language server for Eglot and lsp-mode  -*- lexical-binding: t; -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "27.1"))
;; Keywords: languages, tools, convenience
;; URL: https://example.invalid/quicksilver

;;; Commentary:

;; Registers the Quicksilver language server (`quicksilver serve --stdio') with
;;
;;  - Eglot, in `eglot-server-programs', for `quicksilver-major-modes'.  Eglot runs one
;;    server per buffer, so in Java buffers it is Quicksilver *or* jdtls: `eglot' asks
;;    which when both are available (see `quicksilver-eglot-alongside-jdtls').
;;  - lsp-mode, as an add-on client (`:add-on? t'), so it runs beside jdtls (lsp-java)
;;    in the same buffer.
;;
;; Completions come through the standard completion-at-point path of either client (the
;; server answers `textDocument/completion' with one model item carrying a textEdit), and
;; as ghost text after point with `quicksilver-ghost-mode' (TAB accepts, M-f a word, C-e a line);
;; the multi-file refactors are code actions of kind `refactor.rewrite' (`M-x
;; quicksilver-refactor', or the clients' own code-action commands).
;;
;;   (require 'quicksilver)
;;   (setq quicksilver-command '("~/quicksilver/quicksilver" "serve" "--stdio"))
;;   (quicksilver-eglot-setup)        ; and/or
;;   (quicksilver-lsp-mode-setup)

;;; Code:

(require 'cl-lib)
(require 'subr-x)
(require 'seq)
(require 'eieio) ; `quicksilver-eglot-server', once Eglot is loaded

(defgroup quicksilver nil
  "Quicksilver: completions and multi-file refactors from a diffusion language model."
  :group 'tools
  :prefix "quicksilver-")

(defcustom quicksilver-command '("quicksilver" "serve" "--stdio")
  "The command that starts the server.
Its first element is the repository's launcher, ./quicksilver."
  :type '(repeat string))

(defcustom quicksilver-java-home nil
  "A JDK 25 home for the server.
Nil lets the launcher find one: $QUICKSILVER_JAVA_HOME, $JAVA_HOME,
then /usr/lib/jvm."
  :type '(choice (const :tag "Let the launcher find one" nil) directory))

(defcustom quicksilver-major-modes '(java-mode java-ts-mode)
  "Major modes the server runs in."
  :type '(repeat symbol))

(defcustom quicksilver-settings nil
  "Server settings, a plist.
They are sent as initializationOptions and as workspace configuration.
Keys (lsp-server ServerSettings): :modelDir :sidecarAddress :sidecarTokenFile
:sidecarTls :shareSidecar :backend :maxTokens
:sampler :threshold :blockLength :cache :contextTokens :suffixTokens :multiline
:completionTimeoutMs :refactorTimeoutMs :weights :threads :completeWhileResolving
:persistIndex :checkCompletions.
Example: (:backend \"cpu\" :maxTokens 32)."
  :type 'plist)

(defcustom quicksilver-eglot-alongside-jdtls t
  "Non-nil: `quicksilver-eglot-setup' offers jdtls as an alternative.
Eglot then asks which to start when both programs are installed."
  :type 'boolean)

(defun quicksilver--command ()
  "The server command, with `quicksilver-java-home' passed in the environment."
  (let* ((program (car quicksilver-command))
         (cmd (cons (if (string-match-p "/" program) (expand-file-name program) program)
                    (cdr quicksilver-command))))
    (if quicksilver-java-home
        (append (list "env" (concat "QUICKSILVER_JAVA_HOME=" (expand-file-name quicksilver-java-home))) cmd)
      cmd)))

(defun quicksilver--settings-object ()
  "`quicksilver-settings' as a JSON-ready plist (an empty object when nil)."
  (or quicksilver-settings (make-hash-table)))

;;;; Eglot

(defvar eglot-server-programs)
(defvar eglot-workspace-configuration)
(declare-function eglot-alternatives "eglot")
(declare-function eglot-code-actions "eglot")
(declare-function eglot-current-server "eglot")
(declare-function eglot--code-action-bounds "eglot")
(declare-function eglot-uri-to-path "eglot")
(declare-function eglot--managed-buffers "eglot")
(declare-function eglot--signal-textDocument/didChange "eglot")
(declare-function eglot--apply-text-edits "eglot")

(defun quicksilver--eglot-contact (&optional _interactive)
  "The Eglot contact: the command and its initializationOptions.
Its connection is a `quicksilver-eglot-server', which declares
disabled code actions and file renames."
  (cons 'quicksilver-eglot-server (quicksilver--eglot-command)))

(defun quicksilver--eglot-command ()
  "The command and its initializationOptions, as `eglot-alternatives' takes one."
  (append (quicksilver--command)
          (list :initializationOptions (quicksilver--settings-object))))

(defun quicksilver--with-disabled-support (capabilities)
  "CAPABILITIES (Eglot's) with textDocument.codeAction.disabledSupport.
A refactor that applies but must not run (a class renamed to a name
its package has) then comes listed, disabled, with its reason:
chosen, Eglot asks the server to resolve it, and the server's error
says that reason.  Eglot's own lists are left as they are."
  (let* ((document (copy-sequence (plist-get capabilities :textDocument)))
         (actions (copy-sequence (plist-get document :codeAction))))
    (plist-put (copy-sequence capabilities) :textDocument
               (plist-put document :codeAction (plist-put actions :disabledSupport t)))))

(defun quicksilver--with-file-renames (capabilities)
  "CAPABILITIES (Eglot's), declaring that file renames are applied.
That is workspace.workspaceEdit.resourceOperations [\"rename\"].
Eglot applies no file operation, so Quicksilver's connection says it
renames files and `quicksilver--apply-file-renames' does it: a class
renamed moves to the file of its new name."
  (let* ((workspace (copy-sequence (plist-get capabilities :workspace)))
         (edit (copy-sequence (plist-get workspace :workspaceEdit))))
    (plist-put (copy-sequence capabilities) :workspace
               (plist-put workspace :workspaceEdit (plist-put edit :resourceOperations ["rename"])))))

(defvar quicksilver--text-edits-applied nil
  "Non-nil once Eglot applied a text edit of the workspace edit being applied.")

(defun quicksilver--note-text-edits (&rest _)
  "Note that Eglot applied text edits (advice around a workspace edit)."
  (setq quicksilver--text-edits-applied t))

(defun quicksilver--apply-file-renames (apply wedit &rest args)
  "Around Eglot's APPLY of workspace edit WEDIT (ARGS: its origin): renames too.
Eglot reads every entry of documentChanges as a text document's
edits, so the RenameFile operations (Quicksilver's, after the text
edits of the file they move) are taken out, the rest is applied as
Eglot does (with its confirmation), and then, if it applied it, each
file is moved and its buffer visits the new name."
  (let* ((changes (plist-get wedit :documentChanges))
         (renames (seq-filter (lambda (c) (equal (plist-get c :kind) "rename")) changes)))
    (if (null renames)
        (apply apply wedit args)
      (let ((quicksilver--text-edits-applied nil)
            (edits (vconcat (seq-remove (lambda (c) (plist-get c :kind)) changes))))
        (advice-add 'eglot--apply-text-edits :before #'quicksilver--note-text-edits)
        (unwind-protect
            (apply apply (plist-put (copy-sequence wedit) :documentChanges edits) args)
          (advice-remove 'eglot--apply-text-edits #'quicksilver--note-text-edits))
        (dolist (rename renames)
          (if quicksilver--text-edits-applied
              (condition-case err
                  (quicksilver--rename-file rename)
                (error (message "Quicksilver: %s was not moved to %s: %s"
                                (eglot-uri-to-path (plist-get rename :oldUri))
                                (file-name-nondirectory (eglot-uri-to-path (plist-get rename :newUri)))
                                (error-message-string err))))
            (message "Quicksilver: rename %s to %s yourself once its edits are in"
                     (eglot-uri-to-path (plist-get rename :oldUri))
                     (file-name-nondirectory (eglot-uri-to-path (plist-get rename :newUri))))))))))

(defun quicksilver--rename-file (operation)
  "Do the LSP RenameFile OPERATION: move the file, and its buffer with it.
The buffer is saved first (it holds the edits that came with the
move), killed (Eglot tells the server it is closed) and the new file
visited in its windows, at the same point (Eglot opens it)."
  (let* ((old (eglot-uri-to-path (plist-get operation :oldUri)))
         (new (eglot-uri-to-path (plist-get operation :newUri)))
         (options (plist-get operation :options))
         (buffer (find-buffer-visiting old)))
    (cond
     ((and (file-exists-p new) (not (eq (plist-get options :overwrite) t)))
      (unless (eq (plist-get options :ignoreIfExists) t)
        (message "Quicksilver: %s exists, so %s was not moved" new (file-name-nondirectory old))))
     (t
      (when buffer
        (with-current-buffer buffer
          (when (buffer-modified-p) (save-buffer))))
      (rename-file old new t)
      (when buffer
        (let ((windows (get-buffer-window-list buffer nil t))
              (at (with-current-buffer buffer (point))))
          (kill-buffer buffer)
          (let ((moved (find-file-noselect new)))
            (with-current-buffer moved (goto-char at))
            (dolist (window windows)
              (set-window-buffer window moved)
              (set-window-point window at)))))
      (message "Quicksilver: moved %s to %s" (file-name-nondirectory old) (file-name-nondirectory new))))))

(with-eval-after-load 'eglot
  (defclass quicksilver-eglot-server (eglot-lsp-server) ()
    :documentation "Eglot's connection to a Quicksilver server.")
  (cl-defmethod eglot-client-capabilities :around ((_server quicksilver-eglot-server))
    (quicksilver--with-file-renames (quicksilver--with-disabled-support (cl-call-next-method))))
  (advice-add 'eglot--apply-workspace-edit :around #'quicksilver--apply-file-renames))

;;;###autoload
(defun quicksilver-eglot-setup ()
  "Register Quicksilver in `eglot-server-programs' for `quicksilver-major-modes'."
  (interactive)
  (require 'eglot)
  (let ((contact (if (and quicksilver-eglot-alongside-jdtls (fboundp 'eglot-alternatives))
                     (let ((alternatives (eglot-alternatives (list (quicksilver--eglot-command) '("jdtls")))))
                       ;; Quicksilver, where it is the one chosen (not jdtls), gets its own connection class.
                       (lambda (&optional interactive)
                         (let ((chosen (funcall alternatives interactive)))
                           (if (and (stringp (car-safe chosen))
                                    (not (equal (file-name-nondirectory (car chosen)) "jdtls")))
                               (cons 'quicksilver-eglot-server chosen)
                             chosen))))
                   #'quicksilver--eglot-contact)))
    (add-to-list 'eglot-server-programs (cons quicksilver-major-modes contact)))
  ;; workspace/didChangeConfiguration and workspace/configuration get the same settings.
  (setq-default eglot-workspace-configuration
                (plist-put (copy-sequence (default-value 'eglot-workspace-configuration))
                           :quicksilver (quicksilver--settings-object))))

;;;; lsp-mode

(defvar lsp-mode)
(declare-function lsp-register-client "lsp-mode")
(declare-function make-lsp-client "lsp-mode")
(declare-function lsp-stdio-connection "lsp-mode")
(declare-function lsp-notify "lsp-mode")
(defvar lsp--cur-workspace)
(declare-function lsp-execute-code-action-by-kind "lsp-mode")
(declare-function lsp-workspaces "lsp-mode")
(declare-function lsp--workspace-client "lsp-mode")
(declare-function lsp--client-server-id "lsp-mode")

;;;###autoload
(defun quicksilver-lsp-mode-setup ()
  "Register Quicksilver with lsp-mode as an add-on client, beside jdtls."
  (interactive)
  (require 'lsp-mode)
  (lsp-register-client
   (make-lsp-client
    :new-connection (lsp-stdio-connection #'quicksilver--command)
    :activation-fn (lambda (_file-name mode) (memq mode quicksilver-major-modes))
    :add-on? t
    :priority -1
    :server-id 'quicksilver
    ;; The server reads its settings from initializationOptions; `quicksilver-lsp-mode-update-settings'
    ;; sends later changes.
    :initialization-options #'quicksilver--settings-object)))

(defun quicksilver-lsp-mode-update-settings ()
  "Send `quicksilver-settings' to the running Quicksilver servers.
This is a workspace/didChangeConfiguration notification."
  (interactive)
  (dolist (ws (lsp-workspaces))
    (when (eq (lsp--client-server-id (lsp--workspace-client ws)) 'quicksilver)
      (let ((lsp--cur-workspace ws))
        (lsp-notify "workspace/didChangeConfiguration"
                    (list :settings (list :quicksilver (quicksilver--settings-object))))))))

;;;; Ghost text

;; The model's completion shown after point as you type, as Copilot's clients show theirs: an overlay's
;; after-string, asked for `quicksilver-ghost-delay' seconds after the last change (textDocument/completion to the
;; Quicksilver server of the buffer's Eglot or lsp-mode), dropped when point moves or the buffer changes
;; otherwise.  While it shows, `quicksilver-ghost-active-map' is on: TAB accepts it, M-f its next word, C-e the rest
;; of its line; the rest of a partial accept stays on show with no new request.  Rendering with an overlay whose
;; after-string carries the `cursor' property follows copilot.el (copilot-emacs/copilot.el).

(declare-function eglot--signal-textDocument/didChange "eglot")
(declare-function eglot--TextDocumentPositionParams "eglot")
(declare-function eglot--lsp-position-to-point "eglot")
(declare-function eglot--server-info "eglot")
(declare-function jsonrpc-async-request "jsonrpc")
(declare-function lsp-request-async "lsp-mode")
(declare-function lsp--text-document-position-params "lsp-mode")
(declare-function lsp--position-to-point "lsp-mode")
(defvar eglot--managed-mode)

(defcustom quicksilver-ghost-delay 0.3
  "Seconds of idle time after a change before ghost text is asked for."
  :type 'number)

(defface quicksilver-ghost-face '((t :inherit shadow))
  "Face of the ghost text.")

(defvar quicksilver-ghost-active-map
  (let ((map (make-sparse-keymap)))
    (define-key map (kbd "TAB") #'quicksilver-ghost-accept)
    (define-key map (kbd "<tab>") #'quicksilver-ghost-accept)
    (define-key map (kbd "M-f") #'quicksilver-ghost-accept-word)
    (define-key map (kbd "C-e") #'quicksilver-ghost-accept-line)
    map)
  "Keys active while ghost text shows.")

(defvar-local quicksilver--ghost-imports nil
  "The additional edits of the completion on show: the imports it needs.
Applied once all of its text is in.")

(defvar-local quicksilver--ghost nil
  "The ghost text on show, or nil.
A plist (:text REST :overlay OV :tick TICK :point POS).")
(defvar-local quicksilver--ghost-active nil
  "Non-nil while ghost text shows: turns `quicksilver-ghost-active-map' on.")
(defvar-local quicksilver--ghost-timer nil)
(defvar-local quicksilver--ghost-answers 0
  "How many completion answers came for the buffer as it was asked (tests wait on it).")
(defvar-local quicksilver--ghost-seen-tick nil)

(defvar quicksilver--ghost-emulation-alist
  `((quicksilver--ghost-active . ,quicksilver-ghost-active-map)))

(defconst quicksilver--ghost-commands
  '(quicksilver-ghost-accept quicksilver-ghost-accept-word quicksilver-ghost-accept-line quicksilver-ghost-complete)
  "Commands that keep the ghost text (or replace it themselves).")

(defun quicksilver--get (object key)
  "KEY (a keyword) of a JSON OBJECT.
Eglot gives plists, lsp-mode hash tables."
  (if (hash-table-p object)
      (gethash (substring (symbol-name key) 1) object)
    (plist-get object key)))

(defun quicksilver--lsp-mode-workspace ()
  "The buffer's lsp-mode workspace of the Quicksilver server, if any."
  (when (and (bound-and-true-p lsp-mode) (fboundp 'lsp-workspaces))
    (cl-find-if (lambda (ws) (eq (lsp--client-server-id (lsp--workspace-client ws)) 'quicksilver))
                (lsp-workspaces))))

(defun quicksilver--eglot-server ()
  "The buffer's Eglot server, if it is Quicksilver's."
  (when (and (bound-and-true-p eglot--managed-mode) (fboundp 'eglot-current-server))
    (let ((server (eglot-current-server)))
      (when (and server (equal (quicksilver--get (eglot--server-info server) :name) "quicksilver"))
        server))))

(defun quicksilver-ghost-clear ()
  "Remove the ghost text."
  (when quicksilver--ghost
    (delete-overlay (plist-get quicksilver--ghost :overlay)))
  (setq quicksilver--ghost nil
        quicksilver--ghost-active nil))

(defun quicksilver--ghost-show (text)
  "Show TEXT as ghost text at point."
  (quicksilver-ghost-clear)
  (unless (string-empty-p text)
    (let ((ov (make-overlay (point) (point) nil t nil))
          (shown (copy-sequence text)))
      (add-face-text-property 0 (length shown) 'quicksilver-ghost-face nil shown)
      ;; The cursor stays before the ghost text, not after it.
      (put-text-property 0 1 'cursor t shown)
      (overlay-put ov 'after-string shown)
      (overlay-put ov 'quicksilver-ghost t)
      (setq quicksilver--ghost (list :text text :overlay ov :tick (buffer-chars-modified-tick) :point (point))
            quicksilver--ghost-active t))))

(defun quicksilver--ghost-answer (result buffer tick pos)
  "Show the first item of completion RESULT as ghost text.
Only if BUFFER is still at TICK with point at POS."
  (when (buffer-live-p buffer)
    (with-current-buffer buffer
      (when (and (= tick (buffer-chars-modified-tick)) (= pos (point)))
        (setq quicksilver--ghost-answers (1+ quicksilver--ghost-answers))
        (let* ((items (if (vectorp result) result (quicksilver--get result :items)))
               (item (cl-find-if (lambda (it)
                                   (let ((edit (quicksilver--get it :textEdit)))
                                     (and edit (not (string-empty-p (or (quicksilver--get edit :newText) ""))))))
                                 (append items nil))))
          (when item
            (setq quicksilver--ghost-imports (quicksilver--get item :additionalTextEdits))
            (let* ((edit (quicksilver--get item :textEdit))
                   (new-text (quicksilver--get edit :newText))
                   (start (quicksilver--get (quicksilver--get edit :range) :start))
                   (from (if (quicksilver--eglot-server)
                             (eglot--lsp-position-to-point start)
                           (lsp--position-to-point start)))
                   (typed (buffer-substring-no-properties (min from pos) pos)))
              ;; The edit replaces the word typed before point: show what it adds to it.
              (when (string-prefix-p typed new-text)
                (quicksilver--ghost-show (substring new-text (length typed)))))))))))

(defun quicksilver-ghost-complete ()
  "Ask Quicksilver for a completion at point now; show it as ghost text."
  (interactive)
  (let ((buffer (current-buffer)) (tick (buffer-chars-modified-tick)) (pos (point))
        (server (quicksilver--eglot-server)))
    (cond
     (server
      (eglot--signal-textDocument/didChange)
      (jsonrpc-async-request server :textDocument/completion
                             (append (eglot--TextDocumentPositionParams) '(:context (:triggerKind 1)))
                             :success-fn (lambda (result) (quicksilver--ghost-answer result buffer tick pos))
                             :error-fn #'ignore :timeout-fn #'ignore))
     ((quicksilver--lsp-mode-workspace)
      ;; Bound, this workspace alone gets the request (not jdtls beside it).
      (let ((lsp--cur-workspace (quicksilver--lsp-mode-workspace)))
        (lsp-request-async "textDocument/completion" (lsp--text-document-position-params)
                           (lambda (result) (quicksilver--ghost-answer result buffer tick pos))
                           :mode 'alive))))))

(defun quicksilver--ghost-insert (part)
  "Insert PART of the ghost text at point; what follows it stays on show.
Once the whole text is in, the imports it needs go in too."
  (let ((rest (substring (plist-get quicksilver--ghost :text) (length part))))
    (quicksilver-ghost-clear)
    (insert part)
    (when (and (string-empty-p rest) quicksilver--ghost-imports)
      (quicksilver--apply-imports quicksilver--ghost-imports)
      (setq quicksilver--ghost-imports nil))
    (setq quicksilver--ghost-seen-tick (buffer-chars-modified-tick))
    (quicksilver--ghost-show rest)))

(defun quicksilver--apply-imports (edits)
  "Insert the text EDITS, import lines above point, the last first.
Point stays on its text."
  (save-excursion
    (dolist (edit (reverse (append edits nil)))
      (let ((start (quicksilver--get (quicksilver--get edit :range) :start)))
        ;; Import lines go in at a line's start: no column to convert.
        (goto-char (point-min))
        (forward-line (quicksilver--get start :line))
        (forward-char (min (quicksilver--get start :character) (- (line-end-position) (point))))
        (insert (quicksilver--get edit :newText))))))

(defun quicksilver-ghost-accept ()
  "Insert the whole ghost text."
  (interactive)
  (when quicksilver--ghost
    (quicksilver--ghost-insert (plist-get quicksilver--ghost :text))))

(defun quicksilver-ghost-accept-word ()
  "Insert the ghost text's next word, or its next character.
Blanks before the word go in with it."
  (interactive)
  (when quicksilver--ghost
    (let ((text (plist-get quicksilver--ghost :text)))
      (quicksilver--ghost-insert
       (if (string-match "\\`[ \t\n]*\\(?:\\sw\\|\\s_\\)+" text) (match-string 0 text) (substring text 0 1))))))

(defun quicksilver-ghost-accept-line ()
  "Insert the ghost text up to the end of its line.
When it starts with a newline, up to the end of the next line."
  (interactive)
  (when quicksilver--ghost
    (let* ((text (plist-get quicksilver--ghost :text))
           (nl (string-match "\n" text 1)))
      (quicksilver--ghost-insert (if nl (substring text 0 nl) text)))))

(defun quicksilver--ghost-pre-command ()
  "Drop the ghost text before any command but the accepting ones."
  (unless (memq this-command quicksilver--ghost-commands)
    (quicksilver-ghost-clear)))

(defun quicksilver--ghost-post-command ()
  "After a change the user made, ask again once typing pauses."
  (let ((tick (buffer-chars-modified-tick)))
    (unless (eql tick quicksilver--ghost-seen-tick)
      (setq quicksilver--ghost-seen-tick tick)
      (unless (memq this-command quicksilver--ghost-commands)
        (when (timerp quicksilver--ghost-timer) (cancel-timer quicksilver--ghost-timer))
        (let ((buffer (current-buffer)))
          (setq quicksilver--ghost-timer
                (run-with-idle-timer
                 quicksilver-ghost-delay nil
                 (lambda ()
                   (when (and (buffer-live-p buffer) (eq buffer (current-buffer))
                              (eql tick (buffer-chars-modified-tick)))
                     (quicksilver-ghost-complete))))))))))

;;;###autoload
(define-minor-mode quicksilver-ghost-mode
  "Show Quicksilver's completion as ghost text after point while typing."
  :lighter " QS-ghost"
  (if quicksilver-ghost-mode
      (progn
        (add-to-list 'emulation-mode-map-alists 'quicksilver--ghost-emulation-alist)
        (setq quicksilver--ghost-seen-tick (buffer-chars-modified-tick))
        (add-hook 'pre-command-hook #'quicksilver--ghost-pre-command nil t)
        (add-hook 'post-command-hook #'quicksilver--ghost-post-command nil t))
    (remove-hook 'pre-command-hook #'quicksilver--ghost-pre-command t)
    (remove-hook 'post-command-hook #'quicksilver--ghost-post-command t)
    (when (timerp quicksilver--ghost-timer) (cancel-timer quicksilver--ghost-timer))
    (quicksilver-ghost-clear)))

;;;; Commands

(defun quicksilver--eglot-send-changes ()
  "Send the server every buffer's changes that Eglot holds back.
Eglot sends a buffer's changes after idle time, or before a request
from that buffer: a refactor asked for right after another's edit of
other buffers would be planned on their text as it was (its uses not
found there, or its edit refused for an old version)."
  (let ((server (eglot-current-server)))
    (dolist (buffer (and server (eglot--managed-buffers server)))
      (with-current-buffer buffer (eglot--signal-textDocument/didChange)))))

;;;###autoload
(defun quicksilver-refactor ()
  "Offer Quicksilver's multi-file refactors at point.
These are the code actions of kind refactor.rewrite."
  (interactive)
  (cond
   ((and (bound-and-true-p eglot--managed-mode) (fboundp 'eglot-code-actions))
    (quicksilver--eglot-send-changes)
    ;; A refused refactor, chosen, is answered with an error whose message is the reason: said as such.
    (condition-case err
        (apply #'eglot-code-actions (append (eglot--code-action-bounds) (list "refactor.rewrite" t)))
      (jsonrpc-error
       (user-error "Quicksilver: %s" (or (alist-get 'jsonrpc-error-message (cdr err)) (error-message-string err))))))
   ((bound-and-true-p lsp-mode)
    (lsp-execute-code-action-by-kind "refactor.rewrite"))
   (t (user-error "Quicksilver: start Eglot or lsp-mode in this buffer first"))))

(provide 'quicksilver)
;;; quicksilver.el ends here
