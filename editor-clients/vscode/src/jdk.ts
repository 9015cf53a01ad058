// Finds a JDK 25 the way the repository's ./quicksilver launcher does: the setting, $QUICKSILVER_JAVA_HOME,
// $JAVA_HOME, then the usual install folders; each candidate must answer `java -version` with 25 or newer.
import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import * as path from "node:path";

function versionOf(home: string): Promise<number> {
  const java = path.join(home, "bin", process.platform === "win32" ? "java.exe" : "java");
  if (!existsSync(java)) return Promise.resolve(0);
  return new Promise((resolve) => {
    execFile(java, ["-version"], { timeout: 10_000 }, (_err, stdout, stderr) => {
      const m = /version "(\d+)/.exec(`${stderr}${stdout}`);
      resolve(m ? Number(m[1]) : 0);
    });
  });
}

function children(dir: string): string[] {
  try {
    return readdirSync(dir).filter((d) => /25/.test(d)).map((d) => path.join(dir, d));
  } catch {
    return [];
  }
}

export async function findJdk25(setting: string): Promise<string | undefined> {
  const candidates = [setting, process.env.QUICKSILVER_JAVA_HOME, process.env.JAVA_HOME,
    ...children("/usr/lib/jvm"), ...children("/opt/java"), ...children("/Library/Java/JavaVirtualMachines")
      .map((d) => path.join(d, "Contents", "Home")), ...children(path.join(homedir(), ".sdkman", "candidates", "java")),
  ].filter((c): c is string => !!c);
  for (const home of candidates) {
    if ((await versionOf(home)) >= 25) return home;
  }
  return undefined;
}
