import { randomBytes } from 'crypto';
import type { IDataObject, IHookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { textOf } from '../../../shared/text';
import { CREDENTIAL_TYPE, JelouRequestError } from '../transport';
import { IntegrationCalls, type IntegrationState, mayHaveApplied } from './integration';
import {
	REGISTRATION_KEY,
	type Registration,
	modeOf,
	readRegistration,
	registrationEnabled,
	requireProjectId,
	requireWebhookUrl,
	sameCreation,
} from './record';

/**
 * Optional registration of the trigger's URL as the webhook of a project's External Support
 * integration ("Register Webhook in Jelou", off by default). A project has one integration, which
 * the company's own support panel may rely on, and creating it again issues a new signing secret
 * that breaks every consumer of the old one. So this never creates over an existing integration:
 *
 * | the project…          | activation                                   | deactivation                          |
 * |-----------------------|----------------------------------------------|---------------------------------------|
 * | has an integration    | PATCH it to this trigger (bearer token);     | PATCH the previous URL and auth type  |
 * |                       | verify with the credential's Signing Secret  | back (Jelou never reveals the old     |
 * |                       |                                              | authorization value)                  |
 * | has none              | POST one; keep its signingSecret here        | DELETE it                             |
 *
 * A failed step leaves Jelou as it was: a write that may have been applied is undone.
 */

async function hasCredentialSigningSecret(hook: IHookFunctions): Promise<boolean> {
	const credentials = await hook.getCredentials(CREDENTIAL_TYPE);
	return textOf(credentials.signingSecret) !== undefined;
}

/**
 * `checkExists` (activation, and every n8n start): true when registration is off, or when the
 * integration still points at this trigger as this node recorded it, so that n8n does not call
 * `create` again. An integration this node created but that was created anew since (another
 * `createdAt`) has a signing secret this node does not know, so it is registered again.
 */
export async function registrationExists(hook: IHookFunctions): Promise<boolean> {
	if (!registrationEnabled(hook)) return true;
	const action = 'Could not check the webhook registered in Jelou';
	const projectId = requireProjectId(hook);
	const webhookUrl = requireWebhookUrl(hook);
	const stored = readRegistration(hook.getWorkflowStaticData('node'));
	const calls = await IntegrationCalls.open(hook, projectId, action);
	const current = await calls.read().catch((error: unknown) => {
		throw calls.error(hook, error, action);
	});
	if (!current || current.webhookUrl !== webhookUrl) return false;
	if (!stored || stored.projectId !== projectId || stored.webhookUrl !== webhookUrl) return false;
	if (modeOf(stored) === 'created')
		return stored.signingSecret !== undefined && sameCreation(stored, current);
	return true;
}

/** What this activation starts from: how the integration is registered, and what to put back later. */
function planFor(
	own: Registration | undefined,
	current: IntegrationState,
	webhookUrl: string,
): Partial<Registration> {
	const pointsAtUs =
		current.webhookUrl === webhookUrl ||
		(own !== undefined && current.webhookUrl === own.webhookUrl);
	if (!pointsAtUs) {
		return {
			mode: 'updated',
			previousWebhookUrl: current.webhookUrl,
			previousAuthType: current.authType,
		};
	}
	// Registering again over this node's own registration (a new n8n URL, lost token…).
	if (own && modeOf(own) === 'created' && own.signingSecret && sameCreation(own, current)) {
		return {
			mode: 'created',
			signingSecret: own.signingSecret,
			integrationCreatedAt: own.integrationCreatedAt,
		};
	}
	if (own && modeOf(own) === 'updated') {
		return {
			mode: 'updated',
			previousWebhookUrl: own.previousWebhookUrl,
			previousAuthType: own.previousAuthType,
		};
	}
	// It already pointed here without a record of ours: there is nothing known to put back.
	return { mode: 'updated' };
}

/** The text added to an error when undoing a possibly applied write failed too. */
function undoFailure(calls: IntegrationCalls, error: unknown): string {
	return ` It may have been applied, and undoing it failed too (${calls.explain(error)}): check the integration with the Jelou node (Integration → Get).`;
}

/**
 * `create`: points the project's integration at this trigger with a fresh bearer token, creating
 * the integration only when the project has none.
 */
export async function createRegistration(hook: IHookFunctions): Promise<boolean> {
	if (!registrationEnabled(hook)) return true;
	const action = 'Could not register the webhook in Jelou';
	const projectId = requireProjectId(hook);
	const webhookUrl = requireWebhookUrl(hook);
	const staticData = hook.getWorkflowStaticData('node');
	const stored = readRegistration(staticData);
	const own = stored && stored.projectId === projectId ? stored : undefined;
	const calls = await IntegrationCalls.open(hook, projectId, action);
	const current = await calls.read().catch((error: unknown) => {
		throw calls.error(hook, error, action);
	});

	const webhookToken = randomBytes(32).toString('hex');
	const body = { webhookUrl, authType: 'bearer', authorization: webhookToken };
	const hint = ` This trigger's webhook URL is ${webhookUrl}; Jelou accepts only a public HTTPS address, so n8n must be reachable from the internet (see n8n's WEBHOOK_URL setting).`;
	const fail = (error: unknown, undoText = '') => {
		const status = error instanceof JelouRequestError ? error.httpCode : undefined;
		const validation = status === 400 || status === 422;
		return calls.error(hook, error, action, {
			hint: `${validation ? hint : ''}${undoText}`,
			secrets: [webhookToken],
		});
	};

	let plan: Partial<Registration>;
	if (!current) {
		let created: IntegrationState;
		try {
			created = await calls.create(body);
		} catch (error) {
			let undoText = '';
			if (mayHaveApplied(error)) {
				// Leave the project as it was: without an integration.
				undoText = await calls
					.read()
					.then(async (after) =>
						after?.webhookUrl === webhookUrl ? await calls.remove() : undefined,
					)
					.then(
						() => '',
						(undoError: unknown) => undoFailure(calls, undoError),
					);
			}
			throw fail(error, undoText);
		}
		if (!created.signingSecret) {
			const undoText = await calls.remove().then(
				() => ' The integration was deleted again.',
				(undoError: unknown) => undoFailure(calls, undoError),
			);
			throw new NodeOperationError(
				hook.getNode(),
				'Jelou created the integration but returned no signing secret',
				{
					description: `Without it this trigger cannot verify events.${undoText} Create the integration with the Jelou node (Integration → Create), copy its signingSecret into the credential's Signing Secret, then activate again.`,
				},
			);
		}
		plan = {
			mode: 'created',
			signingSecret: created.signingSecret,
			integrationCreatedAt: created.createdAt,
		};
	} else {
		plan = planFor(own, current, webhookUrl);
		if (plan.mode === 'updated' && !(await hasCredentialSigningSecret(hook))) {
			throw new NodeOperationError(
				hook.getNode(),
				`Project '${projectId}' already has an External Support integration, and the Jelou API credential has no Signing Secret`,
				{
					description:
						"Register Webhook in Jelou points the existing integration at this trigger without changing its signing secret, so events are verified with the credential's Signing Secret: put the integration's signingSecret there (Jelou showed it once, to whoever created the integration). Nothing was changed in Jelou.",
				},
			);
		}
		try {
			await calls.update(body);
		} catch (error) {
			let undoText = '';
			if (mayHaveApplied(error) && current.webhookUrl !== webhookUrl) {
				const back: IDataObject = { webhookUrl: current.webhookUrl };
				if (current.authType) back.authType = current.authType;
				undoText = await calls
					.read()
					.then(async (after) =>
						after?.webhookUrl === webhookUrl ? await calls.update(back) : undefined,
					)
					.then(
						() => '',
						(undoError: unknown) => undoFailure(calls, undoError),
					);
			}
			throw fail(error, undoText);
		}
	}

	const registration: Registration = {
		projectId,
		webhookUrl,
		webhookToken,
		registeredAt: new Date().toISOString(),
	};
	for (const [key, value] of Object.entries(plan))
		if (value !== undefined) Object.assign(registration, { [key]: value });
	staticData[REGISTRATION_KEY] = registration;
	return true;
}

/**
 * `delete` (deactivation): undoes the registration as far as Jelou allows, but only while the
 * integration still points at this trigger: one that someone has pointed elsewhere since, or
 * created anew, is left alone.
 */
export async function deleteRegistration(hook: IHookFunctions): Promise<boolean> {
	const staticData = hook.getWorkflowStaticData('node');
	const stored = readRegistration(staticData);
	if (!stored) return true;
	const mode = modeOf(stored);
	const action =
		mode === 'created'
			? 'Could not delete the integration this trigger created in Jelou'
			: 'Could not restore the previous webhook in Jelou';
	const calls = await IntegrationCalls.open(hook, stored.projectId, action);
	try {
		const current = await calls.read();
		if (current && current.webhookUrl === stored.webhookUrl) {
			if (mode === 'created' && sameCreation(stored, current)) {
				await calls.remove();
			} else if (mode === 'updated' && stored.previousWebhookUrl) {
				const back: IDataObject = { webhookUrl: stored.previousWebhookUrl };
				if (stored.previousAuthType) back.authType = stored.previousAuthType;
				await calls.update(back);
			}
		}
	} catch (error) {
		throw calls.error(hook, error, action, { secrets: [stored.webhookToken] });
	}
	delete staticData[REGISTRATION_KEY];
	return true;
}
