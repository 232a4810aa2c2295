<?php

declare(strict_types=1);

namespace SharePanel\Tests\Support;

/**
 * PHP's built-in server on a free loopback port, answering from a script and recording requests
 * (router.php): for transport behaviour a real gateway cannot be made to show on demand.
 */
final class FakeGateway
{
    public readonly string $baseUrl;
    private string $dir;
    /** @var resource */
    private $process;

    public function __construct()
    {
        $this->dir = sys_get_temp_dir() . '/sharepanel-fake-' . bin2hex(random_bytes(6));
        mkdir($this->dir);
        $this->script([]);
        $probe = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int) substr(strrchr(stream_socket_get_name($probe, false), ':'), 1);
        fclose($probe);
        $this->baseUrl = "http://127.0.0.1:$port";
        $env = getenv() + ['FAKE_GATEWAY_DIR' => $this->dir];
        $env['FAKE_GATEWAY_DIR'] = $this->dir;
        $this->process = proc_open(
            [PHP_BINARY, '-S', "127.0.0.1:$port", __DIR__ . '/router.php'],
            [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', "$this->dir/server.log", 'w']],
            $pipes,
            null,
            $env,
        );
        // Ready when it accepts a connection.
        $deadline = microtime(true) + 10;
        while (($conn = @fsockopen('127.0.0.1', $port, $errno, $errstr, 0.2)) === false) {
            if (microtime(true) > $deadline || !proc_get_status($this->process)['running']) {
                throw new \RuntimeException('the fake gateway did not start: ' . file_get_contents("$this->dir/server.log"));
            }
            usleep(20_000);
        }
        fclose($conn);
    }

    /**
     * Sets the answers of the next requests: [status, headers, body] each (an array body is sent
     * as JSON), and forgets the requests seen so far.
     *
     * @param list<array{0: int, 1: array<string, string>, 2: mixed}> $answers
     */
    public function script(array $answers): void
    {
        file_put_contents("$this->dir/script.json", json_encode($answers));
        file_put_contents("$this->dir/requests.jsonl", '');
    }

    /** @return list<array{method: string, uri: string, headers: array<string, string>, body: string}> */
    public function requests(): array
    {
        $lines = array_filter(explode("\n", (string) file_get_contents("$this->dir/requests.jsonl")));
        return array_values(array_map(static fn (string $l) => json_decode($l, true), $lines));
    }

    public function stop(): void
    {
        proc_terminate($this->process);
        proc_close($this->process);
        array_map('unlink', glob("$this->dir/*") ?: []);
        rmdir($this->dir);
    }

    /** @return array{0: int, 1: array<string, string>, 2: array<string, mixed>} */
    public static function ok(mixed $data = null, string $message = 'ok', array $headers = []): array
    {
        $body = ['status' => 'success', 'message' => $message, 'timestamp' => '2024-01-01T12:00:00+00:00'];
        if ($data !== null) {
            $body['data'] = $data;
        }
        return [200, $headers, $body];
    }

    /** @return array{0: int, 1: array<string, string>, 2: array<string, mixed>} */
    public static function fail(int $status, string $message, string $code, array $headers = [], array $extra = []): array
    {
        return [$status, $headers, ['status' => 'error', 'message' => $message, 'code' => $code, 'timestamp' => '2024-01-01T12:00:00+00:00'] + $extra];
    }
}
