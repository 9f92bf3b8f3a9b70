#!/usr/bin/env node
'use strict';
// The Jelou node in the real n8n editor, in a real browser (`npm run test:ui`).
//
//   node tools/scripts/test-ui.js              n8n 1.123.50 (Node 20)
//   node tools/scripts/test-ui.js --n8n 2      n8n 2.41.1 (Node 24) instead; --n8n 1 --n8n 2 for both
//   node tools/scripts/test-ui.js --no-build   test the existing dist/ as it is
//   node tools/scripts/test-ui.js --update-screenshots   write n8n 1.x's screenshots to docs/screenshots/
//                                        (otherwise they go to a temporary folder, printed at the end)
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

const { ensureInstalled, getRuntime, REPO_ROOT } = require('../harness/runtime');
const { buildPackage, packPackage, makeTempDir } = require('../harness/n8n');
const { runNodeTests } = require('../harness/node-test');
const { installHooks, isStopping, run } = require('../harness/procs');

const UI_DIR = path.join(REPO_ROOT, 'tools', 'e2e', 'ui');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const say = (s) => console.log(`[test:ui] ${s}`);
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

function parseArgs(argv) {
	const out = { lines: [], build: true, updateScreenshots: false, passthrough: [] };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (a === '--n8n') out.lines.push(argv[++i]);
		else if (a.startsWith('--n8n=')) out.lines.push(a.slice(6));
		else if (a === '--no-build') out.build = false;
		else if (a === '--update-screenshots') out.updateScreenshots = true;
		else out.passthrough.push(a);
	}
	if (out.lines.length === 0) out.lines = ['1'];
	out.lines = [...new Set(out.lines.map((l) => String(getRuntime(l).line)))];
	return out;
}

function tail(text, n = 25) {
	return String(text).split('\n').filter(Boolean).slice(-n).join('\n');
}

// Settings `npm run` exports from this project must not redirect the nested
// install in tools/e2e/ui (npm_config_local_prefix would install into the root).
function cleanNpmEnv() {
	const env = { ...process.env };
	for (const k of Object.keys(env)) {
		if (
			/^npm_(config_(local_prefix|prefix|global_prefix|call|save|save_.*|package_lock|package_lock_only|workspaces?|include_workspace_root|global|location|dry_run|ignore_scripts)|package_.*|lifecycle_.*|command)$/i.test(
				k,
			)
		)
			delete env[k];
	}
	return {
		...env,
		npm_config_update_notifier: 'false',
		npm_config_fund: 'false',
		npm_config_audit: 'false',
	};
}

function npmCmd() {
	const execpath = process.env.npm_execpath;
	if (execpath && /npm-cli\.js$/.test(execpath) && fs.existsSync(execpath))
		return { cmd: process.execPath, pre: [execpath] };
	return { cmd: 'npm', pre: [] };
}

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
	const npm = npmCmd();
	// npm ci: exactly the committed lockfile, which it never rewrites.
	const r = await run(npm.cmd, [...npm.pre, 'ci', '--no-audit', '--no-fund'], {
		cwd: UI_DIR,
		env: { ...cleanNpmEnv(), PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
		timeoutMs: 10 * 60_000,
	});
	if (r.code !== 0 || !fs.existsSync(installedPj)) {
		throw new Error(
			`npm ci in tools/e2e/ui failed (exit ${r.code}):\n${tail(r.stdout + r.stderr)}`,
		);
	}
}

async function main() {
	const args = parseArgs(process.argv.slice(2));
	installHooks({ uncaught: true });
	const t0 = Date.now();
	const timings = [];
	const phase = async (name, fn) => {
		const s = Date.now();
		try {
			return await fn();
		} finally {
			timings.push([name, Date.now() - s]);
		}
	};

	await phase('chromium', ensureChromium);
	await phase('playwright-core', ensurePlaywright);
	const env = { ...process.env, UI_N8N_LINES: args.lines.join(',') };
	// The committed screenshots change only when asked to.
	if (!args.updateScreenshots && !env.UI_SCREENSHOT_DIR) {
		env.UI_SCREENSHOT_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-jelou-ui-screenshots-'));
	}
	await phase('n8n runtime', async () => {
		for (const l of args.lines) {
			try {
				const r = await ensureInstalled(l);
				if (!r.installed) say(`${getRuntime(l).name} already installed`);
			} catch (e) {
				if (isStopping()) return;
				env[`E2E_INSTALL_ERROR_${l}`] = e.message;
				console.error(
					`[test:ui] ERROR: ${getRuntime(l).name} could not be installed; its test will fail.\n${e.message}`,
				);
			}
		}
	});
	if (args.build) await phase('build', () => buildPackage({ print: say }));
	const packDir = makeTempDir('n8n-jelou-ui-pack-');
	const tgz = await phase('pack', () => packPackage({ destDir: packDir, print: say }));
	env.E2E_PACKAGE_TGZ = tgz;
	say(`package: ${path.basename(tgz)}`);

	const file = path.join(UI_DIR, 'editor.test.js');
	say(`running: node --test ${path.relative(REPO_ROOT, file)}`);
	const code = await phase('node --test', () => runNodeTests([file], args.passthrough, env));
	fs.rmSync(packDir, { recursive: true, force: true });
	if (args.lines.includes('1')) {
		const where = args.updateScreenshots
			? 'docs/screenshots/ (updated)'
			: `${env.UI_SCREENSHOT_DIR} (--update-screenshots writes docs/screenshots/)`;
		say(`screenshots of n8n 1.x: ${where}`);
	}
	console.log(
		`[test:ui] timings: ${timings.map(([n, ms]) => `${n} ${secs(ms)}`).join(', ')}; total ${secs(Date.now() - t0)}`,
	);
	process.exit(code);
}

main().catch((e) => {
	if (isStopping()) return;
	console.error(`[test:ui] ERROR: ${e.message}`);
	process.exit(1);
});
