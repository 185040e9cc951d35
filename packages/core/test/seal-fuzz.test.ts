import { describe, expect, it } from 'vitest';
import { Sealer } from '../src/index.js';

/**
 * Fuzzing of sealed values (SECURITY.md rules 3 and 5): random mutations of a valid seal, in every
 * field and with every class of byte, must all be refused. Only the identity unseals: one session
 * has exactly one encoding, so "tampered → no session" holds and a seal cannot be re-encoded.
 *
 * The generator is seeded, so a failure names a mutation that reproduces on every run.
 */

const SECRET = 'a-test-secret-that-is-at-least-32-characters-long';
const SEED = 0x5eed_0018;
/** Mutations per field and kind; 8 fields × 12 kinds × this many (about 7,000), a second or two. */
const PER_KIND = 80;

/** mulberry32: a small, fast, seedable generator; good enough to spread the mutations. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (max: number) => Math.floor(next() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  return { int, pick };
}

/** Classes of characters an attacker can put in a cookie, each tried in every field. */
const BYTE_CLASSES: Record<string, string> = {
  base64url: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
  'standard base64 and padding': '+/=',
  digits: '0123456789',
  'the field separator': '*',
  'other printable ASCII': ' !"#$%&\'(),.:;<>?@[\\]^`{|}~',
  'control characters': '\u0000\u0001\t\n\r\u001b\u007f',
  'non-ASCII': 'é\u00a0\u2028\ufeff€😀',
};

type Random = ReturnType<typeof generator>;

/** A string of 1 to 8 characters of one class. */
const junk = (random: Random, chars: string) =>
  Array.from({ length: 1 + random.int(8) }, () => random.pick([...chars])).join('');

/** Ways to change one field; each gets the field and a class of characters. */
const FIELD_MUTATIONS: Record<string, (field: string, chars: string, random: Random) => string> = {
  'replace one character': (field, chars, random) => {
    if (field.length === 0) return random.pick([...chars]);
    const at = random.int(field.length);
    return `${field.slice(0, at)}${random.pick([...chars])}${field.slice(at + 1)}`;
  },
  'insert characters': (field, chars, random) => {
    const at = random.int(field.length + 1);
    return `${field.slice(0, at)}${junk(random, chars)}${field.slice(at)}`;
  },
  'append characters': (field, chars, random) => `${field}${junk(random, chars)}`,
  'prepend characters': (field, chars, random) => `${junk(random, chars)}${field}`,
  'replace the whole field': (_field, chars, random) => junk(random, chars),
  'change the last character (unused base64 bits)': (field, chars, random) =>
    field.length === 0 ? junk(random, chars) : `${field.slice(0, -1)}${random.pick([...chars])}`,
};

/** Mutations that do not depend on a class of characters. */
const SHAPE_MUTATIONS: Record<string, (field: string, random: Random) => string> = {
  'empty the field': () => '',
  'delete one character': (field, random) => {
    if (field.length === 0) return 'x';
    const at = random.int(field.length);
    return `${field.slice(0, at)}${field.slice(at + 1)}`;
  },
  'truncate the field': (field, random) => field.slice(0, random.int(Math.max(field.length, 1))),
  'double the field': (field) => `${field}${field}`,
  'swap the case of a character': (field, random) => {
    const letters = [...field].flatMap((char, index) =>
      char.toLowerCase() !== char.toUpperCase() ? [index] : [],
    );
    if (letters.length === 0) return `${field}A`;
    const at = random.pick(letters);
    const char = field[at] as string;
    const swapped = char === char.toLowerCase() ? char.toUpperCase() : char.toLowerCase();
    return `${field.slice(0, at)}${swapped}${field.slice(at + 1)}`;
  },
  'percent-encode a character': (field, random) => {
    if (field.length === 0) return '%41';
    const at = random.int(field.length);
    const encoded = `%${field.charCodeAt(at).toString(16).padStart(2, '0')}`;
    return `${field.slice(0, at)}${encoded}${field.slice(at + 1)}`;
  },
};

