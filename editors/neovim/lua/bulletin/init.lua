-- bulletin.nvim: bulletin markup in Neovim 0.11+.
--
--   require("bulletin").setup({
--     cmd = { "bulletin", "lsp" },   -- the language server
--     parser_path = nil,             -- an already compiled bulletin.so (else one on 'runtimepath')
--   })
--
-- Registers the `bulletin` filetype, starts the server through
-- vim.lsp.config/vim.lsp.enable, and registers the tree-sitter parser and the
-- queries in this plugin's queries/bulletin/ (highlighting and folding).

local M = {}

local uv = vim.uv or vim.loop

---@class bulletin.Config
---@field cmd string[]                     server command
---@field parser_path string|nil           compiled parser to register instead of one on 'runtimepath'
---@field grammar_dir string|nil           the grammar/ folder (default: ../../grammar from this plugin)
---@field root_markers string[]            files that mark a project root
---@field rules table<string,string>       rule name -> "error"|"warning"|"info"|"hint"|"off"
---@field show_baselined boolean           also show the findings the archive's baseline records
---@field filetypes table                  passed to vim.filetype.add (extra patterns, e.g. archive *.txt)
---@field highlight boolean                start tree-sitter highlighting in bulletin buffers
---@field fold boolean                     fold with tree-sitter (one fold per article)
---@field lsp boolean                      enable the language server
M.defaults = {
  cmd = { "bulletin", "lsp" },
  parser_path = nil,
  grammar_dir = nil,
  root_markers = { "bulletin.toml", ".git" },
  rules = {},
  show_baselined = false,
  filetypes = {},
  highlight = true,
  fold = true,
  lsp = true,
}

M.config = vim.deepcopy(M.defaults)

--- The folder holding this plugin (the one with lua/, queries/, plugin/).
function M.plugin_dir()
  local source = debug.getinfo(1, "S").source:sub(2)
  return vim.fs.dirname(vim.fs.dirname(vim.fs.dirname(vim.fs.normalize(source))))
end

