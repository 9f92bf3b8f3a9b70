/**
 * The limit of requests in flight when the user set no Concurrency (a set one is
 * `FixedConcurrency`, limit.ts): `AdaptiveConcurrency` finds it while the run goes, because
 * Jelou does not publish its limits. The ideas come from TCP congestion control and from
 * latency-based limiters:
 * - Slow start (TCP): begin with a few requests and double the limit every round while answers
 *   come back about as fast as unloaded; leave slow start as soon as latency begins to rise
 *   (HyStart's delay signal), unless the rise is n8n's own (below) and answers a second still grow.
 * - The bandwidth-delay product (BBR): after slow start the limit is `tolerance` × the most answers
 *   a second of the last rounds × the unloaded latency. Where Jelou is the bottleneck (a server
 *   whose latency grows with load), that settles where Jelou's latency is `tolerance` × its
 *   unloaded latency; where n8n's one thread is (it handles every answer), the answers a second
 *   stop growing, the latency the node measures rises with n8n's own queue, and the limit still
 *   keeps enough in flight for n8n never to wait. A max and a min over rounds, not the last round,
 *   so that one slow round on a busy machine cuts nothing.
 * - n8n's thread (thread.ts): in a round where it worked nearly all the time
 *   (`THREAD_BUSY_SHARE`), the rise in latency is n8n's queue, not Jelou's: it neither ends slow
 *   start (while answers a second still grow) nor calls for a new probe of the unloaded latency.
 * - The unloaded latency is the fastest round median seen (TCP's minimum round-trip time, as in
 *   Vegas and BBR, made robust to n8n's noise), measured again in short rounds at 2 in flight
 *   (BBR's ProbeRTT, `probeResume`) after a first round whose answers queued, and when latency
 *   has risen.
 * - A 429 is a hard signal (AIMD, the AWS SDKs' adaptive retry mode): the limit is multiplied by
 *   0.7, at most once per round, and afterwards follows the latency gradient (TCP Vegas, Netflix's
 *   Gradient limiter) growing by at most one a round. The request rate
 *   after a 429 is the pacer's job (pacer.ts); this limit only keeps the number in flight sensible.
 * - The limit grows only in rounds where it was actually used (TCP's congestion window
 *   validation): a run held back by the pacer builds up no limit it never tested.
 *
 * Pure: the clock and n8n's thread load are injected and nothing here starts a timer, so tests
 * drive it with a simulated server, a simulated n8n thread and a fake clock.
 */

import {
	MAX_CONCURRENCY,
	type ConcurrencyLimit,
	type RequestOutcome,
	type RequestTicket,
} from './limit';
import { median, type AdaptiveConcurrencyOptions, type AdaptiveRound } from './round';
import { NO_THREAD_LOAD, type ThreadLoad } from './thread';
import {
	ADAPTIVE_INITIAL,
	ADAPTIVE_TOLERANCE,
	DELIVERY_GAIN,
	DELIVERY_RISE,
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
	THREAD_BUSY_SHARE,
	UNLOADED_SPREAD,
} from './tuning';

export class AdaptiveConcurrency implements ConcurrencyLimit {
	readonly adaptive = true;

	readonly ceiling: number;

	private readonly tolerance: number;
	private readonly now: () => number;
	private readonly thread: ThreadLoad;
	private readonly onRound?: (round: AdaptiveRound) => void;

	/** The limit as a real number; `limit` is its floor. */
	private value: number;

	/** Fastest round median (or probe answer) seen: the latency of an unloaded server and n8n. */
	private baseMs = Number.POSITIVE_INFINITY;
	private slowStart = true;
	private open = 0;

	/** Latencies of the successes of the current round, as measured. */
	private round: number[] = [];

	/** When the current round began, and how long n8n's thread had been busy by then. */
	private roundOpenedAt: number;

	private roundBusyAt: number | undefined;

	/** Answers a second of the last rounds. */

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
	 * after the first round unless its answers all came back about as fast as its fastest (then
	 * nothing queued, and its median is the unloaded latency), once Jelou's latency has risen,
	 * again `PROBE_AGAIN_MS` later (a fresh n8n process is slow at first), then every
	 * `PROBE_EVERY_MS`, each time only if the latency is still up.
	 */
	private probeResume: number | undefined;

	private nextProbeAt: number;
	private probes = 0;
	private rounds = 0;

