/**
 * The one place that talks HTTP to Jelou, for the action node and the trigger alike: the request
 * loop (client), what a request and the settings hold (request), reading answers (answers), network failures (network), flow control (flow/: requests in flight and pacing after a
 * 429), the errors it throws (errors), and the credential-less download of media files (media).
 */
export { CREDENTIAL_TYPE, JelouTransport, type JelouContext } from './client';
export {
	DEFAULT_FIXED_CONCURRENCY,
	DEFAULT_TRANSPORT_SETTINGS,
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
export { realClock, waitUnlessCancelled, type TransportClock } from './clock';
export { MAX_CONCURRENCY, createFlowControl, type ConcurrencyLimit } from './flow';
export {
	MAX_MEDIA_REDIRECTS,
	downloadMedia,
	mediaUrlProblem,
	type MediaDownload,
	type MediaDownloadSettings,
	type PlainSend,
} from './media';
