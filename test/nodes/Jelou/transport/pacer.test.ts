import { getEventListeners } from 'node:events';

import { JelouRequestError } from '../../../../nodes/Jelou/transport/errors';
import { waitUnlessCancelled } from '../../../../nodes/Jelou/transport/clock';
import { RequestPacer } from '../../../../nodes/Jelou/transport/flow/pacer';

/**
 * Every test runs on jest's fake timers, which also move Date.now(): waits are asserted on the
 * simulated clock, never on the wall clock.
 */
beforeEach(() => {
	jest.useFakeTimers({ now: 1_000_000 });
});

afterEach(() => {
	jest.useRealTimers();
});

/** Starts `count` requests through the pacer at the current time; returns their start times. */
async function startMany(pacer: RequestPacer, count: number): Promise<number[]> {
	const starts: number[] = [];
	for (let i = 0; i < count; i++) starts.push(await pacer.waitTurn());
	return starts;
}

/** Resolves when `promise` settles, moving the fake clock forward in small steps meanwhile. */
async function settle<T>(promise: Promise<T>, stepMs = 1): Promise<T> {
	let done = false;
	const tracked = promise.finally(() => {
		done = true;
	});
	for (let i = 0; i < 1_000_000 && !done; i++) await jest.advanceTimersByTimeAsync(stepMs);
	return await tracked;
}

describe('RequestPacer: measuring the rate Jelou accepts', () => {
	it('does not space requests before the first 429', async () => {
		const pacer = new RequestPacer();
		await startMany(pacer, 100);
		for (let i = 0; i < 100; i++) pacer.onSuccess();
		expect(pacer.spacing).toBe(0);
	});

	it('counts the requests Jelou accepted, even when their answers are not in yet (an instant 429)', async () => {
		const pacer = new RequestPacer();
		// 20 requests accepted within the last second, none answered yet; the 21st is refused at once.
		const starts = await startMany(pacer, 21);
		pacer.onThrottled(1000, starts[20]);
		// 20 accepted → 50 ms apart → 51 ms with the 2 % margin. A count of successes (0 here) would
		// have been far too slow.
		expect(pacer.spacing).toBeCloseTo(51, 5);
	});

	it('a burst of late 429s ends at the accepted rate: each one removes its request from the count', async () => {
		const pacer = new RequestPacer();
		const starts = await startMany(pacer, 28);
		await jest.advanceTimersByTimeAsync(50);
		// The 8 requests over the limit are refused after 50 ms, one after another.
		for (const startedAt of starts.slice(20)) pacer.onThrottled(1000, startedAt);
		expect(pacer.spacing).toBeCloseTo(51, 5);
	});

	it('counts only the requests of the last second', async () => {
		const pacer = new RequestPacer();
		await startMany(pacer, 30);
		await jest.advanceTimersByTimeAsync(1500);
		const later = await startMany(pacer, 11);
		pacer.onThrottled(0, later[10]);
		expect(pacer.spacing).toBeCloseTo(102, 5);
	});

	it('does not let a burst of 429s undo each other, and measures again on a later 429', async () => {
		const pacer = new RequestPacer();
		const starts = await startMany(pacer, 10);
		pacer.onThrottled(0, starts[9]);
		expect(pacer.spacing).toBeCloseTo((1000 / 9) * 1.02, 5);
		// Without `startedAt` nothing is removed from the count: it would speed up, but within the
		// same second a later 429 may only slow down.
		pacer.onThrottled(0);
		expect(pacer.spacing).toBeCloseTo((1000 / 9) * 1.02, 5);

		await jest.advanceTimersByTimeAsync(2000);
		// Five more requests, 113 ms apart, all within the last second; the fifth is refused.
		const later = await settle(startMany(pacer, 5));
		pacer.onThrottled(0, later[4]);
		expect(pacer.spacing).toBeCloseTo((1000 / 4) * 1.02, 5);
	});

	it('without any accepted request, doubles the spacing (or starts from 100 ms)', () => {
		const pacer = new RequestPacer();
		pacer.onThrottled();
		expect(pacer.spacing).toBeCloseTo(102, 5);
		jest.setSystemTime(Date.now() + 2000);
		pacer.onThrottled();
		expect(pacer.spacing).toBeCloseTo(208.08, 5);
	});

	it('without any accepted request, never spaces requests further apart than the Retry-After (or one second)', () => {
		// Queue mode: other executions use Jelou's whole budget, so every request of this one is
		// refused for a while. One request per Retry-After keeps it ready to take its share back.
		const pacer = new RequestPacer();
		for (let i = 0; i < 12; i++) {
			pacer.onThrottled(1000);
			jest.setSystemTime(Date.now() + 2000);
		}
		expect(pacer.spacing).toBeCloseTo(1020, 5);
		const patient = new RequestPacer();
		for (let i = 0; i < 12; i++) {
			patient.onThrottled(4000);
			jest.setSystemTime(Date.now() + 5000);
		}
		expect(patient.spacing).toBeCloseTo(4080, 5);
		const silent = new RequestPacer();
		for (let i = 0; i < 12; i++) {
			silent.onThrottled();
			jest.setSystemTime(Date.now() + 2000);
		}
		expect(silent.spacing).toBeCloseTo(1020, 5);
	});

	it('speeds up by 10 % a second after five quiet seconds', async () => {
		const pacer = new RequestPacer();
		const starts = await startMany(pacer, 21);
		pacer.onThrottled(0, starts[20]);
		jest.setSystemTime(Date.now() + 4000);
		pacer.onSuccess();
		expect(pacer.spacing).toBeCloseTo(51, 5);
		jest.setSystemTime(Date.now() + 1000);
		pacer.onSuccess();
		expect(pacer.spacing).toBeCloseTo(45.9, 5);
		pacer.onSuccess();
		expect(pacer.spacing).toBeCloseTo(45.9, 5);
		jest.setSystemTime(Date.now() + 1000);
		pacer.onSuccess();
		expect(pacer.spacing).toBeCloseTo(41.31, 5);
	});
});

