'use strict';
// docs/benchmarks.md and its two charts, from the results of `npm run bench`.
//
// The doc is regenerated on every run, except the hand-written notes between
// <!-- bench:notes:start/end -->, which are kept. Charts are written next to it as SVG files
// (docs/bench-n8n-<line>-throughput.svg and docs/bench-n8n-<line>-inflight.svg).

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { lineChart } = require('./svg');
const { SCENARIOS } = require('./scenarios');
const { pinPlan } = require('./cores');

function cpuModel() {
	try {
		const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
		if (m) return m[1].trim();
	} catch {
		/* not Linux */
	}
	return os.cpus()[0]?.model || 'unknown';
}

function machineInfo() {
	return {
		nproc:
			typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length,
		cpu: cpuModel(),
		memGiB: os.totalmem() / 2 ** 30,
		pinning: pinPlan().text,
		node: process.version,
		platform: `${os.type()} ${os.release()} ${os.arch()}`,
	};
}

function commandLine(argv) {
	return argv.length ? `npm run bench -- ${argv.join(' ')}` : 'npm run bench';
}

const f2 = (v) => (Number.isFinite(v) ? v.toFixed(2) : '–');
const f0 = (v) => (Number.isFinite(v) ? v.toFixed(0) : '–');
const s2 = (ms) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : '–');
const loads = (l) => (l ? l.map((v) => v.toFixed(2)).join(' / ') : '–');

function table(header, rows) {
	const out = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
	for (const r of rows) out.push(`| ${r.join(' | ')} |`);
	return out.join('\n');
}

function median(values) {
	const v = values.filter(Number.isFinite).sort((a, b) => a - b);
	if (v.length === 0) return NaN;
	return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
}

const min = (values) => Math.min(...values.filter(Number.isFinite));
const max = (values) => Math.max(...values.filter(Number.isFinite));

/** Median and spread of one run's repetitions. */
function summarize(run) {
	// A repetition whose n8n printed no run data measured nothing (not a failure of the node).
	const s = run.samples.filter((x) => Number.isFinite(x.nodeMs));
	const lost = run.samples.filter((x) => !Number.isFinite(x.nodeMs));
	const times = s.map((x) => x.nodeMs);
	return {
		...run,
		reps: s.length,
		lost: lost.length,
		lostText: lost[0]?.outputText?.split('\n')[0] || '',
		ms: median(times),
		minMs: min(times),
		maxMs: max(times),
		itemsPerSec: (run.n / median(times)) * 1000,
		ratio: median(times) / run.idealMs,
		failedMax: max(s.map((x) => x.failed)),
		requests: median(s.map((x) => x.requests)),
		throttled: median(s.map((x) => x.throttled)),
		peakInFlight: median(s.map((x) => x.peakInFlight)),
		p50: median(s.map((x) => x.latency?.p50)),
		p95: median(s.map((x) => x.latency?.p95)),
		// Measured at the server (arrival to last byte); runs saved before it existed have none.
		mp50: median(s.map((x) => x.latency?.measuredP50)),
		mp95: median(s.map((x) => x.latency?.measuredP95)),
		rss: median(s.map((x) => x.peakRssMb)),
		outputOk: s.length > 0 && s.every((x) => x.outputOk),
		outputText: s.find((x) => !x.outputOk)?.outputText || s[0]?.outputText || '',
		load: [min(s.map((x) => x.load1)), max(s.map((x) => x.load1))],
		series: s.find((x) => x.series)?.series,
	};
}

const verdict = (ok) => (ok === undefined ? '**NOT MEASURED**' : ok ? '**met**' : '**MISSED**');
const spread = (r) => `${s2(r.minMs)}–${s2(r.maxMs)}`;

/** The server's latency as the front measured it (median p50 / p95), or as it was set. */
const serverLatency = (r) =>
	Number.isFinite(r.mp95)
		? `server ${f0(r.mp50)} / ${f0(r.mp95)} ms (p50 / p95, measured)`
		: `server p95 ${f0(r.p95)} ms (set)`;

