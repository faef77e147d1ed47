//! End-to-end tests of `bulletin lsp`: the real binary, spoken to over stdio
//! as an editor does.

#[path = "common/line_ends.rs"]
mod line_ends;
#[path = "common/lsp_client.rs"]
mod lsp_client;
#[path = "common/positions.rs"]
mod positions;

use std::path::Path;

use line_ends::with_line_ends;
use lsp_client::LspClient;
use positions::{line_count, line_text, offset, position, range_of, slice, Enc};
use serde_json::{json, Value};

const A: &str = "Tag Archives: Steppe Notes

Comment: Kazakhstan’s “new” budget — approved 🎉

ÖSKEMEN, JAN. 3 (The Bulletin) – Officials of the Shanghai Cooperation Organisation (SCO) met; the SCO © agreed 😀.

Copyright ©The Bulletin — all rights reserved

(News report from Issue No. 12, published on Jan. 10 2019)

Grain exports rise

ASTANA, FEBRUARY 3 2019 (The Bulletin) — Exports rose.

(News report from Issue No. 13, published on Feb. 8 2019)
";

const B: &str = "Rail link to open next year

BISHKEK, JAN. 7 2019 (The Bulletin) — A rail link will open next year.

(News report from Issue No. 12, published on Jan. 11 2019)
";

fn binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_bulletin"))
}

fn server() -> LspClient {
    LspClient::spawn(binary(), &["lsp", "--log-level", "warn"])
}

