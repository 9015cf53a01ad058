-- Quicksilver for Neovim 0.7+: starts `quicksilver serve --stdio` for Java (and other configured filetypes) as its
-- own LSP client, beside jdtls; completions through LSP completion (0.7-0.11, with ghost text from extmarks) or
-- vim.lsp.inline_completion (0.12+); refactors through the standard code-action menu.
--
--   require('quicksilver').setup {
--     cmd = { '/path/to/quicksilver', 'serve', '--stdio' },
--     filetypes = { 'java' },
--     settings = { maxTokens = 24, backend = 'auto' },
--   }
--
-- The structure (one client per root, ghost text on idle, an accept key) follows tabby's Neovim client
-- (TabbyML/tabby, clients/vim) and copilot.lua's suggestion module (zbirenbaum/copilot.lua).
local M = {}

local ghost = require('quicksilver.ghost')

M.name = 'quicksilver'

local defaults = {
  -- The launcher and its arguments. The launcher finds a JDK 25 itself ($QUICKSILVER_JAVA_HOME, $JAVA_HOME,
  -- /usr/lib/jvm); java_home below overrides that.
  cmd = { 'quicksilver', 'serve', '--stdio' },
  java_home = nil,
  filetypes = { 'java' },
  -- A folder that holds one of these is the workspace root; else the file's folder.
  root_markers = { '.git', 'pom.xml', 'build.gradle', 'build.gradle.kts', 'settings.gradle', '.quicksilver' },
  -- Sent as initializationOptions and with workspace/didChangeConfiguration (lsp-server ServerSettings):
  -- modelDir, sidecarAddress, sidecarTokenFile, sidecarTls, shareSidecar, backend, maxTokens, sampler,
  -- threshold, blockLength, cache, contextTokens, suffixTokens, multiline, completionTimeoutMs,
  -- refactorTimeoutMs, weights, threads, completeWhileResolving, persistIndex, checkCompletions.
  settings = {},
  ghost_text = {
    enabled = true, -- Neovim 0.7-0.11: show the model's completion as ghost text while typing
    debounce_ms = 300,
    hl_group = 'Comment',
  },
  -- Insert-mode keys; false disables one. Chosen apart from copilot.vim's and copilot.lua's defaults
  -- (<Tab>, <M-l>, <M-]>, <M-[>, <M-\\>, <C-]>) so both can be installed.
  keymaps = {
    accept = '<M-y>', -- accept the ghost text / inline completion
    accept_word = '<M-w>', -- accept its next word (ghost text, Neovim 0.7-0.11)
    accept_line = '<M-e>', -- accept the rest of its line (ghost text, Neovim 0.7-0.11)
    dismiss = '<M-n>',
    trigger = '<M-g>', -- ask now
  },
  on_attach = nil, -- function(client, bufnr)
  -- How long Neovim gathers a buffer's edits before sending them (didChange); Quicksilver's refactors send every
  -- buffer's pending edits first, whatever this is.
  debounce_text_changes = 80,
}

M.config = vim.deepcopy(defaults)
M.status = { state = 'stopped', model = nil, sidecar = nil, index = nil }

local function has(version)
  return vim.fn.has('nvim-' .. version) == 1
end

