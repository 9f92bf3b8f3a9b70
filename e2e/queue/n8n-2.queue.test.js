'use strict';
// Queue mode on n8n 2.41.1 (runtime e2e/runtime/n8n-2); run through scripts/test-queue.js.
require('./suite').defineQueueSuite(2);
