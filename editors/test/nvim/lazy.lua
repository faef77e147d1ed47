-- Headless Neovim: the lazy-loading path. The plugin is not loaded at
-- startup; as lazy.nvim does for `ft = "bulletin"`, only its ftdetect/ is
-- sourced, and the plugin is loaded (setup) by the FileType event. Opening
-- a `*.bulletin` page must set the filetype, load the plugin and attach the
-- server.
--
--   nvim --headless --clean -l editors/test/nvim/lazy.lua
--
-- Environment: BULLETIN_ROOT, BULLETIN_CMD, BULLETIN_FIXTURES (as test.lua).

local root = assert(os.getenv("BULLETIN_ROOT"), "BULLETIN_ROOT")
local server = assert(os.getenv("BULLETIN_CMD"), "BULLETIN_CMD")
local fixtures = os.getenv("BULLETIN_FIXTURES") or (root .. "/editors/test/fixtures")

local failures, passes = {}, 0
local function check(name, ok, detail)
  if ok then
    passes = passes + 1
    io.stdout:write("  ok   " .. name .. "\n")
  else
    table.insert(failures, name)
    io.stdout:write("  FAIL " .. name .. (detail and (": " .. detail) or "") .. "\n")
  end
end

-- What a plugin manager does for a plugin lazy-loaded on a filetype.
local plugin = root .. "/editors/neovim"
vim.opt.runtimepath:append(plugin)
for _, file in ipairs(vim.fn.glob(plugin .. "/ftdetect/*.lua", false, true)) do
  dofile(file)
end
local loaded_by_event = false
vim.api.nvim_create_autocmd("FileType", {
  pattern = "bulletin",
  once = true,
  callback = function()
    loaded_by_event = true
    require("bulletin").setup({ cmd = { server, "lsp" } })
  end,
})
check("the plugin is not loaded at startup", package.loaded["bulletin"] == nil)

local page
for _, file in ipairs(vim.fn.glob(fixtures .. "/*.bulletin", false, true)) do
  page = page or file
end
check("a fixture page", page ~= nil)
vim.cmd("edit " .. vim.fn.fnameescape(page))
local buf = vim.api.nvim_get_current_buf()
check("ftdetect sets the filetype", vim.bo[buf].filetype == "bulletin", vim.bo[buf].filetype)
check("the FileType event loads the plugin", loaded_by_event and package.loaded["bulletin"] ~= nil)
local attached = vim.wait(20000, function()
  return #vim.lsp.get_clients({ bufnr = buf }) > 0
end, 100)
check("the server attaches to the page", attached)

io.stdout:write(string.format("neovim lazy-loading: %d passed, %d failed\n", passes, #failures))
vim.cmd(#failures == 0 and "qall!" or "cquit 1")
