/**
 * The one place that talks HTTP to Jelou, for the action node and the trigger alike: the request
 * loop (client), what a request and the settings hold (request), reading answers (answers), network failures (network), pacing after a 429
 * (pacer) and the errors it throws (errors).
 */
export { CREDENTIAL_TYPE, JelouTransport, type JelouContext } from './client';
export {
	DEFAULT_FIXED_CONCURRENCY,
	DEFAULT_TRANSPORT_SETTINGS,
	MAX_CONCURRENCY,
	type JelouRequest,
	type RetryPolicy,
	type TransportSettings,
} from './request';
export { parseRetryAfter } from './answers';
export {
	JelouRequestError,
	cancelledError,
	toNodeApiError,
	toNodeError,
	type NodeErrorOptions,
} from './errors';
export { RequestPacer, realClock, waitUnlessCancelled, type TransportClock } from './pacer';
export { ADAPTIVE_CEILING, AdaptiveConcurrency } from './adaptive';
export { FixedConcurrency, type ConcurrencyLimit } from './concurrency';