/// Applies LSP text edits (non-overlapping) to `text`.
fn apply(text: &str, edits: &[Value], enc: Enc) -> String {
    let mut edits: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|edit| {
            (
                offset(text, &edit["range"]["start"], enc),
                offset(text, &edit["range"]["end"], enc),
                edit["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    edits.sort_by_key(|edit| std::cmp::Reverse(edit.0));
    let mut out = text.to_string();
    for (start, end, new) in edits {
        out.replace_range(start..end, &new);
    }
    out
}

fn start(enc: Enc, root: Option<&str>) -> LspClient {
    let mut client = server();
    let offered: &[&str] = match enc {
        Enc::Utf8 => &["utf-8", "utf-16"],
        Enc::Utf16 => &["utf-16"],
    };
    let result = client.initialize(offered, root);
    let expected = if enc == Enc::Utf8 { "utf-8" } else { "utf-16" };
    assert_eq!(result["capabilities"]["positionEncoding"], expected);
    client
}

fn by_code<'a>(diagnostics: &'a [Value], code: &str) -> Vec<&'a Value> {
    diagnostics.iter().filter(|d| d["code"] == code).collect()
}

#[test]
fn diagnostics_have_exact_ranges_in_both_encodings() {
    for enc in [Enc::Utf16, Enc::Utf8] {
        let mut client = start(enc, None);
        let uri = "file:///tmp/nowhere/a.bulletin";
        client.open(uri, A);
        let diagnostics = client.diagnostics(uri, 1);
        let dash = by_code(&diagnostics, "dateline-dash");
        assert_eq!(dash.len(), 1, "{diagnostics:#?}");
        let dash = dash[0];
        assert_eq!(dash["range"], range_of(A, "–", 0, enc), "{enc:?}");
        assert_eq!(dash["source"], "bulletin");
        assert_eq!(dash["severity"], 2);
        assert!(dash["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .ends_with("/dateline-dash.md"));
        let edits = dash["data"]["fix"]["edits"].as_array().unwrap();
        assert_eq!(slice(A, &edits[0]["range"], enc), "–");
        assert_eq!(edits[0]["newText"], "—");

        let month = by_code(&diagnostics, "dateline-month-style");
        assert_eq!(month[0]["range"], range_of(A, "FEBRUARY", 0, enc));
        // A range on the line holding ’, “, — and an emoji.
        let kind = by_code(&diagnostics, "article-kind-mismatch");
        assert_eq!(kind.len(), 1);
        let underlined = slice(A, &kind[0]["range"], enc);
        assert!(
            A.lines().nth(2).unwrap().contains(underlined) && !underlined.is_empty(),
            "{underlined:?}"
        );
        assert_eq!(kind[0]["range"]["start"]["line"], 2);

        // Pull diagnostics agree with the pushed ones.
        let pulled = client.request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": uri}}),
        );
        assert_eq!(pulled["kind"], "full");
        assert_eq!(pulled["items"].as_array().unwrap(), &diagnostics);

        // Fix the dash with an incremental edit in the negotiated encoding.
        client.change(
            uri,
            2,
            json!([{"range": range_of(A, "–", 0, enc), "text": "—"}]),
        );
        let after = client.diagnostics(uri, 2);
        assert!(by_code(&after, "dateline-dash").is_empty(), "{after:#?}");
        assert_eq!(after.len(), diagnostics.len() - 1);
        assert!(client.shutdown().success());
    }
}

/// The same requests on an edited document and on a fresh one with the same text.
fn snapshot(client: &mut LspClient, uri: &str) -> Value {
    let diagnostics = client.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": uri}}),
    )["items"]
        .clone();
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let tokens = client.request(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": uri}}),
    )["data"]
        .clone();
    let folding = client.request(
        "textDocument/foldingRange",
        json!({"textDocument": {"uri": uri}}),
    );
    json!({"diagnostics": diagnostics, "symbols": symbols, "tokens": tokens, "folding": folding})
}

#[test]
fn incremental_edits_match_a_fresh_open() {
    for enc in [Enc::Utf16, Enc::Utf8] {
        let mut client = start(enc, None);
        let uri = "file:///tmp/nowhere/edit.bulletin";
        client.open(uri, A);
        client.diagnostics(uri, 1);
        let mut text = A.to_string();
        // Several edits, some in one notification: typing inside a multi-byte
        // line, a paragraph turned into a headline, and back.
        let steps: Vec<Vec<(&str, usize, &str)>> = vec![
            vec![
                ("approved 🎉", 0, "approved 🎉!"),
                ("Officials", 0, "Senior officials"),
            ],
            vec![("Copyright", 0, "Wheat harvest falls\n\nCopyright")],
            vec![("Wheat harvest falls\n\n", 0, "")],
            vec![("ASTANA, FEBRUARY", 0, "Farmers’ view\n\nASTANA, FEBRUARY")],
            vec![("Farmers’ view\n\n", 0, "")],
            vec![("\n\nGrain", 0, "\nGrain")],
            vec![("\nGrain", 0, "\n\nGrain")],
        ];
        for (step, changes) in steps.into_iter().enumerate() {
            let mut events = Vec::new();
            for (needle, nth, replacement) in changes {
                let start = text.match_indices(needle).nth(nth).unwrap().0;
                let range = json!({
                    "start": position(&text, start, enc),
                    "end": position(&text, start + needle.len(), enc),
                });
                events.push(json!({"range": range, "text": replacement}));
                text.replace_range(start..start + needle.len(), replacement);
            }
            let version = step as i64 + 2;
            client.change(uri, version, Value::Array(events));
            client.diagnostics(uri, version);
            let fresh_uri = format!("file:///tmp/nowhere/fresh{step}.bulletin");
            client.open(&fresh_uri, &text);
            client.diagnostics(&fresh_uri, 1);
            let edited = snapshot(&mut client, uri).to_string().replace(uri, "URI");
            let fresh = snapshot(&mut client, &fresh_uri)
                .to_string()
                .replace(&fresh_uri, "URI");
            assert_eq!(edited, fresh, "step {step} ({enc:?})");
        }
        assert_eq!(
            text,
            A.replace("approved 🎉", "approved 🎉!")
                .replace("Officials", "Senior officials")
        );
        assert!(client.shutdown().success());
    }
}

/// Every range in `value` (diagnostics, symbols, their children and
/// related information) lies on a line of `text`, its characters within
/// that line's text, and covers no line end.
fn assert_ranges_inside(text: &str, value: &Value, enc: Enc, what: &str) {
    let in_line = |position: &Value| {
        let line = position["line"].as_u64().unwrap() as usize;
        assert!(line < line_count(text), "{what}: line {line} in {position}");
        let units = match enc {
            Enc::Utf8 => line_text(text, line).len(),
            Enc::Utf16 => line_text(text, line).encode_utf16().count(),
        };
        let character = position["character"].as_u64().unwrap() as usize;
        assert!(
            character <= units,
            "{what}: character {character} on line {line} of {units} units"
        );
    };
    match value {
        Value::Object(object) => {
            if let (Some(start), Some(end)) = (object.get("start"), object.get("end")) {
                in_line(start);
                in_line(end);
                let covered = slice(text, value, enc);
                assert!(
                    !covered.contains(['\r', '\n']) || start["line"] != end["line"],
                    "{what}: {covered:?}"
                );
            }
            for child in object.values() {
                assert_ranges_inside(text, child, enc, what);
            }
        }
        Value::Array(items) => {
            for item in items {
                assert_ranges_inside(text, item, enc, what);
            }
        }
        _ => {}
    }
}

#[test]
fn lone_cr_and_mixed_line_ends_are_lines_in_both_encodings() {
    let cr = A.replace('\n', "\r");
    let mixed = with_line_ends(A, &["\r\n", "\r", "\n"]);
    // Every kind of line end: `\r\n`, lone `\r`, and `\n` after no `\r`.
    assert!(mixed.contains("\r\n") && mixed.contains("\r\r"));
    assert!(mixed
        .match_indices('\n')
        .any(|(at, _)| !mixed[..at].ends_with('\r')));
    for enc in [Enc::Utf16, Enc::Utf8] {
        let mut client = start(enc, None);
        let lf_uri = "file:///tmp/nowhere/lf.bulletin";
        client.open(lf_uri, A);
        client.diagnostics(lf_uri, 1);
        let lf = snapshot(&mut client, lf_uri)
            .to_string()
            .replace(lf_uri, "URI");
        for (name, text) in [("cr", &cr), ("mixed", &mixed)] {
            let uri = format!("file:///tmp/nowhere/{name}.bulletin");
            client.open(&uri, text);
            let diagnostics = client.diagnostics(&uri, 1);
            assert_ranges_inside(text, &Value::Array(diagnostics.clone()), enc, name);
            // The line ends are not in any column: the same answers as for the LF page.
            let mine = snapshot(&mut client, &uri);
            assert_eq!(mine.to_string().replace(&uri, "URI"), lf, "{name} {enc:?}");
            // On the right lines, underlining the right text.
            let dash = by_code(&diagnostics, "dateline-dash");
            assert_eq!(dash.len(), 1, "{diagnostics:#?}");
            assert_eq!(dash[0]["range"], range_of(text, "–", 0, enc), "{name}");
            assert_eq!(dash[0]["range"]["start"]["line"], 4);
            let kind = by_code(&diagnostics, "article-kind-mismatch");
            assert_eq!(kind[0]["range"]["start"]["line"], 2);
            assert_eq!(slice(text, &kind[0]["range"], enc), "Comment:");
            let month = by_code(&diagnostics, "dateline-month-style");
            assert_eq!(month[0]["range"], range_of(text, "FEBRUARY", 0, enc));
            assert_eq!(month[0]["range"]["start"]["line"], 12);

            let symbols = client.request(
                "textDocument/documentSymbol",
                json!({"textDocument": {"uri": uri}}),
            );
            assert_ranges_inside(text, &symbols, enc, name);
            let articles = symbols[0]["children"].as_array().unwrap();
            assert_eq!(articles.len(), 2, "{symbols}");
            assert_eq!(
                articles[0]["selectionRange"],
                range_of(
                    text,
                    "Comment: Kazakhstan’s “new” budget — approved 🎉",
                    0,
                    enc
                )
            );
            assert_eq!(articles[0]["range"]["start"]["line"], 2);
            assert_eq!(articles[0]["range"]["end"]["line"], 8);
            assert_eq!(articles[1]["range"]["start"]["line"], 10);
            assert_eq!(articles[1]["range"]["end"]["line"], 14);
            let issue_ref = &articles[0]["children"][1];
            assert_eq!(issue_ref["detail"], "issue reference");
            assert_eq!(
                slice(text, &issue_ref["range"], enc),
                "(News report from Issue No. 12, published on Jan. 10 2019)"
            );
        }

        // Incremental edits on the lone-CR page: an `\n` put after a lone
        // `\r` joins them into one line end, then the dash is fixed; the
        // answers are those of a fresh open of the same text.
        let uri = "file:///tmp/nowhere/cr.bulletin";
        let mut text = cr.clone();
        let after_header = text.find('\r').unwrap() + 1;
        let at = position(&text, after_header, enc);
        assert_eq!(at, json!({"line": 1, "character": 0}));
        client.change(
            uri,
            2,
            json!([{"range": {"start": at, "end": at}, "text": "\n"}]),
        );
        text.insert(after_header, '\n');
        client.diagnostics(uri, 2);
        let dash = range_of(&text, "–", 0, enc);
        assert_eq!(dash["start"]["line"], 4, "the joined pair is one line end");
        client.change(uri, 3, json!([{"range": dash, "text": "—"}]));
        text = text.replacen('–', "—", 1);
        let after = client.diagnostics(uri, 3);
        assert!(by_code(&after, "dateline-dash").is_empty(), "{after:#?}");
        assert_ranges_inside(&text, &Value::Array(after), enc, "edited");
        let fresh_uri = "file:///tmp/nowhere/cr-fresh.bulletin";
        client.open(fresh_uri, &text);
        client.diagnostics(fresh_uri, 1);
        assert_eq!(
            snapshot(&mut client, uri).to_string().replace(uri, "URI"),
            snapshot(&mut client, fresh_uri)
                .to_string()
                .replace(fresh_uri, "URI")
        );
        assert!(client.shutdown().success());
    }
}

#[test]
fn hover_symbols_tokens_folding_hints() {
    let enc = Enc::Utf16;
    let mut client = start(enc, None);
    let uri = "file:///tmp/nowhere/a.bulletin";
    client.open(uri, A);
    client.diagnostics(uri, 1);
    let hover = |client: &mut LspClient, needle: &str, nth: usize| {
        let at = A.match_indices(needle).nth(nth).unwrap().0 + 1;
        client.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": position(A, at, enc)}),
        )
    };
    let dateline = hover(&mut client, "JAN.", 0);
    let text = dateline["contents"]["value"].as_str().unwrap();
    assert!(text.contains("Thursday, January 3 2019"), "{text}");
    assert!(text.contains("Place: ÖSKEMEN"), "{text}");
    assert!(text.contains("Publication: The Bulletin"), "{text}");
    assert!(text.contains("7 days before issue 12"), "{text}");
    assert_eq!(
        slice(A, &dateline["range"], enc),
        "ÖSKEMEN, JAN. 3 (The Bulletin) –"
    );
    let acronym = hover(&mut client, "SCO", 1);
    let text = acronym["contents"]["value"].as_str().unwrap();
    assert!(
        text.starts_with("**Shanghai Cooperation Organisation** · organisation"),
        "{text}"
    );
    assert_eq!(acronym["range"], range_of(A, "SCO", 1, enc));
    let headline = hover(&mut client, "Grain", 0);
    let text = headline["contents"]["value"].as_str().unwrap();
    assert!(text.starts_with("**Grain exports rise**"), "{text}");
    assert!(
        text.contains("Issue 13, published Friday, February 8 2019"),
        "{text}"
    );
    let issue = hover(&mut client, "Issue No. 12", 0);
    let text = issue["contents"]["value"].as_str().unwrap();
    assert!(text.contains("**Issue 12**"), "{text}");
    assert!(
        text.contains("Published Thursday, January 10 2019"),
        "{text}"
    );

    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(symbols[0]["name"], "Steppe Notes");
    let articles = symbols[0]["children"].as_array().unwrap();
    assert_eq!(articles.len(), 2);
    assert_eq!(
        articles[0]["name"],
        "Kazakhstan’s “new” budget — approved 🎉"
    );
    assert_eq!(articles[0]["detail"], "2019-01-03 · ÖSKEMEN · Issue 12");
    assert_eq!(
        articles[0]["selectionRange"],
        range_of(
            A,
            "Comment: Kazakhstan’s “new” budget — approved 🎉",
            0,
            enc
        )
    );
    let children: Vec<&str> = articles[0]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|child| child["detail"].as_str().unwrap())
        .collect();
    assert_eq!(children, ["dateline", "issue reference"]);
    assert_eq!(articles[1]["detail"], "2019-02-03 · ASTANA · Issue 13");

    let folding = client.request(
        "textDocument/foldingRange",
        json!({"textDocument": {"uri": uri}}),
    );
    let lines: Vec<(u64, u64)> = folding
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["startLine"].as_u64().unwrap(),
                f["endLine"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(lines, [(2, 8), (10, 14)]);

    // Semantic tokens, decoded to absolute positions.
    let tokens = client.request(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": uri}}),
    );
    let data: Vec<u64> = tokens["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    let (mut line, mut col) = (0, 0);
    let mut decoded = Vec::new();
    for token in data.chunks(5) {
        if token[0] > 0 {
            col = 0;
        }
        line += token[0];
        col += token[1];
        decoded.push((line, col, token[2], token[3]));
    }
    let legend = [
        "headline",
        "keyword",
        "place",
        "month",
        "day",
        "year",
        "publication",
        "operator",
        "number",
        "issueDate",
        "byline",
    ];
    let named: Vec<(u64, u64, u64, &str)> = decoded
        .iter()
        .map(|&(l, c, len, t)| (l, c, len, legend[t as usize]))
        .collect();
    let headline_units = "Kazakhstan’s “new” budget — approved 🎉"
        .encode_utf16()
        .count() as u64;
    assert_eq!(
        &named[..8],
        &[
            (2, 0, 8, "keyword"),
            (2, 9, headline_units, "headline"), // 🎉 counts two UTF-16 units
            (4, 0, 7, "place"),
            (4, 9, 4, "month"),
            (4, 14, 1, "day"),
            (4, 17, 12, "publication"),
            (4, 31, 1, "operator"),
            (8, 28, 2, "number"),
        ]
    );
    let result_id = tokens["resultId"].as_str().unwrap().to_string();
    client.change(
        uri,
        2,
        json!([{"range": range_of(A, "Grain", 0, enc), "text": "Wheat and grain"}]),
    );
    let delta = client.request(
        "textDocument/semanticTokens/full/delta",
        json!({"textDocument": {"uri": uri}, "previousResultId": result_id}),
    );
    let edits = delta["edits"].as_array().unwrap();
    assert_eq!(edits.len(), 1, "{delta}");
    assert_eq!(edits[0]["deleteCount"], 5);

    // Inlay hint: the year of `JAN. 3` comes from the issue reference.
    let hints = client.request(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 20, "character": 0}}}),
    );
    assert_eq!(hints.as_array().unwrap().len(), 1, "{hints}");
    assert_eq!(hints[0]["label"], "2019");
    assert_eq!(hints[0]["position"], json!({"line": 4, "character": 15}));

    // Completion in the dateline offers AP months and publications.
    let items = client.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": {"line": 4, "character": 9}}),
    );
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["label"].as_str().unwrap())
        .collect();
    assert!(
        labels.contains(&"SEPT.") && labels.contains(&"MARCH"),
        "{labels:?}"
    );
    assert!(labels.contains(&"The Bulletin"), "{labels:?}");

    // Selection ranges grow from the month to the document.
    let selection = client.request(
        "textDocument/selectionRange",
        json!({"textDocument": {"uri": uri}, "positions": [position(A, A.find("JAN.").unwrap() + 1, enc)]}),
    );
    let mut chain = Vec::new();
    let mut node = &selection[0];
    while !node.is_null() {
        chain.push(slice(A, &node["range"], enc).to_string());
        node = &node["parent"];
    }
    assert_eq!(chain[0], "JAN.");
    assert_eq!(chain[1], "ÖSKEMEN, JAN. 3 (The Bulletin) –");
    assert!(chain[2].starts_with("ÖSKEMEN") && chain[2].ends_with("met; the SCO © agreed 😀."));
    assert!(chain[3].starts_with("Comment:") && chain[3].ends_with("2019)"));
    assert_eq!(chain.len(), 5);
    assert!(client.shutdown().success());
}

