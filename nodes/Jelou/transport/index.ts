import type {
	ICredentialsDecrypted,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
} from 'n8n-workflow';

import {
	DEFAULT_JELOU_BASE_URL,
	DEFAULT_JELOU_MESSAGING_URL,
	SIGN_BODY_HEADER,
} from '../../../credentials/JelouApi.credentials';
import type { JelouEnvelope } from '../types';
import { AdaptiveConcurrency, FixedConcurrency, type ConcurrencyLimit } from './concurrency';
import { RequestPacer, waitUnlessCancelled } from './pacer';
import {
	JelouRequestError,
	bodyExcerpt,
	cancelledError,
	jelouErrorText,
	validationText,
} from './errors';

export { JelouRequestError, cancelledError, toNodeApiError } from './errors';
export { RequestPacer, waitUnlessCancelled } from './pacer';

export const CREDENTIAL_TYPE = 'jelouApi';

/** Longest id we put into a URL; Jelou ids are short (ObjectIds, UUIDs), proxies cap URL length. */
export const MAX_ID_LENGTH = 1000;

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
	 * end users, authenticated only by the X-Jelou-Signature of the body).
	 */
	host?: 'gateway' | 'messaging';
	/** Path segments under the base URL; each one is encoded, so an id can never add a segment. */
	path: string[];
	body?: IDataObject;
	/** What a 404 means for this call, e.g. "Conversation 'x' was not found in project 'y'". */
	notFoundMessage?: string;
	/** Whether a 2xx without `data` is normal for this call (close answers no data). */
	dataOptional?: boolean;
	retry?: RetryPolicy;
}

export interface TransportSettings {
	/**
	 * Items in flight at once, fixed (the user's Concurrency option). Unset: adaptive, the limit is
	 * found while the run goes (concurrency.ts).
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
}

export const MAX_CONCURRENCY = 50;

/** What the Concurrency option shows when the user adds it (today's fixed default). */
export const DEFAULT_FIXED_CONCURRENCY = 10;

export const DEFAULT_TRANSPORT_SETTINGS: TransportSettings = {
	timeoutMs: 30_000,
	maxRetries: 5,
	retryBaseMs: 500,
	retryMaxWaitMs: 30_000,
};

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

/** Network failures worth another try: the connection broke or nothing came back in time. */
const RETRYABLE_NETWORK_CODES = new Set([
	'ECONNRESET',
	'ETIMEDOUT',
	'ECONNABORTED',
	'EPIPE',
	'ESOCKETTIMEDOUT',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
	'EAI_AGAIN',
]);

const NETWORK_CODE_TEXT: Record<string, string> = {
	ECONNREFUSED: 'the connection was refused',
	ECONNRESET: 'the connection was reset before the answer was complete',
	ETIMEDOUT: 'the request timed out',
	ECONNABORTED: 'the request timed out',
	ESOCKETTIMEDOUT: 'the request timed out',
	ENOTFOUND: 'the host name could not be resolved',
	EAI_AGAIN: 'the host name could not be resolved right now',
	EHOSTUNREACH: 'the host is unreachable',
	EPIPE: 'the connection was closed while sending',
	CERT_HAS_EXPIRED: 'the server certificate has expired',
};

/**
 * Everything a Jelou call needs, created once per execution: the base URL from the credential,
 * the retry and time-out settings, and the secrets to scrub from any text we show. Every request
 * of every operation goes through `request`.
 */
export class JelouTransport {
	private constructor(
		private readonly ctx: IExecuteFunctions,
		readonly baseUrl: string,
		readonly messagingBaseUrl: string,
		/** Whether the credential has a signing secret (needed for the messaging host). */
		readonly canSign: boolean,
		private readonly secrets: string[],
		readonly settings: TransportSettings,
		/** Shared pacing of this execution: slows every request down when Jelou throttles. */
		readonly pacer: RequestPacer,
		/** How many requests may be in flight: the user's fixed Concurrency, or adaptive. */
		readonly limiter: ConcurrencyLimit,
		/**
		 * The credential as already read, handed back to n8n with each request: otherwise n8n
		 * loads and decrypts it again for every single request of a long run.
		 */
		private readonly credentialsDecrypted?: ICredentialsDecrypted,
	) {}

