#!/usr/bin/env node
'use strict';
// Take the README screenshot: the example workflow open in the n8n editor,
// after one run (so the canvas shows item counts on each branch).
//
//   apt-get install -y chromium            (Debian's build; /usr/bin/chromium)
//   cd tools/e2e/ui && npm install                (playwright-core only, no browser download)
//   node tools/e2e/ui/screenshot.js [--n8n 1|2] [--out docs/screenshots/workflow.png]
//
// It runs `node tools/scripts/start.js --no-build` itself (build first, or drop
// --no-build below), logs in with the owner account start.js prints, opens
// the example workflow, executes it and saves the PNG. Everything it started
// is stopped at the end.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');

const { parseArgs, headerUsage } = require('../../harness/args');
const { CHROMIUM_ARGS } = require('./browser');

const REPO_ROOT = path.resolve(__dirname, '..', '..');

const OPTIONS = {
	'--n8n': { key: 'line' },
	'--out': { key: 'out', parse: (/** @type {string} */ v) => path.resolve(v) },
	'--chromium': { key: 'chromium' },
};

function startLocalN8n(line) {
	return new Promise((resolve, reject) => {
		const child = spawn(
			process.execPath,
			[path.join(REPO_ROOT, 'tools', 'scripts', 'start.js'), '--no-build', '--n8n', line],
			{
				cwd: REPO_ROOT,
				stdio: ['ignore', 'pipe', 'inherit'],
			},
		);
		let out = '';
		child.stdout.on('data', (c) => {
			out += c;
			process.stdout.write(c);
			if (out.includes('Press Ctrl-C to stop.')) {
				const url = /Open:\s+(\S+)/.exec(out)[1];
				const login = /Log in:\s+(\S+)\s+\/\s+(\S+)/.exec(out);
				if (!login)
					return reject(new Error('start.js printed no owner login (run it once with --reset?)'));
				resolve({ child, url, email: login[1], password: login[2] });
			}
		});
		child.on('exit', (code) =>
			reject(new Error(`tools/scripts/start.js exited with code ${code}`)),
		);
	});
}

async function stopChild(child) {
	if (child.exitCode !== null) return;
	const done = new Promise((r) => child.once('exit', r));
	child.kill('SIGINT');
	const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
	await done;
	clearTimeout(t);
}

async function main() {
	const args = parseArgs(process.argv.slice(2), {
		options: OPTIONS,
		defaults: {
			line: '1',
			out: path.join(REPO_ROOT, 'docs', 'screenshots', 'workflow.png'),
			chromium: '/usr/bin/chromium',
		},
	});
	if (args.help) return process.stdout.write(headerUsage(__filename));
	const { chromium } = require('playwright-core');
	const local = await startLocalN8n(args.line);
	const base = new URL(local.url).origin;
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'jelou-chromium-'));
	let browser;
	try {
		// A fresh profile folder (launchPersistentContext passes it as --user-data-dir).
		browser = await chromium.launchPersistentContext(profile, {
			executablePath: args.chromium,
			headless: true,
			args: CHROMIUM_ARGS,
			viewport: { width: 1440, height: 810 },
			deviceScaleFactor: 1,
		});
		const context = browser;
		// Only loopback: anything else (fonts, telemetry) is refused at once.
		await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/]|localhost[:/])/, (route) => route.abort());
		const page = context.pages()[0] || (await context.newPage());

		await page.goto(`${base}/signin`, { waitUntil: 'domcontentloaded' });
		await page
			.locator('input[type="email"], input[name="email"], input[name="emailOrLdapLoginId"]')
			.first()
			.fill(local.email);
		await page.locator('input[type="password"]').first().fill(local.password);
		await page.locator('button:has-text("Sign in")').first().click();
		await page.waitForURL((u) => !u.pathname.startsWith('/signin'), { timeout: 30_000 });

		await page.goto(local.url, { waitUntil: 'domcontentloaded' });
		await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: 60_000 });
		await page.waitForTimeout(1500);
		// Close whatever greets a new user (tours, banners, "what's new").
		for (const sel of [
			'button[aria-label="Close"]',
			'[data-test-id="banner-close-button"]',
			'button:has-text("Got it")',
			'button:has-text("Dismiss")',
		]) {
			for (const el of await page.locator(sel).all())
				await el.click({ timeout: 1000 }).catch(() => {});
		}
		await page.keyboard.press('Escape').catch(() => {});

		// Run it once so each connection shows its item count.
		if (process.env.SCREENSHOT_DEBUG)
			await page.screenshot({ path: path.join(os.tmpdir(), 'jelou-before-run.png') });
		// The editor's own "Execute workflow" button (not the per-trigger one).
		const run = page.locator('[data-test-id="execute-workflow-button"]').first();
		if (await run.count()) {
			await run.click({ timeout: 10_000 }).catch(async () => {
				await page.keyboard.press('Control+Enter');
			});
			await page
				.locator('text=/Workflow executed successfully/i')
				.first()
				.waitFor({ timeout: 60_000 })
				.catch(() => {});
			await page.waitForTimeout(2500);
			for (const el of await page
				.locator('.el-notification__closeBtn, [data-test-id="notification-close-button"]')
				.all()) {
				await el.click({ timeout: 1000 }).catch(() => {});
			}
		}
		// Fit the whole workflow in view ("1" = zoom to fit in the editor).
		await page
			.locator('[data-test-id="canvas-wrapper"], #canvas, .vue-flow')
			.first()
			.click({ position: { x: 5, y: 400 } })
			.catch(() => {});
		await page.keyboard.press('1').catch(() => {});
		// Park the mouse on empty canvas, so no hover toolbar is drawn.
		await page.mouse.move(1300, 160);
		await page.waitForTimeout(1500);

		fs.mkdirSync(path.dirname(args.out), { recursive: true });
		await page.screenshot({ path: args.out });
		console.log(`[screenshot] saved ${path.relative(REPO_ROOT, args.out)}`);
	} finally {
		if (browser) await browser.close().catch(() => {});
		fs.rmSync(profile, { recursive: true, force: true });
		await stopChild(local.child);
	}
}

main().catch((e) => {
	console.error(`[screenshot] ERROR: ${e.stack || e.message}`);
	process.exit(1);
});
