//! SARIF 2.1.0, the static analysis interchange format that GitHub code
//! scanning, GitLab and many IDEs read. Columns are 1-based and counted in
//! Unicode scalar values, as in the JSON output; the run says so with
//! `columnKind: "unicodeCodePoints"` (SARIF's default is UTF-16 code units).

use std::io::Write;

use serde_json::{json, Value};

use super::{position, Report, ReportFile};
use bulletin_core::diagnostic::{Diagnostic, Severity};
use bulletin_core::rules::Rule;
use bulletin_core::text_range::TextRange;

pub(super) const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

/// The rule's first paragraph, without Markdown emphasis: "Flags … Default
/// severity: warning. Fix: safe."
fn full_description(rule: Rule) -> String {
    rule.explanation()
        .split("\n\n")
        .map(str::trim)
        .find(|paragraph| !paragraph.is_empty() && !paragraph.starts_with('#'))
        .unwrap_or(rule.summary())
        .replace("**", "")
        .replace('\n', " ")
}

/// `PascalCase` of the rule's name, SARIF's convention for `name`.
fn pascal_case(name: &str) -> String {
    name.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect::<String>()
            })
        })
        .collect()
}

fn rule_descriptor(rule: Rule) -> Value {
    json!({
        "id": rule.name(),
        "name": pascal_case(rule.name()),
        "shortDescription": { "text": rule.summary() },
        "fullDescription": { "text": full_description(rule) },
        "help": { "text": rule.explanation(), "markdown": rule.explanation() },
        "helpUri": rule.doc_url(),
        "defaultConfiguration": { "level": level(rule.default_severity()) },
        "properties": {
            "fix": rule.fix_availability().as_str(),
        },
    })
}

/// A relative URI reference for a path as shown: forward slashes, no `./`,
/// and everything but unreserved characters and `/` percent-encoded.
pub(super) fn relative_uri(name: &str) -> String {
    let cwd = std::env::current_dir().ok();
    let path = std::path::Path::new(name);
    let relative = match &cwd {
        Some(cwd) if path.is_absolute() => path.strip_prefix(cwd).unwrap_or(path),
        _ => path,
    };
    let mut text = relative.to_string_lossy().into_owned();
    if cfg!(windows) {
        text = text.replace('\\', "/");
    }
    let mut text = text.as_str();
    while let Some(rest) = text.strip_prefix("./") {
        text = rest;
    }
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn region(file: &ReportFile<'_>, range: TextRange) -> Value {
    let start = position(file, range.start);
    let end = position(file, range.end);
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    })
}

fn physical_location(file: &ReportFile<'_>, range: TextRange) -> Value {
    json!({
        "artifactLocation": { "uri": relative_uri(&file.name) },
        "region": region(file, range),
    })
}

fn result(report: &Report<'_>, file: &ReportFile<'_>, diagnostic: &Diagnostic) -> Value {
    let rule_index = Rule::ALL
        .iter()
        .position(|rule| *rule == diagnostic.rule)
        .unwrap_or_default();
    let mut result = json!({
        "ruleId": diagnostic.rule.name(),
        "ruleIndex": rule_index,
        "level": level(diagnostic.severity),
        "message": { "text": &*diagnostic.message },
        "locations": [{ "physicalLocation": physical_location(file, diagnostic.range) }],
    });
    let related: Vec<Value> = diagnostic
        .related
        .iter()
        .enumerate()
        .filter_map(|(id, related)| {
            let target = match related.file {
                None => file,
                Some(other) => report.files.get(other.0 as usize)?,
            };
            Some(json!({
                "id": id,
                "physicalLocation": physical_location(target, related.range),
                "message": { "text": related.message },
            }))
        })
        .collect();
    if !related.is_empty() {
        result["relatedLocations"] = Value::Array(related);
    }
    if let Some(fix) = &diagnostic.fix {
        let replacements: Vec<Value> = fix
            .edits
            .iter()
            .map(|edit| {
                json!({
                    "deletedRegion": region(file, edit.range),
                    "insertedContent": { "text": edit.replacement },
                })
            })
            .collect();
        result["fixes"] = json!([{
            "description": { "text": fix.description },
            "artifactChanges": [{
                "artifactLocation": { "uri": relative_uri(&file.name) },
                "replacements": replacements,
            }],
        }]);
    }
    result
}

pub(super) fn document(report: &Report<'_>) -> Value {
    let results: Vec<Value> = report
        .diagnostics()
        .map(|(file, diagnostic)| result(report, file, &diagnostic))
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "bulletin",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/bulletin-markup/bulletin",
                    "rules": Rule::ALL.map(rule_descriptor).to_vec(),
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

pub(super) fn emit(report: &Report<'_>, out: &mut dyn Write) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &document(report))?;
    writeln!(out)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_uris() {
        assert_eq!(pascal_case("dateline-dash"), "DatelineDash");
        assert_eq!(relative_uri("./a b/ü.bulletin"), "a%20b/%C3%BC.bulletin");
        assert_eq!(relative_uri("a/b:c.bulletin"), "a/b%3Ac.bulletin");
        assert!(!full_description(Rule::DatelineDash).contains("**"));
        assert!(full_description(Rule::DatelineDash).starts_with("Flags"));
    }
}
