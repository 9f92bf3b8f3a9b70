import { AdaptiveConcurrency } from '../../../../nodes/Jelou/transport/flow/adaptive';
import {
	FixedConcurrency,
	MAX_CONCURRENCY as ADAPTIVE_CEILING,
	type ConcurrencyLimit,
} from '../../../../nodes/Jelou/transport/flow/limit';
import type { ThreadLoad } from '../../../../nodes/Jelou/transport/flow/thread';

/**
 * A discrete-event simulation: a client that works through `items` the way the node's runner
 * does (start items while fewer than `limit` are in flight), against a simulated server, on a
 * simulated clock. Nothing here waits for real time; every run is deterministic.
 */
interface ServerModel {
	/** Answer time of a request that arrives while `inFlight` requests (itself included) are open. */
	latency(inFlight: number, now: number): number;
	/** Whether the server refuses this request with a 429; `instant` answers it at once. */
	throttle?(inFlight: number, now: number): boolean;
	/** Latency of a 429 (0: sent at once). */
	throttleLatency?: number;
}

interface SimResult {
	totalMs: number;
	/** Server-side latency of every successful request, in start order. */
	latencies: Array<{ at: number; ms: number }>;
	/** [time, requests in flight] after every change. */
	inFlight: Array<[number, number]>;
	limits: Array<[number, number]>;
	throttled: number;
	peakInFlight: number;
}

function simulate(
	makeLimit: (now: () => number, thread: ThreadLoad) => ConcurrencyLimit,
	server: ServerModel,
	items: number,
	/**
	 * n8n's own time per answer, added on the client side (the event loop between answers); a
	 * function of the answers done so far models a process that is slow at first (cold).
	 */
	clientMs: number | ((done: number) => number) = 0,
	/**
	 * Whether n8n's time per answer is spent on one thread: answers that arrive together wait
	 * for each other (a server answering in ~0 ms makes n8n the bottleneck).
	 */
	oneThread = false,
): SimResult {
	let threadFreeAt = 0;
	let clock = 0;
	const now = () => clock;
	type Event = { at: number; seq: number; run: () => void };
	const events: Event[] = [];
	let seq = 0;
	const schedule = (at: number, run: () => void) => {
		events.push({ at, seq: seq++, run });
	};
	// How long n8n's one thread has worked, as Node.js's event-loop utilization reports it
	// (thread.ts). Work on the thread is queued back to back (each answer starts when the thread
	// is free), so whatever is scheduled beyond now is one busy stretch up to `threadFreeAt`.
	let threadWork = 0;
	let serverOpen = 0;
	const thread: ThreadLoad = {
		busyMs: () => (oneThread ? threadWork - Math.max(0, threadFreeAt - clock) : undefined),
	};
	const limit = makeLimit(now, thread);
	const result: SimResult = {
		totalMs: 0,
		latencies: [],
		inFlight: [],
		limits: [],
		throttled: 0,
		peakInFlight: 0,
	};

	let next = 0;
	let done = 0;
	let itemsInFlight = 0;
	const retries: number[] = [];

	const send = (item: number) => {
		const ticket = limit.begin();
		serverOpen++;
		result.peakInFlight = Math.max(result.peakInFlight, serverOpen);
		result.inFlight.push([clock, serverOpen]);
		if (server.throttle?.(serverOpen, clock)) {
			result.throttled++;
			schedule(clock + (server.throttleLatency ?? 0), () => {
				serverOpen--;
				result.inFlight.push([clock, serverOpen]);
				limit.end(ticket, 'throttled');
				// The item is retried after a short pause (the transport's backoff).
				schedule(clock + 100, () => {
					retries.push(item);
					pump();
				});
				pump();
			});
			return;
		}
		const latency = server.latency(serverOpen, clock);
		const sentAt = clock;
		schedule(clock + latency, () => {
			serverOpen--;
			result.inFlight.push([clock, serverOpen]);
			result.latencies.push({ at: sentAt, ms: latency });
			const ownMs = typeof clientMs === 'number' ? clientMs : clientMs(done);
			const handledAt = oneThread ? Math.max(clock, threadFreeAt) + ownMs : clock + ownMs;
			threadFreeAt = handledAt;
			threadWork += ownMs;
			schedule(handledAt, () => {
				limit.end(ticket, 'success');
				itemsInFlight--;
				done++;
				result.limits.push([clock, limit.limit]);
				pump();
			});
		});
	};

	const pump = () => {
		while (itemsInFlight < limit.limit || retries.length > 0) {
			if (retries.length > 0) {
				send(retries.shift() as number);
				continue;
			}
			if (next >= items) break;
			itemsInFlight++;
			send(next++);
		}
	};

	pump();
	while (done < items) {
		events.sort((a, b) => a.at - b.at || a.seq - b.seq);
		const event = events.shift();
		if (!event) throw new Error('simulation stalled');
		clock = event.at;
		event.run();
	}
	result.totalMs = clock;
	return result;
}