--- The running Quicksilver client attached to bufnr, if any.
function M.client(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  if vim.lsp.get_clients then -- 0.10+ (buf_get_clients is deprecated there)
    return vim.lsp.get_clients({ bufnr = bufnr, name = M.name })[1]
  end
  for _, c in pairs(vim.lsp.buf_get_clients(bufnr)) do
    if c.name == M.name then
      return c
    end
  end
  return nil
end

-- The nearest folder above the file that holds one of the root markers; else the file's folder.
local function find_root(bufnr)
  local dir = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ':p:h')
  local start = dir
  while true do
    for _, marker in ipairs(M.config.root_markers) do
      if vim.loop.fs_stat(dir .. '/' .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      return start
    end
    dir = parent
  end
end

-- Server log lines that carry state (lsp-server ServerSession.log): "model: local sidecar (NAME, backend B)",
-- "sidecar ready: ...", "sidecar starting: ...", "sidecar closed: ...".
local function track_status(message)
  local model = message:match('^model: (.*)$')
  if model then
    M.status.model = model
  end
  local sidecar = message:match('^sidecar (%w+)')
  if sidecar then
    M.status.sidecar = sidecar
  end
end

-- The index's phases, from the server's log lines (lsp-server ServerSession): "read the declarations of N Java
-- files ..." (completions use it), "indexed N files for similar code ...; resolving N Java files", "resolved N
-- Java files ..." (refactors use it), "workspace folders are now ...".
local function track_index(message)
  if message:match('^read the declarations of') then
    M.status.index = 'declarations read'
  elseif message:match('^indexed %d+ files for similar code') then
    local n = message:match('resolving (%d+) Java files')
    M.status.index = n and ('resolving ' .. n .. ' Java files') or M.status.index
  elseif message:match('^resolved %d+ Java files') then
    M.status.index = 'resolved'
  elseif message:match('^workspace folders are now') then
    M.status.index = 'indexing new folders'
  end
end

local function handlers()
  local log_message = vim.lsp.handlers['window/logMessage']
  local progress = vim.lsp.handlers['$/progress']
  return {
    ['window/logMessage'] = function(err, result, ctx, config)
      if result and result.message then
        track_status(result.message)
        track_index(result.message)
      end
      return log_message(err, result, ctx, config)
    end,
    -- The resolving phase's percentage; Neovim's own handler still runs (vim.lsp.status() on 0.10+).
    ['$/progress'] = function(err, result, ctx, config)
      local token = result and result.token
      local value = result and result.value
      if type(token) == 'string' and token:match('^quicksilver/index/') and type(value) == 'table'
          and value.kind == 'report' and value.percentage then
        M.status.index = 'resolving Java ' .. tostring(value.percentage) .. '%'
      end
      if progress then
        return progress(err, result, ctx, config)
      end
    end,
  }
end

local function capabilities()
  local caps = vim.lsp.protocol.make_client_capabilities()
  -- Let nvim-cmp (if installed) add what it supports; the server sends one plain-text item either way.
  local ok, cmp_lsp = pcall(require, 'cmp_nvim_lsp')
  if ok and cmp_lsp.default_capabilities then
    caps = vim.tbl_deep_extend('force', caps, cmp_lsp.default_capabilities())
  end
  -- A refactor that applies but must not run (a class renamed to a name its package has) comes as a disabled code
  -- action with the reason: Neovim 0.10+ shows the reason when it is chosen; 0.7-0.9 list it, and choosing it
  -- asks the server to resolve it, whose error (the reason) Neovim shows.
  caps.textDocument.codeAction.disabledSupport = true
  return caps
end

local function cmd()
  local c = vim.deepcopy(M.config.cmd)
  if M.config.java_home then
    -- Neovim's cmd_env would do on 0.8+; a wrapper works on 0.7 too.
    c = vim.list_extend({ 'env', 'QUICKSILVER_JAVA_HOME=' .. M.config.java_home }, c)
  end
  return c
end

local function on_attach(client, bufnr)
  M.status.state = 'running'
  if has('0.12') and vim.lsp.inline_completion and client.server_capabilities.inlineCompletionProvider then
    vim.lsp.inline_completion.enable(true, { bufnr = bufnr })
  elseif M.config.ghost_text.enabled then
    ghost.attach(bufnr, M)
  end
  local km = M.config.keymaps
  local function map(lhs, fn, desc)
    if lhs then
      vim.keymap.set('i', lhs, fn, { buffer = bufnr, silent = true, desc = desc })
    end
  end
  map(km.accept, function()
    if has('0.12') and vim.lsp.inline_completion and client.server_capabilities.inlineCompletionProvider then
      vim.lsp.inline_completion.get()
    else
      ghost.accept(bufnr)
    end
  end, 'Quicksilver: accept completion')
  map(km.accept_word, function()
    ghost.accept_part(bufnr, 'word')
  end, 'Quicksilver: accept the next word of the completion')
  map(km.accept_line, function()
    ghost.accept_part(bufnr, 'line')
  end, 'Quicksilver: accept the rest of the line of the completion')
  map(km.dismiss, function()
    ghost.clear(bufnr)
  end, 'Quicksilver: dismiss completion')
  map(km.trigger, function()
    ghost.request(bufnr, M)
  end, 'Quicksilver: complete now')
  if M.config.on_attach then
    M.config.on_attach(client, bufnr)
  end
end

local clients_by_root = {}

--- Starts (or reuses) the client for bufnr's workspace root and attaches it.
function M.attach(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  if vim.api.nvim_buf_get_name(bufnr) == '' or M.client(bufnr) then
    return
  end
  local root = find_root(bufnr)
  local config = {
    name = M.name,
    cmd = cmd(),
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ':t') } },
    init_options = M.config.settings,
    settings = { quicksilver = M.config.settings },
    capabilities = capabilities(),
    handlers = handlers(),
    on_attach = on_attach,
    on_init = function(client)
      -- Push the settings too, for servers that read them only from didChangeConfiguration.
      client.notify('workspace/didChangeConfiguration', { settings = { quicksilver = M.config.settings } })
      return true
    end,
    on_exit = function(code, _)
      M.status.state = 'exited (' .. tostring(code) .. ')'
      clients_by_root[root] = nil
    end,
    flags = { debounce_text_changes = M.config.debounce_text_changes },
  }
  M.status.state = 'starting'
  if vim.lsp.start then -- 0.8+: reuses the client with this name and root_dir
    clients_by_root[root] = vim.lsp.start(config, { bufnr = bufnr })
    return
  end
  local id = clients_by_root[root]
  if not id or not vim.lsp.get_client_by_id(id) then
    id = vim.lsp.start_client(config)
    clients_by_root[root] = id
  end
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
end

