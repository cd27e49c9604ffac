// The vendor-like variant of the reference target: differs from it only in legitimate ways (a strict add-key rule,
// 400 for an unknown image, extra headers, image ids read in either case, a quota of 10 with other people's tags
// present, latency).
export const VARIANT_ARGS = ['--add-key-rule', 'strict', '--unknown-image-status', '400', '--extra-headers', '--uuid-any-case', '--tag-quota', '10', '--latency-ms', '15',
  '--preexisting-tags', JSON.stringify({ env: 'prod', owner: 'team-a', 'ctk-zzzzzzzz-1x1': 'lookalike of a suite key', 'ctk-': 'bare prefix' })];
