;;; e2e.el --- Emacs + eglot (batch) against the real durable-lsp binary  -*- lexical-binding: t -*-
;; Usage: see run.sh, which copies examples/mistakes and runs
;;   SERVER_CMD=.../durable-lsp emacs --batch -Q -l e2e.el <copy>/src/index.ts
;; Scenario: eglot starts the server; flymake gets durable-lsp's unknown-binding diagnostic on
;; `env.COUNTERS`; completion after `env.` lists COUNTER; a hover over `env.COUNTER` describes the
;; binding; the quick fix, applied through eglot, makes the diagnostic go away.
;; Exits 0 on success, 1 with a FAIL line otherwise.

(require 'package)
;; Debian's elpa-eglot (and its newer project/xref) live here; -Q does not look there by itself.
(add-to-list 'package-directory-list "/usr/share/emacs/site-lisp/elpa")
(package-initialize)
(require 'eglot)
(require 'flymake)

(defun e2e-out (fmt &rest args) (princ (concat (apply #'format fmt args) "\n")))
(defun e2e-fail (fmt &rest args) (e2e-out "FAIL: %s" (apply #'format fmt args)) (kill-emacs 1))

(defvar e2e-timeout (string-to-number (or (getenv "E2E_TIMEOUT") "20")))
(defvar e2e-server-cmd (split-string (or (getenv "SERVER_CMD") "durable-lsp")))
;; The documented configuration (editors/emacs/durable-lsp.el): when given, its contact function
;; picks the server (the project's node_modules/.bin/durable-lsp) instead of SERVER_CMD.
(defvar e2e-config (getenv "DURABLE_LSP_EL"))
(when e2e-config
  (load e2e-config nil t)
  (unless (seq-find (lambda (entry) (eq (cdr entry) 'durable-lsp-eglot-contact)) eglot-server-programs)
    (e2e-fail "%s did not register durable-lsp-eglot-contact in eglot-server-programs" e2e-config)))

;; Emacs 28 has no TypeScript mode: a minimal one that eglot announces as "typescript".
(define-derived-mode e2e-ts-mode prog-mode "TS")
(add-to-list 'eglot-server-programs `(e2e-ts-mode . ,e2e-server-cmd))

(defun e2e-wait (pred)
  "Processes events until PRED is non-nil or `e2e-timeout' seconds pass; returns PRED's value."
  (let ((deadline (+ (float-time) e2e-timeout)))
    (while (and (not (funcall pred)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (funcall pred)))

(defun e2e-unknown-binding ()
  "The flymake diagnostic durable-lsp published for `env.COUNTERS', if any."
  (seq-find (lambda (d) (string-match-p "durable-lsp \\[unknown-binding\\]" (flymake-diagnostic-text d)))
            (flymake-diagnostics)))

(defun e2e-goto (needle offset)
  "Moves point to NEEDLE's first occurrence plus OFFSET characters."
  (goto-char (point-min))
  (unless (search-forward needle nil t) (e2e-fail "no %s in the buffer" needle))
  (goto-char (+ (match-beginning 0) offset)))

(defun e2e-run (file)
  (with-current-buffer (find-file-noselect file)
    (e2e-ts-mode)
    ;; The project root: the copy's top folder, which holds wrangler.jsonc (no VCS there).
    (let ((contact (if e2e-config (durable-lsp-eglot-contact) e2e-server-cmd)))
      (e2e-out "CONTACT %S" contact)
      (when (and e2e-config (not (string-suffix-p "/node_modules/.bin/durable-lsp" (car contact))))
        (e2e-fail "the documented contact function did not pick the project's node_modules/.bin/durable-lsp: %S" contact))
      (eglot '(e2e-ts-mode) `(transient . ,(file-name-directory (directory-file-name (file-name-directory file)))) 'eglot-lsp-server
             contact "typescript"))
    (unless (e2e-wait #'eglot-managed-p) (e2e-fail "eglot did not manage the buffer"))
    (flymake-start)

    ;; 1. The diagnostic.
    (unless (e2e-wait #'e2e-unknown-binding)
      (e2e-fail "no unknown-binding diagnostic within %ss; got %S" e2e-timeout
                (mapcar #'flymake-diagnostic-text (flymake-diagnostics))))
    (let ((diag (e2e-unknown-binding)))
      (e2e-out "DIAG line=%d %s" (line-number-at-pos (flymake-diagnostic-beg diag)) (flymake-diagnostic-text diag)))

    ;; 2. Completion after `env.'.
    (e2e-goto "env.COUNTERS" 4)
    (let* ((resp (jsonrpc-request (eglot--current-server-or-lose) :textDocument/completion
                                  (eglot--TextDocumentPositionParams)))
           (items (if (vectorp resp) resp (plist-get resp :items)))
           (labels (mapcar (lambda (i) (plist-get i :label)) items)))
      (e2e-out "COMPLETION %s" (string-join labels ","))
      (unless (member "COUNTER" labels) (e2e-fail "completion after env. lacks COUNTER")))

    ;; 3. Hover over `env.COUNTER'.
    (e2e-goto "env.COUNTER.getByName(name)" 6)
    (let* ((hover (jsonrpc-request (eglot--current-server-or-lose) :textDocument/hover
                                   (eglot--TextDocumentPositionParams)))
           (text (plist-get (plist-get hover :contents) :value)))
      (e2e-out "HOVER %s" (car (split-string (or text "") "\n")))
      (unless (and text (string-match-p "DurableObjectNamespace<Counter>" text))
        (e2e-fail "hover over env.COUNTER: %S" hover)))

    ;; 4. The quick fix, applied by eglot.
    (let* ((diag (e2e-unknown-binding))
           (actions (eglot-code-actions (flymake-diagnostic-beg diag) (flymake-diagnostic-end diag) "quickfix"))
           (action (or (seq-find (lambda (a) (eq (plist-get a :isPreferred) t)) actions) (car actions))))
      (dolist (a actions) (e2e-out "ACTION %s" (plist-get a :title)))
      (unless (plist-get action :edit) (e2e-fail "no quickfix with an edit for unknown-binding"))
      (eglot--apply-workspace-edit (plist-get action :edit))
      ;; eglot sends didChange from an idle timer, which batch Emacs never runs: send it now.
      (eglot--signal-textDocument/didChange)
      (goto-char (flymake-diagnostic-beg diag))
      (e2e-out "APPLIED %s -> %s" (plist-get action :title)
               (string-trim (buffer-substring (line-beginning-position) (line-end-position))))
      (unless (string-match-p "env\\.COUNTER\\.idFromName" (buffer-substring (line-beginning-position) (line-end-position)))
        (e2e-fail "the fix did not turn env.COUNTERS into env.COUNTER")))
    ;; Likewise flymake reports from an idle timer: ask it for the server's latest diagnostics.
    (unless (e2e-wait (lambda () (flymake-start) (accept-process-output nil 0.2) (not (e2e-unknown-binding))))
      (e2e-fail "the unknown-binding diagnostic is still there after the fix"))

    (let ((eglot-autoshutdown t)) (eglot-shutdown (eglot--current-server-or-lose)))
    (e2e-out "E2E OK")
    (kill-emacs 0)))

(let ((file (car command-line-args-left)))
  (setq command-line-args-left nil)
  (unless file (e2e-fail "usage: emacs --batch -Q -l e2e.el FILE"))
  (condition-case err
      (e2e-run (expand-file-name file))
    (error (e2e-fail "%s" (error-message-string err)))))
