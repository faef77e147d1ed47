-- Init file for the Neovim screenshot: run.sh starts `nvim --clean -u this FILE`
-- inside tmux, waits for BULLETIN_READY to appear, and captures the pane.
-- Shows the plugin as a user sees it: tree-sitter colours, the server's
-- diagnostics (virtual text) and a hover on an acronym.
local root = os.getenv("BULLETIN_ROOT")
vim.opt.runtimepath:prepend(root .. "/editors/neovim")
vim.o.termguicolors = true
vim.o.number = true
vim.o.signcolumn = "yes"
vim.o.wrap = true
vim.o.linebreak = true
vim.o.laststatus = 2
vim.o.showmode = false
vim.cmd.colorscheme("habamax")
vim.diagnostic.config({ virtual_text = { prefix = "●" }, underline = true, signs = true, severity_sort = true })

require("bulletin").setup({
  cmd = { os.getenv("BULLETIN_CMD"), "lsp" },
  parser_path = os.getenv("BULLETIN_PARSER"),
})

local ready = os.getenv("BULLETIN_READY")
vim.api.nvim_create_autocmd("VimEnter", {
  callback = function()
    local buf = vim.api.nvim_get_current_buf()
    vim.cmd.cd(vim.fn.expand("%:p:h")) -- the status line shows "archive.bulletin", not a temporary path
    vim.wait(15000, function()
      return #vim.diagnostic.get(buf) >= 3
    end, 100)
    -- Hover on "CSTO" in "Until now the CSTO had been" (line 7).
    local line = vim.api.nvim_buf_get_lines(buf, 6, 7, false)[1]
    local col = line:find("the CSTO had", 1, true) + 4
    vim.api.nvim_win_set_cursor(0, { 7, col - 1 })
    vim.lsp.buf.hover({ border = "rounded", max_width = 62, max_height = 8 })
    vim.defer_fn(function()
      vim.cmd("redraw!")
      local f = io.open(ready, "w")
      if f then
        f:write("ok")
        f:close()
      end
    end, 1500)
  end,
})
