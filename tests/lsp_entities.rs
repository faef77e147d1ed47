//! End-to-end tests of the entity features of `bulletin lsp`: hover,
//! definition, references, rename, highlights, workspace symbols and the
//! diagnostics of `entities.toml`, over stdio with the real binary.

#[path = "common/lsp_client.rs"]
mod lsp_client;
#[path = "common/positions.rs"]
mod positions;

use std::collections::BTreeSet;
use std::path::Path;

use lsp_client::LspClient;
use positions::Enc::Utf16;
use positions::{offset, position, range_of, slice};
use serde_json::{json, Value};

const A: &str = "Steppe ministers agree grain corridor

ALMATY, MARCH 4 2019 (The Bulletin) — Ministers of the Caspian Grain Council (CGC) met on Monday. Council chairman Daniyar Omarov said the CGC would build new silos.

Mr Omarov said Kazakhstan would share the cost. Mr Berdimuhamedov sent greetings. The Shanghai Cooperation Organisation (SCO) backed the plan, and the SCO will meet again in June.

(News report from Issue No. 20, published on March 8 2019)
";

const B: &str = "Regional bloc opens office

BISHKEK, MARCH 12 2019 (The Bulletin) — The Shanghai Cooperation Organization (SCO) said on Tuesday that it would open an office here. The SCO has eight members.

(News report from Issue No. 21, published on March 15 2019)
";

const C: &str = "Rail consortium signs deal

ASTANA, APRIL 2 2019 (The Bulletin) — The Northern Rail Consortium (NRC) signed a deal on Monday.

(News report from Issue No. 22, published on April 5 2019)
";

const D: &str = "Rail consortium hires staff

ASTANA, APRIL 9 2019 (The Bulletin) — The National Rail Company (NRC) hired staff on Monday.

(News report from Issue No. 23, published on April 12 2019)
";

const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/corpus/sco-tag-archive.txt"
);

fn server() -> LspClient {
    let mut client = LspClient::spawn(
        Path::new(env!("CARGO_BIN_EXE_bulletin")),
        &["lsp", "--log-level", "warn"],
    );
    client.initialize(&["utf-16"], None);
    client
}

/// The position one character inside the `nth` occurrence of `needle`.
fn at(text: &str, needle: &str, nth: usize) -> Value {
    let start = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle:?} #{nth} not in text"))
        .0;
    position(text, start + 1, Utf16)
}

fn params(uri: &str, position: Value) -> Value {
    json!({"textDocument": {"uri": uri}, "position": position})
}

fn hover_text(client: &mut LspClient, uri: &str, position: Value) -> String {
    let hover = client.request("textDocument/hover", params(uri, position));
    hover["contents"]["value"]
        .as_str()
        .unwrap_or_else(|| panic!("no hover: {hover}"))
        .to_string()
}

/// Sends a request and returns the whole response (result or error).
fn respond(client: &mut LspClient, method: &str, params: Value) -> Value {
    let id = client.request_async(method, params);
    client.wait_for(|message| message["id"] == json!(id) && message.get("method").is_none())
}

/// `(uri, start offset, end offset)` of each location.
fn spots(locations: &Value, texts: &[(&str, &str)]) -> BTreeSet<(String, usize, usize)> {
    locations
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {locations}"))
        .iter()
        .map(|location| {
            let uri = location["uri"].as_str().unwrap();
            let text = texts
                .iter()
                .find(|(known, _)| *known == uri)
                .unwrap_or_else(|| panic!("unexpected uri {uri}"))
                .1;
            (
                uri.to_string(),
                offset(text, &location["range"]["start"], Utf16),
                offset(text, &location["range"]["end"], Utf16),
            )
        })
        .collect()
}

fn occurrences(uri: &str, text: &str, needles: &[&str]) -> Vec<(String, usize, usize)> {
    needles
        .iter()
        .flat_map(|needle| {
            text.match_indices(needle)
                .map(move |(start, _)| (uri.to_string(), start, start + needle.len()))
        })
        .collect()
}