/** Issue 17's targets, measured: [{ name, ok, text }]. */
function targets(rows) {
	const by = (scenario, pred) => rows.find((r) => r.scenario === scenario && pred(r));
	const out = [];

	for (const scenario of ['latency', 'slow']) {
		const jl = by(scenario, (r) => r.kind === 'jelou' && r.target);
		const ht = by(scenario, (r) => r.kind === 'http' && r.target);
		if (!jl || !ht) continue;
		out.push({
			name: `1,000 Gets, ${jl.server.latencyMs} ms, no limit, both nodes at defaults: our time ≤ 1.0 × HTTP Request's`,
			ok: jl.ms <= ht.ms && jl.outputOk && jl.failedMax === 0,
			text: `Jelou ${s2(jl.ms)} s (${spread(jl)}), HTTP Request ${s2(ht.ms)} s (${spread(ht)}): × ${f2(jl.ms / ht.ms)}; Jelou peak in flight ${f0(jl.peakInFlight)}; ${serverLatency(jl)}`,
		});
	}
	for (const r of rows.filter((x) => x.scenario === 'throttled' && x.kind === 'jelou')) {
		const worst = r.maxMs / r.idealMs;
		out.push({
			name: `400 Gets at 20/s, ${r.throttle === 'instant' ? '429 at once' : '429 after the latency'}: 0 failed, ≤ 1.05 × N / rate in every run`,
			ok: r.failedMax === 0 && r.outputOk && worst <= 1.05,
			text: `failed ${r.failedMax} (worst run); ${s2(r.ms)} s median, ${spread(r)} s: × ${f2(r.ratio)} median, × ${f2(worst)} worst; ${f0(r.throttled)} × 429`,
		});
	}
	const r100 = by('rate100', (r) => r.kind === 'jelou');
	if (r100 && r100.reps === 0) {
		out.push({
			name: '5,000 Gets at 100/s: 0 failed, ≤ 1.10 × N / rate',
			ok: undefined,
			text: `no repetition measured: ${r100.lostText}`,
		});
	} else if (r100) {
		out.push({
			name: '5,000 Gets at 100/s: 0 failed, ≤ 1.10 × N / rate',
			ok: r100.failedMax === 0 && r100.outputOk && r100.ratio <= 1.1,
			text: `failed ${r100.failedMax}; ${s2(r100.ms)} s (${spread(r100)}) vs ${s2(r100.idealMs)} s: × ${f2(r100.ratio)} median, × ${f2(r100.maxMs / r100.idealMs)} worst`,
		});
	}
	const la = by('load', (r) => r.target);
	if (la) {
		const unloaded = 22; // 20 ms + 2 ms × 1 request in flight
		const fixed = rows.filter((r) => r.scenario === 'load' && !r.target);
		// The latency the server measured where there is one (it includes its own delays).
		const p95 = (r) => (Number.isFinite(r.mp95) ? r.mp95 : r.p95);
		const eligible = fixed.filter((r) => p95(r) < 2 * unloaded && r.outputOk);
		const best = eligible.sort((a, b) => a.ms - b.ms)[0];
		const ok =
			p95(la) < 2 * unloaded && la.outputOk && best !== undefined && la.ms <= 1.15 * best.ms;
		out.push({
			name: 'Latency grows with load (20 ms + 2 ms per request in flight): server latency p95 < 2 × unloaded (44 ms), time ≤ 1.15 × the fastest fixed Concurrency that also stays under it',
			ok,
			text:
				`adaptive: ${serverLatency(la)}, ${s2(la.ms)} s (${spread(la)}); ` +
				(best
					? `fastest fixed under 44 ms: Concurrency ${best.x}, ${s2(best.ms)} s (p95 ${f0(p95(best))} ms): × ${f2(la.ms / best.ms)}`
					: 'no fixed Concurrency of the sweep stayed under 44 ms'),
		});
	}
	const zj = rows
		.filter((r) => r.scenario === 'zero' && r.kind === 'jelou' && r.reps > 0)
		.sort((a, b) => a.n - b.n);
	const zh = rows
		.filter((r) => r.scenario === 'zero' && r.kind === 'http' && r.reps > 0)
		.sort((a, b) => a.n - b.n);
	if (zj.length >= 2 && zh.length >= 1) {
		const small = zj[0];
		const big = zj[zj.length - 1];
		const perItem = (r) => r.ms / r.n;
		const growth = perItem(big) / perItem(small);
		const hBig = zh[zh.length - 1];
		const mem = big.rss / hBig.rss;
		out.push({
			name: `${big.n.toLocaleString('en-US')} Gets at 0 ms: time linear in N, peak memory ≤ 1.1 × HTTP Request's`,
			ok: growth <= 1.25 && mem <= 1.1 && big.outputOk,
			text: `time per item ${f2(perItem(small))} ms at N = ${small.n}, ${f2(perItem(big))} ms at N = ${big.n} (× ${f2(growth)}); peak RSS ${f0(big.rss)} MB vs HTTP Request ${f0(hBig.rss)} MB (× ${f2(mem)})`,
		});
	}
	return out;
}

