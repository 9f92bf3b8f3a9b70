import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';

import type { TransportClock } from './clock';

/** What one call to Jelou asks of the transport, and the settings of one execution's transport. */

export type RetryPolicy =
	/** Reads: resend on 429, 502/503/504, connection resets and time-outs. */
	| 'idempotent'
	/**
	 * Requests that start, close or send something: resend only when Jelou said it did not
	 * process the request (429). A time-out or a 502 may come after Jelou acted, and a second
	 * send would start, close or deliver twice.
	 */
	| 'notProcessedOnly';

export interface JelouRequest {
	method: IHttpRequestMethods;
	/**
	 * `gateway` (the API, authenticated by key) or `messaging` (the host that delivers messages to
	 * end users, authenticated only by the X-Jelou-Signature of the body), or `api` (Jelou's general
	 * API, home of the chat history, authenticated like the gateway).
	 */
	host?: 'gateway' | 'messaging' | 'api';
	/** Path segments under the base URL; each one is encoded, so an id can never add a segment. */
	path: string[];
	/** Query parameters (encoded by n8n's HTTP client). */
	query?: Record<string, string | number>;
	body?: IDataObject;
	/** What a 404 means for this call, e.g. "Conversation 'x' was not found in project 'y'". */
	notFoundMessage?: string;
	/** Whether a 2xx without `data` is normal for this call (close answers no data). */
	dataOptional?: boolean;
	/**
	 * Jelou's integration pages print each answer twice, inside the envelope and as the bare
	 * object (confirmed inconsistency). With `integration`, a 2xx object that is no envelope but
	 * carries an integration's fields is the data itself. With `any`, the whole 2xx object is the
	 * answer (the chat history answers `{ pagination, results }` without the envelope).
	 */
	bareShape?: 'integration' | 'any';
	retry?: RetryPolicy;
}

export interface TransportSettings {
	/**
	 * Items in flight at once, fixed (the user's Concurrency option). Unset: adaptive, the limit is
	 * found while the run goes (flow/adaptive.ts).
	 */
	concurrency?: number;
	/** Per-request time-out in milliseconds; 0 means n8n's default. */
	timeoutMs: number;
	/** Extra attempts for a retryable failure; 0 disables retries. */
	maxRetries: number;
	/** First backoff step in milliseconds (doubles each attempt, with jitter). */
	retryBaseMs: number;
	/** Longest single wait, whether from backoff or from Retry-After. */
	retryMaxWaitMs: number;
	/** Where the time and the waits come from; the real clock unless a test hands in its own. */
	clock?: TransportClock;
}

/** What the Concurrency option shows when the user adds it (today's fixed default). */
export const DEFAULT_FIXED_CONCURRENCY = 10;

export const DEFAULT_TRANSPORT_SETTINGS: TransportSettings = {
	timeoutMs: 30_000,
	maxRetries: 5,
	retryBaseMs: 500,
	retryMaxWaitMs: 30_000,
};
