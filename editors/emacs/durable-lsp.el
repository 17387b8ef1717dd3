;;; durable-lsp.el --- durable-lsp with eglot (Emacs 29+, tree-sitter modes)  -*- lexical-binding: t; -*-
;; Load this file from your init file, or copy its forms there. The server is the project's own
;; node_modules/.bin/durable-lsp (`npm install --save-dev durable-lsp`), found from the file's
;; folder upwards, else `durable-lsp` on PATH. eglot runs one server per major mode, so in these
;; modes durable-lsp takes the place of typescript-language-server.

(defun durable-lsp-eglot-contact (&optional _interactive)
  "The durable-lsp command for eglot: the project's node_modules/.bin, else PATH."
  (let* ((root (locate-dominating-file default-directory "node_modules/.bin/durable-lsp"))
         (bin (and root (expand-file-name "node_modules/.bin/durable-lsp" root))))
    (list (if (and bin (file-executable-p bin)) bin "durable-lsp") "serve")))

(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs
               '((typescript-ts-mode tsx-ts-mode js-ts-mode json-ts-mode toml-ts-mode)
                 . durable-lsp-eglot-contact)))

;; Optional settings, sent as workspace/didChangeConfiguration:
;; (setq-default eglot-workspace-configuration
;;               '(:durableLsp (:rules (:set-timeout-in-durable-object "off"))))

(provide 'durable-lsp)
;;; durable-lsp.el ends here
