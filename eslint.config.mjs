// n8n's own lint rules for community nodes, exactly as n8n's node CLI ships them (the community
// nodes plugin plus eslint-plugin-n8n-nodes-base's nodes, credentials and package.json sets).
import { config } from '@n8n/node-cli/eslint';

export default config;
