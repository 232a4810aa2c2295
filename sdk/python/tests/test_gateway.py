"""The SDK against a real gateway (.ci/sdk.sh starts one with a fresh database, the demo account
and a free-plan account): every read action, the reference's write flows, and each kind of
failure as the gateway really answers it."""

import unittest
import uuid

import sharepanel
from sharepanel import Client
from sharepanel._meta import ACTIONS

from .support import ENV, check_type, require_gateway


def identity(items):
    """What tells list items apart: usage counts and last_used_at may change between two calls
    (usage is flushed every second), ids, dates and types do not."""
    return [tuple(i.get(k) for k in ("type", "id", "date")) for i in items]


def method_of(client, action):
    owner = getattr(client, action["namespace"]) if action["namespace"] else client
    return getattr(owner, action["method"])


class GatewayTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        require_gateway(cls)
        # The demo account's key and the gateway come from SHAREPANEL_API_KEY and SHAREPANEL_BASE_URL.
        cls.client = Client()
        orgs = cls.client.orgs.list()
        instances = cls.client.instances.list()
        invoices = cls.client.billing.invoices()
        keys = cls.client.api_keys.list()
        cls.values = {
            "org_id": next(o["id"] for o in orgs if o["title"] == "Demo Agency"),
            "instance_id": instances[0]["id"],
            "invoice_id": invoices[0]["id"],
            "key_id": next(k["id"] for k in keys if k["name"] == "Demo key"),
            "query": "demo",
        }

    def test_every_read_action_answers_data_of_its_declared_type(self):
        reads = [a for a in ACTIONS if not a["write"] and not a["public"]]
        self.assertGreaterEqual(len(reads), 25)
        for action in reads:
            with self.subTest(action=action["mode"] + " " + action["action"]):
                missing = [p for p in action["required"] if p not in self.values]
                self.assertFalse(missing, "the suite has no value for %s: add one to setUpClass" % missing)
                kwargs = {p: self.values[p] for p in action["required"]}
                data = method_of(self.client, action)(**kwargs)
                check_type(self, data, action["result"], action["mode"] + "." + action["action"])
                self.assertEqual(self.client.last_response.status, 200)
                if action["iterator"]:
                    owner = getattr(self.client, action["namespace"]) if action["namespace"] else self.client
                    iterate = getattr(owner, action["iterator"])
                    if action["paged"]:
                        everything = method_of(self.client, action)(**kwargs, limit=500)
                        # Pages of half the list: two or three requests, so paging really happens.
                        items = list(iterate(**kwargs, page_size=max(1, (len(everything) + 1) // 2)))
                        self.assertEqual(identity(items), identity(everything))
                    else:
                        self.assertEqual(identity(iterate(**kwargs)), identity(data))

    def test_reads_return_the_demo_accounts_data(self):
        profile = self.client.profile.view()
        self.assertEqual((profile["email"], profile["plan"], profile["verified"]), (ENV["demo_email"], "pro", 1))
        self.assertEqual(profile["balance"], 100.5)
        orgs = self.client.orgs.list()
        self.assertEqual(sorted(o["title"] for o in orgs), ["Demo Agency", "Demo Labs", "Member Workshop"])
        self.assertEqual(self.client.stats.overview()["orgs"], len(orgs))
        self.assertEqual(self.client.billing.balance(), {"balance": 100.5, "currency": "USD"})
        details = self.client.orgs.view(org_id=self.values["org_id"])
        self.assertEqual((details["title"], details["member_count"]), ("Demo Agency", 2))
        paid = self.client.billing.invoices(status="paid")
        self.assertTrue(paid and all(i["status"] == "paid" for i in paid))
        hits = self.client.search(query="Agency", type="organizations")
        self.assertEqual([(h["type"], h["name"]) for h in hits], [("organization", "Demo Agency")])
        rl = self.client.rate_limit
        self.assertEqual((rl.limit, rl.window("minute").quota, rl.window("day").quota), (100, 100, 10000))

    def test_login_gives_a_key_that_works(self):
        anonymous = Client(api_key="", base_url=ENV["base_url"])
        key = anonymous.login(email=ENV["demo_email"], password=ENV["password"], name="sdk-python login")["api_key"]
        self.assertTrue(key.startswith("sp_"))
        self.assertEqual(Client(key, base_url=ENV["base_url"]).profile.view()["email"], ENV["demo_email"])
        mine = [k for k in self.client.api_keys.list() if k["key_prefix"] == key[:10]]
        self.assertEqual([k["name"] for k in mine], ["sdk-python login"])
        self.assertEqual(self.client.api_keys.delete(key_id=mine[0]["id"]), "API key deleted successfully")

    def test_organization_flow(self):
        created = self.client.orgs.new(title="SDK Python Org", contact="ops@example.com")
        org_id = created["org_id"]
        self.assertIsInstance(org_id, int)
        view = self.client.orgs.view(org_id=org_id)
        self.assertEqual((view["title"], view["path"], view["contact"]), ("SDK Python Org", "sdk-python-org", "ops@example.com"))
        self.assertEqual(self.client.orgs.update(org_id=org_id, title="SDK Python Org 2"), "Organization updated successfully")
        self.assertEqual(self.client.orgs.view(org_id=org_id)["title"], "SDK Python Org 2")
        self.assertEqual(self.client.orgs.delete(org_id=org_id), "Organization deleted successfully")
        with self.assertRaises(sharepanel.NotFoundError) as ctx:
            self.client.orgs.view(org_id=org_id)
        self.assertEqual((ctx.exception.status, ctx.exception.code, ctx.exception.message), (404, "not_found", "Organization not found"))

    def test_api_key_flow_and_permission_error(self):
        key = self.client.api_keys.create(name="sdk-python read-only", permissions="read")["api_key"]
        listed = [k for k in self.client.api_keys.list() if k["name"] == "sdk-python read-only"]
        self.assertEqual([(k["permissions"], k["key_prefix"]) for k in listed], [("read", key[:10])])
        read_only = Client(key, base_url=ENV["base_url"])
        self.assertEqual(read_only.profile.view()["email"], ENV["demo_email"])
        with self.assertRaises(sharepanel.PermissionDeniedError) as ctx:
            read_only.orgs.new(title="Not allowed")
        self.assertEqual((ctx.exception.status, ctx.exception.code, ctx.exception.message),
                         (403, "forbidden", "This API key does not have write permission"))
        self.assertEqual(self.client.api_keys.delete(key_id=listed[0]["id"]), "API key deleted successfully")
        with self.assertRaises(sharepanel.AuthenticationError):
            read_only.profile.view()

    def test_keys_locked_to_addresses_and_modes(self):
        scoped = self.client.api_keys.create(name="sdk-python scoped", scopes="profile:read", allowed_ips="127.0.0.1,::1")["api_key"]
        elsewhere = self.client.api_keys.create(name="sdk-python elsewhere", allowed_ips="203.0.113.7")["api_key"]
        listed = {k["name"]: k for k in self.client.api_keys.list(limit=500)}
        self.assertEqual((listed["sdk-python scoped"]["scopes"], listed["sdk-python scoped"]["allowed_ips"]), ("profile:read", "127.0.0.1,::1"))
        self.assertEqual((listed["sdk-python elsewhere"]["scopes"], listed["sdk-python elsewhere"]["allowed_ips"]), (None, "203.0.113.7"))
        self.assertEqual(Client(scoped, base_url=ENV["base_url"]).profile.view()["email"], ENV["demo_email"])
        with self.assertRaises(sharepanel.PermissionDeniedError) as ctx:
            Client(scoped, base_url=ENV["base_url"]).orgs.list()
        self.assertEqual((ctx.exception.status, ctx.exception.message), (403, "This API key may not use orgs"))
        with self.assertRaises(sharepanel.PermissionDeniedError) as ctx:
            Client(elsewhere, base_url=ENV["base_url"]).profile.view()
        self.assertEqual((ctx.exception.status, ctx.exception.message), (403, "This API key may not be used from 127.0.0.1"))
        for name in ("sdk-python scoped", "sdk-python elsewhere"):
            self.client.api_keys.delete(key_id=listed[name]["id"])

    def test_a_replayed_write_answers_the_first_result(self):
        key = "sdk-python-replay-" + str(uuid.uuid4())
        first = self.client.orgs.new(title="SDK Python Replay", idempotency_key=key)
        self.assertFalse(self.client.last_response.replayed)
        second = self.client.orgs.new(title="SDK Python Replay", idempotency_key=key)
        self.assertTrue(self.client.last_response.replayed)
        self.assertEqual(first, second)
        with self.assertRaises(sharepanel.ConflictError) as ctx:
            self.client.orgs.new(title="SDK Python Other", idempotency_key=key)
        self.assertEqual((ctx.exception.status, ctx.exception.code, ctx.exception.message),
                         (422, "idempotency_key_reused", "Idempotency-Key was used with different parameters"))
        self.client.orgs.delete(org_id=first["org_id"])

    def test_mark_read(self):
        before = self.client.notifications.unread_count()["count"]
        unread = self.client.notifications.list(unread_only=True)
        self.assertEqual(len(unread), before)
        self.assertGreater(before, 0, "the demo account has unread notifications")
        target = unread[0]["id"]
        self.assertEqual(self.client.notifications.mark_read(notification_id=target), "Notification marked as read")
        self.assertEqual(self.client.notifications.unread_count()["count"], before - 1)
        self.assertNotIn(target, [n["id"] for n in self.client.notifications.list(unread_only=True)])

    def test_unknown_key_is_an_authentication_error(self):
        with self.assertRaises(sharepanel.AuthenticationError) as ctx:
            Client("sp_this-key-does-not-exist", base_url=ENV["base_url"]).profile.view()
        e = ctx.exception
        self.assertEqual((e.status, e.code, e.message), (401, "unauthorized", "Invalid or expired API key"))
        self.assertTrue(e.request_id)

    def test_another_accounts_instance_is_not_found(self):
        member = Client("", base_url=ENV["base_url"])
        member.api_key = member.login(email=ENV["member_email"], password=ENV["password"])["api_key"]
        theirs = [i["id"] for i in member.instances.list()]
        mine = [i["id"] for i in self.client.instances.list()]
        self.assertTrue(theirs)
        self.assertFalse(set(theirs) & set(mine))
        with self.assertRaises(sharepanel.NotFoundError) as ctx:
            self.client.instances.view(instance_id=theirs[0])
        e = ctx.exception
        self.assertEqual((e.status, e.code, e.message), (404, "not_found", "Instance not found"))
        self.assertEqual(e.request_id, self.client.last_response.request_id)

    def test_validation_and_conflict_errors(self):
        with self.assertRaises(sharepanel.ValidationError) as ctx:
            self.client.analytics.usage(period=1000)
        e = ctx.exception
        self.assertEqual((type(e), e.status, e.code, e.message),
                         (sharepanel.ValidationError, 400, "invalid_request", "period must be an integer between 1 and 366"))
        with self.assertRaises(sharepanel.ConflictError) as ctx:
            self.client.orgs.new(title="Taken", path="demo-labs")
        e = ctx.exception
        self.assertEqual((e.status, e.code, e.message), (409, "conflict", "Organization path already exists"))

    def test_rate_limit_429_then_a_retry_that_waits_for_retry_after(self):
        login = Client("", base_url=ENV["base_url"])
        key = login.login(email=ENV["free_email"], password=ENV["free_password"])["api_key"]
        strict = Client(key, base_url=ENV["base_url"], max_retries=0)
        # The free plan allows 10 requests a minute: the bucket runs dry within 11 calls.
        for _ in range(11):
            try:
                strict.profile.view()
            except sharepanel.RateLimitError as e:
                refused = e
                break
        else:
            self.fail("no 429 within 11 calls on the free plan")
        self.assertEqual((refused.status, refused.code, refused.message),
                         (429, "rate_limited", "Rate limit exceeded. Please try again later."))
        self.assertGreater(refused.retry_after, 0)
        self.assertLessEqual(refused.retry_after, 6)
        self.assertEqual((refused.rate_limit.limit, refused.rate_limit.remaining), (10, 0))
        self.assertEqual(refused.rate_limit.window("minute").quota, 10)
        self.assertIs(strict.rate_limit, refused.rate_limit)

        # A budget shorter than Retry-After: refused at once, without waiting.
        impatient = Client(key, base_url=ENV["base_url"], max_retries=3, max_retry_wait=0.1)
        with self.assertRaises(sharepanel.RateLimitError):
            impatient.profile.view()
        self.assertEqual(impatient.last_response.attempts, 1)

        patient = Client(key, base_url=ENV["base_url"], max_retries=2, max_retry_wait=15)
        self.assertEqual(patient.profile.view()["email"], ENV["free_email"])
        self.assertGreaterEqual(patient.last_response.attempts, 2)


class PagingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        require_gateway(cls)
        cls.client = Client()

    def test_lists_send_link_and_total_count_and_the_iterator_follows_them(self):
        page = self.client.notifications.list(limit=2)
        info = self.client.last_response
        self.assertTrue("first" in info.links and "next" in info.links, "no Link rel=first and rel=next on a list of more than 2")
        everything = list(self.client.notifications.iter_list(page_size=2))
        self.assertEqual(identity(everything[:2]), identity(page))
        self.assertEqual(info.total_count, len(everything))


if __name__ == "__main__":
    unittest.main()
