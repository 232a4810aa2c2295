<?php
// The reference's PHP example, as written. Its first lines were lost in the reference; filled in
// here: the base URL (SHAREPANEL_BASE_URL, default the reference's https://api.sharepanel.host),
// the API key (SHAREPANEL_API_KEY: get one with mode=auth) and the start of $orgData.
$baseUrl = getenv('SHAREPANEL_BASE_URL') ?: 'https://api.sharepanel.host';
$apiKey = getenv('SHAREPANEL_API_KEY') ?: 'YOUR_API_KEY';
$orgData = [
    'mode' => 'orgs',
    'api_key' => $apiKey,
    'action' => 'new',
    'title' => 'My Organization',
    'contact' => 'contact@example.com'
];
$context = stream_context_create([
    'http' => [
        'method' => 'POST',
        'header' => 'Content-Type: application/x-www-form-urlencoded',
        'content' => http_build_query($orgData)
    ]
]);
$response = file_get_contents($baseUrl . '/api', false, $context);
$result = json_decode($response, true);

// Added so that examples/run-all.sh can check the answer.
echo json_encode($result), "\n";
?>
