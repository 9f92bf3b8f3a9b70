import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { cancelledError, toNodeError, type JelouTransport } from '../transport';
import { redactDeep, toolErrorResult } from '../helpers/tool';

/** What an operation returns for one input item: one object, or several (one output item each). */
export type OperationResult = IDataObject | IDataObject[];

export type ItemHandler = (itemIndex: number) => Promise<OperationResult>;

/** The execute() of one operation: one item, through the run's one transport. */
export type OperationHandler = (
	this: IExecuteFunctions,
	transport: JelouTransport,
	itemIndex: number,
) => Promise<OperationResult>;

export interface RunSettings {
	/**
	 * Items in flight at once: the transport's limit (the user's fixed Concurrency, or adaptive),
	 * which may change while the run goes, so it is read again before every start. One at a time
	 * without it. The transport's pacer slows the request rate, not this.
	 */
	limiter?: { readonly limit: number };
	redact?: (text: string) => string;
	/** Whether results pass through `redact` too (every string, deeply), not only errors. */
	redactOutput?: boolean;
	/**
	 * The node runs as an AI Agent's tool: a failed item becomes `{ error, hint }` (see
	 * toolErrorResult) instead of an error, whatever "On Error" says.
	 */
	asTool?: boolean;
}

/**
 * Runs `handler` for every input item, several at a time, and builds the node's output in input
 * order whatever order the answers arrive in: each result carries `pairedItem`, and under
 * "On Error: Continue" a failed item becomes `{ error }` with the error attached (so the error
 * output branch receives it) while the other items go on. Without it, no new item starts after a
 * failure and the failure with the lowest item index is thrown once the running ones are done.
 * When the execution is cancelled no new item starts either, and the run ends with an error.
 */
export async function runForEachItem(
	ctx: IExecuteFunctions,
	handler: ItemHandler,
	settings: RunSettings = {},
): Promise<INodeExecutionData[]> {
	const itemCount = ctx.getInputData().length;
	const continueOnFail = ctx.continueOnFail();
	const limit = () => Math.max(1, settings.limiter?.limit ?? 1);
	const signal = ctx.getExecutionCancelSignal?.();
	const results: INodeExecutionData[][] = new Array(itemCount);
	let firstFailure: { itemIndex: number; error: Error } | undefined;

	const runOne = async (itemIndex: number): Promise<void> => {
		try {
			const result = await handler(itemIndex);
			const objects = Array.isArray(result) ? result : [result];
			results[itemIndex] = objects.map((json) => ({
				json: settings.redactOutput && settings.redact ? redactDeep(json, settings.redact) : json,
				pairedItem: { item: itemIndex },
			}));
		} catch (caught) {
			const error = toNodeError(ctx.getNode(), caught, { itemIndex, redact: settings.redact });
			if (settings.asTool) {
				results[itemIndex] = [{ json: toolErrorResult(error), pairedItem: { item: itemIndex } }];
			} else if (continueOnFail) {
				results[itemIndex] = [
					{ json: { error: error.message }, error, pairedItem: { item: itemIndex } },
				];
			} else if (!firstFailure || itemIndex < firstFailure.itemIndex) {
				firstFailure = { itemIndex, error };
			}
		}
	};

	await new Promise<void>((resolve) => {
		let next = 0;
		let inFlight = 0;
		const launch = () => {
			const stopped = firstFailure !== undefined || signal?.aborted === true;
			while (!stopped && next < itemCount && inFlight < limit()) {
				const itemIndex = next++;
				inFlight++;
				void runOne(itemIndex).then(() => {
					inFlight--;
					launch();
				});
			}
			if (inFlight === 0 && (stopped || next >= itemCount)) resolve();
		};
		launch();
	});

	if (firstFailure) throw firstFailure.error;
	// A cancelled run must not look like a complete one: items that never started have no output.
	const firstUnstarted = results.findIndex((itemResults) => itemResults === undefined);
	if (signal?.aborted && firstUnstarted !== -1) {
		throw toNodeError(ctx.getNode(), cancelledError(), {
			itemIndex: firstUnstarted,
			redact: settings.redact,
		});
	}
	const output: INodeExecutionData[] = [];
	for (const itemResults of results) if (itemResults) output.push(...itemResults);
	return output;
}
