//! The server sends only what the client declared it supports (LSP 3.17
//! client capabilities): a client declaring nothing, one that can apply
//! edits but takes no code action literals, and a rich VS Code-like one,
//! each spoken to through the real binary.

#[path = "common/lsp_client.rs"]
mod lsp_client;
#[path = "common/positions.rs"]
mod positions;

use std::path::Path;

use lsp_client::{rich_capabilities, LspClient};
use positions::{position, range_of, slice, Enc};
use serde_json::{json, Value};

const PAGE: &str = "Tag Archives: Caspian Desk

Ferry “Aral” returns to service — crews cheer 🚢

AKTAU, JAN. 4 (The Bulletin) – The Caspian Shipping Authority (CSA) said the ferry resumed trips; the CSA © thanked the crew’s captain.

(News report from Issue No. 40, published on Jan. 9 2019)

Port fees rise

BAKU, FEBRUARY 2 2019 (The Bulletin) — Port fees rose by a tenth.

(News report from Issue No. 41, published on Feb. 6 2019)
";

/// Says issue 40 came out on another day: a cross-file finding with
/// related locations.
const OTHER: &str = "Ferry timetable published

AKTAU, JAN. 5 2019 (The Bulletin) — A new timetable was published.

(News report from Issue No. 40, published on Jan. 10 2019)
";

const PAGE_URI: &str = "file:///caps/page.bulletin";
const OTHER_URI: &str = "file:///caps/other.bulletin";
const ENC: Enc = Enc::Utf16;

fn start(capabilities: Value) -> (LspClient, Value) {
    let mut client = LspClient::spawn(
        Path::new(env!("CARGO_BIN_EXE_bulletin")),
        &["lsp", "--log-level", "warn"],
    );
    let init = client.initialize_with(capabilities, None);
    (client, init)
}

fn open_both(client: &mut LspClient) -> Vec<Value> {
    client.open(PAGE_URI, PAGE);
    client.open(OTHER_URI, OTHER);
    // Both published at version 1; the page's last publish has the
    // cross-file finding once the other page is open.
    client.diagnostics(OTHER_URI, 1);
    client.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": PAGE_URI}}),
    )["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// `textDocument/*` params at one character inside the `nth` `needle` of the page.
fn at(needle: &str, nth: usize) -> Value {
    let start = PAGE
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle:?} #{nth}"))
        .0;
    json!({"textDocument": {"uri": PAGE_URI}, "position": position(PAGE, start + 1, ENC)})
}

fn doc() -> Value {
    json!({"textDocument": {"uri": PAGE_URI}})
}

fn response(client: &mut LspClient, method: &str, params: Value) -> Value {
    let id = client.request_async(method, params);
    client.wait_for(|message| message["id"] == id && message.get("method").is_none())
}

fn server_requests(client: &LspClient) -> Vec<String> {
    client
        .backlog
        .iter()
        .filter(|message| message.get("id").is_some() && message.get("method").is_some())
        .filter_map(|message| message["method"].as_str().map(str::to_string))
        .collect()
}

fn kind_number(value: &Value) -> u64 {
    value["kind"].as_u64().expect("a numeric kind")
}

