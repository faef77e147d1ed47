/*
 * External scanner for the "bulletin" grammar.
 *
 * The scanner does the line classification of bulletin archive pages and
 * splits structured lines (archive header, headline, standfirst, dateline,
 * issue reference, byline) into tokens.
 *
 * How it works:
 *   - At the start of every non-blank line the whole line is read (as
 *     look-ahead) into a buffer and classified. The scanner then returns a
 *     zero-width hidden token (`_headline_start`, `_dateline_start`, ...)
 *     and stores the tokens of the line in a small queue (kind, start, end
 *     as code-point offsets from the first non-blank character of the line).
 *   - The following calls pop the queue, one token per call. Whitespace
 *     between queued tokens is skipped, so token ranges never contain
 *     leading or trailing whitespace.
 *   - Plain paragraph text is one `text` token per line; a plain
 *     paragraph's first line is its `text` token at once, read while it is
 *     classified. A newline inside a paragraph is `_line_break` (next line
 *     continues the paragraph), else `_eol`. Runs of blank / whitespace-only
 *     lines after a line end are the padding of the next line's token, which
 *     first asks whether that line is a headline (the question that made
 *     them a `_gap`); at the start of a text, and where the parser could not
 *     take them, they are one `_blank` (or `_gap`) token. So a paragraph's
 *     line is read once.
 *   - A line is read for its classification only as far as the
 *     classification can depend on it: every rule that reads a line's end
 *     (trailers, headlines, the standfirst's closing `>>`, a dateline's
 *     unclosed bracket) only holds for lines shorter than READ_AHEAD, so a
 *     longer line is buffered up to there and read to its end (`line_full`)
 *     only when a rule asks. Its text is then read once more, as tokens.
 *     A line after blank lines, and the line a headline is judged by, are
 *     first read only as far as a dateline's window (152): a line whose
 *     opening allows no trailer and that is a dateline there is neither a
 *     trailer nor a headline, so it is not read further to be classified.
 *     Before that, both are read to their opening (64 and 32): a dateline
 *     whose tokens end there, and the line after a weak headline that
 *     cannot be a trailer, are told by it. The trees are those of reading
 *     every line whole.
 *   - Lines end at "\n", "\r\n" (one line end) or a lone "\r", as LSP
 *     counts them: `at_eol` stops at either character and `advance_eol`
 *     moves past one whole line end, so a page with old Mac line ends, or a
 *     mix, gives the same tree as the same page with "\n".
 *
 * Serialized state: phase, flags, position in the line and the queue.
 */

#include "tree_sitter/parser.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef BULLETIN_SCANNER_DEBUG
#include <stdio.h>
#endif

enum TokenType {
  BLANK,
  GAP,
  EOL,
  LINE_BREAK,
  HEADER_START,
  HEADLINE_START,
  STANDFIRST_START,
  PARAGRAPH_START,
  DATELINE_START,
  ISSUE_REF_START,
  BYLINE_START,
  COPYRIGHT_START,
  ENDS_START,
  TEXT,
  ARCHIVE_KIND,
  ARCHIVE_TITLE,
  KIND_PREFIX,
  HEADLINE_TEXT,
  STANDFIRST_TEXT,
  PLACE,
  MONTH,
  DAY,
  YEAR,
  PUBLICATION,
  DASH,
  RANGE_SLASH,
  DATE_COMMA,
  ISSUE_KIND,
  ISSUE_NUMBER,
  WORDS,
  JUNK,
  BYLINE_NAME,
  BYLINE_ROLE,
  COPYRIGHT,
  ENDS_MARKER,
  T_COLON,
  T_COMMA,
  T_SLASH,
  T_LPAREN,
  T_RPAREN,
  T_GTGT,
  T_GT,
  T_EMDASH,
  T_ENDASH,
  T_HYPHEN,
  T_BY,
  ERROR_SENTINEL,
};

/* Phase inside the current article. */
enum Phase {
  PH_NONE = 0,           /* before the first article */
  PH_AFTER_HEADLINE = 1, /* only blank lines since the headline */
  PH_AFTER_STANDFIRST = 2,
  PH_BODY = 3,
};

/* Flags. */
#define F_PREV_TRAILER 0x01 /* last non-blank line: trailer, header or start */
#define F_AFTER_BLANK 0x02  /* last line was blank (or document start) */
#define F_IN_LINE 0x04      /* a line has been started (classified) */
#define F_CONTINUATION 0x08 /* next line continues the current paragraph */
#define F_NEED_NL 0x10      /* the line end of the last line is not consumed */
#define F_HEADLINE_NEXT 0x20 /* the `_gap` just emitted found a headline after
                              * it: the line it looked at is that headline */

#define MAXQ 40
#define MAXLINE 1024
#define REST 0xFFFF /* entry end: up to the last non-blank char of the line */

/* Limits used by the line classification. */
#define WEAK_HEADLINE_MAX 160
#define STRONG_HEADLINE_MAX 250
#define DATELINE_WINDOW 150
#define TRAILER_MAX 300
/* How far a line is read before it is classified: past every limit above,
 * so that a line still unread at this length can only be a paragraph, a
 * dateline paragraph, a standfirst or the archive header (the last two
 * are read whole before their tokens are made). */
#define READ_AHEAD (TRAILER_MAX + 1)
/* How far the line after blank lines is read first: far enough for
 * `could_be_trailer` to tell (20 characters after a line's markers), and
 * to ask whether it is a dateline, past a dateline's usual end ("ALMATY,
 * MARCH 10 2017 (The Conway Bulletin) — " is 46 characters). Most such
 * lines are told by their opening (no trailer after a weak headline, or
 * a dateline), so they are not read on to the dateline's window. */
#define TRAILER_OPENING 32
#define DATELINE_OPENING 64
/* How far the line after blank lines is read to ask whether it is a
 * headline: past the longest headline. */
#define HEADLINE_READ_AHEAD (STRONG_HEADLINE_MAX + 1)
#define WHOLE_LINE UINT32_MAX

typedef struct {
  uint8_t kind;
  uint16_t start;
  uint16_t end;
} Entry;

typedef struct {
  Entry e[MAXQ];
  uint8_t n;
  bool overflow;
} EntryList;

typedef struct {
  int32_t c[MAXLINE];
  uint32_t n;   /* buffered length without trailing whitespace */
  uint32_t len; /* full length of the line (code points, untrimmed) */
  bool truncated;
  /* Read only up to READ_AHEAD (n and len are then at least that): the
   * lexer stands where reading stopped, and `line_full` reads the rest. */
  bool partial;
} Line;

typedef struct {
  uint8_t phase;
  uint8_t flags;
  uint16_t pos;    /* code points consumed since the line's start token */
  uint16_t line_n; /* trimmed length of the current line (REST: unknown) */
  uint8_t qhead;
  uint8_t qlen;
  Entry q[MAXQ];
  /* scratch buffers, not serialized */
  /* The lexer has gone past the end of `line` (looking at the lines after
   * it), so the line can no longer be made a token where reading stopped. */
  bool read_past_line;
  Line line;
  Line next;
  EntryList tmp;
} Scanner;

/* ------------------------------------------------------------------ */
/* Character classes                                                   */
/* ------------------------------------------------------------------ */

