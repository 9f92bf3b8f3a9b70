import type {
	ICredentialDataDecryptedObject,
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	IDataObject,
	IN8nHttpFullResponse,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { JelouApi } from '../../../credentials/JelouApi.credentials';
import { checkId } from '../../../shared/ids';
import { type Deliver, JelouTransport } from '../transport/client';
import { JelouRequestError } from '../transport/errors';

/**
 * The credential's Test button. A node-level test (`testedBy`) rather than the credential's
 * declarative `test`, because Jelou's cheapest authenticated call, reading the project's
 * integration, answers 404 for a valid key on a project that has no integration yet: a declarative
 * test can only turn that into a failure (and n8n 1.x ignores its `responseCode` messages).
 */
export const CREDENTIAL_TEST = 'jelouApiTest';

/**
 * Used in the probe's path when the credential has no Project ID. Inferred, not documented: Jelou
 * checks the key before the project (a wrong key answers 401 whatever the path), so a 404 here
 * still means the key was accepted.
 */
const PLACEHOLDER_PROJECT = 'n8n-credential-check';

/** One quick try: the user is waiting on the button. */
const PROBE_SETTINGS = { concurrency: 1, maxRetries: 1, timeoutMs: 15_000 };

export const CREDENTIAL_REJECTED =
	'Jelou rejected these credentials (HTTP 401). Check the API key, or the client ID and client secret.';
export const PROJECT_REFUSED =
	'Jelou accepted the credentials but refused access to this project (HTTP 403). Check the Project ID.';

/**
 * n8n gives a credential test no `httpRequest` and no `httpRequestWithAuthentication`: its context
 * (CredentialTestContext, the same in n8n 1.123 and 2.41) offers only the request-library style
 * `helpers.request`. So the credential's own `authenticate` is applied here, as n8n applies it to
 * every node request, and statuses are returned rather than thrown, as the transport expects.
 */
function credentialTestSender(
	helpers: ICredentialTestFunctions['helpers'],
	credentials: ICredentialDataDecryptedObject,
): Deliver {
	const credentialType = new JelouApi();
	return async (options) => {
		const authenticated = await credentialType.authenticate(credentials, { ...options });
		const response = (await helpers.request({
			uri: authenticated.url,
			method: authenticated.method,
			headers: authenticated.headers,
			body: authenticated.body,
			json: true,
			timeout: authenticated.timeout,
			resolveWithFullResponse: true,
			simple: false,
		})) as { body?: unknown; headers?: IDataObject; statusCode: number; statusMessage?: string };
		return {
			body: response.body as IN8nHttpFullResponse['body'],
			headers: response.headers ?? {},
			statusCode: response.statusCode,
			statusMessage: response.statusMessage,
		};
	};
}

function describeFailure(error: unknown): string {
	if (error instanceof JelouRequestError) return `${error.message}. ${error.description}`;
	return error instanceof Error ? error.message : String(error);
}

/**
 * Reads the project's integration through the one transport. A valid key passes whether or not the
 * project has an integration yet; 401 and 403 fail with our own messages.
 */
export async function testJelouCredential(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	let transport: JelouTransport;
	try {
		transport = JelouTransport.withSender(
			data,
			credentialTestSender(this.helpers, data),
			PROBE_SETTINGS,
		);
	} catch (error) {
		return { status: 'Error', message: describeFailure(error) };
	}
	const checked = checkId(data.projectId);
	const projectId = 'id' in checked ? checked.id : undefined;

	const failure = await transport
		.request({
			method: 'GET',
			path: ['external-support', projectId ?? PLACEHOLDER_PROJECT],
			bareShape: 'integration',
		})
		.then(
			() => undefined,
			(error: unknown) => error,
		);
	if (failure === undefined) {
		return {
			status: 'OK',
			message: projectId
				? `Jelou accepted the credentials; project '${projectId}' has an External Support integration.`
				: 'Jelou accepted the credentials.',
		};
	}
	const status = failure instanceof JelouRequestError ? failure.httpCode : undefined;
	if (status === 404) {
		return {
			status: 'OK',
			message: projectId
				? `Jelou accepted the credentials. Project '${projectId}' has no External Support integration yet: create one with the Jelou node (Integration → Create), or let the Jelou Trigger register its webhook.`
				: "Jelou accepted the credentials. Fill in the Project ID to also check the project's External Support integration.",
		};
	}
	if (status === 401) return { status: 'Error', message: CREDENTIAL_REJECTED };
	if (status === 403) return { status: 'Error', message: PROJECT_REFUSED };
	return { status: 'Error', message: transport.redact(describeFailure(failure)) };
}
