#!/usr/bin/env node
// The `key-hygiene` command from a clone after `npm ci`: the TypeScript sources run through tsx's
// loader, as `npm run audit` does, so there is no build step to forget.
import { register } from 'tsx/esm/api';

register();
await import('../scripts/key-hygiene.ts');
