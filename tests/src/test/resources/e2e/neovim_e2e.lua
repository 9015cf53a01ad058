-- End-to-end test in headless Neovim (0.7+): the Quicksilver plugin, the real server and the embedded model on the
-- fixture workspace. Run by NeovimE2ETest as
--   nvim --headless -u NONE -i NONE -c "luafile neovim_e2e.lua"
-- with QS_PLUGIN, QS_LAUNCHER, QS_WORKSPACE, QS_SERVER_LOG, QS_RESULT and QS_COMPLETE_AT in the environment.
-- The verdict is the exit status (0 pass, 1 fail); QS_RESULT gets one line per check.
local env = vim.env
local result_lines = {}
local function note(s)
  table.insert(result_lines, s)
  io.stderr:write('[e2e] ' .. s .. '\n')
end
local function finish(ok)
  local f = io.open(env.QS_RESULT, 'w')
  f:write(table.concat(result_lines, '\n') .. '\n' .. (ok and 'PASS' or 'FAIL') .. '\n')
  f:close()
  -- Stop the server politely so its log is complete, then leave with the verdict.
  vim.lsp.stop_client(vim.lsp.get_active_clients(), false)
  vim.wait(5000, function()
    return #vim.lsp.get_active_clients() == 0
  end, 100)
  vim.cmd(ok and 'qall!' or 'cquit! 1')
end
local function fail(msg)
  note('FAIL: ' .. msg)
  finish(false)
  error(msg) -- not reached: cquit exits
end
local function check(cond, msg)
  if not cond then
    fail(msg)
  end
  note('ok: ' .. msg)
end

-- The (1-based) row of the last line of buf that matches the Lua pattern, or nil.
local function row_matching(buf, pattern)
  local row
  for i, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    if l:match(pattern) then
      row = i
    end
  end
  return row
end

