'use strict';
// Queue mode on n8n 2.41.1 (runtime tools/runtime/n8n-2); run through tools/scripts/test-queue.js.
require('./suite').defineQueueSuite(2);
