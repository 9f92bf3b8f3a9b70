/**
 * Real HTTP end to end: the sandbox signs and delivers its events to a local server that plays
 * n8n's webhook endpoint and runs JelouTrigger.webhook() on the raw request. Proves that the
 * sandbox's real signatures (and its bearer header) verify, and that bad ones are refused.
 */
import type { IDataObject } from 'n8n-workflow';

import { API_KEY, node } from './context';
import { fakeN8n, sandbox, type FakeN8n, type Sandbox } from './sandbox';

const PANEL_TOKEN = 'panel-t0ken-5ecr3t-0008';

let sb: Sandbox;
let n8n: FakeN8n;
let params: Record<string, unknown>;

beforeAll(async () => {
	n8n = await fakeN8n(() => ({
		params,
		credentials: {
			authType: 'apiKey',
			apiKey: API_KEY,
			signingSecret: sb.integration!.signingSecret,
		},
		staticData: {},
	}));
	sb = await sandbox({
		integration: {
			webhookUrl: `${n8n.url}/webhook/${node.webhookId}/jelou`,
			authType: 'bearer',
			authorization: PANEL_TOKEN,
		},
	});
});

afterAll(async () => {
	await sb.close();
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

it('conversation.start, conversation.close and message from the sandbox verify and map', async () => {
	const start = await sb.emit({ event: 'conversation.start' });
	const close = await sb.emit({ event: 'conversation.close', text: 'Gracias por escribirnos' });
	const message = await sb.emit({ event: 'message', text: 'Hola' });
	for (const delivery of [start, close, message]) expect(delivery.status).toBe(200);
	expect(n8n.outcomes).toHaveLength(3);

	const iso = (payload: Record<string, unknown>) =>
		new Date(payload.timestamp as number).toISOString();
	expect(startedItem(0)).toEqual({
		event: 'conversation.start',
		timestamp: iso(start.sentPayload),
		projectId: 'demo-project',
		_id: 'conv-active-001',
		roomId: (start.sentPayload as { room_id: string }).room_id,
		state: 'active',
		User: { id: 'user-002', names: expect.any(String) },
		Bot: { id: 'bot-001', name: expect.any(String) },
		payload: start.sentPayload,
	});
	expect(startedItem(1)).toEqual({
		event: 'conversation.close',
		timestamp: iso(close.sentPayload),
		projectId: 'demo-project',
		_id: 'conv-closed-001',
		roomId: (close.sentPayload as { room_id: string }).room_id,
		state: 'closed',
		endedReason: 'closed_by_operator',
		User: { id: 'user-001', names: expect.any(String) },
		Bot: { id: expect.any(String), name: expect.any(String) },
		closingMessage: { type: 'text', text: 'Gracias por escribirnos' },
		payload: close.sentPayload,
	});
	expect(startedItem(2)).toMatchObject({
		event: 'message',
		state: 'active',
		_id: 'conv-active-001',
		message: { type: 'text', content: { body: 'Hola' } },
		payload: message.sentPayload,
	});
});

it('an event fired by the API (Start conversation) arrives signed and starts the workflow', async () => {
	const response = await fetch(`${sb.baseUrl}/external-support/demo-project/conversations/start`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
		body: JSON.stringify({ botId: 'bot-001', userId: 'user-777', initialMessage: 'Hola' }),
	});
	expect(response.status).toBe(200);
	// The sandbox delivers the event after its answer; wait for it (a delivery that never came
	// would hit jest's time-out).
	await n8n.outcomeCount(1);
	expect(n8n.outcomes).toHaveLength(1);
	expect(startedItem()).toMatchObject({
		event: 'conversation.start',
		state: 'active',
		User: { id: 'user-777' },
	});
});

it('a forged signature, a replayed event, and a wrong bearer token are refused with 401', async () => {
	const forged = await sb.emit({ event: 'conversation.start', signingSecret: 'not-the-secret' });
	expect(forged.status).toBe(401);
	expect(JSON.parse(forged.body!)).toEqual({ error: 'Invalid X-Jelou-Signature' });

	const replayed = await sb.emit({
		event: 'conversation.close',
		timestamp: Date.now() - 10 * 60_000,
	});
	expect(replayed.status).toBe(401);
	expect(JSON.parse(replayed.body!)).toEqual({
		error: 'Event is older than 300 seconds (possible replay)',
	});

	params = { events: ['*'], options: { expectedAuthorization: 'another-token' } };
	const wrongToken = await sb.emit({ event: 'message' });
	expect(wrongToken.status).toBe(401);

	expect(n8n.outcomes.every((o) => o.result.workflowData === undefined)).toBe(true);
	for (const delivery of [forged, replayed, wrongToken]) {
		expect(delivery.body).not.toContain(sb.integration!.signingSecret);
		expect(delivery.body).not.toContain(PANEL_TOKEN);
	}
});

it('an event not selected is answered 200 so Jelou does not resend it', async () => {
	params = { events: ['conversation.close'], options: { expectedAuthorization: PANEL_TOKEN } };
	const delivery = await sb.emit({ event: 'message' });
	expect(delivery.status).toBe(200);
	expect(n8n.outcomes[0].result.workflowData).toBeUndefined();
});
