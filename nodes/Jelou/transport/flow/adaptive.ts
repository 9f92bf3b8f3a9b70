/**
 * The limit of requests in flight when the user set no Concurrency (a set one is
 * `FixedConcurrency`, limit.ts): `AdaptiveConcurrency` finds it while the run goes, because
 * Jelou does not publish its limits. The ideas come from TCP congestion control and from
 * latency-based limiters:
 * - Slow start (TCP): begin with a few requests and double the limit every round while answers
 *   come back about as fast as unloaded; leave slow start as soon as latency begins to rise
 *   (HyStart's delay signal).
 * - Only Jelou's latency counts. The time the node measures is Jelou's latency plus the wait for
 *   n8n's one thread, which grows with the answers in flight like an overloaded server's latency;
 *   that wait is measured (thread.ts) and subtracted from every answer before it is judged.
 * - The unloaded latency is the fastest round median seen (TCP's minimum round-trip time, as in
 *   Vegas and BBR, made robust to n8n's noise), measured again in short rounds at 2 in flight
 *   (BBR's ProbeRTT, `probeResume`) after the first round and when latency has risen.
 * - Delivery rate (BBR): the limit does not grow beyond `DELIVERY_GAIN` × the most answers a
 *   second seen × the unloaded latency. Once more in flight no longer brings more answers a
 *   second (n8n's thread is the bottleneck), more is not worth sending.
 * - Latency as the congestion signal (TCP Vegas, Netflix's Gradient limiter): a server that is
 *   overloaded queues requests before it refuses them, so its answers slow down first. After
 *   slow start every round moves the limit by the gradient `tolerance` ÷ (round median ÷
 *   unloaded latency): it settles where the median is `tolerance` × the unloaded latency.
 * - A 429 is a hard signal (AIMD, the AWS SDKs' adaptive retry mode): the limit is multiplied by
 *   0.7, at most once per round, and afterwards grows by at most one a round. The request rate
 *   after a 429 is the pacer's job (pacer.ts); this limit only keeps the number in flight sensible.
 * - The limit grows only in rounds where it was actually used (TCP's congestion window
 *   validation): a run held back by the pacer builds up no limit it never tested.
 *
 * Pure: the clock and n8n's thread delay are injected and nothing here starts a timer, so tests
 * drive it with a simulated server, a simulated n8n thread and a fake clock.
 */

import {
	MAX_CONCURRENCY,
	type ConcurrencyLimit,
	type RequestOutcome,
	type RequestTicket,
} from './limit';
import { NO_THREAD_DELAY, type ThreadDelay } from './thread';
import {
	ADAPTIVE_INITIAL,
	ADAPTIVE_TOLERANCE,
	DELIVERY_GAIN,
	DELIVERY_ROUNDS,
	LATENCY_FLOOR_MS,
	SLOW_START_EXIT,
	LARGEST_GROWTH,
	SMOOTHING,
	USED_SHARE,
	THROTTLE_CUT,
	LARGEST_CUT,
	PROBE_LIMIT,
	PROBE_AGAIN_MS,
	PROBE_EVERY_MS,
	MIN_ROUND_SAMPLES,
} from './tuning';

export interface AdaptiveConcurrencyOptions {
	/** Limit at the start (default `ADAPTIVE_INITIAL`). */
	initial?: number;
	/** The limit never goes above this (default `MAX_CONCURRENCY`). */
	ceiling?: number;
	/** Round latency, as a multiple of the unloaded latency, above which the limit is cut. */
	tolerance?: number;
	now?: () => number;
	/** n8n's own thread delay, subtracted from every latency (default: none measured). */
	thread?: ThreadDelay;
}

export class AdaptiveConcurrency implements ConcurrencyLimit {
	readonly adaptive = true;

	readonly ceiling: number;

	private readonly tolerance: number;
	private readonly now: () => number;
	private readonly thread: ThreadDelay;

	/** The limit as a real number; `limit` is its floor. */
	private value: number;

