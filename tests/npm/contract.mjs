#!/usr/bin/env node
// contract: sends every named example of openapi/openapi.json to a running
// sentia and checks each answer against the document: the status the
// example is filed under, the content type, the body against the response's
// schema (Ajv, JSON Schema 2020-12, with formats), the headers marked
// required (and their schemas). Then, for every operation, what the gate
// must answer: 401 without credentials, 403 to a viewer on a stronger
// route, and 304 for an entity tag the client holds.
//
//   node contract.mjs --base-url http://127.0.0.1:PORT --api-key KEY
//        [--viewer-key KEY] [--fixture NAME=VALUE]... [--document FILE]
//
// A case is a response example with a name (under "examples"); its request
// takes the examples of the same name from the operation's parameters and
// request body. A path parameter with none uses its single "example"; a
// required query or header parameter too; other parameters are left out.
// An example with "x-sentia-fixture": NAME takes the value given as
// --fixture NAME=VALUE (an id made by the caller) instead of its own.
// Exit 0 when every case passed, 1 when one failed, 2 on bad usage.
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const usage = 'usage: node contract.mjs --base-url http://127.0.0.1:PORT --api-key KEY [--viewer-key KEY]'
	+ ' [--fixture NAME=VALUE]... [--document FILE]';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const ROLES = ['none', 'viewer', 'operator', 'analyst', 'manager', 'admin'];

function parseArgs(argv) {
	const o = { baseUrl: null, apiKey: null, viewerKey: null, fixtures: {}, document: join(here, '../../openapi/openapi.json') };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		const next = () => {
			if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
			return argv[++i];
		};
		if (a === '--base-url') o.baseUrl = next().replace(/\/+$/, '');
		else if (a === '--api-key') o.apiKey = next();
		else if (a === '--viewer-key') o.viewerKey = next();
		else if (a === '--document') o.document = next();
		else if (a === '--fixture') {
			const f = next(), eq = f.indexOf('=');
			if (eq <= 0) throw new Error(`--fixture wants NAME=VALUE, not ${f}`);
			o.fixtures[f.slice(0, eq)] = f.slice(eq + 1);
		} else throw new Error(`unknown argument ${a}`);
	}
	if (!o.baseUrl || !o.apiKey) throw new Error('--base-url and --api-key are required');
	const u = new URL(o.baseUrl);
	if (u.protocol !== 'http:' || u.hostname !== '127.0.0.1')
		throw new Error(`the contract test talks to http://127.0.0.1 only, not ${o.baseUrl}`);
	return o;
}

let opts;
try {
	opts = parseArgs(process.argv.slice(2));
} catch (e) {
	console.error(`contract: ${e.message}\n${usage}`);
	process.exit(2);
}

const doc = JSON.parse(readFileSync(opts.document, 'utf8'));
const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
addFormats(ajv);
// The whole document is one schema resource: a response schema is
// compiled by its JSON pointer, and its "#/components/schemas/..."
// references resolve against the document.
ajv.addSchema(doc, 'openapi.json');

let passed = 0, failed = 0;
const report = (ok, what, details = []) => {
	if (ok) {
		passed++;
		console.log(`ok ${passed + failed} - ${what}`);
	} else {
		failed++;
		console.log(`not ok ${passed + failed} - ${what}`);
		for (const d of details) console.log(`#   ${d}`);
	}
	return ok;
};