#[test]
fn code_actions_fix_one_and_all() {
    for enc in [Enc::Utf16, Enc::Utf8] {
        let mut client = start(enc, None);
        let uri = "file:///tmp/nowhere/a.bulletin";
        client.open(uri, A);
        let diagnostics = client.diagnostics(uri, 1);
        let dash = by_code(&diagnostics, "dateline-dash")[0].clone();
        let actions = client.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": dash["range"], "context": {"diagnostics": [dash]}}),
        );
        let quick: Vec<&Value> = actions
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["kind"] == "quickfix")
            .collect();
        assert_eq!(quick.len(), 1, "{actions:#}");
        let edits = quick[0]["edit"]["changes"][uri].as_array().unwrap();
        let fixed = apply(A, edits, enc);
        assert_eq!(fixed, A.replacen("–", "—", 1));

        let all = client.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
        );
        let all = all.as_array().unwrap();
        assert_eq!(all.len(), 1, "{all:#?}");
        assert_eq!(all[0]["kind"], "source.fixAll.bulletin");
        let edits = all[0]["edit"]["changes"][uri].as_array().unwrap();
        assert_eq!(edits.len(), 1);
        let fixed = apply(A, edits, enc);
        assert_eq!(fixed, A.replacen("–", "—", 1).replace("FEBRUARY", "FEB."));
        assert!(client.shutdown().success());
    }
}

