// The VS Code face of bulletin: starts `bulletin lsp` for bulletin documents
// and leaves every judgement to the server (diagnostics, hover, outline,
// folding, semantic tokens and quick fixes all come through the client).

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as vscode from "vscode";
import {
  DocumentSelector,
  Executable,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from "vscode-languageclient/node";

const LANGUAGE_ID = "bulletin";
const INSTALL_HELP =
  "Install it from a clone of the bulletin repository with `cargo install --path .` " +
  "(puts `bulletin` in ~/.cargo/bin), or set `bulletin.server.path` to the executable.";

let client: LanguageClient | undefined;
let starting: Promise<void> | undefined;
let log: vscode.OutputChannel;
let warnedMissing = false;

type Severity = "error" | "warning" | "info" | "hint" | "off";

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration("bulletin");
}

function rules(): Record<string, Severity> {
  return config().get<Record<string, Severity>>("rules") ?? {};
}

/** What the server reads from section `bulletin`: severities and whether
 * to show the findings a baseline records. */
function serverSettings(): { rules: Record<string, Severity>; showBaselined: boolean } {
  return { rules: rules(), showBaselined: config().get<boolean>("showBaselined") ?? false };
}

function extraGlobs(): string[] {
  return (config().get<string[]>("files.extraGlobs") ?? []).filter((g) => g.trim() !== "");
}

function selector(): DocumentSelector {
  return [
    { language: LANGUAGE_ID },
    ...extraGlobs().map((pattern) => ({ scheme: "file", pattern })),
  ];
}

/** A bulletin document, or a plain-text one matched by `bulletin.files.extraGlobs`. */
function isOurs(document: vscode.TextDocument): boolean {
  if (document.languageId === LANGUAGE_ID) {
    return true;
  }
  const globs = extraGlobs();
  return (
    globs.length > 0 &&
    document.uri.scheme === "file" &&
    vscode.languages.match(globs.map((pattern) => ({ scheme: "file", pattern })), document) > 0
  );
}