#[test]
fn a_client_declaring_nothing_gets_only_the_protocols_base_forms() {
    let (mut client, init) = start(json!({}));
    let caps = &init["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["renameProvider"], true, "{caps:#}");
    assert!(caps.get("codeActionProvider").is_none(), "{caps:#}");
    assert!(caps.get("executeCommandProvider").is_none(), "{caps:#}");
    assert!(caps.get("diagnosticProvider").is_none(), "{caps:#}");

    let pulled = open_both(&mut client);
    let pushed = client.diagnostics(PAGE_URI, 1);
    assert!(
        pulled.iter().any(|d| d["code"] == "issue-date-conflict"),
        "{pulled:#?}"
    );
    for diagnostic in pulled.iter().chain(&pushed) {
        for field in ["relatedInformation", "codeDescription", "data", "tags"] {
            assert!(diagnostic.get(field).is_none(), "{field}: {diagnostic:#}");
        }
    }

    // Hover in plain text: the same facts, no Markdown.
    let dateline = client.request("textDocument/hover", at("JAN.", 0));
    assert_eq!(dateline["contents"]["kind"], "plaintext");
    let text = dateline["contents"]["value"].as_str().unwrap();
    assert!(text.starts_with("Dateline\n\n"), "{text}");
    assert!(text.contains("Place: AKTAU"), "{text}");
    let entity = client.request("textDocument/hover", at("CSA", 1));
    assert_eq!(entity["contents"]["kind"], "plaintext");
    let text = entity["contents"]["value"].as_str().unwrap();
    assert!(
        text.starts_with("Caspian Shipping Authority · organisation"),
        "{text}"
    );
    for markdown in ["**", "`", "](", "<http"] {
        assert!(!text.contains(markdown), "{markdown} in {text}");
    }
    assert_eq!(entity["range"], range_of(PAGE, "CSA", 1, ENC));

    // A flat outline with containers, in the first version's kinds.
    let symbols = client.request("textDocument/documentSymbol", doc());
    let symbols = symbols.as_array().unwrap();
    assert!(symbols.iter().all(|s| s.get("children").is_none()));
    assert!(symbols.iter().all(|s| s["location"]["uri"] == PAGE_URI));
    assert!(symbols.iter().all(|s| (1..=18).contains(&kind_number(s))));
    let names: Vec<&str> = symbols.iter().filter_map(|s| s["name"].as_str()).collect();
    assert_eq!(names[0], "Caspian Desk");
    assert_eq!(names[1], "Ferry “Aral” returns to service — crews cheer 🚢");
    let dateline = symbols
        .iter()
        .find(|s| s["name"].as_str().is_some_and(|n| n.starts_with("AKTAU")))
        .unwrap();
    assert_eq!(
        dateline["containerName"],
        "Ferry “Aral” returns to service — crews cheer 🚢"
    );
    assert_eq!(kind_number(dateline), 8, "Event is sent as Field");
    assert_eq!(
        slice(PAGE, &dateline["location"]["range"], ENC),
        "AKTAU, JAN. 4 (The Bulletin) –"
    );
    let workspace = client.request("workspace/symbol", json!({"query": "caspian"}));
    let workspace = workspace.as_array().unwrap();
    assert!(!workspace.is_empty());
    assert!(workspace.iter().all(|s| (1..=18).contains(&kind_number(s))));

    let folding = client.request("textDocument/foldingRange", doc());
    let folding = folding.as_array().unwrap();
    assert!(!folding.is_empty());
    assert!(folding.iter().all(|f| f.get("collapsedText").is_none()));

    // Completion kinds from `Text` to `Reference` only.
    let lead = PAGE.find("AKTAU").unwrap();
    let items = client.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": PAGE_URI}, "position": position(PAGE, lead + 7, ENC)}),
    );
    let items = items.as_array().unwrap();
    assert!(
        items.iter().any(|item| item["label"] == "JAN."),
        "{items:#?}"
    );
    assert!(items
        .iter()
        .all(|item| (1..=18).contains(&kind_number(item))));

    // No way to apply an edit: no actions.
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": PAGE_URI}, "range": range_of(PAGE, "–", 0, ENC),
               "context": {"diagnostics": []}}),
    );
    assert_eq!(actions, Value::Null);

    // Away from an entity, nothing to rename: null, not an error.
    let refused = response(&mut client, "textDocument/prepareRename", at("ferry", 0));
    assert!(refused.get("error").is_none(), "{refused}");
    assert_eq!(refused["result"], Value::Null);

    assert_eq!(server_requests(&client), Vec::<String>::new());
    assert!(client.shutdown().success());
}