const adaptive = (now: () => number, thread: ThreadLoad) =>
	new AdaptiveConcurrency({ now, thread });
const fixed = (n: number) => (now: () => number) => new FixedConcurrency(n, now);

/** Time-weighted mean of requests in flight between `from` and `to`. */
function meanInFlight(series: Array<[number, number]>, from: number, to: number): number {
	let area = 0;
	for (let i = 0; i < series.length; i++) {
		const [at, value] = series[i];
		const end = i + 1 < series.length ? series[i + 1][0] : to;
		const a = Math.max(at, from);
		const b = Math.min(end, to);
		if (b > a) area += value * (b - a);
	}
	return area / (to - from);
}

/** The fastest fixed limit whose every answer stays under `boundMs`: a sweep in the same model. */
function fastestFixedUnder(
	boundMs: number,
	server: ServerModel,
	items: number,
	clientMs: number,
): { limit: number; totalMs: number } {
	let best = { limit: 0, totalMs: Number.POSITIVE_INFINITY };
	for (let n = 1; n <= 40; n++) {
		const sweep = simulate(fixed(n), server, items, clientMs);
		const worst = Math.max(...sweep.latencies.map(({ ms }) => ms));
		if (worst < boundMs && sweep.totalMs < best.totalMs)
			best = { limit: n, totalMs: sweep.totalMs };
	}
	return best;
}

describe('FixedConcurrency', () => {
	it('keeps the number it was given, whatever the answers', () => {
		const limit: ConcurrencyLimit = new FixedConcurrency(7);
		for (let i = 0; i < 50; i++) limit.end(limit.begin(), i % 2 ? 'throttled' : 'success');
		expect(limit.limit).toBe(7);
		expect(limit.adaptive).toBe(false);
		expect(new FixedConcurrency(0).limit).toBe(1);
	});

	it('runs exactly that many in flight', () => {
		const run = simulate(fixed(10), { latency: () => 50 }, 200);
		expect(run.peakInFlight).toBe(10);
		expect(run.totalMs).toBe(1000);
	});
});

