// The identities the suite gives the embedded reference target when no IMS_ENDPOINT is configured.
// The suite owns these values and hands them to the target as its seed, exactly as a user hands the suite the
// ids and tokens of their own deployment: nothing here is read from the target's code.

export interface TargetSeed {
  projectId: string;
  otherProjectId: string;
  imageId: string;
  otherImageId: string;
  /** An image of the other project: lets the target answer the cross-project case realistically. */
  otherProjectImageId: string;
  tokens: { owner: string; forbidden: string; otherProject: string };
  accessKeys: { owner: { ak: string; sk: string }; forbidden: { ak: string; sk: string } };
  iamUsers: { owner: { username: string; password: string; domain: string }; forbidden: { username: string; password: string; domain: string } };
}

export const EMBEDDED_SEED: TargetSeed = {
  // The document's own example ids.
  projectId: 'fd73a4a14a4a4dfb9771a8475e5198ea',
  imageId: '67e17426-359e-49fb-aa12-0bd1756ec240',
  otherProjectId: '0b9f6c3e5a1d4e7f8a2b3c4d5e6f7a8b',
  otherImageId: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
  otherProjectImageId: '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b',
  tokens: { owner: 'embedded-owner-token', forbidden: 'embedded-forbidden-token', otherProject: 'embedded-other-project-token' },
  accessKeys: {
    owner: { ak: 'EMBEDDEDOWNERAK00001', sk: 'embedded-owner-secret-key' },
    forbidden: { ak: 'EMBEDDEDFORBIDAK0001', sk: 'embedded-forbidden-secret-key' },
  },
  iamUsers: {
    owner: { username: 'embedded-owner', password: 'embedded-owner-password', domain: 'embedded-domain' },
    forbidden: { username: 'embedded-forbidden', password: 'embedded-forbidden-password', domain: 'embedded-domain' },
  },
};
