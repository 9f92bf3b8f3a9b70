'use strict';
// The node's Options against the sandbox's fault switches, in one `n8n execute`: Concurrency
// under a rate limit (429 + Retry-After), Max Retries 0 against 500/502/503, and a Timeout
// against slow answers. HTTP Request nodes named "Sandbox: ..." switch the faults in between.

const assert = require('node:assert/strict');
const { test } = require('node:test');

const { nodeRawItems } = require('../../harness/n8n');
const wf = require('../../harness/workflows');
const { PROJECT, SANDBOX } = require('./setup');

const { generatedConversation } = SANDBOX;

const WF_OPTIONS = 'JelouE2eOptions1';

// Options workflow: three scenarios, each with its own ids so the sandbox's
// request log can be split by scenario.
const THROTTLED_IDS = Array.from({ length: 200 }, (_, i) => `gen-${i}`);
const NO_RETRY_IDS = ['gen-301', 'gen-302', 'gen-303'];
const TIMEOUT_IDS = ['gen-401', 'gen-402'];
const RATE_LIMIT = 40; // requests per second, then 429 + Retry-After: 1
const THROTTLED_CONCURRENCY = 5;
const TIMEOUT_MS = 300;
const SLOW_LATENCY_MS = 1500;

/** Largest number of requests the sandbox was answering at the same time. */
function maxOverlap(records) {
	const edges = [];
	for (const r of records) {
		edges.push([r.start, 1], [r.end ?? Number.POSITIVE_INFINITY, -1]);
	}
	// At equal times an end comes before a start: a request answered when the next one arrives
	// was not in flight together with it.
	edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
	let now = 0;
	let max = 0;
	for (const [, d] of edges) {
		now += d;
		max = Math.max(max, now);
	}
	return max;
}

/** The conversation id at the end of a GET .../conversations/<id> path, or undefined. */
function convIdOf(p) {
	const m = /\/conversations\/([^/?]+)$/.exec(p);
	return m ? decodeURIComponent(m[1]) : undefined;
}

/**
 * Options: three scenarios in one run, each preceded by the sandbox faults it needs.
 *  1. 200 ids, Concurrency 5, sandbox limited to 40 requests/s (429 + Retry-After: 1).
 *  2. Max Retries 0 with every request failing (500, 502, 503 in turn; 502/503 are
 *     normally retried), On Error: Continue.
 *  3. Timeout 300 ms against 1.5 s of sandbox latency, Max Retries 0, Continue.
 */
function optionsWorkflow(ctx) {
	const control = (name, body) =>
		wf.sandboxControl({ name, url: `${ctx.sb.url}/__sandbox/config`, body });
	const get = (name, options, continueOnFail) =>
		wf.jelouNode({
			name,
			credential: ctx.creds.key,
			continueOnFail,
			parameters: {
				resource: 'conversation',
				operation: 'get',
				projectId: PROJECT,
				conversationId: '={{ $json.conversationId }}',
				simplify: false,
				options,
			},
		});
	return wf.lineWorkflow({
		id: WF_OPTIONS,
		name: 'e2e options: concurrency, retries, time-out',
		nodes: [
			control('Sandbox: 40 requests/s', {
				rateLimit: RATE_LIMIT,
				retryAfterMode: 'seconds',
				errorRate: 0,
				latencyMs: 20,
			}),
			wf.idsCode(THROTTLED_IDS, { name: '200 ids' }),
			// Continue: a failure shows up as error items (the test lists them) and the next
			// scenarios still run.
			get('Jelou: 200 ids, concurrency 5', { concurrency: THROTTLED_CONCURRENCY }, true),
			control('Sandbox: every request fails', { rateLimit: 0, errorRate: 1, latencyMs: 0 }),
			wf.idsCode(NO_RETRY_IDS, { name: '3 ids' }),
			get('Jelou: max retries 0', { maxRetries: 0, concurrency: 1 }, true),
			control('Sandbox: 1.5 s latency', { errorRate: 0, latencyMs: SLOW_LATENCY_MS }),
			wf.idsCode(TIMEOUT_IDS, { name: '2 ids' }),
			get('Jelou: timeout 300 ms', { timeout: TIMEOUT_MS, maxRetries: 0 }, true),
			control('Sandbox: no faults', { rateLimit: 0, errorRate: 0, latencyMs: 0 }),
		],
	});
}

function workflows(ctx) {
	return [optionsWorkflow(ctx)];
}