function scenarioTable(rows) {
	return table(
		[
			'run',
			'N',
			'node time (s), median',
			'spread (s)',
			'items/s',
			'ideal (s)',
			'× ideal',
			'failed (worst)',
			'requests',
			'429s',
			'peak in flight',
			'server latency p50 / p95 (ms): set',
			'measured at the server',
			'peak RSS (MB)',
			'output',
			'load (1 min)',
		],
		rows.map((r) => [
			r.label,
			String(r.n),
			s2(r.ms),
			spread(r),
			f0(r.itemsPerSec),
			s2(r.idealMs),
			f2(r.ratio),
			String(r.failedMax),
			f0(r.requests),
			f0(r.throttled),
			f0(r.peakInFlight),
			`${f0(r.p50)} / ${f0(r.p95)}`,
			`${f0(r.mp50)} / ${f0(r.mp95)}`,
			f0(r.rss),
			(r.reps === 0
				? 'not measured'
				: r.outputOk
					? 'OK'
					: `**NOT OK**: ${r.outputText.slice(0, 160)}`) +
				(r.lost ? ` (${r.lost} repetition(s) lost: n8n printed no run data)` : ''),
			`${f2(r.load[0])}–${f2(r.load[1])}`,
		]),
	);
}

function throughputChart(lr, rows) {
	const lat = rows.filter((r) => r.scenario === 'latency');
	const fixedJ = lat.filter((r) => r.kind === 'jelou' && r.x).sort((a, b) => a.x - b.x);
	const fixedH = lat.filter((r) => r.kind === 'http' && r.x).sort((a, b) => a.x - b.x);
	const adaptive = lat.find((r) => r.kind === 'jelou' && r.target);
	const httpDef = lat.find((r) => r.kind === 'http' && r.target);
	if (fixedJ.length === 0) return undefined;
	return lineChart({
		title: `Items/s against Concurrency, 50 ms latency (n8n ${lr.n8nVersion}, median of ${fixedJ[0].reps})`,
		xLabel: 'Concurrency (Jelou) / batch size per 50 ms (HTTP Request)',
		yLabel: 'items/s',
		series: [
			{
				name: 'Jelou, fixed Concurrency',
				points: fixedJ.map((r) => [r.x, r.itemsPerSec]),
				markers: true,
			},
			{
				name: 'HTTP Request, batching x items per 50 ms',
				points: fixedH.map((r) => [r.x, r.itemsPerSec]),
				markers: true,
				dashed: true,
			},
		],
		hlines: [
			...(adaptive
				? [
						{
							y: adaptive.itemsPerSec,
							name: `Jelou, defaults (adaptive): ${f0(adaptive.itemsPerSec)} items/s`,
						},
					]
				: []),
			...(httpDef
				? [
						{
							y: httpDef.itemsPerSec,
							name: `HTTP Request, defaults (all at once): ${f0(httpDef.itemsPerSec)} items/s`,
						},
					]
				: []),
		],
	});
}

/** Seconds since the first request of the run (n8n's start-up before it is cut off). */
function rebase(series) {
	const first = series.find(([, v]) => v > 0);
	const t0 = first ? first[0] : 0;
	return series.filter(([t]) => t >= t0).map(([t, v]) => [(t - t0) / 1000, v]);
}

function inflightChart(lr, rows) {
	const series = rows
		.filter((r) => r.series && r.kind === 'jelou')
		.map((r) => ({
			name: `${SCENARIOS[r.scenario].split(',')[0]}: ${r.label}`,
			points: rebase(r.series),
			step: true,
		}));
	if (series.length === 0) return undefined;
	return lineChart({
		title: `Requests in flight at the server, Jelou at defaults (adaptive), n8n ${lr.n8nVersion}, first repetition`,
		xLabel: 'seconds since the first request',
		yLabel: 'requests in flight',
		series,
	});
}

/**
 * @param {any} lr  one n8n line's results
 * @param {{ chartDir?: string }} [opts]
 */
