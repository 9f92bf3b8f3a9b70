#!/usr/bin/env node
'use strict';
// `npm run bench`: throughput, memory and CPU of the Jelou node in a real n8n, against the local
// Jelou sandbox on 127.0.0.1, compared with n8n's own HTTP Request node and with a plain
// node:http loop. Prints Markdown tables and writes docs/benchmarks.md. See --help.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { getRuntime, isInstalled, REPO_ROOT } = require('../harness/runtime');
const { N8nInstance, buildPackage, packPackage, makeTempDir } = require('../harness/n8n');
const wf = require('../harness/workflows');
const { installHooks, run } = require('../harness/procs');
const { parseArgs, number, list } = require('../harness/args');
const { secs: secondsText } = require('../harness/stages');

const { startSandboxProcess } = require('./lib/sandbox-client');
const { executeMeasured } = require('./lib/n8n-exec');
const { httpRequestTypeVersion } = require('./lib/workflows');
const { makeRow } = require('./lib/measure');
const { plainLoop } = require('./lib/plain-loop');
const { plan } = require('./lib/scenarios');
const report = require('./lib/report');

const USAGE = `Usage: npm run bench -- [options]   (or: node tools/bench/run.js [options])

  --n8n <1|2|1,2>        which pinned n8n runtime(s) to run in (default 1,2)
  --reps <k[,k2]>        repetitions of every run, median and spread reported (default 3);
                         a list gives each n8n line of --n8n its own count
  --only <list>          scenarios to run: latency,slow,throttled,rate100,load,zero (default all)
  --n <items>            items in the latency run (default 1000)
  --latency <ms>         server latency in the latency and throttled runs (default 50)
  --slow-latency <ms>    server latency in the slow run (default 200)
  --rate <req/s>         limit in the throttled run (default 20)
  --throttle-n <items>   items in the throttled run (default 400)
  --rate100-n <items>    items in the 100 requests/s run (default 5000)
  --load-n <items>       items in the load-sensitive run (default 1000)
  --load-sweep <list>    fixed Concurrency values swept against the load-sensitive server (default 6,8,10,11,12)
  --zero-n <list>        item counts at zero latency (default 1000,10000)
  --concurrency <list>   fixed Concurrency / batch sizes in the latency run (default 10,25,50)
  --cpu-n <items>        items per CPU-overhead round (default 1000)
  --cpu-rounds <k>       measured rounds of the CPU test (default 5; 0 skips it)
  --no-build             use dist/ as it is (default: npm run build first)
  --no-write             do not update docs/benchmarks.md
  --out <file>           write the report there instead of docs/benchmarks.md
  --cpu-prof <dir>       write a V8 CPU profile of every n8n execution into <dir>
                         (summarise one with: node tools/bench/lib/profile-summary.js <file>)
  --render <json>        only rewrite the report (and charts) from a saved run
                         (the bench saves every run to $TMPDIR/n8n-jelou-bench-last-run.json)
  --help
`;

const positive = number(1, 100_000, { integer: true });
const OPTIONS = {
	'--n': { key: 'n', parse: positive },
	'--latency': { key: 'latency', parse: number(0, 10_000) },
	'--slow-latency': { key: 'slowLatency', parse: number(0, 10_000) },
	'--rate': { key: 'rate', parse: positive },
	'--throttle-n': { key: 'throttleN', parse: positive },
	'--rate100-n': { key: 'rate100N', parse: positive },
	'--load-n': { key: 'loadN', parse: positive },
	'--load-sweep': { key: 'loadSweep', parse: list(number(1, 200, { integer: true })) },
	'--zero-n': { key: 'zeroN', parse: list(positive) },
	'--concurrency': { key: 'concurrency', parse: list(number(1, 200, { integer: true })) },
	'--reps': { key: 'repsList', parse: list(number(1, 9, { integer: true })) },
	'--only': { key: 'only', repeat: true, parse: list() },
	'--cpu-n': { key: 'cpuN', parse: positive },
	'--cpu-rounds': { key: 'cpuRounds', parse: number(0, 10, { integer: true }) },
	'--n8n': { key: 'lines', repeat: true, parse: list() },
	'--no-build': { key: 'build', flag: true, value: false },
	'--no-write': { key: 'write', flag: true, value: false },
	'--out': { key: 'out', parse: (/** @type {string} */ v) => path.resolve(v) },
	'--cpu-prof': { key: 'cpuProf', parse: (/** @type {string} */ v) => path.resolve(v) },
	'--render': { key: 'render', parse: (/** @type {string} */ v) => path.resolve(v) },
};

