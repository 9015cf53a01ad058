// Quicksilver for VS Code: starts `quicksilver serve --stdio` with a JDK 25, mirrors the `quicksilver.*` settings
// into initializationOptions and workspace/didChangeConfiguration, shows backend and sidecar state in the status
// bar, and runs the multi-file refactors as commands.
//
// Inline completion comes from vscode-languageclient's own InlineCompletionItemFeature (LSP 3.18
// textDocument/inlineCompletion): the client advertises it, so the server answers inline completions and offers no
// classic completion items, and Copilot's ghost text and ours share VS Code's inline-suggestion UI. The approach of
// keeping the extension a thin LSP client follows tabby's VS Code client (TabbyML/tabby, clients/vscode).
import { homedir } from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  LogMessageNotification,
  ServerOptions,
  State,
  TransportKind,
} from "vscode-languageclient/node";
import { findJdk25 } from "./jdk";
import { serverSettings } from "./settings";
import { StatusItem } from "./status";

let client: LanguageClient | undefined;
let status: StatusItem;
let output: vscode.LogOutputChannel;

/** Server-side refactor names (lsp-server Refactoring.name()) behind the named commands. */
const REFACTORS: Record<string, string> = {
  "quicksilver.addParameter": "add-parameter",
  "quicksilver.implementMethod": "implement-method",
  "quicksilver.applySimilarEdit": "apply-similar-edit",
  "quicksilver.defaultBody": "default-body",
  "quicksilver.removeParameter": "remove-parameter",
  "quicksilver.reorderParameters": "reorder-parameters",
  "quicksilver.changeSignature": "change-signature",
  "quicksilver.renameField": "rename-field",
  "quicksilver.renameType": "rename-type",
  "quicksilver.renameTypeAndVariables": "rename-type-and-variables",
  "quicksilver.renameVariable": "rename-variable",
  "quicksilver.declareException": "declare-exception",
  "quicksilver.catchException": "catch-exception",
  "quicksilver.dropCatch": "drop-catch",
  "quicksilver.followReturnType": "follow-return-type",
};

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("Quicksilver", { log: true });
  status = new StatusItem();
  context.subscriptions.push(output, status);

  context.subscriptions.push(
    vscode.commands.registerCommand("quicksilver.restart", () => restart()),
    vscode.commands.registerCommand("quicksilver.showLog", () => output.show(true)),
    // The standard code-action menu, narrowed to Quicksilver's kind.
    vscode.commands.registerCommand("quicksilver.refactorMenu", () =>
      vscode.commands.executeCommand("editor.action.codeAction", { kind: "refactor.rewrite", apply: "never" }),
    ),
  );
  for (const [command, refactor] of Object.entries(REFACTORS)) {
    context.subscriptions.push(vscode.commands.registerCommand(command, () => runRefactor(refactor)));
  }
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (!e.affectsConfiguration("quicksilver")) return;
      if (e.affectsConfiguration("quicksilver.serverPath") || e.affectsConfiguration("quicksilver.javaHome")
        || e.affectsConfiguration("quicksilver.languages")) {
        await restart();
      } else if (client?.isRunning()) {
        await client.sendNotification(DidChangeConfigurationNotification.type, { settings: { quicksilver: serverSettings() } });
      }
    }),
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

async function start(): Promise<void> {
  const config = vscode.workspace.getConfiguration("quicksilver");
  const jdk = await findJdk25(config.get<string>("javaHome", ""));
  if (!jdk) {
    status.problem("no JDK 25");
    void vscode.window.showErrorMessage(
      "Quicksilver needs a JDK 25: install one (e.g. Temurin 25) or set quicksilver.javaHome.");
    return;
  }
  const configured = config.get<string>("serverPath", "");
  const launcher = configured.startsWith("~/") ? path.join(homedir(), configured.slice(2)) : configured || "quicksilver";
  const serverOptions: ServerOptions = {
    command: launcher,
    args: ["serve", "--stdio"],
    transport: TransportKind.stdio,
    options: { env: { ...process.env, QUICKSILVER_JAVA_HOME: jdk } },
  };
  const languages = config.get<string[]>("languages", ["java"]);
  const clientOptions: LanguageClientOptions = {
    // Untitled buffers too: the server completes them from their own text (they belong to no workspace).
    documentSelector: languages.flatMap((language) => [{ scheme: "file", language }, { scheme: "untitled", language }]),
    initializationOptions: serverSettings(),
    outputChannel: output,
    traceOutputChannel: output,
  };
  client = new LanguageClient("quicksilver", "Quicksilver", serverOptions, clientOptions);
  client.onDidChangeState((e) => status.clientState(e.newState === State.Running ? "running"
    : e.newState === State.Starting ? "starting" : "stopped"));
  status.clientState("starting");
  try {
    await client.start();
  } catch (e) {
    status.problem("failed to start");
    void vscode.window.showErrorMessage(`Quicksilver did not start (${launcher} serve --stdio): ${String(e)}. `
      + "Set quicksilver.serverPath to the quicksilver launcher.");
    return;
  }
  // The server reports the model, backend and sidecar state as window/logMessage lines; keep them in the log
  // and feed the status bar.
  client.onNotification(LogMessageNotification.type, (p) => {
    output.appendLine(p.message);
    status.fromLog(p.message);
  });
}

async function restart(): Promise<void> {
  await client?.stop().catch(() => undefined);
  client = undefined;
  await start();
}

/** Runs one refactor at the cursor through workspace/executeCommand; the server applies it with workspace/applyEdit. */
async function runRefactor(refactor: string): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !client?.isRunning()) {
    void vscode.window.showWarningMessage("Quicksilver: open a file the server runs on, then run the refactor.");
    return;
  }
  const pos = editor.selection.active;
  await editor.document.save();
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Quicksilver: ${refactor}`, cancellable: true },
    async (_progress, token) => {
      try {
        const applied = await client!.sendRequest(ExecuteCommandRequest.type, {
          command: "quicksilver.refactor",
          arguments: [{ refactor, uri: editor.document.uri.toString(), line: pos.line, character: pos.character }],
        }, token);
        if (applied && typeof applied === "object" && "applied" in applied && !applied.applied) {
          void vscode.window.showInformationMessage(`Quicksilver: ${refactor} was not applied.`);
        }
      } catch (e) {
        if (!token.isCancellationRequested) void vscode.window.showErrorMessage(`Quicksilver: ${refactor}: ${String(e)}`);
      }
    },
  );
}
