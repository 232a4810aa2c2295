// Loaded with `node --import ./capture.mjs example.mjs` by run-all.sh: records every answer the
// example's fetch calls get and prints them as JSON lines when the example is done, so that the
// example itself stays as the reference wrote it (it only console.logs).
const realFetch = globalThis.fetch;
const answers = [];
globalThis.fetch = async (...args) => {
  const response = await realFetch(...args);
  answers.push(response.clone().json().catch(() => ({ status: 'not JSON', http: response.status })));
  return response;
};
let printed = false;
process.on('beforeExit', async () => {
  if (printed) return;
  printed = true;
  for (const answer of await Promise.all(answers)) {
    process.stdout.write('\n' + JSON.stringify(answer) + '\n');
  }
});