	/** Fastest round median (or probe answer) seen: the latency of an unloaded server and n8n. */
	private baseMs = Number.POSITIVE_INFINITY;
	private slowStart = true;
	private open = 0;

	/** Latencies of the successes of the current round: Jelou's share, and as measured. */
	private round: number[] = [];
	private roundRaw: number[] = [];

	/** When the current round began, and the answers a second of the last rounds. */
	private roundOpenedAt: number;

	private rates: number[] = [];

	/** Jelou's latency of the last round as a multiple of the unloaded latency. */
	private lastRatio = 1;

	/** Most requests in flight at once during the current round. */
	private roundPeak = 0;

	/** Requests begun before this time belong to a round whose limit was since changed. */
	private roundStart: number;

	private lastThrottleCut = Number.NEGATIVE_INFINITY;

	/** Once Jelou has answered 429, the limit only creeps up (additive increase, as in AIMD). */
	private throttledOnce = false;

	/**
	 * Set while the limit is held at `PROBE_LIMIT` for one round, to measure the unloaded latency
	 * on a server that our own requests no longer load (BBR's ProbeRTT): the limit to return to.
	 * Without it a server whose latency grows with load would never be seen unloaded again. Done
	 * once Jelou's latency has risen, again `PROBE_AGAIN_MS` later (a fresh n8n process is slow
	 * at first), then every `PROBE_EVERY_MS`, each time only if the latency is still up.
	 */
	private probeResume: number | undefined;

	private nextProbeAt: number;
	private probes = 0;

	constructor(options: AdaptiveConcurrencyOptions = {}) {
		this.now = options.now ?? (() => Date.now());
		this.ceiling = Math.max(1, Math.floor(options.ceiling ?? MAX_CONCURRENCY));
		this.thread = options.thread ?? NO_THREAD_DELAY;
		this.tolerance = Math.max(1.1, options.tolerance ?? ADAPTIVE_TOLERANCE);
		this.value = Math.min(this.ceiling, Math.max(1, options.initial ?? ADAPTIVE_INITIAL));
		this.roundStart = this.now();
		this.roundOpenedAt = this.roundStart;
		this.nextProbeAt = this.roundStart;
	}

	get limit(): number {
		return Math.max(1, Math.floor(this.value));
	}

	/** Unloaded latency measured so far (milliseconds); Infinity before the first round. */
	get baseLatency(): number {
		return this.baseMs;
	}

	begin(): RequestTicket {
		this.open++;
		if (this.open > this.roundPeak) this.roundPeak = this.open;
		// One request alone has no other answer to wait behind: no timer for a single call.
		if (this.open > 1) this.thread.watch(() => this.open > 0);
		return {
			startedAt: this.now(),
			threadTotal: this.thread.total,
			threadSamples: this.thread.samples,
		};
	}

	end(ticket: RequestTicket, outcome: RequestOutcome): void {
		this.open = Math.max(0, this.open - 1);
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
		this.roundRaw.push(now - ticket.startedAt);
		this.round.push(Math.max(0, now - ticket.startedAt - this.threadWait(ticket)));
		const probing = this.probeResume !== undefined;
		if (this.round.length >= (probing ? PROBE_LIMIT : Math.max(MIN_ROUND_SAMPLES, this.limit)))
			this.endRound(now);
	}

	/**
	 * How long this request's answer waited for n8n's thread: the mean delay measured while it was
	 * in flight (the latest one, for a request shorter than one measurement).
	 */
	private threadWait(ticket: RequestTicket): number {
		const samples = this.thread.samples - (ticket.threadSamples ?? 0);
		if (samples <= 0) return this.thread.latest;
		return (this.thread.total - (ticket.threadTotal ?? 0)) / samples;
	}

