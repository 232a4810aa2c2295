// Calls the gateway through a client generated from its OpenAPI document, the way a TypeScript user
// would: openapi-typescript writes generated/schema.d.ts from /docs/openapi.json, openapi-fetch calls
// it. Every read action and orgs new are called with typed parameters, and each answer's data is
// typed: no cast, no custom serializer. It compiles under tsc --strict, or the document is not good
// enough for generators. Run by .ci/openapi.sh against a gateway with the demo account.
import createClient from "openapi-fetch";
import type { paths } from "./generated/schema.js";

const baseUrl = process.env.SHAREPANEL_BASE_URL ?? "";
const apiKey = process.env.SHAREPANEL_API_KEY ?? "";
const email = process.env.DEMO_EMAIL ?? "";
const password = process.env.DEMO_PASSWORD ?? "";

const client = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${apiKey}` } });

// typed accepts a value only when its type is known: any or unknown does not compile (the second
// argument's type becomes never). That is what "a typed data" means here.
type Untyped<T> = 0 extends 1 & T ? true : unknown extends T ? true : false;
function typed<T>(value: T, proof: Untyped<T> extends true ? never : true): T {
  void proof;
  return value;
}

const called = new Set<string>();
let failures = 0;

// answer checks an answer: HTTP 200, the envelope's status success, and returns its typed data.
function answer<D>(path: string, res: { data?: { status: string; message: string; data: D }; response: Response }): D {
  called.add(path);
  if (!res.response.ok || res.data?.status !== "success") {
    failures++;
    console.error(`FAIL ${path}: ${res.response.status}`);
    throw new Error(`${path} answered ${res.response.status}`);
  }
  console.log(`ok   ${path}: ${res.data.message}`);
  return res.data.data;
}

// done checks an answer without data (an action that changes something and answers a message).
function done(path: string, res: { data?: { status: string; message: string }; response: Response }): void {
  called.add(path);
  if (!res.response.ok || res.data?.status !== "success") {
    failures++;
    console.error(`FAIL ${path}: ${res.response.status}`);
    return;
  }
  console.log(`ok   ${path}: ${res.data.message}`);
}

async function main(): Promise<void> {
  // auth: no key; a read that makes a key.
  const auth = answer("/api/auth", await client.GET("/api/auth", { params: { query: { email, password, name: "typed client" } } }));
  typed(auth.api_key, true).startsWith("sp_");

  const profile = answer("/api/profile/view", await client.GET("/api/profile/view"));
  console.log(`     profile of ${typed(profile.username, true)}, plan ${profile.plan}, balance ${profile.balance.toFixed(2)}`);
  typed(answer("/api/profile/stats", await client.GET("/api/profile/stats")).org_count, true);

  const orgs = answer("/api/orgs/list", await client.GET("/api/orgs/list"));
  const orgID = typed(orgs[0]?.id, true) ?? 1;
  typed(answer("/api/orgs/view", await client.GET("/api/orgs/view", { params: { query: { org_id: orgID } } })).member_count, true);
  typed(answer("/api/orgs/members", await client.GET("/api/orgs/members", { params: { query: { org_id: orgID } } }))[0]?.memberID, true);
  const created = answer("/api/orgs/new", await client.POST("/api/orgs/new", { body: { title: "Made by a generated client" } }));
  console.log(`     new organization ${typed(created.org_id, true)}`);

  const instances = answer("/api/instances/list", await client.GET("/api/instances/list", { params: { query: { type: "all" } } }));
  const instanceID = typed(instances[0]?.id, true) ?? 1;
  typed(answer("/api/instances/view", await client.GET("/api/instances/view", { params: { query: { instance_id: instanceID } } })).user_id, true);

  typed(answer("/api/billing/balance", await client.GET("/api/billing/balance")).currency, true);
  const invoices = answer("/api/billing/invoices", await client.GET("/api/billing/invoices", { params: { query: { limit: 10, status: "paid" } } }));
  const invoiceID = typed(invoices[0]?.id, true) ?? 1;
  typed(answer("/api/billing/invoice", await client.GET("/api/billing/invoice", { params: { query: { invoice_id: invoiceID } } })).invoice_number, true);
  typed(answer("/api/billing/transactions", await client.GET("/api/billing/transactions", { params: { query: { offset: 0 } } }))[0]?.amount, true);
  typed(answer("/api/billing/purchases", await client.GET("/api/billing/purchases"))[0]?.item_type, true);
  typed(answer("/api/billing/plans", await client.GET("/api/billing/plans"))[0]?.name, true);

  typed(answer("/api/analytics/overview", await client.GET("/api/analytics/overview")).active_api_keys, true);
  typed(answer("/api/analytics/usage", await client.GET("/api/analytics/usage", { params: { query: { period: 30 } } }))[0]?.request_count, true);
  typed(answer("/api/analytics/activity", await client.GET("/api/analytics/activity"))[0]?.action, true);
  typed(answer("/api/analytics/spending", await client.GET("/api/analytics/spending", { params: { query: { period: 366 } } }))[0]?.total_spent, true);

  typed(answer("/api/notifications/list", await client.GET("/api/notifications/list", { params: { query: { unread_only: true } } }))[0]?.is_read, true);
  typed(answer("/api/notifications/unread_count", await client.GET("/api/notifications/unread_count")).count, true);

  const keys = answer("/api/api_keys/list", await client.GET("/api/api_keys/list"));
  const keyID = typed(keys[0]?.id, true) ?? 1;
  typed(answer("/api/api_keys/usage", await client.GET("/api/api_keys/usage", { params: { query: { key_id: keyID } } })).total_requests, true);

  typed(answer("/api/search", await client.GET("/api/search", { params: { query: { query: "demo", type: "all" } } }))[0]?.type, true);
  typed(answer("/api/stats/overview", await client.GET("/api/stats/overview")).paid_invoices, true);
  typed(answer("/api/stats/instances", await client.GET("/api/stats/instances")).asleep, true);
  typed(answer("/api/stats/organizations", await client.GET("/api/stats/organizations")).admin_count, true);

  // A write without data, for completeness of the POST shape.
  done("/api/notifications/mark_read", await client.POST("/api/notifications/mark_read", { body: {} }));

  // Every read action of the document was called.
  const missing = readPaths(await (await fetch(`${baseUrl}/docs/openapi.json`)).json()).filter((p) => !called.has(p));
  if (missing.length > 0) {
    failures++;
    console.error(`FAIL read actions not called: ${missing.join(", ")}`);
  }
  if (failures > 0) {
    process.exit(1);
  }
  console.log(`ok   ${called.size} operations called through the generated client`);
}

// readPaths lists the paths of the document's read actions (x-actions with method GET).
function readPaths(doc: unknown): string[] {
  const out: string[] = [];
  const actions = typeof doc === "object" && doc !== null && "x-actions" in doc ? doc["x-actions"] : [];
  for (const a of Array.isArray(actions) ? actions : []) {
    if (typeof a === "object" && a !== null && "method" in a && a.method === "GET" && "path" in a && typeof a.path === "string") {
      out.push(a.path);
    }
  }
  return out;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