describe('RequestPacer: waitTurn', () => {
	it('does not wait when nothing was throttled', async () => {
		const pacer = new RequestPacer();
		const started = Date.now();
		expect(await pacer.waitTurn()).toBe(started);
	});

	it('waits until the Retry-After pause has passed, then lets requests go one slot apart', async () => {
		const pacer = new RequestPacer();
		const starts = await startMany(pacer, 41);
		pacer.onThrottled(150, starts[40]);
		const t0 = Date.now();
		const turns = await settle(
			Promise.all([0, 1, 2].map(async () => (await pacer.waitTurn()) - t0)),
		);
		// 40 accepted in the last second: 25.5 ms between starts.
		expect(turns).toEqual([150, 150 + 25.5, 150 + 51].map((at) => expect.closeTo(at, -0.5)));
	});

	it('keeps the longest pause when a shorter Retry-After arrives later', async () => {
		const pacer = new RequestPacer();
		pacer.onThrottled(200);
		pacer.onThrottled(10);
		const t0 = Date.now();
		const at = await settle(pacer.waitTurn());
		expect(at - t0).toBe(200);
	});

	it('a 429 without a wait (Retry-After: 0) does not pause', async () => {
		const pacer = new RequestPacer();
		pacer.onThrottled(0);
		const t0 = Date.now();
		expect(await pacer.waitTurn()).toBe(t0);
	});

	it('gives each request its own slot once spacing applies', async () => {
		const pacer = new RequestPacer();
		const starts = await startMany(pacer, 26);
		pacer.onThrottled(0, starts[25]);
		expect(pacer.spacing).toBeCloseTo(40.8, 5);
		const t0 = Date.now();
		const turns = await settle(
			Promise.all([0, 1, 2, 3].map(async () => (await pacer.waitTurn()) - t0)),
		);
		expect(turns.sort((a, b) => a - b)).toEqual(
			[0, 40.8, 81.6, 122.4].map((at) => expect.closeTo(at, -0.5)),
		);
	});

	it('keeps the slots on one grid when a request is late for its slot', async () => {
		const pacer = new RequestPacer();
		const starts = await startMany(pacer, 11);
		pacer.onThrottled(0, starts[10]);
		expect(pacer.spacing).toBeCloseTo(102, 5);
		const t0 = Date.now();
		await pacer.waitTurn();
		// The next slot is at t0 + 102; the caller only comes at t0 + 110, a little late: it goes
		// at once, and the slot after it is still t0 + 204, not t0 + 212.
		await jest.advanceTimersByTimeAsync(110);
		expect((await pacer.waitTurn()) - t0).toBe(110);
		expect((await settle(pacer.waitTurn())) - t0).toBe(204);
		// After a long gap the grid starts again from now.
		await jest.advanceTimersByTimeAsync(1000);
		const t1 = Date.now();
		expect(await pacer.waitTurn()).toBe(t1);
		expect((await settle(pacer.waitTurn())) - t1).toBe(102);
	});

	it('only the first 429 pauses everyone; later short ones delay just their own request', async () => {
		const pacer = new RequestPacer();
		const starts = await startMany(pacer, 400);
		pacer.onThrottled(100, starts[399]);
		const first = Date.now();
		expect((await settle(pacer.waitTurn())) - first).toBe(100);
		pacer.onThrottled(5000 - 1);
		const second = Date.now();
		expect((await settle(pacer.waitTurn())) - second).toBeLessThan(100);
	});

	it('stops waiting as soon as the execution is cancelled', async () => {
		const pacer = new RequestPacer();
		pacer.onThrottled(30_000);
		const controller = new AbortController();
		const waiting = pacer.waitTurn(controller.signal);
		const outcome = expect(waiting).rejects.toThrow('The execution was cancelled');
		await jest.advanceTimersByTimeAsync(30);
		controller.abort();
		await outcome;
		expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
		expect(jest.getTimerCount()).toBe(0);
	});

	it('refuses a turn at once when the execution is already cancelled, even without a pause', async () => {
		const pacer = new RequestPacer();
		const controller = new AbortController();
		controller.abort();
		await expect(pacer.waitTurn(controller.signal)).rejects.toBeInstanceOf(JelouRequestError);
	});
});

