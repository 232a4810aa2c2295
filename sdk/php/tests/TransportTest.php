<?php

declare(strict_types=1);

namespace SharePanel\Tests;

use PHPUnit\Framework\TestCase;
use SharePanel\Client;
use SharePanel\Exception;
use SharePanel\Tests\Support\FakeGateway;

/**
 * The SDK's transport against a scripted server: what goes on the wire, retries, errors, paging.
 * No gateway needed.
 */
final class TransportTest extends TestCase
{
    private const RATE_HEADERS = [
        'X-RateLimit-Limit' => '10',
        'X-RateLimit-Remaining' => '0',
        'X-RateLimit-Reset' => '1700000060',
        'Retry-After' => '0',
        'RateLimit-Policy' => '"minute";q=10;w=60, "day";q=100;w=86400',
        'RateLimit' => '"minute";r=0;t=6, "day";r=90;t=43200',
    ];

    private static FakeGateway $gw;

    public static function setUpBeforeClass(): void
    {
        self::$gw = new FakeGateway();
    }

    public static function tearDownAfterClass(): void
    {
        self::$gw->stop();
    }

    private function client(array $options = []): Client
    {
        return new Client(...['apiKey' => 'sp_test', 'baseUrl' => self::$gw->baseUrl] + $options);
    }

    /** @return array<string, string> */
    private static function query(string $uri): array
    {
        parse_str((string) parse_url($uri, PHP_URL_QUERY), $q);
        return $q;
    }

    public function testReadIsAGetWithTheKeyAsBearerAndOnlyTheGivenParameters(): void
    {
        self::$gw->script([FakeGateway::ok([])]);
        $this->assertSame([], $this->client()->notifications->list(unread_only: true, limit: 5));
        [$req] = self::$gw->requests();
        $this->assertSame('GET', $req['method']);
        $this->assertSame('Bearer sp_test', $req['headers']['authorization']);
        $this->assertSame(['mode' => 'notifications', 'action' => 'list', 'unread_only' => 'true', 'limit' => '5'], self::query($req['uri']));
        $this->assertArrayNotHasKey('idempotency-key', $req['headers']);
    }

    public function testWriteIsAJsonPostWithAnIdempotencyKey(): void
    {
        self::$gw->script([FakeGateway::ok(['org_id' => 7])]);
        $this->assertSame(7, $this->client()->orgs->new(title: 'Acme')->org_id);
        [$req] = self::$gw->requests();
        $this->assertSame('POST', $req['method']);
        $this->assertSame('application/json', $req['headers']['content-type']);
        $this->assertSame(['mode' => 'orgs', 'action' => 'new', 'title' => 'Acme'], json_decode($req['body'], true));
        $this->assertMatchesRegularExpression('/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/', $req['headers']['idempotency-key']);
    }

    public function testLoginIsAPostWithoutTheKey(): void
    {
        self::$gw->script([FakeGateway::ok(['api_key' => 'sp_new'])]);
        $this->assertSame('sp_new', $this->client()->login(email: 'a@example.com', password: 'pw secret')->api_key);
        [$req] = self::$gw->requests();
        $this->assertSame('POST', $req['method']);
        $this->assertArrayNotHasKey('authorization', $req['headers']);
        $this->assertSame(['mode' => 'auth', 'email' => 'a@example.com', 'password' => 'pw secret'], json_decode($req['body'], true));
    }

    public function testStatsUsesTypeAsSelectorAndDatesAreIso8601(): void
    {
        self::$gw->script([FakeGateway::ok(['total' => 1, 'active' => 1, 'asleep' => 0, 'dead' => 0, 'types' => 1]), FakeGateway::ok(['api_key' => 'sp_x'])]);
        $client = $this->client();
        $this->assertSame(1, $client->stats->instances()->total);
        $client->apiKeys->create(name: 'ci', expires_at: new \DateTimeImmutable('2030-01-02 04:04:05', new \DateTimeZone('+01:00')));
        [$stats, $create] = self::$gw->requests();
        $this->assertSame(['mode' => 'stats', 'type' => 'instances'], self::query($stats['uri']));
        $this->assertSame('2030-01-02T03:04:05Z', json_decode($create['body'], true)['expires_at']);
    }

