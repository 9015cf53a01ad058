// The status bar item: client state, then the backend and sidecar state the server reports in its log lines
// ("model: local sidecar (quicksilver-coder-mini, backend auto)", "sidecar ready: ...", "sidecar closed: ...",
// "sidecar ready: gpu2:7420 of the sidecar pool cannot be reached ...").
import * as vscode from "vscode";

export class StatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("quicksilver.status", vscode.StatusBarAlignment.Right, 100);
  private client = "stopped";
  private backend = "";
  private sidecar = "";

  constructor() {
    this.item.name = "Quicksilver";
    this.item.command = "quicksilver.showLog";
    this.render();
    this.item.show();
  }

  clientState(state: string): void {
    this.client = state;
    if (state !== "running") this.sidecar = "";
    this.render();
  }

  problem(text: string): void {
    this.client = text;
    this.render(true);
  }

  fromLog(message: string): void {
    const model = /^model: (.*)\(([^,]+), backend ([^)]+)\)/.exec(message);
    if (model) this.backend = `${model[2]} · ${model[3]}`;
    const sidecar = /^sidecar (\w+)/.exec(message);
    if (sidecar) this.sidecar = sidecar[1];
    // A pool stays ready while any replica answers; the server's log says when one is lost or back.
    if (/of the sidecar pool cannot be reached/.test(message)) this.sidecar = "ready, a pool replica lost";
    const backendLine = /backend[: ]+(cuda|cpu|reference)\b/.exec(message);
    if (backendLine && this.backend) this.backend = this.backend.replace(/· \w+$/, `· ${backendLine[1]}`);
    this.render();
  }

  private render(error = false): void {
    const icon = error ? "$(error)" : this.client === "running" ? "$(zap)" : "$(loading~spin)";
    const parts = [this.client === "running" ? "" : this.client, this.backend, this.sidecar && `sidecar ${this.sidecar}`]
      .filter((p) => p);
    this.item.text = `${icon} Quicksilver${parts.length ? ": " + parts.join(" · ") : ""}`;
    this.item.tooltip = "Quicksilver: client " + this.client + (this.backend ? `, model ${this.backend}` : "")
      + (this.sidecar ? `, sidecar ${this.sidecar}` : "") + ". Click for the log.";
  }

  dispose(): void {
    this.item.dispose();
  }
}