#[test]
fn workspace_index_cross_file_rules_navigation_and_settings() {
    let dir = tempfile::tempdir().unwrap();
    let a_path = dir.path().join("a.bulletin");
    let b_path = dir.path().join("b.bulletin");
    std::fs::write(&a_path, A).unwrap();
    std::fs::write(&b_path, B).unwrap();
    let root = format!("file://{}", dir.path().display());
    let a_uri = format!("file://{}", a_path.display());
    let b_uri = format!("file://{}", b_path.display());
    let mut client = start(Enc::Utf16, Some(&root));
    // Indexing reports progress: begin … end.
    client.wait_for(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end");
    client.open(&a_uri, A);
    let conflict = loop {
        let message = client.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == a_uri.as_str()
        });
        let diagnostics = message["params"]["diagnostics"].as_array().unwrap().clone();
        if let Some(found) = diagnostics
            .iter()
            .find(|d| d["code"] == "issue-date-conflict")
        {
            break found.clone();
        }
    };
    assert_eq!(
        conflict["range"],
        range_of(A, "Jan. 10 2019", 0, Enc::Utf16)
    );
    let related = &conflict["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], b_uri.as_str());
    assert_eq!(
        related["location"]["range"],
        range_of(B, "Jan. 11 2019", 0, Enc::Utf16)
    );

    // Workspace diagnostics cover the file that is not open.
    let report = client.request("workspace/diagnostic", json!({"previousResultIds": []}));
    let b_report = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["uri"] == b_uri.as_str())
        .unwrap()
        .clone();
    assert!(by_code(b_report["items"].as_array().unwrap(), "issue-date-conflict").len() == 1);

    // Definition from an issue reference: every article of issue 12.
    let at = A.find("Issue No. 12").unwrap() + 11;
    let found = client.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": a_uri}, "position": position(A, at, Enc::Utf16)}),
    );
    let uris: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["uri"].as_str().unwrap())
        .collect();
    assert_eq!(uris, [a_uri.as_str(), b_uri.as_str()]);
    assert_eq!(
        found[1]["range"],
        range_of(B, "Rail link to open next year", 0, Enc::Utf16)
    );
    // From an acronym to its definition.
    let at = A.match_indices("SCO").nth(1).unwrap().0;
    let found = client.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": a_uri}, "position": position(A, at, Enc::Utf16)}),
    );
    assert_eq!(
        found[0]["range"],
        range_of(A, "Shanghai Cooperation Organisation (SCO)", 0, Enc::Utf16)
    );

    // Hover on the issue names the other article of the issue.
    let at = A.find("Issue No. 12").unwrap() + 1;
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": a_uri}, "position": position(A, at, Enc::Utf16)}),
    );
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(
        text.contains("- Rail link to open next year (b.bulletin)"),
        "{text}"
    );

    // Workspace symbols, fuzzy.
    let symbols = client.request("workspace/symbol", json!({"query": "raillink"}));
    assert_eq!(symbols[0]["name"], "Rail link to open next year");

    // Settings turn a rule off.
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"bulletin": {"rules": {"dateline-dash": "off"}}}}),
    );
    let quiet = loop {
        let message = client.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == a_uri.as_str()
        });
        let diagnostics = message["params"]["diagnostics"].as_array().unwrap().clone();
        if by_code(&diagnostics, "dateline-dash").is_empty() {
            break diagnostics;
        }
    };
    assert!(!by_code(&quiet, "dateline-month-style").is_empty());
    assert!(client.shutdown().success());
}

