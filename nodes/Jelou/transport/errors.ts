import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { JelouErrorBody } from '../types';

/**
 * A failed Jelou request, already turned into words for the user. The transport throws it and
 * the item runner converts it into n8n's NodeApiError with the item's index; keeping it a plain
 * class lets the retry logic decide from `retryable` without parsing messages.
 */
export class JelouRequestError extends Error {
	readonly httpCode?: number;

	readonly description: string;

	/** Whether the same request may succeed if sent again (429, 502-504, resets, time-outs). */
	readonly retryable: boolean;

	/** Wait the server asked for (Retry-After), in milliseconds. */
	readonly retryAfterMs?: number;

	/** Jelou's error body, kept for the error's details panel; never holds our secrets. */
	readonly body?: JelouErrorBody | string;

	constructor(init: {
		message: string;
		description: string;
		httpCode?: number;
		retryable?: boolean;
		retryAfterMs?: number;
		body?: JelouErrorBody | string;
	}) {
		super(init.message);
		this.name = 'JelouRequestError';
		this.httpCode = init.httpCode;
		this.description = init.description;
		this.retryable = init.retryable ?? false;
		this.retryAfterMs = init.retryAfterMs;
		this.body = init.body;
	}
}

/**
 * The execution was cancelled while an item waited or its request was in flight. Not a Jelou
 * failure and never retried; it exists so the item that was stopped says why.
 */
export function cancelledError(): JelouRequestError {
	return new JelouRequestError({
		message: 'The execution was cancelled',
		description: 'The node stopped sending requests to Jelou because the execution was cancelled.',
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

/**
 * The one conversion of a failed Jelou request into n8n's NodeApiError, for the action node
 * (with the item's index) and the trigger's activation hooks (with what was being done).
 */
export function toNodeApiError(
	node: INode,
	error: JelouRequestError,
	options: {
		itemIndex?: number;
		redact?: (text: string) => string;
		/** Put before the message, e.g. "Could not register the webhook in Jelou". */
		action?: string;
		/** Added to the description, e.g. the likely cause of a 422. */
		hint?: string;
	} = {},
): NodeApiError {
	const redact = options.redact ?? ((text: string) => text);
	const message = redact(options.action ? `${options.action}: ${error.message}` : error.message);
	const description = redact(`${error.description}${options.hint ?? ''}`);
	const httpCode = error.httpCode !== undefined ? String(error.httpCode) : undefined;
	const details: JsonObject = { message, description };
	if (httpCode !== undefined) details.httpCode = httpCode;
	if (error.body !== undefined) details.jelouResponse = error.body as JsonObject;
	const apiError = new NodeApiError(node, details, {
		message,
		description,
		httpCode,
		itemIndex: options.itemIndex,
	});
	// NodeApiError rewrites messages that mention common network codes into generic text; ours
	// already says what happened, so keep it exactly.
	apiError.message = message;
	apiError.description = description;
	return apiError;
}