	static async create(
		ctx: IExecuteFunctions,
		settings: Partial<TransportSettings> = {},
	): Promise<JelouTransport> {
		const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
		const baseUrl = normalizeBaseUrl(credentials.baseUrl, 'Base URL', DEFAULT_JELOU_BASE_URL);
		const messagingBaseUrl = normalizeBaseUrl(
			credentials.messagingBaseUrl,
			'Messaging Base URL',
			DEFAULT_JELOU_MESSAGING_URL,
		);
		const merged = { ...DEFAULT_TRANSPORT_SETTINGS, ...settings };
		const reference = ctx.getNode().credentials?.[CREDENTIAL_TYPE];
		const decrypted: ICredentialsDecrypted | undefined =
			reference?.id
				? { id: reference.id, name: reference.name, type: CREDENTIAL_TYPE, data: credentials }
				: undefined;
		return new JelouTransport(
			ctx,
			baseUrl,
			messagingBaseUrl,
			typeof credentials.signingSecret === 'string' && credentials.signingSecret !== '',
			collectSecrets(credentials),
			merged,
			new RequestPacer(),
			merged.concurrency === undefined ? new AdaptiveConcurrency() : new FixedConcurrency(merged.concurrency),
			decrypted,
		);
	}

	url(path: string[], host: JelouRequest['host'] = 'gateway'): string {
		const base = host === 'messaging' ? this.messagingBaseUrl : this.baseUrl;
		return `${base}/${path.map(encodePathSegment).join('/')}`;
	}

	/** Sends one request (with retries) and returns `data` of Jelou's envelope. */
	async request<T = IDataObject>(req: JelouRequest): Promise<T> {
		const url = this.url(req.path, req.host);
		if (req.host === 'messaging' && !this.canSign) {
			throw new JelouRequestError({
				message: 'The Jelou credential has no Signing Secret',
				description:
					"Jelou accepts messages only when they are signed with the integration's signingSecret. Copy it into the credential's Signing Secret field (Jelou shows it once, when the integration is created).",
			});
		}
		const policy = req.retry ?? 'idempotent';
		const signal = this.ctx.getExecutionCancelSignal?.();

		for (let attempt = 0; ; attempt++) {
			const startedAt = await this.pacer.waitTurn(signal);
			let failure: JelouRequestError;
			const started = Date.now();
			const ticket = this.limiter.begin();
			try {
				const response = await this.send(req, url, signal);
				const data = this.readResponse<T>(response, req);
				this.limiter.end(ticket, 'success');
				this.pacer.onSuccess();
				return data;
			} catch (error) {
				this.limiter.end(ticket, error instanceof JelouRequestError && error.httpCode === 429 ? 'throttled' : 'failed');
				// A request cut short by the cancellation is not a network failure to report or retry.
				if (signal?.aborted) throw cancelledError();
				failure =
					error instanceof JelouRequestError
						? error
						: this.networkError(error, url, Date.now() - started);
			}

			const waitMs = this.backoffMs(attempt, failure.retryAfterMs);
			if (failure.httpCode === 429) this.pacer.onThrottled(waitMs, startedAt);
			const mayRetry =
				failure.retryable &&
				attempt < this.settings.maxRetries &&
				(policy === 'idempotent' || failure.httpCode === 429);
			if (!mayRetry) throw this.scrub(withAttempts(failure, attempt + 1));

			await waitUnlessCancelled(waitMs, signal);
		}
	}

	/** Removes any credential secret from a text (defence in depth: Jelou could echo one). */
	redact(text: string): string {
		let out = text;
		for (const secret of this.secrets) out = out.split(secret).join('[redacted]');
		return out;
	}

	private async send(
		req: JelouRequest,
		url: string,
		signal: AbortSignal | undefined,
	): Promise<IN8nHttpFullResponse> {
		const headers: Record<string, string> = { Accept: 'application/json' };
		let body: IHttpRequestOptions['body'] = req.body;
		if (req.host === 'messaging' && req.body !== undefined) {
			// Serialized once here; the credential signs exactly this string and it is sent as is.
			body = JSON.stringify(req.body);
			headers['Content-Type'] = 'application/json';
			headers[SIGN_BODY_HEADER] = 'sha256';
		}
		const options: IHttpRequestOptions = {
			method: req.method,
			url,
			json: true,
			headers,
			returnFullResponse: true,
			// Statuses are mapped here, per item, with Jelou's own text; n8n's generic mapping
			// would lose the item index and Retry-After.
			ignoreHttpStatusErrors: true,
		};
		if (body !== undefined) options.body = body;
		if (this.settings.timeoutMs > 0) options.timeout = this.settings.timeoutMs;
		// Cancelling the execution also drops the request in flight instead of waiting for its
		// answer (up to the whole time-out).
		if (signal) options.abortSignal = signal;
		return (await this.ctx.helpers.httpRequestWithAuthentication.call(
			this.ctx,
			CREDENTIAL_TYPE,
			options,
			this.credentialsDecrypted ? { credentialsDecrypted: this.credentialsDecrypted } : undefined,
		)) as IN8nHttpFullResponse;
	}