/**
 * The whole loop on a simulated clock: workers that wait for their turn, a server that accepts
 * `rate` requests in any sliding second and refuses the rest with 429 + Retry-After: 1, either at
 * once or after its latency. The pacer must settle at the server's rate in both cases (the
 * earlier pacer settled about 20 % too slow when the 429 came at once).
 */
async function throttledRun(options: {
	items: number;
	rate: number;
	workers: number;
	latencyMs: number;
	instant429: boolean;
	/** Largest delay between a request's turn and its arrival at the server (n8n's own time per request). */
	jitterMs?: number;
}) {
	const pacer = new RequestPacer();
	// A fixed pseudo-random sequence: the same jitter in every run.
	let seed = 12345;
	const random = () => {
		seed = (seed * 1103515245 + 12345) % 2147483648;
		return seed / 2147483648;
	};
	const arrivals: number[] = [];
	let next = 0;
	let refused = 0;
	const t0 = Date.now();
	const worker = async () => {
		while (next < options.items) {
			next++;
			for (;;) {
				const startedAt = await pacer.waitTurn();
				const jitter = Math.floor(random() * (options.jitterMs ?? 0));
				if (jitter > 0) await new Promise((resolve) => setTimeout(resolve, jitter));
				const arrived = Date.now();
				const inWindow = arrivals.filter((at) => at > arrived - 1000).length;
				if (inWindow < options.rate) {
					arrivals.push(arrived);
					await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
					pacer.onSuccess();
					break;
				}
				refused++;
				if (!options.instant429)
					await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
				pacer.onThrottled(1000, startedAt);
				await new Promise((resolve) => setTimeout(resolve, 1000));
			}
		}
	};
	await settle(Promise.all(Array.from({ length: options.workers }, worker)), 100);
	return { totalMs: Date.now() - t0, refused, spacing: pacer.spacing };
}

