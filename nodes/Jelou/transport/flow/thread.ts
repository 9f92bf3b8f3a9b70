/**
 * How busy n8n's own thread is. n8n handles every answer of every request on one thread, so the
 * time the node measures for a request is Jelou's latency plus the wait for that thread, and that
 * wait grows with the number of answers in flight just as an overloaded server's latency does.
 * While the thread is busy nearly all the time, n8n itself is what limits the run: a rise in the
 * latency measured then is n8n's, and the adaptive limit (adaptive.ts) does not hold back for it.
 */
export interface ThreadLoad {
	/**
	 * Milliseconds the thread has spent working (not waiting for answers) since some fixed moment;
	 * only differences between two readings mean something. Undefined where it cannot be measured.
	 */
	busyMs(): number | undefined;
}

/**
 * Node.js's `performance.eventLoopUtilization()` (Node 14.10 and later): the time its event loop
 * spent running callbacks rather than waiting in the poll for I/O, counted by libuv itself at no
 * cost (no timer, no sampling). It is the global `performance`, which n8n's rules for community
 * nodes allow (its module, perf_hooks, they do not); the TypeScript types of the DOM's
 * `performance` do not list it, hence the checks at run time. Anything else in its place (an
 * older runtime, a test's fake timers) reads as not measured.
 */
function readLoopActiveMs(): number | undefined {
	if (typeof performance === 'undefined') return undefined;
	try {
		const read: unknown = Reflect.get(performance, 'eventLoopUtilization');
		if (typeof read !== 'function') return undefined;
		const utilization: unknown = Reflect.apply(read, performance, []);
		if (typeof utilization !== 'object' || utilization === null) return undefined;
		const active: unknown = Reflect.get(utilization, 'active');
		return typeof active === 'number' && Number.isFinite(active) ? active : undefined;
	} catch {
		return undefined;
	}
}

/** n8n's thread as Node.js measures it. */
export function eventLoopLoad(): ThreadLoad {
	return { busyMs: readLoopActiveMs };
}

/** No measurement (an injected test clock, or a runtime without it): every rise counts as Jelou's. */
export const NO_THREAD_LOAD: ThreadLoad = { busyMs: () => undefined };
