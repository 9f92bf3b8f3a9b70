#!/usr/bin/env node
'use strict';
// The Jelou node in the real n8n editor, in a real browser (`npm run test:ui`).
//
//   node tools/scripts/test-ui.js              n8n 1.123.50 (Node 20)
//   node tools/scripts/test-ui.js --n8n 2      n8n 2.41.1 (Node 24) instead; --n8n 1 --n8n 2 for both
//   node tools/scripts/test-ui.js --no-build   test the existing dist/ as it is
//   node tools/scripts/test-ui.js --update-screenshots   write n8n 1.x's screenshots to docs/screenshots/
//                                        (otherwise they go to a temporary folder, printed at the end)
//   node tools/scripts/test-ui.js --help       this text
//   anything else (e.g. --test-reporter=spec) goes to `node --test`
//
// Steps: Debian's chromium (apt-get install -y chromium when /usr/bin/chromium
// is missing) → tools/e2e/ui's playwright-core (npm install from its lockfile when
// missing) → the pinned n8n runtime(s) → npm run build → npm pack → node --test
// tools/e2e/ui/editor.test.js. Screenshots of n8n 1.x: docs/screenshots/0*.png with
// --update-screenshots, else a temporary folder (so a test run leaves the work tree as it was).

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { REPO_ROOT, npmEnv, npmCommand } = require('../harness/runtime');
const { tail } = require('../harness/n8n');
const { installHooks, isStopping, run } = require('../harness/procs');
const { parseArgs, headerUsage } = require('../harness/args');
const testRun = require('../harness/test-run');

const UI_DIR = path.join(REPO_ROOT, 'tools', 'e2e', 'ui');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const TAG = '[test:ui]';
/** @param {string} s */
const say = (s) => console.log(`${TAG} ${s}`);

const OPTIONS = {
	...testRun.RUNNER_OPTIONS,
	'--update-screenshots': { key: 'updateScreenshots', flag: true },
};

async function ensureChromium() {
	if (fs.existsSync(CHROMIUM)) return say(`chromium: ${CHROMIUM}`);
	if (process.env.CHROMIUM_PATH) throw new Error(`CHROMIUM_PATH=${CHROMIUM} does not exist`);
	if (typeof process.getuid === 'function' && process.getuid() !== 0) {
		throw new Error(
			`${CHROMIUM} is missing: install it (sudo apt-get install -y chromium) and run again`,
		);
	}
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const aptInstall = () =>
		run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], {
			env,
			timeoutMs: 15 * 60_000,
		});
	say(`${CHROMIUM} is missing: apt-get install -y chromium`);
	let r = await aptInstall();
	if (r.code !== 0) {
		say('apt-get install failed; apt-get update, then again');
		const u = await run('apt-get', ['update'], { env, timeoutMs: 10 * 60_000 });
		if (u.code !== 0)
			throw new Error(`apt-get update failed (exit ${u.code}):\n${tail(u.stdout + u.stderr)}`);
		r = await aptInstall();
	}
	if (r.code !== 0 || !fs.existsSync(CHROMIUM)) {
		throw new Error(
			`apt-get install -y chromium failed (exit ${r.code}):\n${tail(r.stdout + r.stderr)}`,
		);
	}
	say(`chromium installed: ${CHROMIUM}`);
}

async function ensurePlaywright() {
	const want = JSON.parse(fs.readFileSync(path.join(UI_DIR, 'package.json'), 'utf8')).dependencies[
		'playwright-core'
	];
	const installedPj = path.join(UI_DIR, 'node_modules', 'playwright-core', 'package.json');
	const have = fs.existsSync(installedPj)
		? JSON.parse(fs.readFileSync(installedPj, 'utf8')).version
		: undefined;
	if (have === want) return say(`playwright-core ${have} (tools/e2e/ui/node_modules)`);
	say(
		`playwright-core ${want} ${have ? `(found ${have})` : 'missing'}: npm ci in tools/e2e/ui (lockfile; no browser download)`,
	);
	const npm = npmCommand();
	// npm ci: exactly the committed lockfile, which it never rewrites.
	const r = await run(npm.cmd, [...npm.pre, 'ci', '--no-audit', '--no-fund'], {
		cwd: UI_DIR,
		env: { ...npmEnv(), PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
		timeoutMs: 10 * 60_000,
	});
	if (r.code !== 0 || !fs.existsSync(installedPj)) {
		throw new Error(
			`npm ci in tools/e2e/ui failed (exit ${r.code}):\n${tail(r.stdout + r.stderr)}`,
		);
	}
}

async function main() {
	const args = parseArgs(process.argv.slice(2), {
		options: OPTIONS,
		defaults: { ...testRun.RUNNER_DEFAULTS, updateScreenshots: false },
		unknown: 'passthrough',
	});
	if (args.help) return process.stdout.write(headerUsage(__filename));
	const lines = testRun.n8nLines(args.lines, ['1']);
	installHooks({ uncaught: true });
	const runner = testRun.createRunner(TAG);

	await runner.timer.stage('chromium', ensureChromium);
	await runner.timer.stage('playwright-core', ensurePlaywright);
	/** @type {NodeJS.ProcessEnv} */
	const env = { ...process.env, UI_N8N_LINES: lines.join(',') };
	// The committed screenshots change only when asked to.
	if (!args.updateScreenshots && !env.UI_SCREENSHOT_DIR) {
		env.UI_SCREENSHOT_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-jelou-ui-screenshots-'));
	}
	await runner.installMissingRuntimes(lines, env, { parallel: false, tests: 'its test' });
	env.E2E_PACKAGE_TGZ = await runner.buildAndPack(args.build, 'n8n-jelou-ui-pack-');

	const code = await runner.runTestFiles(
		[path.join(UI_DIR, 'editor.test.js')],
		args.passthrough,
		env,
	);
	if (lines.includes('1')) {
		const where = args.updateScreenshots
			? 'docs/screenshots/ (updated)'
			: `${env.UI_SCREENSHOT_DIR} (--update-screenshots writes docs/screenshots/)`;
		say(`screenshots of n8n 1.x: ${where}`);
	}
	runner.finish(code);
}

main().catch((e) => {
	if (isStopping()) return;
	console.error(`[test:ui] ERROR: ${e.message}`);
	process.exit(1);
});
