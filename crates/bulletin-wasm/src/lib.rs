//! bulletin in the browser: the analysis library behind four functions that
//! JavaScript calls through wasm-bindgen.
//!
//! Nothing is judged here. `check` runs the library's `check_files` on one
//! text exactly as `bulletin check` runs it on one file, and both serialise
//! the library's own record (`bulletin_core::report`), so the browser and
//! `bulletin check --format json` cannot drift. The plain functions
//! (`check_json`, `symbols_json`, `apply_fixes_text`, `hover_at`) are the
//! whole logic and are tested on the host; the `#[wasm_bindgen]` exports
//! only turn their JSON into JavaScript values.

use std::path::Path;

use bulletin_core::analysis::{self, SourceFile};
use bulletin_core::config::Config;
use bulletin_core::diagnostic::Diagnostic;
use bulletin_core::line_index::LineIndex;
use bulletin_core::outline;
use bulletin_core::report::{DiagnosticRecord, Located, OutlineRecord};
use serde::Serialize;
use wasm_bindgen::prelude::*;

mod hover;
mod utf16;

pub use hover::{hover_at, HoverRecord};

/// The configuration the text of a `bulletin.toml` sets (defaults when it
/// is blank), or what is wrong with it.
pub fn config_from(config_toml: &str) -> Result<Config, String> {
    if config_toml.trim().is_empty() {
        return Ok(Config::default());
    }
    Config::from_text(config_toml).map_err(|err| format!("bulletin.toml: {err}"))
}

/// The findings of `text`, checked on its own as a file called `name`, in
/// the order `bulletin check` reports them.
pub fn diagnostics(text: &str, name: &str, config: &Config) -> Vec<Diagnostic> {
    let file = SourceFile {
        name: name.to_string(),
        path: Some(Path::new(name)),
        text,
        config,
    };
    analysis::check_files(std::slice::from_ref(&file))
        .pop()
        .map(|checked| checked.diagnostics)
        .unwrap_or_default()
}

/// The records `bulletin check --format json` prints for `text` as `name`.
pub fn check_records(
    text: &str,
    name: &str,
    config_toml: &str,
) -> Result<Vec<DiagnosticRecord>, String> {
    let config = config_from(config_toml)?;
    let index = LineIndex::new(text);
    let located = Located {
        text,
        index: &index,
    };
    Ok(diagnostics(text, name, &config)
        .iter()
        .map(|diagnostic| {
            DiagnosticRecord::new(name, &|offset| located.position(offset), diagnostic)
        })
        .collect())
}

/// `check_records` as the JSON array `bulletin check --format json` prints.
pub fn check_json(text: &str, name: &str, config_toml: &str) -> Result<String, String> {
    to_json(&check_records(text, name, config_toml)?)
}

/// The outline `bulletin symbols --format json` prints for `text`.
pub fn symbols_record(text: &str) -> OutlineRecord {
    let (_, analysis) = analysis::analyze(text, &Config::default());
    let index = LineIndex::new(text);
    OutlineRecord::new(&outline::outline(&analysis.document, text, &index))
}

pub fn symbols_json(text: &str) -> Result<String, String> {
    to_json(&symbols_record(text))
}

/// `text` with fixes applied: with no `rules`, exactly what `bulletin check
/// --fix` writes (safe fixes, checked and fixed again until nothing
/// changes); with `rules`, the safe fixes of those rules' findings, once.
pub fn apply_fixes_text(text: &str, rules: &[String], config_toml: &str) -> Result<String, String> {
    let config = config_from(config_toml)?;
    if rules.is_empty() {
        return Ok(bulletin_core::fix::fix_text(text, &config, None, false).text);
    }
    let wanted: Vec<Diagnostic> = diagnostics(text, "", &config)
        .into_iter()
        .filter(|diagnostic| rules.iter().any(|rule| rule == diagnostic.rule.name()))
        .collect();
    Ok(bulletin_core::fix::apply_fixes(text, &wanted, false).0)
}

fn to_json(value: &impl Serialize) -> Result<String, String> {
    serde_json::to_string(value).map_err(|err| err.to_string())
}

fn to_js(json: Result<String, String>) -> Result<JsValue, JsError> {
    let json = json.map_err(|message| JsError::new(&message))?;
    js_sys::JSON::parse(&json).map_err(|_| JsError::new("the result is not JSON"))
}

