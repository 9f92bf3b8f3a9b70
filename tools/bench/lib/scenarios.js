'use strict';
// The runs of `npm run bench`: issue 13's scenarios, each a list of workflows run against the
// bench front (tools/bench/lib/front.js) configured for that scenario. Every run has:
//   id         n8n workflow id (16 characters)
//   scenario   which table it belongs to
//   label      row label
//   kind       'jelou' | 'http'
//   n          items
//   server     front configuration for the run
//   idealMs    the physical limit for the run
//   x          for the items/s-vs-Concurrency chart: the concurrency (or batch size) of the row
//   series     whether to keep the requests-in-flight series (chart)

const { jelouWorkflow, httpRequestWorkflow } = require('./workflows');

const SCENARIOS = {
	latency: 'Latency 50 ms, no limit',
	slow: 'Latency 200 ms (an internet round trip), no limit',
	throttled: 'Throttled 20 requests/s',
	rate100: 'Throttled 100 requests/s, 5,000 items',
	load: 'Latency that grows with load (20 ms + 2 ms per request in flight)',
	zero: 'Zero latency: time and memory against N',
};

/** The node's own "Retry On Fail" setting (3 tries, 1 s apart), as a user would add it. */
function withRetry(workflow) {
	const node = workflow.nodes[workflow.nodes.length - 1];
	Object.assign(node, { retryOnFail: true, maxTries: 3, waitBetweenTries: 1000 });
	return workflow;
}

const pad = (prefix, value) =>
	`${prefix}${String(value).padStart(16 - prefix.length, '0')}`.slice(0, 16);

/**
 * @param {object} o
 * @param {object} o.args       parsed command line
 * @param {object} o.credential the imported Jelou credential
 * @param {object} o.sb         the sandbox child (baseUrl, apiKey, projectId)
 * @param {number} o.httpVersion HTTP Request node typeVersion of this n8n
 */
