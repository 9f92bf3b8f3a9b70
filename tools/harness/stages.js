'use strict';
// The one stage timer of the rig's runner scripts (test:e2e, test:ai, test:queue, test:ui) and of
// the queue suite's set-up: each stage's duration, whether it succeeded or threw, and one closing
// line "build 12.3 s, pack 1.0 s, …; total 95.2 s".

/**
 * Milliseconds as seconds for people: `secs(1234)` is "1.2 s".
 * @param {number} ms
 * @param {number} [digits]
 */
const secs = (ms, digits = 1) => `${(ms / 1000).toFixed(digits)} s`;

/**
 * A timer started now. `stage(name, fn)` runs `fn` and records how long it took (also when it
 * throws); `record(name, ms)` adds a duration measured elsewhere; `summary()` is the closing line.
 * @param {{ now?: () => number }} [opts]  `now` is the clock (Date.now; a test passes its own)
 */
function stageTimer({ now = Date.now } = {}) {
	const started = now();
	/** @type {[string, number][]} */
	const timings = [];
	return {
		timings,
		/**
		 * @template T
		 * @param {string} name
		 * @param {() => T | Promise<T>} fn
		 * @returns {Promise<T>}
		 */
		async stage(name, fn) {
			const t = now();
			try {
				return await fn();
			} finally {
				timings.push([name, now() - t]);
			}
		},
		/**
		 * @param {string} name
		 * @param {number} ms
		 */
		record(name, ms) {
			timings.push([name, ms]);
		},
		/**
		 * The stages in order, joined by `separator`, and (unless `total` is false) the time since
		 * the timer started.
		 * @param {{ separator?: string, total?: boolean }} [opts]
		 */
		summary({ separator = ', ', total = true } = {}) {
			const stages = timings.map(([n, ms]) => `${n} ${secs(ms)}`).join(separator);
			return total ? `${stages}; total ${secs(now() - started)}` : stages;
		},
	};
}

module.exports = { stageTimer, secs };
