import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { checkId } from '../../../shared/ids';

/**
 * Reads an id parameter for one item and checks it before any request is made, so a bad value
 * fails that item with a message naming the field and the item instead of calling a wrong path.
 */
export function getIdParameter(
	ctx: IExecuteFunctions,
	name: string,
	displayName: string,
	itemIndex: number,
): string {
	const value = ctx.getNodeParameter(name, itemIndex, '') as unknown;
	const checked = checkId(value);
	if ('problem' in checked) {
		throw new NodeOperationError(
			ctx.getNode(),
			`${displayName} ${checked.problem} (item ${itemIndex})`,
			{
				itemIndex,
				description: `Set "${displayName}" to the ID from Jelou. When it comes from an expression, check that the input item has a value for it.`,
			},
		);
	}
	return checked.id;
}

/**
 * A required text parameter; blank fails the item with the field's name. Trimmed unless `keepSpaces`
 * (message texts are sent as written).
 */
export function getRequiredText(
	ctx: IExecuteFunctions,
	name: string,
	displayName: string,
	itemIndex: number,
	keepSpaces = false,
): string {
	const value = ctx.getNodeParameter(name, itemIndex, '') as unknown;
	const raw =
		value === undefined || value === null || typeof value === 'object' ? '' : String(value);
	const text = keepSpaces ? raw : raw.trim();
	if (text.trim() === '') {
		throw new NodeOperationError(ctx.getNode(), `${displayName} is empty (item ${itemIndex})`, {
			itemIndex,
			description: `Set "${displayName}". When it comes from an expression, check that the input item has a value for it.`,
		});
	}
	return text;
}

/** Parses a JSON parameter (text or already an object) that must hold an object. */
export function parseJsonObject(
	ctx: IExecuteFunctions,
	value: unknown,
	displayName: string,
	itemIndex: number,
): IDataObject {
	if (value === undefined || value === null || value === '') return {};
	let parsed: unknown = value;
	if (typeof value === 'string') {
		try {
			parsed = JSON.parse(value);
		} catch {
			parsed = undefined;
		}
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw new NodeOperationError(
			ctx.getNode(),
			`${displayName} must be a JSON object (item ${itemIndex})`,
			{
				itemIndex,
				description: 'Write it like {"ticketId": "T-12345"}.',
			},
		);
	}
	return parsed as IDataObject;
}

/** Checks that a text is an absolute http(s) URL; `httpsOnly` for what Jelou requires HTTPS for. */
export function checkUrl(
	ctx: IExecuteFunctions,
	value: string,
	displayName: string,
	itemIndex: number,
	httpsOnly: boolean,
): string {
	let url: URL | undefined;
	try {
		url = new URL(value);
	} catch {
		url = undefined;
	}
	const allowed = httpsOnly ? ['https:'] : ['https:', 'http:'];
	if (!url || !allowed.includes(url.protocol)) {
		throw new NodeOperationError(
			ctx.getNode(),
			`${displayName} must be ${httpsOnly ? 'an https://' : 'an http:// or https://'} URL (item ${itemIndex})`,
			{ itemIndex, description: `Got "${value.slice(0, 200)}".` },
		);
	}
	return value;
}

/** A required URL parameter: filled in, and an absolute http(s) URL (https only when asked). */
export function getRequiredUrl(
	ctx: IExecuteFunctions,
	name: string,
	displayName: string,
	itemIndex: number,
	httpsOnly: boolean,
): string {
	const value = getRequiredText(ctx, name, displayName, itemIndex);
	return checkUrl(ctx, value, displayName, itemIndex, httpsOnly);
}