const pointerEscape = (s) => s.replace(/~/g, '~0').replace(/\//g, '~1');
function resolve(o) {
	let seen = 0;
	while (o && typeof o.$ref === 'string') {
		if (!o.$ref.startsWith('#/') || ++seen > 10) throw new Error(`cannot resolve ${o.$ref}`);
		o = o.$ref.slice(2).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
			.reduce((at, t) => (at === undefined ? undefined : at[t]), doc);
	}
	if (o === undefined) throw new Error('a $ref leads nowhere');
	return o;
}
const validators = new Map();
function validator(pointer) {
	if (!validators.has(pointer)) validators.set(pointer, ajv.compile({ $ref: `openapi.json#${pointer}` }));
	return validators.get(pointer);
}
const ajvErrors = (errs) => (errs ?? []).slice(0, 8).map((e) => `${e.instancePath || '(body)'} ${e.message}${e.params?.additionalProperty ? `: ${e.params.additionalProperty}` : ''}`);

// The JSON pointer of a resolved response's media schema: responses that
// are $refs are checked through their component.
function responsePointer(path, method, status) {
	const r = doc.paths[path][method].responses[status];
	if (r.$ref) return r.$ref.slice(1);
	return `/paths/${pointerEscape(path)}/${method}/responses/${status}`;
}

// The value of an example for a case: the fixture it names, when given.
function exampleValue(ex, what) {
	if (ex['x-sentia-fixture'] !== undefined) {
		const f = ex['x-sentia-fixture'];
		if (!(f in opts.fixtures)) throw new Error(`${what} needs --fixture ${f}=VALUE`);
		return opts.fixtures[f];
	}
	return ex.value;
}

// Builds the request of case name of an operation: { url, init } or throws.
function buildRequest(path, method, op, name, credentials) {
	const headers = { 'X-Request-Id': `contract-${op.operationId}-${name}`.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64) };
	const query = new URLSearchParams();
	let url = path;
	for (const p0 of op.parameters ?? []) {
		const p = resolve(p0);
		const named = p.examples?.[name];
		let value;
		if (named !== undefined) value = exampleValue(named, `${p.name} of ${op.operationId}/${name}`);
		else if (p.in === 'path' || p.required) {
			if (p.example === undefined) throw new Error(`parameter ${p.name} has no example ${name} and no single example`);
			value = p.example;
		} else continue;
		if (p.in === 'path') url = url.replace(`{${p.name}}`, encodeURIComponent(String(value)));
		else if (p.in === 'query') query.append(p.name, String(value));
		else if (p.in === 'header') headers[p.name] = String(value);
	}
	let body;
	const rb = op.requestBody ? resolve(op.requestBody) : null;
	if (rb) {
		let media = Object.keys(rb.content).find((m) => rb.content[m].examples?.[name] !== undefined);
		let value;
		if (media !== undefined) value = exampleValue(rb.content[media].examples[name], `body of ${op.operationId}/${name}`);
		else if (rb.required) {
			media = Object.keys(rb.content).find((m) => rb.content[m].example !== undefined);
			if (media === undefined) throw new Error(`the required body has no example ${name} and no single example`);
			value = rb.content[media].example;
		}
		if (media !== undefined) {
			headers['Content-Type'] = media;
			body = typeof value === 'string' ? value : JSON.stringify(value);
		}
	}
	if (credentials) headers.Authorization = `Bearer ${credentials}`;
	const qs = query.toString();
	return { url: `${opts.baseUrl}${url}${qs ? `?${qs}` : ''}`, init: { method: method.toUpperCase(), headers, body, redirect: 'manual' } };
}

async function send(req) {
	const res = await fetch(req.url, { ...req.init, signal: AbortSignal.timeout(20000) });
	const text = await res.text();
	return { status: res.status, headers: res.headers, text };
}

// Checks an answer against the documented response status of operation
// (path, method); returns the problems found.
function checkAnswer(path, method, status, media, got, sentId) {
	const problems = [];
	const resp = resolve(doc.paths[path][method].responses[status]);
	if (String(got.status) !== status) problems.push(`status ${got.status}, documented ${status}: ${got.text.slice(0, 300)}`);
	for (const [h, h0] of Object.entries(resp.headers ?? {})) {
		const hdr = resolve(h0), v = got.headers.get(h);
		if (hdr.required && v === null) problems.push(`header ${h} is documented as always sent, and missing`);
		if (v !== null && hdr.schema) {
			const vs = ajv.compile(hdr.schema);
			const value = hdr.schema.type === 'integer' && /^[0-9]+$/.test(v) ? Number(v) : v;
			if (!vs(value)) problems.push(`header ${h}: ${JSON.stringify(v)} ${ajvErrors(vs.errors).join('; ')}`);
		}
	}
	if (sentId && got.headers.get('x-request-id') !== sentId)
		problems.push(`X-Request-Id is ${got.headers.get('x-request-id')}, not the ${sentId} sent`);
	if (media === null) {
		if (got.text.length !== 0) problems.push(`a body where none is documented: ${got.text.slice(0, 100)}`);
		return problems;
	}
	const ct = got.headers.get('content-type') ?? '';
	const base = (s) => s.split(';')[0].trim().toLowerCase();
	if (base(ct) !== base(media)) problems.push(`Content-Type ${ct}, documented ${media}`);
	let body = got.text;
	if (base(media) === 'application/json') {
		try {
			body = JSON.parse(got.text);
		} catch {
			problems.push(`the body is not JSON: ${got.text.slice(0, 200)}`);
			return problems;
		}
	}
	const v = validator(`${responsePointer(path, method, status)}/content/${pointerEscape(media)}/schema`);
	if (!v(body)) problems.push(...ajvErrors(v.errors).map((e) => `body: ${e}`));
	if (body && typeof body === 'object' && body.error && sentId && body.error.request_id !== sentId)
		problems.push(`error.request_id is ${body.error.request_id}, not X-Request-Id ${sentId}`);
	return problems;
}

