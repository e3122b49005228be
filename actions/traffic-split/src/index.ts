// One bundle for both steps, as docker/actions-toolkit does it: main saves `isPost`, which only the post step then
// sees as state. (Two ncc bundles in one dist/ would write their split chunks over each other's.)
import { getState, saveState } from '@actions/core';
import { runAction } from '@slipway/core';
import { main } from './main.js';
import { IS_POST_STATE } from './state.js';

if (getState(IS_POST_STATE) === 'true') {
  const { post } = await import('./post-run.js');
  await runAction('traffic-split post', () => post());
} else {
  await runAction('traffic-split', async () => {
    saveState(IS_POST_STATE, 'true');
    await main();
  });
}