	private onThrottled(now: number): void {
		// One burst brings many 429s: cut once per round (one unloaded latency, at least 1 ms).
		const roundMs = Number.isFinite(this.baseMs) ? Math.max(1, this.baseMs) : 1;
		if (now - this.lastThrottleCut < roundMs) return;
		this.lastThrottleCut = now;
		this.slowStart = false;
		this.throttledOnce = true;
		if (this.probeResume !== undefined) this.probeResume *= THROTTLE_CUT;
		else this.setValue(this.value * THROTTLE_CUT, now);
	}

	private endRound(now: number): void {
		const latency = median(this.round);
		// The unloaded latency is the fastest round's median (of a probe: its fastest answer), not
		// the fastest answer seen: what the node measures also holds n8n's own time per request,
		// which varies by tens of milliseconds on a busy machine, and one lucky answer would make
		// every ordinary round look loaded.
		// Measured as it is, n8n's share included: subtracting an estimate could only make it
		// too small, and every round would then look loaded.
		const probing = this.probeResume !== undefined;
		const unloaded = probing ? Math.min(...this.roundRaw) : median(this.roundRaw);
		this.baseMs = Math.min(this.baseMs, unloaded);
		if (this.probeResume !== undefined) {
			const resume = this.probeResume;
			this.probeResume = undefined;
			this.setValue(resume, now);
			return;
		}
		// Measuring the unloaded latency costs a round at 2 in flight: done after the first round
		// (cheap while few are in flight; the first round's median is of a loaded server), and
		// later only when Jelou's latency has risen (it may be stale or overstated).
		if (now >= this.nextProbeAt && (this.probes === 0 || this.lastRatio > SLOW_START_EXIT)) {
			this.probes++;
			this.nextProbeAt = now + (this.probes === 1 ? PROBE_AGAIN_MS : PROBE_EVERY_MS);
			this.probeResume = this.value;
			this.setValue(PROBE_LIMIT, now);
			return;
		}
		const elapsed = now - this.roundOpenedAt;
		if (elapsed > 0)
			this.rates = [...this.rates, this.round.length / elapsed].slice(-DELIVERY_ROUNDS);
		const used = this.roundPeak >= Math.max(1, Math.floor(this.limit * USED_SHARE));
		// With one request in flight there is no queue of ours at the server: whatever it answers
		// then is its unloaded latency, even if it has become slower since the fastest answer (a
		// server that became slower for good cuts the limit down to 1, and this lets it recover).
		if (this.roundPeak <= 1) this.baseMs = median(this.roundRaw);
		const ratio = latency / Math.max(this.baseMs, LATENCY_FLOOR_MS);
		this.lastRatio = ratio;

		let next = this.value;
		if (this.slowStart && ratio <= SLOW_START_EXIT) {
			if (used) next = this.value * 2;
		} else {
			this.slowStart = false;
			const gradient = Math.min(LARGEST_GROWTH, Math.max(LARGEST_CUT, this.tolerance / ratio));
			let target = this.value * gradient;
			if (gradient > 1) {
				// Grow only a limit that was used, and after a 429 only by one a round (AIMD).
				if (!used) target = this.value;
				else if (this.throttledOnce) target = Math.min(target, this.value + 1);
			}
			// Cuts at once (a loaded server should not wait), growth halfway (one fast round is
			// no proof).
			next = target < this.value ? target : this.value + (target - this.value) * SMOOTHING;
		}
		// Before any 429 (after one the pacer sets the rate), more in flight than the answers a
		// second can use is not sent.
		if (next > this.value && !this.throttledOnce && this.rates.length > 0) {
			const cap = DELIVERY_GAIN * Math.max(...this.rates) * Math.max(this.baseMs, 1);
			next = Math.min(next, Math.max(this.value, cap));
		}
		this.setValue(next, now, next < this.value);
	}

	private setValue(next: number, now: number, newRound = true): void {
		const changed = Math.floor(Math.min(this.ceiling, Math.max(1, next))) !== this.limit;
		this.value = Math.min(this.ceiling, Math.max(1, next));
		this.round = [];
		this.roundRaw = [];
		this.roundOpenedAt = now;
		this.roundPeak = this.open;
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
