import type { IDataObject, IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { JelouRequestError } from '../transport';

/** What an operation returns for one input item: one object, or several (one output item each). */
export type OperationResult = IDataObject | IDataObject[];

export type ItemHandler = (itemIndex: number) => Promise<OperationResult>;

/**
 * Turns any failure of one item into an n8n error that carries the item's index, so the editor
 * points at the right item and "On Error: Continue" can attach it to that item.
 */
export function toNodeError(
	ctx: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
	redact: (text: string) => string = (text) => text,
): NodeApiError | NodeOperationError {
	if (error instanceof JelouRequestError) {
		const message = redact(error.message);
		const description = redact(error.description);
		const details: JsonObject = { message, description };
		if (error.httpCode !== undefined) details.httpCode = String(error.httpCode);
		if (error.body !== undefined) details.jelouResponse = error.body as JsonObject;
		const apiError = new NodeApiError(ctx.getNode(), details, {
			message,
			description,
			httpCode: error.httpCode !== undefined ? String(error.httpCode) : undefined,
			itemIndex,
		});
		// NodeApiError rewrites messages that mention common network codes into generic text;
		// ours already says what happened, so keep it exactly.
		apiError.message = message;
		apiError.description = description;
		return apiError;
	}
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		error.message = redact(error.message);
		if (error.description) error.description = redact(error.description);
		return error;
	}
	const message = redact(error instanceof Error ? error.message : String(error));
	return new NodeOperationError(ctx.getNode(), message, { itemIndex });
}

/**
 * Runs `handler` for every input item and builds the node's output in input order: each result
 * carries `pairedItem`, and under "On Error: Continue" a failed item becomes `{ error }` with the
 * error attached (so the error output branch receives it) while the other items go on.
 */
export async function runForEachItem(
	ctx: IExecuteFunctions,
	handler: ItemHandler,
	redact?: (text: string) => string,
): Promise<INodeExecutionData[]> {
	const items = ctx.getInputData();
	const output: INodeExecutionData[] = [];
	const continueOnFail = ctx.continueOnFail();

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const result = await handler(itemIndex);
			const objects = Array.isArray(result) ? result : [result];
			for (const json of objects) output.push({ json, pairedItem: { item: itemIndex } });
		} catch (caught) {
			const error = toNodeError(ctx, caught, itemIndex, redact);
			if (!continueOnFail) throw error;
			output.push({ json: { error: error.message }, error, pairedItem: { item: itemIndex } });
		}
	}
	return output;
}