/** Whole-seal mutations: truncation, extra or missing fields, fields swapped, wrapping. */
const SEAL_MUTATIONS: Record<string, (sealed: string, random: Random) => string> = {
  truncate: (sealed, random) => sealed.slice(0, random.int(sealed.length)),
  'drop a field': (sealed, random) => {
    const fields = sealed.split('*');
    fields.splice(random.int(fields.length), 1);
    return fields.join('*');
  },
  'add a field': (sealed, random) => {
    const fields = sealed.split('*');
    fields.splice(random.int(fields.length + 1), 0, random.pick(['', 'x', fields[3] ?? '']));
    return fields.join('*');
  },
  'swap two fields': (sealed, random) => {
    const fields = sealed.split('*');
    const a = random.int(fields.length);
    const b = random.int(fields.length);
    [fields[a], fields[b]] = [fields[b] as string, fields[a] as string];
    return fields.join('*');
  },
  'wrap in quotes or spaces': (sealed, random) =>
    random.pick([`"${sealed}"`, ` ${sealed}`, `${sealed} `, `${sealed}\n`]),
  'URL-encode the separators': (sealed) => sealed.replaceAll('*', '%2A'),
};

const FIELD_NAMES = [
  'prefix',
  'key id',
  'encryption salt',
  'iv',
  'ciphertext',
  'expiration',
  'hmac salt',
  'hmac',
];

describe('fuzzing a sealed value (SECURITY.md rules 3 and 5)', () => {
  it(`refuses every mutation of a valid seal but the identity (seed ${SEED})`, async () => {
    const sealer = new Sealer([SECRET], 'session');
    const value = { user: { sub: 'auth0|alice' }, n: 1 };
    const sealed = await sealer.seal(value, Date.now() / 1000 + 3600);
    expect(sealed.split('*')).toHaveLength(8);
    expect(await sealer.unseal(sealed)).toEqual(value);

    const random = generator(SEED);
    const mutations: Array<{ what: string; mutated: string }> = [];
    const fields = sealed.split('*');
    for (const [index, name] of FIELD_NAMES.entries()) {
      const withField = (field: string) => fields.with(index, field).join('*');
      const original = fields[index] as string;
      for (const [kind, mutate] of Object.entries(FIELD_MUTATIONS)) {
        for (const [charClass, chars] of Object.entries(BYTE_CLASSES)) {
          for (let n = 0; n < PER_KIND / 4; n += 1) {
            const mutated = withField(mutate(original, chars, random));
            mutations.push({ what: `${name}: ${kind} (${charClass})`, mutated });
          }
        }
      }
      for (const [kind, mutate] of Object.entries(SHAPE_MUTATIONS)) {
        for (let n = 0; n < PER_KIND; n += 1) {
          mutations.push({
            what: `${name}: ${kind}`,
            mutated: withField(mutate(original, random)),
          });
        }
      }
    }
    for (const [kind, mutate] of Object.entries(SEAL_MUTATIONS)) {
      for (let n = 0; n < PER_KIND; n += 1) {
        mutations.push({ what: `seal: ${kind}`, mutated: mutate(sealed, random) });
      }
    }
    // Every field, the salts included, was changed many times.
    expect(mutations.length).toBeGreaterThan(3000);

    const accepted: string[] = [];
    let identities = 0;
    for (const { what, mutated } of mutations) {
      if (mutated === sealed) {
        identities += 1;
        continue;
      }
      const result = await sealer.unseal(mutated);
      if (result !== undefined) accepted.push(`${what}: ${JSON.stringify(mutated)}`);
    }
    expect(accepted).toEqual([]);
    // The identity, where a mutation happened to produce it, is of course still accepted.
    expect(identities).toBeLessThan(mutations.length / 10);
    expect(await sealer.unseal(sealed)).toEqual(value);
  });

  it('refuses a seal with anything in either salt field (the hostile run’s finding)', async () => {
    const sealer = new Sealer([SECRET], 'session-id');
    const sealed = await sealer.seal('session-123', Date.now() / 1000 + 3600);
    const fields = sealed.split('*');
    expect(fields[2]).toBe('');
    expect(fields[6]).toBe('');
    for (const index of [2, 6]) {
      for (const salt of ['ANYTHING', 'a', '0', '*']) {
        expect(await sealer.unseal(fields.with(index, salt).join('*'))).toBeUndefined();
      }
    }
    expect(await sealer.unseal(fields.with(5, '9999999999999').join('*'))).toBeUndefined();
  });
});
