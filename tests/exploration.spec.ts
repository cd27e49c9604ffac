// Stateful, model-based exploration (harness/explore/): random sequences of adds, deletes (existing, never carried,
// just deleted, re-added, refused, on the other image) and listings, the whole model of the image's tags checked
// after every command. A broken property fails the requirement it belongs to, with the shortest sequence of HTTP
// exchanges that still shows it (each also as a curl line) and the seed that replays it (IMS_SEED).
import { test, covers, finding, skipAs } from '../fixtures/index.js';
import { isRecentRunKey, runOfKey } from '../harness/run/run-id.js';
import { STEMLESS_KEYS } from '../data/unusual-keys.js';
import { HarnessError } from '../harness/run/errors.js';
import { ANNOTATION } from '../harness/run/outcome-protocol.js';
import { explore } from '../harness/explore/explore.js';
import { EXPLORE_LANES, exploreReservation, factoryHost, sequenceSlots } from '../harness/explore/hosts.js';
import { Budget } from '../harness/explore/budget.js';
import { reproductionText } from '../harness/explore/reproduction.js';

test('random sequences of tag operations keep the image exactly as the model says', covers({ requirement: 'DT-04', id: '3e7a51c2-9b04-4d6f-a8e1-6c20f5d9b711', long: true }), async ({ api, config, tagFactory: factory, forbiddenIfConfigured: forbidden, preflightRecord }, testInfo) => {
  if (config.explore === 0) skipAs('not-exercised', 'not exercised: the exploration is turned off (IMS_EXPLORE=0)');
  test.setTimeout(Math.max(60_000, config.explore * (config.timeoutMs / 10)));
  const images = [config.imageId, ...(config.otherImageId ? [config.otherImageId] : [])];
  const slots: Record<string, number> = {};
  const now = Date.now();
  const snapshot = preflightRecord.snapshot ?? {};
  const baseline = Object.fromEntries(images.map((image) => [image, Object.fromEntries(Object.entries(snapshot[image] ?? {}).filter(([k]) => !isRecentRunKey(k, now)))]));
  // Slots come from the run's broker, within the free quota every test shares (both images together): one
  // sequence's slots at least, those of a few sequences side by side at most (one at a time on a target that loses
  // overlapping writes). What one sequence holds follows from the free quota at preflight alone, so a seed replays
  // whatever the broker could grant. The tagFactory fixture's teardown removes what the exploration left.
  const free = Object.fromEntries(images.map((image) => [image, preflightRecord.freeSlots?.[image] ?? 0]));
  if (sequenceSlots(free[config.imageId]!, true) < 1) skipAs('not-exercised', `not exercised: no free tag slot on image ${config.imageId}`);
  const lanes = config.serialWrites ? 1 : Math.min(EXPLORE_LANES, new Budget(config.explore).sequenceParts().length);
  const asks = Object.entries(exploreReservation(lanes, config.imageId, config.otherImageId, free)).filter(([, r]) => r.want > 0).map(([image, r]) => ({ image, ...r }));
  (await factory.reserveAll(asks)).forEach((g, i) => (slots[asks[i]!.image] = g.granted));
  const host = factoryHost(
    { owner: api, forbidden, otherProject: config.otherProjectId, mainImage: config.imageId, otherImage: config.otherImageId, exclusive: config.imageExclusive },
    factory,
    { slots, baseline, isSuiteKey: (k) => runOfKey(k)?.runId === preflightRecord.runId || isRecentRunKey(k, Date.now()) || STEMLESS_KEYS.has(k) },
  );
  const r = await explore(host, { requests: config.explore, seed: config.seed, free, lanes });
  const note = (description: string) => testInfo.annotations.push({ type: ANNOTATION.observation, description });
  note(`exploration: seed ${r.seed} (replay: IMS_SEED=${r.seed}); ${r.sequences} sequence(s) in ${r.lanes} lane(s), ${r.requests.explore + r.requests.shrink} of ${r.requests.limit} requests${r.original ? ` (${r.requests.shrink} shrinking)` : ''}; tag slots ${Object.values(slots).join('+')}`);
  if (r.notRun) note(`exploration: ${r.notRun} of ${r.planned} sequence(s) not run: every lane holds a tag the target would not delete`);
  if (!config.forbidden) note('exploration: no deletes as the persona without permission (IMS_FORBIDDEN_* not configured)');
  if (r.leftovers.length) note(`exploration: could not remove ${r.leftovers.join(', ')} (the run's final check names them with the sweep command)`);
  if (r.unavailable) note(`exploration: ${r.unavailable} request(s) under test answered 503 and changed nothing: steps that did nothing`);
  const seen = new Set<string>();
  for (const c of r.foreign) {
    const id = `${c.image}\n${c.key}\n${c.kind}\n${c.actual}`;
    if (!seen.has(id)) testInfo.annotations.push({ type: ANNOTATION.foreignChange, description: JSON.stringify(c) });
    seen.add(id);
  }
  if (r.harnessError) throw new HarnessError(`the exploration could not go on: ${r.harnessError.message}`);
  const failure = r.shrunk ?? r.original;
  if (!failure) return;
  const text = reproductionText(r, failure);
  await testInfo.attach('exploration-reproduction.txt', { body: text, contentType: 'text/plain' });
  note(`exploration: reproduction\n${text}`);
  // One finding per requirement the shortest sequence breaks; its evidence is the whole sequence, by exchange id.
  for (const f of failure.findings.filter((x, i, all) => all.findIndex((y) => y.requirement === x.requirement) === i)) {
    const claim = `${f.claim} (stateful exploration, seed ${r.seed}: the shortest sequence found is ${failure.exchanges.length} requests; replay with IMS_SEED=${r.seed})`;
    finding(f.requirement, claim, failure.exchanges);
  }
});