	private readResponse<T>(response: IN8nHttpFullResponse, req: JelouRequest): T {
		const status = Number(response.statusCode);
		const contentType = headerValue(response.headers, 'content-type');
		let parsed = parseBody(response.body);
		// Redacted before any excerpt is cut from it: half a secret would no longer be found later.
		if (parsed.kind === 'text') parsed = { kind: 'text', text: this.redact(parsed.text) };

		if (status >= 200 && status < 300) {
			if (parsed.kind === 'empty') {
				if (req.dataOptional) return undefined as T;
				throw new JelouRequestError({
					message: `Jelou answered HTTP ${status} with an empty body`,
					description: 'Expected a JSON answer with a "data" field. Try again; if it persists, Jelou may be having problems.',
					httpCode: status,
				});
			}
			if (parsed.kind === 'text') {
				throw new JelouRequestError({
					message: `Jelou answered HTTP ${status} with a body that is not valid JSON`,
					description: `Content type: ${contentType || 'none'}. Start of the body: "${bodyExcerpt(parsed.text)}". A proxy or gateway may be in the way; check the Base URL of the credential.`,
					httpCode: status,
					body: bodyExcerpt(parsed.text, 1000),
				});
			}
			const envelope = parsed.value as JelouEnvelope<T>;
			if (!envelope || typeof envelope !== 'object' || Array.isArray(envelope)) {
				throw new JelouRequestError({
					message: `Jelou answered HTTP ${status} with an unexpected body`,
					description: 'Expected a JSON object with a "data" field.',
					httpCode: status,
				});
			}
			// Inferred: status 1 means success; a 2xx that carries an error object and status 0 is
			// treated as the failure it describes rather than as empty data.
			if (envelope.status === 0 && 'error' in envelope) {
				throw this.httpError(200, envelope, contentType, req);
			}
			if (envelope.data === undefined || envelope.data === null) {
				if (req.dataOptional) return (envelope.data ?? undefined) as T;
				throw new JelouRequestError({
					message: `Jelou answered HTTP ${status} without the expected data`,
					description: `The answer had no "data" field${jelouErrorText(envelope) ? ` (Jelou said: "${jelouErrorText(envelope)}")` : ''}.`,
					httpCode: status,
				});
			}
			return envelope.data;
		}

		throw this.httpError(status, parsed.kind === 'json' ? parsed.value : parsed.kind === 'text' ? parsed.text : '', contentType, req, response.headers);
	}