static inline bool is_ws(int32_t c) {
  /* most characters read are printable ASCII: one test for them */
  if (c > ' ' && c < 0xA0) return false;
  return c == ' ' || c == '\t' || c == '\v' || c == '\f' ||
         c == 0xA0 || (c >= 0x2000 && c <= 0x200B) || c == 0x202F ||
         c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

static bool is_digit(int32_t c) { return c >= '0' && c <= '9'; }

static bool is_ascii_alpha(int32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_upper(int32_t c) {
  return (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7) ||
         (c >= 0x400 && c <= 0x42F);
}

static bool is_letter(int32_t c) {
  if (is_ascii_alpha(c)) return true;
  if (c < 0xC0 || c == 0xD7 || c == 0xF7) return false;
  if (c >= 0x2000 && c <= 0x2BFF) return false; /* punctuation, symbols */
  if (c == 0xFEFF || c == 0x3000) return false;
  return true;
}

static bool is_alnum(int32_t c) { return is_digit(c) || is_letter(c); }

static bool is_dash_char(int32_t c) {
  return c == '-' || (c >= 0x2010 && c <= 0x2015) || c == 0x2212;
}

static int32_t ascii_lower(int32_t c) {
  return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/* ------------------------------------------------------------------ */
/* Lexer helpers                                                       */
/* ------------------------------------------------------------------ */

static inline bool is_eol_char(int32_t c) { return c == '\n' || c == '\r'; }

/* At a line end ("\n", "\r\n" or a lone "\r") or at the end of the input. */
static inline bool at_eol(TSLexer *lexer) {
  int32_t c = lexer->lookahead;
  /* EOF reads as 0: only a character below '\r' can be the end */
  if (c > '\r') return false;
  return is_eol_char(c) || lexer->eof(lexer);
}

/* Move past the line end the lexer is at: "\r\n" as a whole, else one
 * "\n" or "\r". Does nothing at EOF. */
static void advance_eol(TSLexer *lexer, bool skip) {
  if (lexer->eof(lexer)) return;
  bool cr = lexer->lookahead == '\r';
  lexer->advance(lexer, skip);
  if (cr && !lexer->eof(lexer) && lexer->lookahead == '\n') {
    lexer->advance(lexer, skip);
  }
}

/* Read the line on from where `line` stopped; stop once `ahead` characters
 * are read and the last of them is not blank (so that `n` and `len` are
 * both at least `ahead`), or at the line end. */
static void read_on(TSLexer *lexer, Line *line, uint32_t ahead) {
  uint32_t stored = line->len < MAXLINE ? line->len : MAXLINE;
  line->partial = false;
  while (!at_eol(lexer)) {
    if (line->n >= ahead && line->n == line->len) {
      line->partial = true;
      return;
    }
    int32_t c = lexer->lookahead;
    if (stored < MAXLINE) {
      line->c[stored++] = c;
      if (!is_ws(c)) line->n = stored;
    } else {
      line->truncated = true;
    }
    line->len++;
    lexer->advance(lexer, false);
  }
}

/* Read the current line into `line` as far as a classification needs
 * (`ahead` characters; the lexer ends at the line end, or where `partial`
 * says). */
static void read_line_ahead(TSLexer *lexer, Line *line, uint32_t ahead) {
  line->n = 0;
  line->len = 0;
  line->truncated = false;
  read_on(lexer, line, ahead);
}

static void read_line(TSLexer *lexer, Line *line) {
  read_line_ahead(lexer, line, READ_AHEAD);
}

/* Read the rest of a line read only in part. Only while the lexer still
 * stands where that reading stopped: before anything else is read. */
static void line_full(TSLexer *lexer, Line *line) {
  if (line->partial) read_on(lexer, line, WHOLE_LINE);
}

/* Skip blank lines as look-ahead, starting at the beginning of a line.
 * Returns the number of blank lines; stops on the first non-blank character
 * of the next non-blank line, or at EOF. */
static unsigned skip_blank_lines(TSLexer *lexer, bool *eof) {
  unsigned count = 0;
  for (;;) {
    while (!at_eol(lexer) && is_ws(lexer->lookahead)) {
      lexer->advance(lexer, false);
    }
    if (lexer->eof(lexer)) {
      *eof = true;
      return count;
    }
    if (is_eol_char(lexer->lookahead)) {
      advance_eol(lexer, false);
      count++;
      continue;
    }
    *eof = false;
    return count;
  }
}

/* ------------------------------------------------------------------ */
/* Line helpers                                                        */
/* ------------------------------------------------------------------ */

static uint32_t skip_ws_at(const Line *l, uint32_t i) {
  while (i < l->n && is_ws(l->c[i])) i++;
  return i;
}

static uint32_t trim_back(const Line *l, uint32_t lo, uint32_t e) {
  while (e > lo && is_ws(l->c[e - 1])) e--;
  return e;
}

/* Case-insensitive ASCII match of `pat` at `i`; a space in `pat` matches
 * one or more whitespace characters. Returns the end offset or -1. */
static int32_t match_ci(const Line *l, uint32_t i, const char *pat) {
  for (const char *p = pat; *p; p++) {
    if (*p == ' ') {
      if (i >= l->n || !is_ws(l->c[i])) return -1;
      while (i < l->n && is_ws(l->c[i])) i++;
    } else {
      if (i >= l->n || ascii_lower(l->c[i]) != (int32_t)*p) return -1;
      i++;
    }
  }
  return (int32_t)i;
}

/* Find `pat` (case-insensitive, at a word start) in [from, to). */
static int32_t find_ci(const Line *l, uint32_t from, uint32_t to,
                       const char *pat) {
  for (uint32_t i = from; i < to && i < l->n; i++) {
    if (i > 0 && is_letter(l->c[i - 1])) continue;
    int32_t e = match_ci(l, i, pat);
    if (e >= 0 && (uint32_t)e <= to) return (int32_t)i;
  }
  return -1;
}

static void add(EntryList *list, uint8_t kind, uint32_t start, uint32_t end) {
  if (list->n >= MAXQ) {
    list->overflow = true;
    return;
  }
  list->e[list->n].kind = kind;
  list->e[list->n].start = (uint16_t)start;
  list->e[list->n].end = (uint16_t)end;
  list->n++;
}

static void list_reset(EntryList *list) {
  list->n = 0;
  list->overflow = false;
}

/* Leading markers of trailer lines: dashes and '>' / '>>'. */
static uint32_t add_markers(const Line *l, uint32_t i, EntryList *list,
                            bool allow_gt) {
  for (;;) {
    i = skip_ws_at(l, i);
    if (i >= l->n) return i;
    int32_t c = l->c[i];
    if (allow_gt && c == '>' && i + 1 < l->n && l->c[i + 1] == '>') {
      if (list) add(list, T_GTGT, i, i + 2);
      i += 2;
    } else if (allow_gt && c == '>') {
      if (list) add(list, T_GT, i, i + 1);
      i += 1;
    } else if (c == 0x2014) {
      if (list) add(list, T_EMDASH, i, i + 1);
      i += 1;
    } else if (c == 0x2013) {
      if (list) add(list, T_ENDASH, i, i + 1);
      i += 1;
    } else if (c == '-') {
      if (list) add(list, T_HYPHEN, i, i + 1);
      i += 1;
    } else {
      return i;
    }
  }
}

/* ------------------------------------------------------------------ */
/* Months and dates                                                    */
/* ------------------------------------------------------------------ */

static const char *const MONTHS[] = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december",
};

/* Is the ASCII word w[0..len) a (>= 3 letters) prefix of a month name? */
static const uint8_t MONTH_LENGTHS[] = {7, 8, 5, 5, 3, 4, 4, 6, 9, 7, 8, 8};

static bool month_prefix(const int32_t *w, uint32_t len) {
  if (len < 3 || len > 9) return false;
  for (unsigned m = 0; m < 12; m++) {
    const char *name = MONTHS[m];
    uint32_t nl = MONTH_LENGTHS[m];
    if (len > nl) continue;
    uint32_t k = 0;
    while (k < len && ascii_lower(w[k]) == (int32_t)name[k]) k++;
    if (k == len) return true;
  }
  return false;
}

/* A month-like word at `i` followed (after an optional '.' and spaces) by a
 * digit. Also accepts an upper-case place fused with the month
 * ("TASHKENTJAN."). Returns the end of the month token, or 0. */
static uint32_t month_at(const Line *l, uint32_t i) {
  if (i >= l->n || !is_ascii_alpha(l->c[i])) return 0;
  if (i > 0 && is_letter(l->c[i - 1])) return 0;
  uint32_t j = i;
  while (j < l->n && is_ascii_alpha(l->c[j])) j++;
  if (j < l->n && is_letter(l->c[j])) return 0;
  uint32_t len = j - i;
  /* A digit must follow: cheaper to ask first, and most words fail it. */
  uint32_t k = j;
  if (k < l->n && l->c[k] == '.') k++;
  uint32_t d = skip_ws_at(l, k);
  if (d >= l->n || !is_digit(l->c[d])) return 0;
  bool ok = month_prefix(&l->c[i], len);
  if (!ok && len >= 5) {
    bool all_upper = true;
    for (uint32_t k = i; k < j; k++) {
      if (!(l->c[k] >= 'A' && l->c[k] <= 'Z')) {
        all_upper = false;
        break;
      }
    }
    if (all_upper) {
      for (uint32_t t = 2; t + 3 <= len; t++) {
        if (month_prefix(&l->c[i + t], len - t)) {
          ok = true;
          break;
        }
      }
    }
  }
  return ok ? k : 0;
}

/* Four-digit year at `i` (the digit run must be exactly 4 long). */
static bool year_at(const Line *l, uint32_t i) {
  uint32_t j = i;
  while (j < l->n && is_digit(l->c[j])) j++;
  return j - i == 4;
}

/* Date starting with a month token [i, mend). Returns the end offset. */
static uint32_t parse_date(const Line *l, uint32_t i, uint32_t mend,
                           EntryList *list) {
  add(list, MONTH, i, mend);
  uint32_t d = skip_ws_at(l, mend);
  uint32_t j = d;
  while (j < l->n && is_digit(l->c[j])) j++;
  add(list, DAY, d, j);
  if (j + 1 < l->n && l->c[j] == '/' && is_digit(l->c[j + 1])) {
    uint32_t k = j + 1;
    while (k < l->n && is_digit(l->c[k])) k++;
    add(list, RANGE_SLASH, j, j + 1);
    add(list, DAY, j + 1, k);
    j = k;
  }
  uint32_t k = skip_ws_at(l, j);
  if (k < l->n && l->c[k] == ',') {
    uint32_t y = skip_ws_at(l, k + 1);
    if (y < l->n && year_at(l, y)) {
      add(list, DATE_COMMA, k, k + 1);
      add(list, YEAR, y, y + 4);
      return y + 4;
    }
  } else if (k > j && k < l->n && year_at(l, k)) {
    add(list, YEAR, k, k + 4);
    return k + 4;
  }
  return j;
}

/* ------------------------------------------------------------------ */
/* Datelines                                                           */
/* ------------------------------------------------------------------ */

static bool is_place_char(int32_t c) {
  return is_letter(c) || c == '.' || c == '\'' || c == 0x2019 || c == '-';
}

/* A place: upper-case-initial words separated by spaces (at most 4).
 * Returns the end of the place (0 if none). */
static uint32_t place_at(const Line *l, uint32_t i) {
  uint32_t end = 0;
  unsigned words = 0;
  while (i < l->n && is_upper(l->c[i]) && words < 4) {
    if (month_at(l, i)) break;
    uint32_t j = i;
    while (j < l->n && is_place_char(l->c[j])) j++;
    /* a trailing hyphen is not part of the place */
    while (j > i && l->c[j - 1] == '-') j--;
    if (j == i) break;
    words++;
    end = j;
    uint32_t k = skip_ws_at(l, j);
    if (k == j || k >= l->n) break;
    i = k;
  }
  return end;
}

/* Tokenize a dateline at the start of the line. */
static bool all_upper(const Line *l, uint32_t a, uint32_t b) {
  for (uint32_t k = a; k < b; k++) {
    if (is_letter(l->c[k]) && !is_upper(l->c[k])) return false;
  }
  return true;
}

/* Tokenize a dateline at the start of the line. A dateline without a date
 * ("ALMATY (The Bulletin) — ") is accepted only with upper-case places and
 * both a publication and a dash. Without a lexer (NULL), the line is not
 * read on: a dateline that would need its end (a bracket never closed) is
 * then no dateline. */
static bool dateline_tokens(TSLexer *lexer, Line *l, EntryList *list) {
  list_reset(list);
  uint32_t i = 0;
  unsigned places = 0;
  uint32_t mend = 0;
  bool places_upper = true;
  for (;;) {
    i = skip_ws_at(l, i);
    if (i >= l->n || i > DATELINE_WINDOW) return false;
    if (l->c[i] == '(' || is_dash_char(l->c[i])) break; /* no date */
    mend = month_at(l, i);
    if (mend) break;
    uint32_t pe = place_at(l, i);
    if (!pe || ++places > 4) return false;
    if (!all_upper(l, i, pe)) places_upper = false;
    add(list, PLACE, i, pe);
    i = skip_ws_at(l, pe);
    if (i < l->n && (l->c[i] == ',' || l->c[i] == '/')) {
      add(list, l->c[i] == ',' ? T_COMMA : T_SLASH, i, i + 1);
      i++;
      continue;
    }
    if (i < l->n && (month_at(l, i) || l->c[i] == '(')) continue;
    return false;
  }
  bool cut = false; /* a cut-off or broken dateline: judged by the core */
  if (mend) {
    i = parse_date(l, i, mend, list);
    i = skip_ws_at(l, i);
    /* a year cut short ("OCT. 2 20", "FEB. 3 201 (…)") is still the year */
    if (list->n > 0 && list->e[list->n - 1].kind != YEAR && i < l->n &&
        is_digit(l->c[i])) {
      uint32_t y = i;
      while (y < l->n && is_digit(l->c[y])) y++;
      if (y - i < 4 && (y >= l->n || is_ws(l->c[y]) || l->c[y] == '(' ||
                        is_dash_char(l->c[y]))) {
        add(list, YEAR, i, y);
        i = skip_ws_at(l, y);
      }
    }
    /* "DEC. 11" and nothing more on the line */
    if (i >= l->n && !l->truncated && places_upper) cut = true;
    if (i < l->n && l->c[i] == ',') {
      add(list, T_COMMA, i, i + 1);
      i = skip_ws_at(l, i + 1);
    }
    if (i < l->n && is_upper(l->c[i])) {
      uint32_t pe = place_at(l, i);
      if (!pe) return false;
      add(list, PLACE, i, pe);
      i = skip_ws_at(l, pe);
      if (i < l->n && l->c[i] == ',') {
        add(list, T_COMMA, i, i + 1);
        i = skip_ws_at(l, i + 1);
      }
    }
  } else if (!places_upper) {
    return false;
  }
  bool has_pub = false, has_dash = false;
  if (i < l->n && l->c[i] == '(') {
    uint32_t close = i + 1;
    while (close < l->n && close <= DATELINE_WINDOW && l->c[close] != ')') {
      close++;
    }
    if (close >= l->n || l->c[close] != ')') {
      /* a bracket never closed: after a date, the publication runs to a
       * dash (after a space) or to the end of the line */
      if (!mend) return false;
      uint32_t e = i + 1;
      while (e < l->n && e <= DATELINE_WINDOW &&
             !(is_dash_char(l->c[e]) && is_ws(l->c[e - 1]))) {
        e++;
      }
      if (e > DATELINE_WINDOW || !lexer) return false;
      line_full(lexer, l); /* is the line cut at MAXLINE? */
      if (l->truncated) return false;
      add(list, T_LPAREN, i, i + 1);
      uint32_t a = skip_ws_at(l, i + 1);
      uint32_t b = trim_back(l, a, e);
      if (a < b) add(list, PUBLICATION, a, b);
      has_pub = true;
      cut = true;
      i = skip_ws_at(l, e);
      goto dash;
    }
    add(list, T_LPAREN, i, i + 1);
    uint32_t a = skip_ws_at(l, i + 1);
    uint32_t b = trim_back(l, a, close);
    if (a < b) add(list, PUBLICATION, a, b);
    add(list, T_RPAREN, close, close + 1);
    has_pub = true;
    i = skip_ws_at(l, close + 1);
  }
dash:
  if (i < l->n && is_dash_char(l->c[i])) {
    uint32_t start = i, last = i;
    uint32_t j = i;
    for (;;) {
      while (j < l->n && is_dash_char(l->c[j])) j++;
      last = j;
      uint32_t k = skip_ws_at(l, j);
      if (k > j && k < l->n && is_dash_char(l->c[k])) {
        j = k;
        continue;
      }
      break;
    }
    add(list, DASH, start, last);
    has_dash = true;
    i = last;
  }
  if (!has_pub && !has_dash && !cut) return false;
  if (!mend && !(has_pub && has_dash)) return false;
  if (i > DATELINE_WINDOW) return false;
  return !list->overflow;
}

/* ------------------------------------------------------------------ */
/* Trailer lines                                                       */
/* ------------------------------------------------------------------ */

/* After the date / number of an issue reference: connecting words, an
 * optional date, ')' and junk. */
static void issue_tail(const Line *l, uint32_t i, EntryList *list) {
  i = skip_ws_at(l, i);
  uint32_t m = 0, mend = 0;
  for (uint32_t k = i; k < l->n; k++) {
    if (l->c[k] == ')') break;
    mend = month_at(l, k);
    if (mend) {
      m = k;
      break;
    }
  }
  if (mend) {
    uint32_t we = trim_back(l, i, m);
    if (i < we) add(list, WORDS, i, we);
    i = parse_date(l, m, mend, list);
    i = skip_ws_at(l, i);
  }
  if (i >= l->n) return;
  uint32_t rp = i;
  while (rp < l->n && l->c[rp] != ')') rp++;
  uint32_t seg_end = trim_back(l, i, rp);
  if (i < seg_end) {
    bool punct_only = true;
    for (uint32_t k = i; k < seg_end; k++) {
      int32_t c = l->c[k];
      if (!(c == '.' || c == ',' || c == ';' || is_ws(c))) punct_only = false;
    }
    add(list, (punct_only || !mend) ? WORDS : JUNK, i, seg_end);
  }
  if (rp < l->n) {
    add(list, T_RPAREN, rp, rp + 1);
    uint32_t j = skip_ws_at(l, rp + 1);
    if (j < l->n) add(list, JUNK, j, l->n);
  }
}

/* Where the first month word followed by a day stands at or after `i`
 * (the end of the line if none). */
static uint32_t first_month(const Line *l, uint32_t i) {
  for (uint32_t q = i; q < l->n; q++) {
    if (month_at(l, q)) return q;
  }
  return l->n;
}

static bool issue_ref_tokens(const Line *l, EntryList *list) {
  list_reset(list);
  if (l->truncated || l->len > TRAILER_MAX) return false;
  uint32_t i = add_markers(l, 0, list, true);
  if (i >= l->n) return false;
  if (l->c[i] == '(') {
    uint32_t limit = i + 60 < l->n ? i + 60 : l->n;
    int32_t p = find_ci(l, i + 1, limit, "from issue");
    if (p < 0) return false;
    add(list, T_LPAREN, i, i + 1);
    uint32_t a = skip_ws_at(l, i + 1);
    uint32_t b = trim_back(l, a, (uint32_t)p);
    if (a < b) add(list, ISSUE_KIND, a, b);
    /* the number stands before the date: never take the date's day */
    uint32_t date_at = first_month(l, (uint32_t)p);
    uint32_t d = (uint32_t)p;
    while (d < date_at && !is_digit(l->c[d]) && l->c[d] != ')') d++;
    if (d >= date_at || !is_digit(l->c[d])) {
      if (date_at >= l->n) return false;
      /* no number: words, then the date */
      issue_tail(l, (uint32_t)p, list);
      return !list->overflow;
    }
    add(list, WORDS, (uint32_t)p, trim_back(l, (uint32_t)p, d));
    uint32_t j = d;
    while (j < l->n && is_alnum(l->c[j])) j++;
    add(list, ISSUE_NUMBER, d, j);
    issue_tail(l, j, list);
    return !list->overflow;
  }
  if (match_ci(l, i, "this story was") < 0 &&
      match_ci(l, i, "this article was") < 0) {
    return false;
  }
  /* the number stands before the date: never take the date's day */
  uint32_t limit = first_month(l, i);
  uint32_t d = i;
  while (d < limit && !is_digit(l->c[d])) d++;
  uint32_t j;
  if (d < limit) {
    add(list, WORDS, i, trim_back(l, i, d));
    j = d;
    while (j < l->n && is_alnum(l->c[j])) j++;
    add(list, ISSUE_NUMBER, d, j);
  } else {
    /* no number ("first published in issue of … on Jan. 11 2019") */
    if (limit >= l->n) return false;
    int32_t of = find_ci(l, i, limit, "of ");
    if (of < 0) {
      issue_tail(l, i, list);
      return !list->overflow;
    }
    add(list, WORDS, i, trim_back(l, i, (uint32_t)of));
    j = (uint32_t)of;
  }
  uint32_t k = skip_ws_at(l, j);
  int32_t of_end = match_ci(l, k, "of ");
  if (of_end < 0) {
    issue_tail(l, j, list);
    return !list->overflow;
  }
  add(list, WORDS, k, k + 2);
  i = (uint32_t)of_end;
  /* the date: first month word followed by a digit */
  uint32_t m = l->n;
  for (uint32_t q = i; q < l->n; q++) {
    if (month_at(l, q)) {
      m = q;
      break;
    }
  }
  /* strip the connector (", on" / " on") before the date */
  uint32_t e = trim_back(l, i, m);
  if (m < l->n) {
    if (e >= i + 2 && ascii_lower(l->c[e - 2]) == 'o' &&
        ascii_lower(l->c[e - 1]) == 'n' &&
        (e - 2 == i || !is_letter(l->c[e - 3]))) {
      e = trim_back(l, i, e - 2);
    }
    if (e > i && l->c[e - 1] == ',') e = trim_back(l, i, e - 1);
  }
  int32_t nc = find_ci(l, i, e, "now called");
  if (nc >= 0) {
    uint32_t a = trim_back(l, i, (uint32_t)nc);
    uint32_t ws = a;
    if (a > i && l->c[a - 1] == ',') a = trim_back(l, i, a - 1);
    if (a > i) add(list, PUBLICATION, i, a);
    ws = skip_ws_at(l, a);
    uint32_t nce = (uint32_t)match_ci(l, (uint32_t)nc, "now called");
    add(list, WORDS, ws, nce);
    uint32_t b = skip_ws_at(l, nce);
    if (b < e) add(list, PUBLICATION, b, e);
  } else if (i < e) {
    add(list, PUBLICATION, i, e);
  }
  issue_tail(l, e, list);
  return !list->overflow;
}

static bool copyright_like(const Line *l) {
  if (l->truncated || l->len > TRAILER_MAX) return false;
  uint32_t i = add_markers(l, 0, NULL, true);
  if (i >= l->n) return false;
  return l->c[i] == 0xA9 || match_ci(l, i, "copyright") >= 0 ||
         match_ci(l, i, "(c)") >= 0;
}

static bool is_ends_decoration(int32_t c) {
  return is_ws(c) || is_dash_char(c) || c == '*' || c == '.';
}

static bool ends_like(const Line *l) {
  if (l->truncated || l->n > 20) return false;
  uint32_t a = 0, b = l->n;
  while (a < b && is_ends_decoration(l->c[a])) a++;
  while (b > a && is_ends_decoration(l->c[b - 1])) b--;
  if (b - a == 3 || b - a == 4) {
    const char *w = "ENDS";
    for (uint32_t k = 0; k < b - a; k++) {
      if (l->c[a + k] != (int32_t)w[k]) return false;
    }
    return true;
  }
  return false;
}

static bool word_eq_ci(const Line *l, uint32_t a, uint32_t b, const char *w) {
  uint32_t wl = (uint32_t)strlen(w);
  if (b - a != wl) return false;
  for (uint32_t k = 0; k < wl; k++) {
    if (ascii_lower(l->c[a + k]) != (int32_t)w[k]) return false;
  }
  return true;
}

static bool word_in(const Line *l, uint32_t a, uint32_t b,
                    const char *const *list) {
  for (const char *const *w = list; *w; w++) {
    if (word_eq_ci(l, a, b, *w)) return true;
  }
  return false;
}

static const char *const NAME_PARTICLES[] = {
    "de", "da", "di", "du", "van", "von", "der", "den", "la", "le",
    "al", "el", "bin", "ibn", "and", "y", "dos", "del", NULL,
};

static const char *const NOT_NAMES[] = {
    "the",     "this",       "that",    "these",     "those",    "then",
    "now",     "mid",        "late",    "early",     "end",      "next",
    "last",    "far",        "all",     "some",      "most",     "contrast",
    "comparison", "monday",  "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday",    "jan",     "feb",       "mar",      "apr",
    "jun",     "jul",        "aug",     "sep",       "sept",     "oct",
    "nov",     "dec",        "january", "february",  "march",    "april",
    "may",     "june",       "july",    "august",    "september", "october",
    "november", "december",  NULL,
};

static bool byline_tokens(const Line *l, EntryList *list) {
  list_reset(list);
  if (l->truncated || l->len > TRAILER_MAX) return false;
  uint32_t i = add_markers(l, 0, list, false);
  if (i + 3 >= l->n || l->c[i] != 'B' || l->c[i + 1] != 'y' ||
      !is_ws(l->c[i + 2])) {
    return false;
  }
  uint32_t j = skip_ws_at(l, i + 2);
  if (j >= l->n || !is_upper(l->c[j])) return false;
  uint32_t comma = j;
  while (comma < l->n && l->c[comma] != ',') comma++;
  uint32_t name_end = trim_back(l, j, comma);
  if (name_end - j > 60) return false;
  /* check the words of the name */
  unsigned words = 0;
  uint32_t w = j;
  while (w < name_end) {
    uint32_t we = w;
    while (we < name_end && !is_ws(l->c[we])) we++;
    uint32_t core_end = we;
    while (core_end > w && (l->c[core_end - 1] == '.')) core_end--;
    if (word_in(l, w, core_end, NOT_NAMES)) return false;
    if (!is_upper(l->c[w]) && !word_in(l, w, we, NAME_PARTICLES)) {
      return false;
    }
    words++;
    w = skip_ws_at(l, we);
  }
  if (words == 0 || words > 6) return false;
  if (words == 1 && (comma < l->n || l->n > 40)) return false;
  add(list, T_BY, i, i + 2);
  add(list, BYLINE_NAME, j, name_end);
  if (comma < l->n) {
    add(list, T_COMMA, comma, comma + 1);
    uint32_t r = skip_ws_at(l, comma + 1);
    if (r < l->n) add(list, BYLINE_ROLE, r, REST);
  }
  return !list->overflow;
}

static bool trailer_like(Scanner *s, const Line *l) {
  return issue_ref_tokens(l, &s->tmp) || copyright_like(l) || ends_like(l) ||
         byline_tokens(l, &s->tmp);
}

/* Whether the opening of a line allows a trailer. When it does not, none of
 * the four trailer rules above holds, however long the line: so a line read
 * in part need not be read further to be told it is no trailer. */
static bool could_be_trailer(const Line *l) {
  uint32_t i = add_markers(l, 0, NULL, true);
  if (i + 20 > l->n) return true; /* too little read to tell */
  int32_t c = l->c[i];
  if (c == '(' || c == 0xA9) return true; /* issue reference, copyright */
  if (match_ci(l, i, "this") >= 0 || match_ci(l, i, "copyright") >= 0) {
    return true;
  }
  uint32_t j = add_markers(l, 0, NULL, false);
  return j < l->n && l->c[j] == 'B'; /* a byline */
}

/* Read a line (the lexer at its first non-blank character) as far as a
 * dateline's window, and on to READ_AHEAD when it could be a trailer: what
 * every rule but the headline's shape needs (see `headline_check`). A
 * dateline paragraph's line is so read to 152 characters, not 301. */
static void read_line_for_trailers(TSLexer *lexer, Line *line) {
  read_line_ahead(lexer, line, DATELINE_WINDOW + 2);
  if (line->partial && could_be_trailer(line)) {
    read_on(lexer, line, READ_AHEAD);
  }
}

/* The same for a line whose opening is read: read on as
 * `read_line_for_trailers` would have read it. */
static void read_on_for_trailers(TSLexer *lexer, Line *line) {
  read_on(lexer, line, DATELINE_WINDOW + 2);
  if (line->partial && could_be_trailer(line)) {
    read_on(lexer, line, READ_AHEAD);
  }
}

/* Whether a line read to its opening is a dateline as it would be read
 * to the dateline's window (its tokens in `list`): it could be no trailer
 * (so no trailer rule would hold, however far it was read), and its tokens
 * and the character after them stand in what was read. `dateline_tokens`
 * reads the line left to right and looks at most at the first character
 * after its last token, so with that character read every check it made
 * has the answer it would have on the longer line. */
static bool dateline_in_opening(Line *l, EntryList *list) {
  if (!l->partial || could_be_trailer(l)) return false;
  if (!dateline_tokens(NULL, l, list) || list->n == 0) return false;
  return skip_ws_at(l, list->e[list->n - 1].end) < l->n;
}

/* ------------------------------------------------------------------ */
/* Header, headline, standfirst                                        */
/* ------------------------------------------------------------------ */

static bool header_tokens(const Line *l, EntryList *list) {
  list_reset(list);
  uint32_t i = 0;
  for (unsigned words = 0; words < 4; words++) {
    uint32_t j = i;
    while (j < l->n && is_letter(l->c[j])) j++;
    if (j == i) return false;
    if (word_eq_ci(l, i, j, "archives") || word_eq_ci(l, i, j, "archive")) {
      uint32_t k = skip_ws_at(l, j);
      if (k >= l->n || l->c[k] != ':') return false;
      add(list, ARCHIVE_KIND, 0, j);
      add(list, T_COLON, k, k + 1);
      uint32_t t = skip_ws_at(l, k + 1);
      if (t < l->n) add(list, ARCHIVE_TITLE, t, REST);
      return true;
    }
    i = skip_ws_at(l, j);
    if (i == j) return false;
  }
  return false;
}

static const char *const KINDS[] = {
    "comment", "editorial", "analysis", "opinion",  "interview", "feature",
    "profile", "review",    "letter",   "obituary", "briefing",  "explainer",
    NULL,
};

static void headline_tokens(const Line *l, EntryList *list) {
  list_reset(list);
  uint32_t j = 0;
  while (j < l->n && is_letter(l->c[j])) j++;
  if (j > 0 && word_in(l, 0, j, KINDS)) {
    uint32_t k = skip_ws_at(l, j);
    if (k < l->n && l->c[k] == ':') {
      add(list, KIND_PREFIX, 0, k + 1);
      uint32_t t = skip_ws_at(l, k + 1);
      if (t < l->n) add(list, HEADLINE_TEXT, t, REST);
      return;
    }
  }
  add(list, HEADLINE_TEXT, 0, REST);
}

static bool standfirst_like(const Line *l) {
  return l->n >= 2 && l->c[0] == '>' && l->c[1] == '>';
}

static void standfirst_tokens(const Line *l, EntryList *list) {
  list_reset(list);
  add(list, T_GTGT, 0, 2);
  if (l->truncated) {
    uint32_t a = skip_ws_at(l, 2);
    if (a < l->n) add(list, STANDFIRST_TEXT, a, REST);
    return;
  }
  uint32_t close = l->n;
  if (l->n >= 4 && l->c[l->n - 1] == '>' && l->c[l->n - 2] == '>') {
    close = l->n - 2;
  }
  uint32_t a = skip_ws_at(l, 2);
  uint32_t b = trim_back(l, a, close);
  if (a < b) add(list, STANDFIRST_TEXT, a, b);
  if (close < l->n) add(list, T_GTGT, close, close + 2);
}

/* ------------------------------------------------------------------ */
/* Scanner                                                             */
/* ------------------------------------------------------------------ */

static void reset_line(Scanner *s) {
  s->flags &= (uint8_t)~F_IN_LINE;
  s->pos = 0;
  s->line_n = 0;
  s->qhead = 0;
  s->qlen = 0;
}

static void load_queue(Scanner *s, const EntryList *list) {
  memcpy(s->q, list->e, sizeof(Entry) * list->n);
  s->qhead = 0;
  s->qlen = list->n;
}

/* Consume the rest of the line; the token ends after the last non-blank
 * (marked once per run of non-blanks, not after each character). */
static bool consume_rest(TSLexer *lexer) {
  bool any = false, unmarked = false;
  while (!at_eol(lexer)) {
    bool ws = is_ws(lexer->lookahead);
    if (ws && unmarked) {
      lexer->mark_end(lexer);
      unmarked = false;
    }
    lexer->advance(lexer, false);
    if (!ws) {
      unmarked = true;
      any = true;
    }
  }
  if (unmarked) lexer->mark_end(lexer);
  return any;
}

static bool emit_queued(Scanner *s, TSLexer *lexer, const bool *valid) {
  Entry e = s->q[s->qhead];
  if (!valid[e.kind]) {
    s->qhead = s->qlen = 0;
    return false;
  }
  s->qhead++;
  while (s->pos < e.start && !at_eol(lexer)) {
    lexer->advance(lexer, true);
    s->pos++;
  }
  if (e.end == REST) {
    if (!consume_rest(lexer)) return false;
    s->pos = REST;
  } else {
    while (s->pos < e.end && !at_eol(lexer)) {
      lexer->advance(lexer, false);
      s->pos++;
    }
    lexer->mark_end(lexer);
  }
  lexer->result_symbol = e.kind;
  return true;
}

/* Does the next line (lexer at its start) continue the current paragraph? */
static bool next_line_continues(Scanner *s, TSLexer *lexer) {
  while (!at_eol(lexer) && is_ws(lexer->lookahead)) {
    lexer->advance(lexer, false);
  }
  if (at_eol(lexer)) return false;
  read_line(lexer, &s->next);
  if (s->phase == PH_NONE) return true;
  return !trailer_like(s, &s->next);
}

/* End of a line: a zero-width `_eol` / `_line_break` right after the last
 * token of the line (so that no node contains trailing whitespace or the
 * line end). The line end itself is skipped by the next token. */
static bool scan_newline(Scanner *s, TSLexer *lexer, const bool *valid) {
  lexer->mark_end(lexer);
  reset_line(s);
  s->flags |= F_NEED_NL;
  while (!at_eol(lexer) && is_ws(lexer->lookahead)) {
    lexer->advance(lexer, false);
  }
  if (!at_eol(lexer)) return false;
  if (!lexer->eof(lexer) && valid[LINE_BREAK]) {
    advance_eol(lexer, false);
    if (next_line_continues(s, lexer)) {
      s->flags |= F_CONTINUATION;
      lexer->result_symbol = LINE_BREAK;
      return true;
    }
  }
  if (valid[EOL]) {
    lexer->result_symbol = EOL;
    return true;
  }
  return false;
}

/* Is the current line (already read into s->line) a headline? The lexer is
 * at the end of that line; reads further lines as look-ahead. Its shape is
 * looked at first: a line read only in part is too long to be a headline,
 * and the lexer is not yet at its end. */
static bool headline_check(Scanner *s, TSLexer *lexer) {
  Line *l = &s->line;
  if (l->n == 0 || l->c[0] == '>' || l->partial) return false;
  int32_t last = l->c[l->n - 1];
  bool prev_trailer = (s->flags & F_PREV_TRAILER) != 0;
  bool weak_shape = prev_trailer && l->len <= WEAK_HEADLINE_MAX &&
                    !(last == '.' || last == ',' || last == ';' ||
                      last == '!' || last == '?' || last == '"' ||
                      last == 0x201D);
  bool strong_shape = l->len <= STRONG_HEADLINE_MAX &&
                      !(last == '.' || last == ',' || last == ';' ||
                        last == ':');
  if (!weak_shape && !strong_shape) return false;
  if (trailer_like(s, l) || dateline_tokens(lexer, l, &s->tmp)) return false;
  if (lexer->eof(lexer)) return false;
  s->read_past_line = true;
  advance_eol(lexer, false);
  bool eof = false;
  if (skip_blank_lines(lexer, &eof) == 0 || eof) return false;
  /* A weak headline needs only to know the next line is no trailer, which
   * its opening tells. */
  read_line_ahead(lexer, &s->next, TRAILER_OPENING);
  if (weak_shape && s->next.partial && !could_be_trailer(&s->next)) {
    return true;
  }
  read_on_for_trailers(lexer, &s->next);
  if (weak_shape && !trailer_like(s, &s->next)) return true;
  if (!strong_shape) return false;
  /* an optional standfirst and / or byline may stand before the dateline */
  for (unsigned k = 0; k < 2; k++) {
    bool skip = (standfirst_like(&s->next) &&
                 !issue_ref_tokens(&s->next, &s->tmp)) ||
                byline_tokens(&s->next, &s->tmp);
    if (!skip) break;
    line_full(lexer, &s->next); /* to its end, to look past it */
    if (lexer->eof(lexer)) return false;
    advance_eol(lexer, false);
    if (skip_blank_lines(lexer, &eof) == 0 || eof) return false;
    read_line_for_trailers(lexer, &s->next);
  }
  return dateline_tokens(lexer, &s->next, &s->tmp);
}

/* Safety net: the queued tokens of a line must be non-empty, in order,
 * inside the buffered line, and cover every non-blank character (except
 * after a dateline, where `text` follows). */
static bool entries_ok(const Line *l, const EntryList *list, bool text_follows) {
  if (list->overflow) return false;
  uint32_t prev = 0;
  for (uint8_t k = 0; k < list->n; k++) {
    const Entry *e = &list->e[k];
    if (e->start < prev || e->start >= l->n) return false;
    for (uint32_t i = prev; i < e->start; i++) {
      if (!is_ws(l->c[i])) return false;
    }
    if (e->end == REST) {
      return k + 1 == list->n;
    }
    if (e->end <= e->start || e->end > l->n) return false;
    prev = e->end;
  }
  if (text_follows || l->truncated) return true;
  for (uint32_t i = prev; i < l->n; i++) {
    if (!is_ws(l->c[i])) return false;
  }
  return true;
}

static bool start_line(Scanner *s, TSLexer *lexer, enum TokenType kind,
                       const EntryList *list) {
  if (list && !entries_ok(&s->line, list, kind == DATELINE_START)) {
#ifdef BULLETIN_SCANNER_DEBUG
    fprintf(stderr, "bulletin scanner: bad entries for line kind %d\n", kind);
    abort();
#endif
    /* fall back to a plain paragraph line */
    kind = PARAGRAPH_START;
    list = NULL;
  }
  if (list) {
    load_queue(s, list);
  } else {
    s->qhead = s->qlen = 0;
  }
  s->pos = 0;
  s->line_n =
      (s->line.truncated || s->line.partial) ? REST : (uint16_t)s->line.n;
  s->flags |= F_IN_LINE;
  s->flags &= (uint8_t)~(F_AFTER_BLANK | F_CONTINUATION);
  switch (kind) {
    case HEADER_START:
      s->flags |= F_PREV_TRAILER;
      s->phase = PH_NONE;
      break;
    case HEADLINE_START:
      s->flags &= (uint8_t)~F_PREV_TRAILER;
      s->phase = PH_AFTER_HEADLINE;
      break;
    case STANDFIRST_START:
      s->flags &= (uint8_t)~F_PREV_TRAILER;
      s->phase = PH_AFTER_STANDFIRST;
      break;
    case ISSUE_REF_START:
    case COPYRIGHT_START:
    case ENDS_START:
      s->flags |= F_PREV_TRAILER;
      s->phase = PH_BODY;
      break;
    case BYLINE_START:
      /* a byline between the headline and the lead paragraph keeps the
       * dateline position */
      s->flags &= (uint8_t)~F_PREV_TRAILER;
      if (s->phase == PH_NONE) break;
      if (s->phase != PH_AFTER_HEADLINE && s->phase != PH_AFTER_STANDFIRST) {
        s->phase = PH_BODY;
      }
      break;
    case DATELINE_START:
      /* before any headline, a dateline starts a headless article */
      s->flags &= (uint8_t)~F_PREV_TRAILER;
      s->phase = PH_BODY;
      break;
    default: /* paragraph */
      s->flags &= (uint8_t)~F_PREV_TRAILER;
      if (s->phase != PH_NONE) s->phase = PH_BODY;
      break;
  }
  lexer->result_symbol = kind;
  return true;
}

static bool scan_line_start(Scanner *s, TSLexer *lexer, const bool *valid) {
  if (s->flags & F_NEED_NL) {
    while (!at_eol(lexer) && is_ws(lexer->lookahead)) {
      lexer->advance(lexer, true);
    }
    advance_eol(lexer, true);
    s->flags &= (uint8_t)~F_NEED_NL;
  }
  if (s->flags & F_CONTINUATION) {
    while (!at_eol(lexer) && is_ws(lexer->lookahead)) {
      lexer->advance(lexer, true);
    }
    if (!valid[TEXT] || at_eol(lexer)) return false;
    s->flags &= (uint8_t)~F_CONTINUATION;
    s->flags |= F_IN_LINE;
    s->pos = REST;
    consume_rest(lexer);
    lexer->result_symbol = TEXT;
    return true;
  }

  while (!at_eol(lexer) && is_ws(lexer->lookahead)) {
    lexer->advance(lexer, true);
  }
  if (lexer->eof(lexer)) return false;
  /* Blank lines are read as the padding of the next line's token where
   * the parser could take a `_blank` or a `_gap` (after a line end, not at
   * the start of the text): the next line is classified in the same call,
   * first asking what the `_gap` would have asked, whether it is a
   * headline (which then ends the article as a `_gap` before it would). The
   * tree is the same without the two hidden tokens, and the line is read
   * once instead of twice. */
  bool after_blanks = false;
  if (is_eol_char(lexer->lookahead) && valid[BLANK] && valid[GAP] &&
      valid[HEADLINE_START] && !valid[HEADER_START]) {
    do {
      advance_eol(lexer, true);
      while (!at_eol(lexer) && is_ws(lexer->lookahead)) {
        lexer->advance(lexer, true);
      }
    } while (!lexer->eof(lexer) && is_eol_char(lexer->lookahead));
    reset_line(s);
    s->flags |= F_AFTER_BLANK;
    s->flags &= (uint8_t)~F_CONTINUATION;
    /* blank lines up to the end: a `_gap` there, as before (empty, so
     * that the blank lines are its padding) */
    if (lexer->eof(lexer)) {
      lexer->mark_end(lexer);
      lexer->result_symbol = GAP;
      return true;
    }
    after_blanks = true;
  }
  if (is_eol_char(lexer->lookahead)) {
    if (!valid[BLANK] && !valid[GAP]) return false;
    advance_eol(lexer, false);
    lexer->mark_end(lexer);
    bool eof = false;
    for (;;) {
      while (!at_eol(lexer) && is_ws(lexer->lookahead)) {
        lexer->advance(lexer, false);
      }
      if (lexer->eof(lexer)) {
        lexer->mark_end(lexer);
        eof = true;
        break;
      }
      if (!is_eol_char(lexer->lookahead)) break;
      advance_eol(lexer, false);
      lexer->mark_end(lexer);
    }
    reset_line(s);
    s->flags |= F_AFTER_BLANK;
    s->flags &= (uint8_t)~F_CONTINUATION;
    /* Blank lines before a headline (or the end of the file) separate
     * articles: they are a `_gap`, outside of the article. */
    bool gap = eof;
    if (!gap && valid[GAP]) {
      read_line_ahead(lexer, &s->line, HEADLINE_READ_AHEAD);
      gap = headline_check(s, lexer);
    }
    if (gap && valid[GAP]) {
      lexer->result_symbol = GAP;
    } else if (valid[BLANK]) {
      lexer->result_symbol = BLANK;
    } else {
      lexer->result_symbol = GAP;
    }
    return true;
  }

  /* a non-blank line: zero-width classification token */
  lexer->mark_end(lexer);
  Line *l = &s->line;
  s->read_past_line = false;
  EntryList *list = &s->tmp;
  /* whether the line is a headline, once asked (asking reads on) */
  int headline = -1;
  if (after_blanks) {
    /* A dateline is never a headline (`headline_check`): a line that is
     * one in its window is no headline without reading it further, nor
     * the lines after it. */
    read_line_ahead(lexer, l, DATELINE_OPENING);
    bool dateline = dateline_in_opening(l, list);
    if (!dateline) {
      read_on_for_trailers(lexer, l);
      dateline = l->partial && dateline_tokens(lexer, l, list);
    }
    if (dateline) {
      headline = 0;
    } else {
      read_on(lexer, l, READ_AHEAD); /* as far as the headline's shape */
      headline = headline_check(s, lexer);
      if (headline) {
        headline_tokens(l, list);
        return start_line(s, lexer, HEADLINE_START, list);
      }
    }
  } else {
    read_line(lexer, l);
  }

  if (valid[HEADER_START]) {
    line_full(lexer, l);
    if (header_tokens(l, list)) return start_line(s, lexer, HEADER_START, list);
  }
  if (s->phase != PH_NONE) {
    if (valid[ISSUE_REF_START] && issue_ref_tokens(l, list)) {
      return start_line(s, lexer, ISSUE_REF_START, list);
    }
    if (valid[COPYRIGHT_START] && copyright_like(l)) {
      list_reset(list);
      add(list, COPYRIGHT, 0, REST);
      return start_line(s, lexer, COPYRIGHT_START, list);
    }
    if (valid[ENDS_START] && ends_like(l)) {
      list_reset(list);
      add(list, ENDS_MARKER, 0, REST);
      return start_line(s, lexer, ENDS_START, list);
    }
    if (valid[BYLINE_START] && byline_tokens(l, list)) {
      return start_line(s, lexer, BYLINE_START, list);
    }
  }
  if (s->phase == PH_AFTER_HEADLINE && valid[STANDFIRST_START] &&
      standfirst_like(l)) {
    line_full(lexer, l); /* its closing `>>` ends the line */
    standfirst_tokens(l, list);
    return start_line(s, lexer, STANDFIRST_START, list);
  }
  /* A dateline right after a headline (or standfirst), or before any
   * headline of the page: the page was cut from a paginated listing and
   * starts with an article whose headline is on the previous page. */
  if ((s->phase == PH_AFTER_HEADLINE || s->phase == PH_AFTER_STANDFIRST ||
       s->phase == PH_NONE) &&
      valid[DATELINE_START] && dateline_tokens(lexer, l, list)) {
    return start_line(s, lexer, DATELINE_START, list);
  }
  if (valid[HEADLINE_START] &&
      (s->flags & (F_AFTER_BLANK | F_PREV_TRAILER)) &&
      (headline < 0 ? headline_check(s, lexer) : headline)) {
    headline_tokens(l, list);
    return start_line(s, lexer, HEADLINE_START, list);
  }
  if (valid[TEXT] && !s->read_past_line && !l->truncated &&
      (l->partial || l->n == l->len)) {
    /* A plain paragraph's first line is its text token at once, read to
     * its end from where the classification stopped reading: the lexer
     * stands after a non-blank character (at the line end when the line
     * was read whole and has no trailing blanks). */
    lexer->mark_end(lexer);
    if (l->partial) consume_rest(lexer);
    start_line(s, lexer, PARAGRAPH_START, NULL);
    s->pos = REST;
    lexer->result_symbol = TEXT;
    return true;
  }
  if (valid[PARAGRAPH_START]) {
    return start_line(s, lexer, PARAGRAPH_START, NULL);
  }
  return false;
}

static bool scan(Scanner *s, TSLexer *lexer, const bool *valid) {
  if (valid[ERROR_SENTINEL]) return false;

  if (s->qhead < s->qlen) return emit_queued(s, lexer, valid);

  if (!(s->flags & F_IN_LINE)) return scan_line_start(s, lexer, valid);

  /* nothing left on this line */
  if (s->pos == REST || s->pos >= s->line_n) {
    return scan_newline(s, lexer, valid);
  }

  while (!at_eol(lexer) && is_ws(lexer->lookahead)) {
    lexer->advance(lexer, true);
  }
  if (!at_eol(lexer)) {
    if (!valid[TEXT]) return false;
    consume_rest(lexer);
    s->pos = REST;
    lexer->result_symbol = TEXT;
    return true;
  }
  return scan_newline(s, lexer, valid);
}

/* ------------------------------------------------------------------ */
/* API                                                                 */
/* ------------------------------------------------------------------ */

/* A text starts as if a trailer line stood before it. The language
 * server's store parses a long page in segments and cuts only after an
 * article ending with a trailer, where the whole page's parse is in this
 * same state for a headline line; keep the two in step. */
static void init_state(Scanner *s) {
  s->phase = PH_NONE;
  s->flags = F_PREV_TRAILER | F_AFTER_BLANK;
  s->pos = 0;
  s->line_n = 0;
  s->qhead = 0;
  s->qlen = 0;
}

void *tree_sitter_bulletin_external_scanner_create(void) {
  Scanner *s = (Scanner *)calloc(1, sizeof(Scanner));
  if (s) init_state(s);
  return s;
}

void tree_sitter_bulletin_external_scanner_destroy(void *payload) {
  free(payload);
}

unsigned tree_sitter_bulletin_external_scanner_serialize(void *payload,
                                                         char *buffer) {
  Scanner *s = (Scanner *)payload;
  unsigned n = 0;
  buffer[n++] = (char)s->phase;
  buffer[n++] = (char)s->flags;
  buffer[n++] = (char)(s->pos & 0xFF);
  buffer[n++] = (char)(s->pos >> 8);
  buffer[n++] = (char)(s->line_n & 0xFF);
  buffer[n++] = (char)(s->line_n >> 8);
  uint8_t count = (uint8_t)(s->qlen - s->qhead);
  buffer[n++] = (char)count;
  for (uint8_t k = s->qhead; k < s->qlen; k++) {
    const Entry *e = &s->q[k];
    buffer[n++] = (char)e->kind;
    buffer[n++] = (char)(e->start & 0xFF);
    buffer[n++] = (char)(e->start >> 8);
    buffer[n++] = (char)(e->end & 0xFF);
    buffer[n++] = (char)(e->end >> 8);
  }
  return n;
}

void tree_sitter_bulletin_external_scanner_deserialize(void *payload,
                                                       const char *buffer,
                                                       unsigned length) {
  Scanner *s = (Scanner *)payload;
  init_state(s);
  if (length < 7) return;
  const uint8_t *b = (const uint8_t *)buffer;
  s->phase = b[0];
  s->flags = b[1];
  s->pos = (uint16_t)(b[2] | (b[3] << 8));
  s->line_n = (uint16_t)(b[4] | (b[5] << 8));
  uint8_t count = b[6];
  if (count > MAXQ || 7u + 5u * count > length) count = 0;
  for (uint8_t k = 0; k < count; k++) {
    const uint8_t *p = b + 7 + 5 * k;
    s->q[k].kind = p[0];
    s->q[k].start = (uint16_t)(p[1] | (p[2] << 8));
    s->q[k].end = (uint16_t)(p[3] | (p[4] << 8));
  }
  s->qhead = 0;
  s->qlen = count;
}

bool tree_sitter_bulletin_external_scanner_scan(void *payload, TSLexer *lexer,
                                                const bool *valid_symbols) {
  return scan((Scanner *)payload, lexer, valid_symbols);
}
