import { sleepWithAbort } from 'n8n-workflow';

/**
 * Shared by all requests of one execution: how many items may be in flight, and a pause that
 * everyone honours after Jelou throttles. When a 429 arrives the limit halves (at most once per
 * cool-down, since one burst produces many 429s at once) and nobody sends before the
 * Retry-After has passed; each run of successes as long as the limit raises it by one again, up
 * to the configured concurrency. A long run under a rate limit thus settles near the allowed
 * rate instead of failing items.
 */
export class RequestPacer {
	private currentLimit: number;

	private pauseUntil = 0;

	private lastDecrease = 0;

	private successesSinceChange = 0;

	constructor(
		readonly maxLimit: number,
		private readonly coolDownMs = 1000,
		private readonly now: () => number = Date.now,
	) {
		this.currentLimit = Math.max(1, Math.floor(maxLimit));
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

	/** Waits while a Retry-After pause is running. */
	async waitTurn(signal?: AbortSignal): Promise<void> {
		for (;;) {
			const wait = this.pauseUntil - this.now();
			if (wait <= 0 || signal?.aborted) return;
			await sleepWithAbort(wait, signal);
		}
	}
}
