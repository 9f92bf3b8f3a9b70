import type { IDataObject, IHookFunctions } from 'n8n-workflow';

import { textOf } from '../../../shared/text';
import type { JelouIntegration } from '../types';
import { JelouRequestError, JelouTransport, toNodeError } from '../transport';

/** Fewer, shorter retries than the action node: activation should fail fast and clearly. */
const TRANSPORT_SETTINGS = { concurrency: 1, maxRetries: 2, timeoutMs: 15_000 };

/** What the registration needs to know of a project's integration. */
export interface IntegrationState {
	webhookUrl?: string;
	authType?: string;
	createdAt?: string;
	signingSecret?: string;
}

function stateOf(data: JelouIntegration | undefined): IntegrationState {
	return {
		webhookUrl: textOf(data?.webhookUrl),
		authType: textOf(data?.authType),
		createdAt: textOf(data?.createdAt),
		signingSecret: textOf(data?.signingSecret),
	};
}

function isNotFound(error: unknown): boolean {
	return error instanceof JelouRequestError && error.httpCode === 404;
}

/**
 * Whether a failed write may have been applied all the same: a 4xx is Jelou refusing it, while
 * after a time-out, a broken connection or a 5xx it may have acted before the answer was lost.
 */
export function mayHaveApplied(error: unknown): boolean {
	if (!(error instanceof JelouRequestError)) return false;
	const status = error.httpCode;
	return status === undefined || status >= 500;
}

/**
 * The four integration calls of the trigger's registration, through the one transport. Each throws
 * the transport's JelouRequestError; the registration decides what a failure means.
 */
export class IntegrationCalls {
	private constructor(
		private readonly transport: JelouTransport,
		readonly projectId: string,
	) {}

	static async open(
		hook: IHookFunctions,
		projectId: string,
		action: string,
	): Promise<IntegrationCalls> {
		try {
			return new IntegrationCalls(await JelouTransport.create(hook, TRANSPORT_SETTINGS), projectId);
		} catch (error) {
			throw toNodeError(hook.getNode(), error, { action });
		}
	}

	private get path(): string[] {
		return ['external-support', this.projectId];
	}

	/** The integration, or undefined when the project has none (404). */
	async read(): Promise<IntegrationState | undefined> {
		const outcome = await this.transport
			.request<JelouIntegration>({
				method: 'GET',
				path: this.path,
				notFoundMessage: `Project '${this.projectId}' has no External Support integration`,
				bareShape: 'integration',
			})
			.then(
				(data) => ({ data }),
				(error: unknown) => ({ error }),
			);
		if ('data' in outcome) return stateOf(outcome.data);
		if (isNotFound(outcome.error)) return undefined;
		throw outcome.error;
	}

	async create(body: IDataObject): Promise<IntegrationState> {
		const data = await this.transport.request<JelouIntegration>({
			method: 'POST',
			path: this.path,
			body,
			notFoundMessage: `Jelou found no project '${this.projectId}'`,
			bareShape: 'integration',
			// Every create issues a new signing secret: never resend after Jelou may have acted.
			retry: 'notProcessedOnly',
		});
		return stateOf(data);
	}

	async update(body: IDataObject): Promise<void> {
		await this.transport.request<JelouIntegration>({
			method: 'PATCH',
			path: this.path,
			body,
			notFoundMessage: `Project '${this.projectId}' has no External Support integration`,
			bareShape: 'integration',
			retry: 'notProcessedOnly',
		});
	}

	/** Deletes the integration; one that is already gone (404) counts as deleted. */
	async remove(): Promise<void> {
		const failure = await this.transport
			.request({
				method: 'DELETE',
				path: this.path,
				notFoundMessage: `Project '${this.projectId}' has no External Support integration`,
				dataOptional: true,
				retry: 'notProcessedOnly',
			})
			.then(
				() => undefined,
				(error: unknown) => error,
			);
		if (failure !== undefined && !isNotFound(failure)) throw failure;
	}

	/** The message of a failure, one line, with the secrets scrubbed (for an undo that failed too). */
	explain(error: unknown): string {
		return this.transport.redact(error instanceof Error ? error.message : String(error));
	}

	/** Our error for a failed step, with the secrets (and the given values) scrubbed. */
	error(
		hook: IHookFunctions,
		error: unknown,
		action: string,
		options: { hint?: string; secrets?: unknown[] } = {},
	) {
		return toNodeError(hook.getNode(), error, {
			action,
			hint: options.hint,
			redact: (value) => this.transport.redact(value, options.secrets ?? []),
		});
	}
}
