"""The SDK's transport against a scripted server: what goes on the wire, retries, errors, paging.

These need no gateway: they pin the behaviour the gateway cannot be made to show on demand (a
503, a replay, Link headers before the gateway sends them).
"""

import datetime
import unittest
import unittest.mock
import urllib.parse

import sharepanel
from sharepanel import Client

from .support import FakeGateway, fail, ok

RATE_HEADERS = {
    "X-RateLimit-Limit": "10",
    "X-RateLimit-Remaining": "0",
    "X-RateLimit-Reset": "1700000060",
    "Retry-After": "0",
    "RateLimit-Policy": '"minute";q=10;w=60, "day";q=100;w=86400',
    "RateLimit": '"minute";r=0;t=6, "day";r=90;t=43200',
}


def query(path: str) -> dict:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(path).query))


class WireTest(unittest.TestCase):
    def test_read_is_a_get_with_the_key_as_bearer_and_only_the_given_parameters(self):
        with FakeGateway([ok([])]) as gw:
            Client("sp_test", base_url=gw.base_url).notifications.list(unread_only=True, limit=5)
        req = gw.requests[0]
        self.assertEqual(req.method, "GET")
        self.assertEqual(req.headers["authorization"], "Bearer sp_test")
        self.assertEqual(query(req.path), {"mode": "notifications", "action": "list", "unread_only": "true", "limit": "5"})
        self.assertNotIn("idempotency-key", req.headers)

    def test_write_is_a_json_post_with_an_idempotency_key(self):
        with FakeGateway([ok({"org_id": 7})]) as gw:
            created = Client("sp_test", base_url=gw.base_url).orgs.new(title="Acme")
        self.assertEqual(created, {"org_id": 7})
        req = gw.requests[0]
        self.assertEqual(req.method, "POST")
        self.assertEqual(req.headers["content-type"], "application/json")
        self.assertEqual(req.json(), {"mode": "orgs", "action": "new", "title": "Acme"})
        self.assertRegex(req.headers["idempotency-key"], r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

    def test_login_is_a_post_without_the_key(self):
        with FakeGateway([ok({"api_key": "sp_new"})]) as gw:
            data = Client("sp_old", base_url=gw.base_url).login(email="a@example.com", password="pw secret")
        self.assertEqual(data["api_key"], "sp_new")
        req = gw.requests[0]
        self.assertEqual(req.method, "POST")
        self.assertNotIn("authorization", req.headers)
        self.assertEqual(req.json(), {"mode": "auth", "email": "a@example.com", "password": "pw secret"})
        self.assertNotIn("pw", req.path)

    def test_stats_uses_type_as_selector_and_dates_are_iso_8601(self):
        with FakeGateway([ok({}), ok({"api_key": "sp_x"})]) as gw:
            c = Client("sp_test", base_url=gw.base_url)
            c.stats.instances()
            c.api_keys.create(name="ci", expires_at=datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc))
        self.assertEqual(query(gw.requests[0].path), {"mode": "stats", "type": "instances"})
        self.assertEqual(gw.requests[1].json()["expires_at"], "2030-01-02T03:04:05Z")

    def test_actions_without_data_return_the_message(self):
        with FakeGateway([ok(message="3 dead instances deleted successfully")]) as gw:
            msg = Client("sp_test", base_url=gw.base_url).instances.delete_dead()
        self.assertEqual(msg, "3 dead instances deleted successfully")

    def test_key_and_base_url_from_the_environment(self):
        with FakeGateway([ok({})]) as gw:
            env = {"SHAREPANEL_API_KEY": "sp_env", "SHAREPANEL_BASE_URL": gw.base_url + "/"}
            with unittest.mock.patch.dict("os.environ", env):
                c = Client()
            c.profile.view()
        self.assertEqual(c.base_url, gw.base_url)
        self.assertEqual(gw.requests[0].headers["authorization"], "Bearer sp_env")


