// The SDK's transport against a scripted server: what goes on the wire, retries, errors, paging.
// No gateway needed.

import assert from "node:assert/strict";
import { test } from "node:test";

import {
  AuthenticationError,
  Client,
  ConflictError,
  MethodNotAllowedError,
  NetworkError,
  NotFoundError,
  PayloadTooLargeError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  ServiceUnavailableError,
  SharePanelError,
  ValidationError,
} from "../dist/index.js";
import { type Answer, FakeGateway, collect, fail, ok } from "./support.js";

const RATE_HEADERS = {
  "X-RateLimit-Limit": "10",
  "X-RateLimit-Remaining": "0",
  "X-RateLimit-Reset": "1700000060",
  "Retry-After": "0",
  "RateLimit-Policy": '"minute";q=10;w=60, "day";q=100;w=86400',
  RateLimit: '"minute";r=0;t=6, "day";r=90;t=43200',
};

/** Runs fn against a fake gateway answering script, and stops it. */
async function withGateway(script: Answer[], fn: (gw: FakeGateway) => Promise<void>): Promise<void> {
  const gw = await new FakeGateway(script).start();
  try {
    await fn(gw);
  } finally {
    await gw.stop();
  }
}

test("a read is a GET with the key as bearer and only the declared parameters", () =>
  withGateway([ok([])], async (gw) => {
    const client = new Client({ apiKey: "sp_test", baseUrl: gw.baseUrl });
    const extra = { unread_only: true, limit: 5, cache_buster: "x" };
    assert.deepEqual(await client.notifications.list(extra), []);
    const [req] = gw.requests;
    assert.equal(req.method, "GET");
    assert.equal(req.headers["authorization"], "Bearer sp_test");
    assert.deepEqual(req.query, { mode: "notifications", action: "list", unread_only: "true", limit: "5" });
    assert.equal(req.headers["idempotency-key"], undefined);
  }));

