export { JelouApi } from './credentials/JelouApi.credentials';
export { Jelou } from './nodes/Jelou/Jelou.node';
export { JelouTrigger } from './nodes/Jelou/JelouTrigger.node';
