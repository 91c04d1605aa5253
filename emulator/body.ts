import { errors } from "./errors.js";

/**
 * Request-body reading with NRP-style 400s that name the offending JSON path (InvalidRequestFormat,
 * docs/azure-behaviour.md#errors). Booleans also accept "true"/"false" strings, as the service's JSON.NET binder does.
 */

export type Json = Record<string, unknown>;

export function parseJsonBody(raw: string): unknown {
  if (raw.trim() === "") return {};
  try {
    return JSON.parse(raw) as unknown;
  } catch (e) {
    throw errors.invalidJson(e instanceof Error ? e.message : "malformed JSON");
  }
}

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

export function object(v: unknown, path: string): Json | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v))
    throw errors.invalidRequestFormat(path, `Error converting value ${JSON.stringify(v)} to type 'Object'.`);
  return v;
}

export function requiredObject(v: unknown, path: string): Json {
  const o = object(v, path);
  if (!o)
    throw errors.invalidRequestFormat(
      path,
      `Required property '${path.split(".").pop()}' not found in JSON.`,
    );
  return o;
}

export function bool(v: unknown, path: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "boolean") return v;
  if (typeof v === "string" && /^(true|false)$/i.test(v)) return v.toLowerCase() === "true";
  throw errors.invalidRequestFormat(
    path,
    `Error converting value ${JSON.stringify(v)} to type 'System.Boolean'.`,
  );
}

export function string(v: unknown, path: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string")
    throw errors.invalidRequestFormat(
      path,
      `Error converting value ${JSON.stringify(v)} to type 'System.String'.`,
    );
  return v;
}

export function requiredString(v: unknown, path: string): string {
  const s = string(v, path);
  if (s === undefined || s === "")
    throw errors.invalidRequestFormat(
      path,
      `Required property '${path.split(".").pop()}' not found in JSON.`,
    );
  return s;
}

export function stringArray(v: unknown, path: string): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v))
    throw errors.invalidRequestFormat(
      path,
      `Error converting value ${JSON.stringify(v)} to type 'System.Collections.Generic.List\`1[System.String]'.`,
    );
  return v.map((x, i) => {
    if (typeof x !== "string")
      throw errors.invalidRequestFormat(
        `${path}[${i}]`,
        `Error converting value ${JSON.stringify(x)} to type 'System.String'.`,
      );
    return x;
  });
}

export function array(v: unknown, path: string): unknown[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v))
    throw errors.invalidRequestFormat(path, `Error converting value ${JSON.stringify(v)} to type 'List'.`);
  return v;
}

export function tags(v: unknown, path: string): Record<string, string> | undefined {
  const o = object(v, path);
  if (!o) return undefined;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(o)) out[k] = string(val, `${path}.${k}`) ?? "";
  return out;
}

/** addressSpace-like `{addressPrefixes: [...]}`. */
export function addressSpace(v: unknown, path: string): string[] | undefined {
  const o = object(v, path);
  if (!o) return undefined;
  return stringArray(o.addressPrefixes, `${path}.addressPrefixes`) ?? [];
}
