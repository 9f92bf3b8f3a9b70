#!/usr/bin/env node
'use strict';
// Summarises a V8 CPU profile (`npm run bench -- --cpu-prof <dir>`): where one n8n execution
// spent its thread, as self time per function and per package (n8n-core, axios, n8n-nodes-jelou,
// Node's own internals, garbage collection, idle). Usage:
//   node tools/bench/lib/profile-summary.js <file.cpuprofile> [--top 30] [--match <text>]
// --match keeps only the functions whose file path contains <text> (e.g. n8n-nodes-jelou).
// --window <regexp> counts only the samples between the first and the last one whose stack has a
// frame matching <regexp> (tested on "function file"), e.g. 'execute .*n8n-nodes-jelou' for the
// node's run without n8n's start-up, 'execute .*HttpRequest' for the HTTP Request node's.

const fs = require('node:fs');

const { parseArgs } = require('../../harness/args');

const OPTIONS = {
	'--top': { key: 'top', parse: Number },
	'--match': { key: 'match' },
	'--window': { key: 'window' },
};

/** @param {readonly string[]} argv */
function parseProfileArgs(argv) {
	const out = parseArgs(argv, {
		options: OPTIONS,
		defaults: { top: 30, match: '', window: '' },
		unknown: 'positional',
	});
	out.file = out.positional.at(-1);
	if (!out.file)
		throw new TypeError('usage: profile-summary.js <file.cpuprofile> [--top N] [--match text]');
	return out;
}

/** The package (or Node's internals) a script URL belongs to. */
function packageOf(url) {
	if (!url) return '(native / V8)';
	if (url.startsWith('node:')) return 'node internals';
	const parts = url.split('node_modules/');
	if (parts.length < 2) return 'other';
	const rest = parts[parts.length - 1].split('/');
	return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
}

/** Indexes of the first and last samples whose stack has a frame matching `pattern`. */
function windowOf(profile, byId, pattern) {
	const re = new RegExp(pattern);
	const parent = new Map();
	for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
	const hits = new Map();
	const inside = (id) => {
		if (hits.has(id)) return hits.get(id);
		const node = byId.get(id);
		const hit =
			re.test(`${node.callFrame.functionName} ${node.callFrame.url ?? ''}`) ||
			(parent.has(id) && inside(parent.get(id)));
		hits.set(id, hit);
		return hit;
	};
	let first = -1;
	let last = -1;
	profile.samples.forEach((id, i) => {
		if (!inside(id)) return;
		if (first === -1) first = i;
		last = i;
	});
	return first === -1 ? [0, profile.samples.length - 1] : [first, last];
}

function summarise(profile, windowText) {
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const selfUs = new Map();
	const deltas = profile.timeDeltas;
	const [from, to] = windowText
		? windowOf(profile, byId, windowText)
		: [0, profile.samples.length - 1];
	for (let i = from; i <= to; i++) {
		const id = profile.samples[i];
		selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i] ?? 0));
	}
	const fns = new Map();
	const pkgs = new Map();
	let total = 0;
	for (const [id, us] of selfUs) {
		const node = byId.get(id);
		const { functionName, url, lineNumber } = node.callFrame;
		const name = functionName || '(anonymous)';
		const key = `${name} ${url ? `${url.replace(/^.*node_modules\//, '')}:${lineNumber + 1}` : ''}`;
		fns.set(key, { us: (fns.get(key)?.us ?? 0) + us, url });
		const pkg = ['(idle)', '(garbage collector)', '(program)'].includes(name)
			? name
			: packageOf(url);
		pkgs.set(pkg, (pkgs.get(pkg) ?? 0) + us);
		total += us;
	}
	return { fns, pkgs, total };
}

function main() {
	const args = parseProfileArgs(process.argv.slice(2));
	const { fns, pkgs, total } = summarise(
		JSON.parse(fs.readFileSync(args.file, 'utf8')),
		args.window,
	);
	const ms = (us) => (us / 1000).toFixed(1).padStart(8);
	const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
	console.log(`total ${ms(total)} ms\n\nby package (self time)`);
	const shown = [...pkgs].sort((a, b) => b[1] - a[1]).filter(([, us]) => us >= total / 1000);
	for (const [pkg, us] of shown) console.log(`${ms(us)} ms ${pct(us)}  ${pkg}`);
	console.log(`\ntop functions (self time)${args.match ? `, files matching "${args.match}"` : ''}`);
	const rows = [...fns].filter(([, f]) => !args.match || (f.url ?? '').includes(args.match));
	for (const [key, f] of rows.sort((a, b) => b[1].us - a[1].us).slice(0, args.top))
		console.log(`${ms(f.us)} ms ${pct(f.us)}  ${key}`);
}

main();