#[test]
fn hover_definition_references_rename_highlights_symbols() {
    let mut client = server();
    let a = "file:///tmp/entities-e2e/a.bulletin";
    let b = "file:///tmp/entities-e2e/b.bulletin";
    client.open(a, A);
    client.open(b, B);
    client.diagnostics(a, 1);
    client.diagnostics(b, 1);

    // A person introduced by role, then `Mr X`.
    let text = hover_text(&mut client, a, at(A, "Mr Omarov", 0));
    assert!(text.contains("**Daniyar Omarov** · person"), "{text}");
    assert!(text.contains("Council chairman Daniyar Omarov"), "{text}");

    // An acronym defined in the text: expansion, alias, counts, headlines.
    let text = hover_text(&mut client, a, at(A, "CGC", 1));
    assert!(
        text.contains("**Caspian Grain Council** · organisation"),
        "{text}"
    );
    assert!(text.contains("`CGC`"), "{text}");
    assert!(
        text.contains("Defined in this article: Caspian Grain Council (CGC)"),
        "{text}"
    );
    assert!(
        text.contains("Mentioned 3 times in this article, 3 times in this file, 3 times in the workspace (1 file)"),
        "{text}"
    );
    assert!(
        text.contains("- Steppe ministers agree grain corridor"),
        "{text}"
    );

    // A gazetteer organisation mentioned in two documents under two spellings.
    let text = hover_text(&mut client, a, at(A, "SCO", 1));
    assert!(
        text.contains("**Shanghai Cooperation Organisation**"),
        "{text}"
    );
    assert!(
        text.contains("`Shanghai Cooperation Organization`"),
        "{text}"
    );
    assert!(text.contains("`SCO`"), "{text}");
    assert!(text.contains("Gazetteer: built-in"), "{text}");
    assert!(
        text.contains("Mentioned 3 times in this article, 3 times in this file, 6 times in the workspace (2 files)"),
        "{text}"
    );
    // Without a workspace root, other files are named by their path.
    assert!(
        text.contains("- Regional bloc opens office (/tmp/entities-e2e/b.bulletin)"),
        "{text}"
    );

    // An upper-case dateline place.
    let text = hover_text(&mut client, a, at(A, "ALMATY", 0));
    assert!(text.contains("**Almaty** · place"), "{text}");
    assert!(text.contains("Country: Kazakhstan"), "{text}");

    // A surname that could mean two people.
    let text = hover_text(&mut client, a, at(A, "Mr Berdimuhamedov", 0));
    assert!(text.contains("could mean several people"), "{text}");
    assert!(text.contains("- Gurbanguly Berdimuhamedov"), "{text}");
    assert!(text.contains("- Serdar Berdimuhamedov"), "{text}");

    // Off any mention, the other hovers still answer.
    let text = hover_text(&mut client, a, at(A, "Issue No. 20", 0));
    assert!(text.contains("**Issue 20**"), "{text}");

    // Go to definition from a later acronym, and from `Mr X`.
    let found = client.request("textDocument/definition", params(a, at(A, "CGC", 1)));
    assert_eq!(found[0]["uri"], a);
    assert_eq!(
        found[0]["range"],
        range_of(A, "Caspian Grain Council (CGC)", 0, Utf16)
    );
    let found = client.request("textDocument/definition", params(a, at(A, "Mr Omarov", 0)));
    assert_eq!(found[0]["range"], range_of(A, "Daniyar Omarov", 0, Utf16));

    // References: every mention under every spelling in both documents.
    let texts = [(a, A), (b, B)];
    let found = client.request(
        "textDocument/references",
        json!({"textDocument": {"uri": a}, "position": at(A, "SCO", 1), "context": {"includeDeclaration": true}}),
    );
    let mut expected: BTreeSet<(String, usize, usize)> = BTreeSet::new();
    expected.extend(occurrences(
        a,
        A,
        &["SCO", "Shanghai Cooperation Organisation"],
    ));
    expected.extend(occurrences(
        b,
        B,
        &["SCO", "Shanghai Cooperation Organization"],
    ));
    assert_eq!(spots(&found, &texts), expected);
    // Without the declaration, the defining mentions go.
    let found = client.request(
        "textDocument/references",
        json!({"textDocument": {"uri": b}, "position": at(B, "SCO", 1), "context": {"includeDeclaration": false}}),
    );
    let later: BTreeSet<(String, usize, usize)> = [
        occurrences(a, A, &["SCO"])[1].clone(),
        occurrences(b, B, &["SCO"])[1].clone(),
    ]
    .into_iter()
    .collect();
    assert_eq!(spots(&found, &texts), later);

    // Rename a spelling: exactly the mentions written that way, in both documents.
    let prepared = client.request("textDocument/prepareRename", params(a, at(A, "SCO", 1)));
    assert_eq!(prepared["range"], range_of(A, "SCO", 1, Utf16));
    assert_eq!(prepared["placeholder"], "SCO");
    let edit = client.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": a}, "position": at(A, "SCO", 1), "newName": "ShOS"}),
    );
    for (uri, text) in texts {
        let edits = edit["changes"][uri]
            .as_array()
            .unwrap_or_else(|| panic!("no edits for {uri}: {edit}"));
        let ranges: BTreeSet<(usize, usize)> = edits
            .iter()
            .map(|edit| {
                assert_eq!(edit["newText"], "ShOS");
                (
                    offset(text, &edit["range"]["start"], Utf16),
                    offset(text, &edit["range"]["end"], Utf16),
                )
            })
            .collect();
        let expected: BTreeSet<(usize, usize)> = occurrences(uri, text, &["SCO"])
            .into_iter()
            .map(|(_, start, end)| (start, end))
            .collect();
        assert_eq!(ranges, expected, "{uri}");
    }
    // Off a mention there is nothing to rename: prepareRename answers null.
    let refused = respond(
        &mut client,
        "textDocument/prepareRename",
        params(a, at(A, "silos", 0)),
    );
    assert!(refused.get("error").is_none(), "{refused}");
    assert_eq!(refused["result"], Value::Null, "{refused}");

    // Highlights: the definition writes, the later mention reads.
    let found = client.request("textDocument/documentHighlight", params(a, at(A, "CGC", 1)));
    let highlights: Vec<(&str, u64)> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (slice(A, &h["range"], Utf16), h["kind"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        highlights,
        [("Caspian Grain Council", 3), ("CGC", 3), ("CGC", 2)]
    );

    // Workspace symbols list entities at their first mention.
    let symbols = client.request("workspace/symbol", json!({"query": "caspgrain"}));
    let council = symbols
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Caspian Grain Council")
        .unwrap_or_else(|| panic!("{symbols:#}"));
    assert_eq!(council["kind"], 2); // Module: an organisation
    assert_eq!(council["location"]["uri"], a);
    assert_eq!(
        council["location"]["range"],
        range_of(A, "Caspian Grain Council", 0, Utf16)
    );
    let symbols = client.request("workspace/symbol", json!({"query": "Omarov"}));
    assert!(
        symbols
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == "Daniyar Omarov" && s["kind"] == 19),
        "{symbols:#}"
    );
    assert!(client.shutdown().success());
}

