#!/usr/bin/env node
'use strict';
// `npm run bench`: throughput, memory and CPU of the Jelou node in a real n8n, against the local
// Jelou sandbox on 127.0.0.1, compared with n8n's own HTTP Request node and with a plain
// node:http loop. Prints Markdown tables and writes docs/benchmarks.md. See --help.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { ensureInstalled, getRuntime, isInstalled, REPO_ROOT } = require('../harness/runtime');
const { N8nInstance, buildPackage, packPackage, makeTempDir } = require('../harness/n8n');
const wf = require('../harness/workflows');
const { installHooks, run } = require('../harness/procs');

const { startSandboxProcess } = require('./lib/sandbox-client');
const { executeMeasured } = require('./lib/n8n-exec');
const { jelouWorkflow, httpRequestWorkflow, httpRequestTypeVersion } = require('./lib/workflows');
const { makeRow } = require('./lib/measure');
const { plainLoop } = require('./lib/plain-loop');
const report = require('./lib/report');

const USAGE = `Usage: npm run bench -- [options]   (or: node tools/bench/run.js [options])

  --n <items>            items per latency run (default 1000)
  --latency <ms>         sandbox latency per request (default 50)
  --rate <req/s>         sandbox rate limit in the throttling run (default 20)
  --throttle-n <items>   items in the throttling run (default 400, so ideal = 20 s at 20/s)
  --cpu-n <items>        items per CPU-overhead round (default: --n)
  --cpu-rounds <k>       measured rounds of the CPU test, median reported (default 5)
  --n8n <1|2|1,2>        which pinned n8n runtime(s) to run in (default 1)
  --concurrency <list>   Jelou concurrencies besides the defaults run (default 1,5,10,25,50)
  --no-build             use dist/ as it is (default: npm run build first)
  --no-write             do not update docs/benchmarks.md
  --out <file>           write the report there instead of docs/benchmarks.md
  --refresh-doc          only rewrite the fixed text of the doc (keeps results and notes), no run
  --help
`;

function parseArgs(argv) {
	const out = {
		n: 1000,
		latency: 50,
		rate: 20,
		throttleN: 400,
		cpuN: undefined,
		cpuRounds: 5,
		lines: [],
		concurrency: [1, 5, 10, 25, 50],
		build: true,
		write: true,
		out: path.join(REPO_ROOT, 'docs', 'benchmarks.md'),
	};
	const num = (name, value, min, max) => {
		const v = Number(value);
		if (!Number.isFinite(v) || v < min || v > max) throw new TypeError(`${name} must be a number from ${min} to ${max}`);
		return v;
	};
	for (let i = 0; i < argv.length; i++) {
		let a = argv[i];
		let value;
		const eq = a.indexOf('=');
		if (a.startsWith('--') && eq !== -1) {
			value = a.slice(eq + 1);
			a = a.slice(0, eq);
		}
		const next = () => {
			if (value !== undefined) return value;
			if (i + 1 >= argv.length) throw new TypeError(`${a} needs a value`);
			return argv[++i];
		};
		switch (a) {
			case '--n': out.n = Math.floor(num('--n', next(), 1, 100_000)); break;
			case '--latency': out.latency = num('--latency', next(), 0, 10_000); break;
			case '--rate': out.rate = Math.floor(num('--rate', next(), 1, 100_000)); break;
			case '--throttle-n': out.throttleN = Math.floor(num('--throttle-n', next(), 1, 100_000)); break;
			case '--cpu-n': out.cpuN = Math.floor(num('--cpu-n', next(), 1, 100_000)); break;
			case '--cpu-rounds': out.cpuRounds = Math.floor(num('--cpu-rounds', next(), 1, 10)); break;
			case '--n8n': out.lines.push(...String(next()).split(',').filter(Boolean)); break;
			case '--concurrency':
				out.concurrency = String(next()).split(',').filter(Boolean).map((c) => Math.floor(num('--concurrency', c, 1, 50)));
				break;
			case '--no-build': out.build = false; break;
			case '--no-write': out.write = false; break;
			case '--out': out.out = path.resolve(next()); break;
			case '--refresh-doc': out.refreshDoc = true; break;
			case '--help': case '-h': out.help = true; break;
			default: throw new TypeError(`unknown option ${a}`);
		}
	}
	if (out.lines.length === 0) out.lines = ['1'];
	out.lines = [...new Set(out.lines.map((l) => getRuntime(l).line))];
	out.cpuN = out.cpuN ?? out.n;
	return out;
}

