// Tag values that collide on purpose. A delete that matches on the value column (Glance keeps the tag text in a column
// named `value`; a key/value confusion in an ORM filter is one line) removes every tag with the addressed tag's value,
// which one unique value per tag never shows. The exploration draws its values from this small catalogue (the
// near-miss pairs too, each pair's value made its own with its stem, as their lanes run side by side), and DT-04's
// colliding-values test (tests/colliding-values.spec.ts) builds its cases from it.
// Values exist in the ims dialect only: the openstack dialect's tags are plain strings.

/** Few values, so tags share them; two differ only in case (a case-insensitive collation conflates them). */
export const SHARED_VALUES: readonly string[] = ['shared', '', 'SHARED'];

/** A value from the catalogue for the n-th add of `key`: the same key and count give the same value (replays agree). */
export function catalogueValue(key: string, n = 0): string {
  let h = 0;
  for (const ch of key) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return SHARED_VALUES[(h + n) % SHARED_VALUES.length]!;
}

/** DT-04's colliding-value cases: who the bystanders are, relative to the target's key and value. */
export interface ValueCollision {
  id: string;
  /** The target's value, from the run's stem. */
  targetValue(stem: string): string;
  /** Bystanders created before the target (older rows), from the target's key and value; `other`: on the other image. */
  bystanders(targetKey: string, targetValue: string, stem: string): { key: string; value: string; other?: true }[];
  conflatedBy: string;
}

export const VALUE_COLLISIONS: readonly ValueCollision[] = [
  {
    id: 'same value, key equal to the value, value equal to the key',
    // A key-shaped value carrying the stem: a bystander can carry it as its key and stay findable by the run.
    targetValue: (stem) => `${stem}-val`,
    bystanders: (key, value, stem) => [
      { key: `${stem}-same`, value },
      { key: value, value: 'shared' },
      { key: `${stem}-rev`, value: key },
      { key: `${stem}-upper`, value: value.toUpperCase() },
    ],
    conflatedBy: "a delete filtered on the value column, or on key OR value (an ORM filter naming the wrong column); the upper-case copy: the same under a case-insensitive collation",
  },
  {
    id: 'the same value on both images',
    targetValue: () => 'shared',
    bystanders: (_key, value, stem) => [{ key: `${stem}-other`, value, other: true }, { key: `${stem}-here`, value }],
    conflatedBy: 'a delete by value that ignores the image id as well',
  },
  {
    id: 'empty values',
    targetValue: () => '',
    bystanders: (_key, value, stem) => [{ key: `${stem}-empty`, value }],
    conflatedBy: 'a delete by value where every untagged value is the empty string (or NULL compared as equal)',
  },
];
