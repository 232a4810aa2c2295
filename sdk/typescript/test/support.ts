// What both suites share: the gateway's coordinates from the environment, a checker of answers
// against the SDK's own shapes, and a scripted HTTP server for transport tests.

import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { SHAPES } from "../dist/index.js";

// Set by .ci/sdk.sh, which starts a gateway with a fresh database and a demo account.
export const ENV = {
  baseUrl: process.env.SHAREPANEL_BASE_URL ?? "",
  apiKey: process.env.SHAREPANEL_API_KEY ?? "",
  demoEmail: process.env.SHAREPANEL_SDK_DEMO_EMAIL ?? "",
  password: process.env.SHAREPANEL_SDK_DEMO_PASSWORD ?? "",
  memberEmail: process.env.SHAREPANEL_SDK_MEMBER_EMAIL ?? "",
  freeEmail: process.env.SHAREPANEL_SDK_FREE_EMAIL ?? "",
  freePassword: process.env.SHAREPANEL_SDK_FREE_PASSWORD ?? "",
};

/** Why the gateway suite cannot run, or false when it can. CI (.ci/sdk.sh) demands a gateway. */
export function gatewayMissing(): string | false {
  const missing = Object.entries(ENV).filter(([, v]) => !v).map(([k]) => k);
  if (missing.length === 0) return false;
  if (process.env.SHAREPANEL_SDK_REQUIRE_GATEWAY) throw new Error(`gateway settings missing: ${missing.join(", ")} (run .ci/sdk.sh)`);
  return "no gateway configured (run .ci/sdk.sh)";
}

/** Asserts that value has the type a descriptor of the SDK's metadata names. */
export function checkType(value: unknown, descriptor: string, where: string): void {
  if (descriptor.endsWith("?")) {
    if (value === null) return;
    descriptor = descriptor.slice(0, -1);
  }
  assert.notEqual(value, null, `${where} is null`);
  assert.notEqual(value, undefined, `${where} is missing`);
  if (descriptor.endsWith("[]")) {
    assert.ok(Array.isArray(value), `${where} is not a list`);
    (value as unknown[]).forEach((item, i) => checkType(item, descriptor.slice(0, -2), `${where}[${i}]`));
    return;
  }
  const isObject = typeof value === "object" && value !== null && !Array.isArray(value);
  if (descriptor.startsWith("{")) {
    assert.ok(isObject, `${where} is not an object`);
    for (const [k, v] of Object.entries(value as object)) checkType(v, descriptor.slice(1, -1), `${where}.${k}`);
    return;
  }
  switch (descriptor) {
    case "integer":
      assert.ok(Number.isInteger(value), `${where}: ${String(value)} is not an integer`);
      return;
    case "number":
    case "string":
    case "boolean":
      assert.equal(typeof value, descriptor, `${where}: ${String(value)}`);
      return;
    case "object":
      assert.ok(isObject, `${where} is not an object`);
      return;
    case "any":
      return;
  }
  const shape = SHAPES[descriptor];
  assert.ok(shape, `no shape ${descriptor}`);
  assert.ok(isObject, `${where} is not an object`);
  const obj = value as Record<string, unknown>;
  for (const [name, [type, required]] of Object.entries(shape)) {
    if (required) assert.ok(name in obj, `${where} has no ${name}`);
    if (name in obj) checkType(obj[name], type, `${where}.${name}`);
  }
  const unknown = Object.keys(obj).filter((k) => !(k in shape));
  assert.deepEqual(unknown, [], `${where} has fields the SDK does not know`);
}

/** What tells list items apart: usage counts and last_used_at may change between two calls. */
export function identity(items: readonly object[]): unknown[][] {
  return items.map((i) => {
    const r = i as Record<string, unknown>;
    return [r.type, r.id, r.date];
  });
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

export interface RecordedRequest {
  method: string;
  url: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
}

export type Answer = [number, Record<string, string>, unknown];

export function ok(data?: unknown, message = "ok", headers: Record<string, string> = {}): Answer {
  const body: Record<string, unknown> = { status: "success", message, timestamp: "2024-01-01T12:00:00+00:00" };
  if (data !== undefined) body.data = data;
  return [200, headers, body];
}

export function fail(status: number, message: string, code: string, headers: Record<string, string> = {}, extra: object = {}): Answer {
  return [status, headers, { status: "error", message, code, timestamp: "2024-01-01T12:00:00+00:00", ...extra }];
}

/** An HTTP server on a free loopback port that answers from a script and records requests. */
export class FakeGateway {
  readonly requests: RecordedRequest[] = [];
  baseUrl = "";
  private server: Server;

  constructor(private readonly script: Answer[]) {
    this.server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const url = new URL(req.url ?? "/", "http://fake");
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) headers[k] = String(v);
        this.requests.push({
          method: req.method ?? "",
          url: req.url ?? "",
          query: Object.fromEntries(url.searchParams),
          headers,
          body: Buffer.concat(chunks).toString("utf8"),
        });
        const [status, answerHeaders, body] = this.script.shift() ?? [500, {}, { status: "error", message: "script exhausted" }];
        res.writeHead(status, answerHeaders);
        res.end(typeof body === "string" ? body : JSON.stringify(body));
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