const operations = [];
for (const [path, item] of Object.entries(doc.paths))
	for (const method of METHODS) if (item[method]) operations.push({ path, method, op: item[method] });

// The named examples of every operation, in the document's order.
for (const { path, method, op } of operations) {
	let cases = 0;
	for (const [status, r0] of Object.entries(op.responses)) {
		const resp = resolve(r0);
		for (const [media, m] of Object.entries(resp.content ?? {})) {
			for (const name of Object.keys(m.examples ?? {})) {
				cases++;
				const what = `${method.toUpperCase()} ${path} ${name} -> ${status}`;
				let req;
				try {
					req = buildRequest(path, method, op, name, op.security?.length ? opts.apiKey : null);
				} catch (e) {
					report(false, what, [`the document cannot make this request: ${e.message}`]);
					continue;
				}
				try {
					const got = await send(req);
					const problems = checkAnswer(path, method, status, media, got, req.init.headers['X-Request-Id']);
					report(problems.length === 0, what, problems.concat([`request: ${req.init.method} ${req.url}`]));
				} catch (e) {
					report(false, what, [`${req.init.method} ${req.url}: ${e.message}`]);
				}
			}
		}
	}
	report(cases > 0, `${method.toUpperCase()} ${path} has at least one named example`, ['add a named example to one of its responses']);
}

// The first named example with a 2xx answer: the request a client makes.
function firstSuccess(op) {
	for (const [status, r0] of Object.entries(op.responses)) {
		if (!status.startsWith('2')) continue;
		for (const [media, m] of Object.entries(resolve(r0).content ?? {}))
			for (const name of Object.keys(m.examples ?? {})) return { status, media, name };
	}
	return null;
}

let notModified = 0;
for (const { path, method, op } of operations) {
	const ok = firstSuccess(op);
	const label = `${method.toUpperCase()} ${path}`;
	if (ok === null) continue;
	// No credentials: 401 on every route that needs a role.
	if (op.security?.length) {
		const req = buildRequest(path, method, op, ok.name, null);
		const problems = checkAnswer(path, method, '401', 'application/json', await send(req), req.init.headers['X-Request-Id']);
		report(problems.length === 0, `${label} without credentials -> 401`, problems);
	}
	// A viewer on a route that needs more: 403.
	const role = ROLES.indexOf(op['x-sentia-role']);
	if (opts.viewerKey && role > ROLES.indexOf('viewer')) {
		const req = buildRequest(path, method, op, ok.name, opts.viewerKey);
		const problems = checkAnswer(path, method, '403', 'application/json', await send(req), req.init.headers['X-Request-Id']);
		report(problems.length === 0, `${label} as a viewer -> 403`, problems);
	}
	// An entity tag the client holds: 304 with no body, or, when the answer
	// changed meanwhile (a clock, a counter), 200 with another tag; never
	// 200 with the same tag.
	if (method === 'get' && op.responses['304'] && ok.status === '200') {
		const req = buildRequest(path, method, op, ok.name, op.security?.length ? opts.apiKey : null);
		const first = await send(req);
		const tag = first.headers.get('etag');
		if (!report(first.status === 200 && tag !== null, `${label} answers 200 with an ETag`, [`status ${first.status}, ETag ${tag}`]))
			continue;
		req.init.headers['If-None-Match'] = tag;
		const again = await send(req);
		if (again.status === 304) {
			const problems = checkAnswer(path, method, '304', null, again, null);

			notModified++;
			if (again.headers.get('etag') !== tag) problems.push(`ETag ${again.headers.get('etag')}, not ${tag}`);
			report(problems.length === 0, `${label} with If-None-Match of its tag -> 304`, problems);
		} else {
			report(again.status === 200 && again.headers.get('etag') !== tag, `${label} with If-None-Match -> 304, or 200 with a new tag`,
				[`status ${again.status}, ETag ${again.headers.get('etag')} after ${tag}`]);
		}
	}
}
report(notModified > 0, 'at least one unchanged answer was 304', ['no route answered 304 to its own ETag']);

// The document served is the document of the source tree.
{
	const got = await send({ url: `${opts.baseUrl}/api/openapi.json`, init: { method: 'GET' } });
	let same = false;
	try {
		same = isDeepStrictEqual(JSON.parse(got.text), doc);
	} catch { /* reported below */ }
	report(same, 'GET /api/openapi.json serves this document', [`status ${got.status}; ${opts.document} differs from what the build serves`]);
}

console.log(`contract: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