local ok, err = pcall(function()
  vim.opt.rtp:prepend(env.QS_PLUGIN)
  vim.cmd('filetype plugin on')
  vim.cmd('runtime! plugin/quicksilver.lua')
  vim.o.hidden = true
  vim.o.swapfile = false
  -- The cursor sits where insert mode would put it: after the last character typed.
  vim.o.virtualedit = 'onemore'
  vim.lsp.set_log_level('debug')
  note('nvim ' .. tostring(vim.version().major) .. '.' .. tostring(vim.version().minor) .. '.' .. tostring(vim.version().patch)
    .. ', lsp log ' .. vim.lsp.get_log_path())

  local qs = require('quicksilver')
  local ghost = require('quicksilver.ghost')
  qs.setup({
    -- The server's stderr goes to its own log file; `exec` keeps one process so stopping the client stops it.
    cmd = { 'sh', '-c', 'exec "$0" serve --stdio 2>>"$1"', env.QS_LAUNCHER, env.QS_SERVER_LOG },
    -- A shared 2-core CI machine is slow; the deadlines are the server's, raised for the test.
    settings = { completionTimeoutMs = 240000, refactorTimeoutMs = 480000 },
    -- Long, so a refactor asked for right after another's workspace edit finds that edit still held back
    -- (step 5): the plugin must send it first.
    debounce_text_changes = 3000,
  })

  local shapes = env.QS_WORKSPACE .. '/src/main/java/shapes/'
  -- QS_COMPLETE_AT: completion spots, one a line, "FILE<TAB>TEXT": the cursor goes right after the first TEXT in
  -- FILE. The embedded model is tiny and often writes nothing (the server then sends no item); the spots are tried
  -- in order until one gets model text, and that one must insert it at the cursor.
  local spots = {}
  for entry in env.QS_COMPLETE_AT:gmatch('[^\n]+') do
    local file, text = entry:match('^([^\t]+)\t(.+)$')
    table.insert(spots, { file = file, text = text })
  end
  vim.cmd('edit ' .. vim.fn.fnameescape(shapes .. spots[1].file))
  local first_buf = vim.api.nvim_get_current_buf()
  check(vim.bo[first_buf].filetype == 'java', spots[1].file .. ' has filetype java')
  check(vim.wait(120000, function()
    local c = qs.client(first_buf)
    return c ~= nil and c.initialized ~= false and c.server_capabilities ~= nil
  end, 200), 'the quicksilver client attached and the server initialized')
  local client = qs.client(first_buf)
  check(client.server_capabilities.completionProvider ~= nil,
    'the server offers textDocument/completion to a client without inline completion')

  -- 1. Completion at the cursor, through the plugin's ghost-text path (textDocument/completion + extmark + accept).
  local buf, row, col, item
  for _, spot in ipairs(spots) do
    vim.cmd('edit ' .. vim.fn.fnameescape(shapes .. spot.file))
    buf = vim.api.nvim_get_current_buf()
    check(vim.wait(60000, function()
      return qs.client(buf) ~= nil
    end, 100), 'the client attached to ' .. spot.file)
    row, col = nil, nil
    for i, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
      local s = l:find(spot.text, 1, true)
      if s and not row then
        row, col = i, s - 1 + #spot.text
      end
    end
    check(row ~= nil, 'completion spot after ' .. vim.inspect(spot.text) .. ' found in ' .. spot.file)
    vim.api.nvim_win_set_cursor(0, { row, col })
    local done = false
    ghost.request(buf, qs, function(it)
      item = it
      done = true
    end)
    check(vim.wait(300000, function()
      return done
    end, 100), 'the completion request at ' .. spot.file .. ':' .. row .. ':' .. (col + 1) .. ' answered')
    if item then
      break
    end
    note('the model wrote nothing at ' .. spot.file .. ':' .. row .. ':' .. (col + 1) .. '; next spot')
  end
  check(item ~= nil, 'the server returned a model completion item with a textEdit')
  note('completion item: ' .. vim.inspect(item.textEdit))
  local before_lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  local ns = vim.api.nvim_create_namespace('quicksilver.ghost')
  check(#vim.api.nvim_buf_get_extmarks(buf, ns, 0, -1, {}) > 0, 'ghost text is shown with an extmark')
  -- Partial accept: the next word goes in and the rest stays on show, with no new request; then the rest.
  local whole = item.textEdit.newText
  check(ghost.accept_part(buf, 'word'), 'accepting the next word inserted it')
  local rest_item = ghost.current(buf)
  if rest_item then
    local grown = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
    check(#grown > #table.concat(before_lines, '\n'), 'the buffer grew by the word')
    check(rest_item.textEdit.newText ~= '' and whole:sub(-#rest_item.textEdit.newText) == rest_item.textEdit.newText,
      'the rest of the completion stays on show: ' .. vim.inspect(rest_item.textEdit.newText))
    check(#vim.api.nvim_buf_get_extmarks(buf, ns, 0, -1, {}) > 0, 'the rest is shown with an extmark')
    -- In insert mode the partial accept's own edit fires TextChangedI, which must not clear the rest.
    vim.api.nvim_exec_autocmds('TextChangedI', { buffer = buf })
    check(ghost.current(buf) == rest_item and #vim.api.nvim_buf_get_extmarks(buf, ns, 0, -1, {}) > 0,
      'the rest survives the TextChangedI of the partial accept')
    check(ghost.accept(buf), 'accepting the rest applied it')
  else
    note('the completion was one word: the partial accept took it all')
  end
  local after_lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  local before = table.concat(before_lines, '\n')
  local after = table.concat(after_lines, '\n')
  -- What was before the cursor and what was after it are both still there; between them, new non-blank text.
  local cursor_offset = (row > 1 and (#table.concat(vim.list_slice(before_lines, 1, row - 1), '\n') + 1) or 0) + col
  local prefix, suffix = before:sub(1, cursor_offset), before:sub(cursor_offset + 1)
  check(#after > #before, 'the buffer grew')
  check(after:sub(1, #prefix) == prefix, 'the text before the cursor is unchanged')
  check(after:sub(#after - #suffix + 1) == suffix, 'the text after the cursor is unchanged')
  local inserted = after:sub(#prefix + 1, #after - #suffix)
  check(inserted:match('%S') ~= nil, 'non-blank model text was inserted at the cursor: ' .. vim.inspect(inserted))
  check(whole:sub(-#inserted) == inserted, 'the word and the rest together are the completion: ' .. vim.inspect(whole))
  local cur = vim.api.nvim_win_get_cursor(0)
  check(cur[1] > row or cur[2] > col, 'the cursor moved past the inserted text')
  vim.cmd('silent! write')

  -- 2. A multi-file refactor from the standard code-action menu: implement Shape.name() in Circle and Square.
  vim.cmd('edit ' .. vim.fn.fnameescape(shapes .. 'Shape.java'))
  local shape_buf = vim.api.nvim_get_current_buf()
  check(vim.wait(60000, function()
    return qs.client(shape_buf) ~= nil
  end, 100), 'the same client attached to Shape.java')
  local decl = row_matching(shape_buf, 'String name%(%);')
  check(decl ~= nil, 'fixture declaration "String name();" found')
  vim.api.nvim_win_set_cursor(0, { decl, 12 })
  local titles = {}
  local chosen = nil
  -- The menu is vim.ui.select; pick the implement-method entry as a user would.
  vim.ui.select = function(items, opts, on_choice)
    for _, it in ipairs(items) do
      local action = it[2] or it.action or it
      table.insert(titles, action.title)
      if not chosen and action.title:match('^Implement Shape%.name%(%)') then
        chosen = it
      end
    end
    on_choice(chosen)
  end
  qs.refactor()
  check(vim.wait(60000, function()
    return #titles > 0
  end, 100), 'the code-action menu opened: ' .. vim.inspect(titles))
  check(chosen ~= nil, 'the menu lists "Implement Shape.name() ..."')
  local circle, square = shapes .. 'Circle.java', shapes .. 'Square.java'
  local function modified(path)
    local b = vim.fn.bufnr(path)
    return b > 0 and vim.api.nvim_buf_is_loaded(b) and vim.bo[b].modified
  end
  check(vim.wait(480000, function()
    return modified(circle) and modified(square)
  end, 200), 'the workspace edit changed Circle.java and Square.java')
  vim.cmd('wall')
  for _, path in ipairs({ circle, square }) do
    local text = table.concat(vim.fn.readfile(path), '\n')
    check(text:match('name%s*%(%s*%)%s*{') ~= nil, vim.fn.fnamemodify(path, ':t') .. ' on disk has name() implemented')
    check(not modified(path), vim.fn.fnamemodify(path, ':t') .. ' was saved')
  end
  -- The refactor waited for the resolved index; :QuicksilverStatus says so.
  check(qs.status_line():find('index resolved', 1, true) ~= nil, 'the status line shows the index: ' .. qs.status_line())

  -- 3. A header retyped in the buffer in more than one way at once (a parameter removed, the rest reordered, one
  -- added), saved, then :Quicksilver change-signature: Sizes.java's calls pass their arguments the new way, the new
  -- one the variable of its name at each call (decided, no model).
  local scale = shapes .. 'Scale.java'
  vim.cmd('edit ' .. vim.fn.fnameescape(scale))
  local scale_buf = vim.api.nvim_get_current_buf()
  check(vim.wait(60000, function()
    return qs.client(scale_buf) ~= nil
  end, 100), 'the same client attached to Scale.java')
  local header = row_matching(scale_buf, 'static double scaled%(')
  check(header ~= nil, 'fixture header "static double scaled(" found')
  local old_line = vim.api.nvim_buf_get_lines(scale_buf, header - 1, header, false)[1]
  local new_line = old_line:gsub('double value, double factor, boolean round', 'String unit, double factor, double value')
  vim.api.nvim_buf_set_lines(scale_buf, header - 1, header, false, { new_line })
  vim.cmd('silent write')
  vim.api.nvim_win_set_cursor(0, { header, 20 })
  qs.run_refactor('change-signature')
  local sizes = shapes .. 'Sizes.java'
  check(vim.wait(120000, function()
    return modified(sizes)
  end, 200), 'the workspace edit changed Sizes.java')
  vim.cmd('wall')
  local sizes_text = table.concat(vim.fn.readfile(sizes), '\n')
  check(sizes_text:find('return Scale.scaled(unit, 2.0, value);', 1, true) ~= nil, 'a call passes (unit, 2.0, value): ' .. sizes_text)
  check(sizes_text:find('return Scale.scaled(unit,\n                0.5, value);', 1, true) ~= nil,
    'a call on two lines keeps its line break: ' .. sizes_text)
  -- The user pauses: Neovim sends the edit of Sizes.java (its debounce passes), so the server's version of it is
  -- no longer the one it opened with (version 0, which Neovim 0.7 never checks).
  vim.wait(3500, function() return false end, 100)

  -- 4. The method's name retyped and two parameters swapped in one edit, then :Quicksilver change-signature: the
  -- calls take the new name (the index still binds them to the method as it was named) and the new order.
  local renamed_line = vim.api.nvim_buf_get_lines(scale_buf, header - 1, header, false)[1]
    :gsub('scaled%(String unit, double factor, double value%)', 'resized(String unit, double value, double factor)')
  vim.api.nvim_buf_set_lines(scale_buf, header - 1, header, false, { renamed_line })
  vim.cmd('silent write')
  vim.api.nvim_win_set_cursor(0, { header, 20 })
  qs.run_refactor('change-signature')
  check(vim.wait(120000, function()
    return modified(sizes)
  end, 200), 'the rename changed Sizes.java')
  vim.cmd('wall')
  sizes_text = table.concat(vim.fn.readfile(sizes), '\n')
  check(sizes_text:find('return Scale.resized(unit, value, 2.0);', 1, true) ~= nil, 'a call takes the new name and order: ' .. sizes_text)
  check(sizes_text:find('return Scale.resized(unit,\n                value, 0.5);', 1, true) ~= nil,
    'a call on two lines keeps its line break: ' .. sizes_text)
  check(sizes_text:find('Scale.scaled', 1, true) == nil, 'no call keeps the old name: ' .. sizes_text)

  -- 5. The class's name retyped in the buffer, then :Quicksilver rename-type: its uses take the new name, so does
  -- its constructor, and Neovim moves its file (the edit's RenameFile) and shows the moved buffer.
  local class_row = row_matching(scale_buf, '^public final class Scale {')
  check(class_row ~= nil, 'fixture declaration "public final class Scale {" found')
  vim.api.nvim_buf_set_lines(scale_buf, class_row - 1, class_row, false, { 'public final class Sizing {' })
  vim.cmd('silent write')
  vim.api.nvim_win_set_cursor(0, { class_row, #'public final class Sizing' })
  -- Asked for at once: step 4's edit of Sizes.java is still in Neovim's debounce; run_refactor sends it first, else
  -- the rename's versioned edit of Sizes.java (older than the buffer) would be refused, as it should be.
  qs.run_refactor('rename-type')
  local sizing = shapes .. 'Sizing.java'
  check(vim.wait(120000, function()
    return vim.loop.fs_stat(sizing) ~= nil and vim.loop.fs_stat(scale) == nil
  end, 200), 'Scale.java was moved to Sizing.java')
  vim.cmd('wall')
  sizes_text = table.concat(vim.fn.readfile(sizes), '\n')
  check(sizes_text:find('return Sizing.resized(unit, value, 2.0);', 1, true) ~= nil, 'a use takes the new name: ' .. sizes_text)
  local sizing_text = table.concat(vim.fn.readfile(sizing), '\n')
  check(sizing_text:find('private Sizing() {', 1, true) ~= nil, 'the constructor takes the new name: ' .. sizing_text)
  check(vim.api.nvim_buf_get_name(0):sub(-#'Sizing.java') == 'Sizing.java', 'the window shows the moved file: ' .. vim.api.nvim_buf_get_name(0))

  -- 6. A completion item's additional edits (the imports its text needs) go in above it with the accept, and the
  -- cursor stays on the text it was on.
  local sizing_buf = vim.api.nvim_get_current_buf()
  local before_import = vim.api.nvim_buf_get_lines(sizing_buf, 0, -1, false)
  vim.api.nvim_win_set_cursor(0, { 4, 3 })
  ghost.apply_imports(sizing_buf, { additionalTextEdits = { {
    range = { start = { line = 1, character = 0 }, ['end'] = { line = 1, character = 0 } },
    newText = 'import java.util.List;\nimport java.util.Set;\n',
  } } }, 'utf-16')
  local after_import = vim.api.nvim_buf_get_lines(sizing_buf, 0, -1, false)
  check(after_import[2] == 'import java.util.List;' and after_import[3] == 'import java.util.Set;' and #after_import == #before_import + 2,
    'the imports went in above: ' .. vim.inspect(vim.list_slice(after_import, 1, 4)))
  local cursor = vim.api.nvim_win_get_cursor(0)
  check(cursor[1] == 6 and cursor[2] == 3 and after_import[6] == before_import[4], 'the cursor stayed on its text: ' .. vim.inspect(cursor))

  -- 7. A class renamed to the name of another class of its package (Sizes -> Sizing, which step 5 made): the menu
  -- lists the rename, refused; chosen, Neovim shows the reason, and nothing changes but the user's edit.
  vim.cmd('edit ' .. vim.fn.fnameescape(sizes))
  local sizes_buf = vim.api.nvim_get_current_buf()
  local sizes_row = row_matching(sizes_buf, '^class Sizes {')
  check(sizes_row ~= nil, 'fixture declaration "class Sizes {" found')
  vim.api.nvim_buf_set_lines(sizes_buf, sizes_row - 1, sizes_row, false, { 'class Sizing {' })
  vim.cmd('silent write')
  vim.api.nvim_win_set_cursor(0, { sizes_row, #'class Sizing' })
  local listed, said = nil, {}
  vim.ui.select = function(items, opts, on_choice)
    for _, item in ipairs(items) do
      local title = (item[2] or item.action or item).title or ''
      if title:find('Rename class Sizes to Sizing', 1, true) then
        listed = title
        on_choice(item)
        return
      end
    end
    on_choice(nil)
  end
  local notify = vim.notify
  vim.notify = function(msg, level)
    table.insert(said, tostring(msg))
    notify(msg, level)
  end
  qs.refactor()
  check(vim.wait(120000, function()
    for _, m in ipairs(said) do
      if m:find('package shapes already has a type Sizing', 1, true) then
        return true
      end
    end
    return false
  end, 200), 'Neovim showed why the rename is refused: ' .. vim.inspect(said) .. ', listed ' .. tostring(listed))
  vim.notify = notify
  check(listed == 'Rename class Sizes to Sizing', 'the menu listed the refused rename: ' .. tostring(listed))
  check(vim.loop.fs_stat(sizes) ~= nil and not vim.bo[sizes_buf].modified, 'Sizes.java stays, with only the user\'s edit')
  finish(true)
end)
if not ok then
  note('FAIL: ' .. tostring(err))
  finish(false)
end
