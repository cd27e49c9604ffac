// The identities and images the reference target serves. Whoever starts it (the suite's runner, the
// self-test, a user) hands these in; with none given, `npm run reference` makes random ones and prints them.
import { randomBytes, randomUUID } from 'node:crypto';

export interface ReferenceSeed {
  projectId: string;
  otherProjectId: string;
  imageId: string;
  otherImageId: string;
  otherProjectImageId: string;
  tokens: { owner: string; forbidden: string; otherProject: string };
  accessKeys: { owner: { ak: string; sk: string }; forbidden: { ak: string; sk: string } };
  iamUsers: { owner: { username: string; password: string; domain: string }; forbidden: { username: string; password: string; domain: string } };
}

export function randomSeed(): ReferenceSeed {
  const hex = (n: number) => randomBytes(n).toString('hex');
  return {
    projectId: hex(16),
    otherProjectId: hex(16),
    imageId: randomUUID(),
    otherImageId: randomUUID(),
    otherProjectImageId: randomUUID(),
    tokens: { owner: `owner-${hex(12)}`, forbidden: `forbidden-${hex(12)}`, otherProject: `other-${hex(12)}` },
    accessKeys: {
      owner: { ak: hex(10).toUpperCase(), sk: hex(20) },
      forbidden: { ak: hex(10).toUpperCase(), sk: hex(20) },
    },
    iamUsers: {
      owner: { username: 'owner', password: hex(12), domain: 'reference' },
      forbidden: { username: 'forbidden', password: hex(12), domain: 'reference' },
    },
  };
}

export function parseSeed(json: string): ReferenceSeed {
  const seed = JSON.parse(json) as Partial<ReferenceSeed>;
  for (const field of ['projectId', 'otherProjectId', 'imageId', 'otherImageId', 'otherProjectImageId', 'tokens', 'accessKeys', 'iamUsers'] as const) {
    if (!seed[field]) throw new Error(`seed is missing ${field}`);
  }
  return seed as ReferenceSeed;
}
