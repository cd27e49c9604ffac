#!/usr/bin/env node
// The `ims-conformance` command (npx ims-conformance ...). The suite ships its TypeScript sources and runs them through
// tsx (a dependency; docs/PACKAGING.md says why), registered first; scripts/cli.ts does the rest.
import { register } from 'tsx/esm/api';

register();
await import('../scripts/cli.ts');
