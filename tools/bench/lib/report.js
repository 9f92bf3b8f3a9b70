'use strict';
// Markdown tables for the console and docs/benchmarks.md.
//
// docs/benchmarks.md is regenerated on every run, except: the results of n8n lines that were not
// run this time (each line's results sit between <!-- bench:n8n-<line>:start/end --> markers) and
// the hand-written notes between <!-- bench:notes:start/end --> are kept as they are.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

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
		nproc: typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length,
		cpu: cpuModel(),
		memGiB: os.totalmem() / 2 ** 30,
		node: process.version,
		platform: `${os.type()} ${os.release()} ${os.arch()}`,
	};
}

function commandLine(argv) {
	return argv.length ? `npm run bench -- ${argv.join(' ')}` : 'npm run bench';
}

const f1 = (v) => (Number.isFinite(v) ? v.toFixed(1) : '–');
const f2 = (v) => (Number.isFinite(v) ? v.toFixed(2) : '–');
const f0 = (v) => (Number.isFinite(v) ? v.toFixed(0) : '–');
const s2 = (ms) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : '–');

function table(header, rows) {
	const out = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
	for (const r of rows) out.push(`| ${r.join(' | ')} |`);
	return out.join('\n');
}

function verdict(ok) {
	return ok ? '**met**' : '**MISSED**';
}

/** The targets, measured: [{ name, ok, text }]. */
function targets(lineResult, args) {
	const def = lineResult.rows.find((r) => r.label === 'Jelou, defaults');
	const httpDef = lineResult.rows.find((r) => r.kind === 'http' && /defaults/.test(r.label));
	const httpBatch = lineResult.rows.find((r) => r.kind === 'http' && /batching/.test(r.label));
	const thr = lineResult.throttleRows.find((r) => r.kind === 'jelou');
	const out = [];
	if (def) {
		const ok = def.ratio <= 1.15 && def.failed === 0 && def.outputOk;
		out.push({
			name: 'Defaults within 1.15 × of N × latency / concurrency',
			ok,
			text: `${s2(def.nodeMs)} s for ${def.n} items vs ${s2(def.idealMs)} s ideal: × ${f2(def.ratio)}`,
		});
	}
	if (def && httpDef) {
		const ok = def.nodeMs <= httpDef.nodeMs;
		let text = `Jelou at defaults ${s2(def.nodeMs)} s vs HTTP Request at defaults ${s2(httpDef.nodeMs)} s (× ${f2(def.nodeMs / httpDef.nodeMs)})`;
		if (httpBatch) {
			text += `; at equal concurrency (HTTP Request batching ${lineResult.batch.batchSize} per ${lineResult.batch.batchInterval} ms): ${s2(httpBatch.nodeMs)} s, Jelou × ${f2(def.nodeMs / httpBatch.nodeMs)}`;
		}
		const fastest = lineResult.rows
			.filter((r) => r.kind === 'jelou' && r.outputOk)
			.reduce((a, b) => (a && a.nodeMs <= b.nodeMs ? a : b), undefined);
		if (fastest) text += `; fastest Jelou row: ${fastest.label} ${s2(fastest.nodeMs)} s`;
		out.push({ name: 'No slower than the HTTP Request node (defaults, same run)', ok, text });
	}
	if (thr) {
		const ok = thr.failed === 0 && thr.outputOk && thr.ratio <= 1.25;
		out.push({
			name: `Throttled (${args.rate}/s): 0 failed items, within 1.25 × of N / rate`,
			ok,
			text: `${thr.failed} failed, ${s2(thr.nodeMs)} s for ${thr.n} items vs ${s2(thr.idealMs)} s ideal: × ${f2(thr.ratio)}`,
		});
	}
	return out;
}