	constructor(options: AdaptiveConcurrencyOptions = {}) {
		this.now = options.now ?? (() => Date.now());
		this.ceiling = Math.max(1, Math.floor(options.ceiling ?? MAX_CONCURRENCY));
		this.thread = options.thread ?? NO_THREAD_LOAD;
		this.onRound = options.onRound;
		this.tolerance = Math.max(1.1, options.tolerance ?? ADAPTIVE_TOLERANCE);
		this.value = Math.min(this.ceiling, Math.max(1, options.initial ?? ADAPTIVE_INITIAL));
		this.roundStart = this.now();
		this.roundOpenedAt = this.roundStart;
		this.roundBusyAt = this.thread.busyMs();
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
		return { startedAt: this.now() };
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
		this.round.push(now - ticket.startedAt);
		const probing = this.probeResume !== undefined;
		if (this.round.length >= (probing ? PROBE_LIMIT : Math.max(MIN_ROUND_SAMPLES, this.limit)))
			this.endRound(now);
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

	/** Share of the round n8n's thread spent working, where it is measured. */
	private busyShare(now: number): number | undefined {
		const busy = this.thread.busyMs();
		const elapsed = now - this.roundOpenedAt;
		if (busy === undefined || this.roundBusyAt === undefined || elapsed <= 0) return undefined;
		return Math.min(1, Math.max(0, (busy - this.roundBusyAt) / elapsed));
	}

	private endRound(now: number): void {
		this.rounds++;
		const latency = median(this.round);
		const busyShare = this.busyShare(now);
		const elapsed = now - this.roundOpenedAt;
		// Answers a second, over at least one latency: answers that arrive in a bunch (a server
		// with a fixed number of workers answers them together) are not a rate it can sustain.
		const span = Math.max(elapsed, latency);
		const rate = span > 0 ? this.round.length / span : 0;
		const report = (probe: boolean) =>
			this.onRound?.({
				at: now,
				latencyMs: latency,
				baseMs: this.baseMs,
				rate: rate * 1000,
				busyShare,
				probe,
				peak: this.roundPeak,
				limit: this.limit,
			});
		// The unloaded latency is the fastest round's median (of a probe: its fastest answer), not
		// the fastest answer seen: what the node measures also holds n8n's own time per request,
		// which varies by tens of milliseconds on a busy machine, and one lucky answer would make
		// every ordinary round look loaded.
		const probing = this.probeResume !== undefined;
		this.baseMs = Math.min(this.baseMs, probing ? Math.min(...this.round) : latency);
		if (this.probeResume !== undefined) {
			const resume = this.probeResume;
			this.probeResume = undefined;
			this.setValue(resume, now);
			report(true);
			return;
		}
		// Measuring the unloaded latency costs a round at 2 in flight. After the first round it is
		// needed only when that round's answers queued at the server (its median is then of a
		// loaded server; answers all about as fast as the fastest mean nothing queued); later
		// only when Jelou's latency has risen (it may be stale or overstated).
		const firstQueued = this.rounds === 1 && latency > UNLOADED_SPREAD * Math.min(...this.round);
		const risen = this.rounds > 1 && this.lastRatio > SLOW_START_EXIT;
		if (now >= this.nextProbeAt && (firstQueued || risen)) {
			this.probes++;
			this.nextProbeAt = now + (this.probes === 1 ? PROBE_AGAIN_MS : PROBE_EVERY_MS);
			this.probeResume = this.value;
			this.setValue(PROBE_LIMIT, now);
			report(true);
			return;
		}
		const used = this.roundPeak >= Math.max(1, Math.floor(this.limit * USED_SHARE));
		const bestBefore = this.rates.length > 0 ? Math.max(...this.rates) : 0;
		if (span > 0) this.rates = [...this.rates, rate].slice(-DELIVERY_ROUNDS);
		// With one request in flight there is no queue of ours at the server: whatever it answers
		// then is its unloaded latency, even if it has become slower since the fastest answer (a
		// server that became slower for good cuts the limit down to 1, and this lets it recover).
		if (this.roundPeak <= 1) this.baseMs = latency;
		const floor = Math.max(this.baseMs, LATENCY_FLOOR_MS);
		// n8n's thread worked nearly all the round: n8n is the bottleneck, and the median is mostly
		// n8n's queue. Jelou's latency is then best seen in the answer that waited least for n8n,
		// the round's fastest; otherwise in the round's median.
		const threadBound = busyShare !== undefined && busyShare >= THREAD_BUSY_SHARE;
		const ratio = (threadBound ? Math.min(...this.round) : latency) / floor;
		// The fastest answer of a round with n8n's queue still waited some: only a clear rise
		// calls for a new probe of the unloaded latency.
		this.lastRatio = threadBound && ratio <= this.tolerance ? 1 : ratio;

		let next = this.value;
		if (threadBound && ratio <= this.tolerance) {
			// Jelou answers about as fast as unloaded: a cut would only leave n8n's thread idle. The
			// limit holds, and slow start goes on while more in flight still brings more answers a
			// second (BBR's full-bandwidth check).
			const rising = bestBefore === 0 || rate > DELIVERY_RISE * bestBefore;
			if (this.slowStart && rising && used) next = this.value * 2;
			else if (!rising) this.slowStart = false;
		} else if (this.slowStart && ratio <= SLOW_START_EXIT) {
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
		report(false);
	}

	private setValue(next: number, now: number, newRound = true): void {
		const changed = Math.floor(Math.min(this.ceiling, Math.max(1, next))) !== this.limit;
		this.value = Math.min(this.ceiling, Math.max(1, next));
		this.round = [];
		this.roundOpenedAt = now;
		this.roundBusyAt = this.thread.busyMs();
		this.roundPeak = this.open;
		// After a cut, answers still coming from requests sent under the higher limit would cut
		// again for the same excess: only requests sent from now on count.
		if (newRound && changed) this.roundStart = now;
	}
}

export type { AdaptiveConcurrencyOptions, AdaptiveRound };
