// The `quicksilver.*` settings the server reads (lsp-server ServerSettings.merge): sent as initializationOptions
// and again, whole, with every workspace/didChangeConfiguration. Empty strings mean "the server's default".
import * as vscode from "vscode";

const KEYS = ["modelDir", "sidecarAddress", "sidecarTokenFile", "sidecarTls", "shareSidecar", "backend", "maxTokens", "sampler",
  "threshold", "blockLength", "cache", "contextTokens", "suffixTokens", "multiline", "completionTimeoutMs",
  "refactorTimeoutMs", "weights", "threads", "completeWhileResolving", "persistIndex", "checkCompletions"] as const;

export function serverSettings(): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration("quicksilver");
  const out: Record<string, unknown> = {};
  for (const key of KEYS) {
    const value = config.get(key);
    if (value === undefined || value === null || value === "") continue;
    out[key] = value;
  }
  return out;
}
