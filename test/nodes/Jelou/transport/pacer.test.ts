import { getEventListeners } from 'node:events';

import { JelouRequestError } from '../../../../nodes/Jelou/transport/errors';
import { RequestPacer, waitUnlessCancelled } from '../../../../nodes/Jelou/transport/pacer';

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

describe('RequestPacer: pacing after 429s', () => {
	it('keeps the configured concurrency as its in-flight limit, never below 1', () => {
		expect(new RequestPacer(10).limit).toBe(10);
		expect(new RequestPacer(7.9).limit).toBe(7);
		expect(new RequestPacer(0).limit).toBe(1);
		expect(new RequestPacer(-3).limit).toBe(1);
	});

	it('does not space requests before the first 429', () => {
		const clock = manualClock();
		const pacer = new RequestPacer(10, 1000, clock.now);
		for (let i = 0; i < 100; i++) pacer.onSuccess();
		expect(pacer.spacing).toBe(0);
	});

	it('spaces request starts 5 % under the rate that succeeded during the last second', () => {
		const clock = manualClock();
		const pacer = new RequestPacer(10, 1000, clock.now);
		for (let i = 0; i < 20; i++) {
			pacer.onSuccess();
			clock.advance(10);
		}
		pacer.onThrottled(1000);
		// 20 successes in the last second → 50 ms apart → 52.5 ms with the margin.
		expect(pacer.spacing).toBeCloseTo(52.5, 5);
	});

	it('counts only the successes of the last second', () => {
		const clock = manualClock();
		const pacer = new RequestPacer(10, 1000, clock.now);
		for (let i = 0; i < 30; i++) pacer.onSuccess();
		clock.advance(1500);
		for (let i = 0; i < 10; i++) pacer.onSuccess();
		pacer.onThrottled();
		expect(pacer.spacing).toBeCloseTo(105, 5);
	});

	it('does not let a burst of 429s undo each other, and slows down again on a later 429', () => {
		const clock = manualClock();
		const pacer = new RequestPacer(10, 1000, clock.now);
		for (let i = 0; i < 20; i++) pacer.onSuccess();
		pacer.onThrottled();
		pacer.onThrottled();
		pacer.onThrottled();
		expect(pacer.spacing).toBeCloseTo(52.5, 5);

		clock.advance(2000);
		for (let i = 0; i < 10; i++) pacer.onSuccess();
		pacer.onThrottled();
		expect(pacer.spacing).toBeCloseTo(105, 5);
	});

	it('without any recent success, doubles the spacing (or starts from one request per slot)', () => {
		const clock = manualClock();
		const pacer = new RequestPacer(4, 1000, clock.now);
		pacer.onThrottled();
		expect(pacer.spacing).toBeCloseTo(262.5, 5);
		clock.advance(2000);
		pacer.onThrottled();
		expect(pacer.spacing).toBeCloseTo(551.25, 5);
	});

	it('speeds up by 10 % a second after five quiet seconds', () => {
		const clock = manualClock();
		const pacer = new RequestPacer(10, 1000, clock.now);
		for (let i = 0; i < 20; i++) pacer.onSuccess();
		pacer.onThrottled();
		clock.advance(4000);
		pacer.onSuccess();
		expect(pacer.spacing).toBeCloseTo(52.5, 5);
		clock.advance(1000);
		pacer.onSuccess();
		expect(pacer.spacing).toBeCloseTo(47.25, 5);
		pacer.onSuccess();
		expect(pacer.spacing).toBeCloseTo(47.25, 5);
		clock.advance(1000);
		pacer.onSuccess();
		expect(pacer.spacing).toBeCloseTo(42.525, 5);
	});
});

describe('RequestPacer: waitTurn', () => {
	it('does not wait when nothing was throttled', async () => {
		const pacer = new RequestPacer(4);
		const started = Date.now();
		await pacer.waitTurn();
		expect(Date.now() - started).toBeLessThan(20);
	});

	it('waits until the Retry-After pause has passed, then lets requests go one slot apart', async () => {
		const pacer = new RequestPacer(4);
		for (let i = 0; i < 40; i++) pacer.onSuccess();
		pacer.onThrottled(150);
		const started = Date.now();
		const waited = await Promise.all([0, 1, 2].map(async () => {
			await pacer.waitTurn();
			return Date.now() - started;
		}));
		waited.sort((a, b) => a - b);
		expect(waited[0]).toBeGreaterThanOrEqual(140);
		expect(waited[0]).toBeLessThan(400);
		// 40 successes in the last second: 26.25 ms between starts.
		expect(waited[2] - waited[0]).toBeGreaterThanOrEqual(45);
		expect(waited[2] - waited[0]).toBeLessThan(300);
	});

	it('keeps the longest pause when a shorter Retry-After arrives later', async () => {
		const pacer = new RequestPacer(4);
		pacer.onThrottled(200);
		pacer.onThrottled(10);
		const started = Date.now();
		await pacer.waitTurn();
		expect(Date.now() - started).toBeGreaterThanOrEqual(190);
	});

	it('a 429 without a wait (Retry-After: 0) does not pause', async () => {
		const pacer = new RequestPacer(4, 20);
		pacer.onThrottled(0);
		const started = Date.now();
		await pacer.waitTurn();
		expect(Date.now() - started).toBeLessThan(20);
	});

	it('gives each request its own slot once spacing applies', async () => {
		const pacer = new RequestPacer(10, 1000);
		for (let i = 0; i < 25; i++) pacer.onSuccess();
		pacer.onThrottled(0);
		expect(pacer.spacing).toBeCloseTo(42, 0);
		const started = Date.now();
		const turns = await Promise.all([0, 1, 2, 3].map(async () => {
			await pacer.waitTurn();
			return Date.now() - started;
		}));
		turns.sort((a, b) => a - b);
		expect(turns[0]).toBeLessThan(20);
		expect(turns[3]).toBeGreaterThanOrEqual(3 * 42 - 5);
		expect(turns[3]).toBeLessThan(3 * 42 + 150);
	});

	it('only the first 429 pauses everyone; later short ones delay just their own request', async () => {
		const pacer = new RequestPacer(4, 1000);
		for (let i = 0; i < 400; i++) pacer.onSuccess();
		pacer.onThrottled(100);
		const first = Date.now();
		await pacer.waitTurn();
		expect(Date.now() - first).toBeGreaterThanOrEqual(90);
		pacer.onThrottled(5000 - 1);
		const second = Date.now();
		await pacer.waitTurn();
		expect(Date.now() - second).toBeLessThan(100);
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
