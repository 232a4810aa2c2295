// Renders /docs/openapi.json with Redoc. System fonts only: nothing is fetched from elsewhere.
(function () {
  var sans = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  Redoc.init('/docs/openapi.json', {
    expandResponses: '200',
    jsonSampleExpandLevel: 3,
    hideDownloadButton: false,
    sortPropsAlphabetically: false,
    theme: {
      typography: { fontFamily: sans, headings: { fontFamily: sans }, code: { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace' } },
    },
  }, document.getElementById('redoc'), function (err) {
    var loading = document.getElementById('loading');
    if (err) {
      loading.textContent = 'Could not render the API description: ' + err;
      return;
    }
    loading.remove();
    document.body.setAttribute('data-rendered', 'true');
  });
})();