--- Sends new settings to every running Quicksilver client (merged into the configured ones).
function M.set_settings(settings)
  M.config.settings = vim.tbl_deep_extend('force', M.config.settings, settings or {})
  for _, id in pairs(clients_by_root) do
    local c = vim.lsp.get_client_by_id(id)
    if c then
      c.notify('workspace/didChangeConfiguration', { settings = { quicksilver = M.config.settings } })
    end
  end
end

--- Sends every buffer's pending (debounced) changes to client now. Neovim flushes only the requesting buffer's
--- changes before a request, but a refactor's versioned edits span files: a buffer the last workspace edit changed
--- a moment ago would otherwise reach the server after the request, and Neovim would refuse the refactor's edit of
--- it as older than the buffer. Neovim flushes all buffers before any notification but didChange, so an empty
--- didChangeWatchedFiles (no events: nothing for the server to do) carries the flush.
local function flush_changes(client)
  client.notify('workspace/didChangeWatchedFiles', { changes = {} })
end

--- The standard code-action menu, narrowed to Quicksilver's refactors (kind refactor.rewrite).
function M.refactor()
  local c = M.client()
  if c then
    flush_changes(c)
  end
  if has('0.8') then
    local me = M.client()
    vim.lsp.buf.code_action({
      context = { only = { 'refactor.rewrite' }, diagnostics = {} },
      filter = function(_, client_id)
        return not me or client_id == nil or client_id == me.id
      end,
    })
  else
    vim.lsp.buf.code_action({ only = { 'refactor.rewrite' } })
  end
end

--- Runs one named refactor (add-parameter, implement-method, apply-similar-edit, default-body, remove-parameter,
--- reorder-parameters, change-signature, rename-field, rename-type, rename-type-and-variables, rename-variable,
--- declare-exception, catch-exception, drop-catch, follow-return-type) at the cursor through
--- workspace/executeCommand; the server applies it with workspace/applyEdit.
function M.run_refactor(name)
  local c = M.client()
  if not c then
    vim.notify('Quicksilver is not attached to this buffer', vim.log.levels.WARN)
    return
  end
  local pos = vim.api.nvim_win_get_cursor(0)
  local line = vim.api.nvim_get_current_line()
  local character = vim.str_utfindex(line, pos[2])
  flush_changes(c)
  c.request('workspace/executeCommand', {
    command = 'quicksilver.refactor',
    arguments = { { refactor = name, uri = vim.uri_from_bufnr(0), line = pos[1] - 1, character = character } },
  }, function(err, _)
    if err then
      vim.notify('Quicksilver ' .. name .. ': ' .. tostring(err.message), vim.log.levels.ERROR)
    end
  end, vim.api.nvim_get_current_buf())
end

function M.status_line()
  local s = M.status
  return 'Quicksilver: ' .. s.state .. (s.model and (', ' .. s.model) or '') .. (s.sidecar and (', sidecar ' .. s.sidecar) or '')
    .. (s.index and (', index ' .. s.index) or '')
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts or {})
  local group = vim.api.nvim_create_augroup('quicksilver', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = M.config.filetypes,
    callback = function(args)
      M.attach(args.buf)
    end,
  })
  -- Buffers already open when setup runs.
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(b) and vim.tbl_contains(M.config.filetypes, vim.bo[b].filetype) then
      M.attach(b)
    end
  end
end

return M