    public function testActionsWithoutDataReturnTheMessage(): void
    {
        self::$gw->script([FakeGateway::ok(null, '3 dead instances deleted successfully')]);
        $this->assertSame('3 dead instances deleted successfully', $this->client()->instances->deleteDead());
    }

    public function testKeyAndBaseUrlFromTheEnvironment(): void
    {
        self::$gw->script([FakeGateway::ok(['count' => 0])]);
        putenv('SHAREPANEL_API_KEY=sp_env');
        putenv('SHAREPANEL_BASE_URL=' . self::$gw->baseUrl . '/');
        try {
            $client = new Client();
        } finally {
            putenv('SHAREPANEL_API_KEY');
            putenv('SHAREPANEL_BASE_URL');
        }
        $client->notifications->unreadCount();
        $this->assertSame(self::$gw->baseUrl, $client->baseUrl());
        $this->assertSame('Bearer sp_env', self::$gw->requests()[0]['headers']['authorization']);
    }

    public function testEachStatusThrowsItsClassWithStatusMessageCodeAndRequestId(): void
    {
        $cases = [
            400 => Exception\ValidationException::class, 401 => Exception\AuthenticationException::class,
            403 => Exception\PermissionDeniedException::class, 404 => Exception\NotFoundException::class,
            405 => Exception\MethodNotAllowedException::class, 409 => Exception\ConflictException::class,
            413 => Exception\PayloadTooLargeException::class, 422 => Exception\ConflictException::class,
            429 => Exception\RateLimitException::class, 500 => Exception\ServerException::class,
            503 => Exception\ServiceUnavailableException::class, 418 => Exception\SharePanelException::class,
        ];
        $script = [];
        foreach (array_keys($cases) as $status) {
            $script[] = FakeGateway::fail($status, "went wrong $status", "code_$status", ['X-Request-ID' => "rid-$status"]);
        }
        self::$gw->script($script);
        $client = $this->client(['maxRetries' => 0]);
        foreach ($cases as $status => $class) {
            try {
                $client->profile->view();
                $this->fail("no exception for $status");
            } catch (Exception\SharePanelException $e) {
                $this->assertSame($class, get_class($e));
                $this->assertSame([$status, $status, "went wrong $status", "code_$status", "rid-$status"],
                    [$e->status, $e->getCode(), $e->getMessage(), $e->errorCode, $e->requestId]);
            }
        }
        $this->assertTrue(is_subclass_of(Exception\ConflictException::class, Exception\ValidationException::class));
        $this->assertTrue(is_subclass_of(Exception\ServiceUnavailableException::class, Exception\ServerException::class));
    }

    public function testRequestIdOfTheBodyWinsOverTheHeader(): void
    {
        self::$gw->script([FakeGateway::fail(404, 'Organization not found', 'not_found', ['X-Request-ID' => 'from-header'], ['request_id' => 'from-body'])]);
        try {
            $this->client()->orgs->view(1);
            $this->fail('no exception');
        } catch (Exception\NotFoundException $e) {
            $this->assertSame('from-body', $e->requestId);
        }
    }

    public function testAnAnswerThatIsNotJsonIsAServerError(): void
    {
        self::$gw->script([[502, ['Content-Type' => 'text/html'], '<html>Bad Gateway</html>']]);
        try {
            $this->client()->profile->view();
            $this->fail('no exception');
        } catch (Exception\ServerException $e) {
            $this->assertSame([502, 'HTTP 502'], [$e->status, $e->getMessage()]);
        }
    }