const say = (s) => console.log(`[bench] ${s}`);
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** The whole n8n part for one pinned runtime. */
async function benchLine(line, args, sb, tgz, reference) {
	const rt = getRuntime(line);
	if (!isInstalled(line)) say(`${rt.name} is not installed yet: installing it (several minutes)`);
	await ensureInstalled(line, { print: (s) => say(s) });
	const n8nNode = rt.usesBundledNode ? `v${rt.nodeVersion}` : process.version;
	const n8n = new N8nInstance(line);
	const rows = [reference];
	const throttleRows = [];
	try {
		say(`${rt.name} (Node ${n8nNode}): installing the packed package into ${n8n.userFolder}/.n8n/nodes`);
		await n8n.installPackage(tgz);
		const credential = wf.jelouCredential({
			id: 'BenchJelouCred01',
			name: 'Jelou sandbox (bench)',
			authType: 'apiKey',
			baseUrl: sb.baseUrl,
			apiKey: sb.apiKey,
			projectId: sb.projectId,
		});
		const httpVersion = httpRequestTypeVersion(rt);
		const { n, latency, rate, throttleN } = args;
		const batch = { batchSize: 10, batchInterval: Math.max(1, Math.round(latency)) };

		// Every run: [workflow, row description]
		const plan = [];
		plan.push({
			phase: 'latency',
			wf: jelouWorkflow({ id: 'BenchJelouDef001', n, credential, projectId: sb.projectId }),
			label: 'Jelou, defaults',
			kind: 'jelou',
			concurrency: 10,
			concurrencyText: '10 (default)',
		});
		for (const c of args.concurrency) {
			plan.push({
				phase: 'latency',
				wf: jelouWorkflow({ id: `BenchJelouC${String(c).padStart(5, '0')}`, n, credential, projectId: sb.projectId, options: { concurrency: c } }),
				label: `Jelou, concurrency ${c}`,
				kind: 'jelou',
				concurrency: c,
				concurrencyText: String(c),
			});
		}
		plan.push({
			phase: 'latency',
			wf: httpRequestWorkflow({ id: 'BenchHttpDef0001', n, baseUrl: sb.baseUrl, apiKey: sb.apiKey, projectId: sb.projectId, typeVersion: httpVersion }),
			label: `HTTP Request v${httpVersion}, defaults`,
			kind: 'http',
			concurrency: n,
			concurrencyText: `all ${n} at once`,
		});
		plan.push({
			phase: 'latency',
			wf: httpRequestWorkflow({
				id: 'BenchHttpBat0001',
				n,
				baseUrl: sb.baseUrl,
				apiKey: sb.apiKey,
				projectId: sb.projectId,
				typeVersion: httpVersion,
				options: { batching: { batch: batch } },
			}),
			label: `HTTP Request v${httpVersion}, batching ${batch.batchSize} / ${batch.batchInterval} ms`,
			kind: 'http',
			concurrency: 10,
			concurrencyText: `≈10 (${batch.batchSize} every ${batch.batchInterval} ms)`,
		});
		plan.push({
			phase: 'throttle',
			wf: jelouWorkflow({ id: 'BenchJelouThr001', n: throttleN, credential, projectId: sb.projectId }),
			label: 'Jelou, defaults',
			kind: 'jelou',
		});
		plan.push({
			phase: 'throttle',
			wf: httpRequestWorkflow({ id: 'BenchHttpThr0001', n: throttleN, baseUrl: sb.baseUrl, apiKey: sb.apiKey, projectId: sb.projectId, typeVersion: httpVersion }),
			label: `HTTP Request v${httpVersion}, defaults`,
			kind: 'http',
		});

		say(`${rt.name}: importing the credential and ${plan.length} workflows`);
		await n8n.importCredentials([credential]);
		await n8n.importWorkflows(plan.map((p) => p.wf));

		for (const p of plan) {
			const items = p.phase === 'throttle' ? throttleN : n;
			if (p.phase === 'latency') await sb.configure({ latencyMs: latency, rateLimit: 0, errorRate: 0 });
			else await sb.configure({ latencyMs: latency, rateLimit: rate, errorRate: 0, retryAfterMode: 'seconds' });
			await sb.clear();
			const exec = await executeMeasured(n8n, p.wf.id, { timeoutMs: 300_000 });
			const stats = await sb.stats(items);
			const idealMs = p.phase === 'throttle' ? (items / rate) * 1000 : (items * latency) / p.concurrency;
			const row = makeRow({
				label: p.label,
				kind: p.kind,
				n: items,
				concurrencyText: p.concurrencyText,
				idealMs,
				exec,
				sandbox: stats,
			});
			row.line = rt.line;
			(p.phase === 'throttle' ? throttleRows : rows).push(row);
			say(
				`${rt.name} | ${p.phase === 'throttle' ? `throttled ${rate}/s` : `latency ${latency} ms`} | ${p.label}: ` +
					`node ${secs(row.nodeMs)} (ideal ${secs(idealMs)}, ×${row.ratio.toFixed(2)}), ${row.itemsPerSec.toFixed(0)} items/s, ` +
					`peak RSS ${row.peakRssMb.toFixed(0)} MB, failed ${row.failed}, ${row.requests} requests (${row.throttled}× 429), ` +
					`peak in flight ${row.peakInFlight}, most attempts for one item ${row.maxAttempts}, output ${row.outputOk ? 'OK' : 'NOT OK'} (${row.outputText}); ` +
					`n8n CLI ${secs(row.cliMs)}${row.warnings.length ? `; n8n printed ${row.warnings.join(' | ')}` : ''}`,
			);
		}
		return {
			line: rt.line,
			n8nVersion: rt.n8nVersion,
			nodeVersion: n8nNode,
			httpVersion,
			batch,
			rows,
			throttleRows,
		};
	} finally {
		await n8n.dispose();
	}
}

