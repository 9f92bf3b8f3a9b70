import { sleep, sleepWithAbort } from 'n8n-workflow';

import { cancelledError } from './errors';

/**
 * Waits `ms`, or rejects with the "execution was cancelled" error as soon as `signal` aborts.
 *
 * n8n's sleepWithAbort leaves its abort listener on the signal after a normal wake-up. Given the
 * execution's own signal, a run of thousands of items would pile up thousands of listeners (and
 * Node's "possible memory leak" warning); a short-lived child signal carries the listener instead
 * and is dropped after each wait.
 */
export async function waitUnlessCancelled(ms: number, signal?: AbortSignal): Promise<void> {
	if (!signal) {
		await sleep(ms);
		return;
	}
	if (signal.aborted) throw cancelledError();
	const child = new AbortController();
	const forward = () => child.abort();
	signal.addEventListener('abort', forward, { once: true });
	try {
		await sleepWithAbort(ms, child.signal);
	} catch {
		throw cancelledError();
	} finally {
		signal.removeEventListener('abort', forward);
	}
}

/**
 * Shared by all requests of one execution: how many items may be in flight, and a pause that
 * everyone honours after Jelou throttles. When a 429 arrives the limit halves (at most once per
 * cool-down, since one burst produces many 429s at once) and nobody sends before the
 * Retry-After has passed; each run of successes as long as twice the limit raises it by one
 * again, up to the configured concurrency. A long run under a rate limit thus settles near the
 * allowed rate instead of failing items.
 */
export class RequestPacer {
	private currentLimit: number;

	private pauseUntil = 0;

	private lastDecrease = Number.NEGATIVE_INFINITY;

	private successesSinceChange = 0;

	readonly maxLimit: number;

	constructor(
		maxLimit: number,
		private readonly coolDownMs = 1000,
		private readonly now: () => number = () => Date.now(),
	) {
		this.maxLimit = Math.max(1, Math.floor(maxLimit));
		this.currentLimit = this.maxLimit;
	}

	/** How many items may be in flight right now. */
	get limit(): number {
		return this.currentLimit;
	}

	onThrottled(retryAfterMs?: number): void {
		const now = this.now();
		if (retryAfterMs !== undefined && retryAfterMs > 0) {
			this.pauseUntil = Math.max(this.pauseUntil, now + retryAfterMs);
		}
		if (now - this.lastDecrease >= this.coolDownMs) {
			this.currentLimit = Math.max(1, Math.floor(this.currentLimit / 2));
			this.lastDecrease = now;
		}
		this.successesSinceChange = 0;
	}

	onSuccess(): void {
		if (this.currentLimit >= this.maxLimit) return;
		this.successesSinceChange++;
		if (this.successesSinceChange >= this.currentLimit * 2) {
			this.currentLimit++;
			this.successesSinceChange = 0;
		}
	}

	/**
	 * Waits while a Retry-After pause is running; rejects at once when the execution is
	 * cancelled, so a cancelled run sends nothing more.
	 */
	async waitTurn(signal?: AbortSignal): Promise<void> {
		for (;;) {
			if (signal?.aborted) throw cancelledError();
			const wait = this.pauseUntil - this.now();
			if (wait <= 0) return;
			await waitUnlessCancelled(wait, signal);
		}
	}
}
