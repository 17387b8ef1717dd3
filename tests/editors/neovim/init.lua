-- Headless Neovim (0.7.x, Debian's package) against the real durable-lsp binary.
-- Usage: see run.sh, which copies examples/mistakes and runs
--   SERVER_CMD=.../durable-lsp ROOT_DIR=<copy> nvim --headless --clean -u init.lua <copy>/src/index.ts
-- Scenario: a diagnostic arrives (unknown-binding on `env.COUNTERS`), a completion request is
-- answered or declined cleanly, the quick-fix offered for the diagnostic, applied through
-- vim.lsp.util.apply_workspace_edit, makes the diagnostic go away, and renaming the binding
-- edits the code and wrangler.jsonc.
-- Exits 0 on success, 1 on failure ("cquit 1"); prints progress to stdout.
local function out(s) io.stdout:write(s .. "\n") end
local function fail(msg) out("FAIL: " .. msg); vim.cmd("cquit 1") end

local server_cmd = vim.split(os.getenv("SERVER_CMD") or "durable-lsp", " ", { trimempty = true })
local root = os.getenv("ROOT_DIR") or vim.fn.getcwd()
local timeout = tonumber(os.getenv("E2E_TIMEOUT_MS") or "20000")

vim.lsp.set_log_level(os.getenv("NVIM_LSP_LOG") and "debug" or "warn")

-- The raw LSP diagnostics of each URI, as the server published them (vim.diagnostic keeps a
-- converted copy without everything a codeAction request wants back).
local published = {}

local function unknown_binding(uri)
  for _, d in ipairs(published[uri] or {}) do
    if d.code == "unknown-binding" then return d end
  end
  return nil
end

local function run()
  local client_id = vim.lsp.start_client({
    name = "durable-lsp",
    cmd = server_cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = "root" } },
    handlers = {
      ["textDocument/publishDiagnostics"] = function(err, result, ctx, config)
        if result then published[result.uri] = result.diagnostics end
        return vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, config)
      end,
    },
    on_exit = function(code, _) if code ~= 0 then out("server exited code=" .. code) end end,
  })
  if not client_id then return fail("start_client returned nil") end

  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].filetype = "typescript"
  vim.lsp.buf_attach_client(bufnr, client_id) -- sends didOpen once initialized
  local uri = vim.uri_from_bufnr(bufnr)

  -- 1. The diagnostic arrives, with the rule id as its code and durable-lsp as its source.
  if not vim.wait(timeout, function() return unknown_binding(uri) ~= nil end, 50) then
    return fail("no unknown-binding diagnostic within " .. timeout .. " ms")
  end
  local diag = unknown_binding(uri)
  out(string.format("DIAG %s line=%d col=%d %s", diag.code, diag.range.start.line, diag.range.start.character,
    diag.message))
  if diag.source ~= "durable-lsp" then return fail("diagnostic source is " .. tostring(diag.source)) end
  local shown = vim.diagnostic.get(bufnr)
  if #shown == 0 then return fail("vim.diagnostic has no diagnostics for the buffer") end

  local client = vim.lsp.get_client_by_id(client_id)

  -- 2. Completion after `env.` on the diagnostic's line, sent straight to the server (Neovim's
  -- buf_request would not send a method the server does not advertise). Without a
  -- completionProvider the server must answer MethodNotFound (-32601), which the client gets as
  -- an error it handles; with one, the answer must be free of errors and list the bindings
  -- (COUNTER among them).
  local line = vim.api.nvim_buf_get_lines(bufnr, diag.range.start.line, diag.range.start.line + 1, false)[1]
  local env_at = line:find("env%.") or 1
  local params = {
    textDocument = { uri = uri },
    position = { line = diag.range.start.line, character = env_at + 3 },
  }
  local advertised = client.server_capabilities and client.server_capabilities.completionProvider ~= nil
  local res, request_err = client.request_sync("textDocument/completion", params, timeout, bufnr)
  if not res then return fail("completion request: " .. tostring(request_err)) end
  local labels = {}
  if res.err then
    if advertised or res.err.code ~= -32601 then return fail("completion error: " .. vim.inspect(res.err)) end
    out("COMPLETION not offered by the server: " .. tostring(res.err.message))
  else
    local items = res.result and (res.result.items or res.result) or {}
    for _, it in ipairs(items) do table.insert(labels, it.label) end
    out(string.format("COMPLETION items=%d %s", #labels, table.concat(labels, ",")))
    if advertised and not vim.tbl_contains(labels, "COUNTER") then
      return fail("completion after `env.` lacks the binding COUNTER")
    end
  end

  -- 3. A quick-fix for the diagnostic; applying it removes the diagnostic.
  local action_params = {
    textDocument = { uri = uri },
    range = diag.range,
    context = { diagnostics = { diag }, only = { "quickfix" } },
  }
  local responses = vim.lsp.buf_request_sync(bufnr, "textDocument/codeAction", action_params, timeout) or {}
  local chosen
  for _, res in pairs(responses) do
    if res.error then return fail("codeAction error: " .. vim.inspect(res.error)) end
    for _, action in ipairs(res.result or {}) do
      out("ACTION " .. tostring(action.kind) .. " " .. action.title)
      if action.kind == "quickfix" and action.edit and (chosen == nil or action.isPreferred) then chosen = action end
    end
  end
  if not chosen then return fail("no quickfix with an edit for unknown-binding") end
  vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)
  out("APPLIED " .. chosen.title .. " -> " .. vim.api.nvim_buf_get_lines(bufnr, diag.range.start.line,
    diag.range.start.line + 1, false)[1])
  if not vim.wait(timeout, function() return unknown_binding(uri) == nil end, 50) then
    return fail("the unknown-binding diagnostic is still there after the fix")
  end

  -- 4. Rename the binding from its use in code (prepareRename, then rename): the edit renames
  -- every `env.COUNTER` of the file and the binding in wrangler.jsonc.
  local line = diag.range.start.line
  local col = vim.api.nvim_buf_get_lines(bufnr, line, line + 1, false)[1]:find("COUNTER", 1, true)
  if not col then return fail("no COUNTER on the fixed line") end
  -- The line is ASCII, so the byte column is the column in either encoding.
  local at = { textDocument = { uri = uri }, position = { line = line, character = col - 1 } }
  local prepared = client.request_sync("textDocument/prepareRename", at, timeout, bufnr)
  if not prepared or prepared.err or not prepared.result then
    return fail("prepareRename: " .. vim.inspect(prepared))
  end
  local renamed = client.request_sync("textDocument/rename", vim.tbl_extend("force", at, { newName = "COUNTER_NS" }),
    timeout, bufnr)
  if not renamed or renamed.err or not renamed.result then return fail("rename: " .. vim.inspect(renamed)) end
  vim.lsp.util.apply_workspace_edit(renamed.result, client.offset_encoding)
  local code = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), "\n")
  local _, in_code = code:gsub("env%.COUNTER_NS%.", "")
  if in_code < 3 or code:find("env.COUNTER.", 1, true) then
    return fail("rename left `env.COUNTER` in the code (" .. in_code .. " renamed)")
  end
  local config_buf = vim.fn.bufnr(root .. "/wrangler.jsonc")
  local config = config_buf ~= -1 and table.concat(vim.api.nvim_buf_get_lines(config_buf, 0, -1, false), "\n") or ""
  if not config:find('"name": "COUNTER_NS"', 1, true) then return fail("rename did not edit wrangler.jsonc") end
  out("RENAMED " .. in_code .. " uses and the binding in wrangler.jsonc to COUNTER_NS")

  vim.lsp.stop_client(client_id)
  vim.wait(2000, function() return vim.lsp.client_is_stopped(client_id) end, 50)
  out("E2E OK")
  vim.cmd("qall!")
end

-- The file given on the command line is loaded only after init.lua, so run on VimEnter.
vim.api.nvim_create_autocmd("VimEnter", { once = true, callback = function()
  local ok, e = pcall(run)
  if not ok then fail("lua error: " .. tostring(e)) end
end })