/**
 * Reference for the latency run, outside n8n: the same N GETs from a plain node:http keep-alive
 * loop at concurrency 10 (what a minimal client achieves against this sandbox on this machine).
 */
async function benchReference(args, sb) {
	await sb.configure({ latencyMs: args.latency, rateLimit: 0, errorRate: 0 });
	await sb.clear();
	const t0 = process.hrtime.bigint();
	const results = await plainLoop({ baseUrl: sb.baseUrl, apiKey: sb.apiKey, projectId: sb.projectId, n: args.n, concurrency: 10 });
	const nodeMs = Number(process.hrtime.bigint() - t0) / 1e6;
	const stats = await sb.stats(args.n);
	const ok = results.length === args.n && results.every((c, i) => c && c._id === `gen-${i}`);
	const idealMs = (args.n * args.latency) / 10;
	const row = {
		label: 'reference: plain `node:http` keep-alive loop, outside n8n',
		kind: 'reference',
		n: args.n,
		concurrencyText: '10',
		nodeMs,
		itemsPerSec: (args.n / nodeMs) * 1000,
		idealMs,
		ratio: nodeMs / idealMs,
		peakRssMb: NaN,
		failed: stats.failedIds,
		requests: stats.total,
		throttled: stats.byStatus['429'] || 0,
		peakInFlight: stats.peakInFlight,
		maxAttempts: stats.maxAttempts,
		warnings: [],
		outputOk: ok,
		outputText: ok ? `${args.n} items, ids in input order` : 'wrong results',
	};
	say(`reference plain node:http loop, concurrency 10: ${secs(nodeMs)} (ideal ${secs(idealMs)}, ×${row.ratio.toFixed(2)})`);
	return row;
}

