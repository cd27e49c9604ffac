// Config for `playwright merge-reports --config playwright.merge.config.ts <IMS_RESULTS_DIR>/blob`: the same
// reporters as a run, our reporter reading the shards' run records from the blob folder.
import { defineConfig } from '@playwright/test';
import { reporters } from './reporter/reporter-list.js';

const resultsDir = process.env.IMS_RESULTS_DIR || 'results';

export default defineConfig({ testDir: 'tests', reporter: reporters(resultsDir, 'merge') });
