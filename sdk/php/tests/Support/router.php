<?php

// The fake gateway's router for PHP's built-in server: answers each request with the next
// answer of the script in $FAKE_GATEWAY_DIR/script.json and logs it to requests.jsonl.

declare(strict_types=1);

$dir = getenv('FAKE_GATEWAY_DIR');
$script = json_decode((string) file_get_contents("$dir/script.json"), true) ?: [];
$answer = array_shift($script) ?? [500, [], ['status' => 'error', 'message' => 'script exhausted']];
file_put_contents("$dir/script.json", json_encode($script));

$headers = [];
foreach (getallheaders() as $name => $value) {
    $headers[strtolower($name)] = $value;
}
$request = [
    'method' => $_SERVER['REQUEST_METHOD'],
    'uri' => $_SERVER['REQUEST_URI'],
    'headers' => $headers,
    'body' => file_get_contents('php://input'),
];
file_put_contents("$dir/requests.jsonl", json_encode($request) . "\n", FILE_APPEND);

[$status, $answerHeaders, $body] = $answer;
http_response_code($status);
foreach ($answerHeaders as $name => $value) {
    header("$name: $value");
}
echo is_string($body) ? $body : json_encode($body);