function expand(value: string): string {
  let out = value.trim();
  if (out.startsWith("~")) {
    out = path.join(os.homedir(), out.slice(1));
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? "";
  return out.replace(/\$\{workspaceFolder\}/g, folder).replace(/\$\{userHome\}/g, os.homedir());
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** `bulletin.server.path`, else `bulletin` on PATH; undefined when neither exists. */
function findServer(): { command?: string; configured: string } {
  const configured = expand(config().get<string>("server.path") ?? "");
  if (configured !== "") {
    return { command: isExecutable(configured) ? configured : undefined, configured };
  }
  const names = process.platform === "win32" ? ["bulletin.exe", "bulletin.cmd"] : ["bulletin"];
  const dirs = (process.env.PATH ?? "").split(path.delimiter);
  dirs.push(path.join(os.homedir(), ".cargo", "bin"));
  for (const dir of dirs) {
    for (const name of names) {
      const candidate = path.join(dir, name);
      if (dir !== "" && isExecutable(candidate)) {
        return { command: candidate, configured };
      }
    }
  }
  return { configured };
}

async function reportMissing(configured: string): Promise<void> {
  const inspected = config().inspect<string>("server.path");
  log.appendLine(`bulletin.server.path: ${JSON.stringify(inspected)}`);
  log.appendLine(
    configured !== ""
      ? `bulletin.server.path is set to ${configured}, which is not an executable file.`
      : "No `bulletin` executable on PATH and bulletin.server.path is not set.",
  );
  if (warnedMissing) {
    return;
  }
  warnedMissing = true;
  const message =
    configured !== ""
      ? `Bulletin: the language server at \`${configured}\` (bulletin.server.path) is not an executable file. ${INSTALL_HELP}`
      : `Bulletin: the language server \`bulletin\` was not found on PATH. ${INSTALL_HELP}`;
  const choice = await vscode.window.showErrorMessage(message, "Open Settings", "Show Log");
  if (choice === "Open Settings") {
    await vscode.commands.executeCommand("workbench.action.openSettings", "bulletin.server.path");
  } else if (choice === "Show Log") {
    log.show(true);
  }
}

async function start(): Promise<void> {
  if (client) {
    return;
  }
  const { command, configured } = findServer();
  if (!command) {
    await reportMissing(configured);
    return;
  }
  warnedMissing = false;
  const extraArgs = config().get<string[]>("server.extraArgs") ?? [];
  const executable: Executable = {
    command,
    // No `transport`: with TransportKind.stdio the client appends `--stdio`,
    // which `bulletin lsp` does not take; stdio is the default anyway.
    args: ["lsp", ...extraArgs],
    options: { cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath },
  };
  const serverOptions: ServerOptions = { run: executable, debug: executable };
  const clientOptions: LanguageClientOptions = {
    documentSelector: selector(),
    outputChannel: log,
    traceOutputChannel: log,
    initializationOptions: serverSettings(),
    middleware: {
      workspace: {
        // The server asks for section `bulletin`; answer what it reads only.
        configuration: (params, token, next) => {
          return params.items.map((item) => {
            if (item.section === "bulletin" || item.section === undefined) {
              return serverSettings();
            }
            if (item.section === "bulletin.rules") {
              return rules();
            }
            return null;
          });
        },
      },
    },
  };
  log.appendLine(`Starting ${command} ${executable.args?.join(" ")}`);
  client = new LanguageClient("bulletin", "Bulletin Language Server", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (err) {
    log.appendLine(`The bulletin language server failed to start: ${String(err)}`);
    void vscode.window.showErrorMessage(
      `Bulletin: the language server \`${command} lsp\` failed to start (${String(err)}). ${INSTALL_HELP}`,
      "Show Log",
    ).then((choice) => choice && log.show(true));
    const failed = client;
    client = undefined;
    await failed.dispose().catch(() => undefined);
  }
}

function ensureStarted(): Promise<void> {
  if (!starting) {
    starting = start().finally(() => {
      starting = undefined;
    });
  }
  return starting;
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) {
    await running.stop().catch((err) => log.appendLine(`Stopping the server: ${String(err)}`));
    await running.dispose().catch(() => undefined);
  }
}

async function restart(): Promise<void> {
  await starting;
  await stop();
  warnedMissing = false;
  if (vscode.workspace.textDocuments.some(isOurs)) {
    await ensureStarted();
  }
}

/** Plain-text files matched by `bulletin.files.extraGlobs` become bulletin documents. */
async function adopt(document: vscode.TextDocument): Promise<void> {
  if (document.languageId === "plaintext" && isOurs(document)) {
    await vscode.languages.setTextDocumentLanguage(document, LANGUAGE_ID);
    return;
  }
  if (isOurs(document)) {
    await ensureStarted();
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  log = vscode.window.createOutputChannel("Bulletin Language Server");
  context.subscriptions.push(
    log,
    vscode.commands.registerCommand("bulletin.restartServer", restart),
    vscode.commands.registerCommand("bulletin.showServerLog", () => log.show(true)),
    vscode.workspace.onDidOpenTextDocument((document) => void adopt(document)),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (
        event.affectsConfiguration("bulletin.server") ||
        event.affectsConfiguration("bulletin.files.extraGlobs")
      ) {
        await restart();
        for (const document of vscode.workspace.textDocuments) {
          await adopt(document);
        }
      } else if ((event.affectsConfiguration("bulletin.rules") ||
          event.affectsConfiguration("bulletin.showBaselined")) &&
        client) {
        await client.sendNotification("workspace/didChangeConfiguration", {
          settings: { bulletin: serverSettings() },
        });
      }
    }),
  );
  for (const document of vscode.workspace.textDocuments) {
    await adopt(document);
  }
}

export async function deactivate(): Promise<void> {
  await stop();
}
