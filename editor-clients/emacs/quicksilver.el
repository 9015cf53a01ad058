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
;; server answers `textDocument/completion' with one model item carrying a textEdit);
;; the multi-file refactors are code actions of kind `refactor.rewrite' (`M-x
;; quicksilver-refactor', or the clients' own code-action commands).
;;
;;   (require 'quicksilver)
;;   (setq quicksilver-command '("~/quicksilver/quicksilver" "serve" "--stdio"))
;;   (quicksilver-eglot-setup)        ; and/or
;;   (quicksilver-lsp-mode-setup)

;;; Code:

(require 'cl-lib)

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

(defun quicksilver--eglot-contact (&optional _interactive)
  "The Eglot contact: the command and its initializationOptions."
  (append (quicksilver--command)
          (list :initializationOptions (quicksilver--settings-object))))

;;;###autoload
(defun quicksilver-eglot-setup ()
  "Register Quicksilver in `eglot-server-programs' for `quicksilver-major-modes'."
  (interactive)
  (require 'eglot)
  (let ((contact (if (and quicksilver-eglot-alongside-jdtls (fboundp 'eglot-alternatives))
                     (eglot-alternatives (list (quicksilver--eglot-contact) '("jdtls")))
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

;;;; Commands

;;;###autoload
(defun quicksilver-refactor ()
  "Offer Quicksilver's multi-file refactors at point.
These are the code actions of kind refactor.rewrite."
  (interactive)
  (cond
   ((and (bound-and-true-p eglot--managed-mode) (fboundp 'eglot-code-actions))
    (apply #'eglot-code-actions (append (eglot--code-action-bounds) (list "refactor.rewrite" t))))
   ((bound-and-true-p lsp-mode)
    (lsp-execute-code-action-by-kind "refactor.rewrite"))
   (t (user-error "Quicksilver: start Eglot or lsp-mode in this buffer first"))))

(provide 'quicksilver)
;;; quicksilver.el ends here
