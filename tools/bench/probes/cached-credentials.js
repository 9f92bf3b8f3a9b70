#!/usr/bin/env node
'use strict';
// Probe (not part of `npm run bench`): how much of the Jelou node's per-request overhead in a real
// n8n comes from n8n re-reading the credential for every request?
//
// n8n-core's httpRequestWithAuthentication calls this.getCredentials(type) on every call unless
// the 4th argument carries { credentialsDecrypted }; in n8n that is a database query, a decrypt
// and an expression pass per request. This probe packs dist/ as it is, makes a patched COPY of the
// tarball (in a temp folder; nodes/ and dist/ are never touched) whose transport passes the
// credential it already read once per execution, and runs the same workflows with both packages,
// each in its own n8n user folder.
//
//   node tools/bench/probes/cached-credentials.js [--n 1000] [--latency 50] [--n8n 1] [--concurrency 1,10,25,50]

const fs = require('node:fs');
const path = require('node:path');

const { getRuntime, ensureInstalled } = require('../../harness/runtime');
const { N8nInstance, packPackage, makeTempDir } = require('../../harness/n8n');
const wf = require('../../harness/workflows');
const { installHooks, run } = require('../../harness/procs');
const { startSandboxProcess } = require('../lib/sandbox-client');
const { executeMeasured } = require('../lib/n8n-exec');
const { jelouWorkflow } = require('../lib/workflows');
const { makeRow } = require('../lib/measure');
const { parseArgs, list, headerUsage } = require('../../harness/args');

const OPTIONS = {
	'--n': { key: 'n', parse: Number },
	'--latency': { key: 'latency', parse: Number },
	'--n8n': { key: 'line' },
	'--concurrency': { key: 'concurrencies', parse: list(Number) },
};

async function patchedCopy(tgz, dir) {
	const work = path.join(dir, 'patched');
	fs.mkdirSync(work, { recursive: true });
	let r = await run('tar', ['-xzf', tgz, '-C', work], { timeoutMs: 60_000 });
	if (r.code !== 0) throw new Error(`tar -x failed: ${r.stderr}`);
	const file = path.join(work, 'package', 'dist', 'nodes', 'Jelou', 'transport', 'index.js');
	let text = fs.readFileSync(file, 'utf8');
	const read = 'const credentials = await ctx.getCredentials(exports.CREDENTIAL_TYPE);';
	const call =
		'return (await this.ctx.helpers.httpRequestWithAuthentication.call(this.ctx, exports.CREDENTIAL_TYPE, options));';
	if (!text.includes(read) || !text.includes(call))
		throw new Error(`${file} does not look as expected; cannot patch`);
	text = text.replace(read, `${read} __probeCredentials.set(ctx, credentials);`);
	text = text.replace(
		call,
		'return (await this.ctx.helpers.httpRequestWithAuthentication.call(this.ctx, exports.CREDENTIAL_TYPE, options, ' +
			"{ credentialsDecrypted: { id: '', name: '', type: exports.CREDENTIAL_TYPE, data: { ...__probeCredentials.get(this.ctx) } } }));",
	);
	text = text.replace('"use strict";', '"use strict";\nconst __probeCredentials = new WeakMap();');
	fs.writeFileSync(file, text);
	const out = path.join(dir, 'n8n-nodes-jelou-patched.tgz');
	r = await run('tar', ['-czf', out, '-C', work, 'package'], { timeoutMs: 60_000 });
	if (r.code !== 0) throw new Error(`tar -c failed: ${r.stderr}`);
	return out;
}

async function main() {
	const { n, latency, concurrencies, ...args } = parseArgs(process.argv.slice(2), {
		options: OPTIONS,
		defaults: { n: 1000, latency: 50, line: '1', concurrencies: [1, 10, 25, 50] },
	});
	if (args.help) return process.stdout.write(headerUsage(__filename));
	installHooks({ uncaught: true });
	const line = getRuntime(args.line).line;
	await ensureInstalled(line);
	const dir = makeTempDir('n8n-jelou-probe-');
	const sb = await startSandboxProcess({ latencyMs: latency });
	const instances = [];
	try {
		const original = await packPackage({ destDir: dir });
		const patched = await patchedCopy(original, dir);
		const credential = wf.jelouCredential({
			id: 'BenchJelouCred01',
			name: 'Jelou sandbox (probe)',
			authType: 'apiKey',
			baseUrl: sb.baseUrl,
			apiKey: sb.apiKey,
			projectId: sb.projectId,
		});
		const plans = concurrencies.map((c) => ({
			c,
			items: c === 1 ? Math.min(n, 200) : n,
		}));
		for (const [variant, tgz] of [
			['as built (credential read per request)', original],
			['patched copy (credential passed once)', patched],
		]) {
			const n8n = new N8nInstance(line);
			instances.push(n8n);
			await n8n.installPackage(tgz);
			await n8n.importCredentials([credential]);
			await n8n.importWorkflows(
				plans.map((p) =>
					jelouWorkflow({
						id: `ProbeJelouC${String(p.c).padStart(5, '0')}`,
						n: p.items,
						credential,
						projectId: sb.projectId,
						options: { concurrency: p.c },
					}),
				),
			);
			for (const p of plans) {
				await sb.clear();
				const exec = await executeMeasured(n8n, `ProbeJelouC${String(p.c).padStart(5, '0')}`);
				const stats = await sb.stats(p.items);
				const row = makeRow({
					label: variant,
					kind: 'jelou',
					n: p.items,
					concurrencyText: String(p.c),
					idealMs: (p.items * latency) / p.c,
					exec,
					sandbox: stats,
				});
				console.log(
					`n8n-${line} | ${variant} | concurrency ${p.c}, N=${p.items}: node ${(row.nodeMs / 1000).toFixed(2)} s, ideal ${(row.idealMs / 1000).toFixed(2)} s, ` +
						`× ${row.ratio.toFixed(2)}, ${row.itemsPerSec.toFixed(0)} items/s, overhead ${((row.nodeMs - row.idealMs) / (p.items / p.c)).toFixed(1)} ms per round, ` +
						`failed ${row.failed}, output ${row.outputOk ? 'OK' : row.outputText}`,
				);
			}
		}
	} finally {
		for (const i of instances) await i.dispose();
		await sb.close();
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error && error.stack ? error.stack : error);
	process.exitCode = 1;
});
