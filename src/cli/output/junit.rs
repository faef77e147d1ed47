//! JUnit XML, which GitLab, Jenkins and most CI dashboards show as test
//! results: one test case per file, one `<failure>` per diagnostic.

use std::io::Write;

use super::Report;

/// Escapes text for XML 1.0 content and attribute values. Characters XML
/// 1.0 cannot carry at all (most C0 controls) become U+FFFD; tabs and line
/// breaks become character references, so attribute normalisation keeps them.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            _ => out.push(ch),
        }
    }
    out
}

/// One test case per file; a `<failure>` per finding that fails the check
/// as the exit code has it (errors, and warnings under
/// `--warnings-as-errors`). Other findings are listed in the case's
/// `<system-out>`, so a green run stays green on the dashboard.
pub(super) fn emit(report: &Report<'_>, out: &mut dyn Write) -> anyhow::Result<()> {
    let tests = report.shown_files();
    let failures: usize = report
        .files
        .iter()
        .flat_map(|file| file.diagnostics())
        .filter(|diagnostic| report.fails(diagnostic))
        .count();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="bulletin" tests="{tests}" failures="{failures}" errors="0">"#
    )?;
    writeln!(
        out,
        r#"  <testsuite name="bulletin" tests="{tests}" failures="{failures}" errors="0" skipped="0">"#
    )?;
    for file in report.files.iter().filter(|file| file.shown) {
        let name = escape(&file.name);
        if file.findings.is_empty() {
            writeln!(
                out,
                r#"    <testcase name="{name}" classname="bulletin" file="{name}"/>"#
            )?;
            continue;
        }
        writeln!(
            out,
            r#"    <testcase name="{name}" classname="bulletin" file="{name}">"#
        )?;
        let mut others = Vec::new();
        for diagnostic in &file.diagnostics() {
            let body = super::concise_line(file, diagnostic);
            if !report.fails(diagnostic) {
                others.push(body);
                continue;
            }
            writeln!(
                out,
                r#"      <failure message="{}" type="{}">{}</failure>"#,
                escape(&diagnostic.message),
                diagnostic.rule.name(),
                escape(&body)
            )?;
        }
        if !others.is_empty() {
            writeln!(
                out,
                "      <system-out>{}</system-out>",
                escape(&others.join("\n"))
            )?;
        }
        writeln!(out, "    </testcase>")?;
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::escape;

    /// Undoes the escapes (the five entities and numeric references).
    fn unescape(text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(at) = rest.find('&') {
            out.push_str(&rest[..at]);
            let end = rest[at..]
                .find(';')
                .map(|end| at + end)
                .expect("terminated");
            let entity = &rest[at + 1..end];
            out.push(match entity {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                _ => {
                    let number = entity.strip_prefix('#').expect("numeric reference");
                    char::from_u32(number.parse().expect("decimal")).expect("a char")
                }
            });
            rest = &rest[end + 1..];
        }
        out.push_str(rest);
        out
    }

    #[test]
    fn escapes_markup_and_round_trips() {
        for text in [
            "a < b && c > \"d\" 'e'",
            "line\nbreak\r\n\ttab",
            "“smart” — 🇰🇿",
            "]]> <![CDATA[",
        ] {
            let escaped = escape(text);
            for forbidden in ['<', '>', '"', '\'', '\n', '\r', '\t'] {
                assert!(!escaped.contains(forbidden), "{escaped}");
            }
            assert_eq!(unescape(&escaped), text);
        }
        assert_eq!(escape("bell\u{7}"), "bell\u{fffd}");
    }
}
