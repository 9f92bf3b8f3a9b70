import { sleep, sleepWithAbort } from 'n8n-workflow';

import { cancelledError } from './errors';

/**
 * Time as the transport sees it: the start of requests, backoff and Retry-After waits, the
 * pacer's windows. Production uses `realClock`; tests hand in a simulated one, so that no test
 * depends on how fast the machine runs.
 */
export interface TransportClock {
	now(): number;
	/** Waits `ms`; rejects with the "execution was cancelled" error as soon as `signal` aborts. */
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * Waits `ms`, or rejects with the "execution was cancelled" error as soon as `signal` aborts.
 *
 * Node code may not use timers directly, so the wait comes from n8n-workflow: `sleepWithAbort`,
 * which clears its timer on abort, where n8n has it (1.x); n8n 2.x no longer exports it, and there
 * the timer of a cancelled wait runs out on its own. `sleepWithAbort` leaves its listener on the
 * signal it is given, so it gets a signal of its own for each wait: the execution's signal keeps
 * no listener after a wait, even in a run of thousands of items.
 */
export async function waitUnlessCancelled(ms: number, signal?: AbortSignal): Promise<void> {
	if (!signal) {
		await sleep(ms);
		return;
	}
	if (signal.aborted) throw cancelledError();
	const own = new AbortController();
	const onAbort = () => own.abort();
	signal.addEventListener('abort', onAbort, { once: true });
	try {
		if (typeof sleepWithAbort === 'function') {
			// It rejects only on abort, with n8n's own error; ours (below) says what happened.
			await sleepWithAbort(ms, own.signal).then(
				() => undefined,
				() => undefined,
			);
		} else {
			await Promise.race([sleep(ms), untilAborted(own.signal)]);
		}
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
	if (signal.aborted) throw cancelledError();
}

function untilAborted(signal: AbortSignal): Promise<void> {
	return new Promise((resolve) =>
		signal.addEventListener('abort', () => resolve(), { once: true }),
	);
}

/** The real time, and waits that end early when the execution is cancelled. */
export const realClock: TransportClock = {
	now: () => Date.now(),
	sleep: waitUnlessCancelled,
};
