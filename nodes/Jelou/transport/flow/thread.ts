import { sleep } from 'n8n-workflow';

/**
 * How long work waits for n8n's own thread right now. n8n handles every answer of every request
 * on one thread, so the time the node measures for a request is Jelou's latency plus the wait
 * for that thread, and that wait grows with the number of answers in flight just as an
 * overloaded server's latency does. The adaptive limit (adaptive.ts) subtracts it, so that only
 * Jelou's share of the latency can hold the limit back.
 */
export interface ThreadDelay {
	/** Sum of the delays measured so far, in milliseconds, and how many measurements made it. */
	readonly total: number;
	readonly samples: number;
	/** The latest delay measured (ms). */
	readonly latest: number;
	/** Call when a request starts: measures for as long as `busy()` says requests are in flight. */
	watch(busy: () => boolean): void;
}

/** Period of the measuring timer: short enough to see a wait of a few milliseconds. */
const TICK_MS = 5;

/**
 * Measures how late a short timer fires: a timer that is due while the thread is busy with other
 * answers waits exactly as long as an answer that arrived at that moment. The timer is n8n's
 * `sleep` (node code may not use timers directly), it runs only while requests are in flight,
 * and all of it belongs to one execution.
 */
export class TimerThreadDelay implements ThreadDelay {
	total = 0;

	samples = 0;

	latest = 0;

	private running = false;

	constructor(
		private readonly now: () => number = () => Date.now(),
		private readonly wait: (ms: number) => Promise<void> = sleep,
	) {}

	watch(busy: () => boolean): void {
		if (this.running) return;
		this.running = true;
		void this.measure(busy);
	}

	private async measure(busy: () => boolean): Promise<void> {
		try {
			while (busy()) {
				const due = this.now() + TICK_MS;
				await this.wait(TICK_MS);
				this.latest = Math.max(0, this.now() - due);
				this.total += this.latest;
				this.samples++;
			}
		} finally {
			this.running = false;
		}
	}
}

/** No measurement (an injected test clock, or a context without n8n's thread): nothing to subtract. */
export const NO_THREAD_DELAY: ThreadDelay = {
	total: 0,
	samples: 0,
	latest: 0,
	watch: () => undefined,
};
