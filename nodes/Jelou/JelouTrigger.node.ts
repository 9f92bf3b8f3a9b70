import type {
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { nodeOptions, projectIdField } from './helpers/fields';
import {
	ALL_EVENTS,
	EVENT_CONVERSATION_CLOSE,
	EVENT_CONVERSATION_START,
	EVENT_MESSAGE,
	checkFreshness,
	eventNameOf,
	isSelected,
	toOutputItem,
} from './trigger/event';
import { downloadMediaFields, readMediaSettings, withMedia } from './trigger/media';
import { createRegistration, deleteRegistration, registrationExists } from './trigger/registration';
import { SIGNATURE_HEADER, hasExpectedAuthorization, verifySignature } from './trigger/signature';
import {
	activeRegistration,
	credentialSigningSecret,
	eventObject,
	readBody,
	refuse,
} from './trigger/webhook';
import { CREDENTIAL_TEST, testJelouCredential } from './methods/credentialTest';

interface TriggerOptions {
	expectedAuthorization?: string;
	ignoreSignature?: boolean;
	maxEventAge?: number;
}

export const DEFAULT_MAX_EVENT_AGE_SECONDS = 300;

function numberOption(value: unknown, fallback: number): number {
	return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}

export class JelouTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Jelou Trigger',
		name: 'jelouTrigger',
		icon: { light: 'file:jelou.svg', dark: 'file:jelou.dark.svg' },
		version: 1,
		group: ['trigger'],
		subtitle:
			'={{ ($parameter["events"] || []).includes("*") ? "All events" : ($parameter["events"] || []).join(", ") }}',
		description:
			'Starts the workflow when Jelou sends a conversation or message event of the External Support integration',
		defaults: {
			name: 'Jelou Trigger',
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'jelouApi',
				required: true,
				// The credential's Test button runs this node's method (both nodes name it, so n8n
				// finds it whichever node it looks at first).
				testedBy: 'jelouApiTest',
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'jelou',
			},
		],
		properties: [
			{
				displayName:
					"In Jelou, set this node's webhook URL as the webhookUrl of the project's External Support integration and copy the signingSecret Jelou returns into the credential's Signing Secret, or turn on Register Webhook in Jelou",
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				default: [ALL_EVENTS],
				description:
					'The events that start the workflow. Other events are answered with HTTP 200 and ignored, so Jelou does not send them again.',
				options: [
					{
						name: 'All Events',
						value: ALL_EVENTS,
						description: 'Every event Jelou sends, including ones added in the future',
					},
					{
						name: 'Conversation Closed',
						value: EVENT_CONVERSATION_CLOSE,
						description: 'A conversation handed to the support panel was closed',
					},
					{
						name: 'Conversation Started',
						value: EVENT_CONVERSATION_START,
						description: 'A conversation was handed to the support panel',
					},
					{
						name: 'Message Received',
						value: EVENT_MESSAGE,
						description: 'The end user wrote a message in a handed-over conversation',
					},
				],
			},
			{
				displayName: 'Register Webhook in Jelou',
				name: 'registerWebhook',
				type: 'boolean',
				default: false,
				description:
					"Whether to point the project's External Support integration at this trigger while the workflow is active (creating the integration when the project has none), and undo that when the workflow is deactivated",
			},
			{
				displayName:
					"A project has only one integration. If it has one (your support panel's, say), activating points it at this trigger and keeps its signing secret, which the credential's Signing Secret must hold; deactivating points it back to the previous URL and authentication type. Jelou never reveals the previous authorization value (token, API key or password), so the panel's owner must enter it again afterwards (Jelou node: Integration → Update, Webhook Secret). If the project has none, activating creates one and deactivating deletes it.",
				name: 'registerNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { registerWebhook: [true] } },
			},
			projectIdField(
				{ registerWebhook: [true] },
				'ID of the Jelou project whose integration should send its events to this trigger',
			),
			...downloadMediaFields,
			nodeOptions([
				{
					displayName: 'Expected Webhook Authorization',
					name: 'expectedAuthorization',
					type: 'string',
					typeOptions: { password: true },
					default: '',
					description:
						"The authorization secret of the integration (its token, API key, or user:password). When set, events must also carry it the way the integration's authentication type sends it: Authorization: Bearer, X-API-Key, or Authorization: Basic. Not used with Register Webhook in Jelou, which requires its own token.",
				},
				{
					displayName: 'Ignore Signature (Testing Only)',
					name: 'ignoreSignature',
					type: 'boolean',
					default: false,
					description:
						'Whether to accept events without checking their X-Jelou-Signature. Unsafe: anyone who knows the webhook URL could start this workflow with made-up events. Use it only for tests.',
				},
				{
					displayName: 'Max Event Age (Seconds)',
					name: 'maxEventAge',
					type: 'number',
					typeOptions: { minValue: 0 },
					default: DEFAULT_MAX_EVENT_AGE_SECONDS,
					description:
						'Refuse events whose timestamp is older than this (a replayed request) or more than 60 seconds in the future. 0 turns the check off. Events without a timestamp are accepted.',
				},
			]),
		],
	};

	methods = { credentialTest: { [CREDENTIAL_TEST]: testJelouCredential } };

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await registrationExists(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await createRegistration(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await deleteRegistration(this);
			},
		},
	};

	/**
	 * Order of checks: signature (401), the webhook's own authorization header (401), a JSON object
	 * body (400), the timestamp window (401: a replay is refused like any other unauthenticated
	 * request), then the Events filter (200 without starting anything, so Jelou does not retry).
	 * With Download Media on, a media message's file is fetched before the workflow starts; a failed
	 * download still starts it, with `mediaError` on the item.
	 * Refusals answer a short JSON error and never echo a secret.
	 */
	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const options = this.getNodeParameter('options', {}) as TriggerOptions;
		const selected = this.getNodeParameter('events', [ALL_EVENTS]) as string[];
		const headers = this.getHeaderData() as Record<string, unknown>;
		const { raw, body } = readBody(this);
		const registration = activeRegistration(this);

		if (options.ignoreSignature !== true) {
			const secret = registration?.signingSecret ?? (await credentialSigningSecret(this));
			if (secret === undefined) {
				return refuse(this, 401, {
					error: 'Signing secret not configured',
					message:
						'This Jelou Trigger cannot verify events because the Signing Secret of its Jelou API credential is empty. An n8n admin must fill it in with the signingSecret Jelou returned when the External Support integration was created.',
				});
			}
			const result = verifySignature(secret, headers[SIGNATURE_HEADER], raw, eventObject(body));
			if (result === 'missing')
				return refuse(this, 401, { error: 'Missing X-Jelou-Signature header' });
			if (result === 'invalid') return refuse(this, 401, { error: 'Invalid X-Jelou-Signature' });
		}

		const expectedAuthorization = registration
			? registration.webhookToken
			: typeof options.expectedAuthorization === 'string' && options.expectedAuthorization !== ''
				? options.expectedAuthorization
				: undefined;
		if (
			expectedAuthorization !== undefined &&
			!hasExpectedAuthorization(headers, expectedAuthorization)
		) {
			return refuse(this, 401, { error: 'Missing or wrong webhook authorization' });
		}

		if (body.kind !== 'json')
			return refuse(this, 400, { error: 'The request body is not valid JSON' });
		const event = eventObject(body);
		if (!event) return refuse(this, 400, { error: 'The request body must be a JSON object' });

		const maxAge = numberOption(options.maxEventAge, DEFAULT_MAX_EVENT_AGE_SECONDS);
		const problem = checkFreshness(event, maxAge, Date.now());
		if (problem === 'tooOld') {
			return refuse(this, 401, {
				error: `Event is older than ${maxAge} seconds (possible replay)`,
			});
		}
		if (problem === 'inFuture')
			return refuse(this, 401, { error: 'Event timestamp is in the future' });
		if (problem === 'invalid')
			return refuse(this, 401, { error: 'Event timestamp is not a valid time' });

		if (!isSelected(eventNameOf(event), Array.isArray(selected) ? selected : [])) {
			return {
				webhookResponse: {
					message: 'Event received but not selected in this trigger; no workflow was started',
				},
			};
		}

		const json = toOutputItem(event);
		if (this.getNodeParameter('downloadMedia', false) === true) {
			const item = await withMedia(this, event, json, readMediaSettings(this));
			return { workflowData: [[item]] };
		}
		return { workflowData: [[{ json }]] };
	}
}
