-- Registers the `bulletin` filetype when Neovim starts, before any plugin
-- manager loads the plugin, so that lazy-loading on `ft = "bulletin"` works:
-- opening a `*.bulletin` file sets the filetype, and that event loads the
-- plugin. More names (e.g. an archive's `*.txt` pages) go through
-- `require("bulletin").setup({ filetypes = … })` or your own
-- `vim.filetype.add`.
vim.filetype.add({ extension = { bulletin = "bulletin" } })
