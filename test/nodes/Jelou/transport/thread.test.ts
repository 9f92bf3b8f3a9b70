import { eventLoopLoad, NO_THREAD_LOAD } from '../../../../nodes/Jelou/transport/flow/thread';

/** Replaces `performance.eventLoopUtilization` for one test, and puts the real one back. */
function withUtilization(replacement: unknown, body: () => void): void {
	const original = Object.getOwnPropertyDescriptor(performance, 'eventLoopUtilization');
	Object.defineProperty(performance, 'eventLoopUtilization', {
		value: replacement,
		configurable: true,
		writable: true,
	});
	try {
		body();
	} finally {
		if (original) Object.defineProperty(performance, 'eventLoopUtilization', original);
		else Reflect.deleteProperty(performance, 'eventLoopUtilization');
	}
}

describe("n8n's thread load", () => {
	it("reads Node.js's event-loop utilization: milliseconds active, never going back", async () => {
		const load = eventLoopLoad();
		const first = load.busyMs();
		await new Promise((resolve) => setImmediate(resolve));
		const second = load.busyMs();
		expect(typeof first).toBe('number');
		expect(typeof second).toBe('number');
		expect(second as number).toBeGreaterThanOrEqual(first as number);
	});

	it('returns exactly the active time Node.js reports', () => {
		withUtilization(
			() => ({ idle: 30, active: 1234.5, utilization: 0.97 }),
			() => {
				expect(eventLoopLoad().busyMs()).toBe(1234.5);
			},
		);
	});

	it.each([
		['is missing', undefined],
		['returns nothing', () => undefined],
		['returns no number', () => ({ active: 'soon' })],
		[
			'throws',
			() => {
				throw new Error('not here');
			},
		],
	])('reads as not measured when eventLoopUtilization %s', (_what, replacement) => {
		withUtilization(replacement, () => {
			expect(eventLoopLoad().busyMs()).toBeUndefined();
		});
	});

	it('has a no-measurement stand-in for injected clocks', () => {
		expect(NO_THREAD_LOAD.busyMs()).toBeUndefined();
	});
});