--- The grammar folder: `grammar_dir`, else ../../grammar from the plugin (this repository's layout).
function M.grammar_dir()
  if M.config.grammar_dir then
    return vim.fs.normalize(M.config.grammar_dir)
  end
  return vim.fs.normalize(M.plugin_dir() .. "/../../grammar")
end

--- Where :BulletinBuildParser puts the parser by default (on 'runtimepath' through site/).
function M.default_parser_dir()
  return vim.fs.joinpath(vim.fn.stdpath("data"), "site", "parser")
end

local function notify(msg, level)
  vim.notify("bulletin: " .. msg, level or vim.log.levels.INFO)
end

local parser_state = nil -- nil: not tried; true: registered; false: missing

--- Registers the parser once; returns true when the language is usable.
function M.register_parser()
  if parser_state ~= nil then
    return parser_state
  end
  local opts = M.config.parser_path and { path = vim.fs.normalize(M.config.parser_path) } or nil
  -- 0.11+: returns true, or nil and a message; older versions raise instead.
  local ok, added, err = pcall(vim.treesitter.language.add, "bulletin", opts)
  if not ok then
    err, added = added, false
  end
  parser_state = added == true
  M.parser_error = (not parser_state) and tostring(err or "parser/bulletin.so is not on 'runtimepath'") or nil
  return parser_state
end

local warned_parser = false

local function start_treesitter(buf)
  if not M.register_parser() then
    if not warned_parser then
      warned_parser = true
      notify(
        "no tree-sitter parser for bulletin"
          .. (M.parser_error and (" (" .. M.parser_error .. ")") or "")
          .. "; run :BulletinBuildParser (needs a C compiler) or set parser_path",
        vim.log.levels.WARN
      )
    end
    return
  end
  if M.config.highlight then
    pcall(vim.treesitter.start, buf, "bulletin")
  end
  if M.config.fold then
    for _, win in ipairs(vim.fn.win_findbuf(buf)) do
      vim.wo[win][0].foldmethod = "expr"
      vim.wo[win][0].foldexpr = "v:lua.vim.treesitter.foldexpr()"
      vim.wo[win][0].foldlevel = 99
    end
  end
end

--- Builds bulletin.so from the grammar with the C compiler (synchronously), then registers it.
---@param dest string|nil folder for bulletin.so (default: stdpath("data")/site/parser)
---@return boolean ok, string path_or_error
function M.build_parser(dest)
  dest = vim.fs.normalize(dest or M.default_parser_dir())
  local grammar = M.grammar_dir()
  if not uv.fs_stat(grammar .. "/src/parser.c") then
    return false, "no grammar at " .. grammar .. " (set grammar_dir)"
  end
  vim.fn.mkdir(dest, "p")
  local out = dest .. "/bulletin.so"
  local cc = vim.env.CC or "cc"
  local cmd = { cc, "-O2", "-shared", "-fPIC", "-I", "src", "-o", out, "src/parser.c", "src/scanner.c" }
  local result = vim.system(cmd, { cwd = grammar, text = true }):wait()
  if result.code ~= 0 then
    return false, table.concat(cmd, " ") .. " failed:\n" .. (result.stderr or "")
  end
  parser_state = nil
  local saved = M.config.parser_path
  M.config.parser_path = out
  local ok = M.register_parser()
  M.config.parser_path = saved
  if not ok then
    return false, "built " .. out .. " but could not load it: " .. tostring(M.parser_error)
  end
  return true, out
end

local function rules()
  return next(M.config.rules) and M.config.rules or vim.empty_dict()
end

--- What the server reads from section `bulletin`.
local function server_settings()
  return { rules = rules(), showBaselined = M.config.show_baselined }
end

local function lsp_config()
  return {
    cmd = M.config.cmd,
    filetypes = { "bulletin" },
    root_markers = M.config.root_markers,
    init_options = server_settings(),
    settings = { bulletin = server_settings() },
  }
end

-- The server's custom semantic token types (docs/semantic-tokens.md), linked
-- to the groups the tree-sitter queries use, so both agree.
local token_links = {
  headline = "@markup.heading",
  place = "@label",
  month = "@constant.builtin",
  day = "@number",
  year = "@number",
  publication = "@string.special",
  issueDate = "@constant.builtin",
  byline = "@attribute",
}

local function link_token_groups()
  for type, group in pairs(token_links) do
    vim.api.nvim_set_hl(0, "@lsp.type." .. type .. ".bulletin", { link = group, default = true })
  end
end

local did_setup = false

---@param opts bulletin.Config|nil
function M.setup(opts)
  M.config = vim.tbl_deep_extend("force", vim.deepcopy(M.defaults), opts or {})
  parser_state = nil
  warned_parser = false

  vim.filetype.add(vim.tbl_deep_extend("force", { extension = { bulletin = "bulletin" } }, M.config.filetypes))

  -- The plugin's queries/ must be on 'runtimepath' (plugin managers do this).
  local dir = M.plugin_dir()
  if not vim.tbl_contains(vim.api.nvim_list_runtime_paths(), dir) then
    vim.opt.runtimepath:append(dir)
  end

  if M.config.lsp then
    vim.lsp.config("bulletin", lsp_config())
    vim.lsp.enable("bulletin")
  end

  local group = vim.api.nvim_create_augroup("bulletin", { clear = true })
  link_token_groups()
  vim.api.nvim_create_autocmd("ColorScheme", { group = group, callback = link_token_groups })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = "bulletin",
    callback = function(args)
      start_treesitter(args.buf)
    end,
  })
  -- Buffers already open when setup() runs.
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) and vim.bo[buf].filetype == "bulletin" then
      start_treesitter(buf)
    end
  end

  if not did_setup then
    did_setup = true
    vim.api.nvim_create_user_command("BulletinBuildParser", function(cmd)
      local dest = cmd.args ~= "" and cmd.args or nil
      local ok, msg = M.build_parser(dest)
      if ok then
        notify("parser built: " .. msg)
        for _, buf in ipairs(vim.api.nvim_list_bufs()) do
          if vim.api.nvim_buf_is_loaded(buf) and vim.bo[buf].filetype == "bulletin" then
            start_treesitter(buf)
          end
        end
      else
        notify(msg, vim.log.levels.ERROR)
      end
    end, { nargs = "?", complete = "dir", desc = "Build the bulletin tree-sitter parser from grammar/" })
  end
end

return M