#[test]
fn an_acronym_expanded_two_ways_across_files_is_flagged() {
    let mut client = server();
    let c = "file:///tmp/entities-e2e/c.bulletin";
    let d = "file:///tmp/entities-e2e/d.bulletin";
    client.open(c, C);
    client.open(d, D);
    let found = loop {
        let message = client.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == d
        });
        let diagnostics = message["params"]["diagnostics"].as_array().unwrap().clone();
        if let Some(found) = diagnostics.iter().find(|d| d["code"] == "entity-spelling") {
            break found.clone();
        }
    };
    assert_eq!(
        found["range"],
        range_of(D, "National Rail Company", 0, Utf16)
    );
    let message = found["message"].as_str().unwrap();
    assert!(message.contains("Northern Rail Consortium"), "{message}");
    assert_eq!(found["relatedInformation"][0]["location"]["uri"], c);
    assert!(client.shutdown().success());
}

const BROKEN: &str = "[[entity]]
name = \"Steppe Grain Union\"
kind = \"organisation\"

[[entity]]
name = \"Aral Fisheries Board\"
kind = \"company\"
aliases = [\"AFB\"]
";

const USES: &str = "Fishing quotas cut

ARALSK, MAY 6 2019 (The Bulletin) — The AFB cut fishing quotas on Monday.

(News report from Issue No. 30, published on May 10 2019)
";

#[test]
fn entities_toml_problems_are_published_and_cleared() {
    let dir = tempfile::tempdir().unwrap();
    let toml_path = dir.path().join("entities.toml");
    std::fs::write(&toml_path, BROKEN).unwrap();
    let root = format!("file://{}", dir.path().display());
    let toml_uri = format!("file://{}", toml_path.display());
    let mut client = LspClient::spawn(
        Path::new(env!("CARGO_BIN_EXE_bulletin")),
        &["lsp", "--log-level", "warn"],
    );
    client.initialize(&["utf-16"], Some(&root));
    let message = client.wait_for(|m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == toml_uri.as_str()
    });
    let diagnostics = message["params"]["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let problem = &diagnostics[0];
    assert_eq!(problem["code"], "entities-config");
    assert_eq!(problem["source"], "bulletin");
    assert!(
        problem["message"].as_str().unwrap().contains("company"),
        "{problem}"
    );
    // The second entry, from its header.
    assert_eq!(
        problem["range"]["start"],
        json!({"line": 4, "character": 0})
    );
    assert!(
        problem["range"]["end"]["line"].as_u64().unwrap() >= 6,
        "{problem}"
    );

    // Fixed on disk, announced by the watcher: the diagnostic goes.
    std::fs::write(&toml_path, BROKEN.replace("company", "organisation")).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": toml_uri, "type": 2}]}),
    );
    let message = client.wait_for(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == toml_uri.as_str()
            && m["params"]["diagnostics"]
                .as_array()
                .is_some_and(Vec::is_empty)
    });
    assert!(message["params"]["diagnostics"]
        .as_array()
        .unwrap()
        .is_empty());

    // The entry now counts: hover names it, definition lands on it.
    let uses = format!("file://{}", dir.path().join("uses.bulletin").display());
    client.open(&uses, USES);
    client.diagnostics(&uses, 1);
    let text = hover_text(&mut client, &uses, at(USES, "AFB", 0));
    assert!(
        text.contains("**Aral Fisheries Board** · organisation"),
        "{text}"
    );
    assert!(text.contains("Gazetteer: `entities.toml:5`"), "{text}");
    let found = client.request("textDocument/definition", params(&uses, at(USES, "AFB", 0)));
    assert_eq!(found[0]["uri"], toml_uri.as_str());
    assert_eq!(
        found[0]["range"]["start"],
        json!({"line": 4, "character": 0})
    );
    assert!(client.shutdown().success());
}