test("a write is a JSON POST with an Idempotency-Key", () =>
  withGateway([ok({ org_id: 7 })], async (gw) => {
    const created = await new Client({ apiKey: "sp_test", baseUrl: gw.baseUrl }).orgs.new({ title: "Acme" });
    assert.equal(created.org_id, 7);
    const [req] = gw.requests;
    assert.equal(req.method, "POST");
    assert.equal(req.headers["content-type"], "application/json");
    assert.deepEqual(JSON.parse(req.body), { mode: "orgs", action: "new", title: "Acme" });
    assert.match(req.headers["idempotency-key"] ?? "", /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  }));

test("login is a POST without the key", () =>
  withGateway([ok({ api_key: "sp_new" })], async (gw) => {
    const data = await new Client({ apiKey: "sp_old", baseUrl: gw.baseUrl }).login({ email: "a@example.com", password: "pw secret" });
    assert.equal(data.api_key, "sp_new");
    const [req] = gw.requests;
    assert.equal(req.method, "POST");
    assert.equal(req.headers["authorization"], undefined);
    assert.deepEqual(JSON.parse(req.body), { mode: "auth", email: "a@example.com", password: "pw secret" });
  }));

test("stats uses type as its selector and dates are ISO 8601", () =>
  withGateway([ok({ total: 1 }), ok({ api_key: "sp_x" })], async (gw) => {
    const client = new Client({ apiKey: "sp_test", baseUrl: gw.baseUrl });
    await client.stats.instances();
    await client.apiKeys.create({ name: "ci", expires_at: new Date(Date.UTC(2030, 0, 2, 3, 4, 5)) });
    assert.deepEqual(gw.requests[0].query, { mode: "stats", type: "instances" });
    assert.equal(JSON.parse(gw.requests[1].body).expires_at, "2030-01-02T03:04:05Z");
  }));

test("actions without data resolve to the message", () =>
  withGateway([ok(undefined, "3 dead instances deleted successfully")], async (gw) => {
    const msg = await new Client({ apiKey: "sp_test", baseUrl: gw.baseUrl }).instances.deleteDead();
    assert.equal(msg, "3 dead instances deleted successfully");
  }));

test("key and base URL from the environment", () =>
  withGateway([ok({ count: 0 })], async (gw) => {
    process.env.SHAREPANEL_API_KEY = "sp_env";
    process.env.SHAREPANEL_BASE_URL = gw.baseUrl + "/";
    let client: Client;
    try {
      client = new Client();
    } finally {
      delete process.env.SHAREPANEL_API_KEY;
      delete process.env.SHAREPANEL_BASE_URL;
    }
    await client.notifications.unreadCount();
    assert.equal(client.baseUrl, gw.baseUrl);
    assert.equal(gw.requests[0].headers["authorization"], "Bearer sp_env");
  }));

test("each status throws its class with status, message, code and request ID", async () => {
  const cases: [number, typeof SharePanelError][] = [
    [400, ValidationError], [401, AuthenticationError], [403, PermissionDeniedError], [404, NotFoundError],
    [405, MethodNotAllowedError], [409, ConflictError], [413, PayloadTooLargeError], [422, ConflictError],
    [429, RateLimitError], [500, ServerError], [503, ServiceUnavailableError], [418, SharePanelError],
  ];
  const script = cases.map(([s]) => fail(s, `went wrong ${s}`, `code_${s}`, { "X-Request-ID": `rid-${s}` }));
  await withGateway(script, async (gw) => {
    const client = new Client({ apiKey: "sp_test", baseUrl: gw.baseUrl, maxRetries: 0 });
    for (const [status, Class] of cases) {
      const err = await client.profile.view().then(() => assert.fail("no error"), (e: unknown) => e);
      assert.ok(err instanceof Class);
      assert.equal((err as Error).constructor, Class);
      const e = err as SharePanelError;
      assert.deepEqual([e.status, e.message, e.code, e.requestId, e.name], [status, `went wrong ${status}`, `code_${status}`, `rid-${status}`, Class.name]);
    }
  });
  assert.ok(new ConflictError("x") instanceof ValidationError);
  assert.ok(new ServiceUnavailableError("x") instanceof ServerError);
});

test("the request ID of the body wins over the header", () =>
  withGateway([fail(404, "Organization not found", "not_found", { "X-Request-ID": "from-header" }, { request_id: "from-body" })], async (gw) => {
    await assert.rejects(new Client({ apiKey: "sp_test", baseUrl: gw.baseUrl }).orgs.view({ org_id: 1 }), (e: unknown) => {
      assert.ok(e instanceof NotFoundError);
      assert.equal(e.requestId, "from-body");
      return true;
    });
  }));

test("an answer that is not JSON is a server error", () =>
  withGateway([[502, { "Content-Type": "text/html" }, "<html>Bad Gateway</html>"]], async (gw) => {
    await assert.rejects(new Client({ apiKey: "sp_test", baseUrl: gw.baseUrl }).profile.view(), (e: unknown) => {
      assert.ok(e instanceof ServerError);
      assert.deepEqual([e.status, e.message], [502, "HTTP 502"]);
      return true;
    });
  }));

test("no answer is a network error", async () => {
  const gw = await new FakeGateway([]).start();
  const base = gw.baseUrl;
  await gw.stop();
  await assert.rejects(new Client({ apiKey: "sp_test", baseUrl: base, timeoutMs: 2000 }).profile.view(), (e: unknown) => {
    assert.ok(e instanceof NetworkError);
    assert.equal(e.status, 0);
    return true;
  });
});

test("a read is retried on 429 and 503 and the rate-limit state is kept", () =>
  withGateway(
    [
      fail(429, "Rate limit exceeded. Please try again later.", "rate_limited", RATE_HEADERS),
      fail(503, "Service temporarily unavailable", "unavailable", { "Retry-After": "0" }),
      ok({ count: 2 }, "ok", { "X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "9", "X-RateLimit-Reset": "1700000060" }),
    ],
    async (gw) => {
      const client = new Client({ apiKey: "sp_test", baseUrl: gw.baseUrl, maxRetries: 2 });
      assert.deepEqual(await client.notifications.unreadCount(), { count: 2 });
      assert.equal(gw.requests.length, 3);
      assert.equal(client.lastResponse?.attempts, 3);
      assert.deepEqual([client.rateLimit?.limit, client.rateLimit?.remaining, client.rateLimit?.reset], [10, 9, 1700000060]);
    },
  ));

test("retries stop at maxRetries", () =>
  withGateway(Array(3).fill(fail(429, "Rate limit exceeded. Please try again later.", "rate_limited", RATE_HEADERS)), async (gw) => {
    await assert.rejects(new Client({ apiKey: "sp_test", baseUrl: gw.baseUrl, maxRetries: 1 }).profile.view(), (e: unknown) => {
      assert.ok(e instanceof RateLimitError);
      assert.equal(gw.requests.length, 2);
      assert.deepEqual([e.retryAfter, e.rateLimit?.limit, e.rateLimit?.remaining], [0, 10, 0]);
      assert.deepEqual(e.rateLimit?.windows, [
        { name: "minute", quota: 10, window: 60, remaining: 0, reset: 6 },
        { name: "day", quota: 100, window: 86400, remaining: 90, reset: 43200 },
      ]);
      return true;
    });
  }));

test("no retry when Retry-After exceeds the wait budget", () =>
  withGateway([fail(429, "Rate limit exceeded. Please try again later.", "rate_limited", { ...RATE_HEADERS, "Retry-After": "30" })], async (gw) => {
    const client = new Client({ apiKey: "sp_test", baseUrl: gw.baseUrl, maxRetries: 3, maxRetryWaitMs: 5000 });
    await assert.rejects(client.profile.view(), (e: unknown) => e instanceof RateLimitError && e.retryAfter === 30);
    assert.equal(gw.requests.length, 1);
  }));

function retriedWithTheSameIdempotencyKey(firstAnswer: Answer) {
  return withGateway([firstAnswer, ok({ org_id: 3 }, "ok", { "Idempotent-Replayed": "true" })], async (gw) => {
    const client = new Client({ apiKey: "sp_test", baseUrl: gw.baseUrl });
    assert.deepEqual(await client.orgs.new({ title: "Acme" }), { org_id: 3 });
    const keys = gw.requests.map((r) => r.headers["idempotency-key"]);
    assert.equal(keys.length, 2);
    assert.ok(keys[0]);
    assert.equal(keys[0], keys[1]);
    assert.equal(client.lastResponse?.replayed, true);
  });
}

test("a write is retried with the same Idempotency-Key", () =>
  retriedWithTheSameIdempotencyKey(fail(503, "Service temporarily unavailable", "unavailable", { "Retry-After": "0" })));

// 409 with Retry-After: the gateway still runs an earlier attempt with this Idempotency-Key.
test("a write whose first attempt still runs is retried until its answer", () =>
  retriedWithTheSameIdempotencyKey(fail(409, "A request with this Idempotency-Key is in progress", "conflict", { "Retry-After": "0" })));

test("a conflict without Retry-After is not retried", () =>
  withGateway([fail(409, "An organization with this title already exists", "conflict"), ok({ org_id: 3 })], async (gw) => {
    const client = new Client({ apiKey: "sp_test", baseUrl: gw.baseUrl });
    await assert.rejects(client.orgs.new({ title: "Acme" }), ConflictError);
    assert.equal(gw.requests.length, 1);
  }));

test("a given Idempotency-Key is sent as is", () =>
  withGateway([ok({ org_id: 3 })], async (gw) => {
    await new Client({ apiKey: "sp_test", baseUrl: gw.baseUrl }).orgs.new({ title: "Acme" }, { idempotencyKey: "my-key-1" });
    assert.equal(gw.requests[0].headers["idempotency-key"], "my-key-1");
  }));

test("a write without Idempotency-Key is never retried", () =>
  withGateway([fail(503, "Service temporarily unavailable", "unavailable", { "Retry-After": "0" }), ok({ org_id: 3 })], async (gw) => {
    const client = new Client({ apiKey: "sp_test", baseUrl: gw.baseUrl, idempotencyKeys: false });
    await assert.rejects(client.orgs.new({ title: "Acme" }), ServiceUnavailableError);
    assert.equal(gw.requests.length, 1);
    assert.equal(gw.requests[0].headers["idempotency-key"], undefined);
  }));

test("the iterator follows Link rel=next on the same origin", () =>
  withGateway(
    [
      ok([{ id: 1 }, { id: 2 }], "ok", {
        Link: '</api?mode=billing&action=invoices&limit=2&offset=2>; rel="next", </api?mode=billing&action=invoices&limit=2&offset=0>; rel="first"',
        "X-Total-Count": "3",
      }),
      ok([{ id: 3 }]),
    ],
    async (gw) => {
      const client = new Client({ apiKey: "sp_test", baseUrl: gw.baseUrl });
      const items = await collect(client.billing.iterInvoices({ status: "paid" }, { pageSize: 2 }));
      assert.deepEqual(items.map((i) => i.id), [1, 2, 3]);
      assert.deepEqual(gw.requests[0].query, { mode: "billing", action: "invoices", status: "paid", limit: "2" });
      assert.deepEqual(gw.requests[1].query, { mode: "billing", action: "invoices", limit: "2", offset: "2" });
      assert.equal(gw.requests[1].headers["authorization"], "Bearer sp_test");
    },
  ));

test("the iterator pages by offset without Link, and ignores links to other origins", () =>
  withGateway(
    [ok([{ id: 1 }, { id: 2 }], "ok", { Link: '<https://elsewhere.example/api?page=2>; rel="next"' }), ok([{ id: 3 }, { id: 4 }]), ok([{ id: 5 }])],
    async (gw) => {
      const items = await collect(new Client({ apiKey: "sp_test", baseUrl: gw.baseUrl }).notifications.iterList({}, { pageSize: 2 }));
      assert.deepEqual(items.map((i) => i.id), [1, 2, 3, 4, 5]);
      assert.deepEqual(gw.requests.map((r) => r.query.offset), [undefined, "2", "4"]);
    },
  ));

test("a page with links but no rel=next is the last", () => {
  // A full last page (as many items as the limit): only the missing rel="next" says it ends.
  const first = '</api?mode=billing&action=invoices&limit=2&offset=0>; rel="first"';
  return withGateway(
    [
      ok([{ id: 1 }, { id: 2 }], "ok", { Link: '</api?mode=billing&action=invoices&limit=2&offset=2>; rel="next", ' + first }),
      ok([{ id: 3 }, { id: 4 }], "ok", { Link: first + ', </api?mode=billing&action=invoices&limit=2&offset=0>; rel="prev"' }),
    ],
    async (gw) => {
      const items = await collect(new Client({ apiKey: "sp_test", baseUrl: gw.baseUrl }).billing.iterInvoices({}, { pageSize: 2 }));
      assert.deepEqual([items.map((i) => i.id), gw.requests.length], [[1, 2, 3, 4], 2]);
    },
  );
});

test("a list that does not page is one request", () =>
  withGateway([ok([{ id: 1 }, { id: 2 }])], async (gw) => {
    const items = await collect(new Client({ apiKey: "sp_test", baseUrl: gw.baseUrl }).orgs.iterList());
    assert.deepEqual([items.map((o) => o.id), gw.requests.length], [[1, 2], 1]);
  }));