describe('RequestPacer against a simulated rate-limited server', () => {
	it.each([
		['at once', true],
		['after the latency', false],
	])(
		'400 requests at 20/s with the 429 sent %s: within 1.05 × N / rate',
		async (_label, instant429) => {
			const run = await throttledRun({
				items: 400,
				rate: 20,
				workers: 10,
				latencyMs: 50,
				instant429,
			});
			expect(run.totalMs).toBeLessThanOrEqual(1.05 * 20_000);
			// The first burst is refused; after that the pacing stays under the limit.
			expect(run.refused).toBeLessThanOrEqual(15);
			expect(run.spacing).toBeCloseTo(51, 5);
		},
	);

	it.each([10, 20])(
		'400 requests at 20/s when each request reaches the server 0–%i ms after its turn: within 1.05 × N / rate',
		async (jitterMs) => {
			const run = await throttledRun({
				items: 400,
				rate: 20,
				workers: 10,
				latencyMs: 50,
				instant429: true,
				jitterMs,
			});
			expect(run.totalMs).toBeLessThanOrEqual(1.05 * 20_000);
			// A 429 caused by that unevenness does not slow the pacing down.
			expect(run.spacing).toBeCloseTo(51, 5);
		},
	);

	it('slows down when the limit really drops while paced', async () => {
		const pacer = new RequestPacer();
		const burst = await startMany(pacer, 21);
		pacer.onThrottled(0, burst[20]);
		expect(pacer.spacing).toBeCloseTo(51, 5);
		await jest.advanceTimersByTimeAsync(3000);
		// Jelou now takes 10 a second: the eleventh paced request of a second is refused.
		const paced = await settle(startMany(pacer, 11));
		const lastSecond = paced.filter((at) => at > paced[10] - 1000);
		pacer.onThrottled(0, paced[10]);
		expect(pacer.spacing).toBeCloseTo((1000 / (lastSecond.length - 1)) * 1.02, 5);
		expect(pacer.spacing).toBeGreaterThan(51 * 1.1);
	});

	it('5,000 requests at 100/s: within 1.10 × N / rate', async () => {
		const run = await throttledRun({
			items: 5000,
			rate: 100,
			workers: 20,
			latencyMs: 50,
			instant429: true,
		});
		expect(run.totalMs).toBeLessThanOrEqual(1.1 * 50_000);
		expect(run.spacing).toBeCloseTo(10.2, 5);
	});
});

describe('waitUnlessCancelled', () => {
	it('waits the time asked', async () => {
		const t0 = Date.now();
		await settle(waitUnlessCancelled(60, new AbortController().signal));
		expect(Date.now() - t0).toBe(60);
	});

	it('leaves no listener behind on the execution signal after many waits', async () => {
		const signal = new AbortController().signal;
		for (let i = 0; i < 30; i++) await settle(waitUnlessCancelled(0, signal));
		// n8n's sleepWithAbort alone would leave 30 here (and Node warns of a leak after 10).
		expect(getEventListeners(signal, 'abort')).toHaveLength(0);
	});

	it('rejects with the cancellation error when the signal aborts during the wait', async () => {
		const controller = new AbortController();
		const waiting = waitUnlessCancelled(30_000, controller.signal);
		expect(jest.getTimerCount()).toBe(1);
		controller.abort();
		await expect(waiting).rejects.toThrow('The execution was cancelled');
		expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
		// The timer is cleared too: a cancelled execution leaves nothing running in n8n's process
		// (and nothing that keeps jest from exiting).
		expect(jest.getTimerCount()).toBe(0);
	});
});
