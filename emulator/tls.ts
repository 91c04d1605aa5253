import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generate } from "selfsigned";

/**
 * A throw-away CA and a server certificate for 127.0.0.1/localhost signed by it, generated at start
 * (no private key is ever checked in). The SDK's bearer policy refuses plain http (docs/azure-behaviour.md#sdk-and-transport), so
 * clients trust the CA via `tlsOptions.ca` or NODE_EXTRA_CA_CERTS.
 */
export interface EmulatorTls {
  caPem: string;
  certPem: string;
  keyPem: string;
}

export async function generateTls(): Promise<EmulatorTls> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(Date.now() + 7 * 24 * 3600_000);
  const ca = await generate([{ name: "commonName", value: "vnet-peering-sync emulator CA" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const server = await generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "::1" },
        ],
      },
    ],
  });
  return { caPem: ca.cert, certPem: server.cert, keyPem: server.private };
}

/** Writes the CA certificate (public only) to a fresh temp dir, for other processes to trust. */
export async function writeCaFile(caPem: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "vnet-emulator-"));
  const file = join(dir, "ca.pem");
  await writeFile(file, caPem, "utf8");
  return file;
}
