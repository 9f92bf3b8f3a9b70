import { cancelledError } from '../errors';
import { realClock, type TransportClock } from '../clock';

/** Longest gap the pacer puts between two request starts. */
const MAX_SPACING_MS = 10_000;

/**
 * How far under the measured rate the pacer stays. Small, because the measurement is exact (it
 * counts what Jelou accepted, not what it answered) and every per cent is a per cent of run time;
 * not zero, because request starts drift by a few milliseconds on a busy event loop.
 */
const RATE_MARGIN = 0.02;

/**
 * Shared by all requests of one execution; slows the run down to the rate Jelou accepts.
 *
 * Jelou's limits are not documented, and a limit on requests per second cannot be met by capping
 * requests in flight (at 50 ms a request, 5 in flight is already 100 per second). So on a 429 the
 * pacer counts how many requests Jelou accepted during the last second (the requests started in
 * that second minus those answered 429) and from then on spaces request starts 2 % under that
 * rate. Counting starts rather than successes matters when a 429 comes back at once: at that
 * moment most accepted requests of the second are still waiting for their answer, and a count of
 * successes would settle far too slow. Every later 429 measures again, and slows the pacing down
 * when Jelou accepts clearly (over 10 %) less than before; when it accepted none of ours, the gap
 * doubles, up to one request per Retry-After. The first 429 also pauses
 * everyone until Retry-After, to let the burst that caused it drain; later ones only delay the
 * request that got them. After five quiet seconds the spacing shrinks by 10 % a second, so a run
 * speeds up again when the limit was temporary; each such try that ends in a 429 doubles the
 * quiet time needed before the next one.
 */
export class RequestPacer {
	private spacingMs = 0;

	private nextStart = Number.NEGATIVE_INFINITY;

	private pauseUntil = 0;

	private lastThrottle = Number.NEGATIVE_INFINITY;

	/** When the 429 that started pacing came: 429s within a window of it are one burst. */
	private burstStart = Number.NEGATIVE_INFINITY;

	private lastSpeedUp = Number.NEGATIVE_INFINITY;

	/**
	 * Quiet windows before the pacer tries a faster rate. Doubles each time a try ends in a 429
	 * (the limit was not temporary), so a run against a fixed limit rarely pays for a probe.
	 */
	private quietWindows = 5;

	/** Start times of the requests of the last two windows, oldest first. */
	private readonly starts: number[] = [];

	/** Start times of the requests of the last two windows that Jelou answered 429, oldest first. */
	private readonly refused: number[] = [];

	constructor(
		private readonly windowMs = 1000,
		private readonly clock: TransportClock = realClock,
	) {}

	/** Current gap between request starts in milliseconds; 0 while Jelou has not throttled. */
	get spacing(): number {
		return this.spacingMs;
	}

	onSuccess(): void {
		const now = this.clock.now();
		const quiet = now - this.lastThrottle >= this.quietWindows * this.windowMs;
		if (this.spacingMs > 0 && quiet && now - this.lastSpeedUp >= this.windowMs) {
			this.spacingMs *= 0.9;
			if (this.spacingMs < 1) this.spacingMs = 0;
			this.lastSpeedUp = now;
		}
	}

	/**
	 * A 429 for a request that started at `startedAt` (from `waitTurn`); `retryAfterMs` is how long
	 * Jelou asked to wait.
	 */
	onThrottled(retryAfterMs?: number, startedAt?: number): void {
		const now = this.clock.now();
		if (startedAt !== undefined) insertSorted(this.refused, startedAt);
		this.forgetOld(now);
		// What Jelou had accepted in the window before this request reached it: counted up to the
		// request's own start, so a 429 that comes back after a while measures the same window.
		const reference = Math.min(now, startedAt ?? now);
		const from = reference - this.windowMs;
		const inWindow = (at: number) => at > from && at <= reference;
		const firstThrottle = this.spacingMs === 0;
		// A 429 soon after a speed-up: the faster rate was too fast, wait longer before the next try.
		if (now - this.lastSpeedUp < 2 * this.windowMs)
			this.quietWindows = Math.min(60, this.quietWindows * 2);

		const accepted = this.starts.filter(inWindow).length - this.refused.filter(inWindow).length;
		// Nothing of ours was accepted in the last window (other executions, in queue mode, may
		// have used Jelou's whole budget): back off by doubling, but never to more than one
		// request per Retry-After (or per window). Jelou said when it takes requests again, and a
		// longer gap would only leave this execution idle once its share is back.
		const starved = Math.min(
			Math.max(this.spacingMs * 2, this.windowMs / 10),
			Math.max(this.windowMs, retryAfterMs ?? 0),
		);
		const measured = accepted > 0 ? this.windowMs / accepted : starved;
		const spacing = Math.min(MAX_SPACING_MS, measured * (1 + RATE_MARGIN));
		if (firstThrottle) {
			this.spacingMs = spacing;
			this.burstStart = now;
		} else if (now - this.burstStart < this.windowMs) {
			// One burst brings many 429s at once: they may only slow down further, never undo each
			// other (a late one counts fewer requests still in flight).
			this.spacingMs = Math.max(this.spacingMs, spacing);
		} else if (spacing > this.spacingMs * 1.1) {
			// Paced, and Jelou now accepts clearly less than before: slow down to the new rate.
			this.spacingMs = spacing;
		}
		// Otherwise a 429 at about the measured rate: requests reach Jelou a few milliseconds after
		// their turn, unevenly, and a count over one second is off by one request either way.
		// Slowing down for it would lose 5 % at 20 requests/s for nothing; the request is retried.
		this.lastThrottle = now;

		const wait = retryAfterMs ?? 0;
		if (wait > 0 && (firstThrottle || wait >= 5 * this.windowMs)) {
			this.pauseUntil = Math.max(this.pauseUntil, now + wait);
		}
	}

	/**
	 * Waits for this request's turn: until a Retry-After pause is over, then until its slot in the
	 * spacing. Rejects at once when the execution is cancelled, so a cancelled run sends nothing.
	 * Returns the start time, to hand back to `onThrottled` if Jelou refuses the request.
	 */
	async waitTurn(signal?: AbortSignal): Promise<number> {
		for (;;) {
			if (signal?.aborted) throw cancelledError();
			const now = this.clock.now();
			const pause = this.pauseUntil - now;
			if (pause > 0) {
				await this.clock.sleep(pause, signal);
				continue;
			}
			if (this.spacingMs <= 0) return this.started(now);
			// Slots stay on one grid: a request that wakes a few milliseconds late does not push
			// every later slot back with it (only a gap of more than one slot restarts the grid).
			const slot = this.nextStart < now - this.spacingMs ? now : this.nextStart;
			this.nextStart = slot + this.spacingMs;
			if (slot > now) await this.clock.sleep(slot - now, signal);
			return this.started(this.clock.now());
		}
	}

	private started(at: number): number {
		this.starts.push(at);
		this.forgetOld(at);
		return at;
	}

	private forgetOld(now: number): void {
		// Two windows: a 429 may come back a while after its request started.
		const oldest = now - 2 * this.windowMs;
		while (this.starts.length > 0 && this.starts[0] <= oldest) this.starts.shift();
		while (this.refused.length > 0 && this.refused[0] <= oldest) this.refused.shift();
	}
}

function insertSorted(list: number[], value: number): void {
	let i = list.length;
	while (i > 0 && list[i - 1] > value) i--;
	list.splice(i, 0, value);
}
