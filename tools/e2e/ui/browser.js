'use strict';
// Debian's chromium driven by playwright-core (no browser download), for the
// editor test (editor.test.js). One fresh profile folder per launch; every
// chromium process of that profile is killed by PID when the browser is
// closed, when the test process exits, and on Ctrl-C.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { onExitSync } = require('../../harness/procs');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

/** PIDs of the processes whose command line mentions `needle` (here: the profile folder). */
function pidsWithArg(needle) {
	const pids = [];
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
		try {
			const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
			if (cmdline.includes(needle)) pids.push(Number(entry));
		} catch {
			/* gone meanwhile, or not ours to read */
		}
	}
	return pids;
}

function killPids(pids) {
	for (const pid of pids) {
		try {
			process.kill(pid, 'SIGKILL');
		} catch {
			/* already gone */
		}
	}
}

/**
 * Launch chromium with a new profile folder. Resolves { context, page, close }.
 * `close()` closes the browser, kills whatever chromium process of this
 * profile is left and deletes the profile; it is idempotent.
 */
async function launchBrowser({ viewport = { width: 1440, height: 1000 } } = {}) {
	if (!fs.existsSync(CHROMIUM)) {
		throw new Error(
			`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) or run npm run test:ui`,
		);
	}
	let playwright;
	try {
		playwright = require('playwright-core');
	} catch (e) {
		throw new Error(
			`playwright-core is not installed in tools/e2e/ui (cd tools/e2e/ui && npm install): ${e.message}`,
		);
	}
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'jelou-ui-chromium-'));
	// The profile path is unique, so it identifies exactly the processes of this browser.
	const marker = `--user-data-dir=${profile}`;
	const killLeftovers = () => killPids(pidsWithArg(marker));
	const unregister = onExitSync(() => {
		killLeftovers();
		fs.rmSync(profile, { recursive: true, force: true });
	});
	let context;
	try {
		context = await playwright.chromium.launchPersistentContext(profile, {
			executablePath: CHROMIUM,
			headless: true,
			args: CHROMIUM_ARGS,
			viewport,
			deviceScaleFactor: 1,
			timeout: 60_000,
		});
	} catch (e) {
		killLeftovers();
		fs.rmSync(profile, { recursive: true, force: true });
		unregister();
		throw e;
	}
	// Only loopback: anything else (fonts, telemetry, docs) is refused at once.
	await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/]|localhost[:/])/, (route) => route.abort());
	const page = context.pages()[0] || (await context.newPage());
	let closed = false;
	const close = async () => {
		if (closed) return;
		closed = true;
		await Promise.race([
			context.close().catch(() => {}),
			new Promise((r) => setTimeout(r, 10_000)),
		]);
		killLeftovers();
		fs.rmSync(profile, { recursive: true, force: true });
		unregister();
	};
	return { context, page, close, pids: () => pidsWithArg(marker) };
}

module.exports = { launchBrowser, CHROMIUM, CHROMIUM_ARGS };
