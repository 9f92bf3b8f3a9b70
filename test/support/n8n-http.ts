/**
 * n8n's own plain HTTP helper (`this.helpers.httpRequest`: axios through n8n-core), for tests of
 * requests whose exact wire behaviour matters (streams, redirects not followed), answered by nock.
 */
import { httpRequest } from 'n8n-core/dist/execution-engine/node-execution-context/utils/request-helper-functions';

import type { PlainSend } from '../../nodes/Jelou/transport';

export const n8nHttpRequest: PlainSend = async (options) => await httpRequest(options);
