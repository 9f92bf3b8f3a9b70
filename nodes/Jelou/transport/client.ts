import type {
	IAdditionalCredentialOptions,
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
} from 'n8n-workflow';

import {
	DEFAULT_JELOU_API_URL,
	DEFAULT_JELOU_BASE_URL,
	DEFAULT_JELOU_MESSAGING_URL,
	SIGN_BODY_HEADER,
} from '../../../credentials/JelouApi.credentials';
import { checkBaseUrl, encodePathSegment } from '../../../shared/ids';
import { readAnswer } from './answers';
import { JelouRequestError, cancelledError, withAttempts } from './errors';
import { networkError } from './network';
import { realClock, type TransportClock } from './clock';
import { createFlowControl, type ConcurrencyLimit, type RequestPacer } from './flow';
import { DEFAULT_TRANSPORT_SETTINGS, type JelouRequest, type TransportSettings } from './request';

/**
 * The n8n contexts that call Jelou: the action node's execute() and the trigger's activation
 * hooks. Both offer credentials, the node and n8n's authenticated request helper; only an
 * execution can be cancelled.
 */
export type JelouContext = IExecuteFunctions | IHookFunctions;

export const CREDENTIAL_TYPE = 'jelouApi';

/** Sends one prepared request with the credential applied; HTTP statuses come back, not thrown. */
export type Deliver = (options: IHttpRequestOptions) => Promise<IN8nHttpFullResponse>;

/** A base URL field of the credential, checked; a value that is not one fails with its name. */
function normalizeBaseUrl(value: unknown, field: string, fallback: string): string {
	const checked = checkBaseUrl(value, fallback);
	if ('url' in checked) return checked.url;
	throw new JelouRequestError({
		message: `The ${field} of the Jelou credential ${checked.problem}`,
		description: `Use an address such as ${fallback}.`,
	});
}

/**
 * Everything a Jelou call needs, created once per execution: the base URL from the credential,
 * the retry and time-out settings, and the secrets to scrub from any text we show. Every request
 * of every operation goes through `request`.
 */
export class JelouTransport {
	private constructor(
		/** Sends one prepared request with the credential applied; statuses come back, not thrown. */
		private readonly deliver: Deliver,
		/** Only an execution can be cancelled; the trigger's hooks and the credential test run to their end. */
		private readonly signal: AbortSignal | undefined,
		readonly baseUrl: string,
		readonly messagingBaseUrl: string,
		/** Root of Jelou's general API (the chat history's host). */
		readonly apiBaseUrl: string,
		/** Whether the credential has a signing secret (needed for the messaging host). */
		readonly canSign: boolean,
		/** Whether the credential sends an API key (not Basic): the chat history documents Basic only. */
		readonly usesApiKey: boolean,
		private readonly secrets: string[],
		readonly settings: TransportSettings,
		/** Shared pacing of this execution: slows every request down when Jelou throttles. */
		readonly pacer: RequestPacer,
		/** How many requests may be in flight: the user's fixed Concurrency, or adaptive. */
		readonly limiter: ConcurrencyLimit,
	) {}

	static async create(
		ctx: JelouContext,
		settings: Partial<TransportSettings> = {},
	): Promise<JelouTransport> {
		const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
		// The credential as already read, handed back to n8n with each request: otherwise n8n
		// loads and decrypts it again for every single request of a long run.
		const reference = ctx.getNode().credentials?.[CREDENTIAL_TYPE];
		const additional: IAdditionalCredentialOptions | undefined = reference?.id
			? {
					credentialsDecrypted: {
						id: reference.id,
						name: reference.name,
						type: CREDENTIAL_TYPE,
						data: credentials,
					},
				}
			: undefined;
		const deliver: Deliver = async (options) =>
			(await ctx.helpers.httpRequestWithAuthentication.call(
				ctx,
				CREDENTIAL_TYPE,
				options,
				additional,
			)) as IN8nHttpFullResponse;
		const signal = 'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal?.() : undefined;
		return JelouTransport.withSender(credentials, deliver, settings, signal);
	}

