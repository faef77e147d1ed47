/**
 * @file Tree-sitter grammar for "bulletin markup": plain-text archive pages
 *       of a weekly regional news bulletin.
 * @license MIT OR Apache-2.0
 *
 * Almost all of the work is done by the external scanner (src/scanner.c):
 * it classifies every line (header, headline, standfirst, dateline
 * paragraph, plain paragraph, trailer lines) and splits the structured
 * lines into tokens. Each classified line begins with a zero-width hidden
 * token (`_xxx_start`) telling the parser what kind of line follows; the
 * rules below are deliberately permissive so that whatever the scanner emits
 * always yields a tree without ERROR nodes.
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

module.exports = grammar({
  name: 'bulletin',

  // Whitespace, newlines and a BOM are skipped by the scanner itself; these
  // extras only matter for trailing whitespace / newlines at EOF.
  extras: _ => [/[ \t\r\n\u00A0\uFEFF]/],

  externals: $ => [
    // line structure
    $._blank, // one or more blank / whitespace-only lines inside an article
    $._gap, // blank lines followed by a headline or by the end of the file
    $._eol, // end of a line that ends an element (or zero-width at EOF)
    $._line_break, // newline inside a multi-line paragraph
    // zero-width line classifiers
    $._header_start,
    $._headline_start,
    $._standfirst_start,
    $._paragraph_start,
    $._dateline_start,
    $._issue_ref_start,
    $._byline_start,
    $._copyright_start,
    $._ends_start,
    // content tokens
    $.text,
    $.archive_kind,
    $.archive_title,
    $.kind_prefix,
    $.headline_text,
    $.standfirst_text,
    $.place,
    $.month,
    $.day,
    $.year,
    $.publication,
    $.dash,
    $._range_slash,
    $._date_comma,
    $.issue_kind,
    $.issue_number,
    $._words,
    $.junk,
    $.byline_name,
    $.byline_role,
    $.copyright,
    $.ends_marker,
    // anonymous punctuation
    ':',
    ',',
    '/',
    '(',
    ')',
    '>>',
    '>',
    '—',
    '–',
    '-',
    'By',
    $._error_sentinel,
  ],

  rules: {
    document: $ => seq(
      optional(seq($.archive_header, $._eol)),
      repeat(choice(
        $._blank,
        $._gap,
        seq(alias($._plain_paragraph, $.paragraph), $._eol),
        $.article,
      )),
    ),

    archive_header: $ => seq(
      $._header_start,
      field('kind', $.archive_kind),
      ':',
      optional(field('title', $.archive_title)),
    ),

    // Blank lines after the last element of an article are not part of it
    // (the scanner emits them as `_gap`), so an article ends exactly at its
    // last element.
    // An article normally starts with its headline; on a page cut from a
    // paginated listing the first article may start with its lead paragraph
    // (the headline is on the previous page).
    article: $ => prec.right(seq(
      choice(
        seq(field('headline', $.headline), $._eol),
        seq(alias($._dateline_paragraph, $.paragraph), $._eol),
      ),
      repeat(choice(
        $._blank,
        seq($.standfirst, $._eol),
        seq($.paragraph, $._eol),
        seq($._ends_start, $.ends_marker, $._eol),
        seq($.byline, $._eol),
        seq($._copyright_start, $.copyright, $._eol),
        seq($.issue_ref, $._eol),
      )),
    )),

    headline: $ => seq(
      $._headline_start,
      optional(field('kind', $.kind_prefix)),
      optional(field('text', $.headline_text)),
    ),

    standfirst: $ => seq(
      $._standfirst_start,
      '>>',
      optional(field('text', $.standfirst_text)),
      optional('>>'),
    ),

    paragraph: $ => choice($._plain_paragraph, $._dateline_paragraph),

    // The scanner gives a plain paragraph's first line as its `text` at
    // once (read while the line is classified); `_paragraph_start` only
    // where it cannot (a line with trailing blanks, or read past).
    _plain_paragraph: $ => seq(
      optional($._paragraph_start),
      $.text,
      repeat(seq($._line_break, $.text)),
    ),

    _dateline_paragraph: $ => seq(
      field('dateline', $.dateline),
      optional($.text),
      repeat(seq($._line_break, $.text)),
    ),

    dateline: $ => seq(
      $._dateline_start,
      repeat1(choice(
        field('place', $.place),
        field('date', $.date),
        seq('(', optional(field('publication', $.publication)), optional(')')),
        field('dash', $.dash),
        ',',
        '/',
      )),
    ),

    date: $ => seq(
      field('month', $.month),
      field('day', $.day),
      optional(seq(alias($._range_slash, '/'), field('day', $.day))),
      optional(seq(optional(alias($._date_comma, ',')), field('year', $.year))),
    ),

    issue_ref: $ => seq(
      $._issue_ref_start,
      repeat1(choice(
        field('kind', $.issue_kind),
        field('number', $.issue_number),
        field('date', $.date),
        field('publication', $.publication),
        field('junk', $.junk),
        $._words,
        '(',
        ')',
        '>>',
        '>',
        '—',
        '–',
        '-',
      )),
    ),

    byline: $ => seq(
      $._byline_start,
      repeat(choice('—', '–', '-')),
      'By',
      field('name', $.byline_name),
      optional(seq(',', optional(field('role', $.byline_role)))),
    ),
  },
});
