import type { IDataObject, IN8nHttpFullResponse } from 'n8n-workflow';

import { parseBody } from '../../../shared/body';
import type { JelouEnvelope, JelouErrorBody } from '../types';
import type { JelouRequest } from './request';
import { JelouRequestError } from './errors';

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

/**
 * Reads one answer of Jelou: `data` of the envelope on success, else the failure it describes in
 * our words. Text bodies are redacted before any excerpt is cut from them.
 */
export function readAnswer<T>(
	response: IN8nHttpFullResponse,
	req: JelouRequest,
	redact: (text: string) => string,
	/** The transport's clock, to read a Retry-After date against. */
	now = Date.now(),
): T {
	const status = Number(response.statusCode);
	const contentType = headerValue(response.headers, 'content-type');
	let parsed = parseBody(response.body);
	// Redacted before any excerpt is cut from it: half a secret would no longer be found later.
	if (parsed.kind === 'text') parsed = { kind: 'text', text: redact(parsed.text) };

	if (status >= 200 && status < 300) {
		if (parsed.kind === 'empty') {
			if (req.dataOptional) return undefined as T;
			throw new JelouRequestError({
				message: `Jelou answered HTTP ${status} with an empty body`,
				description:
					'Expected a JSON answer with a "data" field. Try again; if it persists, Jelou may be having problems.',
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
			throw statusError(200, envelope, contentType, req);
		}
		if (req.bareShape === 'any') return envelope as T;
		if (envelope.data === undefined || envelope.data === null) {
			if (req.bareShape === 'integration' && isBareIntegration(envelope)) return envelope as T;
			if (req.dataOptional) return (envelope.data ?? undefined) as T;
			throw new JelouRequestError({
				message: `Jelou answered HTTP ${status} without the expected data`,
				description: `The answer had no "data" field${jelouErrorText(envelope) ? ` (Jelou said: "${jelouErrorText(envelope)}")` : ''}.`,
				httpCode: status,
			});
		}
		return envelope.data;
	}

	throw statusError(
		status,
		parsed.kind === 'json' ? parsed.value : parsed.kind === 'text' ? parsed.text : '',
		contentType,
		req,
		response.headers,
		now,
	);
}

/** Fields of Jelou's envelope (success or error); a bare object has none of them. */
const ENVELOPE_FIELDS = ['message', 'statusMessage', 'status', 'data', 'error'];

/** Fields every integration sample prints (`id` and `brainId` in the bare samples, `webhookUrl` in all). */
const INTEGRATION_FIELDS = ['id', 'brainId', 'webhookUrl'];

/** Whether a 2xx body is an integration without the envelope, as the API-reference samples show it. */
export function isBareIntegration(value: unknown): boolean {
	if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
	const record = value as Record<string, unknown>;
	if (ENVELOPE_FIELDS.some((field) => field in record)) return false;
	return INTEGRATION_FIELDS.some(
		(field) => typeof record[field] === 'string' && record[field] !== '',
	);
}

/** The failure an HTTP status (or a 2xx carrying an error) stands for, in our words. */
function statusError(
	status: number,
	body: unknown,
	contentType: string,
	req: JelouRequest,
	headers?: IN8nHttpFullResponse['headers'],
	now = Date.now(),
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
			retryAfterMs: parseRetryAfter(headerValue(headers, 'retry-after'), now),
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
		retryAfterMs: parseRetryAfter(headerValue(headers, 'retry-after'), now),
		body: keptBody,
	});
}

/** Collapses Jelou's `message` (string or list of strings) into one line. */
export function messageText(message: unknown): string {
	if (typeof message === 'string') return message.trim();
	if (Array.isArray(message)) {
		return message
			.filter((part) => typeof part === 'string' && part.trim() !== '')
			.map((part: string) => part.trim())
			.join('; ');
	}
	return '';
}

/**
 * The most useful human text in an error body: `error.description` first (Jelou's prose), then
 * `message`, then `statusMessage`. Inferred from the documented schema, whose values are
 * placeholders, so every field is optional here.
 */
export function jelouErrorText(body: unknown): string {
	if (!body || typeof body !== 'object') return '';
	const errorBody = body as JelouErrorBody;
	const description =
		errorBody.error && typeof errorBody.error.description === 'string'
			? errorBody.error.description.trim()
			: '';
	if (description) return description;
	const message = messageText(errorBody.message);
	if (message) return message;
	return typeof errorBody.statusMessage === 'string' ? errorBody.statusMessage.trim() : '';
}

/** "webhookUrl: must be HTTPS; authType: invalid" from a 422's `validationError` (inferred shape). */
export function validationText(body: unknown): string {
	if (!body || typeof body !== 'object') return '';
	const validation = (body as JelouErrorBody).validationError;
	if (!validation || typeof validation !== 'object') return '';
	const parts: string[] = [];
	for (const [field, problem] of Object.entries(validation)) {
		let text: string;
		if (typeof problem === 'string') text = problem;
		else if (Array.isArray(problem)) text = problem.map((p) => String(p)).join(', ');
		else if (problem && typeof problem === 'object') text = JSON.stringify(problem);
		else text = String(problem);
		parts.push(`${field}: ${text}`);
	}
	return parts.join('; ');
}

/** A short, single-line excerpt of a non-JSON body (an HTML page from a proxy, say). */
export function bodyExcerpt(text: string, max = 200): string {
	const plain = text
		.replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
		.replace(/<[^>]+>/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	return plain.length > max ? `${plain.slice(0, max)}…` : plain;
}

export function headerValue(
	headers: IN8nHttpFullResponse['headers'] | undefined,
	name: string,
): string {
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
