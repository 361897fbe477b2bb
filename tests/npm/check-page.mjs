#!/usr/bin/env node
// check-page: loads a page in Debian's Chromium (headless, through
// playwright-core) as a person's browser would, and fails on what a person
// would see go wrong. Shared by every test of an HTML page.
//
//   node check-page.mjs URL --screenshot FILE [--selector CSS]... [--width PX]
//                       [--height PX] [--header 'Name: value']... [--timeout MS]
//
// Exit 0 when the page passed; 1 with one line per problem on stderr when
// it did not; 2 on bad usage. A problem is:
//   - the main response is not 2xx, or the page cannot be loaded at all;
//   - any console message of type error, or an uncaught page error;
//   - any request that failed (network error, blocked, aborted), or any
//     sub-resource answered 4xx or 5xx;
//   - a --selector that matches nothing visible;
//   - horizontal overflow at the width: document.documentElement.scrollWidth
//     greater than window.innerWidth (a page a phone would scroll sideways).
// A full-page screenshot is saved to FILE in every case where the page
// loaded, so a failure can be looked at. Only http://127.0.0.1 and
// http://localhost URLs are accepted: the tests never reach out.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

const usage = 'usage: node check-page.mjs URL --screenshot FILE [--selector CSS]... [--width PX] [--height PX]'
	+ " [--header 'Name: value']... [--timeout MS]";

function parseArgs(argv) {
	const o = { url: null, screenshot: null, selectors: [], width: 1280, height: 800, headers: {}, timeout: 30000 };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		const next = () => {
			if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
			return argv[++i];
		};
		if (a === '--screenshot') o.screenshot = next();
		else if (a === '--selector') o.selectors.push(next());
		else if (a === '--width') o.width = Number(next());
		else if (a === '--height') o.height = Number(next());
		else if (a === '--timeout') o.timeout = Number(next());
		else if (a === '--header') {
			const h = next(), colon = h.indexOf(':');
			if (colon <= 0) throw new Error(`--header wants 'Name: value', not '${h}'`);
			o.headers[h.slice(0, colon).trim()] = h.slice(colon + 1).trim();
		} else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
		else if (o.url === null) o.url = a;
		else throw new Error(`unexpected argument ${a}`);
	}
	if (o.url === null || o.screenshot === null) throw new Error('URL and --screenshot FILE are required');
	for (const [k, v] of [['--width', o.width], ['--height', o.height], ['--timeout', o.timeout]])
		if (!Number.isInteger(v) || v <= 0) throw new Error(`${k} wants a positive whole number`);
	const u = new URL(o.url);
	if (u.protocol !== 'http:' || !['127.0.0.1', 'localhost'].includes(u.hostname))
		throw new Error(`only http://127.0.0.1 or http://localhost pages are checked, not ${o.url}`);
	return o;
}

let opts;
try {
	opts = parseArgs(process.argv.slice(2));
} catch (e) {
	console.error(`check-page: ${e.message}\n${usage}`);
	process.exit(2);
}

const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const problems = [];
let browser;
try {
	browser = await chromium.launch({
		executablePath,
		headless: true,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
			'--disable-component-update', '--disable-default-apps', '--disable-sync', '--metrics-recording-only'],
	});
	const context = await browser.newContext({
		viewport: { width: opts.width, height: opts.height },
		extraHTTPHeaders: opts.headers,
		serviceWorkers: 'block',
	});
	const page = await context.newPage();
	page.on('console', (m) => {
		if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
	});
	page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
	page.on('requestfailed', (r) => problems.push(`request failed: ${r.method()} ${r.url()}: ${r.failure()?.errorText ?? 'failed'}`));
	page.on('response', (r) => {
		if (r.request().isNavigationRequest() && r.frame() === page.mainFrame()) return; // judged below
		if (r.status() >= 400) problems.push(`sub-resource ${r.url()} answered ${r.status()}`);
	});

	let main = null;
	try {
		main = await page.goto(opts.url, { waitUntil: 'load', timeout: opts.timeout });
	} catch (e) {
		problems.push(`cannot load ${opts.url}: ${e.message.split('\n')[0]}`);
	}
	if (main !== null) {
		if (main.status() < 200 || main.status() > 299) problems.push(`main response is ${main.status()}, not 2xx`);
		for (const sel of opts.selectors) {
			const n = await page.locator(sel).count();
			if (n === 0) problems.push(`selector matches nothing: ${sel}`);
			else if (!(await page.locator(sel).first().isVisible())) problems.push(`selector matches nothing visible: ${sel}`);
		}
		const { scrollWidth, innerWidth } = await page.evaluate(() => ({
			scrollWidth: document.documentElement.scrollWidth,
			innerWidth: window.innerWidth,
		}));
		if (scrollWidth > innerWidth)
			problems.push(`horizontal overflow at ${opts.width}px: the page is ${scrollWidth}px wide, the window ${innerWidth}px`);
		mkdirSync(dirname(opts.screenshot), { recursive: true });
		await page.screenshot({ path: opts.screenshot, fullPage: true });
	}
	await context.close();
} catch (e) {
	problems.push(`browser: ${e.message.split('\n')[0]} (Chromium at ${executablePath})`);
} finally {
	if (browser) await browser.close();
}

if (problems.length > 0) {
	for (const p of problems) console.error(`check-page: ${opts.url} (${opts.width}px): ${p}`);
	process.exit(1);
}
console.log(`check-page: ${opts.url} passed at ${opts.width}px; screenshot ${opts.screenshot}`);
