import { runAction } from '@slipway/core';
import { main } from './main.js';

await runAction('traffic-split', () => main());
