<?php

declare(strict_types=1);

namespace SharePanel\Tests;

use PHPUnit\Framework\TestCase;
use SharePanel\Client;
use SharePanel\Exception;
use SharePanel\Meta;

/**
 * The SDK against a real gateway (.ci/sdk.sh starts one with a fresh database, the demo account
 * and a free-plan account): every read action, the reference's write flows, and each kind of
 * failure as the gateway really answers it.
 */
final class GatewayTest extends TestCase
{
    /** @var array<string, string> */
    private static array $env = [];
    private static Client $client;
    /** @var array<string, int|string> */
    private static array $values = [];

    public static function setUpBeforeClass(): void
    {
        $names = [
            'base_url' => 'SHAREPANEL_BASE_URL', 'api_key' => 'SHAREPANEL_API_KEY',
            'demo_email' => 'SHAREPANEL_SDK_DEMO_EMAIL', 'password' => 'SHAREPANEL_SDK_DEMO_PASSWORD',
            'member_email' => 'SHAREPANEL_SDK_MEMBER_EMAIL', 'free_email' => 'SHAREPANEL_SDK_FREE_EMAIL',
            'free_password' => 'SHAREPANEL_SDK_FREE_PASSWORD',
        ];
        $missing = [];
        foreach ($names as $key => $var) {
            $value = getenv($var);
            if ($value === false || $value === '') {
                $missing[] = $var;
            } else {
                self::$env[$key] = $value;
            }
        }
        if ($missing !== []) {
            return; // setUp skips or fails each test
        }
        // The demo account's key and the gateway come from SHAREPANEL_API_KEY and SHAREPANEL_BASE_URL.
        self::$client = new Client();
        $orgs = self::$client->orgs->list();
        $keys = self::$client->apiKeys->list();
        self::$values = [
            'org_id' => array_values(array_filter($orgs, static fn ($o) => $o->title === 'Demo Agency'))[0]->id,
            'instance_id' => self::$client->instances->list()[0]->id,
            'invoice_id' => self::$client->billing->invoices()[0]->id,
            'key_id' => array_values(array_filter($keys, static fn ($k) => $k->name === 'Demo key'))[0]->id,
            'query' => 'demo',
        ];
    }

    protected function setUp(): void
    {
        if (count(self::$env) === 7) {
            return;
        }
        if (getenv('SHAREPANEL_SDK_REQUIRE_GATEWAY')) {
            $this->fail('gateway settings missing (run .ci/sdk.sh)');
        }
        $this->markTestSkipped('no gateway configured (run .ci/sdk.sh)');
    }

    private static function client(?string $key, array $options = []): Client
    {
        return new Client(...['apiKey' => $key ?? '', 'baseUrl' => self::$env['base_url']] + $options);
    }

    /** What tells list items apart: usage counts and last_used_at may change between two calls. */
    private static function identity(iterable $items): array
    {
        $out = [];
        foreach ($items as $item) {
            $out[] = [$item->type ?? null, $item->id ?? null, $item->date ?? null];
        }
        return $out;
    }

    /** Asserts that $value is what the result descriptor of Meta::ACTIONS names. */
    private function assertResult(mixed $value, string $descriptor, string $where): void
    {
        if (str_ends_with($descriptor, '[]')) {
            $this->assertIsArray($value, $where);
            $this->assertTrue(array_is_list($value), $where);
            foreach ($value as $i => $item) {
                $this->assertResult($item, substr($descriptor, 0, -2), "{$where}[$i]");
            }
            return;
        }
        // Hydration into the typed class has checked every field's type.
        $this->assertInstanceOf('SharePanel\\Types\\' . $descriptor, $value, $where);
    }

