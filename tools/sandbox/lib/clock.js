'use strict';

// Where the sandbox takes its time from: the rate-limit window, the latency of answers and the
// Retry-After date. `startSandbox({ clock })` replaces it (tests drive a manual clock, so that
// none of them depends on how fast the machine runs); anything left out stays real.

const { performance } = require('node:perf_hooks');

const realClock = {
	/** Monotonic milliseconds: the rate-limit window and the request log's durations. */
	now: () => performance.now(),
	/** Wall-clock milliseconds since the epoch: the Retry-After date. */
	date: () => Date.now(),
	setTimeout: (fn, ms) => setTimeout(fn, ms),
	clearTimeout: (timer) => clearTimeout(timer),
};

function createClock(custom) {
	if (custom === undefined || custom === null) return realClock;
	if (typeof custom !== 'object') throw new TypeError('clock must be an object');
	const clock = { ...realClock };
	for (const key of Object.keys(realClock)) {
		if (custom[key] === undefined) continue;
		if (typeof custom[key] !== 'function') throw new TypeError(`clock.${key} must be a function`);
		clock[key] = custom[key].bind(custom);
	}
	return clock;
}

module.exports = { createClock, realClock };
