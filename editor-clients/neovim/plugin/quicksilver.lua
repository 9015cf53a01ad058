-- User commands; the plugin starts nothing until require('quicksilver').setup{} is called.
if vim.g.loaded_quicksilver then
  return
end
vim.g.loaded_quicksilver = true

local function qs()
  return require('quicksilver')
end

vim.api.nvim_create_user_command('QuicksilverRefactor', function(opts)
  if opts.args == '' then
    qs().refactor()
  else
    qs().run_refactor(opts.args)
  end
end, {
  nargs = '?',
  complete = function()
    return { 'add-parameter', 'implement-method', 'apply-similar-edit', 'default-body', 'remove-parameter', 'reorder-parameters', 'change-signature', 'rename-field', 'rename-type', 'rename-type-and-variables', 'rename-variable', 'declare-exception', 'catch-exception', 'drop-catch', 'follow-return-type' }
  end,
  desc = 'Quicksilver: multi-file refactor menu, or run one by name',
})
vim.api.nvim_create_user_command('QuicksilverComplete', function()
  require('quicksilver.ghost').request(0, qs())
end, { desc = 'Quicksilver: ask for a completion at the cursor' })
vim.api.nvim_create_user_command('QuicksilverStatus', function()
  print(qs().status_line())
end, { desc = 'Quicksilver: client, model, backend and sidecar state' })