function renderLine(lr, results) {
	const { args, machine, date } = results;
	const parts = [];
	parts.push(`### n8n ${lr.n8nVersion} (Node ${lr.nodeVersion})`);
	parts.push('');
	parts.push(
		table(
			['machine', 'value'],
			[
				['command', `\`${results.command}\``],
				['date', date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')],
				['`nproc`', String(machine.nproc)],
				['CPU (/proc/cpuinfo)', machine.cpu],
				['memory', `${f0(machine.memGiB)} GiB`],
				['n8n', `${lr.n8nVersion} on Node ${lr.nodeVersion}`],
				['benchmark, sandbox and CPU test', `Node ${machine.node}`],
				['OS', machine.platform],
				[
					'load average (1/5/15 min) at start → end',
					`${(machine.loadBefore || []).map((v) => v.toFixed(2)).join(' / ')} → ${(machine.loadAfter || []).map((v) => v.toFixed(2)).join(' / ')}`,
				],
			],
		),
	);
	parts.push('');
	parts.push(`**1. Latency run**: sandbox latency ${args.latency} ms, no rate limit, N = ${args.n}.`);
	parts.push('');
	parts.push(
		table(
			['run', 'concurrency', 'node time (s)', 'items/s', 'ideal N×lat/conc (s)', '× ideal', 'peak RSS (MB)', 'failed', 'requests', 'peak in flight', 'output'],
			lr.rows.map((r) => [
				r.label,
				r.concurrencyText,
				s2(r.nodeMs),
				f0(r.itemsPerSec),
				s2(r.idealMs),
				f2(r.ratio),
				f0(r.peakRssMb),
				String(r.failed),
				String(r.requests),
				String(r.peakInFlight),
				r.outputOk ? 'OK' : `**NOT OK**: ${r.outputText}`,
			]),
		),
	);
	const warned = lr.rows.concat(lr.throttleRows).filter((r) => r.warnings && r.warnings.length);
	if (warned.length) {
		parts.push('');
		parts.push(`n8n printed process warnings in: ${warned.map((r) => `${r.label} (${r.warnings.join('; ')})`).join(', ')}.`);
	}
	parts.push('');
	parts.push(
		`HTTP Request v${lr.httpVersion} at its defaults has no concurrency limit: it starts one request per input item in a loop ` +
			'without awaiting any of them and then waits for all (`Promise.allSettled`), so all N requests are started at once ' +
			'(the "peak in flight" column shows how many the sandbox saw at the same moment). Its Batching option (default when added: 50 items per 1000 ms) ' +
			'only sleeps between batches; it never waits for answers, so it limits the request rate, not the number in flight. ' +
			`The batching row uses ${lr.batch.batchSize} items every ${lr.batch.batchInterval} ms (= the latency), the same ` +
			'throughput limit as our default concurrency 10.',
	);
	parts.push('');
	parts.push(
		`**2. Throttling run**: sandbox rate limit ${args.rate} requests/s (sliding 1 s window, then 429 + \`Retry-After: 1\`), ` +
			`latency ${args.latency} ms, N = ${args.throttleN}.`,
	);
	parts.push('');
	parts.push(
		table(
			['run', 'node time (s)', 'ideal N/rate (s)', '× ideal', 'failed', 'requests', '429 answers', 'most attempts for one item', 'peak RSS (MB)', 'output'],
			lr.throttleRows.map((r) => [
				r.label,
				s2(r.nodeMs),
				s2(r.idealMs),
				f2(r.ratio),
				String(r.failed),
				String(r.requests),
				String(r.throttled),
				String(r.maxAttempts),
				f0(r.peakRssMb),
				r.outputOk ? 'OK' : `**NOT OK**: ${r.outputText}`,
			]),
		),
	);
	parts.push('');
	parts.push(renderCpu(results.cpu));
	parts.push('');
	parts.push('**Targets (measured)**');
	parts.push('');
	parts.push(table(['target', 'result', 'measured'], targets(lr, args).map((t) => [t.name, verdict(t.ok), t.text])));
	return parts.join('\n');
}

function renderCpu(cpu) {
	const s = cpu.summary;
	const rows = [
		['plain `node:http`, keep-alive agent', s.plain],
		['n8n-core `httpRequest` (+ credential `authenticate`), no node', s.core],
		['Jelou node `execute()` (dist/) in a fake context', s.jelou],
	];
	return [
		`**3. CPU overhead at zero latency**: N = ${cpu.n} GETs, concurrency ${cpu.concurrency}, one process on Node ${cpu.node} ` +
			`(n8n-core ${cpu.n8nCore} from the devDependencies), sandbox in another process; median of ${cpu.rounds} rounds after a warm-up.`,
		'',
		table(
			['loop', 'CPU µs / item', 'wall (ms)', 'items/s', '× plain (CPU)'],
			rows.map(([name, v]) => [name, f0(v.cpuUsPerItem), f0(v.wallMs), f0(v.itemsPerSec), f2(v.cpuUsPerItem / s.plain.cpuUsPerItem)]),
		),
	].join('\n');
}

function renderResults(results) {
	return results.lines.map((lr) => renderLine(lr, results)).join('\n\n');
}

const NOTES_START = '<!-- bench:notes:start -->';
const NOTES_END = '<!-- bench:notes:end -->';
const lineStart = (line) => `<!-- bench:n8n-${line}:start -->`;
const lineEnd = (line) => `<!-- bench:n8n-${line}:end -->`;

function between(text, start, end) {
	const a = text.indexOf(start);
	const b = text.indexOf(end);
	if (a === -1 || b === -1 || b < a) return undefined;
	return text.slice(a + start.length, b).replace(/^\n/, '').replace(/\n$/, '');
}

function docTemplate({ sections, notes }) {
	return `# Benchmarks

How fast the Jelou node works through thousands of items in a real n8n, what it costs in memory
and CPU, and how it behaves when Jelou throttles. Everything runs on one machine against the local
Jelou sandbox (\`tools/sandbox/server.js\`) on 127.0.0.1; nothing leaves the machine. The numbers below
are what the last run printed; they are measured, not asserted, and a missed target is shown as
**MISSED**.

## Reproduce

\`\`\`sh
npm run bench                 # = node tools/bench/run.js: N=1000, latency 50 ms, rate 20/s, n8n 1
npm run bench -- --n8n 2      # the same in n8n 2.41.1 (Node 24)
npm run bench -- --n 1000 --latency 50 --rate 20 --throttle-n 400 --n8n 1,2
\`\`\`

The bench builds the package (\`npm run build\`; \`--no-build\` skips it), packs it with \`npm pack\`
and installs the tarball into a fresh n8n user folder (\`.n8n/nodes\`), the way users get it, so
the node type is \`n8n-nodes-jelou.jelou\`. It uses the pinned runtimes of the e2e harness
(\`tools/runtime/n8n-1\`: n8n 1.123.50 on the machine's Node 20; \`tools/runtime/n8n-2\`: n8n 2.41.1
on Node 24) and installs one first if it is missing. It is not part of \`npm test\`. One run with
the defaults takes about 3–4 minutes per n8n line on 2 cores.

\`node tools/bench/probes/cached-credentials.js [--n8n 1|2]\` (not part of the bench) measures how much
time n8n's per-request credential read costs: it runs the same workflows with the package as
built and with a patched copy of the tarball (in a temp folder) that hands n8n the credential it
already read; see the notes.

## What is measured

Every workflow is Manual Trigger → Code node (N items \`{ conversationId: "gen-<i>" }\`, distinct
ids the sandbox answers with a synthetic conversation) → the node under test, run with
\`n8n execute --id=…\` in a real n8n. Each run is a new \`n8n execute\` process.

1. **Latency run**: the sandbox delays every answer by the latency (default 50 ms). Our node
   (Conversation → Get) at its default Options and at Concurrency 1, 5, 10, 25 and 50; n8n's HTTP
   Request node (\`n8n-nodes-base.httpRequest\`, the newest typeVersion of that n8n) doing the
   same GET with the \`x-api-key\` header at its defaults, and once with Batching set to match our
   default concurrency.
2. **Throttling run**: the sandbox allows R requests per second (default 20; a sliding 1 s window,
   then 429 with \`Retry-After: 1\`). Our node at defaults, and the HTTP Request node at defaults
   for contrast. N is smaller (default 400, so the ideal is 20 s).
3. **CPU overhead at zero latency**: in one Node process, the compiled node's \`execute()\` from
   \`dist/\` in a fake execute context of the unit tests (\`test/support/fake-n8n.js\`: the credential's real
   \`authenticate\`, then n8n-core's real \`httpRequest\`), against the same N GETs done by a plain
   \`node:http\` loop with a keep-alive agent at the same concurrency (10), and by n8n-core's
   \`httpRequest\` alone (to split n8n-core/axios's share from the node's own). The sandbox runs in
   another process, so its CPU is not counted. \`process.cpuUsage()\` (user + system) of the
   measuring process, divided by N.

The latency table also has a **reference** row: the same N GETs from a plain \`node:http\`
keep-alive loop at concurrency 10, outside n8n, in the bench process. It shows what this sandbox
and this machine allow at that concurrency (the part of "× ideal" that is not the client's).

Columns:

| column | meaning |
|---|---|
| node time | the node's own \`executionTime\` from the run data (n8n's start-up and the Code node are not in it) |
| items/s | N / node time |
| ideal | the physical limit: N × latency / concurrency (latency run; HTTP Request at defaults has concurrency N, so its ideal is one latency), N / rate (throttling run) |
| × ideal | node time / ideal; 1.00 would be perfect, the rest is overhead |
| peak RSS | peak resident memory of the \`n8n execute\` process (\`VmHWM\` from /proc/<pid>/status, sampled every 50 ms); most of it is n8n itself (about 300 MB on 1.x, 420 MB or more on 2.x), so compare rows with each other |
| failed | items for which the sandbox never answered 200 (a request that kept failing, or an item never sent because the node stopped at an error) |
| requests | requests the sandbox received for the run (more than N means retries) |
| peak in flight | the most requests the sandbox was answering at the same moment: the concurrency really used (for HTTP Request at defaults it can stay below N when n8n needs longer than one latency to start all N requests) |
| output | the node's output has exactly N items, item i is conversation gen-i and is paired with input item i, and the execution succeeded |
| CPU µs / item | user + system CPU of the measuring process per item |

## Targets

- At default settings, within **1.15 ×** of N × latency / concurrency.
- **No slower than the HTTP Request node** at its defaults in the same run. Note: the HTTP Request
  node's default is unbounded parallelism (all N requests at once), so at 50 ms latency with no
  rate limit its ideal is a single latency; our default deliberately keeps 10 in flight (what a
  real API accepts without throttling), so at our default this target cannot be met by design.
  The rows at higher Concurrency and the equal-rate comparison (HTTP Request with Batching 10
  per latency) show where the node stands.
- Under throttling, **0 failed items** and within **1.25 ×** of N / rate.

## Notes

${NOTES_START}
${notes ?? '_No notes yet._'}
${NOTES_END}

## Results

${sections}
`;
}

function writeDoc(file, results) {
	let old = '';
	try {
		old = fs.readFileSync(file, 'utf8');
	} catch {
		/* first run */
	}
	const fresh = new Map(results.lines.map((lr) => [String(lr.line), renderLine(lr, results)]));
	const sections = [];
	for (const line of ['1', '2']) {
		const body = fresh.get(line) ?? between(old, lineStart(line), lineEnd(line));
		if (body === undefined) continue;
		sections.push(`${lineStart(line)}\n${body}\n${lineEnd(line)}`);
	}
	const notes = between(old, NOTES_START, NOTES_END);
	fs.mkdirSync(path.dirname(file), { recursive: true });
	fs.writeFileSync(file, docTemplate({ sections: sections.join('\n\n'), notes }));
}

/** Rewrites the fixed text of the doc, keeping every line's results and the notes. */
function refreshDoc(file) {
	const old = fs.readFileSync(file, 'utf8');
	const sections = [];
	for (const line of ['1', '2']) {
		const body = between(old, lineStart(line), lineEnd(line));
		if (body !== undefined) sections.push(`${lineStart(line)}\n${body}\n${lineEnd(line)}`);
	}
	fs.writeFileSync(file, docTemplate({ sections: sections.join('\n\n'), notes: between(old, NOTES_START, NOTES_END) }));
}

module.exports = { refreshDoc, machineInfo, commandLine, renderResults, renderCpu, writeDoc, targets };