function define(ctx) {
	const optionsRun = () => ctx.executeShared(WF_OPTIONS);

	test(`Options: 200 ids at Concurrency ${THROTTLED_CONCURRENCY} against a sandbox limited to ${RATE_LIMIT}/s (429 + Retry-After): 200 items, no error, in input order`, async () => {
		ctx.requireSetup();
		// Retries wait with n8n-workflow's `sleep` only: n8n 2.x dropped `sleepWithAbort`, and
		// this run is what proves the waits work in both lines.
		const { result, requests, seen: recs } = await optionsRun();
		const raw = nodeRawItems(result, 'Jelou: 200 ids, concurrency 5');
		assert.ok(raw, 'the node ran');
		assert.equal(raw.length, THROTTLED_IDS.length, 'one output item per input item');
		const failures = {};
		raw.forEach((it, i) => {
			if (it.error || 'error' in it.json)
				(failures[it.json.error] = failures[it.json.error] || []).push(i);
		});
		assert.deepStrictEqual(
			Object.entries(failures).map(
				([msg, items]) => `${items.length} item(s), first #${items[0]}: ${msg}`,
			),
			[],
			'no item failed',
		);
		assert.deepStrictEqual(
			raw.map((it) => it.json._id),
			THROTTLED_IDS,
			'output order = input order',
		);
		assert.deepStrictEqual(
			raw.map((it) => it.pairedItem && it.pairedItem.item),
			THROTTLED_IDS.map((_, i) => i),
			'each item is paired with its input',
		);
		for (const [i, it] of raw.entries()) {
			assert.deepStrictEqual(
				it.json,
				generatedConversation(THROTTLED_IDS[i]),
				`item ${i} is the conversation Jelou sent`,
			);
		}

		const wanted = new Set(THROTTLED_IDS);
		const mine = requests.filter((r) => wanted.has(convIdOf(r.path)));
		const byStatus = {};
		for (const r of mine) byStatus[r.status] = (byStatus[r.status] || 0) + 1;
		assert.equal(
			byStatus[200],
			THROTTLED_IDS.length,
			`each id answered 200 once (statuses: ${JSON.stringify(byStatus)})`,
		);
		assert.deepStrictEqual(
			new Set(mine.filter((r) => r.status === 200).map((r) => convIdOf(r.path))).size,
			THROTTLED_IDS.length,
		);
		assert.ok(
			byStatus[429] >= 1,
			`the sandbox throttled the run (statuses: ${JSON.stringify(byStatus)})`,
		);
		assert.deepStrictEqual(
			Object.keys(byStatus).sort(),
			['200', '429'],
			'only 200 and 429 answers',
		);

		const inFlight = maxOverlap(recs.filter((r) => wanted.has(convIdOf(r.path))));
		assert.ok(
			inFlight <= THROTTLED_CONCURRENCY,
			`at most ${THROTTLED_CONCURRENCY} requests in flight (saw ${inFlight})`,
		);
		assert.ok(inFlight >= 2, `requests ran concurrently (saw at most ${inFlight} at once)`);
		const spanMs = mine[mine.length - 1].at - mine[0].at;
		console.log(
			`200 ids: ${mine.length} requests (${byStatus[429]} answered 429) in ${(spanMs / 1000).toFixed(1)} s, at most ${inFlight} in flight`,
		);
	});

	test('Options: Max Retries 0 under On Error: Continue: 500, 502 and 503 (normally retried) each fail their item after one request', async () => {
		ctx.requireSetup();
		const { result, requests } = await optionsRun();
		const raw = nodeRawItems(result, 'Jelou: max retries 0');
		assert.ok(raw, 'the node ran');
		// Concurrency 1: the sandbox's injected faults come in turn, 500, 502, 503.
		const statuses = [500, 502, 503];
		assert.deepStrictEqual(
			raw.map((it) => Object.keys(it.json)),
			[['error'], ['error'], ['error']],
		);
		raw.forEach((it, i) => {
			assert.equal(
				it.json.error,
				`Jelou failed to process the request (HTTP ${statuses[i]}): Injected fault (errorRate 1): HTTP ${statuses[i]}.`,
				`item ${i}`,
			);
			assert.equal(it.pairedItem && it.pairedItem.item, i);
			// The error itself is attached (for the error output) and names its item.
			assert.equal(it.error && it.error.message, it.json.error);
			assert.equal(it.error.context && it.error.context.itemIndex, i);
			assert.doesNotMatch(String(it.error.description), /Gave up after/, 'a single attempt');
		});
		const wanted = new Set(NO_RETRY_IDS);
		assert.deepStrictEqual(
			requests
				.filter((r) => wanted.has(convIdOf(r.path)))
				.map((r) => `${convIdOf(r.path)} ${r.status}`),
			NO_RETRY_IDS.map((id, i) => `${id} ${statuses[i]}`),
			'exactly one request per item: nothing was resent',
		);
	});

	test(`Options: Timeout ${TIMEOUT_MS} ms against ${SLOW_LATENCY_MS} ms of latency: each item is "The request to Jelou timed out" under Continue`, async () => {
		ctx.requireSetup();
		const { result, requests } = await optionsRun();
		const raw = nodeRawItems(result, 'Jelou: timeout 300 ms');
		assert.ok(raw, 'the node ran');
		assert.deepStrictEqual(
			raw.map((it) => it.json),
			TIMEOUT_IDS.map(() => ({ error: 'The request to Jelou timed out' })),
		);
		assert.deepStrictEqual(
			raw.map((it) => it.pairedItem && it.pairedItem.item),
			[0, 1],
		);
		for (const it of raw) {
			assert.equal(
				it.error && it.error.description,
				`Request to 127.0.0.1:${ctx.sb.port} failed: no complete answer within ${TIMEOUT_MS} ms. Raise the Timeout option, or check the network.`,
			);
		}
		// No duration is asserted: the time-out error naming the option's value, with one request per
		// item, already says the node gave up before the sandbox's delayed answer came.
		const wanted = new Set(TIMEOUT_IDS);
		assert.deepStrictEqual(
			requests
				.filter((r) => wanted.has(convIdOf(r.path)))
				.map((r) => convIdOf(r.path))
				.sort(),
			TIMEOUT_IDS,
			'one request per item (Max Retries 0)',
		);
		// The last step put the sandbox back to no faults.
		assert.deepStrictEqual(
			{
				latencyMs: ctx.sb.config.latencyMs,
				rateLimit: ctx.sb.config.rateLimit,
				errorRate: ctx.sb.config.errorRate,
			},
			{ latencyMs: 0, rateLimit: 0, errorRate: 0 },
		);
	});
}

module.exports = { workflows, define };
