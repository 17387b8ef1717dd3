-- durable-lsp with nvim-lspconfig's older setup style (require("lspconfig"), Neovim 0.8-0.10).
-- The server is the project's own node_modules/.bin/durable-lsp, found from the Worker's folder
-- upwards, else `durable-lsp` on PATH.
local util = require("lspconfig.util")
local configs = require("lspconfig.configs")

local function durable_lsp_cmd(root_dir)
  local found = util.search_ancestors(root_dir, function(dir)
    if vim.fn.executable(dir .. "/node_modules/.bin/durable-lsp") == 1 then
      return dir
    end
  end)
  return { found and (found .. "/node_modules/.bin/durable-lsp") or "durable-lsp", "serve" }
end

if not configs.durable_lsp then
  configs.durable_lsp = {
    default_config = {
      cmd = { "durable-lsp", "serve" },
      filetypes = { "typescript", "javascript", "typescriptreact", "javascriptreact", "json", "jsonc", "toml" },
      root_dir = util.root_pattern("wrangler.jsonc", "wrangler.json", "wrangler.toml"),
      on_new_config = function(config, root_dir)
        config.cmd = durable_lsp_cmd(root_dir)
      end,
    },
  }
end
require("lspconfig").durable_lsp.setup({})
