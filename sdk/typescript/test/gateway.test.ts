// The SDK against a real gateway (.ci/sdk.sh starts one with a fresh database, the demo account and
// a free-plan account): every read action, the reference's write flows, and each kind of failure
// as the gateway really answers it.

import assert from "node:assert/strict";
import { before, describe, test } from "node:test";

import {
  ACTIONS,
  AuthenticationError,
  Client,
  ConflictError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ValidationError,
  type ActionInfo,
} from "../dist/index.js";
import { ENV, checkType, collect, gatewayMissing, identity } from "./support.js";

type Method = (params?: object, options?: object) => unknown;

/** The method an entry of ACTIONS names, bound to its owner. */
function methodOf(client: Client, action: ActionInfo, name: string): Method {
  const owner = (action.property ? (client as unknown as Record<string, object>)[action.property] : client) as Record<string, Method>;
  return owner[name].bind(owner);
}

const skip = gatewayMissing();

describe("against the gateway", { skip }, () => {
  // The demo account's key and the gateway come from SHAREPANEL_API_KEY and SHAREPANEL_BASE_URL.
  let client: Client;
  const values: Record<string, number | string> = { query: "demo" };

  before(async () => {
    client = new Client();
    values.org_id = (await client.orgs.list()).find((o) => o.title === "Demo Agency")!.id;
    values.instance_id = (await client.instances.list())[0].id;
    values.invoice_id = (await client.billing.invoices())[0].id;
    values.key_id = (await client.apiKeys.list()).find((k) => k.name === "Demo key")!.id;
  });

  const other = (key: string, options: object = {}) => new Client({ apiKey: key, baseUrl: ENV.baseUrl, ...options });

  test("every read action answers data of its declared type", async () => {
    const reads = ACTIONS.filter((a) => !a.write && !a.public);
    assert.ok(reads.length >= 25);
    for (const action of reads) {
      const where = `${action.mode}.${action.action}`;
      const missing = action.required.filter((p) => !(p in values));
      assert.deepEqual(missing, [], `the suite has no value for a parameter of ${where}: add one to before()`);
      const params = Object.fromEntries(action.required.map((p) => [p, values[p]]));
      const data = await methodOf(client, action, action.method)(params);
      checkType(data, action.result!, where);
      assert.equal(client.lastResponse?.status, 200);
      if (!action.iterator) continue;
      const iterate = methodOf(client, action, action.iterator) as (p: object, o: object) => AsyncIterable<object>;
      if (action.paged) {
        const everything = (await methodOf(client, action, action.method)({ ...params, limit: 500 })) as object[];
        // Pages of half the list: two or three requests, so paging really happens.
        const pageSize = Math.max(1, Math.ceil(everything.length / 2));
        assert.deepEqual(identity(await collect(iterate(params, { pageSize }))), identity(everything), where);
      } else {
        assert.deepEqual(identity(await collect(iterate(params, {}))), identity(data as object[]), where);
      }
    }
  });

  test("reads return the demo account's data", async () => {
    const profile = await client.profile.view();
    assert.deepEqual([profile.email, profile.plan, profile.verified, profile.balance], [ENV.demoEmail, "pro", 1, 100.5]);
    const orgs = await client.orgs.list();
    assert.deepEqual(orgs.map((o) => o.title).sort(), ["Demo Agency", "Demo Labs", "Member Workshop"]);
    assert.equal((await client.stats.overview()).orgs, orgs.length);
    assert.deepEqual(await client.billing.balance(), { balance: 100.5, currency: "USD" });
    const details = await client.orgs.view({ org_id: values.org_id as number });
    assert.deepEqual([details.title, details.member_count], ["Demo Agency", 2]);
    const paid = await client.billing.invoices({ status: "paid" });
    assert.ok(paid.length > 0 && paid.every((i) => i.status === "paid"));
    const hits = await client.search({ query: "Agency", type: "organizations" });
    assert.deepEqual(hits.map((h) => [h.type, h.name]), [["organization", "Demo Agency"]]);
    const rl = client.rateLimit!;
    assert.deepEqual([rl.limit, rl.windows.find((w) => w.name === "minute")?.quota, rl.windows.find((w) => w.name === "day")?.quota], [100, 100, 10000]);
  });

  test("login gives a key that works", async () => {
    const key = (await other("").login({ email: ENV.demoEmail, password: ENV.password, name: "sdk-ts login" })).api_key;
    assert.ok(key.startsWith("sp_"));
    assert.equal((await other(key).profile.view()).email, ENV.demoEmail);
    const mine = (await client.apiKeys.list()).filter((k) => k.key_prefix === key.slice(0, 10));
    assert.deepEqual(mine.map((k) => k.name), ["sdk-ts login"]);
    assert.equal(await client.apiKeys.delete({ key_id: mine[0].id }), "API key deleted successfully");
  });

  test("organization flow", async () => {
    const { org_id } = await client.orgs.new({ title: "SDK TS Org", contact: "ops@example.com" });
    const view = await client.orgs.view({ org_id });
    assert.deepEqual([view.title, view.path, view.contact], ["SDK TS Org", "sdk-ts-org", "ops@example.com"]);
    assert.equal(await client.orgs.update({ org_id, title: "SDK TS Org 2" }), "Organization updated successfully");
    assert.equal((await client.orgs.view({ org_id })).title, "SDK TS Org 2");
    assert.equal(await client.orgs.delete({ org_id }), "Organization deleted successfully");
    await assert.rejects(client.orgs.view({ org_id }), (e: unknown) => {
      assert.ok(e instanceof NotFoundError);
      assert.deepEqual([e.status, e.code, e.message], [404, "not_found", "Organization not found"]);
      return true;
    });
  });

  test("API key flow and a permission error", async () => {
    const key = (await client.apiKeys.create({ name: "sdk-ts read-only", permissions: "read" })).api_key;
    const listed = (await client.apiKeys.list()).filter((k) => k.name === "sdk-ts read-only");
    assert.deepEqual(listed.map((k) => [k.permissions, k.key_prefix]), [["read", key.slice(0, 10)]]);
    const readOnly = other(key);
    assert.equal((await readOnly.profile.view()).email, ENV.demoEmail);
    await assert.rejects(readOnly.orgs.new({ title: "Not allowed" }), (e: unknown) => {
      assert.ok(e instanceof PermissionDeniedError);
      assert.deepEqual([e.status, e.code, e.message], [403, "forbidden", "This API key does not have write permission"]);
      return true;
    });
    assert.equal(await client.apiKeys.delete({ key_id: listed[0].id }), "API key deleted successfully");
    await assert.rejects(readOnly.profile.view(), AuthenticationError);
  });

  test("mark_read", async () => {
    const before = (await client.notifications.unreadCount()).count;
    const unread = await client.notifications.list({ unread_only: true });
    assert.equal(unread.length, before);
    assert.ok(before > 0, "the demo account has unread notifications");
    const target = unread[0].id;
    assert.equal(await client.notifications.markRead({ notification_id: target }), "Notification marked as read");
    assert.equal((await client.notifications.unreadCount()).count, before - 1);
    assert.ok(!(await client.notifications.list({ unread_only: true })).some((n) => n.id === target));
  });

  test("an unknown key is an authentication error", async () => {
    await assert.rejects(other("sp_this-key-does-not-exist").profile.view(), (e: unknown) => {
      assert.ok(e instanceof AuthenticationError);
      assert.deepEqual([e.status, e.code, e.message], [401, "unauthorized", "Invalid or expired API key"]);
      assert.ok(e.requestId);
      return true;
    });
  });

  test("another account's instance is not found", async () => {
    const member = other("");
    member.apiKey = (await member.login({ email: ENV.memberEmail, password: ENV.password })).api_key;
    const theirs = (await member.instances.list()).map((i) => i.id);
    const mine = (await client.instances.list()).map((i) => i.id);
    assert.ok(theirs.length > 0);
    assert.deepEqual(theirs.filter((id) => mine.includes(id)), []);
    await assert.rejects(client.instances.view({ instance_id: theirs[0] }), (e: unknown) => {
      assert.ok(e instanceof NotFoundError);
      assert.deepEqual([e.status, e.code, e.message], [404, "not_found", "Instance not found"]);
      assert.equal(e.requestId, client.lastResponse?.requestId);
      return true;
    });
  });

  test("validation and conflict errors", async () => {
    await assert.rejects(client.analytics.usage({ period: 1000 }), (e: unknown) => {
      assert.ok(e instanceof ValidationError);
      assert.deepEqual([e.constructor, e.status, e.code, e.message], [ValidationError, 400, "invalid_request", "period must be an integer between 1 and 366"]);
      return true;
    });
    await assert.rejects(client.orgs.new({ title: "Taken", path: "demo-labs" }), (e: unknown) => {
      assert.ok(e instanceof ConflictError);
      assert.deepEqual([e.status, e.code, e.message], [409, "conflict", "Organization path already exists"]);
      return true;
    });
  });

  test("a 429, then a retry that waits for Retry-After", async () => {
    const key = (await other("").login({ email: ENV.freeEmail, password: ENV.freePassword })).api_key;
    const strict = other(key, { maxRetries: 0 });
    let refused: RateLimitError | undefined;
    // The free plan allows 10 requests a minute: the bucket runs dry within 11 calls.
    for (let i = 0; i < 11 && !refused; i++) {
      try {
        await strict.profile.view();
      } catch (e) {
        if (!(e instanceof RateLimitError)) throw e;
        refused = e;
      }
    }
    assert.ok(refused, "no 429 within 11 calls on the free plan");
    assert.deepEqual([refused.status, refused.code, refused.message], [429, "rate_limited", "Rate limit exceeded. Please try again later."]);
    assert.ok(refused.retryAfter! > 0 && refused.retryAfter! <= 6, `retryAfter ${refused.retryAfter}`);
    assert.deepEqual([refused.rateLimit?.limit, refused.rateLimit?.remaining], [10, 0]);
    assert.equal(refused.rateLimit?.windows.find((w) => w.name === "minute")?.quota, 10);
    assert.equal(strict.rateLimit, refused.rateLimit);

    // A budget shorter than Retry-After: refused at once, without waiting.
    const impatient = other(key, { maxRetries: 3, maxRetryWaitMs: 100 });
    await assert.rejects(impatient.profile.view(), RateLimitError);
    assert.equal(impatient.lastResponse?.attempts, 1);

    const patient = other(key, { maxRetries: 2, maxRetryWaitMs: 15_000 });
    assert.equal((await patient.profile.view()).email, ENV.freeEmail);
    assert.ok(patient.lastResponse!.attempts >= 2);
  });

  test("lists send Link and X-Total-Count, and the iterator follows them", async () => {
    const page = await client.notifications.list({ limit: 2 });
    const info = client.lastResponse!;
    assert.ok(info.links["first"] && info.links["next"], "no Link rel=first and rel=next on a list of more than 2");
    const everything = await collect(client.notifications.iterList({}, { pageSize: 2 }));
    assert.deepEqual(identity(everything.slice(0, 2)), identity(page));
    assert.equal(info.totalCount, everything.length);
  });

  test("a replayed write answers the first result", async () => {
    const key = `sdk-ts-replay-${crypto.randomUUID()}`;
    const first = await client.orgs.new({ title: "SDK TS Replay" }, { idempotencyKey: key });
    assert.equal(client.lastResponse!.replayed, false);
    const second = await client.orgs.new({ title: "SDK TS Replay" }, { idempotencyKey: key });
    assert.equal(client.lastResponse!.replayed, true);
    assert.deepEqual(first, second);
    await assert.rejects(client.orgs.new({ title: "SDK TS Other" }, { idempotencyKey: key }), (err: unknown) => {
      assert.ok(err instanceof ConflictError);
      assert.deepEqual([err.status, err.code, err.message], [422, "idempotency_key_reused", "Idempotency-Key was used with different parameters"]);
      return true;
    });
    await client.orgs.delete({ org_id: first.org_id });
  });

  test("keys locked to addresses and modes", async () => {
    const scoped = (await client.apiKeys.create({ name: "sdk-ts scoped", scopes: "profile:read", allowed_ips: "127.0.0.1,::1" })).api_key;
    const elsewhere = (await client.apiKeys.create({ name: "sdk-ts elsewhere", allowed_ips: "203.0.113.7" })).api_key;
    const listed = new Map((await client.apiKeys.list({ limit: 500 })).map((k) => [k.name, k]));
    assert.deepEqual([listed.get("sdk-ts scoped")!.scopes, listed.get("sdk-ts scoped")!.allowed_ips], ["profile:read", "127.0.0.1,::1"]);
    assert.deepEqual([listed.get("sdk-ts elsewhere")!.scopes, listed.get("sdk-ts elsewhere")!.allowed_ips], [null, "203.0.113.7"]);
    assert.equal((await other(scoped).profile.view()).email, ENV.demoEmail);
    await assert.rejects(other(scoped).orgs.list(), (err: unknown) => {
      assert.ok(err instanceof PermissionDeniedError);
      assert.deepEqual([err.status, err.message], [403, "This API key may not use orgs"]);
      return true;
    });
    await assert.rejects(other(elsewhere).profile.view(), (err: unknown) => {
      assert.ok(err instanceof PermissionDeniedError);
      assert.deepEqual([err.status, err.message], [403, "This API key may not be used from 127.0.0.1"]);
      return true;
    });
    for (const name of ["sdk-ts scoped", "sdk-ts elsewhere"]) await client.apiKeys.delete({ key_id: listed.get(name)!.id });
  });
});
