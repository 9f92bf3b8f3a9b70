import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { getIdParameter } from '../../helpers/parameters';
import type { OperationHandler } from '../runner';
import { noticeField } from '../../helpers/fields';

const showFor = { resource: ['integration'], operation: ['delete'] };

const IRREVERSIBLE_NOTICE =
	"Deleting is irreversible: Jelou stops sending events to the project's webhook at once. Creating the integration again issues a new signing secret, which every consumer of the old one (your support panel, the Jelou API credential's Signing Secret) must then be given. To move the webhook instead, use Update.";

export const description: INodeProperties[] = [
	noticeField('deleteNotice', IRREVERSIBLE_NOTICE, showFor),
];

export const execute: OperationHandler = async function (transport, itemIndex) {
	const projectId = getIdParameter(this, 'projectId', 'Project ID', itemIndex);
	await transport.request({
		method: 'DELETE',
		path: ['external-support', projectId],
		notFoundMessage: `Project '${projectId}' has no External Support integration`,
		// Jelou answers `{ message, statusMessage, status: 1 }` without `data`.
		dataOptional: true,
		// Resent only when Jelou said it did not process it (429): after a time-out the integration
		// may already be gone, and a second DELETE would report a 404 for a delete that worked.
		retry: 'notProcessedOnly',
	});
	return { deleted: true, projectId };
};

/** This operation in the resource's Operation picker. */
export const option: INodePropertyOptions = {
	name: 'Delete',
	value: 'delete',
	description: "Delete the project's External Support integration; Jelou stops sending events",
	action: 'Delete an integration',
};
