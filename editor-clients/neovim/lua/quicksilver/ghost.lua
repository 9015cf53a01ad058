-- Ghost text for Neovim 0.7-0.11, from the server's textDocument/completion answer (one model item whose
-- textEdit replaces the word typed before the cursor). The rest of the item after what is already typed is shown
-- with extmarks: the first line as virtual text at the cursor, further lines as virtual lines below. Accepting
-- applies the item's textEdit through vim.lsp.util and puts the cursor after the inserted text.
--
-- Rendering with one extmark (virt_text + virt_lines) and clearing it on InsertLeave/BufLeave follows copilot.lua's
-- suggestion module (zbirenbaum/copilot.lua, lua/copilot/suggestion.lua); on 0.10+ the first line is drawn
-- 'inline' so the text after the cursor moves aside, as there.
local M = {}

local ns = vim.api.nvim_create_namespace('quicksilver.ghost')
local state = {} -- bufnr -> { item, tick, row, col, timer, request_id, client_id }

local function has(version)
  return vim.fn.has('nvim-' .. version) == 1
end

local function buf_state(bufnr)
  state[bufnr] = state[bufnr] or {}
  return state[bufnr]
end

function M.clear(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local s = buf_state(bufnr)
  s.item = nil
  if vim.api.nvim_buf_is_valid(bufnr) then
    vim.api.nvim_buf_clear_namespace(bufnr, ns, 0, -1)
  end
end

local function cancel(bufnr)
  local s = buf_state(bufnr)
  if s.request_id and s.client_id then
    local c = vim.lsp.get_client_by_id(s.client_id)
    if c then
      c.cancel_request(s.request_id)
    end
  end
  s.request_id = nil
end

--- The part of the item's text not yet typed: the edit replaces range.start..cursor, so drop what is there.
local function remainder(bufnr, item)
  local edit = item.textEdit
  local row, col = unpack(vim.api.nvim_win_get_cursor(0))
  local line = vim.api.nvim_buf_get_lines(bufnr, row - 1, row, false)[1] or ''
  local start_byte = vim.str_byteindex(line, edit.range.start.character, true)
  local typed = line:sub(start_byte + 1, col)
  local text = edit.newText
  if edit.range.start.line == row - 1 and text:sub(1, #typed) == typed then
    return text:sub(#typed + 1)
  end
  return text
end

local function render(bufnr, item, hl_group)
  vim.api.nvim_buf_clear_namespace(bufnr, ns, 0, -1)
  local text = remainder(bufnr, item)
  if text == '' then
    return
  end
  local lines = vim.split(text, '\n', { plain = true })
  local row, col = unpack(vim.api.nvim_win_get_cursor(0))
  local opts = { virt_text = { { lines[1], hl_group } }, hl_mode = 'combine' }
  if has('0.10') then
    opts.virt_text_pos = 'inline'
  else
    local after = (vim.api.nvim_buf_get_lines(bufnr, row - 1, row, false)[1] or ''):sub(col + 1)
    opts.virt_text_pos = after == '' and 'overlay' or 'eol'
  end
  if #lines > 1 then
    opts.virt_lines = {}
    for i = 2, #lines do
      table.insert(opts.virt_lines, { { lines[i], hl_group } })
    end
  end
  vim.api.nvim_buf_set_extmark(bufnr, ns, row - 1, col, opts)
end

--- Asks the server for a completion at the cursor and shows it as ghost text. on_done(item|nil) is optional.
function M.request(bufnr, qs, on_done)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = qs.client(bufnr)
  if not client then
    if on_done then
      on_done(nil)
    end
    return
  end
  cancel(bufnr)
  local s = buf_state(bufnr)
  local tick = vim.api.nvim_buf_get_changedtick(bufnr)
  local params = vim.lsp.util.make_position_params()
  params.context = { triggerKind = 1 }
  local ok, id = client.request('textDocument/completion', params, function(err, result)
    s.request_id = nil
    local item = nil
    if not err and result then
      local items = result.items or result
      for _, it in ipairs(items) do
        if it.textEdit and it.textEdit.newText and it.textEdit.newText ~= '' then
          item = it
          break
        end
      end
    end
    -- A stale answer (the buffer changed meanwhile) is dropped; the newer request is on its way.
    if item and vim.api.nvim_buf_is_valid(bufnr) and vim.api.nvim_buf_get_changedtick(bufnr) == tick then
      s.item = item
      s.tick = tick
      s.encoding = client.offset_encoding or 'utf-16'
      s.hl_group = qs.config.ghost_text.hl_group
      if vim.api.nvim_get_current_buf() == bufnr then
        render(bufnr, item, qs.config.ghost_text.hl_group)
      end
    else
      item = nil
    end
    if on_done then
      on_done(item)
    end
  end, bufnr)
  if ok then
    s.request_id = id
    s.client_id = client.id
  end
end

--- The item on show in bufnr if it was made for the buffer as it is now (else nothing is on show any more).
local function valid_item(bufnr)
  local s = buf_state(bufnr)
  if not s.item or s.tick ~= vim.api.nvim_buf_get_changedtick(bufnr) then
    M.clear(bufnr)
    return nil, s
  end
  return s.item, s
end

--- Inserts the ghost text (applies the item's textEdit) and moves the cursor after it. Returns whether it did.
function M.accept(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local item, s = valid_item(bufnr)
  if not item then
    return false
  end
  M.clear(bufnr)
  local edit = item.textEdit
  local start = edit.range.start
  local line = vim.api.nvim_buf_get_lines(bufnr, start.line, start.line + 1, false)[1] or ''
  local start_byte = vim.str_byteindex(line, start.character, s.encoding ~= 'utf-8')
  vim.lsp.util.apply_text_edits({ edit }, bufnr, s.encoding)
  local lines = vim.split(edit.newText, '\n', { plain = true })
  local row = start.line + #lines
  local col = #lines == 1 and (start_byte + #lines[1]) or #lines[#lines]
  pcall(vim.api.nvim_win_set_cursor, 0, { row, col })
  M.apply_imports(bufnr, item, s.encoding)
  return true
end

--- Applies the item's additional edits (the imports its text needs, above it) with the cursor kept on the text
--- it is on: a mark at the cursor moves with the lines they insert.
function M.apply_imports(bufnr, item, encoding)
  local extra = item.additionalTextEdits
  if not extra or #extra == 0 then
    return
  end
  local marks = vim.api.nvim_create_namespace('quicksilver.imports')
  local cursor = vim.api.nvim_win_get_cursor(0)
  local mark = vim.api.nvim_buf_set_extmark(bufnr, marks, cursor[1] - 1, cursor[2], {})
  vim.lsp.util.apply_text_edits(extra, bufnr, encoding)
  local at = vim.api.nvim_buf_get_extmark_by_id(bufnr, marks, mark, {})
  vim.api.nvim_buf_del_extmark(bufnr, marks, mark)
  if at and at[1] then
    pcall(vim.api.nvim_win_set_cursor, 0, { at[1] + 1, at[2] })
  end
end

--- The start of text that accept_part takes: a word (with the blank before it, newlines included), else one
--- other character; for 'line', up to the end of the line the text ends on after its first character.
local function part_of(text, kind)
  if kind == 'line' then
    local nl = text:find('\n', 2, true)
    return nl and text:sub(1, nl - 1) or text
  end
  return text:match('^%s*[%w_]+') or text:match('^%s*[^%w_%s]') or text
end

--- Accepts the start of the ghost text: its next word (kind 'word') or the rest of its line (kind 'line'), as
--- VS Code's and copilot.vim's partial accepts do. The rest stays on show at once, with no new request: the
--- item is re-anchored at the cursor. Accepting the last part is a whole accept. Returns whether it inserted.
function M.accept_part(bufnr, kind)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local item, s = valid_item(bufnr)
  if not item then
    return false
  end
  local rest = remainder(bufnr, item)
  local part = part_of(rest, kind)
  if part == rest then
    return M.accept(bufnr)
  end
  local row, col = unpack(vim.api.nvim_win_get_cursor(0))
  local lines = vim.split(part, '\n', { plain = true })
  vim.api.nvim_buf_set_text(bufnr, row - 1, col, row - 1, col, lines)
  local new_row = row + #lines - 1
  local new_col = #lines == 1 and col + #part or #lines[#lines]
  pcall(vim.api.nvim_win_set_cursor, 0, { new_row, new_col })
  local line = vim.api.nvim_buf_get_lines(bufnr, new_row - 1, new_row, false)[1] or ''
  local character = vim.str_utfindex(line, new_col)
  if s.encoding == 'utf-8' then
    character = new_col
  end
  local at = { line = new_row - 1, character = character }
  s.item = vim.tbl_extend('force', item, { textEdit = { range = { start = at, ['end'] = at }, newText = rest:sub(#part + 1) } })
  -- The item was made for the buffer as it is now: the TextChangedI this edit causes keeps it.
  s.tick = vim.api.nvim_buf_get_changedtick(bufnr)
  render(bufnr, s.item, s.hl_group or 'Comment')
  return true
end

--- Shows ghost text while typing in bufnr (debounced), clears it when leaving insert mode.
function M.attach(bufnr, qs)
  local group = vim.api.nvim_create_augroup('quicksilver.ghost.' .. bufnr, { clear = true })
  local s = buf_state(bufnr)
  vim.api.nvim_create_autocmd({ 'TextChangedI', 'TextChangedP' }, {
    group = group,
    buffer = bufnr,
    callback = function()
      if s.item and s.tick == vim.api.nvim_buf_get_changedtick(bufnr) then
        return -- our own partial accept: the rest of the item is on show already
      end
      M.clear(bufnr)
      if s.timer then
        s.timer:stop()
      end
      s.timer = s.timer or vim.loop.new_timer()
      s.timer:start(qs.config.ghost_text.debounce_ms, 0, vim.schedule_wrap(function()
        if vim.api.nvim_get_mode().mode:sub(1, 1) == 'i' and vim.api.nvim_get_current_buf() == bufnr then
          M.request(bufnr, qs)
        end
      end))
    end,
  })
  vim.api.nvim_create_autocmd({ 'InsertLeave', 'BufLeave' }, {
    group = group,
    buffer = bufnr,
    callback = function()
      cancel(bufnr)
      M.clear(bufnr)
    end,
  })
  vim.api.nvim_create_autocmd('BufUnload', {
    group = group,
    buffer = bufnr,
    callback = function()
      if s.timer then
        s.timer:stop()
        s.timer:close()
      end
      state[bufnr] = nil
    end,
  })
end

--- The item on show in bufnr, if any (for tests and statuslines).
function M.current(bufnr)
  return buf_state((bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr).item
end

return M