    public function testNoAnswerIsANetworkError(): void
    {
        $probe = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int) substr(strrchr(stream_socket_get_name($probe, false), ':'), 1);
        fclose($probe);
        try {
            (new Client(apiKey: 'sp_test', baseUrl: "http://127.0.0.1:$port", timeout: 2))->profile->view();
            $this->fail('no exception');
        } catch (Exception\NetworkException $e) {
            $this->assertSame(0, $e->status);
        }
    }

    public function testAReadIsRetriedOn429And503AndTheStateIsKept(): void
    {
        self::$gw->script([
            FakeGateway::fail(429, 'Rate limit exceeded. Please try again later.', 'rate_limited', self::RATE_HEADERS),
            FakeGateway::fail(503, 'Service temporarily unavailable', 'unavailable', ['Retry-After' => '0']),
            FakeGateway::ok(['count' => 2], 'ok', ['X-RateLimit-Limit' => '10', 'X-RateLimit-Remaining' => '9', 'X-RateLimit-Reset' => '1700000060']),
        ]);
        $client = $this->client();
        $this->assertSame(2, $client->notifications->unreadCount()->count);
        $this->assertCount(3, self::$gw->requests());
        $this->assertSame(3, $client->lastResponse()->attempts);
        $rl = $client->rateLimit();
        $this->assertSame([10, 9, 1700000060], [$rl->limit, $rl->remaining, $rl->reset]);
    }

    public function testRetriesStopAtMaxRetries(): void
    {
        $refusal = FakeGateway::fail(429, 'Rate limit exceeded. Please try again later.', 'rate_limited', self::RATE_HEADERS);
        self::$gw->script([$refusal, $refusal, $refusal]);
        try {
            $this->client(['maxRetries' => 1])->profile->view();
            $this->fail('no exception');
        } catch (Exception\RateLimitException $e) {
            $this->assertCount(2, self::$gw->requests());
            $this->assertSame([0.0, 10, 0], [$e->retryAfter, $e->rateLimit->limit, $e->rateLimit->remaining]);
            $minute = $e->rateLimit->window('minute');
            $this->assertSame([10, 60, 0, 6], [$minute->quota, $minute->window, $minute->remaining, $minute->reset]);
            $this->assertSame(90, $e->rateLimit->window('day')->remaining);
        }
    }

    public function testNoRetryWhenRetryAfterExceedsTheWaitBudget(): void
    {
        self::$gw->script([FakeGateway::fail(429, 'Rate limit exceeded. Please try again later.', 'rate_limited', ['Retry-After' => '30'] + self::RATE_HEADERS)]);
        try {
            $this->client(['maxRetries' => 3, 'maxRetryWait' => 5.0])->profile->view();
            $this->fail('no exception');
        } catch (Exception\RateLimitException $e) {
            $this->assertCount(1, self::$gw->requests());
            $this->assertSame(30.0, $e->retryAfter);
        }
    }

    private function assertRetriedWithTheSameIdempotencyKey(array $firstAnswer): void
    {
        self::$gw->script([$firstAnswer, FakeGateway::ok(['org_id' => 3], 'ok', ['Idempotent-Replayed' => 'true'])]);
        $client = $this->client();
        $this->assertSame(3, $client->orgs->new(title: 'Acme')->org_id);
        $keys = array_map(static fn (array $r) => $r['headers']['idempotency-key'] ?? null, self::$gw->requests());
        $this->assertCount(2, $keys);
        $this->assertNotNull($keys[0]);
        $this->assertSame($keys[0], $keys[1]);
        $this->assertTrue($client->lastResponse()->replayed);
    }

    public function testAWriteIsRetriedWithTheSameIdempotencyKey(): void
    {
        $this->assertRetriedWithTheSameIdempotencyKey(FakeGateway::fail(503, 'Service temporarily unavailable', 'unavailable', ['Retry-After' => '0']));
    }

    public function testAWriteWhoseFirstAttemptStillRunsIsRetriedUntilItsAnswer(): void
    {
        // 409 with Retry-After: the gateway still runs an earlier attempt with this Idempotency-Key.
        $this->assertRetriedWithTheSameIdempotencyKey(FakeGateway::fail(409, 'A request with this Idempotency-Key is in progress', 'conflict', ['Retry-After' => '0']));
    }

    public function testAConflictWithoutRetryAfterIsNotRetried(): void
    {
        self::$gw->script([FakeGateway::fail(409, 'An organization with this title already exists', 'conflict'), FakeGateway::ok(['org_id' => 3])]);
        try {
            $this->client()->orgs->new(title: 'Acme');
            $this->fail('no exception');
        } catch (Exception\ConflictException) {
            $this->assertCount(1, self::$gw->requests());
        }
    }

    public function testAGivenIdempotencyKeyIsSentAsIs(): void
    {
        self::$gw->script([FakeGateway::ok(['org_id' => 3])]);
        $this->client()->orgs->new(title: 'Acme', idempotencyKey: 'my-key-1');
        $this->assertSame('my-key-1', self::$gw->requests()[0]['headers']['idempotency-key']);
    }

    public function testAWriteWithoutIdempotencyKeyIsNeverRetried(): void
    {
        self::$gw->script([FakeGateway::fail(503, 'Service temporarily unavailable', 'unavailable', ['Retry-After' => '0']), FakeGateway::ok(['org_id' => 3])]);
        try {
            $this->client(['idempotencyKeys' => false])->orgs->new(title: 'Acme');
            $this->fail('no exception');
        } catch (Exception\ServiceUnavailableException) {
            $this->assertCount(1, self::$gw->requests());
            $this->assertArrayNotHasKey('idempotency-key', self::$gw->requests()[0]['headers']);
        }
    }

    public function testTheIteratorFollowsLinkNextOnTheSameOrigin(): void
    {
        $invoice = static fn (int $id) => ['id' => $id, 'invoice_number' => "INV-$id", 'total_amount' => 10.0, 'status' => 'paid', 'created_at' => '2024-01-01 12:00:00', 'paid_at' => null];
        self::$gw->script([
            FakeGateway::ok([$invoice(1), $invoice(2)], 'ok', ['Link' => '</api?mode=billing&action=invoices&limit=2&offset=2>; rel="next", </api?mode=billing&action=invoices&limit=2&offset=0>; rel="first"', 'X-Total-Count' => '3']),
            FakeGateway::ok([$invoice(3)]),
        ]);
        $ids = [];
        foreach ($this->client()->billing->iterInvoices(status: 'paid', pageSize: 2) as $inv) {
            $ids[] = $inv->id;
        }
        $this->assertSame([1, 2, 3], $ids);
        [$first, $second] = self::$gw->requests();
        $this->assertSame(['mode' => 'billing', 'action' => 'invoices', 'status' => 'paid', 'limit' => '2'], self::query($first['uri']));
        $this->assertSame(['mode' => 'billing', 'action' => 'invoices', 'limit' => '2', 'offset' => '2'], self::query($second['uri']));
        $this->assertSame('Bearer sp_test', $second['headers']['authorization']);
    }

    public function testTheIteratorPagesByOffsetWithoutLinkAndIgnoresLinksElsewhere(): void
    {
        $n = static fn (int $id) => ['id' => $id, 'title' => 't', 'message' => 'm', 'type' => 'info', 'is_read' => 0, 'link' => '', 'created_at' => '2024-01-01 12:00:00'];
        self::$gw->script([
            FakeGateway::ok([$n(1), $n(2)], 'ok', ['Link' => '<https://elsewhere.example/api?page=2>; rel="next"']),
            FakeGateway::ok([$n(3), $n(4)]),
            FakeGateway::ok([$n(5)]),
        ]);
        $ids = [];
        foreach ($this->client()->notifications->iterList(pageSize: 2) as $item) {
            $ids[] = $item->id;
        }
        $this->assertSame([1, 2, 3, 4, 5], $ids);
        $this->assertSame([null, '2', '4'], array_map(static fn (array $r) => self::query($r['uri'])['offset'] ?? null, self::$gw->requests()));
    }

    public function testAPageWithLinksButNoNextIsTheLast(): void
    {
        // A full last page (as many items as the limit): only the missing rel="next" says it ends.
        $invoice = static fn (int $id) => ['id' => $id, 'invoice_number' => "INV-$id", 'total_amount' => 10.0, 'status' => 'paid', 'created_at' => '2024-01-01 12:00:00', 'paid_at' => null];
        $first = '</api?mode=billing&action=invoices&limit=2&offset=0>; rel="first"';
        self::$gw->script([
            FakeGateway::ok([$invoice(1), $invoice(2)], 'ok', ['Link' => '</api?mode=billing&action=invoices&limit=2&offset=2>; rel="next", ' . $first]),
            FakeGateway::ok([$invoice(3), $invoice(4)], 'ok', ['Link' => $first . ', </api?mode=billing&action=invoices&limit=2&offset=0>; rel="prev"']),
        ]);
        $ids = [];
        foreach ($this->client()->billing->iterInvoices(pageSize: 2) as $inv) {
            $ids[] = $inv->id;
        }
        $this->assertSame([[1, 2, 3, 4], 2], [$ids, count(self::$gw->requests())]);
    }
}