function plan({ args, credential, sb, httpVersion }) {
	const runs = [];
	const jelou = (id, n, options = {}) =>
		jelouWorkflow({ id, n, credential, projectId: sb.projectId, options });
	const http = (id, n, options = {}) =>
		httpRequestWorkflow({
			id,
			n,
			baseUrl: sb.baseUrl,
			apiKey: sb.apiKey,
			projectId: sb.projectId,
			typeVersion: httpVersion,
			options,
		});
	const want = (name) => args.only.length === 0 || args.only.includes(name);
	const H = `HTTP Request v${httpVersion}`;

	if (want('latency')) {
		const { n, latency } = args;
		const server = { latencyMs: latency, perInFlightMs: 0, rateLimit: 0 };
		runs.push({
			scenario: 'latency',
			id: 'BenchLatJelouDef',
			wf: jelou('BenchLatJelouDef', n),
			label: 'Jelou, defaults (adaptive)',
			kind: 'jelou',
			n,
			server,
			idealMs: latency,
			idealText: 'one latency',
			target: true,
		});
		runs.push({
			scenario: 'latency',
			id: 'BenchLatHttpDef0',
			wf: http('BenchLatHttpDef0', n),
			label: `${H}, defaults (all at once)`,
			kind: 'http',
			n,
			server,
			idealMs: latency,
			idealText: 'one latency',
			target: true,
		});
		for (const c of args.concurrency) {
			const id = pad('BenchLatJC', c);
			runs.push({
				scenario: 'latency',
				id,
				wf: jelou(id, n, { concurrency: c }),
				label: `Jelou, Concurrency ${c}`,
				kind: 'jelou',
				n,
				server,
				idealMs: (n * latency) / c,
				x: c,
			});
			const hid = pad('BenchLatHB', c);
			runs.push({
				scenario: 'latency',
				id: hid,
				wf: http(hid, n, {
					batching: { batch: { batchSize: c, batchInterval: Math.max(1, Math.round(latency)) } },
				}),
				label: `${H}, batching ${c} / ${latency} ms`,
				kind: 'http',
				n,
				server,
				idealMs: (n * latency) / c,
				x: c,
			});
		}
	}

	if (want('slow')) {
		const { n, slowLatency: latency } = args;
		const server = { latencyMs: latency, perInFlightMs: 0, rateLimit: 0 };
		const base = { scenario: 'slow', n, server, idealMs: latency, idealText: 'one latency' };
		runs.push({
			...base,
			id: 'BenchSlowJelouDf',
			wf: jelou('BenchSlowJelouDf', n),
			label: 'Jelou, defaults (adaptive)',
			kind: 'jelou',
			target: true,
		});
		runs.push({
			...base,
			id: 'BenchSlowHttpDf0',
			wf: http('BenchSlowHttpDf0', n),
			label: `${H}, defaults (all at once)`,
			kind: 'http',
			target: true,
		});
	}

	if (want('throttled')) {
		const { throttleN: n, rate } = args;
		const ideal = (n / rate) * 1000;
		for (const throttle of ['instant', 'after-latency']) {
			const server = { latencyMs: args.latency, perInFlightMs: 0, rateLimit: rate, throttle };
			const tag = throttle === 'instant' ? 'I' : 'L';
			const when = throttle === 'instant' ? '429 at once' : `429 after ${args.latency} ms`;
			runs.push({
				scenario: 'throttled',
				id: `BenchThr${tag}Jelou00`,
				wf: jelou(`BenchThr${tag}Jelou00`, n),
				label: `Jelou, defaults; ${when}`,
				kind: 'jelou',
				n,
				server,
				idealMs: ideal,
				target: true,
				series: true,
				throttle,
			});
			runs.push({
				scenario: 'throttled',
				id: `BenchThr${tag}HttpDf`,
				wf: http(`BenchThr${tag}HttpDf`, n),
				label: `${H}, defaults; ${when}`,
				kind: 'http',
				n,
				server,
				idealMs: ideal,
				throttle,
			});
			// The batching contrast once (it takes about a minute per run).
			if (throttle !== 'instant') continue;
			runs.push({
				scenario: 'throttled',
				id: `BenchThr${tag}HttpBt`,
				// Exactly the limit: `rate` items every second, and its own retry on 429.
				wf: withRetry(
					http(`BenchThr${tag}HttpBt`, n, {
						batching: { batch: { batchSize: rate, batchInterval: 1000 } },
					}),
				),
				label: `${H}, batching ${rate} / 1000 ms + Retry On Fail; ${when}`,
				kind: 'http',
				n,
				server,
				idealMs: ideal,
				throttle,
			});
		}
	}

	if (want('rate100')) {
		const n = args.rate100N;
		const server = {
			latencyMs: args.latency,
			perInFlightMs: 0,
			rateLimit: 100,
			throttle: 'instant',
		};
		runs.push({
			scenario: 'rate100',
			id: 'BenchR100Jelou00',
			wf: jelou('BenchR100Jelou00', n),
			label: 'Jelou, defaults; 429 at once',
			kind: 'jelou',
			n,
			server,
			idealMs: (n / 100) * 1000,
			target: true,
		});
	}

	if (want('load')) {
		const n = args.loadN;
		const server = { latencyMs: 20, perInFlightMs: 2, rateLimit: 0 };
		runs.push({
			scenario: 'load',
			id: 'BenchLoadJelou00',
			wf: jelou('BenchLoadJelou00', n),
			label: 'Jelou, defaults (adaptive)',
			kind: 'jelou',
			n,
			server,
			idealMs: NaN,
			target: true,
			series: true,
		});
		for (const c of args.loadSweep) {
			const id = pad('BenchLoadJC', c);
			runs.push({
				scenario: 'load',
				id,
				wf: jelou(id, n, { concurrency: c }),
				label: `Jelou, Concurrency ${c}`,
				kind: 'jelou',
				n,
				server,
				idealMs: NaN,
				x: c,
			});
		}
	}

	if (want('zero')) {
		const server = { latencyMs: 0, perInFlightMs: 0, rateLimit: 0 };
		for (const n of args.zeroN) {
			runs.push({
				scenario: 'zero',
				id: pad('BenchZeroJ', n),
				wf: jelou(pad('BenchZeroJ', n), n),
				label: `Jelou, defaults, N = ${n}`,
				kind: 'jelou',
				n,
				server,
				idealMs: NaN,
				x: n,
			});
			runs.push({
				scenario: 'zero',
				id: pad('BenchZeroH', n),
				wf: http(pad('BenchZeroH', n), n),
				label: `${H}, defaults, N = ${n}`,
				kind: 'http',
				n,
				server,
				idealMs: NaN,
				x: n,
			});
		}
	}
	return runs;
}

module.exports = { SCENARIOS, plan };