	private httpError(
		status: number,
		body: unknown,
		contentType: string,
		req: JelouRequest,
		headers?: IN8nHttpFullResponse['headers'],
	): JelouRequestError {
		const jelouText = typeof body === 'string' ? '' : jelouErrorText(body);
		const said = jelouText ? ` Jelou said: "${jelouText}".` : '';
		const nonJson =
			typeof body === 'string' && body.trim() !== ''
				? ` The answer was not JSON (${contentType || 'no content type'}): "${bodyExcerpt(body)}".`
				: '';
		const keptBody = typeof body === 'string' ? bodyExcerpt(body, 1000) : (body as IDataObject);

		if (status === 401 && req.host === 'messaging') {
			return new JelouRequestError({
				message: 'Jelou rejected the message signature (HTTP 401)',
				description: `Check the Signing Secret of the Jelou API credential: it must be the signingSecret of this project's current integration (creating the integration again issues a new one).${said}`,
				httpCode: status,
				body: keptBody,
			});
		}
		if (status === 401) {
			return new JelouRequestError({
				message: 'Jelou rejected the credentials (HTTP 401)',
				description: `Check the Jelou API credential: the API key, or the client ID and client secret, and the authentication type.${said}`,
				httpCode: status,
				body: keptBody,
			});
		}
		if (status === 403) {
			return new JelouRequestError({
				message: 'Jelou refused access (HTTP 403)',
				description: `The credential is valid but may not have access to this project.${said}`,
				httpCode: status,
				body: keptBody,
			});
		}
		if (status === 404) {
			return new JelouRequestError({
				message: `${req.notFoundMessage ?? 'Jelou found nothing at this address'} (HTTP 404)`,
				description: `Check the IDs, and that they belong to the project of this credential.${said}${nonJson}`,
				httpCode: status,
				body: keptBody,
			});
		}
		if (status === 429) {
			return new JelouRequestError({
				message: 'Jelou is limiting the request rate (HTTP 429)',
				description: `Too many requests in a short time. Lower the node's Concurrency option or raise Max Retries, or try again later.${said}`,
				httpCode: status,
				retryable: true,
				retryAfterMs: parseRetryAfter(headerValue(headers, 'retry-after')),
				body: keptBody,
			});
		}
		if (status >= 400 && status < 500) {
			const fields = validationText(body);
			return new JelouRequestError({
				message: `Jelou rejected the request (HTTP ${status})${jelouText ? `: ${jelouText}` : ''}`,
				description: fields
					? `Fields Jelou objected to: ${fields}.`
					: `Check the node's parameters.${nonJson}`,
				httpCode: status,
				body: keptBody,
			});
		}
		return new JelouRequestError({
			message: `Jelou failed to process the request (HTTP ${status})${jelouText ? `: ${jelouText}` : ''}`,
			description: `This is a problem on Jelou's side or on the way to it; try again later.${nonJson}`,
			httpCode: status,
			retryable: RETRYABLE_STATUS.has(status),
			retryAfterMs: parseRetryAfter(headerValue(headers, 'retry-after')),
			body: keptBody,
		});
	}

	/**
	 * n8n throws for failures that have no complete HTTP answer (refused, reset, time-out, DNS).
	 * Only the error code and a short reason are kept: the original error carries the request
	 * configuration, headers included, and must not reach the user.
	 */
	private networkError(error: unknown, url: string, elapsedMs: number): JelouRequestError {
		const failure = classifyNetworkError(error, elapsedMs, this.settings.timeoutMs);
		const host = hostOf(url);
		const codeText = failure.code ? ` (${failure.code})` : '';
		if (failure.kind === 'timeout') {
			return new JelouRequestError({
				message: 'The request to Jelou timed out',
				description: `Request to ${host} failed: no complete answer within ${this.settings.timeoutMs} ms. Raise the Timeout option, or check the network.`,
				retryable: true,
			});
		}
		if (failure.kind === 'interrupted') {
			return new JelouRequestError({
				message: 'The connection to Jelou was interrupted',
				description: `Request to ${host} failed: ${failure.reason}${codeText}. This is usually a passing network or gateway problem; try again.`,
				retryable: true,
			});
		}
		return new JelouRequestError({
			message: 'Could not reach Jelou',
			description: `Request to ${host} failed: ${failure.reason}${codeText}. Check the Base URL of the credential and the network.`,
			retryable: failure.code !== undefined && RETRYABLE_NETWORK_CODES.has(failure.code),
		});
	}

	private scrub(error: JelouRequestError): JelouRequestError {
		if (this.secrets.length === 0) return error;
		const body =
			typeof error.body === 'string'
				? this.redact(error.body)
				: error.body
					? (JSON.parse(this.redact(JSON.stringify(error.body))) as IDataObject)
					: undefined;
		return new JelouRequestError({
			message: this.redact(error.message),
			description: this.redact(error.description),
			httpCode: error.httpCode,
			retryable: error.retryable,
			retryAfterMs: error.retryAfterMs,
			body,
		});
	}

	private backoffMs(attempt: number, retryAfterMs?: number): number {
		const cap = this.settings.retryMaxWaitMs;
		if (retryAfterMs !== undefined) return Math.min(Math.max(retryAfterMs, 0), cap);
		const ceiling = Math.min(this.settings.retryBaseMs * 2 ** attempt, cap);
		// "Equal jitter": at least half the step, so retries of many items spread out but never
		// hammer the server right away.
		return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
	}
}

/** Adds how many attempts were made to the description of the error that ends the retries. */
function withAttempts(error: JelouRequestError, attempts: number): JelouRequestError {
	if (attempts < 2) return error;
	return new JelouRequestError({
		message: error.message,
		description: `${error.description} Gave up after ${attempts} attempts.`,
		httpCode: error.httpCode,
		retryable: error.retryable,
		retryAfterMs: error.retryAfterMs,
		body: error.body,
	});
}

function hostOf(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return url;
	}
}