async function benchCpu(args, sb) {
	await sb.configure({ latencyMs: 0, rateLimit: 0, errorRate: 0 });
	await sb.clear();
	const input = {
		baseUrl: sb.baseUrl,
		apiKey: sb.apiKey,
		projectId: sb.projectId,
		n: args.cpuN,
		concurrency: 10,
		rounds: args.cpuRounds,
		warmupN: Math.min(200, args.cpuN),
	};
	const r = await run(process.execPath, [path.join(__dirname, 'lib', 'cpu-child.js'), JSON.stringify(input)], {
		cwd: REPO_ROOT,
		timeoutMs: 300_000,
		name: 'bench cpu',
	});
	const last = r.stdout.trim().split('\n').pop() || '';
	let parsed;
	try {
		parsed = JSON.parse(last);
	} catch {
		throw new Error(`CPU test printed no result (exit ${r.code}):\n${(r.stdout + r.stderr).slice(-3000)}`);
	}
	if (!parsed.ok) throw new Error(`CPU test failed: ${parsed.error}`);
	const s = parsed.summary;
	say(
		`CPU at zero latency, concurrency 10, N=${parsed.n}: plain http ${s.plain.cpuUsPerItem.toFixed(0)} µs/item, ` +
			`n8n-core httpRequest ${s.core.cpuUsPerItem.toFixed(0)} µs/item, Jelou node ${s.jelou.cpuUsPerItem.toFixed(0)} µs/item ` +
			`(× ${(s.jelou.cpuUsPerItem / s.plain.cpuUsPerItem).toFixed(2)} of plain)`,
	);
	return parsed;
}

async function main() {
	let args;
	try {
		args = parseArgs(process.argv.slice(2));
	} catch (error) {
		process.stderr.write(`bench: ${error.message}\n\n${USAGE}`);
		process.exitCode = 2;
		return;
	}
	if (args.help) {
		process.stdout.write(USAGE);
		return;
	}
	if (args.refreshDoc) {
		report.refreshDoc(args.out);
		say(`rewrote the fixed text of ${path.relative(process.cwd(), args.out) || args.out}`);
		return;
	}
	installHooks({ uncaught: true });
	const t0 = Date.now();
	const command = report.commandLine(process.argv.slice(2));
	say(`${command}: N=${args.n}, latency ${args.latency} ms, throttling N=${args.throttleN} at ${args.rate}/s, n8n line(s) ${args.lines.join(', ')}`);

	if (args.build) await buildPackage({ print: say });
	const packDir = makeTempDir('n8n-jelou-bench-pack-');
	let sb;
	try {
		const tgz = await packPackage({ destDir: packDir, print: say });
		sb = await startSandboxProcess({ latencyMs: args.latency });
		say(`sandbox (pid ${sb.pid}) on ${sb.url}`);

		const loadBefore = os.loadavg();
		const reference = await benchReference(args, sb);
		const lines = [];
		for (const line of args.lines) lines.push(await benchLine(line, args, sb, tgz, reference));
		const cpu = await benchCpu(args, sb);

		const machine = { ...report.machineInfo(), loadBefore, loadAfter: os.loadavg() };
		const results = { args, command, machine, lines, cpu, totalMs: Date.now() - t0, date: new Date() };
		const text = report.renderResults(results);
		console.log('');
		console.log(text);
		if (args.write) {
			report.writeDoc(args.out, results);
			say(`wrote ${path.relative(process.cwd(), args.out) || args.out}`);
		}
		say(`done in ${secs(Date.now() - t0)}`);
	} finally {
		if (sb) await sb.close();
		fs.rmSync(packDir, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(`[bench] FAILED: ${error && error.stack ? error.stack : error}`);
	process.exitCode = 1;
});
