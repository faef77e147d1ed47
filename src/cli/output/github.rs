//! GitHub Actions workflow commands: `::error file=…,line=…::message`, which
//! the runner turns into annotations on the pull request's diff.

use std::io::Write;

use super::{position, Report};
use bulletin_core::diagnostic::Severity;

/// Escapes a command's message (the part after `::`).
pub(super) fn escape_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            _ => out.push(ch),
        }
    }
    out
}

/// Escapes a property value (`file=`, `title=`): as data, plus the `:` and
/// `,` that separate properties and the message.
pub(super) fn escape_property(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' => out.push_str("%3A"),
            ',' => out.push_str("%2C"),
            _ => out.push(ch),
        }
    }
    out
}

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "notice",
    }
}

pub(super) fn emit(report: &Report<'_>, out: &mut dyn Write) -> anyhow::Result<()> {
    for (file, diagnostic) in report.diagnostics() {
        let start = position(file, diagnostic.range.start);
        let end = position(file, diagnostic.range.end);
        writeln!(
            out,
            "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            command(diagnostic.severity),
            escape_property(&file.name),
            start.line,
            start.column,
            end.line,
            end.column,
            escape_property(diagnostic.rule.name()),
            escape_data(&diagnostic.message),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the runner does: `%XX` back to the byte, for the escapes it knows.
    fn decode(text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(at) = rest.find('%') {
            out.push_str(&rest[..at]);
            let code = rest.get(at..at + 3).unwrap_or("");
            let decoded = match code {
                "%25" => '%',
                "%0D" => '\r',
                "%0A" => '\n',
                "%3A" => ':',
                "%2C" => ',',
                _ => panic!("unknown or bare escape in {text:?}"),
            };
            out.push(decoded);
            rest = &rest[at + 3..];
        }
        out.push_str(rest);
        out
    }

    /// Splits a workflow command into its name, properties and message the
    /// way the runner does: properties end at the first `::`, and are
    /// separated by `,`, each at its first `=`.
    fn parse(line: &str) -> (String, Vec<(String, String)>, String) {
        let rest = line.strip_prefix("::").expect("starts with ::");
        let (head, message) = rest.split_once("::").expect("has a message");
        let (name, properties) = head.split_once(' ').unwrap_or((head, ""));
        let properties = properties
            .split(',')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (key, value) = pair.split_once('=').expect("key=value");
                (key.to_string(), decode(value))
            })
            .collect();
        (name.to_string(), properties, decode(message))
    }

    const NASTY: &[&str] = &[
        "plain",
        "100% sure",
        "%25 already escaped",
        "a: b, c",
        "line one\nline two\r\nline three",
        "::error file=x::injected",
        "ends with %",
        "“quotes” — dashes, 🇰🇿 flags",
        "",
    ];

    #[test]
    fn data_round_trips_and_keeps_every_line_on_one_line() {
        for text in NASTY {
            let escaped = escape_data(text);
            assert!(
                !escaped.contains('\n') && !escaped.contains('\r'),
                "{escaped:?}"
            );
            assert_eq!(decode(&escaped), *text);
        }
    }

    #[test]
    fn properties_round_trip_and_never_break_the_command() {
        for text in NASTY {
            let escaped = escape_property(text);
            for forbidden in [':', ',', '\n', '\r'] {
                assert!(!escaped.contains(forbidden), "{escaped:?}");
            }
            assert_eq!(decode(&escaped), *text);
        }
    }

    #[test]
    fn a_whole_command_parses_back_to_what_went_in() {
        for file in NASTY {
            for message in NASTY {
                let line = format!(
                    "::warning file={},line=3,title={}::{}",
                    escape_property(file),
                    escape_property("rule: a, b"),
                    escape_data(message)
                );
                assert!(!line.contains('\n'));
                let (name, properties, decoded) = parse(&line);
                assert_eq!(name, "warning");
                assert_eq!(
                    properties,
                    vec![
                        ("file".to_string(), file.to_string()),
                        ("line".to_string(), "3".to_string()),
                        ("title".to_string(), "rule: a, b".to_string()),
                    ]
                );
                assert_eq!(decoded, *message);
            }
        }
    }
}