interface NetworkFailure {
	kind: 'timeout' | 'interrupted' | 'unreachable';
	code?: string;
	reason: string;
}

/** Codes and texts of a connection that broke after it was made (before or during the answer). */
const INTERRUPTED_CODES = new Set(['ECONNRESET', 'EPIPE']);
const INTERRUPTED_TEXT = /stream has been aborted|socket hang up|\baborted\b/i;
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ERR_SOCKET_CONNECTION_TIMEOUT']);

/**
 * Tells a time-out from a broken connection and from an unreachable host. The time-out check
 * also looks at the clock: when the time-out fires while the body is still arriving, axios
 * reports only that the stream was aborted.
 */
function classifyNetworkError(error: unknown, elapsedMs: number, timeoutMs: number): NetworkFailure {
	const code = findErrorCode(error);
	const texts = errorTexts(error);
	const interrupted =
		(code !== undefined && INTERRUPTED_CODES.has(code)) ||
		texts.some((text) => INTERRUPTED_TEXT.test(text));
	const timedOut =
		(code !== undefined && TIMEOUT_CODES.has(code)) ||
		texts.some((text) => /timeout|timed out/i.test(text)) ||
		(interrupted && timeoutMs > 0 && elapsedMs >= timeoutMs);
	if (timedOut) return { kind: 'timeout', code, reason: NETWORK_CODE_TEXT.ETIMEDOUT };
	if (interrupted) {
		// axios names a body cut short "stream has been aborted" (ERR_BAD_RESPONSE): a reset.
		const resetCode = code !== undefined && INTERRUPTED_CODES.has(code) ? code : 'ECONNRESET';
		return { kind: 'interrupted', code: resetCode, reason: NETWORK_CODE_TEXT[resetCode] };
	}
	return {
		kind: 'unreachable',
		code,
		reason: (code && NETWORK_CODE_TEXT[code]) || findErrorMessage(error) || 'the request failed',
	};
}

/** Trims, checks and strips trailing slashes, so `${base}/${path}` never has `//`. */
export function normalizeBaseUrl(value: unknown, field: string, fallback: string): string {
	const raw = typeof value === 'string' && value.trim() !== '' ? value.trim() : fallback;
	const parsed = parseUrl(raw);
	if (!parsed) {
		throw new JelouRequestError({
			message: `The ${field} of the Jelou credential is not a valid URL`,
			description: `Use an address such as ${fallback}.`,
		});
	}
	if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
		throw new JelouRequestError({
			message: `The ${field} of the Jelou credential must start with https://`,
			description: `Use an address such as ${fallback}.`,
		});
	}
	return raw.replace(/\/+$/, '');
}

function parseUrl(text: string): URL | undefined {
	try {
		return new URL(text);
	} catch {
		return undefined;
	}
}

/**
 * Encodes one path segment. encodeURIComponent covers `/`, `?`, `#` and `%`; dots need care
 * because URL parsers resolve a segment of `.` or `..` (also written `%2E`) as a relative step,
 * so callers must reject those ids first (see `checkId`).
 */
export function encodePathSegment(segment: string): string {
	return encodeURIComponent(segment);
}

/** Returns the cleaned id, or the reason it cannot be used in a URL. */
export function checkId(value: unknown): { id: string } | { problem: string } {
	if (value === undefined || value === null) return { problem: 'is empty' };
	if (typeof value === 'object') return { problem: 'must be text, not an object or a list' };
	const id = String(value).trim();
	if (id === '') return { problem: 'is empty' };
	if (id === '.' || id === '..') return { problem: `cannot be "${id}"` };
	if (id.length > MAX_ID_LENGTH) {
		return { problem: `is too long (${id.length} characters; at most ${MAX_ID_LENGTH})` };
	}
	// A newline or NUL inside an id is a mistake in the data, not part of an id, and would
	// otherwise be sent percent-encoded without warning.
	if (hasControlCharacter(id)) return { problem: 'contains control characters' };
	try {
		encodeURIComponent(id);
	} catch {
		return { problem: 'contains invalid Unicode (an unpaired surrogate)' };
	}
	return { id };
}