#[test]
fn exit_status_follows_the_shutdown_protocol() {
    let client = start(Enc::Utf16, None);
    let started = std::time::Instant::now();
    let status = client.shutdown();
    assert_eq!(status.code(), Some(0));
    assert!(started.elapsed() < std::time::Duration::from_secs(1));

    let mut client = start(Enc::Utf16, None);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit().code(), Some(1));
}

/// A client that pulls diagnostics gets them only by pulling: pushing as
/// well would make editors such as VS Code and Neovim show every finding twice.
#[test]
fn a_pulling_client_is_not_pushed_to() {
    let mut client = server();
    let init = client.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": null,
            "capabilities": {
                "textDocument": {"diagnostic": {"dynamicRegistration": false}},
                "workspace": {"diagnostics": {"refreshSupport": true}}
            }
        }),
    );
    assert_eq!(
        init["capabilities"]["diagnosticProvider"]["identifier"],
        "bulletin"
    );
    client.notify("initialized", json!({}));
    let uri = "file:///pull/page.bulletin";
    let text = "Grain exports rise\n\nALMATY, MARCH 10 2017 (The Conway Bulletin) – Grain exports rose.\n\n(News report from Issue No. 320, published on March 13 2017)\n";
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "bulletin", "version": 1, "text": text}}),
    );
    let pulled = client.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": uri}}),
    );
    let items = pulled["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(by_code(&items, "dateline-dash").len(), 1, "{pulled:#}");
    // Give a push every chance to arrive (the debounce is a few milliseconds),
    // then make sure none did.
    std::thread::sleep(std::time::Duration::from_millis(300));
    client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}),
    );
    let pushed = client
        .backlog
        .iter()
        .filter(|message| {
            message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"] == uri
        })
        .count();
    assert_eq!(pushed, 0);
}