    public function testEveryReadActionAnswersDataOfItsDeclaredType(): void
    {
        $reads = array_filter(Meta::ACTIONS, static fn (array $a) => !$a['write'] && !$a['public']);
        $this->assertGreaterThanOrEqual(25, count($reads));
        foreach ($reads as $action) {
            $where = $action['mode'] . '.' . $action['action'];
            $missing = array_diff($action['required'], array_keys(self::$values));
            $this->assertSame([], array_values($missing), "the suite has no value for a parameter of $where: add one to setUpBeforeClass");
            $args = array_intersect_key(self::$values, array_flip($action['required']));
            $owner = $action['property'] === '' ? self::$client : self::$client->{$action['property']};
            $data = $owner->{$action['method']}(...$args);
            $this->assertResult($data, $action['result'], $where);
            $this->assertSame(200, self::$client->lastResponse()->status);
            if ($action['iterator'] === null) {
                continue;
            }
            if ($action['paged']) {
                $everything = $owner->{$action['method']}(...$args + ['limit' => 500]);
                // Pages of half the list: two or three requests, so paging really happens.
                $pageSize = max(1, intdiv(count($everything) + 1, 2));
                $this->assertSame(self::identity($everything), self::identity($owner->{$action['iterator']}(...$args + ['pageSize' => $pageSize])), $where);
            } else {
                $this->assertSame(self::identity($data), self::identity($owner->{$action['iterator']}(...$args)), $where);
            }
        }
    }

    public function testReadsReturnTheDemoAccountsData(): void
    {
        $c = self::$client;
        $profile = $c->profile->view();
        $this->assertSame([self::$env['demo_email'], 'pro', 1, 100.5], [$profile->email, $profile->plan, $profile->verified, $profile->balance]);
        $titles = array_map(static fn ($o) => $o->title, $c->orgs->list());
        sort($titles);
        $this->assertSame(['Demo Agency', 'Demo Labs', 'Member Workshop'], $titles);
        $this->assertSame(count($titles), $c->stats->overview()->orgs);
        $balance = $c->billing->balance();
        $this->assertSame([100.5, 'USD'], [$balance->balance, $balance->currency]);
        $details = $c->orgs->view(org_id: (int) self::$values['org_id']);
        $this->assertSame(['Demo Agency', 2], [$details->title, $details->member_count]);
        $paid = $c->billing->invoices(status: 'paid');
        $this->assertNotEmpty($paid);
        foreach ($paid as $invoice) {
            $this->assertSame('paid', $invoice->status);
        }
        $hits = array_map(static fn ($h) => [$h->type, $h->name], $c->search(query: 'Agency', type: 'organizations'));
        $this->assertSame([['organization', 'Demo Agency']], $hits);
        $rl = $c->rateLimit();
        $this->assertSame([100, 100, 10000], [$rl->limit, $rl->window('minute')->quota, $rl->window('day')->quota]);
    }

    public function testLoginGivesAKeyThatWorks(): void
    {
        $key = self::client(null)->login(email: self::$env['demo_email'], password: self::$env['password'], name: 'sdk-php login')->api_key;
        $this->assertStringStartsWith('sp_', $key);
        $this->assertSame(self::$env['demo_email'], self::client($key)->profile->view()->email);
        $mine = array_values(array_filter(self::$client->apiKeys->list(), static fn ($k) => $k->key_prefix === substr($key, 0, 10)));
        $this->assertSame(['sdk-php login'], array_map(static fn ($k) => $k->name, $mine));
        $this->assertSame('API key deleted successfully', self::$client->apiKeys->delete(key_id: $mine[0]->id));
    }

    public function testOrganizationFlow(): void
    {
        $c = self::$client;
        $orgId = $c->orgs->new(title: 'SDK PHP Org', contact: 'ops@example.com')->org_id;
        $view = $c->orgs->view($orgId);
        $this->assertSame(['SDK PHP Org', 'sdk-php-org', 'ops@example.com'], [$view->title, $view->path, $view->contact]);
        $this->assertSame('Organization updated successfully', $c->orgs->update($orgId, title: 'SDK PHP Org 2'));
        $this->assertSame('SDK PHP Org 2', $c->orgs->view($orgId)->title);
        $this->assertSame('Organization deleted successfully', $c->orgs->delete($orgId));
        try {
            $c->orgs->view($orgId);
            $this->fail('a deleted organization was found');
        } catch (Exception\NotFoundException $e) {
            $this->assertSame([404, 'not_found', 'Organization not found'], [$e->status, $e->errorCode, $e->getMessage()]);
        }
    }

