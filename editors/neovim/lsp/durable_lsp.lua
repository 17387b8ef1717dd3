-- durable-lsp for Neovim 0.11+ (vim.lsp.config). Copy this file to lsp/durable_lsp.lua on the
-- runtimepath (for example ~/.config/nvim/lsp/durable_lsp.lua), then:
--   vim.lsp.enable("durable_lsp")
-- (or pass the same table to vim.lsp.config("durable_lsp", { ... })).
-- The server is the project's own node_modules/.bin/durable-lsp (`npm install --save-dev
-- durable-lsp`), found from the Worker's folder upwards, else `durable-lsp` on PATH.
return {
  cmd = function(dispatchers, config)
    local cmd = "durable-lsp"
    local root = (config or {}).root_dir
    if root then
      for dir in vim.fs.parents(root .. "/.") do
        local bin = dir .. "/node_modules/.bin/durable-lsp"
        if vim.fn.executable(bin) == 1 then
          cmd = bin
          break
        end
      end
    end
    return vim.lsp.rpc.start({ cmd, "serve" }, dispatchers, { cwd = root })
  end,
  filetypes = { "typescript", "javascript", "typescriptreact", "javascriptreact", "json", "jsonc", "toml" },
  root_markers = { "wrangler.jsonc", "wrangler.json", "wrangler.toml" },
  -- Optional settings (the same keys as the VS Code extension's, without the prefix):
  -- init_options = { rules = { ["set-timeout-in-durable-object"] = "off" } },
}
