import { getEventListeners } from 'node:events';

import { JelouRequestError } from '../../nodes/Jelou/transport/errors';
import { RequestPacer, waitUnlessCancelled } from '../../nodes/Jelou/transport/pacer';

/** A clock the test moves by hand, so cool-downs and pauses need no real waiting. */
function manualClock(start = 1_000_000) {
	let now = start;
	return {
		now: () => now,
		advance: (ms: number) => {
			now += ms;
		},
	};
}

describe('RequestPacer: the in-flight limit', () => {
	it('starts at the configured concurrency, floored and at least 1', () => {
		expect(new RequestPacer(10).limit).toBe(10);
		expect(new RequestPacer(7.9).limit).toBe(7);
		expect(new RequestPacer(0).limit).toBe(1);
		expect(new RequestPacer(-3).limit).toBe(1);
	});

	it('halves on a 429, and only once per cool-down however many 429s arrive together', () => {
		const clock = manualClock();
		const pacer = new RequestPacer(16, 1000, clock.now);

		pacer.onThrottled();
		expect(pacer.limit).toBe(8);
		// The rest of the same burst: nine more 429s within the cool-down change nothing.
		for (let i = 0; i < 9; i++) {
			clock.advance(50);
			pacer.onThrottled();
		}
		expect(pacer.limit).toBe(8);

		clock.advance(1000);
		pacer.onThrottled();
		expect(pacer.limit).toBe(4);
		clock.advance(1000);
		pacer.onThrottled();
		clock.advance(1000);
		pacer.onThrottled();
		expect(pacer.limit).toBe(1);
		clock.advance(1000);
		pacer.onThrottled();
		expect(pacer.limit).toBe(1);
	});

	it('halves on the first 429 even when the clock starts near zero', () => {
		const clock = manualClock(10);
		const pacer = new RequestPacer(10, 1000, clock.now);
		pacer.onThrottled();
		expect(pacer.limit).toBe(5);
	});

	it('recovers by one after twice the current limit of successes in a row, up to the maximum', () => {
		const clock = manualClock();
		const pacer = new RequestPacer(8, 1000, clock.now);
		pacer.onThrottled();
		expect(pacer.limit).toBe(4);

		for (let i = 0; i < 7; i++) pacer.onSuccess();
		expect(pacer.limit).toBe(4);
		pacer.onSuccess();
		expect(pacer.limit).toBe(5);

		// 5 → 6 needs 10 more, 6 → 7 needs 12, 7 → 8 needs 14; then it stays at the maximum.
		for (let i = 0; i < 10 + 12 + 14; i++) pacer.onSuccess();
		expect(pacer.limit).toBe(8);
		for (let i = 0; i < 100; i++) pacer.onSuccess();
		expect(pacer.limit).toBe(8);
	});

	it('a 429 in the middle of a run of successes restarts the count', () => {
		const clock = manualClock();
		const pacer = new RequestPacer(8, 1000, clock.now);
		pacer.onThrottled();
		for (let i = 0; i < 7; i++) pacer.onSuccess();
		pacer.onThrottled(); // within the cool-down: no halving, but the run of successes is lost
		expect(pacer.limit).toBe(4);
		for (let i = 0; i < 7; i++) pacer.onSuccess();
		expect(pacer.limit).toBe(4);
		pacer.onSuccess();
		expect(pacer.limit).toBe(5);
	});
});

describe('RequestPacer: waitTurn', () => {
	it('does not wait when nothing was throttled', async () => {
		const pacer = new RequestPacer(4);
		const started = Date.now();
		await pacer.waitTurn();
		expect(Date.now() - started).toBeLessThan(20);
	});

	it('waits until the Retry-After pause has passed, then lets everyone go', async () => {
		const pacer = new RequestPacer(4);
		pacer.onThrottled(150);
		const started = Date.now();
		const waited = await Promise.all([0, 1, 2].map(async () => {
			await pacer.waitTurn();
			return Date.now() - started;
		}));
		for (const ms of waited) {
			expect(ms).toBeGreaterThanOrEqual(140);
			expect(ms).toBeLessThan(400);
		}
	});

	it('keeps the longest pause when a shorter Retry-After arrives later', async () => {
		const pacer = new RequestPacer(4);
		pacer.onThrottled(200);
		pacer.onThrottled(10);
		const started = Date.now();
		await pacer.waitTurn();
		expect(Date.now() - started).toBeGreaterThanOrEqual(190);
	});

	it('a 429 without a wait (Retry-After: 0) halves the limit but does not pause', async () => {
		const pacer = new RequestPacer(4);
		pacer.onThrottled(0);
		expect(pacer.limit).toBe(2);
		const started = Date.now();
		await pacer.waitTurn();
		expect(Date.now() - started).toBeLessThan(20);
	});

	it('stops waiting as soon as the execution is cancelled', async () => {
		const pacer = new RequestPacer(4);
		pacer.onThrottled(30_000);
		const controller = new AbortController();
		const started = Date.now();
		const waiting = pacer.waitTurn(controller.signal);
		setTimeout(() => controller.abort(), 30);
		await expect(waiting).rejects.toThrow('The execution was cancelled');
		expect(Date.now() - started).toBeLessThan(500);
	});

	it('refuses a turn at once when the execution is already cancelled, even without a pause', async () => {
		const pacer = new RequestPacer(4);
		const controller = new AbortController();
		controller.abort();
		await expect(pacer.waitTurn(controller.signal)).rejects.toBeInstanceOf(JelouRequestError);
	});
});

describe('waitUnlessCancelled', () => {
	it('waits roughly the time asked', async () => {
		const started = Date.now();
		await waitUnlessCancelled(60, new AbortController().signal);
		const elapsed = Date.now() - started;
		expect(elapsed).toBeGreaterThanOrEqual(55);
		expect(elapsed).toBeLessThan(300);
	});

	it('leaves no listener behind on the execution signal after many waits', async () => {
		const signal = new AbortController().signal;
		for (let i = 0; i < 30; i++) await waitUnlessCancelled(0, signal);
		// n8n's sleepWithAbort alone would leave 30 here (and Node warns of a leak after 10).
		expect(getEventListeners(signal, 'abort')).toHaveLength(0);
	});

	it('rejects with the cancellation error when the signal aborts during the wait', async () => {
		const controller = new AbortController();
		const waiting = waitUnlessCancelled(30_000, controller.signal);
		controller.abort();
		await expect(waiting).rejects.toThrow('The execution was cancelled');
		expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
	});
});