    public function testApiKeyFlowAndPermissionError(): void
    {
        $c = self::$client;
        $key = $c->apiKeys->create(name: 'sdk-php read-only', permissions: 'read')->api_key;
        $listed = array_values(array_filter($c->apiKeys->list(), static fn ($k) => $k->name === 'sdk-php read-only'));
        $this->assertSame([['read', substr($key, 0, 10)]], array_map(static fn ($k) => [$k->permissions, $k->key_prefix], $listed));
        $readOnly = self::client($key);
        $this->assertSame(self::$env['demo_email'], $readOnly->profile->view()->email);
        try {
            $readOnly->orgs->new(title: 'Not allowed');
            $this->fail('a read-only key created an organization');
        } catch (Exception\PermissionDeniedException $e) {
            $this->assertSame([403, 'forbidden', 'This API key does not have write permission'], [$e->status, $e->errorCode, $e->getMessage()]);
        }
        $this->assertSame('API key deleted successfully', $c->apiKeys->delete(key_id: $listed[0]->id));
        $this->expectException(Exception\AuthenticationException::class);
        $readOnly->profile->view();
    }

    public function testMarkRead(): void
    {
        $c = self::$client;
        $before = $c->notifications->unreadCount()->count;
        $unread = $c->notifications->list(unread_only: true);
        $this->assertCount($before, $unread);
        $this->assertGreaterThan(0, $before, 'the demo account has unread notifications');
        $target = $unread[0]->id;
        $this->assertSame('Notification marked as read', $c->notifications->markRead(notification_id: $target));
        $this->assertSame($before - 1, $c->notifications->unreadCount()->count);
        $this->assertNotContains($target, array_map(static fn ($n) => $n->id, $c->notifications->list(unread_only: true)));
    }

    public function testUnknownKeyIsAnAuthenticationError(): void
    {
        try {
            self::client('sp_this-key-does-not-exist')->profile->view();
            $this->fail('an unknown key was accepted');
        } catch (Exception\AuthenticationException $e) {
            $this->assertSame([401, 'unauthorized', 'Invalid or expired API key'], [$e->status, $e->errorCode, $e->getMessage()]);
            $this->assertNotEmpty($e->requestId);
        }
    }

    public function testAnotherAccountsInstanceIsNotFound(): void
    {
        $member = self::client(null);
        $member->setApiKey($member->login(email: self::$env['member_email'], password: self::$env['password'])->api_key);
        $theirs = array_map(static fn ($i) => $i->id, $member->instances->list());
        $mine = array_map(static fn ($i) => $i->id, self::$client->instances->list());
        $this->assertNotEmpty($theirs);
        $this->assertSame([], array_values(array_intersect($theirs, $mine)));
        try {
            self::$client->instances->view(instance_id: $theirs[0]);
            $this->fail("another account's instance was found");
        } catch (Exception\NotFoundException $e) {
            $this->assertSame([404, 'not_found', 'Instance not found'], [$e->status, $e->errorCode, $e->getMessage()]);
            $this->assertSame(self::$client->lastResponse()->requestId, $e->requestId);
        }
    }

    public function testValidationAndConflictErrors(): void
    {
        try {
            self::$client->analytics->usage(period: 1000);
            $this->fail('period 1000 was accepted');
        } catch (Exception\ValidationException $e) {
            $this->assertSame([Exception\ValidationException::class, 400, 'invalid_request', 'period must be an integer between 1 and 366'],
                [get_class($e), $e->status, $e->errorCode, $e->getMessage()]);
        }
        try {
            self::$client->orgs->new(title: 'Taken', path: 'demo-labs');
            $this->fail('a taken path was accepted');
        } catch (Exception\ConflictException $e) {
            $this->assertSame([409, 'conflict', 'Organization path already exists'], [$e->status, $e->errorCode, $e->getMessage()]);
        }
    }

    public function testRateLimit429ThenARetryThatWaitsForRetryAfter(): void
    {
        $key = self::client(null)->login(email: self::$env['free_email'], password: self::$env['free_password'])->api_key;
        $strict = self::client($key, ['maxRetries' => 0]);
        $refused = null;
        // The free plan allows 10 requests a minute: the bucket runs dry within 11 calls.
        for ($i = 0; $i < 11 && $refused === null; $i++) {
            try {
                $strict->profile->view();
            } catch (Exception\RateLimitException $e) {
                $refused = $e;
            }
        }
        $this->assertNotNull($refused, 'no 429 within 11 calls on the free plan');
        $this->assertSame([429, 'rate_limited', 'Rate limit exceeded. Please try again later.'], [$refused->status, $refused->errorCode, $refused->getMessage()]);
        $this->assertGreaterThan(0, $refused->retryAfter);
        $this->assertLessThanOrEqual(6, $refused->retryAfter);
        $this->assertSame([10, 0, 10], [$refused->rateLimit->limit, $refused->rateLimit->remaining, $refused->rateLimit->window('minute')->quota]);
        $this->assertSame($refused->rateLimit, $strict->rateLimit());

        // A budget shorter than Retry-After: refused at once, without waiting.
        $impatient = self::client($key, ['maxRetries' => 3, 'maxRetryWait' => 0.1]);
        try {
            $impatient->profile->view();
            $this->fail('the impatient client was not refused');
        } catch (Exception\RateLimitException) {
            $this->assertSame(1, $impatient->lastResponse()->attempts);
        }

        $patient = self::client($key, ['maxRetries' => 2, 'maxRetryWait' => 15.0]);
        $this->assertSame(self::$env['free_email'], $patient->profile->view()->email);
        $this->assertGreaterThanOrEqual(2, $patient->lastResponse()->attempts);
    }