describe('AdaptiveConcurrency', () => {
	it('starts modestly', () => {
		const limit = new AdaptiveConcurrency({ now: () => 0 });
		expect(limit.limit).toBe(10);
		expect(limit.adaptive).toBe(true);
	});

	it('climbs to the ceiling and never above it when latency does not grow with load', () => {
		const run = simulate(adaptive, { latency: () => 50 }, 3000);
		expect(run.peakInFlight).toBe(ADAPTIVE_CEILING);
		expect(Math.max(...run.limits.map(([, l]) => l))).toBe(ADAPTIVE_CEILING);
		// Slow start: the ceiling is reached within a few rounds (10, the probe at 2, then
		// 10 → 20 → 40 → 80 → 160 → 200).
		const reached = run.limits.find(([, l]) => l === ADAPTIVE_CEILING);
		expect(reached?.[0]).toBeLessThanOrEqual(7 * 50);
		// 3000 items at 100 in flight take 1.5 s; the ramp costs only a few rounds more.
		expect(run.totalMs).toBeLessThanOrEqual(1.25 * 1500);
	});

	it('respects a lower ceiling', () => {
		const run = simulate(
			(now) => new AdaptiveConcurrency({ now, ceiling: 12 }),
			{ latency: () => 50 },
			500,
		);
		expect(run.peakInFlight).toBe(12);
	});

	it('keeps a server whose latency grows with load under 2 × its unloaded latency, close to the best fixed limit', () => {
		// 20 ms + 2 ms per request in flight: unloaded (1 in flight) 22 ms, 2 × = 44 ms. n8n adds
		// its own 3 ms to every answer (what the bench measures on a quiet machine).
		const server: ServerModel = { latency: (open) => 20 + 2 * open };
		const items = 3000;
		const run = simulate(adaptive, server, items, 3);

		// After the first rounds of probing, latency stays under 2 × the unloaded latency.
		const settled = run.latencies.filter(({ at }) => at > 500);
		const over = settled.filter(({ ms }) => ms >= 44).length;
		expect(over / settled.length).toBeLessThan(0.02);
		expect(Math.max(...settled.map(({ ms }) => ms))).toBeLessThan(48);

		const best = fastestFixedUnder(44, server, items, 3);
		expect(best.limit).toBe(11);
		expect(run.totalMs).toBeLessThanOrEqual(1.2 * best.totalMs);
		// It settles near that limit, not far below it.
		const mean = meanInFlight(run.inFlight, 1000, run.totalMs);
		expect(mean).toBeGreaterThan(7);
		expect(mean).toBeLessThan(12);
	});

	it("keeps n8n busy against a server that answers at once, where the time measured is mostly n8n's own", () => {
		// The server answers in 1 ms; n8n spends 2 ms of its one thread on each answer. The
		// answer times the node sees are n8n's queue, many times the 3 ms of an unloaded run; the
		// limit must not collapse to a few requests in flight, which would leave n8n idle.
		const server: ServerModel = { latency: () => 1 };
		const run = simulate(adaptive, server, 3000, 2, true);
		// Apart from the short rounds at 2 that measure the unloaded latency again.
		const limits = run.limits.filter(([at]) => at > 500).map(([, l]) => l);
		expect(limits.filter((l) => l < 8).length / limits.length).toBeLessThan(0.05);
		// n8n's thread is the limit: 3000 × 2 ms.
		expect(run.totalMs).toBeLessThanOrEqual(1.1 * 3000 * 2);
	});

	it("climbs when the rise in latency is n8n's own thread, not the server's", () => {
		// The server answers every request in 50 ms whatever the load; n8n spends 2 ms of its one
		// thread on each answer, so it can handle 500 answers a second and needs about 25 + the
		// queue in flight to stay busy. What the node measures rises with the number in flight
		// (answers wait for the thread), but the thread is busy all the time and the answers a
		// second stop growing: the rise is n8n's, the limit keeps n8n busy, and the run takes
		// about n8n's own time for 3000 answers.
		const run = simulate(adaptive, { latency: () => 50 }, 3000, 2, true);
		const settled = run.limits.filter(([at]) => at > 1000).map(([, l]) => l);
		// 500 answers a second × 50 ms = 25 in flight keep the server side full.
		expect(Math.min(...settled)).toBeGreaterThanOrEqual(30);
		expect(run.totalMs).toBeLessThanOrEqual(1.1 * 3000 * 2);
		// Not far beyond what n8n can use: tolerance × 500 answers a second × the unloaded latency.
		expect(run.peakInFlight).toBeLessThanOrEqual(80);
	});

	it('keeps n8n busy at 200 ms (an internet round trip): the ramp costs little', () => {
		// 500 answers a second × 200 ms: about 100 in flight keep n8n's thread busy. Slow start
		// gets there in a few rounds, with no round at two in flight at the start (the first
		// round's answers all took 200 ms: nothing queued), and the limit does not fall back while
		// n8n's thread is what limits the run.
		const run = simulate(adaptive, { latency: () => 200 }, 3000, 2, true);
		expect(run.limits.filter(([at]) => at < 1000).some(([, l]) => l === 2)).toBe(false);
		expect(meanInFlight(run.inFlight, 1000, run.totalMs)).toBeGreaterThanOrEqual(80);
		// The ramp, and the rounds where even the fastest answer waited long for n8n's queue
		// (read as Jelou's latency, so a cut and a probe), cost up to a quarter of n8n's own time.
		expect(run.totalMs).toBeLessThanOrEqual(1.3 * 3000 * 2);
	});

	it("holds when the rise in latency is the server's, on the same busy thread", () => {
		// The same thread (2 ms of n8n's time an answer), but the server slows down with load
		// (20 ms + 2 ms per request in flight): the answers a second go on growing with the
		// number in flight while n8n's thread still has time to spare, so the rise is the
		// server's, and the limit keeps it under 2 × its unloaded 22 ms.
		const server: ServerModel = { latency: (open) => 20 + 2 * open };
		const run = simulate(adaptive, server, 3000, 2, true);
		const settled = run.latencies.filter(({ at }) => at > 500);
		expect(settled.filter(({ ms }) => ms >= 44).length / settled.length).toBeLessThan(0.02);
		const mean = meanInFlight(run.inFlight, 1000, run.totalMs);
		expect(mean).toBeGreaterThan(6);
		expect(mean).toBeLessThan(12);
	});

	it("holds when the server's latency rises while n8n's thread is the bottleneck too", () => {
		// n8n spends 4 ms of its one thread on each answer (250 a second at most, what a busy
		// machine leaves it), and the server slows down with load: n8n's thread is busy all the
		// time, but the answers that waited least for it show that Jelou's own latency rose, so
		// the limit still keeps the server under 2 × its unloaded 22 ms.
		const server: ServerModel = { latency: (open) => 20 + 2 * open };
		const run = simulate(adaptive, server, 3000, 4, true);
		const settled = run.latencies.filter(({ at }) => at > 1000);
		expect(settled.filter(({ ms }) => ms >= 44).length / settled.length).toBeLessThan(0.05);
		// n8n stays busy: 3000 answers × 4 ms.
		expect(run.totalMs).toBeLessThanOrEqual(1.15 * 3000 * 4);
	});

	it("holds too when n8n's share of each answer is small", () => {
		const server: ServerModel = { latency: (open) => 20 + 2 * open };
		const run = simulate(adaptive, server, 3000, 0.5, true);
		const settled = run.latencies.filter(({ at }) => at > 500);
		expect(settled.filter(({ ms }) => ms >= 44).length / settled.length).toBeLessThan(0.02);
		const mean = meanInFlight(run.inFlight, 1000, run.totalMs);
		expect(mean).toBeGreaterThan(7);
		expect(mean).toBeLessThan(12);
	});

	it('does not fall back on a busy machine whose delays have nothing to do with the number in flight', () => {
		// Other processes share the cores: every answer waits 0–60 ms more for n8n to be scheduled
		// at all (fixed pseudo-random values, the same in every run), however many are in flight.
		// Single slow rounds must not pull the limit down: the server itself stays at 50 ms.
		let seed = 7;
		const noise = () => {
			seed = (seed * 1103515245 + 12345) % 2147483648;
			return (seed / 2147483648) * 60;
		};
		const run = simulate(adaptive, { latency: () => 50 }, 3000, () => noise());
		const settled = run.limits.filter(([at]) => at > 1000).map(([, l]) => l);
		expect(Math.min(...settled)).toBeGreaterThanOrEqual(40);
	});

	it('takes the unloaded latency from round medians and from the probe at two in flight, not from one lucky answer', () => {
		// 10 requests start together; the first to arrive finds the server idle (22 ms), the
		// others queue behind it: the round's median (31 ms) is of a loaded server. The probe
		// that follows (two in flight) measures 22 ms.
		let clock = 0;
		const limit = new AdaptiveConcurrency({ now: () => clock });
		const tickets = Array.from({ length: 10 }, () => limit.begin());
		tickets.forEach((ticket, i) => {
			clock = 22 + 2 * i;
			limit.end(ticket, 'success');
		});
		expect(limit.baseLatency).toBe(31);
		expect(limit.limit).toBe(2);
		const probe = [limit.begin(), limit.begin()];
		clock += 22;
		limit.end(probe[0], 'success');
		clock += 2;
		limit.end(probe[1], 'success');
		expect(limit.baseLatency).toBe(22);
		expect(limit.limit).toBe(10);
	});

	it('stays under 2 × the server latency when a busy n8n adds 10 ms of its own to every answer', () => {
		// What the node measures is the server's latency plus n8n's own time per answer: the
		// server's part must still stay under 2 × its unloaded 22 ms.
		const server: ServerModel = { latency: (open) => 20 + 2 * open };
		const items = 3000;
		const run = simulate(adaptive, server, items, 10);
		const settled = run.latencies.filter(({ at }) => at > 500);
		expect(settled.filter(({ ms }) => ms >= 44).length / settled.length).toBeLessThan(0.05);
		const best = fastestFixedUnder(44, server, items, 10);
		expect(run.totalMs).toBeLessThanOrEqual(1.2 * best.totalMs);
	});

	it('measures the unloaded latency again once latency rises, and a second later, so a cold start does not leave the limit too high', () => {
		// A fresh n8n process answers its first requests slowly (40 ms of its own, then 3 ms),
		// so the first round's fastest answer overstates the unloaded latency, and every later
		// round keeps the server loaded. One round at two in flight measures it again.
		const server: ServerModel = { latency: (open) => 20 + 2 * open };
		const run = simulate(adaptive, server, 3000, (done) => (done < 10 ? 40 : 3));
		const settled = run.latencies.filter(({ at }) => at > 1000);
		expect(settled.filter(({ ms }) => ms >= 44).length / settled.length).toBeLessThan(0.05);
		// The probe: the limit drops to 2 once, right after slow start, then comes back.
		const early = run.limits.filter(([at]) => at < 500).map(([, l]) => l);
		expect(early).toContain(2);
		const mean = meanInFlight(run.inFlight, 1000, run.totalMs);
		expect(mean).toBeGreaterThan(7);
		expect(mean).toBeLessThan(12);
	});

	it('measures it once more when n8n has warmed up, if the first probe came while it was cold', () => {
		// n8n is slow for its first 40 answers (30 ms of its own), so the first probe (after 10
		// answers) overstates the unloaded latency by half; the second, a second later, does not.
		const server: ServerModel = { latency: (open) => 20 + 2 * open };
		const run = simulate(adaptive, server, 4000, (done) => (done < 40 ? 30 : 3));
		const settled = run.latencies.filter(({ at }) => at > 2000);
		expect(settled.filter(({ ms }) => ms >= 44).length / settled.length).toBeLessThan(0.05);
	});

	it('recovers when the server becomes slower for good, whatever the load', () => {
		// From t = 0.5 s every answer takes 200 ms more. The limit falls to 1; a round at one in
		// flight measures the new unloaded latency and the limit climbs back.
		const server: ServerModel = { latency: (_open, now) => (now >= 500 ? 250 : 50) };
		const run = simulate(adaptive, server, 20000);
		const limits = run.limits.map(([, l]) => l);
		expect(Math.min(...limits)).toBeLessThanOrEqual(2);
		// Latency no longer grows with load: back at the ceiling well before the end.
		const late = run.limits.filter(([at]) => at > 0.75 * run.totalMs).map(([, l]) => l);
		expect(late.length).toBeGreaterThan(100);
		expect(late.filter((l) => l === ADAPTIVE_CEILING).length / late.length).toBeGreaterThan(0.95);
	});

	it('settles near the concurrency a server with a fixed number of workers sustains', () => {
		// 20 workers of 50 ms each: beyond 20 in flight, requests queue and latency climbs.
		const workers = 20;
		const server: ServerModel = { latency: (open) => 50 * Math.ceil(open / workers) };
		const run = simulate(adaptive, server, 4000);
		const mean = meanInFlight(run.inFlight, 1000, run.totalMs);
		expect(mean).toBeGreaterThanOrEqual(workers * 0.8);
		expect(mean).toBeLessThanOrEqual(workers * 1.6);
		// Throughput close to the server's: 20 per 50 ms.
		expect(run.totalMs).toBeLessThanOrEqual(1.2 * ((4000 / workers) * 50));
	});

	it('cuts the limit on a 429, once per round, and stays near what the server accepts', () => {
		// The server accepts 15 in flight and answers a 429 at once to the 16th.
		const server: ServerModel = {
			latency: () => 50,
			throttle: (open) => open > 15,
			throttleLatency: 0,
		};
		const run = simulate(adaptive, server, 3000);
		// Slow start overshoots once (16 → 32); after that the 429s are rare.
		expect(run.throttled).toBeLessThan(0.05 * 3000);
		const mean = meanInFlight(run.inFlight, 1000, run.totalMs);
		expect(mean).toBeGreaterThan(10);
		expect(mean).toBeLessThanOrEqual(15.5);
		expect(run.peakInFlight).toBeLessThanOrEqual(ADAPTIVE_CEILING);
	});

	it('cuts by 0.7 at a 429 but not again for the rest of that burst', () => {
		let clock = 0;
		const limit = new AdaptiveConcurrency({ now: () => clock, initial: 40 });
		const round = (size: number) => {
			const tickets = Array.from({ length: size }, () => limit.begin());
			clock += 50;
			for (const ticket of tickets) limit.end(ticket, 'success');
		};
		// The first round's answers all took 50 ms: nothing queued, no probe; slow start doubles.
		round(40);
		expect(limit.limit).toBe(80);

		const burst = Array.from({ length: 10 }, () => limit.begin());
		for (const ticket of burst) limit.end(ticket, 'throttled');
		expect(limit.limit).toBe(56);
		clock += 70;
		limit.end(limit.begin(), 'throttled');
		expect(limit.limit).toBe(39);
	});

	it('keeps a 429 that comes during the probe for the limit it returns to', () => {
		let clock = 0;
		const limit = new AdaptiveConcurrency({ now: () => clock, initial: 40 });
		// The first round queued at the server (answers from 50 to 128 ms): a probe follows.
		const first = Array.from({ length: 40 }, () => limit.begin());
		first.forEach((ticket, i) => {
			clock = 50 + 2 * i;
			limit.end(ticket, 'success');
		});
		expect(limit.limit).toBe(2);
		const probe = [limit.begin(), limit.begin()];
		limit.end(limit.begin(), 'throttled');
		expect(limit.limit).toBe(2);
		clock += 50;
		for (const ticket of probe) limit.end(ticket, 'success');
		expect(limit.limit).toBe(28);
	});

	it('comes down when the server gets slower under the same load', () => {
		// Another client starts loading the server at t = 3 s: each request of ours now costs
		// three times as much latency.
		const server: ServerModel = { latency: (open, now) => 20 + (now >= 3000 ? 6 : 2) * open };
		const run = simulate(adaptive, server, 4000);
		const before = meanInFlight(run.inFlight, 1500, 3000);
		const after = meanInFlight(run.inFlight, 4000, run.totalMs);
		expect(after).toBeLessThan(before * 0.6);
		// Unloaded, the slower server answers in 26 ms: 20 + 6 × n stays under 2 × that for n ≤ 5.
		const late = run.latencies.filter(({ at }) => at > 4000);
		expect(late.filter(({ ms }) => ms >= 52).length / late.length).toBeLessThan(0.02);
	});

	it('does not grow while the limit is not used (e.g. while the pacer holds requests back)', () => {
		let clock = 0;
		const limit = new AdaptiveConcurrency({ now: () => clock, initial: 10 });
		for (let i = 0; i < 100; i++) {
			const ticket = limit.begin();
			clock += 50;
			limit.end(ticket, 'success');
		}
		expect(limit.limit).toBe(10);
	});

	it('ignores failures that are not throttling', () => {
		let clock = 0;
		const limit = new AdaptiveConcurrency({ now: () => clock, initial: 10 });
		for (let i = 0; i < 100; i++) {
			const ticket = limit.begin();
			clock += 5000;
			limit.end(ticket, 'failed');
		}
		expect(limit.limit).toBe(10);
	});

	it('is deterministic', () => {
		const server: ServerModel = { latency: (open) => 20 + 2 * open };
		const a = simulate(adaptive, server, 1000);
		const b = simulate(adaptive, server, 1000);
		expect(a.limits).toEqual(b.limits);
		expect(a.totalMs).toBe(b.totalMs);
	});
});