function renderLine(lr, { chartDir } = {}) {
	const rows = lr.runs.map(summarize);
	const out = [];
	out.push(`### n8n ${lr.n8nVersion} (Node ${lr.nodeVersion})`);
	out.push('');
	out.push(
		`${rows[0]?.reps ?? 0} repetitions of every run, interleaved; ${Math.round(lr.ms / 60000)} min; load average (1/5/15 min) ${loads(lr.loadBefore)} at the start → ${loads(lr.loadAfter)} at the end.`,
	);
	out.push('');
	out.push('**Targets (issue 17)**');
	out.push('');
	out.push(
		table(
			['target', 'result', 'measured'],
			targets(rows).map((t) => [t.name, verdict(t.ok), t.text]),
		),
	);
	for (const [key, title] of Object.entries(SCENARIOS)) {
		const sr = rows.filter((r) => r.scenario === key);
		if (sr.length === 0) continue;
		out.push('');
		out.push(`**${title}**`);
		out.push('');
		out.push(scenarioTable(sr));
	}
	if (chartDir) {
		const t = throughputChart(lr, rows);
		const f = inflightChart(lr, rows);
		for (const [name, svg, alt] of [
			[`bench-n8n-${lr.line}-throughput.svg`, t, 'Items/s against Concurrency'],
			[`bench-n8n-${lr.line}-inflight.svg`, f, 'Requests in flight over time'],
		]) {
			if (!svg) continue;
			fs.writeFileSync(path.join(chartDir, name), svg);
			out.push('');
			out.push(`![${alt}, n8n ${lr.n8nVersion}](${name})`);
		}
	}
	return out.join('\n');
}

function renderCpu(cpu) {
	if (!cpu) return '';
	const s = cpu.summary;
	const plain = s.plain.cpuUsPerItem;
	const names = {
		plain: 'plain `node:http`, keep-alive agent',
		plainNew: 'plain `node:http`, new connection per request',
		core: 'n8n-core `httpRequest` (+ credential `authenticate`), no node',
		jelou: 'Jelou node `execute()` (dist/), Concurrency 10, fake context',
		jelouAdaptive: 'Jelou node `execute()` (dist/), defaults (adaptive), fake context',
	};
	return [
		`**CPU per request at zero latency**: N = ${cpu.n}, concurrency 10, one process on Node ${cpu.node} (n8n-core ${cpu.n8nCore} from the devDependencies), server in another process; median of ${cpu.rounds} rounds after a warm-up.`,
		'',
		table(
			['loop', 'CPU µs / item', 'wall (ms)', 'items/s', '× plain keep-alive (CPU)'],
			Object.entries(s).map(([mode, v]) => [
				names[mode] || mode,
				f0(v.cpuUsPerItem),
				f0(v.wallMs),
				f0(v.itemsPerSec),
				f2(v.cpuUsPerItem / plain),
			]),
		),
	].join('\n');
}

function renderResults(results, options = {}) {
	const m = results.machine;
	const out = [];
	out.push(
		table(
			['machine', 'value'],
			[
				['command', `\`${results.command}\``],
				['date', results.date.toISOString().replace('T', ' ').slice(0, 19) + ' UTC'],
				['`nproc`', String(m.nproc)],
				['CPU', m.cpu],
				['memory', `${Math.round(m.memGiB)} GiB`],
				['bench, server and CPU test', `Node ${m.node}`],
				['OS', m.platform],
				['cores', m.pinning || 'not pinned'],
				[
					'load average (1/5/15 min), start → end',
					`${loads(results.loadStart)} → ${loads(results.loadEnd)}`,
				],
			],
		),
	);
	if (results.reference) {
		out.push('');
		out.push(
			table(
				['reference outside n8n (Concurrency 10, 50 ms)', 'time (s)', '× ideal'],
				results.reference.map((r) => [
					`plain \`node:http\`, ${r.keepAlive ? 'keep-alive' : 'new connection per request'}`,
					s2(r.ms),
					f2(r.ms / r.idealMs),
				]),
			),
		);
	}
	for (const lr of results.lines) {
		out.push('');
		out.push(renderLine(lr, options));
	}
	if (results.cpu) {
		out.push('');
		out.push(renderCpu(results.cpu));
	}
	return out.join('\n');
}

const NOTES_START = '<!-- bench:notes:start -->';
const NOTES_END = '<!-- bench:notes:end -->';
const RESULTS_START = '<!-- bench:results:start -->';
const RESULTS_END = '<!-- bench:results:end -->';