    /** Lists send Link and X-Total-Count, and the iterator follows them. */
    public function testListsSendLinkAndTotalCount(): void
    {
        $page = self::$client->notifications->list(limit: 2);
        $info = self::$client->lastResponse();
        $this->assertTrue(isset($info->links['first'], $info->links['next']), 'no Link rel=first and rel=next on a list of more than 2');
        $everything = iterator_to_array(self::$client->notifications->iterList(pageSize: 2), false);
        $this->assertSame(self::identity($page), self::identity(array_slice($everything, 0, 2)));
        $this->assertSame(count($everything), $info->totalCount);
    }

    /** A write sent again with its Idempotency-Key gets the first answer; with other parameters, a 422. */
    public function testAReplayedWriteAnswersTheFirstResult(): void
    {
        $c = self::$client;
        $key = 'sdk-php-replay-' . bin2hex(random_bytes(16));
        $first = $c->orgs->new(title: 'SDK PHP Replay', idempotencyKey: $key);
        $this->assertFalse($c->lastResponse()->replayed);
        $second = $c->orgs->new(title: 'SDK PHP Replay', idempotencyKey: $key);
        $this->assertTrue($c->lastResponse()->replayed);
        $this->assertSame($first->org_id, $second->org_id);
        try {
            $c->orgs->new(title: 'SDK PHP Other', idempotencyKey: $key);
            $this->fail('an Idempotency-Key was reused with other parameters');
        } catch (Exception\ConflictException $e) {
            $this->assertSame([422, 'idempotency_key_reused', 'Idempotency-Key was used with different parameters'], [$e->status, $e->errorCode, $e->getMessage()]);
        }
        $c->orgs->delete($first->org_id);
    }

    /** Keys locked to client addresses (allowed_ips) and to modes (scopes). */
    public function testKeysLockedToAddressesAndModes(): void
    {
        $c = self::$client;
        $scoped = $c->apiKeys->create(name: 'sdk-php scoped', scopes: 'profile:read', allowed_ips: '127.0.0.1,::1')->api_key;
        $elsewhere = $c->apiKeys->create(name: 'sdk-php elsewhere', allowed_ips: '203.0.113.7')->api_key;
        $listed = [];
        foreach ($c->apiKeys->list(limit: 500) as $k) {
            $listed[$k->name] = $k;
        }
        $this->assertSame(['profile:read', '127.0.0.1,::1'], [$listed['sdk-php scoped']->scopes, $listed['sdk-php scoped']->allowed_ips]);
        $this->assertSame([null, '203.0.113.7'], [$listed['sdk-php elsewhere']->scopes, $listed['sdk-php elsewhere']->allowed_ips]);
        $this->assertSame(self::$env['demo_email'], self::client($scoped)->profile->view()->email);
        foreach ([[$scoped, 'orgs', 'This API key may not use orgs'], [$elsewhere, 'profile', 'This API key may not be used from 127.0.0.1']] as [$key, $mode, $message]) {
            try {
                $mode === 'orgs' ? self::client($key)->orgs->list() : self::client($key)->profile->view();
                $this->fail("a restricted key was allowed: $message");
            } catch (Exception\PermissionDeniedException $e) {
                $this->assertSame([403, $message], [$e->status, $e->getMessage()]);
            }
        }
        foreach (['sdk-php scoped', 'sdk-php elsewhere'] as $name) {
            $c->apiKeys->delete(key_id: $listed[$name]->id);
        }
    }
}
