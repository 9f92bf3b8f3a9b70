import { randomBytes } from 'crypto';
import type { IDataObject, IHookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { checkId } from '../helpers/ids';
import { textOf } from '../helpers/text';
import { JelouRequestError, JelouTransport, toNodeError } from '../transport';

/**
 * Optional registration of the trigger's URL as the webhook of a project's External Support
 * integration. A project has a single integration, which the company's own support panel may
 * rely on, so this is off by default and undoes itself as far as Jelou allows when the workflow
 * is deactivated.
 *
 * Choices:
 * - The integration is created with `authType: "bearer"` and a random token kept in the node's
 *   static data; events must then carry `Authorization: Bearer <token>` besides the signature.
 * - The `signingSecret` Jelou returns (only in that answer) is kept in static data and takes
 *   precedence over the credential's Signing Secret for this node.
 * - On deactivation the previous webhook URL is put back with `authType: "no_auth"`: Jelou never
 *   returns the previous authorization secret nor the previous signing secret, and creating the
 *   integration again issues a new signing secret, which nobody sees. The owner of that panel has
 *   to create the integration again from the panel to get working secrets.
 */

/** Key of the registration record in the node's static data. */
export const REGISTRATION_KEY = 'jelouRegistration';

/** A type alias rather than an interface, so that it fits n8n's static data (IDataObject) as it is. */
export type Registration = {
	projectId: string;
	/** The n8n webhook URL the integration was pointed at. */
	webhookUrl: string;
	signingSecret?: string;
	/** Bearer token Jelou sends with every event of this registration. */
	webhookToken: string;
	/** `updatedAt` of the integration right after registering (tells a later re-creation apart). */
	integrationUpdatedAt?: string;
	/** What the integration pointed at before, restored on deactivation. */
	previousWebhookUrl?: string;
	previousAuthType?: string;
	registeredAt: string;
};

/** Fewer, shorter retries than the action node: activation should fail fast and clearly. */
const TRANSPORT_SETTINGS = { concurrency: 1, maxRetries: 2, timeoutMs: 15_000 };

export function readRegistration(staticData: IDataObject): Registration | undefined {
	const record = staticData[REGISTRATION_KEY];
	if (!record || typeof record !== 'object' || Array.isArray(record)) return undefined;
	const candidate = record as IDataObject;
	if (!textOf(candidate.projectId) || !textOf(candidate.webhookUrl) || !textOf(candidate.webhookToken)) return undefined;
	return candidate as Registration;
}

/** Whether the "Register Webhook in Jelou" switch is on. */
export function registrationEnabled(ctx: Pick<IHookFunctions, 'getNodeParameter'>): boolean {
	return ctx.getNodeParameter('registerWebhook', false) === true;
}

/** The Project ID parameter, cleaned; undefined when blank or unusable in a URL. */
export function projectIdParameter(ctx: Pick<IHookFunctions, 'getNodeParameter'>): string | undefined {
	const checked = checkId(ctx.getNodeParameter('projectId', ''));
	return 'id' in checked ? checked.id : undefined;
}

function requireProjectId(hook: IHookFunctions): string {
	const checked = checkId(hook.getNodeParameter('projectId', ''));
	if ('problem' in checked) {
		throw new NodeOperationError(hook.getNode(), `The Project ID ${checked.problem}`, {
			description: 'Register Webhook in Jelou needs the ID of the Jelou project whose integration should send events to this trigger.',
		});
	}
	return checked.id;
}

function requireWebhookUrl(hook: IHookFunctions): string {
	const url = hook.getNodeWebhookUrl('default');
	if (!url) {
		throw new NodeOperationError(hook.getNode(), 'n8n could not tell the webhook URL of this trigger');
	}
	return url;
}

async function createTransport(hook: IHookFunctions, action: string): Promise<JelouTransport> {
	try {
		return await JelouTransport.create(hook, TRANSPORT_SETTINGS);
	} catch (error) {
		throw toNodeError(hook.getNode(), error, { action });
	}
}

/** The project's integration, or undefined when it has none (404). */
async function readIntegration(
	hook: IHookFunctions,
	transport: JelouTransport,
	projectId: string,
	action: string,
): Promise<IDataObject | undefined> {
	const outcome = await transport
		.request<IDataObject>({
			method: 'GET',
			path: ['external-support', projectId],
			notFoundMessage: `Project '${projectId}' has no External Support integration`,
		})
		.then(
			(data) => ({ data }),
			(error: unknown) => ({ error }),
		);
	if ('data' in outcome) return outcome.data;
	if (outcome.error instanceof JelouRequestError && outcome.error.httpCode === 404) return undefined;
	throw toNodeError(hook.getNode(), outcome.error, { action, redact: (value) => transport.redact(value) });
}

async function writeIntegration(
	hook: IHookFunctions,
	transport: JelouTransport,
	projectId: string,
	body: IDataObject,
	action: string,
	/** Added to the description of a 422 answer. */
	hint: string,
): Promise<IDataObject> {
	const outcome = await transport
		.request<IDataObject>({
			method: 'POST',
			path: ['external-support', projectId],
			body,
			notFoundMessage: `Jelou found no project '${projectId}'`,
			// Every create issues a new signing secret: never resend after Jelou may have acted.
			retry: 'notProcessedOnly',
		})
		.then(
			(data) => ({ data }),
			(error: unknown) => ({ error }),
		);
	if ('data' in outcome) return outcome.data;
	// The hint explains the likely cause of a validation failure (an n8n URL Jelou cannot reach).
	const isValidationError = outcome.error instanceof JelouRequestError && outcome.error.httpCode === 422;
	throw toNodeError(hook.getNode(), outcome.error, {
		action,
		redact: (value) => transport.redact(value, [body.authorization]),
		hint: isValidationError ? hint : '',
	});
}

/**
 * `checkExists`: true when registration is off (nothing to do), or when the integration already
 * points at this trigger and this node still holds its signing secret. An integration with the
 * right URL but a different `updatedAt` than the one recorded was created again since (by a panel,
 * the Jelou node, or a test run of this workflow) with a signing secret this node does not know,
 * so it is registered again.
 */
export async function registrationExists(hook: IHookFunctions): Promise<boolean> {
	if (!registrationEnabled(hook)) return true;
	const action = 'Could not check the webhook registered in Jelou';
	const projectId = requireProjectId(hook);
	const webhookUrl = requireWebhookUrl(hook);
	const stored = readRegistration(hook.getWorkflowStaticData('node'));
	const transport = await createTransport(hook, action);
	const integration = await readIntegration(hook, transport, projectId, action);
	if (!integration || integration.webhookUrl !== webhookUrl) return false;
	if (!stored || stored.projectId !== projectId || stored.webhookUrl !== webhookUrl || !stored.signingSecret) {
		return false;
	}
	const updatedAt = textOf(integration.updatedAt);
	if (updatedAt && stored.integrationUpdatedAt && updatedAt !== stored.integrationUpdatedAt) return false;
	return true;
}

/**
 * `create`: remembers where the integration pointed, points it at this trigger with a fresh bearer
 * token, and keeps the signing secret Jelou returns.
 */
export async function createRegistration(hook: IHookFunctions): Promise<boolean> {
	if (!registrationEnabled(hook)) return true;
	const action = 'Could not register the webhook in Jelou';
	const projectId = requireProjectId(hook);
	const webhookUrl = requireWebhookUrl(hook);
	const staticData = hook.getWorkflowStaticData('node');
	const stored = readRegistration(staticData);
	const transport = await createTransport(hook, action);

	const current = await readIntegration(hook, transport, projectId, action);
	let previousWebhookUrl: string | undefined;
	let previousAuthType: string | undefined;
	const currentUrl = textOf(current?.webhookUrl);
	if (currentUrl !== undefined && currentUrl !== webhookUrl) {
		previousWebhookUrl = currentUrl;
		previousAuthType = textOf(current?.authType);
	} else if (stored && stored.projectId === projectId) {
		// Registering again over our own registration: what was there before us is still what to restore.
		previousWebhookUrl = stored.previousWebhookUrl;
		previousAuthType = stored.previousAuthType;
	}

	const webhookToken = randomBytes(32).toString('hex');
	const hint = ` This trigger's webhook URL is ${webhookUrl}; Jelou accepts only a public HTTPS address, so n8n must be reachable from the internet (see n8n's WEBHOOK_URL setting).`;
	const data = await writeIntegration(
		hook,
		transport,
		projectId,
		{ webhookUrl, authType: 'bearer', authorization: webhookToken },
		action,
		hint,
	);

	const registration: Registration = {
		projectId,
		webhookUrl,
		webhookToken,
		registeredAt: new Date().toISOString(),
	};
	const signingSecret = textOf(data.signingSecret);
	if (signingSecret) registration.signingSecret = signingSecret;
	const updatedAt = textOf(data.updatedAt);
	if (updatedAt) registration.integrationUpdatedAt = updatedAt;
	if (previousWebhookUrl) registration.previousWebhookUrl = previousWebhookUrl;
	if (previousAuthType) registration.previousAuthType = previousAuthType;
	// Saved before any further check, so that deactivation can still restore the previous URL.
	staticData[REGISTRATION_KEY] = registration;

	if (!signingSecret) {
		throw new NodeOperationError(hook.getNode(), 'Jelou registered the webhook but returned no signing secret', {
			description:
				"Without it this trigger cannot verify events. Turn off Register Webhook in Jelou, create the integration with the Jelou node (Integration → Create) and copy its signingSecret into the credential's Signing Secret.",
		});
	}
	return true;
}

/**
 * `delete`: if the integration still points at this trigger and pointed elsewhere before, the
 * previous URL is put back (with `no_auth`, see above). Without a previous URL there is nothing to
 * restore and Jelou documents no way to delete an integration, so it is left as it is.
 */
export async function deleteRegistration(hook: IHookFunctions): Promise<boolean> {
	const staticData = hook.getWorkflowStaticData('node');
	const stored = readRegistration(staticData);
	if (!stored) return true;
	const action = 'Could not restore the previous webhook in Jelou';
	const transport = await createTransport(hook, action);
	const current = await readIntegration(hook, transport, stored.projectId, action);
	if (current && current.webhookUrl === stored.webhookUrl && stored.previousWebhookUrl) {
		await writeIntegration(
			hook,
			transport,
			stored.projectId,
			{ webhookUrl: stored.previousWebhookUrl, authType: 'no_auth' },
			action,
			'',
		);
	}
	delete staticData[REGISTRATION_KEY];
	return true;
}
