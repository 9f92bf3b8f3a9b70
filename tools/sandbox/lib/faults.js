'use strict';

// Fault switches applied to every non-control request, in this order: rate limit (sliding 1 s
// window, 429 with the Retry-After form of `retryAfterMode`), error rate (deterministic: the
// statuses of `faultStatuses`, 500, 502, 503 by default, in turn; an injected 429 carries a
// Retry-After like the rate limit's). Latency is applied by the HTTP layer when the answer is written.

const { apiError } = require('./answers');
const { DEFAULTS } = require('./config');

const FAULT_STATUSES = DEFAULTS.faultStatuses;

/**
 * @param {object} runtime  the live settings object (read on every request)
 * @param {object} clock  lib/clock.js: `date()` dates the Retry-After
 */
function createFaults(runtime, clock) {
	let rl = null; // sliding window of accepted request times (ring buffer)
	let faultCounter = 0;
	let faultsServed = 0;

	/** Returns true when the request must be refused (sliding 1 s window, O(1) per request). */
	function overRateLimit(now) {
		const limit = runtime.rateLimit;
		if (!limit) return false;
		if (!rl || rl.size !== limit)
			rl = { size: limit, times: new Float64Array(limit), head: 0, count: 0 };
		if (rl.count < limit) {
			rl.times[(rl.head + rl.count) % limit] = now;
			rl.count += 1;
			return false;
		}
		if (now - rl.times[rl.head] >= 1000) {
			rl.times[rl.head] = now;
			rl.head = (rl.head + 1) % limit;
			return false;
		}
		return true;
	}

	/** Deterministic error injection: exactly floor(n * errorRate) of the first n requests fail. */
	function injectedFaultStatus() {
		const rate = runtime.errorRate;
		if (!rate) return 0;
		faultCounter += 1;
		const eps = 1e-9;
		if (Math.floor(faultCounter * rate + eps) > Math.floor((faultCounter - 1) * rate + eps)) {
			const statuses = runtime.faultStatuses || FAULT_STATUSES;
			const status = statuses[faultsServed % statuses.length];
			faultsServed += 1;
			return status;
		}
		return 0;
	}

	function retryAfterHeaders() {
		const headers = {};
		if (runtime.retryAfterMode === 'seconds') headers['retry-after'] = '1';
		else if (runtime.retryAfterMode === 'date') {
			headers['retry-after'] = new Date(
				Math.ceil((clock.date() + 1000) / 1000) * 1000,
			).toUTCString();
		}
		return headers;
	}

	function rateLimitAnswer() {
		return apiError(
			429,
			'TOO_MANY_REQUESTS',
			'rate_limit_exceeded',
			`Rate limit exceeded: at most ${runtime.rateLimit} requests per second. Retry after 1 second.`,
			{},
			retryAfterHeaders(),
		);
	}

	/** The fault answer for a request arriving at `now` (the clock's monotonic ms), or null. */
	function faultFor(now) {
		if (overRateLimit(now)) return rateLimitAnswer();
		const status = injectedFaultStatus();
		if (status === 429) {
			return apiError(
				429,
				'TOO_MANY_REQUESTS',
				'rate_limit_exceeded',
				`Injected fault (errorRate ${runtime.errorRate}): HTTP 429. Retry after 1 second.`,
				{},
				retryAfterHeaders(),
			);
		}
		if (status) {
			return apiError(
				status,
				'SANDBOX_FAULT',
				'injected_fault',
				`Injected fault (errorRate ${runtime.errorRate}): HTTP ${status}.`,
			);
		}
		return null;
	}

	return {
		faultFor,
		/** Called after settings changed: a new limit restarts the window, a new rate its count. */
		settingsChanged({ limitChanged, rateChanged }) {
			if (limitChanged) rl = null;
			if (rateChanged) {
				faultCounter = 0;
				faultsServed = 0;
			}
		},
		reset() {
			rl = null;
			faultCounter = 0;
			faultsServed = 0;
		},
	};
}

module.exports = { FAULT_STATUSES, createFaults };
