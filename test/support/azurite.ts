import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { secret } from "./secrets.js";

/**
 * Azurite (blob, queue, table) from the installed npm package, on free ports, in a throw-away folder.
 * Shared by every integration test that needs Storage: alert state (table), the Functions app (queue +
 * table). Ports are chosen by the OS (`--blobPort 0 ...`) and read back from Azurite's
 * "successfully listening at" lines, so parallel test files never collide.
 *
 *   const azurite = await startAzurite();
 *   TableClient.fromConnectionString(azurite.connectionString, "t", { allowInsecureConnection: true });
 *   await azurite.stop();
 */

/** The well-known development account every Azurite accepts (public, documented by Microsoft). */
export const AZURITE_ACCOUNT = "devstoreaccount1";
// Public, but it is the AzureWebJobsStorage key of every test on Azurite: no log may carry it.
export const AZURITE_KEY = secret(
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
);

export interface Azurite {
  /** Works with TableClient / QueueServiceClient / BlobServiceClient `fromConnectionString` (pass allowInsecureConnection). */
  connectionString: string;
  blobEndpoint: string;
  queueEndpoint: string;
  tableEndpoint: string;
  /** Kills Azurite and deletes its data folder. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartAzuriteOptions {
  /** Milliseconds to wait for all three services. */
  timeoutMs?: number;
}

const SERVICES = ["Blob", "Queue", "Table"] as const;
type Service = (typeof SERVICES)[number];

export async function startAzurite(options: StartAzuriteOptions = {}): Promise<Azurite> {
  const location = await mkdtemp(join(tmpdir(), "azurite-"));
  const require = createRequire(import.meta.url);
  // The package's bin entry, run with this Node: no shell, no PATH lookup.
  const entry = require.resolve("azurite/dist/src/azurite.js");
  const child = spawn(
    process.execPath,
    [
      entry,
      "--blobPort",
      "0",
      "--queuePort",
      "0",
      "--tablePort",
      "0",
      "--blobHost",
      "127.0.0.1",
      "--queueHost",
      "127.0.0.1",
      "--tableHost",
      "127.0.0.1",
      "--disableTelemetry",
      "--skipApiVersionCheck",
      "--loose",
      "--location",
      location,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await kill(child);
    await rm(location, { recursive: true, force: true });
  };

  try {
    const endpoints = await waitForEndpoints(child, options.timeoutMs ?? 30_000);
    const blobEndpoint = `${endpoints.Blob}/${AZURITE_ACCOUNT}`;
    const queueEndpoint = `${endpoints.Queue}/${AZURITE_ACCOUNT}`;
    const tableEndpoint = `${endpoints.Table}/${AZURITE_ACCOUNT}`;
    return {
      connectionString:
        `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};` +
        `BlobEndpoint=${blobEndpoint};QueueEndpoint=${queueEndpoint};TableEndpoint=${tableEndpoint};`,
      blobEndpoint,
      queueEndpoint,
      tableEndpoint,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

function waitForEndpoints(child: ChildProcess, timeoutMs: number): Promise<Record<Service, string>> {
  return new Promise((resolve, reject) => {
    const found: Partial<Record<Service, string>> = {};
    let output = "";
    const timer = setTimeout(
      () => finish(new Error(`Azurite did not start within ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const finish = (err?: Error) => {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.off("exit", onExit);
      if (err) reject(err);
      else resolve(found as Record<Service, string>);
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      // "Azurite Table service is successfully listening at http://127.0.0.1:45595"
      for (const m of output.matchAll(
        /Azurite (Blob|Queue|Table) service is successfully listening at (http:\/\/[^\s]+)/g,
      )) {
        found[m[1] as Service] = m[2]!.replace(/\/$/, "");
      }
      if (SERVICES.every((s) => found[s])) finish();
    };
    const onExit = (code: number | null) => finish(new Error(`Azurite exited with code ${code}:\n${output}`));
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.on("exit", onExit);
  });
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