class ErrorTest(unittest.TestCase):
    def test_each_status_raises_its_class_with_status_message_code_and_request_id(self):
        cases = [
            (400, sharepanel.ValidationError), (401, sharepanel.AuthenticationError), (403, sharepanel.PermissionDeniedError),
            (404, sharepanel.NotFoundError), (405, sharepanel.MethodNotAllowedError), (409, sharepanel.ConflictError),
            (413, sharepanel.PayloadTooLargeError), (422, sharepanel.ConflictError), (429, sharepanel.RateLimitError),
            (500, sharepanel.ServerError), (503, sharepanel.ServiceUnavailableError), (418, sharepanel.SharePanelError),
        ]
        script = [fail(status, "went wrong %d" % status, "code_%d" % status, {"X-Request-ID": "rid-%d" % status}) for status, _ in cases]
        with FakeGateway(script) as gw:
            c = Client("sp_test", base_url=gw.base_url, max_retries=0)
            for status, cls in cases:
                with self.assertRaises(cls) as ctx:
                    c.profile.view()
                e = ctx.exception
                self.assertIs(type(e), cls)
                self.assertEqual((e.status, e.message, e.code, e.request_id), (status, "went wrong %d" % status, "code_%d" % status, "rid-%d" % status))
        self.assertTrue(issubclass(sharepanel.ConflictError, sharepanel.ValidationError))
        self.assertTrue(issubclass(sharepanel.ServiceUnavailableError, sharepanel.ServerError))

    def test_request_id_of_the_body_wins_over_the_header(self):
        with FakeGateway([fail(404, "Organization not found", "not_found", {"X-Request-ID": "from-header"}, request_id="from-body")]) as gw:
            with self.assertRaises(sharepanel.NotFoundError) as ctx:
                Client("sp_test", base_url=gw.base_url).orgs.view(org_id=1)
        self.assertEqual(ctx.exception.request_id, "from-body")

    def test_an_answer_that_is_not_json_is_a_server_error(self):
        with FakeGateway([(502, {"Content-Type": "text/html"}, "<html>Bad Gateway</html>")]) as gw:
            with self.assertRaises(sharepanel.ServerError) as ctx:
                Client("sp_test", base_url=gw.base_url).profile.view()
        self.assertEqual((ctx.exception.status, ctx.exception.message), (502, "HTTP 502"))

    def test_no_answer_is_a_network_error(self):
        with FakeGateway([]) as gw:
            base = gw.base_url
        with self.assertRaises(sharepanel.NetworkError) as ctx:
            Client("sp_test", base_url=base, timeout=2).profile.view()
        self.assertEqual(ctx.exception.status, 0)