/** @param {readonly string[]} argv */
function parseBenchArgs(argv) {
	const out = parseArgs(argv, {
		options: OPTIONS,
		defaults: {
			n: 1000,
			latency: 50,
			slowLatency: 200,
			rate: 20,
			throttleN: 400,
			rate100N: 5000,
			loadN: 1000,
			loadSweep: [6, 8, 10, 11, 12],
			zeroN: [1000, 10000],
			concurrency: [10, 25, 50],
			repsList: [3],
			only: [],
			cpuN: 1000,
			cpuRounds: 5,
			lines: [],
			build: true,
			write: true,
			out: path.join(REPO_ROOT, 'docs', 'benchmarks.md'),
		},
	});
	if (out.lines.length === 0) out.lines = ['1', '2'];
	out.lines = [...new Set(out.lines.map((/** @type {string} */ l) => getRuntime(l).line))];
	/** @param {number} line */
	out.repsFor = (line) => out.repsList[Math.min(out.lines.indexOf(line), out.repsList.length - 1)];
	return out;
}

const say = (s) => console.log(`[bench] ${new Date().toISOString().slice(11, 19)} ${s}`);
/** @param {number} ms */
const secs = (ms) => secondsText(ms, 2);

/** The whole n8n part for one pinned runtime: every run of the plan, `reps` times, interleaved. */
async function benchLine(line, args, sb, tgz) {
	const rt = getRuntime(line);
	if (!isInstalled(line))
		throw new Error(`${rt.name} is not installed (npm run test:e2e installs it)`);
	const n8nNode = rt.usesBundledNode ? `v${rt.nodeVersion}` : process.version;
	const n8n = new N8nInstance(line);
	const started = Date.now();
	const loadBefore = os.loadavg();
	try {
		say(
			`${rt.name} (Node ${n8nNode}): installing the packed package into ${n8n.userFolder}/.n8n/nodes`,
		);
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
		const runs = plan({ args, credential, sb, httpVersion });
		const reps = args.repsFor(rt.line);
		say(
			`${rt.name}: importing the credential and ${runs.length} workflows; ${runs.length * reps} executions`,
		);
		await n8n.importCredentials([credential]);
		await n8n.importWorkflows(runs.map((r) => r.wf));

		const samples = new Map(runs.map((r) => [r.id, []]));
		for (let rep = 1; rep <= reps; rep++) {
			// Interleaved: every row sees the same share of the machine's changing load.
			for (const r of runs) {
				await sb.configure(r.server);
				await sb.clear();
				const load1 = os.loadavg()[0];
				/** @type {Record<string, any>} */
				let row;
				try {
					const nodeArgs = args.cpuProf
						? [
								'--cpu-prof',
								`--cpu-prof-dir=${args.cpuProf}`,
								`--cpu-prof-name=n8n${rt.line}-${r.id}-${rep}.cpuprofile`,
							]
						: [];
					const exec = await executeMeasured(n8n, r.id, { timeoutMs: 600_000, nodeArgs });
					const stats = await sb.stats(r.n);
					row = makeRow({
						label: r.label,
						kind: r.kind,
						n: r.n,
						idealMs: r.idealMs,
						exec,
						sandbox: stats,
					});
					row.latency = stats.latency;
					if (r.series) row.series = await sb.series(1500);
				} catch (error) {
					row = {
						label: r.label,
						kind: r.kind,
						n: r.n,
						nodeMs: NaN,
						failed: r.n,
						outputOk: false,
						outputText: String(error.message || error).slice(0, 300),
						latency: {},
					};
				}
				row.rep = rep;
				row.load1 = load1;
				samples.get(r.id).push(row);
				say(
					`${rt.name} rep ${rep} | ${r.scenario} | ${r.label}: node ${secs(row.nodeMs)}` +
						(Number.isFinite(r.idealMs)
							? ` (×${(row.nodeMs / r.idealMs).toFixed(2)} of ideal)`
							: '') +
						`, failed ${row.failed}, ${row.requests ?? '?'} requests (${row.throttled ?? '?'}× 429), peak in flight ${row.peakInFlight ?? '?'}` +
						`, server latency set p50/p95 ${row.latency.p50 ?? '?'}/${row.latency.p95 ?? '?'} ms, measured ${row.latency.measuredP50 ?? '?'}/${row.latency.measuredP95 ?? '?'} ms, peak RSS ${Number(row.peakRssMb).toFixed(0)} MB` +
						`, output ${row.outputOk ? 'OK' : `NOT OK (${row.outputText})`}; load ${load1.toFixed(2)}`,
				);
			}
		}
		return {
			line: rt.line,
			name: rt.name,
			n8nVersion: rt.n8nVersion,
			nodeVersion: n8nNode,
			httpVersion,
			runs: runs.map(({ wf: _wf, ...r }) => ({ ...r, samples: samples.get(r.id) })),
			loadBefore,
			loadAfter: os.loadavg(),
			ms: Date.now() - started,
		};
	} finally {
		await n8n.dispose();
	}
}

