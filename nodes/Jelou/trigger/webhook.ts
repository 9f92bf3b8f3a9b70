import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { type ParsedBody, parseBody } from '../../../shared/body';
import { CREDENTIAL_TYPE } from '../transport';
import {
	type Registration,
	projectIdParameter,
	readRegistration,
	registrationEnabled,
} from './record';

/**
 * The body as received. n8n keeps the exact bytes in `rawBody` (read before parsing, in 1.x and
 * 2.x); they are what the signature covers. Without them (some other caller of the node) the
 * parsed body n8n offers is used, and only its re-serialized form can be verified.
 */
export function readBody(ctx: IWebhookFunctions): { raw?: Buffer; body: ParsedBody } {
	const rawBody: unknown = Reflect.get(ctx.getRequestObject(), 'rawBody');
	if (Buffer.isBuffer(rawBody)) return { raw: rawBody, body: parseBody(rawBody) };
	const parsed = ctx.getBodyData() as unknown;
	if (typeof parsed === 'string')
		return { raw: Buffer.from(parsed, 'utf8'), body: parseBody(parsed) };
	if (eventObject({ kind: 'json', value: parsed }))
		return { body: { kind: 'json', value: parsed } };
	return { body: { kind: 'empty' } };
}

/** The event when the body is a JSON object; undefined for anything else. */
export function eventObject(body: ParsedBody): Record<string, unknown> | undefined {
	if (body.kind !== 'json') return undefined;
	const value = body.value;
	if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
	return value as Record<string, unknown>;
}

/** Answers the request now with a JSON error and starts nothing. */
export function refuse(
	ctx: IWebhookFunctions,
	status: number,
	body: IDataObject,
): IWebhookResponseData {
	ctx.getResponseObject().status(status).json(body);
	return { noWebhookResponse: true };
}

/** The registration made by this node for the configured project, when registration is on. */
export function activeRegistration(ctx: IWebhookFunctions): Registration | undefined {
	if (!registrationEnabled(ctx)) return undefined;
	const stored = readRegistration(ctx.getWorkflowStaticData('node'));
	if (!stored || stored.projectId !== projectIdParameter(ctx)) return undefined;
	return stored;
}

export async function credentialSigningSecret(ctx: IWebhookFunctions): Promise<string | undefined> {
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	const secret = credentials.signingSecret;
	return typeof secret === 'string' && secret.trim() !== '' ? secret : undefined;
}
