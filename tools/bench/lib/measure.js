'use strict';
// Turns one `n8n execute` result plus what the sandbox saw into one benchmark row.

const { NODE_UNDER_TEST } = require('./workflows');

/** The node under test's first run in the run data (executionTime, items, error). */
function nodeRun(result) {
	const runs = result?.data?.resultData?.runData?.[NODE_UNDER_TEST];
	return runs && runs.length ? runs[0] : undefined;
}

/**
 * Checks the node's output: exactly n items, item i is conversation gen-i and is paired with
 * input item i. `pick` gets the conversation out of an item's json.
 */
function checkOutput(items, n, pick) {
	if (!items) return { ok: false, why: 'no output' };
	if (items.length !== n) return { ok: false, why: `${items.length} output items, expected ${n}` };
	for (let i = 0; i < n; i++) {
		const conv = pick(items[i].json || {});
		if (!conv || conv._id !== `gen-${i}`) {
			return {
				ok: false,
				why: `item ${i} is ${JSON.stringify(items[i].json).slice(0, 120)}, expected gen-${i}`,
			};
		}
		const paired = items[i].pairedItem;
		const pairedIndex =
			typeof paired === 'number' ? paired : Array.isArray(paired) ? paired[0]?.item : paired?.item;
		if (pairedIndex !== undefined && pairedIndex !== i) {
			return { ok: false, why: `item ${i} is paired with input item ${pairedIndex}` };
		}
	}
	return { ok: true, why: `${n} items, ids in input order` };
}

/** Node.js process warnings n8n printed (e.g. MaxListenersExceededWarning), one line each. */
function nodeWarnings(text) {
	const found = new Set();
	const re = /\(node:\d+\) (\w+Warning): ([^\n]{0,160})/g;
	for (let m = re.exec(text); m && found.size < 5; m = re.exec(text)) found.add(`${m[1]}: ${m[2]}`);
	return [...found];
}

/**
 * @param {object} o
 * @param {string} o.label      the row's name in the report
 * @param {string} o.kind       'jelou' or 'http'
 * @param {number} o.n          items
 * @param {string} [o.concurrencyText]  how the row's concurrency reads in the report
 * @param {number} o.idealMs    the physical limit for this run
 * @param {string} [o.idealText]  how that limit reads in the report
 * @param {any} o.exec          executeMeasured() result
 * @param {any} o.sandbox       sandbox stats for this run
 * @returns {Record<string, any>} the row (the bench adds the repetition, the load and more)
 */
function makeRow({ label, kind, n, concurrencyText, idealMs, idealText, exec, sandbox }) {
	const run = nodeRun(exec.result);
	const items = run?.data?.main?.[0];
	const pick = kind === 'http' ? (json) => json.data : (json) => json;
	const check = checkOutput(items, n, pick);
	const nodeMs = typeof run?.executionTime === 'number' ? run.executionTime : NaN;
	const errorMessage = run?.error?.message || exec.result?.data?.resultData?.error?.message;
	const status = exec.result?.status ?? (exec.result?.finished ? 'success' : 'unknown');
	return {
		label,
		kind,
		n,
		concurrencyText,
		nodeMs,
		itemsPerSec: nodeMs > 0 ? (n / nodeMs) * 1000 : NaN,
		idealMs,
		idealText,
		ratio: nodeMs / idealMs,
		peakRssMb: exec.peakRssKb / 1024,
		// An item failed when none of its requests got a 200 (this also counts items the node
		// never sent because it stopped at an error).
		failed: sandbox.failedIds,
		requests: sandbox.total,
		throttled: sandbox.byStatus['429'] || 0,
		peakInFlight: sandbox.peakInFlight,
		duplicateOk: sandbox.duplicateOk,
		maxAttempts: sandbox.maxAttempts,
		warnings: nodeWarnings(`${exec.stderr || ''}\n${exec.stdout || ''}`),
		outputOk: check.ok && status === 'success' && exec.ok,
		outputText: check.ok
			? check.why
			: `${check.why}${errorMessage ? `; node error: ${errorMessage}` : ''}`,
		status,
		errorMessage,
		cliMs: exec.ms,
		exitCode: exec.code,
	};
}

module.exports = { nodeRun, checkOutput, makeRow, nodeWarnings };
