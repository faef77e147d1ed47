-- Headless Neovim suite for editors/neovim, against the real `bulletin lsp`.
--
--   nvim --headless --clean -l editors/test/nvim/test.lua
--
-- Environment: BULLETIN_ROOT (repository), BULLETIN_CMD (server executable),
-- BULLETIN_FIXTURES (a copy of editors/test/fixtures),
-- BULLETIN_PARSER_DIR (scratch folder for the parser), BULLETIN_ARTIFACTS
-- is unused here (see screenshot.lua). Exit status 0 when every check passes.

local root = assert(os.getenv("BULLETIN_ROOT"), "BULLETIN_ROOT")
local server = assert(os.getenv("BULLETIN_CMD"), "BULLETIN_CMD")
local parser_dir = assert(os.getenv("BULLETIN_PARSER_DIR"), "BULLETIN_PARSER_DIR")
local artifacts = os.getenv("BULLETIN_ARTIFACTS")
-- A copy of editors/test/fixtures (with a bulletin.toml as its project root), so the
-- server does not index the rest of this repository.
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

local function finish()
  io.stdout:write(string.format("neovim: %d passed, %d failed\n", passes, #failures))
  vim.cmd(#failures == 0 and "qall!" or "cquit 1")
end

local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end

local expected = vim.json.decode(read(fixtures .. "/expected.json"))

-- The plugin, as a user would load it.
vim.opt.runtimepath:prepend(root .. "/editors/neovim")
local bulletin = require("bulletin")
bulletin.setup({ cmd = { server, "lsp" } })

-- :BulletinBuildParser builds bulletin.so from grammar/ and registers it.
local t0 = vim.uv.hrtime()
vim.cmd("BulletinBuildParser " .. parser_dir)
local so = parser_dir .. "/bulletin.so"
check(":BulletinBuildParser builds " .. so, vim.uv.fs_stat(so) ~= nil)
io.stdout:write(string.format("       (parser built in %.1fs)\n", (vim.uv.hrtime() - t0) / 1e9))

-- parser_path: a fresh setup() registers the given parser.
bulletin.setup({ cmd = { server, "lsp" }, parser_path = so })

vim.cmd("edit " .. vim.fn.fnameescape(fixtures .. "/" .. expected.file))
local buf = vim.api.nvim_get_current_buf()
check("filetype is bulletin", vim.bo[buf].filetype == "bulletin", vim.bo[buf].filetype)
local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)

-- The language server attaches.
local attached = vim.wait(10000, function()
  return #vim.lsp.get_clients({ bufnr = buf, name = "bulletin" }) > 0
end, 50)
check("language server attached", attached)
local client = vim.lsp.get_clients({ bufnr = buf, name = "bulletin" })[1]
if client then
  vim.wait(5000, function()
    return client.initialized
  end, 50)
  io.stdout:write("       (position encoding: " .. tostring(client.offset_encoding) .. ")\n")
end

-- Diagnostics: rule as code, rows and byte columns (lines with multi-byte text too).
local function is_expected(d)
  for _, want in ipairs(expected.diagnostics) do
    if d.code == want.rule then
      return true
    end
  end
  return false
end
vim.wait(15000, function()
  local n = 0
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    n = n + (is_expected(d) and 1 or 0)
  end
  return n >= #expected.diagnostics
end, 50)
vim.wait(1500) -- let late (duplicate) publications arrive
local diags = vim.diagnostic.get(buf)
for _, d in ipairs(diags) do
  io.stdout:write(string.format("       diagnostic [%s] %s %d:%d %s\n", vim.diagnostic.get_namespace(d.namespace).name, tostring(d.code), d.lnum + 1, d.col, d.message))
end
-- Each (rule, range) once: a server that both publishes and answers pull
-- requests shows every problem twice (Neovim 0.12 pulls when it may).
do
  local seen, dups = {}, {}
  for _, d in ipairs(diags) do
    local key = string.format("%s %d:%d-%d:%d", tostring(d.code), d.lnum + 1, d.col, d.end_lnum + 1, d.end_col)
    if seen[key] then
      table.insert(dups, key)
    end
    seen[key] = true
  end
  check("no duplicate diagnostics", #dups == 0, #dups .. " duplicated (pushed and pulled?): " .. table.concat(dups, "; "))
end
local severities = { error = 1, warning = 2, info = 3, hint = 4 }
for _, want in ipairs(expected.diagnostics) do
  local text = lines[want.line]
  local start = text:find(want.anchor, 1, true) - 1
  local end_char = vim.str_utfindex(text, "utf-32", start) + want.length
  local end_col = vim.str_byteindex(text, "utf-32", end_char)
  local found, count = nil, 0
  for _, d in ipairs(diags) do
    if d.code == want.rule and d.lnum == want.line - 1 then
      found, count = found or d, count + 1
    end
  end
  local name = string.format("%s at %d:%d-%d (byte columns)", want.rule, want.line, start, end_col)
  if not found then
    check(name, false, "no diagnostic with code " .. want.rule)
  else
    check(
      name,
      found.lnum == want.line - 1 and found.col == start and found.end_lnum == want.line - 1 and found.end_col == end_col,
      string.format("got %d:%d-%d:%d", found.lnum + 1, found.col, found.end_lnum + 1, found.end_col)
    )
    check(want.rule .. " severity " .. want.severity, found.severity == severities[want.severity], tostring(found.severity))
    check(want.rule .. " message", found.message:find(want.message, 1, true) ~= nil, found.message)
  end
end

local function position(line, anchor, offset)
  local text = lines[line]
  local byte = text:find(anchor, 1, true) - 1 + (offset or 0)
  local enc = client and client.offset_encoding or "utf-16"
  return { line = line - 1, character = vim.str_utfindex(text, enc, byte) }, byte
end

local function request(method, params)
  local responses = vim.lsp.buf_request_sync(buf, method, params, 5000) or {}
  for _, r in pairs(responses) do
    if r.result then
      return r.result
    end
  end
end

local doc = { uri = vim.uri_from_bufnr(buf) }

-- Hover on an acronym gives its expansion.
do
  local h = expected.hover
  local pos = position(h.line, h.anchor, h.offset)
  local result = request("textDocument/hover", { textDocument = doc, position = pos })
  local value = ""
  if result and result.contents then
    local c = result.contents
    value = type(c) == "string" and c or c.value or vim.inspect(c)
  end
  check("hover on acronym shows '" .. h.expect .. "'", value:find(h.expect, 1, true) ~= nil, value)
end

-- Document symbols list the articles.
do
  local result = request("textDocument/documentSymbol", { textDocument = doc }) or {}
  local names = {}
  local function walk(symbols)
    for _, s in ipairs(symbols) do
      table.insert(names, s.name)
      walk(s.children or {})
    end
  end
  walk(result)
  for _, article in ipairs(expected.articles) do
    local hit = false
    for _, n in ipairs(names) do
      hit = hit or n:find(article, 1, true) ~= nil
    end
    check("symbol: " .. article, hit, table.concat(names, " | "))
  end
end

-- Folding ranges from the server: one per article.
do
  local result = request("textDocument/foldingRange", { textDocument = doc }) or {}
  check("server folding ranges >= articles", #result >= #expected.articles, tostring(#result))
end

-- Tree-sitter: highlighter active, captures and highlight groups at known positions.
vim.treesitter.get_parser(buf):parse()
check("tree-sitter highlighter active", vim.treesitter.highlighter.active[buf] ~= nil)
local function captures_at(line, anchor)
  local _, byte = position(line, anchor, 0)
  local names = {}
  for _, c in ipairs(vim.treesitter.get_captures_at_pos(buf, line - 1, byte)) do
    table.insert(names, c.capture)
  end
  local groups = {}
  for _, t in ipairs(vim.inspect_pos(buf, line - 1, byte).treesitter) do
    table.insert(groups, t.hl_group)
  end
  return names, groups
end
for _, c in ipairs({
  { 3, "Why the", "markup.heading", "headline" },
  { 3, "Comment:", "keyword", "kind prefix" },
  { 7, "MOSCOW", "label", "place" },
  { 7, "JAN.", "constant.builtin", "month" },
  { 7, "The Conway Bulletin", "string.special", "publication" },
  { 15, "553", "number", "issue number" },
  { 13, "Copyright", "comment", "copyright" },
}) do
  local names, groups = captures_at(c[1], c[2])
  check(
    string.format("capture @%s (%s) at %d:'%s'", c[3], c[4], c[1], c[2]),
    vim.tbl_contains(names, c[3]) and vim.tbl_contains(groups, "@" .. c[3] .. ".bulletin"),
    "captures " .. table.concat(names, ",") .. "; groups " .. table.concat(groups, ",")
  )
end

-- Folding from tree-sitter (foldexpr): article lines are level 1, the header and gaps 0.
vim.cmd("normal! zx")
local function level(l)
  return vim.fn.foldlevel(l)
end
check("foldmethod=expr with treesitter foldexpr", vim.wo.foldmethod == "expr" and vim.wo.foldexpr:find("treesitter") ~= nil)
local folds = { [1] = 0, [3] = 1, [10] = 1, [15] = 1, [16] = 0, [17] = 1, [25] = 1, [27] = 1, [33] = 1 }
local bad = {}
for l, want in pairs(folds) do
  if level(l) ~= want then
    table.insert(bad, string.format("line %d: %d (want %d)", l, level(l), want))
  end
end
check("foldlevel at known lines", #bad == 0, table.concat(bad, "; "))

-- Semantic tokens from the server (through inspect_pos).
local got_tokens = vim.wait(5000, function()
  local _, byte = position(7, "MOSCOW", 0)
  return #(vim.inspect_pos(buf, 6, byte).semantic_tokens or {}) > 0
end, 50)
do
  local _, byte = position(7, "MOSCOW", 0)
  local types = {}
  for _, t in ipairs(vim.inspect_pos(buf, 6, byte).semantic_tokens or {}) do
    table.insert(types, t.opts and t.opts.hl_group or "?")
  end
  check("semantic token on a place (@lsp.type.place.bulletin)", got_tokens and vim.tbl_contains(types, "@lsp.type.place.bulletin"), table.concat(types, ","))
  local link = vim.api.nvim_get_hl(0, { name = "@lsp.type.place.bulletin" }).link
  check("@lsp.type.place.bulletin links to @label", link == "@label", tostring(link))
end

-- Code action: the quick fix for the en dash.
do
  local want = expected.diagnostics[1]
  local pos = position(want.line, want.anchor, 0)
  local diag
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == want.rule then
      diag = d.user_data and d.user_data.lsp
    end
  end
  local result = request("textDocument/codeAction", {
    textDocument = doc,
    range = { start = pos, ["end"] = { line = pos.line, character = pos.character + 1 } },
    context = { diagnostics = diag and { diag } or {} },
  }) or {}
  local titles = {}
  for _, a in ipairs(result) do
    table.insert(titles, a.title)
  end
  check("quick fix offered for " .. want.rule, #result > 0, table.concat(titles, " | "))
end

finish()