#[test]
fn a_client_without_action_literals_gets_commands_that_apply_edits() {
    let (mut client, init) = start(json!({"workspace": {"applyEdit": true}}));
    let caps = &init["capabilities"];
    assert_eq!(caps["codeActionProvider"], true, "{caps:#}");
    assert_eq!(
        caps["executeCommandProvider"]["commands"],
        json!(["bulletin.applyFix", "bulletin.fixAll"])
    );
    client.open(PAGE_URI, PAGE);
    client.diagnostics(PAGE_URI, 1);
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": PAGE_URI}, "range": range_of(PAGE, "–", 0, ENC),
               "context": {"diagnostics": []}}),
    );
    let actions = actions.as_array().unwrap();
    assert!(!actions.is_empty());
    for action in actions {
        assert!(action["command"].is_string(), "{action:#}");
        assert!(action.get("edit").is_none() && action.get("kind").is_none());
    }
    let fix = actions
        .iter()
        .find(|a| a["command"] == "bulletin.applyFix")
        .expect("the dash fix");
    let result = client.request(
        "workspace/executeCommand",
        json!({"command": fix["command"], "arguments": fix["arguments"]}),
    );
    assert_eq!(result, Value::Null);
    let applied = client
        .backlog
        .iter()
        .find(|m| m["method"] == "workspace/applyEdit")
        .cloned()
        .expect("the server sent the edit");
    let edits = &applied["params"]["edit"]["changes"][PAGE_URI];
    assert_eq!(edits[0]["range"], range_of(PAGE, "–", 0, ENC));
    assert_eq!(edits[0]["newText"], "—");

    // Fix all: computed when the command runs.
    let all = actions
        .iter()
        .find(|a| a["command"] == "bulletin.fixAll")
        .expect("fix all");
    client.backlog.clear();
    client.request(
        "workspace/executeCommand",
        json!({"command": "bulletin.fixAll", "arguments": all["arguments"]}),
    );
    assert!(client
        .backlog
        .iter()
        .any(|m| m["method"] == "workspace/applyEdit"));

    // A fix offered for an older version is refused once the text changed.
    client.change(
        PAGE_URI,
        2,
        json!([{"range": range_of(PAGE, "Port", 0, ENC), "text": "Harbour"}]),
    );
    let stale = response(
        &mut client,
        "workspace/executeCommand",
        json!({"command": fix["command"], "arguments": fix["arguments"]}),
    );
    assert_eq!(stale["error"]["code"], -32801, "{stale}");
    assert!(client.shutdown().success());
}

#[test]
fn a_rich_client_gets_the_full_forms() {
    let (mut client, init) = start(rich_capabilities());
    let caps = &init["capabilities"];
    assert_eq!(caps["renameProvider"]["prepareProvider"], true);
    assert_eq!(
        caps["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix", "source.fixAll.bulletin"])
    );
    let pulled = open_both(&mut client);
    let conflict = pulled
        .iter()
        .find(|d| d["code"] == "issue-date-conflict")
        .expect("a cross-file finding");
    assert_eq!(
        conflict["relatedInformation"][0]["location"]["uri"],
        OTHER_URI
    );
    assert!(conflict["codeDescription"]["href"].is_string());
    let dash = pulled
        .iter()
        .find(|d| d["code"] == "dateline-dash")
        .unwrap();
    assert!(dash["data"]["fix"].is_object());

    let hover = client.request("textDocument/hover", at("CSA", 1));
    assert_eq!(hover["contents"]["kind"], "markdown");
    assert!(hover["contents"]["value"]
        .as_str()
        .unwrap()
        .starts_with("**Caspian Shipping Authority**"));

    let symbols = client.request("textDocument/documentSymbol", doc());
    assert_eq!(symbols[0]["name"], "Caspian Desk");
    assert_eq!(symbols[0]["children"].as_array().unwrap().len(), 2);

    let folding = client.request("textDocument/foldingRange", doc());
    assert_eq!(
        folding[0]["collapsedText"],
        "Ferry “Aral” returns to service — crews cheer 🚢"
    );

    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": PAGE_URI}, "range": range_of(PAGE, "–", 0, ENC),
               "context": {"diagnostics": []}}),
    );
    let quick = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "quickfix")
        .unwrap();
    assert_eq!(quick["isPreferred"], true);
    assert!(quick["edit"]["changes"][PAGE_URI].is_array());

    let prepared = client.request("textDocument/prepareRename", at("CSA", 1));
    assert_eq!(prepared["placeholder"], "CSA");
    let refused = response(&mut client, "textDocument/prepareRename", at("ferry", 0));
    assert_eq!(refused["result"], Value::Null, "{refused}");
    assert!(client.shutdown().success());
}
