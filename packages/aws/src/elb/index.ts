/**
 * `@slipway/aws/elb`: traffic between two target groups of an Application Load Balancer, and CloudWatch alarms as
 * health gates. The SDK clients are loaded only by {@link loadElbApi} and {@link loadAlarmsApi}, so importing this
 * module costs no SDK start-up.
 */
export { loadElbApi } from './api.js';
export type { ElbApi, ElbApiOptions } from './api.js';
export { createAlbRouter } from './router.js';
export type { AlbRouterOptions } from './router.js';
export { loadAlarmsApi } from './alarms.js';
export type { AlarmStatus, AlarmsApi, AlarmsApiOptions } from './alarms.js';