/** C0 controls, DEL and the C1 controls (U+0080 to U+009F, e.g. NEL from a mis-decoded file). */
function hasControlCharacter(text: string): boolean {
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
	}
	return false;
}

type ParsedBody =
	| { kind: 'empty' }
	| { kind: 'json'; value: unknown }
	| { kind: 'text'; text: string };

/** n8n parses JSON bodies itself but hands back strings for anything it could not parse. */
function parseBody(body: unknown): ParsedBody {
	if (body === undefined || body === null) return { kind: 'empty' };
	if (Buffer.isBuffer(body)) return parseBody(body.toString('utf8'));
	if (typeof body !== 'string') return { kind: 'json', value: body };
	if (body.trim() === '') return { kind: 'empty' };
	try {
		return { kind: 'json', value: JSON.parse(body) };
	} catch {
		return { kind: 'text', text: body };
	}
}

function headerValue(headers: IN8nHttpFullResponse['headers'] | undefined, name: string): string {
	if (!headers) return '';
	const value = (headers as Record<string, unknown>)[name];
	if (Array.isArray(value)) return String(value[0] ?? '');
	return value === undefined || value === null ? '' : String(value);
}

/** Retry-After in seconds or as an HTTP date, in milliseconds; undefined when absent or unusable. */
export function parseRetryAfter(value: string, now = Date.now()): number | undefined {
	const text = value.trim();
	if (text === '') return undefined;
	if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
	const date = Date.parse(text);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - now);
}

function collectSecrets(credentials: IDataObject): string[] {
	const secrets: string[] = [];
	for (const key of ['apiKey', 'clientSecret', 'signingSecret']) {
		const value = credentials[key];
		if (typeof value === 'string' && value.length >= 4) secrets.push(value);
	}
	if (typeof credentials.clientSecret === 'string' && credentials.clientSecret !== '') {
		const basic = Buffer.from(`${String(credentials.clientId ?? '')}:${credentials.clientSecret}`).toString('base64');
		secrets.push(basic);
	}
	return secrets;
}

/** Every message an error carries: its own, n8n's `messages` list, and those of its causes. */
function errorTexts(error: unknown): string[] {
	const texts: string[] = [];
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const candidate = current as { message?: unknown; messages?: unknown; cause?: unknown };
		if (typeof candidate.message === 'string') texts.push(candidate.message);
		if (Array.isArray(candidate.messages)) {
			for (const message of candidate.messages) if (typeof message === 'string') texts.push(message);
		}
		current = candidate.cause;
	}
	return texts.filter((text) => text !== '');
}

/** n8n replaces the text of common network errors with its own words; map them back to codes. */
const N8N_PHRASES: Array<[RegExp, string]> = [
	[/refused the connection/i, 'ECONNREFUSED'],
	[/closed unexpectedly/i, 'ECONNRESET'],
	[/connection timed out/i, 'ETIMEDOUT'],
	[/incorrect host/i, 'ENOTFOUND'],
	[/host is unreachable/i, 'EHOSTUNREACH'],
];

/**
 * The network error code (ECONNRESET, …). n8n wraps the original error in a NodeApiError that
 * does not always keep `code`, so the code is also looked for in the messages it kept.
 */
function findErrorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const candidate = current as { code?: unknown; cause?: unknown; context?: { code?: unknown } };
		if (typeof candidate.code === 'string' && /^E[A-Z_]+$/.test(candidate.code)) return candidate.code;
		if (typeof candidate.context?.code === 'string') return candidate.context.code;
		current = candidate.cause;
	}
	const texts = errorTexts(error);
	for (const text of texts) {
		const match = /\b(E[A-Z]{3,}[A-Z_]*|ERR_[A-Z_]+)\b/.exec(text);
		if (match) return match[1];
	}
	for (const text of texts) {
		for (const [pattern, code] of N8N_PHRASES) if (pattern.test(text)) return code;
	}
	return undefined;
}

function findErrorMessage(error: unknown): string {
	const texts = errorTexts(error);
	// The innermost text is the original one; keep it short and on one line.
	const message = texts.length > 0 ? texts[texts.length - 1] : '';
	return message.split('\n')[0].slice(0, 200);
}
