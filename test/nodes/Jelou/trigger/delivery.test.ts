/**
 * Real HTTP end to end: events delivered as Jelou documents them (the body signed over its exact
 * bytes, a Bearer header from the integration's authType) reach a local server that plays n8n's
 * webhook endpoint and runs JelouTrigger.webhook() on the raw request. Proves that documented
 * signatures and the bearer header verify over the wire, and that bad ones are refused.
 */
import type { IDataObject } from 'n8n-workflow';

import { eventItems, eventSamples } from '../../../fixtures/events';
import { deliverEvent, type DeliveryTarget } from '../../../fixtures/fake-jelou';
import { SIGNING_SECRET, TRIGGER_API_KEY } from '../../../support/context';
import { TRIGGER_NODE } from '../../../support/fake-n8n';
import { fakeN8n, type FakeN8n } from '../../../support/webhook-server';

const PANEL_TOKEN = 'panel-t0ken-5ecr3t-0008';

let n8n: FakeN8n;
let jelou: DeliveryTarget;
let params: Record<string, unknown>;

beforeAll(async () => {
	n8n = await fakeN8n(() => ({
		params,
		credentials: {
			authType: 'apiKey',
			apiKey: TRIGGER_API_KEY,
			signingSecret: SIGNING_SECRET,
		},
		staticData: {},
	}));
	jelou = {
		webhookUrl: `${n8n.url}/webhook/${TRIGGER_NODE.webhookId}/jelou`,
		authType: 'bearer',
		authorization: PANEL_TOKEN,
		signingSecret: SIGNING_SECRET,
	};
});

afterAll(async () => {
	await n8n.close();
});

beforeEach(() => {
	n8n.outcomes.length = 0;
	params = { events: ['*'], options: { expectedAuthorization: PANEL_TOKEN } };
});

function startedItem(index = 0): IDataObject {
	const outcome = n8n.outcomes[index];
	expect(outcome.status).toBe(200);
	expect(outcome.result.workflowData).toHaveLength(1);
	return outcome.result.workflowData![0][0].json;
}

it('conversation.start, conversation.close and message delivered over HTTP verify and map', async () => {
	const now = Date.now();
	const events = eventSamples(now);
	const kinds = ['start', 'close', 'message'] as const;
	for (const kind of kinds) expect((await deliverEvent(jelou, events[kind])).status).toBe(200);
	expect(n8n.outcomes).toHaveLength(3);
	kinds.forEach((kind, index) =>
		expect(startedItem(index)).toEqual({ ...eventItems(now)[kind], payload: events[kind] }),
	);
});

it('the conversation.start Jelou sends after Start conversation starts the workflow with that user', async () => {
	// What Jelou delivers once a Start conversation request for user-777 was answered.
	const { start } = eventSamples(Date.now());
	const started = { ...start, contact: { id: 'user-777', name: 'Nuevo Cliente' } };
	expect((await deliverEvent(jelou, started)).status).toBe(200);
	await n8n.outcomeCount(1);
	expect(n8n.outcomes).toHaveLength(1);
	expect(startedItem()).toMatchObject({
		event: 'conversation.start',
		state: 'active',
		User: { id: 'user-777' },
	});
});

it('a forged signature, a replayed event, and a wrong bearer token are refused with 401', async () => {
	const { start, close, message } = eventSamples(Date.now());
	const forged = await deliverEvent(jelou, start, 'not-the-secret');
	expect(forged.status).toBe(401);
	expect(JSON.parse(forged.body)).toEqual({ error: 'Invalid X-Jelou-Signature' });

	const replayed = await deliverEvent(jelou, { ...close, timestamp: Date.now() - 10 * 60_000 });
	expect(replayed.status).toBe(401);
	expect(JSON.parse(replayed.body)).toEqual({
		error: 'Event is older than 300 seconds (possible replay)',
	});

	params = { events: ['*'], options: { expectedAuthorization: 'another-token' } };
	const wrongToken = await deliverEvent(jelou, message);
	expect(wrongToken.status).toBe(401);

	expect(n8n.outcomes).toHaveLength(3);
	expect(n8n.outcomes.every((o) => o.result.workflowData === undefined)).toBe(true);
	for (const delivery of [forged, replayed, wrongToken]) {
		expect(delivery.body).not.toContain(SIGNING_SECRET);
		expect(delivery.body).not.toContain(PANEL_TOKEN);
	}
});

it('an event not selected is answered 200 so Jelou does not resend it', async () => {
	params = { events: ['conversation.close'], options: { expectedAuthorization: PANEL_TOKEN } };
	const delivery = await deliverEvent(jelou, eventSamples(Date.now()).message);
	expect(delivery.status).toBe(200);
	expect(n8n.outcomes[0].result.workflowData).toBeUndefined();
});
