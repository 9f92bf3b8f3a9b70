/**
 * Flow control of one execution: how many requests may be in flight (the user's fixed
 * Concurrency, or the adaptive limit) and how fast they may start (the pacer, after a 429).
 * The transport creates both here, once per execution, and reads nothing else of this folder.
 */
import { realClock, type TransportClock } from '../clock';
import { AdaptiveConcurrency } from './adaptive';
import { FixedConcurrency, type ConcurrencyLimit } from './limit';
import { RequestPacer } from './pacer';
import { NO_THREAD_LOAD, eventLoopLoad, type ThreadLoad } from './thread';

export { MAX_CONCURRENCY, type ConcurrencyLimit, type RequestOutcome } from './limit';
export { RequestPacer } from './pacer';
export type { ThreadLoad } from './thread';

export interface FlowControl {
	/** Shared pacing of this execution: slows every request down when Jelou throttles. */
	readonly pacer: RequestPacer;
	/** How many requests may be in flight: the user's fixed Concurrency, or adaptive. */
	readonly limiter: ConcurrencyLimit;
}

export interface FlowOptions {
	/** The user's Concurrency; unset, the limit adapts. */
	concurrency?: number;
	clock?: TransportClock;
	/**
	 * How busy n8n's thread is. By default Node.js's event-loop utilization on the real clock; with
	 * an injected clock (tests) nothing is measured unless a test hands in its own.
	 */
	thread?: ThreadLoad;
}

export function createFlowControl(options: FlowOptions = {}): FlowControl {
	const clock = options.clock ?? realClock;
	const pacer = new RequestPacer(1000, clock);
	if (options.concurrency !== undefined)
		return { pacer, limiter: new FixedConcurrency(options.concurrency, clock.now) };
	const thread = options.thread ?? (clock === realClock ? eventLoopLoad() : NO_THREAD_LOAD);
	return { pacer, limiter: new AdaptiveConcurrency({ now: clock.now, thread }) };
}
