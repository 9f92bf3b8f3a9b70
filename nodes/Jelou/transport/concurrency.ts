/**
 * How many requests of one execution may be in flight at once.
 *
 * With a Concurrency set by the user the limit is that number, fixed (`FixedConcurrency`). Without
 * one, `AdaptiveConcurrency` finds it while the run goes, because Jelou does not publish its
 * limits. The ideas come from TCP congestion control and from latency-based limiters:
 * - Slow start (TCP): begin with a few requests and double the limit every round while answers
 *   come back as fast as at the start; leave slow start as soon as latency begins to rise
 *   (HyStart's delay signal), then grow gently.
 * - Latency as the congestion signal (TCP Vegas, Netflix's Gradient limiter): a server that is
 *   overloaded queues requests before it refuses them, so its answers slow down first. Each round
 *   compares the median latency with the lowest median seen (the unloaded latency); above
 *   `tolerance` times that, the limit is cut in proportion to the excess.
 * - A 429 is a hard signal (AIMD, the AWS SDKs' adaptive retry mode): the limit is multiplied by
 *   0.7, at most once per round. The request rate after a 429 is the pacer's job (pacer.ts);
 *   this limit only keeps the number in flight sensible.
 * - The limit grows only in rounds where it was actually used (TCP's congestion window
 *   validation), so a run held back by the pacer or by slow items does not build up a limit it
 *   never tested.
 *
 * Pure: the clock is injected and nothing here starts a timer, so tests drive it with a
 * simulated server and a fake clock.
 */

/** What became of one request, as far as the limit is concerned. */
export type RequestOutcome = 'success' | 'throttled' | 'failed';

export interface RequestTicket {
	readonly startedAt: number;
}

export interface ConcurrencyLimit {
	/** Requests (and so items) that may be in flight now; at least 1. */
	readonly limit: number;
	/** Whether the limit changes while the run goes (false: the user's fixed Concurrency). */
	readonly adaptive: boolean;
	/** Call when a request is sent. */
	begin(): RequestTicket;
	/** Call once for every `begin`, when its answer (or failure) is in. */
	end(ticket: RequestTicket, outcome: RequestOutcome): void;
}

/** The user's Concurrency: exactly today's meaning, a fixed number of items in flight. */
export class FixedConcurrency implements ConcurrencyLimit {
	readonly adaptive = false;

	readonly limit: number;

	constructor(
		limit: number,
		private readonly now: () => number = () => Date.now(),
	) {
		this.limit = Math.max(1, Math.floor(limit));
	}

	begin(): RequestTicket {
		return { startedAt: this.now() };
	}

	/** A fixed limit learns nothing from answers. */
	end(): void {}
}

export interface AdaptiveConcurrencyOptions {
	/** Limit at the start (default 2: low enough that the first rounds measure unloaded latency). */
	initial?: number;
	/** The limit never goes above this (default `ADAPTIVE_CEILING`). */
	ceiling?: number;
	/** Round latency, as a multiple of the unloaded latency, above which the limit is cut. */
	tolerance?: number;
	now?: () => number;
}

/**
 * Highest limit the adaptive mode reaches. Above it a single n8n process gains nothing: n8n
 * spends roughly 0.5–1 ms of its one thread on every request (building it, opening a connection,
 * reading the answer), so at a typical 50 ms latency about 50–100 requests in flight already keep
 * that thread busy, and more would only queue inside n8n while loading Jelou harder. It is also
 * a bound on how hard one execution can hit an API whose limits are not published.
 */
export const ADAPTIVE_CEILING = 100;

export const ADAPTIVE_INITIAL = 2;

/**
 * Netflix's Gradient limiter defaults to 1.5–2 × the unloaded latency; 1.6 keeps a server whose
 * latency grows with load under 2 × its unloaded latency even when the first rounds already
 * loaded it a little.
 */
export const ADAPTIVE_TOLERANCE = 1.6;

/** Share of the limit that must have been in flight in a round for the limit to grow. */
const USED_SHARE = 0.8;

/** Cut on a 429 (CUBIC's β, also used by the AWS SDKs' adaptive mode). */
const THROTTLE_CUT = 0.7;

/** A latency cut never goes below half of the limit in one round. */
const LARGEST_CUT = 0.5;

/** Fewest answers that make a round: the median of fewer is mostly noise. */
const MIN_ROUND_SAMPLES = 3;

export class AdaptiveConcurrency implements ConcurrencyLimit {
	readonly adaptive = true;

	readonly ceiling: number;

	private readonly tolerance: number;

	private readonly now: () => number;

