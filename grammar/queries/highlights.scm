; Archive header
(archive_header) @markup.heading
(archive_kind) @keyword

; Headlines
(headline) @markup.heading
(kind_prefix) @keyword

(standfirst) @markup.italic

; Datelines
(place) @label
(month) @constant.builtin
(day) @number
(year) @number
(publication) @string.special
(dash) @punctuation.delimiter
(dateline
  [
    ","
    "/"
  ] @punctuation.delimiter)
(dateline
  [
    "("
    ")"
  ] @punctuation.bracket)

; Trailer lines
(ends_marker) @keyword
(byline) @attribute
(copyright) @comment

(issue_ref) @comment.documentation
(issue_kind) @keyword
(issue_number) @number
(junk) @error