function between(text, start, end) {
	const a = text.indexOf(start);
	const b = text.indexOf(end);
	return a !== -1 && b > a ? text.slice(a + start.length, b).trim() : undefined;
}

function docTemplate({ notes, results }) {
	return `# Benchmarks

How fast the Jelou node works through thousands of items in a real n8n, what it costs in memory
and CPU, and how it behaves when Jelou throttles or slows down under load, side by side with
n8n's own HTTP Request node doing the same GET. Everything runs on one machine against the local
Jelou sandbox on 127.0.0.1; nothing leaves the machine. The numbers below are what the last run
printed; they are measured, not asserted, and a missed target is marked **MISSED**.

## Reproduce

\`\`\`sh
npm run bench                          # both n8n lines, every scenario, 3 repetitions (about 40 min per line on 2 busy cores)
npm run bench -- --n8n 1 --reps 1      # one quick pass in n8n 1.x
npm run bench -- --only throttled,load # some scenarios only
\`\`\`

The bench builds the package, packs it with \`npm pack\` and installs the tarball into a fresh n8n
user folder, the way users get it. It uses the pinned runtimes of the e2e harness
(\`tools/runtime/n8n-1\`: n8n 1.123.x on Node 20; \`tools/runtime/n8n-2\`: n8n 2.x on Node 24). Every
workflow is Manual Trigger → Code node (N items \`{ conversationId: "gen-<i>" }\`) → the node under
test, run with \`n8n execute\`, a new process per run. Every run is repeated (default 3 times),
the repetitions interleaved so that all rows share the machine's changing load; the tables show
the median, the spread (fastest–slowest) and the 1-minute load average at the start of the runs.
Charts are drawn by the bench itself (\`tools/bench/lib/svg.js\`) next to this file.

The server is a small front (\`tools/bench/lib/front.js\`) in its own process, pinned to its own
core with \`taskset\` where the machine has two cores or more (n8n may use any core). It
answers the bench's Gets itself, with the sandbox's own generated conversations, and forwards
anything else to the sandbox. It shapes the server: a fixed latency, or a latency that grows with
the requests in flight (20 ms + 2 ms per request), and a sliding one-second rate limit answered
with 429 + \`Retry-After: 1\`, either at once or after the latency. It counts the requests in
flight, and records for each request the latency it set and the latency it measured (arrival to
the last byte written), so the tables show that the server stayed at the set value.

## Scenarios and targets (issue 17)

| scenario | target |
|---|---|
| 1,000 Gets at 50 ms and at 200 ms, no limit, both nodes at defaults | our time ≤ 1.0 × HTTP Request's |
| 400 Gets, 20 requests/s (429 + Retry-After: 1), the 429 sent at once and after 50 ms | 0 failed, ≤ 1.05 × N / rate in every run; HTTP Request at defaults and with batching at the exact limit (plus its Retry On Fail) for contrast |
| 5,000 Gets, 100 requests/s | 0 failed, ≤ 1.10 × N / rate |
| latency 20 ms + 2 ms per request in flight | server latency (p95, measured at the server) under 2 × its unloaded 22 ms, and time within 1.15 × the fastest fixed Concurrency that also stays under it (sweep) |
| 1,000 and 10,000 Gets at 0 ms | time linear in N (time per item at 10,000 within 1.25 × that at 1,000), peak memory within 1.1 × HTTP Request's |

Columns: **node time** is the node's own \`executionTime\` from the run data (n8n's start-up and
the Code node are not in it); **ideal** is the physical limit (one latency for "all at once",
N × latency / concurrency, N / rate); **failed** counts items for which the server never
answered 200, worst repetition; **peak in flight** is the most requests the server was
answering at once; **server latency** is what the front set for the successful requests and
what it measured for them;
**peak RSS** is the \`VmHWM\` of the \`n8n execute\` process (mostly n8n itself).

## Notes

${NOTES_START}
${notes || '_Written by hand after a run; the generator keeps this section._'}
${NOTES_END}

## Results

${RESULTS_START}
${results}
${RESULTS_END}
`;
}

function writeDoc(file, results) {
	const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
	const notes = between(old, NOTES_START, NOTES_END);
	const body = renderResults(results, { chartDir: path.dirname(file) });
	fs.writeFileSync(file, docTemplate({ notes, results: body }));
}

module.exports = {
	machineInfo,
	commandLine,
	renderResults,
	renderCpu,
	writeDoc,
	targets,
	summarize,
};
