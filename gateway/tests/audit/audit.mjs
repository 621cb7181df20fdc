// Runs graphql-http's GraphQL-over-HTTP server audits against a running gateway and
// prints one JSON document: {"results": [{id, name, status, reason, ...}, ...]}.
//
//   GATEWAY_AUDIT_URL=http://127.0.0.1:8000/graphql GATEWAY_AUDIT_TOKEN=<jwt> node audit.mjs
//   node audit.mjs <url> <token>
//
// The gateway refuses requests without a valid bearer token, so every request the audits
// make carries one. Installed by `npm ci --prefix gateway/tests/audit`; driven by
// test_graphql_http_audit.py.
import { serverAudits } from 'graphql-http';

const url = process.argv[2] ?? process.env.GATEWAY_AUDIT_URL;
const token = process.argv[3] ?? process.env.GATEWAY_AUDIT_TOKEN;
if (!url || !token) {
  console.error('usage: node audit.mjs <graphql url> <bearer token> (or GATEWAY_AUDIT_URL / GATEWAY_AUDIT_TOKEN)');
  process.exit(2);
}

function fetchWithToken(input, init = {}) {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers, signal: AbortSignal.timeout(10_000) });
}

async function describe(response) {
  if (!response) return {};
  let body = null;
  try {
    body = response.bodyUsed ? null : (await response.text()).slice(0, 500);
  } catch {
    // the body stream may be gone; status and headers are enough then
  }
  return {
    http_status: response.status,
    content_type: response.headers.get('content-type'),
    body,
  };
}

const results = [];
// one at a time, in the audits' own order: deterministic and gentle on the server
for (const { id, name, fn } of serverAudits({ url, fetchFn: fetchWithToken })) {
  let result;
  try {
    result = await fn();
  } catch (error) {
    // audits throw only on fatal problems (network failure, unreadable response)
    results.push({ id, name, status: 'error', reason: `fatal: ${error?.stack ?? error}` });
    continue;
  }
  const entry = { id: result.id, name: result.name, status: result.status, reason: result.reason ?? null };
  if (result.status !== 'ok') Object.assign(entry, await describe(result.response));
  results.push(entry);
}

process.stdout.write(JSON.stringify({ url, results }, null, 2) + '\n');