/**
 * Reference, outside n8n: the same GETs from a plain node:http loop at Concurrency 10, with a
 * keep-alive agent and with a new connection per request (what a minimal client achieves
 * against this server on this machine).
 */
async function benchReference(args, sb) {
	const out = [];
	for (const keepAlive of [true, false]) {
		await sb.configure({ latencyMs: args.latency, perInFlightMs: 0, rateLimit: 0 });
		await sb.clear();
		const t0 = process.hrtime.bigint();
		const results = await plainLoop({
			baseUrl: sb.baseUrl,
			apiKey: sb.apiKey,
			projectId: sb.projectId,
			n: args.n,
			concurrency: 10,
			keepAlive,
		});
		const ms = Number(process.hrtime.bigint() - t0) / 1e6;
		const ok = results.length === args.n && results.every((c, i) => c && c._id === `gen-${i}`);
		const idealMs = (args.n * args.latency) / 10;
		out.push({ keepAlive, ms, idealMs, ok });
		say(
			`reference plain node:http loop, Concurrency 10, ${keepAlive ? 'keep-alive' : 'new connection per request'}: ${secs(ms)} (×${(ms / idealMs).toFixed(2)} of ideal)`,
		);
	}
	return out;
}

async function benchCpu(args, sb) {
	await sb.configure({ latencyMs: 0, perInFlightMs: 0, rateLimit: 0 });
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
	const r = await run(
		process.execPath,
		[path.join(__dirname, 'lib', 'cpu-child.js'), JSON.stringify(input)],
		{
			cwd: REPO_ROOT,
			timeoutMs: 300_000,
			name: 'bench cpu',
		},
	);
	const last = r.stdout.trim().split('\n').pop() || '';
	let parsed;
	try {
		parsed = JSON.parse(last);
	} catch {
		throw new Error(
			`CPU test printed no result (exit ${r.code}):\n${(r.stdout + r.stderr).slice(-3000)}`,
		);
	}
	if (!parsed.ok) throw new Error(`CPU test failed: ${parsed.error}`);
	const s = parsed.summary;
	say(
		`CPU at zero latency, concurrency 10, N=${parsed.n}: ` +
			Object.entries(s)
				.map(([mode, v]) => `${mode} ${v.cpuUsPerItem.toFixed(0)} µs/item`)
				.join(', '),
	);
	return parsed;
}

async function main() {
	let args;
	try {
		args = parseBenchArgs(process.argv.slice(2));
	} catch (error) {
		process.stderr.write(`bench: ${error.message}\n\n${USAGE}`);
		process.exitCode = 2;
		return;
	}
	if (args.help) {
		process.stdout.write(USAGE);
		return;
	}
	if (args.render) {
		const saved = JSON.parse(fs.readFileSync(args.render, 'utf8'));
		saved.date = new Date(saved.date);
		report.writeDoc(args.out, saved);
		say(`rewrote ${path.relative(process.cwd(), args.out) || args.out} from ${args.render}`);
		return;
	}
	installHooks({ uncaught: true });
	const t0 = Date.now();
	const command = report.commandLine(process.argv.slice(2));
	say(`${command}: n8n line(s) ${args.lines.join(', ')}, ${args.repsList.join(', ')} repetitions`);

	if (args.build) await buildPackage({ print: say });
	const packDir = makeTempDir('n8n-jelou-bench-pack-');
	let sb;
	const results = { args, command, machine: report.machineInfo(), lines: [], date: new Date() };
	const save = () => {
		results.totalMs = Date.now() - t0;
		results.loadEnd = os.loadavg();
		if (args.write) {
			report.writeDoc(args.out, results);
			say(`wrote ${path.relative(process.cwd(), args.out) || args.out}`);
		}
		// Every sample, for a closer look (not committed).
		fs.writeFileSync(
			path.join(os.tmpdir(), 'n8n-jelou-bench-last-run.json'),
			JSON.stringify(results),
		);
	};
	try {
		const tgz = await packPackage({ destDir: packDir, print: say });
		sb = await startSandboxProcess({ front: true });
		say(`sandbox (pid ${sb.pid}) behind the bench front on ${sb.url}`);
		results.loadStart = os.loadavg();
		results.reference = await benchReference(args, sb);
		if (args.cpuRounds > 0) results.cpu = await benchCpu(args, sb);
		for (const line of args.lines) {
			results.lines.push(await benchLine(line, args, sb, tgz));
			// Written after every line, so a long run that is stopped keeps what it measured.
			save();
		}
		console.log('');
		console.log(report.renderResults(results));
		save();
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
