#!/usr/bin/env node
// The `ims-conformance` command (npx ims-conformance ...). The suite ships TypeScript, so tsx is registered
// first; scripts/cli.ts does the rest.
import { register } from 'tsx/esm/api';

register();
await import('../scripts/cli.ts');
