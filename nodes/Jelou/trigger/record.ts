import type { IDataObject, IHookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { checkId } from '../../../shared/ids';
import { textOf } from '../../../shared/text';
import type { IntegrationState } from './integration';

/**
 * What "Register Webhook in Jelou" keeps in the node's static data (so that deactivation, also in
 * another n8n process, knows what to undo) and the trigger parameters it reads.
 */

/** Key of the registration record in the node's static data. */
export const REGISTRATION_KEY = 'jelouRegistration';

/** A type alias rather than an interface, so that it fits n8n's static data (IDataObject) as it is. */
export type Registration = {
	projectId: string;
	/** The n8n webhook URL the integration was pointed at. */
	webhookUrl: string;
	/** Bearer token Jelou sends with every event of this registration. */
	webhookToken: string;
	/**
	 * `created`: this trigger created the integration (deactivation deletes it). `updated`: it
	 * pointed an existing one at itself (deactivation points it back). Records written before
	 * Update existed have none; see `modeOf`.
	 */
	mode?: 'created' | 'updated';
	/** Only when created here: the one-time signing secret, which verifies the events. */
	signingSecret?: string;
	/** `createdAt` of the integration created here: tells a later re-creation by someone else apart. */
	integrationCreatedAt?: string;
	/** What the integration pointed at before (`updated`), put back on deactivation. */
	previousWebhookUrl?: string;
	previousAuthType?: string;
	registeredAt: string;
};

export function readRegistration(staticData: IDataObject): Registration | undefined {
	const record = staticData[REGISTRATION_KEY];
	if (!record || typeof record !== 'object' || Array.isArray(record)) return undefined;
	const candidate = record as IDataObject;
	if (
		!textOf(candidate.projectId) ||
		!textOf(candidate.webhookUrl) ||
		!textOf(candidate.webhookToken)
	)
		return undefined;
	return candidate as Registration;
}

/** Records of older versions (which always created) replaced a previous URL or created anew. */
export function modeOf(record: Registration): 'created' | 'updated' {
	return record.mode ?? (record.previousWebhookUrl ? 'updated' : 'created');
}

/** Whether the integration is still the one this trigger created (unknown dates count as the same). */
export function sameCreation(record: Registration, current: IntegrationState): boolean {
	return (
		!record.integrationCreatedAt ||
		!current.createdAt ||
		record.integrationCreatedAt === current.createdAt
	);
}

/** Whether the "Register Webhook in Jelou" switch is on. */
export function registrationEnabled(ctx: Pick<IHookFunctions, 'getNodeParameter'>): boolean {
	return ctx.getNodeParameter('registerWebhook', false) === true;
}

/** The Project ID parameter, cleaned; undefined when blank or unusable in a URL. */
export function projectIdParameter(
	ctx: Pick<IHookFunctions, 'getNodeParameter'>,
): string | undefined {
	const checked = checkId(ctx.getNodeParameter('projectId', ''));
	return 'id' in checked ? checked.id : undefined;
}

export function requireProjectId(hook: IHookFunctions): string {
	const checked = checkId(hook.getNodeParameter('projectId', ''));
	if ('problem' in checked) {
		throw new NodeOperationError(hook.getNode(), `The Project ID ${checked.problem}`, {
			description:
				'Register Webhook in Jelou needs the ID of the Jelou project whose integration should send events to this trigger.',
		});
	}
	return checked.id;
}

export function requireWebhookUrl(hook: IHookFunctions): string {
	const url = hook.getNodeWebhookUrl('default');
	if (!url) {
		throw new NodeOperationError(
			hook.getNode(),
			'n8n could not tell the webhook URL of this trigger',
		);
	}
	return url;
}