class RetryTest(unittest.TestCase):
    def test_a_read_is_retried_on_429_and_503_and_the_state_is_kept(self):
        script = [fail(429, "Rate limit exceeded. Please try again later.", "rate_limited", RATE_HEADERS),
                  fail(503, "Service temporarily unavailable", "unavailable", {"Retry-After": "0"}),
                  ok({"count": 2}, headers={"X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "9", "X-RateLimit-Reset": "1700000060"})]
        with FakeGateway(script) as gw:
            c = Client("sp_test", base_url=gw.base_url, max_retries=2)
            self.assertEqual(c.notifications.unread_count(), {"count": 2})
        self.assertEqual(len(gw.requests), 3)
        self.assertEqual(c.last_response.attempts, 3)
        self.assertEqual((c.rate_limit.limit, c.rate_limit.remaining, c.rate_limit.reset), (10, 9, 1700000060))

    def test_retries_stop_at_max_retries(self):
        with FakeGateway([fail(429, "Rate limit exceeded. Please try again later.", "rate_limited", RATE_HEADERS)] * 3) as gw:
            c = Client("sp_test", base_url=gw.base_url, max_retries=1)
            with self.assertRaises(sharepanel.RateLimitError) as ctx:
                c.profile.view()
        self.assertEqual(len(gw.requests), 2)
        e = ctx.exception
        self.assertEqual((e.retry_after, e.rate_limit.limit, e.rate_limit.remaining), (0.0, 10, 0))
        minute = e.rate_limit.window("minute")
        self.assertEqual((minute.quota, minute.window, minute.remaining, minute.reset), (10, 60, 0, 6))
        self.assertEqual(e.rate_limit.window("day").remaining, 90)

    def test_no_retry_when_retry_after_exceeds_the_wait_budget(self):
        headers = dict(RATE_HEADERS, **{"Retry-After": "30"})
        with FakeGateway([fail(429, "Rate limit exceeded. Please try again later.", "rate_limited", headers)]) as gw:
            c = Client("sp_test", base_url=gw.base_url, max_retries=3, max_retry_wait=5)
            with self.assertRaises(sharepanel.RateLimitError) as ctx:
                c.profile.view()
        self.assertEqual(len(gw.requests), 1)
        self.assertEqual(ctx.exception.retry_after, 30.0)

    def assert_retried_with_the_same_idempotency_key(self, first_answer):
        with FakeGateway([first_answer, ok({"org_id": 3}, headers={"Idempotent-Replayed": "true"})]) as gw:
            c = Client("sp_test", base_url=gw.base_url)
            self.assertEqual(c.orgs.new(title="Acme"), {"org_id": 3})
        keys = [r.headers.get("idempotency-key") for r in gw.requests]
        self.assertEqual(len(keys), 2)
        self.assertIsNotNone(keys[0])
        self.assertEqual(keys[0], keys[1])
        self.assertTrue(c.last_response.replayed)

    def test_a_write_is_retried_with_the_same_idempotency_key(self):
        self.assert_retried_with_the_same_idempotency_key(
            fail(503, "Service temporarily unavailable", "unavailable", {"Retry-After": "0"}))

    def test_a_write_whose_first_attempt_still_runs_is_retried_until_its_answer(self):
        # 409 with Retry-After: the gateway still runs an earlier attempt with this Idempotency-Key.
        self.assert_retried_with_the_same_idempotency_key(
            fail(409, "A request with this Idempotency-Key is in progress", "conflict", {"Retry-After": "0"}))

    def test_a_conflict_without_retry_after_is_not_retried(self):
        with FakeGateway([fail(409, "An organization with this title already exists", "conflict"), ok({"org_id": 3})]) as gw:
            c = Client("sp_test", base_url=gw.base_url)
            with self.assertRaises(sharepanel.ConflictError):
                c.orgs.new(title="Acme")
        self.assertEqual(len(gw.requests), 1)

    def test_a_given_idempotency_key_is_sent_as_is(self):
        with FakeGateway([ok({"org_id": 3})]) as gw:
            Client("sp_test", base_url=gw.base_url).orgs.new(title="Acme", idempotency_key="my-key-1")
        self.assertEqual(gw.requests[0].headers["idempotency-key"], "my-key-1")

    def test_a_write_without_idempotency_key_is_never_retried(self):
        with FakeGateway([fail(503, "Service temporarily unavailable", "unavailable", {"Retry-After": "0"}), ok({"org_id": 3})]) as gw:
            c = Client("sp_test", base_url=gw.base_url, idempotency_keys=False)
            with self.assertRaises(sharepanel.ServiceUnavailableError):
                c.orgs.new(title="Acme")
        self.assertEqual(len(gw.requests), 1)
        self.assertNotIn("idempotency-key", gw.requests[0].headers)


class PagingTest(unittest.TestCase):
    def test_the_iterator_follows_link_next_on_the_same_origin(self):
        page1 = ok([{"id": 1}, {"id": 2}], headers={"Link": '</api?mode=billing&action=invoices&limit=2&offset=2>; rel="next", </api?mode=billing&action=invoices&limit=2&offset=0>; rel="first"', "X-Total-Count": "3"})
        with FakeGateway([page1, ok([{"id": 3}])]) as gw:
            c = Client("sp_test", base_url=gw.base_url)
            ids = [i["id"] for i in c.billing.iter_invoices(status="paid", page_size=2)]
        self.assertEqual(ids, [1, 2, 3])
        self.assertEqual(query(gw.requests[0].path), {"mode": "billing", "action": "invoices", "status": "paid", "limit": "2"})
        self.assertEqual(query(gw.requests[1].path), {"mode": "billing", "action": "invoices", "limit": "2", "offset": "2"})
        self.assertEqual(gw.requests[1].headers["authorization"], "Bearer sp_test")

    def test_the_iterator_pages_by_offset_without_link_and_ignores_links_elsewhere(self):
        script = [ok([{"id": 1}, {"id": 2}], headers={"Link": '<https://elsewhere.example/api?page=2>; rel="next"'}),
                  ok([{"id": 3}, {"id": 4}]), ok([{"id": 5}])]
        with FakeGateway(script) as gw:
            ids = [n["id"] for n in Client("sp_test", base_url=gw.base_url).notifications.iter_list(page_size=2)]
        self.assertEqual(ids, [1, 2, 3, 4, 5])
        self.assertEqual([query(r.path).get("offset") for r in gw.requests], [None, "2", "4"])

    def test_a_page_with_links_but_no_next_is_the_last(self):
        # A full last page (as many items as the limit): only the missing rel="next" says it ends.
        first = '</api?mode=billing&action=invoices&limit=2&offset=0>; rel="first"'
        script = [ok([{"id": 1}, {"id": 2}], headers={"Link": '</api?mode=billing&action=invoices&limit=2&offset=2>; rel="next", ' + first}),
                  ok([{"id": 3}, {"id": 4}], headers={"Link": first + ', </api?mode=billing&action=invoices&limit=2&offset=0>; rel="prev"'})]
        with FakeGateway(script) as gw:
            ids = [i["id"] for i in Client("sp_test", base_url=gw.base_url).billing.iter_invoices(page_size=2)]
        self.assertEqual((ids, len(gw.requests)), ([1, 2, 3, 4], 2))

    def test_a_list_that_does_not_page_is_one_request(self):
        with FakeGateway([ok([{"id": 1}, {"id": 2}])]) as gw:
            ids = [o["id"] for o in Client("sp_test", base_url=gw.base_url).orgs.iter_list()]
        self.assertEqual((ids, len(gw.requests)), ([1, 2], 1))


if __name__ == "__main__":
    unittest.main()