	/**
	 * A transport over any sender: n8n's authenticated helper (`create`), or the credential test's
	 * own (see methods/credentialTest.ts), which has no such helper.
	 */
	static withSender(
		credentials: ICredentialDataDecryptedObject,
		deliver: Deliver,
		settings: Partial<TransportSettings> = {},
		signal?: AbortSignal,
	): JelouTransport {
		const baseUrl = normalizeBaseUrl(credentials.baseUrl, 'Base URL', DEFAULT_JELOU_BASE_URL);
		const messagingBaseUrl = normalizeBaseUrl(
			credentials.messagingBaseUrl,
			'Messaging Base URL',
			DEFAULT_JELOU_MESSAGING_URL,
		);
		// Saved credentials from before the field existed have no apiBaseUrl: the default applies.
		const apiBaseUrl = normalizeBaseUrl(
			credentials.apiBaseUrl,
			'API Base URL',
			DEFAULT_JELOU_API_URL,
		);
		const merged = { ...DEFAULT_TRANSPORT_SETTINGS, ...settings };
		const flow = createFlowControl({ concurrency: merged.concurrency, clock: merged.clock });
		return new JelouTransport(
			deliver,
			signal,
			baseUrl,
			messagingBaseUrl,
			apiBaseUrl,
			typeof credentials.signingSecret === 'string' && credentials.signingSecret !== '',
			credentials.authType !== 'basic',
			collectSecrets(credentials),
			merged,
			flow.pacer,
			flow.limiter,
		);
	}

	url(path: string[], host: JelouRequest['host'] = 'gateway'): string {
		const base =
			host === 'messaging'
				? this.messagingBaseUrl
				: host === 'api'
					? this.apiBaseUrl
					: this.baseUrl;
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
		const signal = this.signal;

		for (let attempt = 0; ; attempt++) {
			const startedAt = await this.pacer.waitTurn(signal);
			// Once the pacer spaces requests, a 429 is about the rate (the pacer measures it again),
			// not about how many are in flight: cutting the limit then would only starve the pacer's
			// slots while retried items wait out their Retry-After.
			const paced = this.pacer.spacing > 0;
			let failure: JelouRequestError;
			const started = this.clock.now();
			const ticket = this.limiter.begin();
			try {
				const response = await this.send(req, url, signal);
				const data = readAnswer<T>(response, req, (text) => this.redact(text), this.clock.now());
				this.limiter.end(ticket, 'success');
				this.pacer.onSuccess();
				return data;
			} catch (error) {
				const throttled = error instanceof JelouRequestError && error.httpCode === 429 && !paced;
				this.limiter.end(ticket, throttled ? 'throttled' : 'failed');
				// A request cut short by the cancellation is not a network failure to report or retry.
				if (signal?.aborted) throw cancelledError();
				failure =
					error instanceof JelouRequestError
						? error
						: networkError(error, url, this.clock.now() - started, this.settings.timeoutMs);
			}

			const waitMs = this.backoffMs(attempt, failure.retryAfterMs);
			if (failure.httpCode === 429) this.pacer.onThrottled(waitMs, startedAt);
			const mayRetry =
				failure.retryable &&
				attempt < this.settings.maxRetries &&
				(policy === 'idempotent' || failure.httpCode === 429);
			if (!mayRetry) throw this.scrub(withAttempts(failure, attempt + 1));

			await this.clock.sleep(waitMs, signal);
		}
	}

	private get clock(): TransportClock {
		return this.settings.clock ?? realClock;
	}

	/**
	 * Removes any credential secret, and the `extra` values (such as the trigger's webhook token),
	 * from a text (defence in depth: Jelou could echo one).
	 */
	redact(text: string, extra: unknown[] = []): string {
		let out = text;
		for (const secret of [...this.secrets, ...extra]) {
			if (typeof secret === 'string' && secret !== '') out = out.split(secret).join('[redacted]');
		}
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
		if (req.query) options.qs = req.query;
		if (this.settings.timeoutMs > 0) options.timeout = this.settings.timeoutMs;
		// Cancelling the execution also drops the request in flight instead of waiting for its
		// answer (up to the whole time-out).
		if (signal) options.abortSignal = signal;
		return await this.deliver(options);
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

function collectSecrets(credentials: IDataObject): string[] {
	const secrets: string[] = [];
	for (const key of ['apiKey', 'clientSecret', 'signingSecret']) {
		const value = credentials[key];
		if (typeof value === 'string' && value.length >= 4) secrets.push(value);
	}
	if (typeof credentials.clientSecret === 'string' && credentials.clientSecret !== '') {
		const basic = Buffer.from(
			`${String(credentials.clientId ?? '')}:${credentials.clientSecret}`,
		).toString('base64');
		secrets.push(basic);
	}
	return secrets;
}
