import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

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

/** Adds how many attempts were made to the description of the error that ends the retries. */
export function withAttempts(error: JelouRequestError, attempts: number): JelouRequestError {
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

export interface NodeErrorOptions {
	/** The item that failed (the action node); absent in the trigger's activation hooks. */
	itemIndex?: number;
	redact?: (text: string) => string;
	/** Put before the message, e.g. "Could not register the webhook in Jelou". */
	action?: string;
	/** Added to the description, e.g. the likely cause of a 422. */
	hint?: string;
}

/**
 * The one conversion of a failed Jelou request into n8n's NodeApiError, for the action node
 * (with the item's index) and the trigger's activation hooks (with what was being done).
 */
export function toNodeApiError(
	node: INode,
	error: JelouRequestError,
	options: NodeErrorOptions = {},
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

/**
 * Turns any failure into an n8n error: a Jelou request error into a NodeApiError with our words,
 * n8n's own errors as they are (with the item's index added), anything else into a
 * NodeOperationError. With `itemIndex` the editor points at the right item and "On Error:
 * Continue" can attach the error to it.
 */
export function toNodeError(
	node: INode,
	error: unknown,
	options: NodeErrorOptions = {},
): NodeApiError | NodeOperationError {
	if (error instanceof JelouRequestError) return toNodeApiError(node, error, options);
	const redact = options.redact ?? ((text: string) => text);
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (options.itemIndex !== undefined && error.context.itemIndex === undefined) {
			error.context.itemIndex = options.itemIndex;
		}
		error.message = redact(error.message);
		if (error.description) error.description = redact(error.description);
		return error;
	}
	const text = error instanceof Error ? error.message : String(error);
	const message = redact(options.action ? `${options.action}: ${text}` : text);
	return new NodeOperationError(node, message, { itemIndex: options.itemIndex });
}
