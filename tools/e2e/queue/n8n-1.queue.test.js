'use strict';
// Queue mode on n8n 1.123.50 (runtime tools/runtime/n8n-1); run through tools/scripts/test-queue.js.
require('./suite').defineQueueSuite(1);
