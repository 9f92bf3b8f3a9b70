/**
 * How many requests of one execution may be in flight at once: the contract the transport and
 * the runner use, the one ceiling, and the user's fixed Concurrency. Without a Concurrency the
 * limit adapts (`AdaptiveConcurrency`, adaptive.ts).
 */

/**
 * Most requests one execution keeps in flight, whether the user set the number or the node found
 * it. It protects nothing at Jelou (the latency rule and the pacer do that); it bounds the memory
 * and the sockets of one n8n process. At 200 ms (an internet round trip) n8n handles about
 * 400–500 answers a second, so keeping its thread busy takes about 100 requests in flight plus
 * the answers waiting for the thread: the bench (docs/benchmarks.md) shows 200 is enough there,
 * and each request in flight costs only a few kilobytes.
 */
export const MAX_CONCURRENCY = 200;

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
		this.limit = Math.min(MAX_CONCURRENCY, Math.max(1, Math.floor(limit)));
	}

	begin(): RequestTicket {
		return { startedAt: this.now() };
	}

	/** A fixed limit learns nothing from answers. */
	end(): void {}
}