#[test]
fn the_real_page_when_present() {
    let Ok(page) = std::fs::read_to_string(CORPUS) else {
        return;
    };
    let mut client = server();
    let uri = "file:///tmp/entities-e2e/sco-tag-archive.bulletin";
    client.open(uri, &page);
    client.diagnostics(uri, 1);
    let cases = [
        ("Mr Alimov", 0, vec!["Rashid Alimov"]),
        ("Mr Li", 0, vec!["Li Keqiang"]),
        ("RUSI", 0, vec!["Royal United Service Institute"]),
        (
            "The SCO is focused",
            0,
            vec![
                "**Shanghai Cooperation Organisation**",
                "`Shanghai Cooperation Organization`",
            ],
        ),
        ("ALMATY", 0, vec!["**Almaty**", "Kazakhstan"]),
    ];
    for (needle, nth, wanted) in cases {
        let start = page.match_indices(needle).nth(nth).unwrap().0;
        let start = if needle.starts_with("The ") {
            start + 4
        } else {
            start
        };
        let text = hover_text(&mut client, uri, position(&page, start + 1, Utf16));
        for wanted in wanted {
            assert!(text.contains(wanted), "{needle}: {text}");
        }
    }
    // From a later `SCO` to that article's definition.
    let later = page.find("The SCO is focused").unwrap() + 5;
    let found = client.request(
        "textDocument/definition",
        params(uri, position(&page, later, Utf16)),
    );
    let defined = page[..later]
        .rfind("Shanghai Cooperation Organisation (SCO)")
        .unwrap();
    assert_eq!(
        found[0]["range"]["start"],
        position(&page, defined, Utf16),
        "{found}"
    );
    assert_eq!(
        slice(&page, &found[0]["range"], Utf16),
        "Shanghai Cooperation Organisation (SCO)"
    );
    // Every mention of the SCO in the articles (the page's title is not an article).
    let found = client.request(
        "textDocument/references",
        json!({"textDocument": {"uri": uri}, "position": position(&page, later, Utf16), "context": {"includeDeclaration": true}}),
    );
    let body_start = page.find('\n').unwrap();
    let expected: BTreeSet<(String, usize, usize)> = occurrences(
        uri,
        &page,
        &[
            "SCO",
            "Shanghai Cooperation Organisation",
            "Shanghai Cooperation Organization",
        ],
    )
    .into_iter()
    .filter(|(_, start, _)| *start > body_start)
    .collect();
    assert_eq!(spots(&found, &[(uri, &page)]), expected);
    assert!(client.shutdown().success());
}
