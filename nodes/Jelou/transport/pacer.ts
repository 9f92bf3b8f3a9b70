import { sleep } from 'n8n-workflow';

import { cancelledError } from './errors';

/**
 * Waits `ms`, or rejects with the "execution was cancelled" error as soon as `signal` aborts.
 *
 * Only `sleep` is used from n8n-workflow: n8n 2.x no longer exports `sleepWithAbort`, and node
 * code may not use timers directly. The listener is removed after every wait, so a run of
 * thousands of items leaves none behind on the execution's signal.
 */
export async function waitUnlessCancelled(ms: number, signal?: AbortSignal): Promise<void> {
	if (!signal) {
		await sleep(ms);
		return;
	}
	if (signal.aborted) throw cancelledError();
	let onAbort: () => void = () => {};
	const cancelled = new Promise<never>((_resolve, reject) => {
		onAbort = () => reject(cancelledError());
	});
	signal.addEventListener('abort', onAbort, { once: true });
	try {
		await Promise.race([sleep(ms), cancelled]);
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}

/** Longest gap the pacer puts between two request starts. */
const MAX_SPACING_MS = 10_000;

/**
 * Shared by all requests of one execution; slows the run down to the rate Jelou accepts.
 *
 * Jelou's limits are not documented, and a limit on requests per second cannot be met by capping
 * requests in flight (at 50 ms a request, 5 in flight is already 100 per second). So on a 429 the
 * pacer measures how many requests succeeded during the last second, and from then on spaces
 * request starts to 5 % under that rate. The first 429 also pauses everyone until Retry-After, to
 * let the burst that caused it drain; later ones only delay the request that got them. After a
 * quiet spell the spacing shrinks by 10 % a second, so a run speeds up again when the limit was
 * temporary, and the next 429 measures the rate anew.
 */
export class RequestPacer {
	readonly maxLimit: number;

	private spacingMs = 0;

	private nextStart = 0;

	private pauseUntil = 0;

	private lastThrottle = Number.NEGATIVE_INFINITY;

	private lastSpeedUp = Number.NEGATIVE_INFINITY;

	/** Times of the successes within the last window, oldest first. */
	private readonly successes: number[] = [];

	constructor(
		maxLimit: number,
		private readonly windowMs = 1000,
		private readonly now: () => number = () => Date.now(),
	) {
		this.maxLimit = Math.max(1, Math.floor(maxLimit));
	}

	/** How many items may be in flight: the configured concurrency (the rate is paced instead). */
	get limit(): number {
		return this.maxLimit;
	}

	/** Current gap between request starts in milliseconds; 0 while Jelou has not throttled. */
	get spacing(): number {
		return this.spacingMs;
	}

	onSuccess(): void {
		const now = this.now();
		this.successes.push(now);
		this.forgetOldSuccesses(now);
		const quiet = now - this.lastThrottle >= 5 * this.windowMs;
		if (this.spacingMs > 0 && quiet && now - this.lastSpeedUp >= this.windowMs) {
			this.spacingMs *= 0.9;
			if (this.spacingMs < 1) this.spacingMs = 0;
			this.lastSpeedUp = now;
		}
	}

	onThrottled(retryAfterMs?: number): void {
		const now = this.now();
		this.forgetOldSuccesses(now);
		const firstThrottle = this.spacingMs === 0;

		const recent = this.successes.length;
		const measured = recent > 0 ? this.windowMs / recent : Math.max(this.spacingMs * 2, this.windowMs / this.maxLimit);
		const spacing = Math.min(MAX_SPACING_MS, measured * 1.05);
		// One burst brings many 429s at once: within a window they may only slow down further,
		// never undo each other.
		this.spacingMs = now - this.lastThrottle < this.windowMs ? Math.max(this.spacingMs, spacing) : spacing;
		this.lastThrottle = now;

		const wait = retryAfterMs ?? 0;
		if (wait > 0 && (firstThrottle || wait >= 5 * this.windowMs)) {
			this.pauseUntil = Math.max(this.pauseUntil, now + wait);
		}
	}

	/**
	 * Waits for this request's turn: until a Retry-After pause is over, then until its slot in the
	 * spacing. Rejects at once when the execution is cancelled, so a cancelled run sends nothing.
	 */
	async waitTurn(signal?: AbortSignal): Promise<void> {
		for (;;) {
			if (signal?.aborted) throw cancelledError();
			const now = this.now();
			const pause = this.pauseUntil - now;
			if (pause > 0) {
				await waitUnlessCancelled(pause, signal);
				continue;
			}
			if (this.spacingMs <= 0) return;
			const start = Math.max(now, this.nextStart);
			this.nextStart = start + this.spacingMs;
			if (start > now) await waitUnlessCancelled(start - now, signal);
			return;
		}
	}

	private forgetOldSuccesses(now: number): void {
		while (this.successes.length > 0 && this.successes[0] <= now - this.windowMs) this.successes.shift();
	}
}
