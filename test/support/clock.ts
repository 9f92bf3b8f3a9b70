/**
 * A simulated clock for the transport (its `clock` setting): no test waits for, or measures, real
 * time. By default every wait ends at once and moves the time forward by its length; `hold()`
 * keeps waits pending until the test moves the time with `advance`.
 */
import { cancelledError, type TransportClock } from '../../nodes/Jelou/transport';

interface HeldWait {
	until: number;
	resolve: () => void;
}

export class SimulatedClock implements TransportClock {
	private time: number;

	private holding = false;

	private held: HeldWait[] = [];

	private onChange: Array<() => void> = [];

	/** Every wait asked for, in milliseconds, in order. */
	readonly waits: number[] = [];

	constructor(start = Date.parse('2026-01-15T10:30:00.000Z')) {
		this.time = start;
	}

	now = (): number => this.time;

	sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
		if (signal?.aborted) throw cancelledError();
		this.waits.push(ms);
		if (!this.holding) {
			this.time += ms;
			return;
		}
		let onAbort = () => {};
		const ended = new Promise<void>((resolve, reject) => {
			const wait: HeldWait = { until: this.time + ms, resolve };
			onAbort = () => {
				this.held = this.held.filter((other) => other !== wait);
				reject(cancelledError());
			};
			this.held.push(wait);
		});
		signal?.addEventListener('abort', onAbort, { once: true });
		this.changed();
		try {
			await ended;
		} finally {
			signal?.removeEventListener('abort', onAbort);
		}
	};

	/** From now on waits stay pending until `advance` reaches their end. */
	hold(): void {
		this.holding = true;
	}

	/** The end times of the waits pending now, soonest first. */
	get pending(): number[] {
		return this.held.map((wait) => wait.until).sort((a, b) => a - b);
	}

	/** Resolves once `count` waits are pending (event-driven: checked whenever one starts). */
	async pendingCount(count: number): Promise<void> {
		while (this.held.length < count) {
			await new Promise<void>((resolve) => this.onChange.push(resolve));
		}
	}

	/** Moves the time forward by `ms` and ends the waits that are due by then. */
	advance(ms: number): void {
		this.time += ms;
		const due = this.held.filter((wait) => wait.until <= this.time);
		this.held = this.held.filter((wait) => wait.until > this.time);
		for (const wait of due) wait.resolve();
	}

	/** Ends every pending wait (moving the time to the last one's end) and stops holding. */
	release(): void {
		this.holding = false;
		const last = Math.max(this.time, ...this.held.map((wait) => wait.until));
		this.advance(last - this.time);
	}

	private changed(): void {
		const waiting = this.onChange;
		this.onChange = [];
		for (const resolve of waiting) resolve();
	}
}

/**
 * Fakes only `Date`, standing still (at `now` when given): timers, ticks and `performance` run for
 * real, so a test can measure ages or latencies exactly however busy the machine is.
 */
export function freezeDate(now?: number): void {
	jest.useFakeTimers({
		...(now === undefined ? {} : { now }),
		doNotFake: [
			'hrtime',
			'nextTick',
			'performance',
			'queueMicrotask',
			'setImmediate',
			'clearImmediate',
			'setInterval',
			'clearInterval',
			'setTimeout',
			'clearTimeout',
		],
	});
}
