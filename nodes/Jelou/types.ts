/**
 * Shapes of Jelou's External Support API, as documented at docs.jelou.ai and restated in the
 * project's API reference. Fields marked "inferred" are our reading of the docs, not a promise
 * from Jelou, so the code that reads them is defensive.
 */

/** Success envelope. `message` is an array in Jelou's examples but a string in its schema. */
export interface JelouEnvelope<T> {
	message?: string | string[];
	statusMessage?: string;
	status?: number;
	data?: T;
}

/** Error body documented on every endpoint. Values are placeholders in the docs. */
export interface JelouErrorBody {
	message?: string | string[];
	statusMessage?: string;
	status?: number;
	error?: {
		code?: string;
		key?: string;
		description?: string;
		developerMessages?: Record<string, unknown>;
		clientMessages?: Record<string, unknown>;
	};
	/** Per-field problems on 422 (inferred: field name → message or list of messages). */
	validationError?: Record<string, unknown>;
}

export type ConversationState = 'active' | 'closed';

export interface JelouConversationUser {
	id?: string;
	names?: string;
	referenceId?: string;
	createdAt?: string;
}

export interface JelouConversationBot {
	id?: string;
	name?: string;
	/** The channel, e.g. "Whatsapp". */
	type?: string;
}

/** `data` of Get Conversation. `endAt` and `endedReason` are present only once it is closed. */
export interface JelouConversation {
	_id: string;
	roomId?: string;
	state?: ConversationState | string;
	startAt?: string;
	endAt?: string;
	/** Documented value `closed_by_operator`; others may exist (inferred), so it is passed through. */
	endedReason?: string;
	User?: JelouConversationUser;
	Bot?: JelouConversationBot;
	[key: string]: unknown;
}

/** The flat shape the Simplify option returns, for spreadsheets and CRMs. */
export interface SimplifiedConversation {
	[key: string]: string | number | null;
	conversationId: string | null;
	roomId: string | null;
	state: string | null;
	startAt: string | null;
	endAt: string | null;
	endedReason: string | null;
	durationSeconds: number | null;
	userId: string | null;
	userName: string | null;
	userReferenceId: string | null;
	botId: string | null;
	botName: string | null;
	channel: string | null;
}

/**
 * A project's External Support integration as Get, Create and Update answer it, inside the
 * envelope's `data` or bare (both are documented). The samples differ in which fields they print,
 * so every field is optional. `signingSecret` comes only in Create's answer; Jelou never shows the
 * webhook's `authorization`.
 */
export interface JelouIntegration {
	id?: string;
	/** The project (Jelou calls a project a "brain"). */
	brainId?: string;
	webhookUrl?: string;
	/** How Jelou authenticates to the webhook: `bearer`, `api_key`, `basic` or `no_auth`. */
	authType?: string;
	signingSecret?: string;
	createdAt?: string;
	updatedAt?: string;
	[key: string]: unknown;
}
