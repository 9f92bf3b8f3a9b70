/**
 * What the adaptive limit (adaptive.ts) is given and what it reports of each round, kept apart so
 * that adaptive.ts holds only the controller.
 */

import type { ThreadLoad } from './thread';

export interface AdaptiveConcurrencyOptions {
	/** Limit at the start (default `ADAPTIVE_INITIAL`). */
	initial?: number;
	/** The limit never goes above this (default `MAX_CONCURRENCY`). */
	ceiling?: number;
	/** Round latency, as a multiple of the unloaded latency, above which the limit is cut. */
	tolerance?: number;
	now?: () => number;
	/** How busy n8n's own thread is (default: not measured, every rise counts as Jelou's). */
	thread?: ThreadLoad;
	/** Called at the end of every round with what it measured (for the bench and tests). */
	onRound?: (round: AdaptiveRound) => void;
}

/** What one round measured, and the limit it led to. */
export interface AdaptiveRound {
	at: number;
	/** Median latency of the round, as measured (ms). */
	latencyMs: number;
	/** Unloaded latency so far (ms). */
	baseMs: number;
	/** Answers a second during the round. */
	rate: number;
	/** Share of the round n8n's thread was busy (0–1); undefined where not measured. */
	busyShare: number | undefined;
	/** Whether the round was a probe of the unloaded latency. */
	probe: boolean;
	peak: number;
	limit: number;
}

/** The middle of the values (the mean of the two middle ones for an even count). */
export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = sorted.length >> 1;
	return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