	/** The limit as a real number; `limit` is its floor. */
	private value: number;

	private slowStart = true;

	/** Lowest round median seen: the latency of an unloaded server (and n8n). */
	private baseMs = Number.POSITIVE_INFINITY;

	private inFlight = 0;

	/** Latencies of the successes of the current round. */
	private round: number[] = [];

	/** Most requests in flight at once during the current round. */
	private roundPeak = 0;

	/** Requests begun before this time belong to a round whose limit was since changed. */
	private roundStart: number;

	private lastThrottleCut = Number.NEGATIVE_INFINITY;

	/** Once Jelou has answered 429, the limit only creeps up (additive increase, as in AIMD). */
	private throttledOnce = false;

	constructor(options: AdaptiveConcurrencyOptions = {}) {
		this.now = options.now ?? (() => Date.now());
		this.ceiling = Math.max(1, Math.floor(options.ceiling ?? ADAPTIVE_CEILING));
		this.tolerance = Math.max(1.1, options.tolerance ?? ADAPTIVE_TOLERANCE);
		this.value = Math.min(this.ceiling, Math.max(1, options.initial ?? ADAPTIVE_INITIAL));
		this.roundStart = this.now();
	}

	get limit(): number {
		return Math.max(1, Math.floor(this.value));
	}

	/** Unloaded latency measured so far (milliseconds); Infinity before the first round. */
	get baseLatency(): number {
		return this.baseMs;
	}

	begin(): RequestTicket {
		this.inFlight++;
		if (this.inFlight > this.roundPeak) this.roundPeak = this.inFlight;
		return { startedAt: this.now() };
	}

	end(ticket: RequestTicket, outcome: RequestOutcome): void {
		this.inFlight = Math.max(0, this.inFlight - 1);
		const now = this.now();
		if (outcome === 'throttled') {
			this.onThrottled(now);
			return;
		}
		// Failures say nothing reliable about load (a 404 is fast, a time-out is the time-out):
		// the retry policy deals with them.
		if (outcome !== 'success') return;
		// An answer to a request sent under an older limit describes that limit, not this one.
		if (ticket.startedAt < this.roundStart) return;
		this.round.push(now - ticket.startedAt);
		if (this.round.length >= Math.max(MIN_ROUND_SAMPLES, this.limit)) this.endRound(now);
	}

	private onThrottled(now: number): void {
		// One burst brings many 429s: cut once per round (one unloaded latency, at least 1 ms).
		const roundMs = Number.isFinite(this.baseMs) ? Math.max(1, this.baseMs) : 1;
		if (now - this.lastThrottleCut < roundMs) return;
		this.lastThrottleCut = now;
		this.slowStart = false;
		this.throttledOnce = true;
		this.setValue(this.value * THROTTLE_CUT, now);
	}

	private endRound(now: number): void {
		const latency = median(this.round);
		const used = this.roundPeak >= Math.max(1, Math.floor(this.limit * USED_SHARE));
		// At one or two in flight there is no queue of ours at the server: whatever it answers
		// then is its unloaded latency, even if it has become slower since the lowest round.
		if (latency < this.baseMs || this.roundPeak <= 2) this.baseMs = latency;
		const ratio = this.baseMs > 0 ? latency / this.baseMs : 1;

		let next = this.value;
		if (ratio > this.tolerance) {
			// Cut in proportion to the excess, like the Gradient limiter, a little below the point
			// where latency would be back at the tolerance.
			this.slowStart = false;
			next = this.value * Math.max(LARGEST_CUT, (0.9 * this.tolerance) / ratio);
		} else if (used) {
			// The first half of the tolerance is "no rise yet"; past it, slow start ends and the
			// limit creeps up by one a round until latency reaches the tolerance.
			const risen = ratio > 1 + (this.tolerance - 1) / 2;
			if (risen) this.slowStart = false;
			if (this.slowStart) next = this.value * 2;
			else if (risen || this.throttledOnce) next = this.value + 1;
			else next = this.value + Math.max(1, this.value * 0.25);
		}
		this.setValue(next, now, next < this.value);
	}

	private setValue(next: number, now: number, newRound = true): void {
		const changed = Math.floor(Math.min(this.ceiling, Math.max(1, next))) !== this.limit;
		this.value = Math.min(this.ceiling, Math.max(1, next));
		this.round = [];
		this.roundPeak = this.inFlight;
		// After a cut, answers still coming from requests sent under the higher limit would cut
		// again for the same excess: only requests sent from now on count.
		if (newRound && changed) this.roundStart = now;
	}
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = sorted.length >> 1;
	return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