/// `bulletin check --format json` on `text` as the file `name`, with
/// `config_toml` as its `bulletin.toml` (blank for the defaults): the same
/// array of findings. Throws when the configuration is not valid.
#[wasm_bindgen]
pub fn check(text: &str, name: &str, config_toml: Option<String>) -> Result<JsValue, JsError> {
    to_js(check_json(
        text,
        name,
        config_toml.as_deref().unwrap_or_default(),
    ))
}

/// `bulletin symbols --format json` on `text`: the title and the articles.
#[wasm_bindgen]
pub fn symbols(text: &str) -> Result<JsValue, JsError> {
    to_js(symbols_json(text))
}

/// What the editor shows on hovering `offset` (a JavaScript string index,
/// in UTF-16 code units), with the range it is about (same units), or
/// `null` when nothing there has anything to say.
#[wasm_bindgen]
pub fn hover(text: &str, offset: usize, config_toml: Option<String>) -> Result<JsValue, JsError> {
    let config = config_from(config_toml.as_deref().unwrap_or_default())
        .map_err(|message| JsError::new(&message))?;
    match hover_at(text, offset, &config) {
        None => Ok(JsValue::NULL),
        Some(record) => to_js(to_json(&record)),
    }
}

/// `text` with fixes applied: every safe fix as `bulletin check --fix`
/// applies them when `rules` (an array of rule names) is empty, else the
/// safe fixes of those rules' findings.
#[wasm_bindgen]
pub fn apply_fixes(
    text: &str,
    rules: Vec<String>,
    config_toml: Option<String>,
) -> Result<String, JsError> {
    apply_fixes_text(text, &rules, config_toml.as_deref().unwrap_or_default())
        .map_err(|message| JsError::new(&message))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "Category Archives: Steppe\n\nGrain barges return to the Ili\n\nALMATY, MAY 3  2021 (The Conway Bulletin) – Barges carried grain down the Ili river for the first time in years, the Shanghai Cooperation Organisation (SCO) said.\n\nThe SCO said more would follow.\n\n(News report from Issue No. 500, published on May 7 2021)\n";

    #[test]
    fn check_reports_the_dash_and_the_space_with_their_fixes() {
        let records = check_records(PAGE, "steppe.bulletin", "").unwrap_or_default();
        let rules: Vec<&str> = records.iter().map(|record| record.rule).collect();
        assert_eq!(rules, ["dateline-spacing", "dateline-dash"]);
        assert!(records
            .iter()
            .all(|record| record.path == "steppe.bulletin"));
        let dash = &records[1];
        assert_eq!((dash.start.line, dash.start.column), (5, 43));
        assert_eq!(dash.fix.as_ref().map(|fix| fix.applicability), Some("safe"));
    }

    #[test]
    fn the_configuration_turns_rules_off_and_bad_toml_is_an_error() {
        let off = "[rules]\ndateline-dash = \"off\"\n";
        let records = check_records(PAGE, "steppe.bulletin", off).unwrap_or_default();
        let rules: Vec<&str> = records.iter().map(|record| record.rule).collect();
        assert_eq!(rules, ["dateline-spacing"]);
        let err = check_json(PAGE, "steppe.bulletin", "[rules\n").err();
        assert!(err.is_some_and(|message| message.starts_with("bulletin.toml:")));
    }

    #[test]
    fn check_json_is_the_array_of_records() {
        let json = check_json(PAGE, "x.bulletin", "").unwrap_or_default();
        assert!(json.starts_with("[{\"path\":\"x.bulletin\",\"rule\":\"dateline-spacing\""));
        assert_eq!(check_json("", "empty.bulletin", "").as_deref(), Ok("[]"));
    }

    #[test]
    fn symbols_lists_the_title_and_the_article() {
        let outline = symbols_record(PAGE);
        assert_eq!(outline.title.as_deref(), Some("Steppe"));
        assert_eq!(outline.articles.len(), 1);
        assert_eq!(
            outline.articles[0].headline,
            "Grain barges return to the Ili"
        );
        assert_eq!(outline.articles[0].issue, Some(500));
    }

    #[test]
    fn apply_fixes_fixes_only_the_rules_named() {
        let dash_only =
            apply_fixes_text(PAGE, &["dateline-dash".to_string()], "").unwrap_or_default();
        assert!(dash_only.contains("Bulletin) — Barges"));
        assert!(dash_only.contains("MAY 3  2021"));
        let all = apply_fixes_text(PAGE, &[], "").unwrap_or_default();
        assert!(all.contains("Bulletin) — Barges") && all.contains("MAY 3 2021"));
        assert_eq!(
            check_records(&all, "x", "").map(|records| records.len()),
            Ok(0)
        );
    }
}
